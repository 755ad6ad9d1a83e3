package gate

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blastgate/blastgate/report"
)

// Results tells what happened to a test in the results given to check.
type Results interface {
	// Result returns the test's result (report.ResultPass, ResultFail or
	// ResultSkip) and whether it was flaky; ok is false when the results
	// never mention it: it did not run.
	Result(pkg, name string) (result string, flaky, ok bool)
}

// Waiver lets a feature pass without a passing test until Expires (the
// last day it holds).
type Waiver struct {
	Feature, Reason string
	Expires         time.Time
}

// Policy is what the gate requires beyond a passing credited test.
type Policy struct {
	Waivers []Waiver
	// CriticalEvidence lists the evidence kinds that count for critical
	// features; empty means every kind.
	CriticalEvidence []string
	// Now is the day waivers are checked against.
	Now time.Time
	// ProofLines is policy proof: lines: coverage proves a change only
	// when a changed line ran, not just the changed declaration.
	ProofLines bool
	// RequireStampedResults is policy require_stamped_results: results
	// that blastgate run did not stamp for the head are an error, not a
	// warning (check enforces it before the gate decides).
	RequireStampedResults bool
}

// Decide fills in each impacted feature's test results, status and
// reason, and the report's verdict: pass only when every impacted feature
// has a credited test that ran and passed, or a waiver that holds. It
// orders the impacted features for reading: critical first, then those
// that fail the gate, then by id.
func Decide(r *report.Report, res Results, p Policy) {
	pass := true
	for i := range r.Impacted {
		f := &r.Impacted[i]
		decideFeature(f, res, p)
		if w, expired := waiverFor(f.ID, p); w != nil {
			if expired {
				r.Warnings = append(r.Warnings, fmt.Sprintf("the waiver for %s expired on %s and was ignored", f.ID, w.Expires.Format(time.DateOnly)))
			} else if f.Status != report.StatusCovered {
				f.Waiver = &report.Waiver{Reason: w.Reason, Expires: w.Expires.Format(time.DateOnly)}
			}
		}
		if f.Status != report.StatusCovered && f.Waiver == nil {
			pass = false
		}
	}
	r.Verdict = report.VerdictFail
	if pass {
		r.Verdict = report.VerdictPass
	}
	sort.SliceStable(r.Impacted, func(i, j int) bool {
		a, b := r.Impacted[i], r.Impacted[j]
		if ca, cb := a.Tier == report.TierCritical, b.Tier == report.TierCritical; ca != cb {
			return ca
		}
		if fa, fb := failing(a), failing(b); fa != fb {
			return fa
		}
		return a.ID < b.ID
	})
}

func failing(f report.Feature) bool {
	return f.Status != report.StatusCovered && f.Waiver == nil
}

func decideFeature(f *report.Feature, res Results, p Policy) {
	var counted, passed, failed, skipped, notRun []string
	var proved bool
	var unproved []report.Test
	for i := range f.Tests {
		t := &f.Tests[i]
		result, flaky, ok := res.Result(t.Package, t.Name)
		if !ok {
			result = report.ResultNotRun
		}
		t.Result, t.Flaky = result, flaky
		if f.Tier == report.TierCritical && len(p.CriticalEvidence) > 0 && !slices.Contains(p.CriticalEvidence, t.Evidence) {
			continue
		}
		counted = append(counted, t.Name)
		switch result {
		case report.ResultPass:
			passed = append(passed, t.Name)
			if proves(*t) {
				proved = true
			} else {
				unproved = append(unproved, *t)
			}
		case report.ResultFail:
			failed = append(failed, t.Name)
		case report.ResultSkip:
			skipped = append(skipped, t.Name)
		default:
			notRun = append(notRun, t.Name)
		}
	}
	// A failing credited test fails the feature whatever else passed: it
	// ran the page and the page broke (DESIGN.md: covered needs "no
	// credited test failed").
	switch {
	case len(failed) > 0:
		f.Status = report.StatusFailed
		f.Reason = fmt.Sprintf("%s failed", strings.Join(failed, ", "))
	case len(passed) > 0 && proved:
		f.Status, f.Reason = report.StatusCovered, ""
	case len(passed) > 0:
		// It ran and passed, but not the changed code: a test double
		// stood in, or the changed branch was never taken.
		f.Status, f.Reason = report.StatusUnproven, unprovenReason(unproved)
		f.Suggestion = proveSuggestion(f, unproved)
	case len(counted) == 0 && len(f.Tests) > 0:
		f.Status = report.StatusUntested
		f.Reason = fmt.Sprintf("critical: its tests have only %s evidence; it needs %s evidence", evidenceOf(f.Tests), strings.Join(p.CriticalEvidence, " or "))
	case len(counted) == 0:
		f.Status = report.StatusUntested
		f.Reason = "no test exercises it"
	case len(skipped) > 0:
		f.Status = report.StatusSkipped
		f.Reason = fmt.Sprintf("%s skipped", strings.Join(skipped, ", "))
	default:
		f.Status = report.StatusNotRun
		f.Reason = fmt.Sprintf("%s did not run: run it, or pass its results to check", strings.Join(notRun, ", "))
		// Say now what running it will show: a test that cannot prove
		// the change statically (a double stands in) will not pass the
		// gate unless coverage shows otherwise.
		var doubles []report.Test
		for _, t := range f.Tests {
			if t.Proof == report.ProofStatic || t.Proof == report.ProofCoverage {
				doubles = nil
				break
			}
			if t.Double != nil {
				doubles = append(doubles, t)
			}
		}
		if len(doubles) > 0 {
			f.Reason += "; but " + unprovenDoubles(doubles) + ", so it will not prove the change"
		}
	}
	if f.Status != report.StatusUntested && f.Status != report.StatusUnproven {
		f.Suggestion = nil // where a test belongs matters only when none counts
	}
}

// proves tells whether a passed test ran the changed code through the
// feature (DESIGN.md "proof"). A test whose proof was never worked out
// proves nothing: the gate fails closed.
func proves(t report.Test) bool {
	return t.Proof == report.ProofStatic || t.Proof == report.ProofCoverage
}

// unprovenReason names each passed test and what kept it from proving the
// change: the double that stood in, or the changed code that never ran.
func unprovenReason(tests []report.Test) string {
	var parts []string
	for _, t := range tests {
		switch {
		case t.Double != nil:
			parts = append(parts, fmt.Sprintf("%s passed with %s, the code the change reaches", t.Name, doubleText(t.Double)))
		case len(t.NotRan) > 0:
			parts = append(parts, fmt.Sprintf("%s passed, but the changed %s never ran under it",
				t.Name, joinShort(t.NotRan)))
		default:
			parts = append(parts, fmt.Sprintf("%s passed, but no path from it through this feature reaches the change", t.Name))
		}
	}
	return strings.Join(parts, "; ")
}

// unprovenDoubles names the doubles that stand in for the changed code in
// tests that did not run: "TestBuyToken prices with the test double
// prepaid.flatFee (prepaid/token_test.go:15) in place of
// billing.(*Service).TokenFee".
func unprovenDoubles(tests []report.Test) string {
	var parts []string
	for _, t := range tests {
		parts = append(parts, fmt.Sprintf("%s uses %s", t.Name, doubleText(t.Double)))
	}
	return strings.Join(parts, "; ")
}

// doubleText names a double, where the test creates it and what it
// replaces: "the test double prepaid.flatFee (prepaid/token_test.go:15)
// in place of billing.(*Service).TokenFee".
func doubleText(d *report.Double) string {
	return fmt.Sprintf("the test double %s (%s) in place of %s", shortName(d.Name), posText(d.Position), shortName(d.Instead))
}

// proveSuggestion says what would prove the change: a test through the
// real implementation the double replaced, or one that takes the changed
// code's path; coverage settles what static analysis cannot.
func proveSuggestion(f *report.Feature, tests []report.Test) *report.Suggestion {
	for _, t := range tests {
		if t.Double != nil {
			return &report.Suggestion{Tests: []report.SuggestedTest{{Kind: report.SuggestProduction,
				Feature: f.ID, Instead: t.Double.Instead, Double: t.Double.Name, Test: t.Name}}}
		}
	}
	if len(f.Reaches) > 0 {
		return &report.Suggestion{Tests: []report.SuggestedTest{{Kind: report.SuggestChangedLines,
			Feature: f.ID, Function: f.Reaches[0].Symbol, Test: tests[0].Name}}}
	}
	return &report.Suggestion{Tests: []report.SuggestedTest{{Kind: report.SuggestChangedCode, Feature: f.ID}}}
}

// shortName drops the module path from a qualified name:
// example.com/shop/billing.(*Service).TokenFee -> billing.(*Service).TokenFee.
func shortName(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

func joinShort(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = shortName(n)
	}
	return strings.Join(out, ", ")
}

func posText(p report.Position) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

func evidenceOf(tests []report.Test) string {
	var kinds []string
	for _, t := range tests {
		if !slices.Contains(kinds, t.Evidence) {
			kinds = append(kinds, t.Evidence)
		}
	}
	return strings.Join(kinds, " and ")
}

// waiverFor returns the waiver for a feature, and whether it expired.
func waiverFor(id string, p Policy) (*Waiver, bool) {
	for i, w := range p.Waivers {
		if w.Feature != id {
			continue
		}
		y, m, d := p.Now.Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return &p.Waivers[i], today.After(w.Expires)
	}
	return nil, false
}

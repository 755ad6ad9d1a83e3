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
	case len(passed) > 0:
		f.Status, f.Reason = report.StatusCovered, ""
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
	}
	if f.Status != report.StatusUntested {
		f.Suggestion = "" // where a test belongs matters only when none counts
	}
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

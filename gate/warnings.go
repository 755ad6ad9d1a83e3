package gate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blastgate/blastgate/report"
)

// Explainer is implemented by Results that can say why a test's result
// is not what go test reported for the test itself: its package failed to
// build, its test binary failed after its tests passed (a TestMain leak
// check), every subtest it ran skipped, its parent ran without running
// it. Why returns "" when the result is the test's own.
type Explainer interface {
	Why(pkg, name string) string
}

// Failure is a failure in the results: a test that failed (Name set) or
// a package that failed outside its tests (Name "", with a Reason).
type Failure struct {
	Package, Name, Reason string
}

// FailureLister is implemented by Results that can list their failures:
// each failed test that no failed subtest explains, and each package that
// failed outside its tests, of the packages the gate is about.
type FailureLister interface {
	Failures() []Failure
}

// maxFailureWarnings bounds the warnings about failures no impacted
// feature credits; the rest are counted in one more.
const maxFailureWarnings = 20

// Explain adds to a decided report what the results tell beyond each
// test's result, when res can tell it: the reason of each failed or
// skipped feature says why a test counted as failed or skipped when go
// test did not report that test so ("TestBuyToken failed: the test binary
// of example.com/shop/prepaid failed after its tests passed (TestMain, a
// leak check)"); and each failure of a test no impacted feature credits
// becomes a warning, which does not fail the gate ("TestOther
// (example.com/shop/account) failed; no impacted feature credits it").
// Call it after Decide with the same results and policy.
func Explain(r *report.Report, res Results, p Policy) {
	if ex, ok := res.(Explainer); ok {
		for i := range r.Impacted {
			explainFeature(&r.Impacted[i], ex, p)
		}
	}
	if fl, ok := res.(FailureLister); ok {
		r.Warnings = append(r.Warnings, uncreditedFailures(r.Impacted, fl.Failures())...)
	}
}

// explainFeature appends to a failed or skipped feature's reason why its
// tests that count got the result that decided it, where the results say.
func explainFeature(f *report.Feature, ex Explainer, p Policy) {
	var want string
	switch f.Status {
	case report.StatusFailed:
		want = report.ResultFail
	case report.StatusSkipped:
		want = report.ResultSkip
	default:
		return
	}
	type note struct{ test, why string }
	var notes []note
	decided := 0
	for _, t := range f.Tests {
		if t.Result != want || f.Tier == report.TierCritical && len(p.CriticalEvidence) > 0 && !slices.Contains(p.CriticalEvidence, t.Evidence) {
			continue
		}
		decided++
		if why := ex.Why(t.Package, t.Name); why != "" {
			notes = append(notes, note{t.Name, why})
		}
	}
	if len(notes) == 0 {
		return
	}
	var parts []string
	for _, n := range notes {
		part := n.why
		if decided > 1 {
			part = n.test + ": " + n.why
		}
		if !slices.Contains(parts, part) {
			parts = append(parts, part)
		}
	}
	f.Reason += ": " + strings.Join(parts, "; ")
}

// uncreditedFailures returns a warning for each failure that no credited
// test of an impacted feature accounts for: neither the test, nor its
// parent (whose failure it causes), nor its subtest (which its own
// failure fails), nor, for a package's failure, any test of the package.
func uncreditedFailures(impacted []report.Feature, failures []Failure) []string {
	credited := map[string][]string{} // package -> credited test names
	for _, f := range impacted {
		for _, t := range f.Tests {
			credited[t.Package] = append(credited[t.Package], t.Name)
		}
	}
	accounted := func(fl Failure) bool {
		names, ok := credited[fl.Package]
		if fl.Name == "" {
			return ok
		}
		for _, c := range names {
			if c == fl.Name || strings.HasPrefix(c, fl.Name+"/") || strings.HasPrefix(fl.Name, c+"/") {
				return true
			}
		}
		return false
	}
	var warnings []string
	more := 0
	for _, fl := range failures {
		if accounted(fl) {
			continue
		}
		if len(warnings) == maxFailureWarnings {
			more++
			continue
		}
		switch {
		case fl.Name == "":
			warnings = append(warnings, fmt.Sprintf("%s; no impacted feature credits a test of %s", fl.Reason, fl.Package))
		case fl.Reason != "":
			warnings = append(warnings, fmt.Sprintf("%s (%s) failed: %s; no impacted feature credits it", fl.Name, fl.Package, fl.Reason))
		default:
			warnings = append(warnings, fmt.Sprintf("%s (%s) failed; no impacted feature credits it", fl.Name, fl.Package))
		}
	}
	if more > 0 {
		warnings = append(warnings, fmt.Sprintf("%d more %s that no impacted feature credits: see the test results", more, plural(more, "failure")))
	}
	return warnings
}

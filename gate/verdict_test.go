package gate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// fakeResults maps "pkg.Name" to a result; a "~" prefix marks it flaky.
type fakeResults map[string]string

func (f fakeResults) Result(pkg, name string) (string, bool, bool) {
	r, ok := f[pkg+"."+name]
	if len(r) > 0 && r[0] == '~' {
		return r[1:], true, ok
	}
	return r, false, ok
}

func feature(id string, tests ...report.Test) report.Feature {
	return report.Feature{ID: id, Kind: report.KindRoute, Tests: tests, Suggestion: suggestA}
}

// test is a credited test that proved the change statically.
func test(name, evidence string) report.Test {
	return report.Test{Package: "p", Name: name, Evidence: evidence, Proof: report.ProofStatic}
}

// withProof is t with another proof.
func withProof(t report.Test, proof string) report.Test {
	t.Proof = proof
	return t
}

var flatFee = &report.Double{
	Name:     "example.com/shop/prepaid.flatFee",
	Position: report.Position{File: "prepaid/token_test.go", Line: 12},
	Instead:  "example.com/shop/billing.(*Service).TokenFee",
}

func TestDecideStatuses(t *testing.T) {
	for _, c := range []struct {
		name    string
		f       report.Feature
		results fakeResults
		status  string
		reason  string
	}{
		{"a credited test passed", feature("A", test("TestA", "static")), fakeResults{"p.TestA": "pass"}, report.StatusCovered, ""},
		{"one of two failed, one passed", feature("A", test("TestA", "static"), test("TestB", "request")), fakeResults{"p.TestA": "fail", "p.TestB": "pass"}, report.StatusFailed, "TestA failed"},
		{"one passed, one did not run", feature("A", test("TestA", "static"), test("TestB", "request")), fakeResults{"p.TestB": "pass"}, report.StatusCovered, ""},
		{"one passed, one skipped", feature("A", test("TestA", "static"), test("TestB", "request")), fakeResults{"p.TestA": "skip", "p.TestB": "pass"}, report.StatusCovered, ""},
		{"no credited test", feature("A"), fakeResults{"p.TestOther": "pass"}, report.StatusUntested, "no test exercises it"},
		{"credited test did not run", feature("A", test("TestA", "static")), fakeResults{"p.TestOther": "pass"}, report.StatusNotRun, "TestA did not run"},
		{"credited test failed", feature("A", test("TestA", "static")), fakeResults{"p.TestA": "fail"}, report.StatusFailed, "TestA failed"},
		{"failure beats skip", feature("A", test("TestA", "static"), test("TestB", "static")), fakeResults{"p.TestA": "skip", "p.TestB": "fail"}, report.StatusFailed, "TestB failed"},
		{"credited test skipped", feature("A", test("TestA", "static")), fakeResults{"p.TestA": "skip"}, report.StatusSkipped, "TestA skipped"},
		{"flaky but passed last", feature("A", test("TestA", "static")), fakeResults{"p.TestA": "~pass"}, report.StatusCovered, ""},
		{"passed with coverage proof", feature("A", withProof(test("TestA", "static"), report.ProofCoverage)), fakeResults{"p.TestA": "pass"}, report.StatusCovered, ""},
		{"passed, proof not worked out", feature("A", withProof(test("TestA", "static"), "")), fakeResults{"p.TestA": "pass"}, report.StatusUnproven, "TestA passed, but no path from it through this feature reaches the change"},
		{"passed with a double", feature("A", report.Test{Package: "p", Name: "TestBuyToken", Evidence: "static", Proof: report.ProofNone, Double: flatFee}), fakeResults{"p.TestBuyToken": "pass"},
			report.StatusUnproven, "TestBuyToken passed with the test double prepaid.flatFee (prepaid/token_test.go:12) in place of billing.(*Service).TokenFee, the code the change reaches"},
		{"passed, changed code never ran", feature("A", report.Test{Package: "p", Name: "TestA", Evidence: "request", Proof: report.ProofNone, NotRan: []string{"example.com/shop/billing.Fee"}}), fakeResults{"p.TestA": "pass"},
			report.StatusUnproven, "TestA passed, but the changed billing.Fee never ran under it"},
		{"one proves, one does not", feature("A", withProof(test("TestA", "static"), report.ProofNone), test("TestB", "request")), fakeResults{"p.TestA": "pass", "p.TestB": "pass"}, report.StatusCovered, ""},
		{"the proving test failed", feature("A", withProof(test("TestA", "static"), report.ProofNone), test("TestB", "request")), fakeResults{"p.TestA": "pass", "p.TestB": "fail"}, report.StatusFailed, "TestB failed"},
		{"only a test with a double, not run", feature("A", report.Test{Package: "p", Name: "TestBuyToken", Evidence: "static", Proof: report.ProofNone, Double: flatFee}), fakeResults{},
			report.StatusNotRun, "TestBuyToken did not run: run it, or pass its results to check; but TestBuyToken uses the test double prepaid.flatFee (prepaid/token_test.go:12) in place of billing.(*Service).TokenFee, so it will not prove the change"},
		{"the proving test did not run", feature("A", withProof(test("TestA", "static"), report.ProofNone), test("TestB", "request")), fakeResults{"p.TestA": "pass"}, report.StatusUnproven, "TestA passed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &report.Report{Impacted: []report.Feature{c.f}}
			Decide(r, c.results, Policy{})
			got := r.Impacted[0]
			assert.Equal(t, c.status, got.Status)
			assert.Contains(t, got.Reason, c.reason)
			want := report.VerdictFail
			if c.status == report.StatusCovered {
				want = report.VerdictPass
			}
			assert.Equal(t, want, r.Verdict)
			switch c.status {
			case report.StatusUntested:
				assert.Equal(t, suggestA, got.Suggestion)
			case report.StatusUnproven:
				assert.Contains(t, got.Suggestion.Words(), "add a test of A that ")
			default:
				assert.Nil(t, got.Suggestion)
			}
		})
	}
}

func TestDecideRecordsResults(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{feature("A", test("TestA", "static"), test("TestB", "request"))}}
	Decide(r, fakeResults{"p.TestA": "~pass"}, Policy{})
	tests := r.Impacted[0].Tests
	assert.Equal(t, "pass", tests[0].Result)
	assert.True(t, tests[0].Flaky)
	assert.Equal(t, "not-run", tests[1].Result)
}

func TestDecideCriticalEvidence(t *testing.T) {
	f := feature("POST /token/buy", test("TestBuyToken", "static"))
	f.Tier = report.TierCritical
	r := &report.Report{Impacted: []report.Feature{f}}
	p := Policy{CriticalEvidence: []string{"request", "coverage"}}
	Decide(r, fakeResults{"p.TestBuyToken": "pass"}, p)
	require.Equal(t, report.VerdictFail, r.Verdict)
	assert.Equal(t, report.StatusUntested, r.Impacted[0].Status)
	assert.Contains(t, r.Impacted[0].Reason, "only static evidence; it needs request or coverage evidence")

	f.Tests = append(f.Tests, test("TestRoutes", "request"))
	r = &report.Report{Impacted: []report.Feature{f}}
	Decide(r, fakeResults{"p.TestBuyToken": "pass", "p.TestRoutes": "pass"}, p)
	assert.Equal(t, report.VerdictPass, r.Verdict)

	// A standard feature needs no more than static evidence.
	g := feature("GET /bill", test("TestBill", "static"))
	r = &report.Report{Impacted: []report.Feature{g}}
	Decide(r, fakeResults{"p.TestBill": "pass"}, p)
	assert.Equal(t, report.VerdictPass, r.Verdict)
}

func TestDecideWaivers(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	waiver := Waiver{Feature: "GET /account", Reason: "manual QA", Expires: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	r := &report.Report{Impacted: []report.Feature{feature("GET /account")}}
	Decide(r, fakeResults{}, Policy{Waivers: []Waiver{waiver}, Now: now})
	assert.Equal(t, report.VerdictPass, r.Verdict, "a waiver holds through its last day")
	require.NotNil(t, r.Impacted[0].Waiver)
	assert.Equal(t, "2026-11-25", r.Impacted[0].Waiver.Expires)
	assert.Equal(t, report.StatusUntested, r.Impacted[0].Status, "the status still says what is missing")

	r = &report.Report{Impacted: []report.Feature{feature("GET /account")}}
	Decide(r, fakeResults{}, Policy{Waivers: []Waiver{waiver}, Now: now.AddDate(0, 0, 1)})
	assert.Equal(t, report.VerdictFail, r.Verdict, "an expired waiver is ignored")
	assert.Nil(t, r.Impacted[0].Waiver)
	assert.Contains(t, r.Warnings, "the waiver for GET /account expired on 2026-11-25 and was ignored")
}

func TestDecideOrder(t *testing.T) {
	crit := feature("Z critical", test("TestZ", "request"))
	crit.Tier = report.TierCritical
	r := &report.Report{Impacted: []report.Feature{
		feature("B covered", test("TestB", "static")),
		feature("C untested"),
		crit,
		feature("A not run", test("TestA", "static")),
	}}
	Decide(r, fakeResults{"p.TestB": "pass", "p.TestZ": "pass"}, Policy{})
	var ids []string
	for _, f := range r.Impacted {
		ids = append(ids, f.ID)
	}
	assert.Equal(t, []string{"Z critical", "A not run", "C untested", "B covered"}, ids)
}

func TestDecideNothingImpacted(t *testing.T) {
	r := &report.Report{}
	Decide(r, fakeResults{}, Policy{})
	assert.Equal(t, report.VerdictPass, r.Verdict, "a change that reaches no feature passes")
}

// suggestA is the suggestion the analyzer makes for feature A.
var suggestA = &report.Suggestion{Tests: []report.SuggestedTest{{Kind: report.SuggestDeclared, Feature: "A"}}}

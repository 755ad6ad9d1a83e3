package gate

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/blastgate/blastgate/report"
)

// strictResults is fakeResults with reasons and a list of failures.
type strictResults struct {
	fakeResults
	why      map[string]string // "pkg.Name" -> reason
	failures []Failure
}

func (s strictResults) Why(pkg, name string) string { return s.why[pkg+"."+name] }
func (s strictResults) Failures() []Failure         { return s.failures }

func TestExplainReasons(t *testing.T) {
	leak := "the test binary of p failed after its tests passed (TestMain, a leak check)"
	res := strictResults{
		fakeResults: fakeResults{"p.TestA": "fail", "p.TestB": "pass", "p.TestC": "fail", "p.TestD": "skip", "p.TestS/TestM": "skip"},
		why:         map[string]string{"p.TestA": leak, "p.TestC": leak, "p.TestS/TestM": "TestS ran but did not run this subtest"},
	}
	r := &report.Report{Impacted: []report.Feature{
		feature("one failed, one passed", test("TestA", "static"), test("TestB", "request")),
		feature("two failed", test("TestA", "static"), test("TestC", "static")),
		feature("skipped method", test("TestS/TestM", "request")),
		feature("skipped itself", test("TestD", "static")),
		feature("covered", test("TestB", "static")),
	}}
	p := Policy{}
	Decide(r, res, p)
	Explain(r, res, p)
	reasons := map[string]string{}
	for _, f := range r.Impacted {
		reasons[f.ID] = f.Status + ": " + f.Reason
	}
	assert.Equal(t, map[string]string{
		"one failed, one passed": "failed: TestA failed: " + leak,
		"two failed":             "failed: TestA, TestC failed: TestA: " + leak + "; TestC: " + leak,
		"skipped method":         "skipped: TestS/TestM skipped: TestS ran but did not run this subtest",
		"skipped itself":         "skipped: TestD skipped",
		"covered":                "covered: ",
	}, reasons)
	assert.Equal(t, "fail", r.Verdict)
	assert.Empty(t, r.Warnings, "no failure listed")
}

func TestExplainUncreditedFailures(t *testing.T) {
	res := strictResults{
		fakeResults: fakeResults{"p.TestA": "pass"},
		failures: []Failure{
			{Package: "p", Name: "TestA/sub"},                              // a subtest of a credited test
			{Package: "p", Name: "TestS"},                                  // parent of a credited method, failed on its own
			{Package: "p", Name: "TestS/TestOther"},                        // a sibling method nobody credits
			{Package: "example.com/shop/account", Name: "TestOther"},       // another package's test
			{Package: "p", Reason: "the test binary of p failed"},          // a package with credited tests
			{Package: "q", Reason: "the test binary of q failed after..."}, // one with none
		},
	}
	r := &report.Report{Impacted: []report.Feature{
		feature("A", test("TestA", "static"), test("TestS/TestM", "request")),
	}}
	Decide(r, res, Policy{})
	Explain(r, res, Policy{})
	assert.Equal(t, []string{
		"TestS/TestOther (p) failed; no impacted feature credits it",
		"TestOther (example.com/shop/account) failed; no impacted feature credits it",
		"the test binary of q failed after...; no impacted feature credits a test of q",
	}, r.Warnings)
	assert.Equal(t, "pass", r.Verdict, "warnings do not fail the gate")

	// Many failures: the first ones, and a count.
	res.failures = nil
	for i := range maxFailureWarnings + 3 {
		res.failures = append(res.failures, Failure{Package: "q", Name: fmt.Sprintf("Test%02d", i)})
	}
	r.Warnings = nil
	Explain(r, res, Policy{})
	assert.Len(t, r.Warnings, maxFailureWarnings+1)
	assert.Equal(t, "3 more failures that no impacted feature credits: see the test results", r.Warnings[maxFailureWarnings])
}

func TestExplainWithoutSupport(t *testing.T) {
	// Results that can tell nothing more leave the report as Decide made it.
	r := &report.Report{Impacted: []report.Feature{feature("A", test("TestA", "static"))}}
	res := fakeResults{"p.TestA": "fail"}
	Decide(r, res, Policy{})
	Explain(r, res, Policy{})
	assert.Equal(t, "TestA failed", r.Impacted[0].Reason)
	assert.Empty(t, r.Warnings)
}

package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSummarizeRun(t *testing.T) {
	stderr := "$ go test -json -cover -covermode=set -coverpkg=example.com/shop/billing,example.com/shop/web '-exec=/bin/blastgate __cover-exec /tmp/x' -count=1 -run '^(TestA)$' ./a\n" +
		"proof: TestA (example.com/shop/a) rerun alone\nproof: 2 tests rerun alone for coverage in 0.1s\n"
	report := []byte(`{"verdict": "fail", "impacted": [
		{"tests": [{"result": "pass", "proof": "coverage"}, {"result": "pass", "proof": "none"}, {"result": "not-run", "proof": "static"}]},
		{"tests": [{"result": "pass", "proof": "coverage"}, {"result": "fail"}]}]}`)
	reruns, pkgs, verdict, proofs := summarizeRun(report, stderr)
	assert.Equal(t, 2, reruns)
	assert.Equal(t, 2, pkgs)
	assert.Equal(t, "fail", verdict)
	assert.Equal(t, "coverage 2, none 1, unset 1", proofs)
}

func TestSummarizeStatuses(t *testing.T) {
	statuses, unproven := summarizeStatuses([]byte(`{"impacted": [{"id": "GET /a", "status": "covered"}, {"id": "GET /b", "status": "unproven", "reason": "TestB passed, but the changed x.F never ran under it"}, {"id": "GET /c", "status": "unproven", "reason": "r"}]}`))
	assert.Equal(t, "covered 1, unproven 2", statuses)
	assert.Equal(t, "GET /b: TestB passed, but the changed x.F never ran under it", unproven)
}

func TestPrintProofCost(t *testing.T) {
	r := goodResult()
	var buf bytes.Buffer
	printProofCost(&buf, []*appResult{r})
	assert.Contains(t, buf.String(), "| app | 3 | 10s | 12s | 1.20x |")
	r.unproven = &unprovenEdit{Edit: "e2", Verdict: "fail", Statuses: "covered 2, unproven 1", Example: "GET /x: TestX passed with the test double a.fake"}
	buf.Reset()
	printProofCost(&buf, []*appResult{r})
	assert.Contains(t, buf.String(), "- app, edit e2: fail (covered 2, unproven 1); unproven: GET /x: TestX passed with the test double a.fake\n")
	r.unproven = &unprovenEdit{Edit: "e1", Verdict: "pass", Statuses: "covered 3"}
	buf.Reset()
	printProofCost(&buf, []*appResult{r})
	assert.Contains(t, buf.String(), "- app, edit e1: pass (covered 3); no edit left a feature unproven\n")
	r.proof = &proofCost{Unmeasured: "the edit plans no test", GoTest: time.Second}
	buf.Reset()
	printProofCost(&buf, []*appResult{r})
	assert.Contains(t, buf.String(), "not measured: the edit plans no test")
}

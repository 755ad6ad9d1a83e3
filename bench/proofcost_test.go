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

func TestPrintProofCost(t *testing.T) {
	r := goodResult()
	var buf bytes.Buffer
	printProofCost(&buf, []*appResult{r})
	assert.Contains(t, buf.String(), "| app | 3 | 10s | 12s | 1.20x |")
	r.proof = &proofCost{Unmeasured: "the edit plans no test", GoTest: time.Second}
	buf.Reset()
	printProofCost(&buf, []*appResult{r})
	assert.Contains(t, buf.String(), "not measured: the edit plans no test")
}

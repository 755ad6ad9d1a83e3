package gate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

func TestAnnotationsCheck(t *testing.T) {
	data, err := os.ReadFile("testdata/check.json")
	require.NoError(t, err)
	var r report.Report
	require.NoError(t, json.Unmarshal(data, &r))
	var out bytes.Buffer
	require.NoError(t, WriteAnnotations(&out, &r))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, "::error file="), l)
	}
	assert.NotContains(t, out.String(), "POST /token/buy", "covered features are not annotated")
	assert.NotContains(t, out.String(), "GET /healthz", "waived features are not annotated")
	assert.Contains(t, out.String(), "GET /bill/{account} (not-run)")
}

func TestAnnotationsEscapeAndLimit(t *testing.T) {
	r := &report.Report{Verdict: "fail"}
	for i := 0; i < 12; i++ {
		r.Impacted = append(r.Impacted, report.Feature{
			ID: fmt.Sprintf("GET /x%d\n::error::forged,100%%", i), Status: "untested",
			Trace: []report.Frame{{Function: "m/p.F", Position: report.Position{File: fmt.Sprintf("a,b:%d.go", i), Line: i + 1}}},
		})
	}
	var out bytes.Buffer
	require.NoError(t, WriteAnnotations(&out, r))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, MaxAnnotations+1, "ten errors, then one warning counting the rest")
	assert.Equal(t, "::error file=a%2Cb%3A0.go,line=1,title=blastgate::p.F reaches features that lack a passing test: GET /x0%0A::error::forged,100%25 (untested)", lines[0])
	assert.Equal(t, "::warning title=blastgate::2 more changed symbols reach features that lack a passing test: see the step summary", lines[10])
}

func TestAnnotationsImpact(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{
		{ID: "A", Trace: []report.Frame{{Function: "m/b.Fee", Position: report.Position{File: "b/fee.go", Line: 10}}}},
		{ID: "B", Trace: []report.Frame{{Function: "m/x.Y"}, {Function: "m/b.Fee", Position: report.Position{File: "b/fee.go", Line: 10}}}},
	}}
	var out bytes.Buffer
	require.NoError(t, WriteAnnotations(&out, r))
	assert.Equal(t, "::notice file=b/fee.go,line=10,title=blastgate::b.Fee reaches A, B\n", out.String())
}

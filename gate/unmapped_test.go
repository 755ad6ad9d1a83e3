package gate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

func unmappedReport(n int) *report.Report {
	r := &report.Report{Base: strings.Repeat("a", 40), Head: strings.Repeat("b", 40)}
	for i := range n {
		r.Unmapped = append(r.Unmapped, report.Unmapped{File: fmt.Sprintf("static/f%02d.css", i), Why: "not in assets:"})
	}
	return r
}

// TestUnmappedLimits: the text renderers list 20 unmapped files, the
// markdown 10, each then counting the rest; JSON keeps every one.
func TestUnmappedLimits(t *testing.T) {
	r := unmappedReport(25)
	var text, md, js bytes.Buffer
	require.NoError(t, WriteText(&text, r))
	require.NoError(t, WriteMarkdown(&md, r))
	require.NoError(t, WriteJSON(&js, r))
	assert.Contains(t, text.String(), "25 changed files reach no feature (map files the code reads at run time with assets: in .blastgate.yaml):")
	assert.Contains(t, text.String(), "  static/f19.css: not in assets:\n  …and 5 more: see the JSON report\n")
	assert.NotContains(t, text.String(), "f20.css")
	assert.Contains(t, md.String(), "- `static/f09.css`: not in assets:\n- …and 15 more: see the JSON report\n")
	assert.NotContains(t, md.String(), "f10.css")
	var back report.Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Len(t, back.Unmapped, 25)
}

// TestUnmappedOne: one file, in the singular; none: no section, and
// "unmapped": [] in JSON.
func TestUnmappedOne(t *testing.T) {
	var text bytes.Buffer
	require.NoError(t, WriteText(&text, unmappedReport(1)))
	assert.Contains(t, text.String(), "\n1 changed file reaches no feature (")
	text.Reset()
	require.NoError(t, WriteText(&text, unmappedReport(0)))
	assert.NotContains(t, text.String(), "reach")
	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, unmappedReport(0)))
	assert.Contains(t, js.String(), `"unmapped": []`)
}

// TestPlanUnmapped: the plan carries the unmapped files, in JSON (always
// present) and as comments of its text.
func TestPlanUnmapped(t *testing.T) {
	p := MakePlan(unmappedReport(2), Policy{}, func(s string) string { return s }, 1)
	var text bytes.Buffer
	require.NoError(t, WritePlanText(&text, p, 0))
	assert.Contains(t, text.String(), "# unmapped: static/f00.css reaches no feature (not in assets:)\n# unmapped: static/f01.css reaches no feature (not in assets:)\n# map files the code reads at run time with assets: in .blastgate.yaml\n")
	js, err := json.Marshal(MakePlan(unmappedReport(0), Policy{}, func(s string) string { return s }, 1))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(js), `"unmapped":[]`), string(js))
}

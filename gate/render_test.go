package gate

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCases are the reports of testdata/NAME.json and the formats each
// is drawn in, compared with testdata/NAME.golden.FORMAT ("color" is text
// with colour).
var goldenCases = []struct {
	name    string
	formats []string
}{
	{"impact", []string{"text", "json", "markdown"}},
	{"check", []string{"text", "color", "json", "markdown"}},
	{"features", []string{"text", "markdown"}},
	{"policy", []string{"text", "json", "markdown"}},
}

// testGoldens draws each testdata/NAME.json of goldenCases that has the
// format with draw, and compares the result with
// testdata/NAME.golden.FORMAT.
func testGoldens(t *testing.T, format string, draw func(io.Writer, *report.Report) error) {
	t.Helper()
	n := 0
	for _, c := range goldenCases {
		if !slices.Contains(c.formats, format) {
			continue
		}
		n++
		t.Run(c.name+".golden."+format, func(t *testing.T) {
			r := readReport(t, c.name)
			var out bytes.Buffer
			require.NoError(t, draw(&out, r))
			golden(t, filepath.Join("testdata", c.name+".golden."+format), out.String())
		})
	}
	require.NotZero(t, n, "no golden case draws %s", format)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}

// TestCheckReportHasEveryCase keeps testdata/check.json what the goldens
// claim to cover.
func TestCheckReportHasEveryCase(t *testing.T) {
	r := readReport(t, "check")
	require.Equal(t, report.VerdictFail, r.Verdict)
	require.NotEmpty(t, r.Warnings)
	seen := map[string]bool{}
	for _, f := range r.Impacted {
		seen[shownStatus(f)] = true
		if f.Status == report.StatusCovered && f.Tier == report.TierCritical {
			seen["critical"] = true
		}
		for _, tc := range f.Tests {
			if tc.Flaky {
				seen["flaky"] = true
			}
		}
	}
	for _, want := range []string{"covered", "critical", "flaky", "not-run", "untested", "failed", "skipped", "waived"} {
		require.True(t, seen[want], want)
	}
}

func readReport(t *testing.T, name string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	require.NoError(t, err)
	var r report.Report
	require.NoError(t, json.Unmarshal(data, &r))
	return &r
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, &report.Report{}, "yaml")
	require.ErrorContains(t, err, `unknown format "yaml"`)
}

// TestNextStep checks the line a failing report ends with: what to do
// first, by the statuses that fail the gate, then the command to copy.
func TestNextStep(t *testing.T) {
	const cmd = "blastgate run --base main"
	for _, c := range []struct {
		name     string
		statuses []string
		verdict  string
		command  string
		want     string
	}{
		{"tests to run", []string{"not-run", "covered"}, "fail", cmd, "run " + cmd},
		{"a failed test", []string{"failed", "not-run"}, "fail", cmd, "fix the failed tests, then run " + cmd},
		{"untested", []string{"untested"}, "fail", cmd, "add a test for each untested feature, then run " + cmd},
		{"skipped", []string{"skipped"}, "fail", cmd, "make the skipped tests run, then run " + cmd},
		{"a pass needs nothing", []string{"covered"}, "pass", "", ""},
		{"no command, no line", []string{"untested"}, "fail", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &report.Report{Verdict: c.verdict, NextCommand: c.command}
			for i, s := range c.statuses {
				r.Impacted = append(r.Impacted, report.Feature{ID: fmt.Sprint(i), Status: s})
			}
			assert.Equal(t, c.want, nextStep(r))
			var out bytes.Buffer
			require.NoError(t, WriteText(&out, r))
			if c.want == "" {
				assert.NotContains(t, out.String(), "to pass:")
			} else {
				assert.Contains(t, out.String(), "\nto pass: "+c.want+"\n")
			}
		})
	}
}

// TestFeatureSummary checks the adoption view's counts and grouping.
func TestFeatureSummary(t *testing.T) {
	fs := []report.Feature{
		{ID: "a", Tests: []report.Test{{Name: "TestA"}}},
		{ID: "b", Owners: []string{"@z", "@y"}},
		{ID: "c"},
		{ID: "d", Owners: []string{"@y"}},
	}
	assert.Equal(t, "4 features: 1 with a credited test, 3 without", featureSummary(fs))
	assert.Equal(t, "1 feature: 0 with a credited test, 1 without", featureSummary(fs[2:3]))
	owners, by := untestedByOwner(fs)
	assert.Equal(t, []string{"@y", "@z", ""}, owners)
	assert.Equal(t, map[string][]string{"@y": {"b", "d"}, "@z": {"b"}, "": {"c"}}, by)
}

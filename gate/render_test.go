package gate

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestRender draws each testdata/NAME.json in its formats and compares the
// result with testdata/NAME.golden.FORMAT ("color" is text with colour).
func TestRender(t *testing.T) {
	cases := []struct {
		name    string
		formats []string
	}{
		{"impact", []string{"text", "json", "markdown"}},
		{"check", []string{"text", "color", "json", "markdown"}},
		{"features", []string{"text", "markdown"}},
		{"policy", []string{"text", "json", "markdown"}},
	}
	for _, c := range cases {
		data, err := os.ReadFile(filepath.Join("testdata", c.name+".json"))
		require.NoError(t, err)
		for _, format := range c.formats {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				var r report.Report
				require.NoError(t, json.Unmarshal(data, &r))
				var out bytes.Buffer
				if format == "color" {
					require.NoError(t, WriteTextOptions(&out, &r, TextOptions{Color: true}))
				} else {
					require.NoError(t, Write(&out, &r, format))
				}
				golden(t, filepath.Join("testdata", c.name+".golden."+format), out.String())
			})
		}
	}
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

// TestJSONRoundTrip: what WriteJSON writes reads back unchanged, for an
// impact, a check and a features report.
func TestJSONRoundTrip(t *testing.T) {
	for _, name := range []string{"impact", "check", "features", "policy"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			require.NoError(t, err)
			var r report.Report
			require.NoError(t, json.Unmarshal(data, &r))
			var out bytes.Buffer
			require.NoError(t, WriteJSON(&out, &r))
			require.JSONEq(t, string(data), out.String())
		})
	}
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

func TestTextCheckReport(t *testing.T) {
	r := readReport(t, "check")
	var plain, color bytes.Buffer
	require.NoError(t, WriteText(&plain, r))
	require.NoError(t, WriteTextOptions(&color, r, TextOptions{Color: true}))

	require.NotContains(t, plain.String(), "\x1b", "WriteText draws no colour")
	lines := strings.Split(plain.String(), "\n")
	require.Equal(t, "FAIL  4 of 6 impacted features lack a passing test (1 waived)", lines[0])
	require.Contains(t, plain.String(), "\n  waived    GET /healthz\n")
	require.Contains(t, plain.String(), "waived until 2999-12-31: manual QA")
	require.Contains(t, plain.String(), "add: a test in web/routes_test.go that sends GET /account")

	// The trace is drawn for features that fail the gate only.
	require.Contains(t, plain.String(), "-> example.com/shop/billing.PostpaidBill")
	require.NotContains(t, plain.String(), "example.com/shop/prepaid.(*Handler).BuyToken")
	require.NotContains(t, plain.String(), "example.com/shop/web.healthz")

	c := color.String()
	require.True(t, strings.HasPrefix(c, "\x1b[1m\x1b[31mFAIL\x1b[0m  4 of 6"))
	require.Contains(t, c, "\x1b[32mcovered\x1b[0m   POST /token/buy")
	require.Contains(t, c, "\x1b[31mnot-run\x1b[0m   GET /bill/{account}")
	require.Contains(t, c, "\x1b[31muntested\x1b[0m  GET /account")
	require.Contains(t, c, "\x1b[31mfailed\x1b[0m    GET /meter")
	require.Contains(t, c, "\x1b[33mskipped\x1b[0m   cmd/shopd")
	require.Contains(t, c, "\x1b[33mwaived\x1b[0m    GET /healthz")
	require.Equal(t, plain.String(), stripANSI(c), "colour changes nothing else")
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

func TestTextVerdictSentences(t *testing.T) {
	for _, c := range []struct {
		features []report.Feature
		verdict  string
		want     string
	}{
		{nil, "pass", "PASS  this change reaches no feature"},
		{[]report.Feature{{ID: "a", Status: "covered"}}, "pass", "PASS  the 1 impacted feature has a passing test"},
		{[]report.Feature{{ID: "a", Status: "covered"}, {ID: "b", Status: "untested", Waiver: &report.Waiver{Reason: "r", Expires: "2999-01-01"}}}, "pass",
			"PASS  all 2 impacted features have a passing test (1 waived)"},
		{[]report.Feature{{ID: "a", Status: "covered"}, {ID: "b", Status: "failed"}}, "fail", "FAIL  1 of 2 impacted features lacks a passing test"},
	} {
		var out bytes.Buffer
		require.NoError(t, WriteText(&out, &report.Report{Impacted: c.features, Verdict: c.verdict}))
		require.Equal(t, c.want, strings.SplitN(out.String(), "\n", 2)[0])
	}
}

func TestMarkdownCannotBreakOut(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{{ID: "GET /x|y`z\n@everyone", Kind: "route"}}}
	var out bytes.Buffer
	require.NoError(t, WriteMarkdown(&out, r))
	require.NotContains(t, out.String(), "\n@everyone")
	require.Contains(t, out.String(), "`GET /x\\|y'z @everyone`")
}

const evil = "/x\n\n@everyone <img src=x> [a](http://e) ![i](http://e)"

// evilFeature puts evil in every string the renderers draw.
func evilFeature() report.Feature {
	return report.Feature{
		ID: evil, Kind: evil, Entry: evil, Tier: evil,
		Position: report.Position{File: evil, Line: 1},
		Trace: []report.Frame{
			{Function: evil, Position: report.Position{File: evil, Line: 2}},
			{Function: `x\|y` + evil + "`", Position: report.Position{File: "a.go", Line: 3}},
		},
		Tests: []report.Test{
			{Package: evil, Name: "<img src=x>", Evidence: evil, Result: evil},
			{Package: "p", Name: `TestA\|<b>x</b>`, Evidence: "static", Result: "pass"},
		},
		Status: report.StatusUntested, Reason: evil,
		Suggestion: &report.Suggestion{Tests: []report.SuggestedTest{{Kind: report.SuggestRequest, File: evil, Request: evil, Router: evil}}},
		Waiver:     &report.Waiver{Reason: evil, Expires: evil},
	}
}

func TestMarkdownInjection(t *testing.T) {
	for _, r := range []*report.Report{
		{Impacted: []report.Feature{evilFeature()}, Warnings: []string{evil}, Verdict: "fail"},
		{Impacted: []report.Feature{evilFeature()}, Warnings: []string{evil}},
		{Features: []report.Feature{evilFeature()}, Warnings: []string{evil}},
	} {
		var out bytes.Buffer
		require.NoError(t, WriteMarkdown(&out, r))
		md := out.String()
		require.NotContains(t, md, "\n@everyone")
		rows := 0
		inGraph := false
		for _, line := range strings.Split(strings.TrimSuffix(md, "\n"), "\n") {
			switch {
			case line == "```mermaid":
				inGraph = true
				continue
			case line == "```":
				inGraph = false
				continue
			case inGraph:
				require.Regexp(t, `^(flowchart LR|  [sf]\d+\["[^"<>`+"`"+`]*"\]|  s\d+ --> f\d+)$`, line)
				continue
			}
			if strings.HasPrefix(line, "|") {
				rows++
				require.Equal(t, 6, unescapedPipes(line), "a table row keeps its 5 columns: %q", line)
			}
			text := outsideCode(t, line)
			for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(text, -1) {
				require.Contains(t, []string{"<details>", "</details>", "<summary>", "</summary>", "<br>"}, tag)
			}
			require.NotRegexp(t, "@[^\u200b]|@$", text, "@-mentions are broken")
			require.NotContains(t, text, "](", "no links")
			require.NotContains(t, text, "![", "no images")
			require.NotContains(t, text, "http://", "no autolinks")
			require.NotContains(t, text, "<img")
		}
		require.Equal(t, 3, rows, "header, delimiter and one feature row")
	}
}

// outsideCode drops the code spans of a markdown line, failing on an
// unmatched backtick.
func outsideCode(t *testing.T, line string) string {
	parts := strings.Split(line, "`")
	require.Equal(t, 1, len(parts)%2, "unmatched backtick in %q", line)
	var b strings.Builder
	for i := 0; i < len(parts); i += 2 {
		b.WriteString(parts[i])
	}
	return b.String()
}

// unescapedPipes counts the pipes GFM splits a table row at: those not
// preceded by a backslash.
func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			n++
		}
	}
	return n
}

func TestCode(t *testing.T) {
	for _, s := range []string{"a|b", `a\|b`, `a\\|b`, "a`b", "a\nb\r\nc", "|", "\\"} {
		c := code(s)
		require.Equal(t, 0, unescapedPipes(c), c)
		require.Equal(t, 2, strings.Count(c, "`"), c)
		require.NotContains(t, c, "\n")
		require.NotContains(t, c, "\r")
	}
	require.Equal(t, "-", code(""))
}

func TestMdText(t *testing.T) {
	require.Equal(t, `a \*b\* \_c\_ \\\| &lt;i&gt; &amp;amp; @`+"\u200b"+`x #`+"\u200b"+`1`, mdText("a *b* _c_ \\| <i> &amp; @x #1"))
	require.Equal(t, "https:\u200b//e www\u200b.e", mdText("https://e www.e"))
}

func TestMermaidLabels(t *testing.T) {
	require.Equal(t, "a#quot;b#amp;cimg src=xd#35;lt;", mermaidLabel("a\"b&c<img src=x>\n`d#lt;"))
}

// TestMermaidOnlyWhenSmall: the graph is drawn up to 25 edges, from the
// changed symbol to the feature.
func TestMermaidOnlyWhenSmall(t *testing.T) {
	mk := func(n int) *report.Report {
		r := &report.Report{}
		for i := range n {
			r.Impacted = append(r.Impacted, report.Feature{
				ID: fmt.Sprintf("GET /p%d", i), Kind: "route",
				Trace: []report.Frame{{Function: "m/web.H"}, {Function: fmt.Sprintf("example.com/m/billing.(*S).F%d", i%3)}},
			})
		}
		return r
	}
	var out bytes.Buffer
	require.NoError(t, WriteMarkdown(&out, mk(25)))
	require.Contains(t, out.String(), "```mermaid\nflowchart LR\n  s0[\"billing.(*S).F0\"]\n")
	require.Contains(t, out.String(), "  s2 --> f23\n")
	require.Equal(t, 25, strings.Count(out.String(), "-->"))
	require.Contains(t, out.String(), "| `GET /p24` |", "the table stays")

	out.Reset()
	require.NoError(t, WriteMarkdown(&out, mk(26)))
	require.NotContains(t, out.String(), "mermaid")
	require.Contains(t, out.String(), "| `GET /p25` |")
}

// bigReport has n impacted features with long traces and many tests.
func bigReport(n int, check bool) *report.Report {
	r := &report.Report{}
	long := strings.Repeat("pkg/", 30)
	for i := range n {
		f := report.Feature{ID: fmt.Sprintf("GET /page/%d/%s", i, strings.Repeat("x", 40)), Kind: "route", Tier: "standard"}
		for j := range 60 {
			f.Trace = append(f.Trace, report.Frame{
				Function: fmt.Sprintf("example.com/%sf%d.Func%d", long, i, j),
				Position: report.Position{File: long + "file.go", Line: j},
			})
		}
		for j := range 20 {
			f.Tests = append(f.Tests, report.Test{Package: "example.com/p", Name: fmt.Sprintf("TestPage%d_%d", i, j), Evidence: "static", Result: "not-run"})
		}
		if check {
			f.Status, f.Reason = report.StatusNotRun, strings.Repeat("<none of them ran> ", 40)
		}
		r.Impacted = append(r.Impacted, f)
	}
	for i := range 100 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("warning %d: %s", i, strings.Repeat("<&> ", 200)))
	}
	if check {
		r.Verdict = report.VerdictFail
	} else {
		for i := range r.Impacted {
			r.Impacted[i].Tests = nil
		}
	}
	return r
}

var moreRow = regexp.MustCompile(`^\|  \| …and (\d+) more features: see the JSON report \|  \|  \|  \|$`)

func TestMarkdownSize(t *testing.T) {
	const n = 5000
	check := bigReport(n, true)
	features := &report.Report{Features: check.Impacted, Warnings: check.Warnings}
	for name, r := range map[string]*report.Report{"check": check, "impact": bigReport(n, false), "features": features} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, WriteMarkdown(&out, r))
			md := out.String()
			require.Less(t, utf8.RuneCountInString(md), 60000)
			require.Less(t, len(md), 60000)
			require.Greater(t, len(md), 40000, "the budget is used")
			require.Equal(t, strings.Count(md, "<details>"), strings.Count(md, "</details>"))

			lines := strings.Split(strings.TrimSuffix(md, "\n"), "\n")
			rows, more := 0, -1
			for _, line := range lines {
				if !strings.HasPrefix(line, "|") {
					continue
				}
				require.True(t, strings.HasSuffix(line, " |") || line == "|---|---|---|---|---|", "a whole row: %q", line)
				require.Equal(t, 6, unescapedPipes(line))
				if m := moreRow.FindStringSubmatch(line); m != nil {
					_, err := fmt.Sscan(m[1], &more)
					require.NoError(t, err)
					continue
				}
				rows++
			}
			rows -= 2 // header and delimiter
			require.Greater(t, rows, 0)
			require.Equal(t, n-rows, more, "the last row counts the features left out")
			t.Logf("%d bytes, %d rows, %d more", len(md), rows, more)
			require.True(t, strings.HasSuffix(md, "\n- …and 90 more warnings: see the JSON report\n"), "the warnings come last")
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, &report.Report{}, "yaml")
	require.ErrorContains(t, err, `unknown format "yaml"`)
}

func TestTextEscapesControlCharacters(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{{ID: "GET /x\n\x1b[2Jforged", Kind: "route"}}}
	var out bytes.Buffer
	require.NoError(t, WriteText(&out, r))
	require.Contains(t, out.String(), `route GET /x\n\x1b[2Jforged`)
	require.NotContains(t, out.String(), "\x1b")
}

func TestTextCheckEscapesControlCharacters(t *testing.T) {
	forged := "x\n\x1b[2Jforged"
	f := report.Feature{
		ID: forged, Kind: forged, Status: "untested\x1b[0m", Reason: forged,
		Suggestion: &report.Suggestion{Tests: []report.SuggestedTest{{Kind: report.SuggestCall, File: forged, Function: forged}}},
		Waiver:     &report.Waiver{Reason: forged, Expires: forged},
		Trace:      []report.Frame{{Function: forged, Position: report.Position{File: forged, Line: 1}}},
		Tests:      []report.Test{{Name: forged, Evidence: forged, Result: forged}},
	}
	g := f
	g.Waiver = nil
	for _, opts := range []TextOptions{{}, {Color: true}} {
		var out bytes.Buffer
		require.NoError(t, WriteTextOptions(&out, &report.Report{Impacted: []report.Feature{f, g}, Warnings: []string{forged}, Verdict: "fail\x1b"}, opts))
		require.NotContains(t, stripANSI(out.String()), "\x1b")
		require.NotContains(t, out.String(), "\nforged")
		require.Contains(t, out.String(), `x\n\x1b[2Jforged`)
		require.Contains(t, out.String(), `untested\x1b[0m`)
	}
}

func TestFeaturesTextListsTests(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, WriteText(&out, readReport(t, "features")))
	require.Regexp(t, `(?m)^route +GET /bill/\{account\} +\S+ +web/routes.go:20 +TestBill \(static\), TestRoutes \(request\)$`, out.String())
	require.Regexp(t, `(?m)^command +cmd/shopd +\S+ +cmd/shopd/main.go:12 +-$`, out.String())
}

func TestMarkdownOwnersAndMonitor(t *testing.T) {
	f := report.Feature{ID: "POST /token/buy", Kind: "route",
		Owners:  []string{"@shop/payments", "@lead", "pay@example.com", "@evil <img src=x>"},
		Monitor: "https://grafana.example.com/d/shop?var-feature=POST+%2Ftoken%2Fbuy"}
	cell := mdFeatureCell(f, MarkdownOptions{})
	require.Contains(t, cell, "owners: @shop/payments @lead ")
	require.NotContains(t, cell, "<img")
	require.Contains(t, cell, "[📈 dashboard](https://grafana.example.com/d/shop?var-feature=POST+%2Ftoken%2Fbuy)")

	for _, bad := range []string{"javascript:alert(1)", "https://x.example/a) [b](http://evil", "https://x.example/<script>"} {
		f.Monitor = bad
		require.NotContains(t, mdFeatureCell(f, MarkdownOptions{}), "dashboard", bad)
	}
}

func TestFeaturesTextCountsDynamicRoutes(t *testing.T) {
	r := &report.Report{SchemaVersion: report.SchemaVersion, Features: []report.Feature{
		{ID: "GET /x", Kind: report.KindRoute, Tests: []report.Test{}},
		{ID: "(dynamic route at web/web.go:9)", Kind: report.KindRoute, Tests: []report.Test{}},
		{ID: "GET <cfg.Base>/y", Kind: report.KindRoute, Tests: []report.Test{}},
	}}
	var b strings.Builder
	if err := WriteTextOptions(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1 dynamic routes (path known only at run time, named by position), 1 routes with run-time parts (<expr>)") {
		t.Fatalf("no count of dynamic routes in:\n%s", b.String())
	}
	r.Features = r.Features[:1]
	b.Reset()
	if err := WriteTextOptions(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "dynamic") {
		t.Fatalf("a count of dynamic routes without any:\n%s", b.String())
	}
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

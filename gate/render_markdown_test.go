package gate

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// TestMarkdownGoldens draws the golden cases as markdown.
func TestMarkdownGoldens(t *testing.T) {
	testGoldens(t, "markdown", WriteMarkdown)
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

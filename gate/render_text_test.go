package gate

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// TestTextGoldens draws the golden cases as text, without and with colour.
func TestTextGoldens(t *testing.T) {
	testGoldens(t, "text", WriteText)
	testGoldens(t, "color", func(w io.Writer, r *report.Report) error {
		return WriteTextOptions(w, r, TextOptions{Color: true})
	})
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

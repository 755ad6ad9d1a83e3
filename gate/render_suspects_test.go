package gate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/blastgate/blastgate/report"
)

func hostileSuspects() *report.Suspects {
	f := report.SuspectFeature{ID: "POST /token/buy", Kind: "route", Entry: "example.com/shop/prepaid.(*Handler).BuyToken"}
	return &report.Suspects{
		Query: "/token/buy?amount=5", Feature: f, Features: []report.SuspectFeature{f},
		Since: strings.Repeat("a", 40), Until: strings.Repeat("b", 40),
		Suspects: []report.Suspect{{
			Commit: strings.Repeat("c", 40), Subject: "Merge <script>alert(1)</script> | @shop/payments #12", Author: "Eve **bold**", Date: "2024-05-02T12:00:00+00:00",
			Feature:     f,
			Changes:     []report.Change{{File: "billing/fe`e|.go", Symbols: []string{"example.com/shop/billing.Fee"}}},
			Trace:       []report.Frame{{Function: "example.com/shop/billing.Fee", Position: report.Position{File: "billing/fee.go", Line: 10}}},
			PullRequest: &report.PullRequest{Number: 12, Title: "fee", URL: "javascript:alert(1)"},
		}},
		NotAnalysed: []report.NotAnalysed{{Commit: strings.Repeat("d", 40), Subject: "go.mod: [link](http://x)", Reason: "go: errors parsing go.mod"}},
		Commits:     []report.WalkedCommit{{Commit: strings.Repeat("c", 40), Subject: "s", Outcome: report.OutcomeSuspect}},
	}
}

// TestSuspectsMarkdownEscapes: the markdown for an incident document
// escapes everything from the repository, as the impact comment does, and
// links only http(s) pull request URLs.
func TestSuspectsMarkdownEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSuspects(&b, hostileSuspects(), "markdown"); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, bad := range []string{"<script>", "@shop/payments", "**bold**", "[link](", "javascript:", "fe`e"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown holds %q unescaped:\n%s", bad, md)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "\\*\\*bold\\*\\*", "`billing/fe'e\\|.go`", "**Not analysed**"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestSuspectsJSONArrays: every array present, [] when empty.
func TestSuspectsJSONArrays(t *testing.T) {
	var b bytes.Buffer
	s := &report.Suspects{Suspects: []report.Suspect{{Commit: "c"}}}
	if err := WriteSuspects(&b, s, "json"); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"features", "suspects", "not_analysed", "commits"} {
		if _, ok := doc[k].([]any); !ok {
			t.Errorf("%s is %v, want an array", k, doc[k])
		}
	}
	x := doc["suspects"].([]any)[0].(map[string]any)
	for _, k := range []string{"changes", "trace"} {
		if _, ok := x[k].([]any); !ok {
			t.Errorf("suspects[0].%s is %v, want an array", k, x[k])
		}
	}
}

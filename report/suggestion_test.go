package report

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSuggestionText: each kind says what it has always said in words.
func TestSuggestionText(t *testing.T) {
	for _, c := range []struct {
		test SuggestedTest
		want string
	}{
		{SuggestedTest{Kind: SuggestCall, File: "web/account_test.go", Package: "example.com/shop/web", Function: "example.com/shop/web.accountPage"},
			"a test in web/account_test.go that calls example.com/shop/web.accountPage"},
		{SuggestedTest{Kind: SuggestRequest, File: "web/routes_test.go", Package: "example.com/shop/web", Request: "GET /account", Router: "example.com/shop/web.NewMux"},
			"a test in web/routes_test.go that sends GET /account through the router example.com/shop/web.NewMux builds"},
		{SuggestedTest{Kind: SuggestRPC, File: "api/server_test.go", Package: "example.com/shop/api", RPC: "/shop.Billing/Charge", Server: "example.com/shop/api.NewServer"},
			"a test in api/server_test.go that calls /shop.Billing/Charge through the generated client, on a server example.com/shop/api.NewServer registers the service on"},
		{SuggestedTest{Kind: SuggestArgs, File: "cmd/tool/root_test.go", Package: "example.com/tool/cmd/tool", Args: []string{"invoice", "send"}, Command: "example.com/tool/cmd/tool.newRoot"},
			`a test in cmd/tool/root_test.go that runs the root command example.com/tool/cmd/tool.newRoot builds with the arguments ["invoice" "send"]`},
		{SuggestedTest{Kind: SuggestDeclared, Feature: "GET /account"},
			`a test named under this feature's tests: in .blastgate.yaml, or that calls t.Attr("feature", "GET /account")`},
		{SuggestedTest{Kind: SuggestProduction, Feature: "POST /token/buy", Test: "TestBuyToken",
			Double: "example.com/shop/prepaid.flatFee", Instead: "example.com/shop/billing.(*Service).TokenFee"},
			"a test of POST /token/buy that sets up billing.(*Service).TokenFee (the production implementation) instead of prepaid.flatFee, or make TestBuyToken do so"},
		{SuggestedTest{Kind: SuggestChangedLines, Feature: "POST /token/buy", Test: "TestBuyToken", Function: "example.com/shop/billing.Fee"},
			"a test of POST /token/buy that runs billing.Fee, or a case of TestBuyToken that takes the changed lines"},
		{SuggestedTest{Kind: SuggestChangedCode, Feature: "POST /token/buy"},
			"a test of POST /token/buy that runs the changed code"},
	} {
		assert.Equal(t, c.want, c.test.Text(), c.test.Kind)
		s := &Suggestion{Tests: []SuggestedTest{c.test}}
		assert.Equal(t, c.want, s.Text())
		assert.Equal(t, "add "+c.want, s.Words())
	}
	two := &Suggestion{Tests: []SuggestedTest{
		{Kind: SuggestCall, File: "a_test.go", Function: "p.F"},
		{Kind: SuggestDeclared, Feature: "cmd/x"},
	}}
	assert.Equal(t, `add a test in a_test.go that calls p.F; or a test named under this feature's tests: in .blastgate.yaml, or that calls t.Attr("feature", "cmd/x")`, two.Words())
	var none *Suggestion
	assert.Empty(t, none.Text())
	assert.Empty(t, none.Words())
}

// TestSuggestionJSON: a feature's suggestion is written as words
// (suggestion) and data (suggested_tests), and reads back the same.
func TestSuggestionJSON(t *testing.T) {
	f := Feature{ID: "GET /a<b>", Kind: KindRoute, Tests: []Test{}, Suggestion: &Suggestion{Tests: []SuggestedTest{
		{Kind: SuggestRequest, File: "web/routes_test.go", Package: "example.com/shop/web", Request: "GET /a<b>", Router: "example.com/shop/web.NewMux"},
		{Kind: SuggestDeclared, Feature: "GET /a<b>"},
	}}}
	data, err := marshal(f) // as Report.MarshalJSON and the renderers write it
	require.NoError(t, err)
	assert.NotContains(t, string(data), `\u003c`, "HTML characters are data")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, f.Suggestion.Words(), doc["suggestion"])
	require.Len(t, doc["suggested_tests"], 2)
	assert.Equal(t, map[string]any{"kind": "declared", "feature": "GET /a<b>"}, doc["suggested_tests"].([]any)[1])

	var back Feature
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, f, back)

	none, err := json.Marshal(Feature{ID: "x", Tests: []Test{}})
	require.NoError(t, err)
	assert.NotContains(t, string(none), "suggest")
}

// TestSuggestionWordsOnly: a report written before suggested_tests has
// the words alone; they read back, draw without their "add" and write
// out as they were.
func TestSuggestionWordsOnly(t *testing.T) {
	var f Feature
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","kind":"route","entry":"e","position":{"file":"","line":0},"tests":[],"suggestion":"add a test in a_test.go that calls p.F"}`), &f))
	require.NotNil(t, f.Suggestion)
	assert.Empty(t, f.Suggestion.Tests)
	assert.Equal(t, "a test in a_test.go that calls p.F", f.Suggestion.Text())
	assert.Equal(t, "add a test in a_test.go that calls p.F", f.Suggestion.Words())
	data, err := json.Marshal(f)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"suggestion":"add a test in a_test.go that calls p.F"`)
	assert.NotContains(t, string(data), "suggested_tests")

	// Words that do not start with "add" are drawn as they are.
	require.NoError(t, json.Unmarshal([]byte(`{"id":"x","suggestion":"<b>forged</b>"}`), &f))
	assert.Equal(t, "<b>forged</b>", f.Suggestion.Text())
	assert.Equal(t, "<b>forged</b>", f.Suggestion.Words())
}

package evidence

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// TestSuggest checks what a suggestion offers: a call of the entry and a
// request to its router only when there are such, a declaration always,
// each test in the _test.go file beside the code it names.
func TestSuggest(t *testing.T) {
	got := Suggest("GET /a", &Func{File: "api/h.go", Package: "example.com/m/api", Name: "handleA"},
		&Invocation{Kind: report.SuggestRequest, Request: "GET /a", Via: Func{File: "api/routes.go", Package: "example.com/m/api", Name: "Routes"}})
	require.Equal(t, &report.Suggestion{Tests: []report.SuggestedTest{
		{Kind: report.SuggestCall, File: "api/h_test.go", Package: "example.com/m/api", Function: "handleA"},
		{Kind: report.SuggestRequest, File: "api/routes_test.go", Package: "example.com/m/api", Request: "GET /a", Router: "Routes"},
		{Kind: report.SuggestDeclared, Feature: "GET /a"},
	}}, got)
	require.Equal(t, &report.Suggestion{Tests: []report.SuggestedTest{
		{Kind: report.SuggestDeclared, Feature: "cmd/tool send"},
	}}, Suggest("cmd/tool send", nil, nil))
	require.Equal(t, []report.SuggestedTest{
		{Kind: report.SuggestRPC, File: "api/server_test.go", Package: "example.com/m/api", RPC: "/m.Billing/Charge", Server: "NewServer"},
		{Kind: report.SuggestDeclared, Feature: "/m.Billing/Charge"},
	}, Suggest("/m.Billing/Charge", nil, &Invocation{Kind: report.SuggestRPC, RPC: "/m.Billing/Charge", Via: Func{File: "api/server.go", Package: "example.com/m/api", Name: "NewServer"}}).Tests)
	require.Equal(t, []report.SuggestedTest{
		{Kind: report.SuggestArgs, File: "cmd/tool/root_test.go", Package: "example.com/m/cmd/tool", Args: []string{"invoice", "send"}, Command: "newRoot"},
		{Kind: report.SuggestDeclared, Feature: "cmd/tool invoice send"},
	}, Suggest("cmd/tool invoice send", nil, &Invocation{Kind: report.SuggestArgs, Args: []string{"invoice", "send"}, Via: Func{File: "cmd/tool/root.go", Package: "example.com/m/cmd/tool", Name: "newRoot"}}).Tests)
}

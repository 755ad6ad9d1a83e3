package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/blastgate/blastgate/report"
)

// TestSuspectsQuery: a query names features by id (with or without the
// kind) or, when no feature has it as its id, as a request each route
// that may serve it answers; several routes are each named.
func TestSuspectsQuery(t *testing.T) {
	features := []report.Feature{
		{ID: "POST /token/buy", Kind: report.KindRoute},
		{ID: "GET /bill/{account}", Kind: report.KindRoute},
		{ID: "GET /static/", Kind: report.KindRoute},
		{ID: "GET /static/app.js", Kind: report.KindRoute},
		{ID: "cmd/shopd", Kind: report.KindCommand},
		{ID: "nightly-invoices", Kind: report.KindDeclared},
	}
	ids := func(query string) string {
		named, _ := parseQuery(query).match(features)
		var out []string
		for _, f := range named {
			out = append(out, f.ID)
		}
		return strings.Join(out, ", ")
	}
	assert.Equal(t, "POST /token/buy", ids("POST /token/buy"))
	assert.Equal(t, "POST /token/buy", ids("route POST /token/buy"))
	assert.Equal(t, "", ids("command POST /token/buy"), "the kind must agree")
	assert.Equal(t, "cmd/shopd", ids("cmd/shopd"))
	assert.Equal(t, "nightly-invoices", ids("declared nightly-invoices"))
	assert.Equal(t, "POST /token/buy", ids("/token/buy?amount=5"))
	assert.Equal(t, "POST /token/buy", ids("POST https://shop.example.com/token/buy"))
	assert.Equal(t, "", ids("GET /token/buy"))
	assert.Equal(t, "GET /bill/{account}", ids("https://shop.example.com/bill/42#top"))
	assert.Equal(t, "GET /static/, GET /static/app.js", ids("/static/app.js"), "every route that may serve it")

	// At each commit: an exact id stays an id; a request matches the
	// routes of that commit.
	_, q := parseQuery("POST /token/buy").match(features)
	assert.False(t, q.names(report.Feature{ID: "POST /token/{kind}", Kind: report.KindRoute}))
	_, q = parseQuery("/token/buy?amount=5").match(features)
	assert.True(t, q.names(report.Feature{ID: "POST /token/{kind}", Kind: report.KindRoute}), "the route as it was at an older commit")
	assert.False(t, q.names(report.Feature{ID: "/token/buy", Kind: report.KindCommand}))

	assert.Contains(t, closestHint("/tokn/buy", features), `the closest feature ids are "POST /token/buy"`)
}

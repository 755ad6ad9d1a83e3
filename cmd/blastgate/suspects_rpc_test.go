package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/blastgate/blastgate/report"
)

// TestSuspectsRPCRequest: the request a gRPC or Connect monitor sees for
// an RPC, POST /package.Service/Method on some host, names the method.
func TestSuspectsRPCRequest(t *testing.T) {
	charge := report.Feature{ID: "/shop.Billing/Charge", Kind: report.KindRPC}
	route := report.Feature{ID: "POST /shop.Billing/Charge", Kind: report.KindRoute}
	refund := report.Feature{ID: "/shop.Billing/Refund", Kind: report.KindRPC}
	serves := func(s string, f report.Feature) bool { return parseQuery(s).servesRPC(f) }
	assert.True(t, serves("POST /shop.Billing/Charge", charge))
	assert.True(t, serves("POST https://api.example.com/shop.Billing/Charge", charge))
	assert.True(t, serves("https://api.example.com/shop.Billing/Charge", charge))
	assert.True(t, serves("GET /shop.Billing/Charge?message=e30", charge), "a Connect GET")
	assert.False(t, serves("DELETE /shop.Billing/Charge", charge))
	assert.False(t, serves("POST /shop.Billing/Refund", charge))
	assert.False(t, serves("POST /shop.Billing/Charge/x", charge))
	assert.False(t, serves("POST /shop.Billing/Charge", route), "a route answers through its router's matching")

	// Both id forms stay ids.
	named, _ := parseQuery("rpc /shop.Billing/Charge").match([]report.Feature{charge})
	assert.Len(t, named, 1)
	named, _ = parseQuery("/shop.Billing/Charge").match([]report.Feature{charge})
	assert.Len(t, named, 1)

	// A monitor's request reaches the method through match, as a route's does.
	named, _ = parseQuery("POST https://api.example.com/shop.Billing/Charge").match([]report.Feature{charge, refund})
	if assert.Len(t, named, 1) {
		assert.Equal(t, charge.ID, named[0].ID)
	}
}

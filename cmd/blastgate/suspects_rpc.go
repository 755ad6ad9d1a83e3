package main

import (
	"strings"

	"github.com/blastgate/blastgate/report"
)

// servesRPC reports whether f is an RPC method the query's request calls,
// as a gRPC or Connect monitor sees the call: a POST (for Connect's
// idempotent methods, a GET too) to /package.Service/Method, which is the
// method's id, on any host (POST https://api.example.com/shop.Billing/Charge).
// The bare path is the id itself, which match finds without it.
func (q query) servesRPC(f report.Feature) bool {
	if !q.request || f.Kind != report.KindRPC {
		return false
	}
	if q.method != "" && q.method != "POST" && q.method != "GET" {
		return false
	}
	path, _, _ := strings.Cut(q.path, "?")
	path, _, _ = strings.Cut(path, "#")
	return path == f.ID
}

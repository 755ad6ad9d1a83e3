package detect

import (
	"strings"
	"testing"
)

func FuzzRoutePattern(f *testing.F) {
	for _, seed := range [][4]string{
		{"POST /token/buy", "/token/buy", "POST", "/token/buy"},
		{"GET /bill/{account}", "/", "HEAD", "/bill/42?x=1"},
		{"/static/", "/static/css/", "GET", "/static/css/a.css"},
		{"/files/{path...}", "/files/{id}", "GET", "/files/a/b"},
		{"GET /{$}", "/", "GET", "/"},
		{"GET example.com/a/{b}", "/a/{b}", "GET", "/a/1"},
		{"GET   /a /b", "GET /a/b", "GET", "/a/b"},
		{"\tPOST\n/x\u00a0y", "", "", ""},
		{"", " ", "GET", ""},
		{"no-slash", "GET", "GET", "x"},
		{"GET /a//b/", "GET /a/{x}/{y...}", "GET", "/a//b/c#frag"},
		{"/a?b/{x}", "/a#b", "GET", "/a%3Fb/1"},
		{"/{", "/{x", "GET", "/1"},
		{"/x...}", "/{...}", "GET", "/x"},
		{"/{$}/a", "/{a}/{$}", "GET", "/1/a"},
		{"GET /users/:id/*rest", "GET /users/{id}", "GET", "/users/7/x"},
		{"METHOD with spaces/x", "GET a b/x", "GET", "/x"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, pattern, other, method, path string) {
		id := RouteID(pattern)
		if again := RouteID(id); again != id {
			t.Fatalf("RouteID is not idempotent: RouteID(%q) = %q, RouteID of that = %q", pattern, id, again)
		}
		p, ok := ParsePattern(id)
		if !ok {
			return
		}
		p.Match(method, "example.com", path) // must not panic
		if p.MoreSpecific(p) {
			t.Fatalf("%q is more specific than itself", id)
		}
		ex := p.Example()
		exMethod, rest, _ := strings.Cut(ex, " ")
		slash := strings.IndexByte(rest, '/')
		if slash < 0 {
			t.Fatalf("example %q of %q has no path", ex, id)
		}
		if !p.Match(exMethod, rest[:slash], rest[slash:]) {
			t.Fatalf("%q does not match its example %q", id, ex)
		}
		if q, ok := ParsePattern(RouteID(other)); ok && p.MoreSpecific(q) && q.MoreSpecific(p) {
			t.Fatalf("%q and %q are each more specific than the other", id, RouteID(other))
		}
	})
}

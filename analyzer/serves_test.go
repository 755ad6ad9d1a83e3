package analyzer

import "testing"

// TestRouteIDServes: a request a monitor saw is matched against route ids
// with the routers' own matching, over-approximating what is unknown.
func TestRouteIDServes(t *testing.T) {
	cases := []struct {
		id, method, host, path string
		want                   bool
	}{
		{"POST /token/buy", "", "", "/token/buy?amount=5", true}, // any method, query left out
		{"POST /token/buy", "POST", "", "/token/buy", true},
		{"POST /token/buy", "GET", "", "/token/buy", false},
		{"POST /token/buy", "", "", "/token/buy/x", false},
		{"GET /bill/{account}", "GET", "", "/bill/42", true},
		{"GET /bill/{account}", "HEAD", "", "/bill/42", true}, // GET serves HEAD
		{"GET /bill/{account}", "", "", "/bill/", false},
		{"GET /users/:id", "", "", "/users/7", true},    // gin, echo
		{"/static/", "", "", "/static/css/a.css", true}, // a subtree: over-approximated
		{"GET /files/*path", "", "", "/files/a/b", true},
		{"shop.example.com/token/buy", "", "shop.example.com", "/token/buy", true},
		{"shop.example.com/token/buy", "", "other.example.com", "/token/buy", false},
		{"shop.example.com/token/buy", "", "", "/token/buy", true}, // host unknown
		{"GET <conf.Base>/rest/ping", "", "", "/api/rest/ping", true},
		{"GET <conf.Base>/rest/ping", "", "", "/api/rest/pong", false},
		{"POST <conf.Base>/rest/ping", "GET", "", "/api/rest/ping", false},
	}
	for _, c := range cases {
		if got := RouteIDServes(c.id, c.method, c.host, c.path); got != c.want {
			t.Errorf("RouteIDServes(%q, %q, %q, %q) = %v, want %v", c.id, c.method, c.host, c.path, got, c.want)
		}
	}
}

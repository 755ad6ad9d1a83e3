package analyzer

import (
	"strings"
)

// RouteIDServes reports whether a route with this id may serve a request
// (suspects: a request a monitor or a customer saw), matched with the
// router's own matching (pattern.go, routers_pattern.go), as request
// evidence matches the requests tests send. It over-approximates, as a
// may-analysis must: an empty method or host stands for any; a path
// ending in '/' is taken as a subtree (net/http's meaning, which the id
// alone cannot rule out); an id with a part known only at run time may
// serve any request whose path ends as its constant tail does. path may
// carry a query or a fragment.
func RouteIDServes(id, method, host, path string) bool {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	f := Feature{Subtrees: true}
	f.ID = id
	if strings.Contains(id, "<") {
		if method == "" {
			if k := strings.IndexByte(id, ' '); k >= 0 && k < strings.IndexByte(id, '<') {
				method = id[:k]
			}
		}
		return f.MayServe(method, path)
	}
	p, ok := f.Pattern()
	if !ok {
		return false
	}
	if method == "" {
		method = p.Method // any method: the route's own
		if method == "" {
			method = "GET"
		}
	}
	if host == "" {
		host = p.Host // any host: the route's own
	}
	return p.Match(method, host, path)
}

package analyzer

import (
	"strings"
)

// routePattern is a net/http (Go 1.22) pattern, parsed for matching
// requests: [METHOD ][HOST]/[PATH], with {name}, {name...} and {$}.
type routePattern struct {
	method string
	host   string
	segs   []string          // path segments; "" for a trailing slash (subtree)
	exact  bool              // ends in {$}
	router map[int]routerSeg // segments in a router's own syntax (routers_pattern.go)
}

// parsePattern parses a route id as RouteID writes it. A path with '?' or
// '#' is refused: match compares request targets, where those characters
// start the query or fragment, so no request would match it.
func parsePattern(id string) (routePattern, bool) {
	var p routePattern
	if strings.ContainsAny(id, "<>") { // a placeholder for a run-time value
		return p, false
	}
	rest := id
	if i := strings.IndexByte(id, ' '); i >= 0 {
		p.method, rest = id[:i], id[i+1:]
	}
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return p, false
	}
	p.host, rest = rest[:slash], rest[slash+1:]
	if strings.ContainsAny(rest, "?#") {
		return p, false
	}
	if rest == "" {
		p.segs = []string{""}
		return p, true
	}
	p.segs = strings.Split(rest, "/")
	if last := p.segs[len(p.segs)-1]; last == "{$}" {
		p.segs, p.exact = p.segs[:len(p.segs)-1], true
		p.segs = append(p.segs, "")
	}
	return p, p.routerSyntax()
}

// match reports whether the pattern serves a request, as ServeMux would
// before it weighs other patterns.
func (p routePattern) match(method, host, path string) bool {
	switch {
	case p.method == "":
	case p.method == method:
	case p.method == "GET" && method == "HEAD":
	default:
		return false
	}
	if p.host != "" && p.host != host {
		return false
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !strings.HasPrefix(path, "/") {
		return false
	}
	segs := strings.Split(path[1:], "/")
	for i, ps := range p.segs {
		last := i == len(p.segs)-1
		if _, ok := p.router[i]; ok { // a router's own syntax (routers_pattern.go)
			ok, done := p.matchRouterSeg(i, segs)
			if !ok || done {
				return ok
			}
			continue
		}
		switch {
		case ps == "" && last: // a trailing slash
			if p.exact {
				return len(segs) == i+1 && segs[i] == ""
			}
			return len(segs) > i // a subtree: anything below
		case isMultiWildcard(ps):
			return len(segs) >= i
		case i >= len(segs):
			return false
		case isWildcard(ps):
			if segs[i] == "" {
				return false
			}
		case ps != segs[i]:
			return false
		}
	}
	return len(segs) == len(p.segs)
}

// moreSpecific reports whether p wins over q for a request both match:
// a host beats none; then, segment by segment, a literal beats a
// wildcard, which beats a multi-segment wildcard or a subtree; a longer
// pattern beats its prefix; a method beats none.
func (p routePattern) moreSpecific(q routePattern) bool {
	if (p.host != "") != (q.host != "") {
		return p.host != ""
	}
	for i := 0; i < len(p.segs) && i < len(q.segs); i++ {
		a, b := segRank(p, i), segRank(q, i)
		if a != b {
			return a > b
		}
	}
	if len(p.segs) != len(q.segs) {
		return len(p.segs) > len(q.segs)
	}
	if p.exact != q.exact {
		return p.exact
	}
	return p.method != "" && q.method == ""
}

// segRank orders the kinds of segment by how much they narrow a match.
func segRank(p routePattern, i int) int {
	s := p.segs[i]
	if rs, ok := p.router[i]; ok { // a router's own syntax (routers_pattern.go)
		return rs.rank
	}
	switch {
	case s == "" && i == len(p.segs)-1 && !p.exact:
		return 0 // a subtree
	case isMultiWildcard(s):
		return 1
	case isWildcard(s):
		return 2
	}
	return 3
}

// isWildcard reports whether a path segment is a wildcard: {name},
// {name...} or {$}.
func isWildcard(s string) bool {
	return len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}'
}

// isMultiWildcard reports whether a path segment is a {name...} wildcard.
func isMultiWildcard(s string) bool {
	return isWildcard(s) && strings.HasSuffix(s, "...}")
}

// example is a request the pattern serves: "POST /items/1".
func (p routePattern) example() string {
	var segs []string
	for i, s := range p.segs {
		if rs, ok := p.router[i]; ok { // a router's own syntax (routers_pattern.go)
			segs = append(segs, rs.example)
			continue
		}
		switch {
		case s == "" && i == len(p.segs)-1:
			segs = append(segs, "")
		case isMultiWildcard(s):
			segs = append(segs, "x")
		case isWildcard(s):
			segs = append(segs, "1")
		default:
			segs = append(segs, s)
		}
	}
	method := p.method
	if method == "" {
		method = "GET"
	}
	return method + " " + p.host + "/" + strings.Join(segs, "/")
}

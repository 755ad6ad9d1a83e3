package detect

import (
	"fmt"
	"strings"
)

// Pattern is a net/http (Go 1.22) pattern, parsed for matching
// requests: [METHOD ][HOST]/[PATH], with {name}, {name...} and {$}.
type Pattern struct {
	Method string
	Host   string
	Segs   []string          // path segments; "" for a trailing slash (subtree)
	Exact  bool              // ends in {$}
	router map[int]routerSeg // segments in a router's own syntax (pattern_router.go)
}

// ParsePattern parses a route id as RouteID writes it. A path with '?' or
// '#' is refused: match compares request targets, where those characters
// start the query or fragment, so no request would match it.
func ParsePattern(id string) (Pattern, bool) {
	var p Pattern
	if strings.ContainsAny(id, "<>") { // a placeholder for a run-time value
		return p, false
	}
	rest := id
	if i := strings.IndexByte(id, ' '); i >= 0 {
		p.Method, rest = id[:i], id[i+1:]
	}
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return p, false
	}
	p.Host, rest = rest[:slash], rest[slash+1:]
	if strings.ContainsAny(rest, "?#") {
		return p, false
	}
	if rest == "" {
		p.Segs = []string{""}
		return p, true
	}
	p.Segs = strings.Split(rest, "/")
	if last := p.Segs[len(p.Segs)-1]; last == "{$}" {
		p.Segs, p.Exact = p.Segs[:len(p.Segs)-1], true
		p.Segs = append(p.Segs, "")
	}
	return p, p.routerSyntax()
}

// Match reports whether the pattern serves a request, as ServeMux would
// before it weighs other patterns.
func (p Pattern) Match(method, host, path string) bool {
	switch {
	case p.Method == "":
	case p.Method == method:
	case p.Method == "GET" && method == "HEAD":
	default:
		return false
	}
	if p.Host != "" && p.Host != host {
		return false
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !strings.HasPrefix(path, "/") {
		return false
	}
	segs := strings.Split(path[1:], "/")
	for i, ps := range p.Segs {
		last := i == len(p.Segs)-1
		if _, ok := p.router[i]; ok { // a router's own syntax (pattern_router.go)
			ok, done := p.matchRouterSeg(i, segs)
			if !ok || done {
				return ok
			}
			continue
		}
		switch {
		case ps == "" && last: // a trailing slash
			if p.Exact {
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
	return len(segs) == len(p.Segs)
}

// MoreSpecific reports whether p wins over q for a request both match:
// a host beats none; then, segment by segment, a literal beats a
// wildcard, which beats a multi-segment wildcard or a subtree; a longer
// pattern beats its prefix; a method beats none.
func (p Pattern) MoreSpecific(q Pattern) bool {
	if (p.Host != "") != (q.Host != "") {
		return p.Host != ""
	}
	for i := 0; i < len(p.Segs) && i < len(q.Segs); i++ {
		a, b := segRank(p, i), segRank(q, i)
		if a != b {
			return a > b
		}
	}
	if len(p.Segs) != len(q.Segs) {
		return len(p.Segs) > len(q.Segs)
	}
	if p.Exact != q.Exact {
		return p.Exact
	}
	return p.Method != "" && q.Method == ""
}

// segRank orders the kinds of segment by how much they narrow a match.
func segRank(p Pattern, i int) int {
	s := p.Segs[i]
	if rs, ok := p.router[i]; ok { // a router's own syntax (pattern_router.go)
		return rs.rank
	}
	switch {
	case s == "" && i == len(p.Segs)-1 && !p.Exact:
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

// Example is a request the pattern serves: "POST /items/1".
func (p Pattern) Example() string {
	var segs []string
	for i, s := range p.Segs {
		if rs, ok := p.router[i]; ok { // a router's own syntax (pattern_router.go)
			segs = append(segs, rs.example)
			continue
		}
		switch {
		case s == "" && i == len(p.Segs)-1:
			segs = append(segs, "")
		case isMultiWildcard(s):
			segs = append(segs, "x")
		case isWildcard(s):
			segs = append(segs, "1")
		default:
			segs = append(segs, s)
		}
	}
	method := p.Method
	if method == "" {
		method = "GET"
	}
	return method + " " + p.Host + "/" + strings.Join(segs, "/")
}

// Key tells patterns apart: two patterns with the same key match the
// same requests the same way.
func (p Pattern) Key() string {
	return fmt.Sprintf("%s|%s|%q|%v|%v", p.Method, p.Host, p.Segs, p.Exact, p.router)
}

package detect

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// Path syntax of third-party routers, for matching requests against
// route ids (pattern.go). net/http's {name}, {name...} and {$} keep their
// meaning (chi and gorilla/mux write single-segment parameters the same
// way); on top of them:
//
//   - :name, a whole segment (gin, echo): one non-empty segment;
//   - *name or * as the last segment (gin, echo, chi, fiber): the rest of
//     the path after the slash, possibly empty;
//   - + or +name as the last segment (fiber): the rest of the path after
//     the slash, not empty;
//   - {name:regexp} (chi, gorilla/mux), and segments that mix text and
//     {params} (chi's /{month}-{day}, mux's /file.{ext}): the segment must
//     match, a {name} alone standing for [^/]+.
//
// A segment with a fiber constraint (:id<int>), or with more than one
// parameter (fiber's /:from-:to), is not matched: no request is taken to
// reach it.
//
// ServeMux rejects all of these (a '{' that is not a whole-segment
// wildcard panics), except for ':' and '*' segments, which it would take
// as literal text: a net/http route with such a literal segment is
// matched like a router's parameter.

// routerSeg is a path segment in a router's own syntax.
type routerSeg struct {
	multi   bool           // *name or +name at the end
	some    bool           // +name: the rest is not empty
	re      *regexp.Regexp // nil: any non-empty segment
	example string
	rank    int // for moreSpecific: like segRank's
}

// routerSyntax finds the segments of p in a router's own syntax. It
// reports false when one cannot be matched (a regexp that does not
// compile, or whose example does not match).
func (p *Pattern) routerSyntax() bool {
	for i, s := range p.Segs {
		last := i == len(p.Segs)-1
		switch {
		case len(s) > 1 && s[0] == ':':
			if strings.ContainsAny(s[1:], ":<") {
				return false
			}
			p.setRouterSeg(i, routerSeg{example: "1", rank: 2})
		case len(s) >= 1 && s[0] == '*' && last:
			p.setRouterSeg(i, routerSeg{multi: true, example: "x", rank: 1})
		case len(s) >= 1 && s[0] == '+' && last:
			p.setRouterSeg(i, routerSeg{multi: true, some: true, example: "x", rank: 1})
		case strings.ContainsAny(s, "{}") && !isPlainWildcard(s):
			re, ok := segmentRegexp(s)
			if !ok {
				continue // unbalanced braces: literal text, as before
			}
			rx, err := regexp.Compile("^(?:" + re + ")$")
			if err != nil {
				return false
			}
			ex, ok := regexpExample(re)
			if !ok || !rx.MatchString(ex) || strings.ContainsAny(ex, "/?#") {
				return false
			}
			p.setRouterSeg(i, routerSeg{re: rx, example: ex, rank: 2})
		}
	}
	if len(p.router) == 0 {
		return true
	}
	method, rest, _ := strings.Cut(p.Example(), " ")
	slash := strings.IndexByte(rest, '/')
	return slash >= 0 && p.Match(method, rest[:slash], rest[slash:])
}

func (p *Pattern) setRouterSeg(i int, s routerSeg) {
	if p.router == nil {
		p.router = map[int]routerSeg{}
	}
	p.router[i] = s
}

// matchRouterSeg matches segment i of p, in a router's syntax, against
// the request's segments: matched, and whether the rest of the request
// is consumed.
func (p Pattern) matchRouterSeg(i int, segs []string) (ok, done bool) {
	rs := p.router[i]
	switch {
	case rs.multi && rs.some:
		return len(segs) > i+1 || len(segs) == i+1 && segs[i] != "", true
	case rs.multi:
		return len(segs) > i, true
	case i >= len(segs):
		return false, true
	case rs.re == nil:
		return segs[i] != "", false
	default:
		return rs.re.MatchString(segs[i]), false
	}
}

// isPlainWildcard reports whether s is a net/http wildcard: {name},
// {name...} or {$}, with no regexp.
func isPlainWildcard(s string) bool {
	return isWildcard(s) && !strings.ContainsAny(s[1:len(s)-1], "{}:")
}

// segmentRegexp turns a segment with {name} and {name:re} parameters
// into a regexp, or reports false when its braces do not balance.
func segmentRegexp(s string) (string, bool) {
	var b strings.Builder
	for len(s) > 0 {
		open := strings.IndexAny(s, "{}")
		if open < 0 {
			b.WriteString(regexp.QuoteMeta(s))
			break
		}
		if s[open] == '}' {
			return "", false
		}
		b.WriteString(regexp.QuoteMeta(s[:open]))
		depth, end := 0, -1
		for j := open; j < len(s) && end < 0; j++ {
			switch s[j] {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					end = j
				}
			}
		}
		if end < 0 {
			return "", false
		}
		param := s[open+1 : end]
		if _, re, ok := strings.Cut(param, ":"); ok && re != "" {
			b.WriteString("(?:" + re + ")")
		} else {
			b.WriteString("[^/]+")
		}
		s = s[end+1:]
	}
	return b.String(), true
}

// regexpExample returns a short string the regexp matches, when it
// finds one.
func regexpExample(re string) (string, bool) {
	r, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	exampleOf(r.Simplify(), &b)
	return b.String(), true
}

func exampleOf(r *syntax.Regexp, b *strings.Builder) {
	switch r.Op {
	case syntax.OpLiteral:
		b.WriteString(string(r.Rune))
	case syntax.OpCharClass:
		// The first rune of the class that is safe in a path segment.
		for i := 0; i+1 < len(r.Rune); i += 2 {
			for c := r.Rune[i]; c <= r.Rune[i+1] && c-r.Rune[i] < 128; c++ {
				if c > ' ' && !strings.ContainsRune("/?#%", c) {
					b.WriteRune(c)
					return
				}
			}
		}
		if len(r.Rune) > 0 {
			b.WriteRune(r.Rune[0])
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
	case syntax.OpCapture, syntax.OpPlus:
		exampleOf(r.Sub[0], b)
	case syntax.OpRepeat:
		for i := 0; i < r.Min; i++ {
			exampleOf(r.Sub[0], b)
		}
	case syntax.OpConcat:
		for _, sub := range r.Sub {
			exampleOf(sub, b)
		}
	case syntax.OpAlternate:
		exampleOf(r.Sub[0], b)
	}
}

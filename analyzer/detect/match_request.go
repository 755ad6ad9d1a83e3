package detect

import (
	"strings"

	"github.com/blastgate/blastgate/report"
)

// Request is an HTTP request a test sends, as the request matchers read
// it.
type Request struct {
	Method, Host, Path string
	// Refused: the test asserts the response refused it (401, 403): the
	// route's guard answered, not the feature.
	Refused bool
}

// PatternWith is the pattern of route f that a test's requests are
// matched against: its id with each run-time part replaced by the value
// value gives the package variable it stands for (its key in f.Holes).
// False when a part stands for no one variable, when a value is not
// known or not a plain path, or when it would make the path a host or
// one the router cleans.
func (f Feature) PatternWith(value func(key string) (string, bool)) (Pattern, bool) {
	if !strings.Contains(f.ID, "<") {
		return f.Pattern()
	}
	var b strings.Builder
	rest := f.ID
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			return Pattern{}, false
		}
		text := rest[i : i+j+1]
		keys := f.Holes[text]
		if len(keys) != 1 || keys[""] {
			return Pattern{}, false
		}
		var key string
		for k := range keys {
			key = k
		}
		v, ok := value(key)
		if !ok || strings.ContainsAny(v, "{}<>:*+ ?#%\\\t\n\r") {
			return Pattern{}, false
		}
		b.WriteString(rest[:i])
		b.WriteString(v)
		rest = rest[i+j+1:]
	}
	id := b.String()
	before, after := f.ID, id
	if k := strings.IndexByte(f.ID, ' '); k >= 0 {
		before = f.ID[k+1:]
	}
	if k := strings.IndexByte(id, ' '); k >= 0 {
		after = id[k+1:]
	}
	// The value must not become a host, nor leave a path the router
	// would clean.
	if !strings.HasPrefix(before, "/") && !strings.HasPrefix(before, "<") || !strings.HasPrefix(after, "/") {
		return Pattern{}, false
	}
	if strings.Contains(after, "//") || strings.Contains(after+"/", "/./") || strings.Contains(after+"/", "/../") {
		return Pattern{}, false
	}
	p, ok := ParsePattern(id)
	if ok && !f.Subtrees {
		p.Exact = true
	}
	return p, ok
}

// SendsRequest reports whether test t sends a request that the router
// registering features[i] routes to it: a request the test does not
// assert refused matches the route's pattern, and no route of the
// others the test holds is more specific for it, or may serve it
// through a run-time part the test does not know. pattern gives a
// route's pattern as the test sees it (Feature.PatternWith the values
// the test gives the run-time parts).
func (m *Matcher) SendsRequest(features []Feature, i int, t TestFunc, pattern func(Feature) (Pattern, bool)) bool {
	f := features[i]
	if f.Kind != report.KindRoute || f.Registrar < 0 || !t.Holds(f.Registrar) {
		return false
	}
	p, ok := pattern(f)
	if !ok {
		return false
	}
	for _, req := range t.Requests {
		if req.Refused || !p.Match(req.Method, req.Host, req.Path) {
			continue
		}
		// The most specific route wins, among every route the test may
		// have registered on its router, whichever function registered it.
		best := true
		for j, other := range features {
			if j == i || other.Kind != report.KindRoute || other.Registrar < 0 || !t.Holds(other.Registrar) {
				continue
			}
			q, ok := pattern(other)
			if !ok && strings.Contains(other.ID, "<") && other.MayServe(req.Method, req.Path) {
				// A run-time part the test does not know: that route
				// may be the one the request reaches.
				best = false
				break
			}
			if ok && q.Match(req.Method, req.Host, req.Path) && q.MoreSpecific(p) {
				best = false
				break
			}
		}
		if best {
			return true
		}
	}
	return false
}

// MountSite is the registration a mounted route comes from.
type MountSite struct {
	Fn   string // the registration function, as graph nodes are named
	File string
	Line int
}

// MountedServe is a request a test sent to a route of the application
// it mounted on a router of its own.
type MountedServe struct {
	Site    MountSite
	Handler string
	Pattern Pattern
	Req     Request
}

// registeredAt reports whether one of the feature's registration spans
// is on file:line.
func (m *Matcher) registeredAt(f Feature, file string, line int) bool {
	for _, r := range f.Regs {
		ff, from := m.G.Rel(r.From)
		_, to := m.G.Rel(r.To)
		if ff == file && from <= line && line <= to {
			return true
		}
	}
	return false
}

// SendsMounted reports whether test t sent a request to a route it
// mounted that is features[i]'s registration, and no other route it
// holds may take that request. pattern is as SendsRequest's.
func (m *Matcher) SendsMounted(features []Feature, i int, t TestFunc, pattern func(Feature) (Pattern, bool)) bool {
	f := features[i]
	if f.Kind != report.KindRoute || f.Registrar < 0 || len(f.Entries) == 0 || len(t.Mounted) == 0 {
		return false
	}
next:
	for _, ms := range t.Mounted {
		if ms.Handler != f.Entry || m.G.NodeName(f.Registrar) != ms.Site.Fn || !m.registeredAt(f, ms.Site.File, ms.Site.Line) {
			continue
		}
		req := ms.Req
		for j, other := range features {
			if j == i || other.Kind != report.KindRoute || other.Registrar < 0 || !t.Holds(other.Registrar) {
				continue
			}
			if m.G.NodeName(other.Registrar) == ms.Site.Fn {
				continue // the mounted function's own: under the test's prefix
			}
			q, ok := pattern(other)
			if !ok && strings.Contains(other.ID, "<") && other.MayServe(req.Method, req.Path) {
				continue next
			}
			if ok && q.Match(req.Method, req.Host, req.Path) {
				continue next
			}
		}
		return true
	}
	return false
}

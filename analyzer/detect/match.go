package detect

import "strings"

// Matching a feature against what a test sends: the route side of the
// test-side matchers (issue 15), read by the analyzer's evidence code.

// Pattern parses the route's id for matching requests, with its router's
// meaning of a trailing slash.
func (f Feature) Pattern() (Pattern, bool) {
	p, ok := ParsePattern(f.ID)
	if ok && !f.Subtrees {
		p.Exact = true // gin, chi, echo, mux and fiber: "/" is the path "/", no subtree
	}
	return p, ok
}

// MayServe reports whether a route whose id holds run-time parts not
// known may serve a request: whether, whatever the parts are, the
// constant rest after the last of them may match the end of the path.
func (f Feature) MayServe(method, path string) bool {
	id := f.ID
	last := strings.LastIndexByte(id, '>')
	if last < 0 {
		return true
	}
	idMethod := ""
	if k := strings.IndexByte(id, ' '); k >= 0 && k < strings.IndexByte(id, '<') {
		idMethod = id[:k]
	}
	tail := id[last+1:]
	if !strings.HasPrefix(tail, "/") {
		// The run-time part may end inside the segment: any segment.
		i := strings.IndexByte(tail, '/')
		if i < 0 {
			return true
		}
		tail = "/{x}" + tail[i:]
	}
	if idMethod != "" {
		tail = idMethod + " " + tail
	}
	p, ok := ParsePattern(tail)
	if !ok {
		return true
	}
	if !f.Subtrees {
		p.Exact = true
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	for k := 0; k < len(path); k++ {
		if path[k] == '/' && p.Match(method, "", path[k:]) {
			return true
		}
	}
	return false
}

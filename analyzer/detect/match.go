package detect

import (
	"go/ast"
	"strings"

	"github.com/blastgate/blastgate/report"
	"golang.org/x/tools/go/packages"
)

// Matching a feature against what a test sends (issue 15): which test
// invocations (command lines, RPC calls, requests) reach a feature.

// MaxTestWalks bounds the bodies walked for one test (helper calls and
// table rows).
const MaxTestWalks = 4096

// Matcher is one pass's test side of the features: it tells evidence
// which test invocations reach a feature, and keeps what it found of
// each test. A pass of test evidence makes one (NewMatcher) and reads it
// from one goroutine; passes over one graph each have their own. It
// holds the command-line matcher (match_cli.go), the RPC matcher
// (match_rpc.go) and the route side of the request matcher
// (match_request.go); the test walks that find a test's requests are
// still the analyzer's (analyzer/evidence_requests.go and the files
// beside it).
type Matcher struct {
	G Graph
	// cliTests are what each test does with the command trees.
	cliTests map[cliTestKey]*cliTest
	// rpcTests are the RPCs each test sends and serves.
	rpcTests map[testKey]*rpcTestInfo
}

// NewMatcher starts the test side of a pass over g.
func NewMatcher(g Graph) *Matcher { return &Matcher{G: g} }

// TestFunc is a test function as the matchers read it (the test-side
// view): its declaration (nil for a suite's method) in its package, and
// the graph nodes it holds.
type TestFunc struct {
	Decl *ast.FuncDecl
	Pkg  *packages.Package
	// Reach are the module nodes the test reaches through static calls;
	// Setup those that what runs before every test of its binary
	// reaches (TestMain, test-file variable initializers).
	Reach, Setup map[int]bool
	// Requests are the HTTP requests the test sends.
	Requests []Request
	// Served are the handlers (by name) that routers the test builds
	// itself route its requests to.
	Served map[string]bool
	// Mounted are the requests the test sent to routes of the
	// application it mounted on a router of its own.
	Mounted []MountedServe
}

// Holds reports whether the test holds what node id registers: it
// reaches id, or what runs before it does.
func (t TestFunc) Holds(id int) bool { return t.Reach[id] || t.Setup[id] }

// testKey is what a test's scans read of it: its declaration and
// package.
type testKey struct {
	decl *ast.FuncDecl
	pkg  *packages.Package
}

func (t TestFunc) key() testKey { return testKey{t.Decl, t.Pkg} }

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

// Sends reports whether test t sends features[i] a command line, an
// HTTP request (to the application's router, to a router of its own, or
// to one it mounted the application's routes on) or an RPC. pattern
// gives a route's pattern as the test sees it (SendsRequest).
func (m *Matcher) Sends(features []Feature, i int, t TestFunc, pattern func(Feature) (Pattern, bool)) bool {
	f := features[i]
	return m.SendsArgs(f, t) || m.SendsRequest(features, i, t, pattern) || (f.Kind == report.KindRoute && len(f.Entries) > 0 && t.Served[f.Entry]) || m.SendsMounted(features, i, t, pattern) || m.SendsRPC(features, i, t)
}

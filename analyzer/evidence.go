package analyzer

import (
	"go/ast"
	"go/types"
	"sort"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/analyzer/detect"
	"github.com/blastgate/blastgate/analyzer/evidence"
	"github.com/blastgate/blastgate/report"
)

// Test credit is a must-analysis: a test counts for a feature only with
// evidence that it exercises it (DESIGN.md). Never credit a guess. The
// evidence contract and how evidence is weighed live in package
// evidence (evidence_view.go); this side finds the facts:
//
//   - static: the test reaches the feature's entry through static calls,
//     from its own body, its closures and the helpers in test files it
//     calls;
//   - request: the test builds a request (httptest.NewRequest,
//     http.NewRequest, http.Get, ..., or through apitest or httpexpect:
//     evidence_testlibs.go) with a method and path known
//     statically (constants, a test server's URL and a constant path,
//     helper arguments, table rows: evidence_requests.go) that the route
//     serves, and statically reaches the function that registers the
//     route, so it holds the router; the most specific pattern of that
//     router wins, as in ServeMux; or it registers the route's entry on
//     a router of its own and sends that router a request the pattern it
//     registered matches;
//   - declared: .blastgate.yaml names the test for the feature, or the test
//     calls t.Attr("feature", ID);
//   - coverage: a coverage profile recorded for the test alone shows a
//     statement of the entry ran.
//
// A testify suite method is a test of its own, TestX/TestM, under the same
// rules (evidence_suite.go).

// testFunc is a test function and what it was found to do.
type testFunc struct {
	ref   TestRef
	reach map[int]bool // module nodes reached through static calls
	// setup are the module nodes reached by what runs before every test
	// of its binary (TestMain, test-file variable initializers): the
	// routers they build are the test's to send requests to, though the
	// test itself reaches no handler through them.
	setup    map[int]bool
	requests []request
	attrs    []string // t.Attr("feature", ID) values
	// served are the handlers (by name) that routers the test builds
	// itself route its requests to (evidence_requests.go).
	served map[string]bool
	// mounted are the requests the test sent to routes of the
	// application it mounted on a router of its own (evidence_mount.go).
	mounted []mountedServe
	// decl is the test function (nil for a suite's method), in pkg.
	decl *ast.FuncDecl
	pkg  *packages.Package
}

// request is an HTTP request a test sends; refused when the test
// asserts the response refused it (evidence_refused.go).
type request = detect.Request

// Tests lists the module's test functions, sorted.
func (g *credit) Tests() []TestRef {
	var out []TestRef
	for _, t := range g.testFuncs() {
		out = append(out, t.ref)
	}
	return out
}

// Credit fills in the tests credited for each feature, with the strongest
// evidence each has (the rule is evidence.Credit's; this side finds the
// tests and matches their invocations), and the suggestion of a test for
// it. It needs a program loaded with tests.
func (g *credit) Credit(features []Feature, opts EvidenceOptions) (err error) {
	// A detector's hook that panics on the test side (request matching,
	// a CLI invocation) fails the analysis as it does on discovery.
	defer func() {
		if r := recover(); r != nil {
			p, ok := r.(detect.Panic)
			if !ok {
				panic(r)
			}
			err = panicError(p)
		}
	}()
	tests := g.testFuncs()
	ledgers, err := evidence.Credit(evidenceFeatures(features), evidenceTests(tests), opts, g.evidenceModules(), creditFacts{g, features, tests}) // evidence_view.go
	if err != nil {
		return err
	}
	for i := range features {
		features[i].Suggestion = g.suggestion(features[i])
		features[i].Tests = ledgers[i].Tests()
	}
	return nil
}

// testFuncs finds the test functions of the loaded test packages (which
// there are is evidence.FindTests's) and what each does.
func (g *credit) testFuncs() []*testFunc {
	if g.tests != nil {
		return g.tests
	}
	g.tests = []*testFunc{}
	found := evidence.FindTests(g.prog.TestPackages, g.prog.Fset, g.HasPackage)
	g.suiteWarns = found.Warnings
	// What runs before every test of a test binary: TestMain and the
	// initializers of its test files' variables, in its internal and
	// external test packages alike. A test holds the routers they build.
	setups := map[string]*testFunc{}
	for _, b := range found.Setup {
		under := b.Ref.Package
		if setups[under] == nil {
			setups[under] = &testFunc{reach: map[int]bool{}}
		}
		g.followTest(b.Pkg, b.Decls, b.Body, setups[under])
	}
	for _, b := range found.Tests {
		var setup map[int]bool
		if s := setups[b.Ref.Package]; s != nil {
			setup = s.reach
		}
		t := &testFunc{ref: b.Ref, reach: map[int]bool{}, setup: setup}
		if b.Func != nil {
			t.decl, t.pkg = b.Func, b.Pkg
		}
		g.followTest(b.Pkg, b.Decls, b.Body, t)
		for _, fn := range b.Outside {
			g.reachStatic(t, fn)
		}
		g.tests = append(g.tests, t)
	}
	sort.Slice(g.tests, func(i, j int) bool {
		return g.tests[i].ref.String() < g.tests[j].ref.String()
	})
	return g.tests
}

// followTest walks a test's body and the helpers it calls, collecting
// requests, attributes and the routers it builds (walkTest), then
// follows static calls into the module.
func (g *credit) followTest(pkg *packages.Package, decls map[types.Object]*ast.FuncDecl, d *ast.FuncDecl, t *testFunc) {
	var queue []int
	reach := func(fn *types.Func) {
		if fn == nil {
			return
		}
		if id, ok := g.byName[astq.ObjName(fn.Origin())]; ok && isCode(g.nodes[id].kind) && !t.reach[id] {
			t.reach[id] = true
			queue = append(queue, id)
		}
	}
	node := func(id int) {
		if !t.reach[id] {
			t.reach[id] = true
			queue = append(queue, id)
		}
	}
	g.walkTest(pkg, decls, d, t, reach, node)
	g.closeReach(t, queue)
}

// closeReach adds to t.reach what the nodes of queue (already in it)
// call, transitively.
func (g *Graph) closeReach(t *testFunc, queue []int) {
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, next := range g.calls[id] {
			if !t.reach[next] {
				t.reach[next] = true
				queue = append(queue, next)
			}
		}
	}
}

// funcObj returns the function object of a function node.
func (g *Graph) funcObj(id int) *types.Func {
	for _, pkg := range g.prog.Packages {
		if pkg.PkgPath != g.nodes[id].pkg || pkg.Types == nil {
			continue
		}
		for _, name := range pkg.Types.Scope().Names() {
			if fn, ok := pkg.Types.Scope().Lookup(name).(*types.Func); ok && g.byObj[fn] == id {
				return fn
			}
		}
	}
	return nil
}

// extent returns the first and last line of a function or closure node.
func (g *Graph) extent(id int) (int, int) {
	pos := g.nodes[id].pos
	for _, pkg := range g.prog.Packages {
		for _, f := range pkg.Syntax {
			if pos < f.Pos() || pos > f.End() {
				continue
			}
			var s, e int
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.FuncDecl:
					if x.Name.Pos() == pos {
						s, e = g.prog.Fset.Position(x.Pos()).Line, g.prog.Fset.Position(x.End()).Line
					}
				case *ast.FuncLit:
					if x.Pos() == pos {
						s, e = g.prog.Fset.Position(x.Pos()).Line, g.prog.Fset.Position(x.End()).Line
					}
				}
				return s == 0
			})
			return s, e
		}
	}
	return 0, 0
}

// suggestion says where a test for the feature belongs and what it
// should do to be credited (evidence.Suggest): call its entry when it
// has one function a test can call, send its route a request.
func (g *Graph) suggestion(f Feature) *report.Suggestion {
	var entry *evidence.Func
	if len(f.Entries) == 1 {
		e := g.nodes[f.Entries[0]]
		if file, _ := g.prog.Rel(e.pos); file != "" && e.kind != closureNode {
			entry = &evidence.Func{File: file, Package: e.pkg, Name: e.name}
		}
	}
	return evidence.Suggest(f.ID, entry, g.invocation(f))
}

// invocation is how a test can reach the feature through the code that
// serves it, with constants: a request to its route's router, a call of
// its RPC on a server the registering function sets up, or the
// subcommand's arguments to its root command; nil when there is none.
func (g *Graph) invocation(f Feature) *evidence.Invocation {
	via := func(id int) evidence.Func {
		n := g.nodes[id]
		file, _ := g.prog.Rel(n.pos)
		return evidence.Func{File: file, Package: n.pkg, Name: n.name}
	}
	switch {
	case f.Kind == report.KindRoute && f.Registrar >= 0:
		if p, ok := f.Pattern(); ok {
			return &evidence.Invocation{Kind: report.SuggestRequest, Request: p.Example(), Via: via(f.Registrar)}
		}
	case f.Kind == report.KindRPC && f.Registrar >= 0:
		return &evidence.Invocation{Kind: report.SuggestRPC, RPC: f.ID, Via: via(f.Registrar)}
	case f.CLI != nil && f.CLI.Root.Encl >= 0:
		for _, c := range f.CLI.Chain {
			if c != f.CLI.Root && !c.Known {
				return nil // a name known only at run time
			}
		}
		return &evidence.Invocation{Kind: report.SuggestArgs, Args: f.CLI.Path, Via: via(f.CLI.Root.Encl)}
	}
	return nil
}

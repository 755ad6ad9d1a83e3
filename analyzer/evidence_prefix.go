package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/analyzer/detect"
	"github.com/blastgate/blastgate/analyzer/evidence"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Run-time prefixes (issue 12). A route id keeps a part known only at run
// time as <expression> (GET <config.Webroot>api/v1/messages). A request
// credits such a route when the test knows the value that part has while
// it runs, and the request's path is the route's pattern with that value
// in its place (most specific route wins, as for any route). Strictly:
//
//   - the placeholder must stand, wherever the route side wrote it, for
//     one package-level string variable of the module, read as it is (a
//     value a base-path normaliser trimmed or slashed, a field of a
//     config struct, a parameter: not decided, no credit);
//   - its value is the constant the test writes to it in its prologue
//     (its body's first statements, and the test helpers those call,
//     before anything that may send a request), or the constant TestMain
//     writes before m.Run, or else the variable's constant initializer
//     (its zero value when it has none);
//   - every other write that may run before or while the test runs must
//     write that same constant: the writes in the module's functions and
//     closures the tests may reach (the symbol graph's may-edges: calls,
//     interface and function-value calls, from what the tests call), in
//     the init code of the packages linked into the test binary and what
//     it may run (for an initializer's value), and in the binary's test
//     files (other tests
//     run before it; a write the test defers, or hands t.Cleanup, runs
//     after it). A write of an unknown value (&v handed to flag.StringVar,
//     v = os.Getenv(...), v = normalise(v)) the test may run: no credit.
//     Writes in code the binary does not link (main, cmd/...) do not
//     count;
//   - the routes must be registered after the value is written: a test's
//     own write counts when TestMain and the test files' variables do
//     not register them, the test does not before it writes, and every
//     other test of the binary that may register them writes the same
//     value first (a router one test builds may be kept for the next);
//     TestMain's when the test files' variables do not register them;
//   - a test that calls t.Parallel gets no value from its own writes;
//   - the value must be plain path text, and the path it makes must not
//     hold "//", "." or ".." segments (the router would clean them);
//     a value with a router's syntax in it ({, :, *) is refused.

// prefixState holds the values tests give the run-time parts of route
// ids, for one pass of credit.
type prefixState struct {
	scanned bool
	writes  map[string][]varWrite
	inits   map[string]*string // the initializer's constant, nil: not one
	bins    map[string]*testBinary
	values  map[prefixKey]prefixVal
	runs    map[int]map[int]bool // what running a node may run
}

type prefixKey struct {
	key       string
	t         *testFunc
	registrar int
}

type prefixVal struct {
	s  string
	ok bool
}

// varWrite is a statement or expression that writes a package variable.
type varWrite struct {
	pkg      *packages.Package
	node     ast.Node
	value    *string      // the constant written, nil: not a known constant
	decl     ast.Decl     // the top-level declaration it is in
	lit      *ast.FuncLit // the innermost function literal around it
	testFile bool
	deferred bool // in a defer statement, or a function handed to Cleanup
}

// testBinary is what a test binary links and what its tests may run.
type testBinary struct {
	pkgs   []*packages.Package // its test packages
	linked map[string]bool     // import paths of the packages it links
	tests  []*testFunc
	may    map[int]bool // what its tests and setup may run
	broken bool         // they may run code that did not type-check
	// initMay is what the init code of the packages it links may run.
	initMay    map[int]bool
	initBroken bool
}

func (g *credit) prefixState() *prefixState {
	if g.prefixes == nil {
		g.prefixes = &prefixState{bins: map[string]*testBinary{}, values: map[prefixKey]prefixVal{}, runs: map[int]map[int]bool{}}
	}
	return g.prefixes
}

// testPattern is the pattern of route f that test t's requests are
// matched against: its id with each run-time part replaced by the value
// t gives it (detect's Feature.PatternWith).
func (g *credit) testPattern(f Feature, t *testFunc) (routePattern, bool) {
	return f.PatternWith(func(key string) (string, bool) { return g.prefixValue(key, t, f.Registrar) })
}

// prefixValue is the value the package variable key has while test t
// sends its requests, and when the registrar registers its routes, when
// that is known.
func (g *credit) prefixValue(key string, t *testFunc, registrar int) (string, bool) {
	ps := g.prefixState()
	pk := prefixKey{key: key, t: t, registrar: registrar}
	if v, ok := ps.values[pk]; ok {
		return v.s, v.ok
	}
	s, ok := g.computePrefix(key, t, registrar)
	ps.values[pk] = prefixVal{s: s, ok: ok}
	return s, ok
}

func (g *credit) computePrefix(key string, t *testFunc, registrar int) (string, bool) {
	ps := g.prefixState()
	g.scanWrites()
	bin := g.testBinary(t.ref.Package)
	inBin := func(pkg *packages.Package) bool {
		for _, p := range bin.pkgs {
			if p == pkg {
				return true
			}
		}
		return false
	}
	// relevant checks that every write the filter keeps writes c.
	check := func(c string, keep func(w varWrite, node int, init bool) bool) bool {
		for _, w := range ps.writes[key] {
			if w.testFile {
				if !inBin(w.pkg) {
					continue
				}
			} else if !bin.linked[w.pkg.PkgPath] {
				continue
			}
			node, init := g.writeNode(w)
			if !keep(w, node, init) {
				continue
			}
			if w.value == nil || *w.value != c {
				return false
			}
		}
		return true
	}
	// The test's own prologue.
	if t.decl != nil {
		pr := g.prologue(t.pkg, t.decl.Body.List, key, map[*ast.FuncDecl]bool{t.decl: true}, false, registrar)
		if pr.bad {
			return "", false
		}
		if len(pr.values) > 0 {
			c := pr.values[0]
			for _, v := range pr.values {
				if v != c {
					return "", false
				}
			}
			if callsParallel(t.pkg.TypesInfo, t.decl.Body) {
				return "", false
			}
			// Routes registered before the test ran (TestMain, a test
			// file's variable) have the value of then.
			if setup, broken := g.mayRun(t.setup); broken || setup[registrar] {
				return "", false
			}
			// So may a router another test built and left for this one
			// (a sync.Once, a package variable): every other test that
			// may register the routes must write the same value first.
			for _, u := range bin.tests {
				if u == t {
					continue
				}
				if may, broken := g.mayRun(u.reach); !broken && !may[registrar] {
					continue
				}
				if u.decl == nil {
					return "", false
				}
				up := g.prologue(u.pkg, u.decl.Body.List, key, map[*ast.FuncDecl]bool{u.decl: true}, false, registrar)
				if up.bad || len(up.values) == 0 {
					return "", false
				}
				for _, v := range up.values {
					if v != c {
						return "", false
					}
				}
			}
			may, broken := g.mayRun(t.reach, t.setup)
			if broken {
				return "", false
			}
			ok := check(c, func(w varWrite, node int, init bool) bool {
				switch {
				case w.testFile:
					if pr.nodes[w.node] || (w.deferred && w.decl == ast.Decl(t.decl)) {
						return false
					}
					if d, isFunc := w.decl.(*ast.FuncDecl); isFunc && d != t.decl && d.Recv == nil && (evidence.IsTestName(d.Name.Name) || d.Name.Name == "TestMain") {
						return false // another test: it does not run during this one
					}
					return true
				case node < 0:
					return true
				case init:
					return false // before the test
				}
				return may[node]
			})
			return c, ok
		}
	}
	if bin.broken {
		return "", false
	}
	// TestMain's prologue, before m.Run.
	for _, pkg := range bin.pkgs {
		main := testMainDecl(pkg)
		if main == nil {
			continue
		}
		pr := g.prologue(pkg, main.Body.List, key, map[*ast.FuncDecl]bool{main: true}, true, registrar)
		if pr.bad {
			return "", false
		}
		if len(pr.values) == 0 {
			continue
		}
		// Test files' variables are initialised before TestMain runs:
		// routes they register have the value of then.
		for _, p := range bin.pkgs {
			for _, f := range p.Syntax {
				if !strings.HasSuffix(g.prog.Fset.File(f.Pos()).Name(), "_test.go") {
					continue
				}
				for _, d := range f.Decls {
					if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR && g.mayRequest(p, gd, map[*ast.FuncDecl]bool{}, false, registrar) {
						return "", false
					}
				}
			}
		}
		c := pr.values[0]
		for _, v := range pr.values {
			if v != c {
				return "", false
			}
		}
		ok := check(c, func(w varWrite, node int, init bool) bool {
			switch {
			case w.testFile:
				return !pr.nodes[w.node]
			case node < 0:
				return true
			case init:
				return false // before TestMain
			}
			return bin.may[node]
		})
		return c, ok
	}
	// The initializer.
	c := ps.inits[key]
	if c == nil || bin.initBroken {
		return "", false
	}
	ok := check(*c, func(w varWrite, node int, init bool) bool {
		switch {
		case w.testFile, node < 0, init:
			return true
		}
		return bin.may[node] || bin.initMay[node]
	})
	return *c, ok
}

// writeNode is the graph node whose running performs a write of the
// module's code (-1: none known), and whether it is init code (an init
// function, a package variable's initializer).
func (g *Graph) writeNode(w varWrite) (int, bool) {
	if w.lit != nil {
		// A closure of init code may be kept and run at any time; one
		// of a function runs when that function made it and it is
		// called.
		if d, ok := w.decl.(*ast.FuncDecl); ok && !(d.Recv == nil && d.Name.Name == "init") {
			if id, ok := g.byLit[w.lit]; ok {
				return id, false
			}
		}
		return -1, false
	}
	switch d := w.decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil && d.Name.Name == "init" {
			return -1, true
		}
		if id, ok := g.byObj[w.pkg.TypesInfo.Defs[d.Name]]; ok && g.nodes[id].kind != packageNode {
			return id, false
		}
		return -1, false
	case *ast.GenDecl:
		return -1, true
	}
	return -1, false
}

// mayRun is what running the given nodes may run: the symbol graph's
// edges to code, not the writers of what it reads. broken: code that did
// not type-check.
func (g *Graph) mayRun(seeds ...map[int]bool) (map[int]bool, bool) {
	out := map[int]bool{}
	var queue []int
	for _, s := range seeds {
		for id := range s {
			if !out[id] {
				out[id] = true
				queue = append(queue, id)
			}
		}
	}
	broken := false
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if g.nodes[id].kind == packageNode {
			broken = true
		}
		for _, e := range g.nodes[id].out {
			switch g.nodes[e.to].kind {
			case varNode, fieldNode, siteNode, constNode, depNode, externalNode:
				continue
			}
			if !out[e.to] {
				out[e.to] = true
				queue = append(queue, e.to)
			}
		}
	}
	return out, broken
}

// runs is what running node id may run; false: code that did not
// type-check.
func (g *credit) runs(id int) (map[int]bool, bool) {
	ps := g.prefixState()
	if r, ok := ps.runs[id]; ok {
		return r, r != nil
	}
	r, broken := g.mayRun(map[int]bool{id: true})
	if broken {
		r = nil
	}
	ps.runs[id] = r
	return r, r != nil
}

// testBinary gathers the test binary of a package under test.
func (g *credit) testBinary(under string) *testBinary {
	ps := g.prefixState()
	if b := ps.bins[under]; b != nil {
		return b
	}
	b := &testBinary{linked: map[string]bool{}}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if b.linked[p.PkgPath] {
			return
		}
		b.linked[p.PkgPath] = true
		for _, imp := range p.Imports {
			visit(imp)
		}
	}
	for _, pkg := range g.prog.TestPackages {
		if evidence.PackageUnderTest(pkg) == under {
			b.pkgs = append(b.pkgs, pkg)
			visit(pkg)
		}
	}
	var seeds []map[int]bool
	for _, t := range g.testFuncs() {
		if t.ref.Package == under {
			b.tests = append(b.tests, t)
			seeds = append(seeds, t.reach, t.setup)
		}
	}
	b.may, b.broken = g.mayRun(seeds...)
	inits := map[int]bool{}
	for path := range b.linked {
		if id, ok := g.inits[path]; ok {
			inits[id] = true
		}
		for _, id := range g.initRuns[path] {
			inits[id] = true
		}
	}
	b.initMay, b.initBroken = g.mayRun(inits)
	ps.bins[under] = b
	return b
}

// testMainDecl is the TestMain of a test package's files.
func testMainDecl(pkg *packages.Package) *ast.FuncDecl {
	for _, f := range pkg.Syntax {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "TestMain" && fd.Body != nil {
				return fd
			}
		}
	}
	return nil
}

// prologueResult is what a prologue writes.
type prologueResult struct {
	values  []string
	nodes   map[ast.Node]bool // the prologue's writes
	stopped bool              // it ends before the body does
	bad     bool              // it writes a value not known
}

// prologue walks the statements a test (or TestMain) runs first, in
// order, into the test helpers called as statements, up to the first
// that may send a request (or run the tests: m.Run), collecting the
// constants written to the variable key.
func (g *credit) prologue(pkg *packages.Package, stmts []ast.Stmt, key string, seen map[*ast.FuncDecl]bool, main bool, registrar int) prologueResult {
	out := prologueResult{nodes: map[ast.Node]bool{}}
	g.prologueInto(pkg, stmts, key, seen, main, registrar, &out)
	return out
}

func (g *credit) prologueInto(pkg *packages.Package, stmts []ast.Stmt, key string, seen map[*ast.FuncDecl]bool, main bool, registrar int, out *prologueResult) {
	info := pkg.TypesInfo
	for _, st := range stmts {
		if out.stopped || out.bad {
			return
		}
		switch x := st.(type) {
		case *ast.AssignStmt:
			wrote := false
			for i, lhs := range x.Lhs {
				if detect.PackageVar(info, lhs) != key || x.Tok == token.DEFINE {
					continue
				}
				wrote = true
				if x.Tok != token.ASSIGN || len(x.Lhs) != len(x.Rhs) {
					out.bad = true
					return
				}
				c, ok := astq.ConstString(info, x.Rhs[i])
				if !ok {
					out.bad = true
					return
				}
				out.values = append(out.values, c)
			}
			if g.mayRequest(pkg, x, map[*ast.FuncDecl]bool{}, main, registrar) {
				out.stopped = true
				return
			}
			if wrote {
				out.nodes[x] = true
			}
			continue
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(x.X).(*ast.CallExpr); ok {
				if h, ok := g.prologueHelper(info, call); ok && !seen[h.Decl] {
					for _, a := range call.Args {
						if g.mayRequest(pkg, a, map[*ast.FuncDecl]bool{}, main, registrar) {
							out.stopped = true
							return
						}
					}
					seen[h.Decl] = true
					g.prologueInto(h.Pkg, h.Decl.Body.List, key, seen, main, registrar, out)
					delete(seen, h.Decl)
					continue
				}
			}
		}
		if g.mayRequest(pkg, st, map[*ast.FuncDecl]bool{}, main, registrar) {
			out.stopped = true
			return
		}
	}
}

// prologueHelper is the declaration of a test helper a call calls: a
// function of a _test.go file or of a test-only package.
func (g *credit) prologueHelper(info *types.Info, call *ast.CallExpr) (detect.DeclRef, bool) {
	fn := typeutil.StaticCallee(info, call)
	if fn == nil {
		return detect.DeclRef{}, false
	}
	rs := g.requestScan()
	d, ok := rs.s.Decls[fn.Origin()]
	if !ok || d.Decl.Body == nil {
		return detect.DeclRef{}, false
	}
	if strings.HasSuffix(g.prog.Fset.File(d.File.Pos()).Name(), "_test.go") || rs.testOnly[d.Pkg.PkgPath] {
		return d, true
	}
	return detect.DeclRef{}, false
}

// mayRequest reports whether running n may send a request a test is
// credited for, register routes with the registrar, or (main) run the
// tests: a call of net/http or of a third-party package, a call through
// a function value or an interface, a module function that may run the
// registrar, a test helper that may, m.Run.
func (g *credit) mayRequest(pkg *packages.Package, n ast.Node, seen map[*ast.FuncDecl]bool, main bool, registrar int) bool {
	info := pkg.TypesInfo
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			return true // a conversion
		}
		if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
			return true // its body is looked at in place
		}
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
			if _, ok := info.Uses[id].(*types.Builtin); ok {
				return true
			}
		}
		fn := typeutil.StaticCallee(info, call)
		if fn == nil || fn.Pkg() == nil {
			found = true
			return false
		}
		if h, ok := g.prologueHelper(info, call); ok {
			if seen[h.Decl] {
				return true
			}
			seen[h.Decl] = true
			found = g.mayRequest(h.Pkg, h.Decl.Body, seen, main, registrar)
			return !found
		}
		path := fn.Pkg().Path()
		switch {
		case path == "testing":
			if fn.Name() == "Run" {
				// t.Run(name, f): f's body is looked at in place only
				// when it is written there; m.Run runs the tests.
				if main && astq.RecvPrefix(fn) == "M." {
					found = true
				}
				if len(call.Args) == 2 {
					if _, lit := ast.Unparen(call.Args[1]).(*ast.FuncLit); !lit {
						found = true
					}
				}
			}
		case g.requestScan().s.ModulePkgs()[path]:
			id, ok := g.byObj[fn.Origin()]
			runs, known := g.runs(id)
			found = !ok || !known || runs[registrar]
		case path == "net/http" || strings.HasPrefix(path, "net/http/"):
			found = true
		case strings.Contains(strings.SplitN(path, "/", 2)[0], "."):
			found = true // a third-party package: a client or test library
		}
		return !found
	})
	return found
}

// callsParallel reports whether a body calls t.Parallel.
func callsParallel(info *types.Info, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if fn := typeutil.StaticCallee(info, call); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "testing" && fn.Name() == "Parallel" {
				found = true
			}
		}
		return !found
	})
	return found
}

// scanWrites finds every write of the module's package-level string
// variables, in its packages and in its test files, and their
// initializers.
func (g *credit) scanWrites() {
	ps := g.prefixState()
	if ps.scanned {
		return
	}
	ps.scanned = true
	ps.writes = map[string][]varWrite{}
	ps.inits = map[string]*string{}
	mine := g.requestScan().s.ModulePkgs()
	for n, set := range [][]*packages.Package{g.prog.Packages, g.prog.TestPackages} {
		testSet := n == 1
		for _, pkg := range set {
			if pkg.TypesInfo == nil {
				continue
			}
			for _, f := range pkg.Syntax {
				testFile := strings.HasSuffix(g.prog.Fset.File(f.Pos()).Name(), "_test.go")
				if testSet && !testFile {
					continue // the package's own files, scanned once
				}
				for _, decl := range f.Decls {
					g.scanDecl(pkg, decl, testFile, mine, ps)
				}
			}
		}
	}
}

func (g *Graph) scanDecl(pkg *packages.Package, decl ast.Decl, testFile bool, mine map[string]bool, ps *prefixState) {
	info := pkg.TypesInfo
	var stack []ast.Node
	add := func(n ast.Node, lhs ast.Expr, value *string) {
		key := detect.PackageVar(info, lhs)
		if key == "" {
			return
		}
		if i := strings.LastIndexByte(key, '.'); i < 0 || !mine[key[:i]] {
			return
		}
		w := varWrite{pkg: pkg, node: n, value: value, decl: decl, testFile: testFile}
		for i := len(stack) - 1; i >= 0; i-- {
			switch s := stack[i].(type) {
			case *ast.FuncLit:
				if w.lit == nil {
					w.lit = s
				}
				if i > 0 {
					if call, ok := stack[i-1].(*ast.CallExpr); ok {
						if fn := typeutil.StaticCallee(info, call); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "testing" && fn.Name() == "Cleanup" {
							w.deferred = true
						}
					}
				}
			case *ast.DeferStmt:
				w.deferred = true
			}
		}
		ps.writes[key] = append(ps.writes[key], w)
	}
	ast.Inspect(decl, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch x := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range x.Lhs {
				if x.Tok == token.DEFINE {
					break
				}
				var value *string
				if x.Tok == token.ASSIGN && len(x.Lhs) == len(x.Rhs) {
					if c, ok := astq.ConstString(info, x.Rhs[i]); ok {
						value = &c
					}
				}
				add(x, lhs, value)
			}
		case *ast.RangeStmt:
			if x.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{x.Key, x.Value} {
					if e != nil {
						add(x, e, nil)
					}
				}
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				add(x, x.X, nil)
			}
		case *ast.SelectorExpr:
			// v.Set(...) with a pointer receiver writes v.
			if sel := info.Selections[x]; sel != nil && sel.Kind() != types.FieldVal {
				if fn, ok := sel.Obj().(*types.Func); ok {
					if recv := fn.Signature().Recv(); recv != nil {
						if _, ptr := recv.Type().(*types.Pointer); ptr {
							add(x, x.X, nil)
						}
					}
				}
			}
		case *ast.ValueSpec:
			for i, name := range x.Names {
				key := detect.PackageVar(info, name)
				if key == "" || testFile {
					continue
				}
				if len(x.Values) == 0 {
					empty := ""
					ps.inits[key] = &empty
				} else if len(x.Values) == len(x.Names) {
					if c, ok := astq.ConstString(info, x.Values[i]); ok {
						ps.inits[key] = &c
					} else {
						ps.inits[key] = nil
					}
				}
			}
		}
		stack = append(stack, n)
		return true
	})
}

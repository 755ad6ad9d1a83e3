package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/analyzer/detect"
	"github.com/blastgate/blastgate/analyzer/evidence"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// The requests tests build (issue 12). A test's body is walked with the
// helpers it calls: the functions of its _test.go files and of the
// module's test helper packages (whose own files import testing or
// net/http/httptest), at any depth (a helper already on the stack is not
// entered again), each call with its arguments bound to the helper's
// parameters. The values a request is built from are evaluated by the
// route side's evaluator (routers_flow.go) over the test packages,
// strictly:
//
//   - constants, local variables written once (and only by plain
//     assignments), struct fields, fmt.Sprintf, +, path.Join and
//     url.JoinPath, helper parameters bound to the caller's arguments;
//   - an httptest.Server's URL (srv.URL, ts.URL) is the host, known only
//     at run time: the path is what follows it;
//   - each row of a table a range loop walks (a slice, array or map
//     literal, a variable written with one) is walked with the loop's
//     variables bound to the row: each row is a request, credited to
//     the test function (a subtest is not a test the plan can run on its
//     own: its name would not survive the -run expression);
//   - any other run-time part (a parameter nobody binds, a variable
//     written twice with different values, a call of unknown result)
//     makes the request unknown, and it credits nothing.
//
// A test that builds its own router (gin.New(), http.NewServeMux(), ...)
// and registers handlers of the application on it is evidence for the
// application's routes whose entry is such a handler, when a request the
// test sends to that same router (its ServeHTTP, a dialect's requestSender as fiber's Test, or an
// httptest.Server serving it) is routed to the handler: the pattern the
// test registered matches, and no more specific one of that router does.
// Routes registered in tests are never features of their own.

const (
	maxTestWalks = detect.MaxTestWalks // bodies walked for one test (helper calls and table rows)
)

// requestScan evaluates test code: the route side's scan over the test
// packages and the module's packages.
type requestScan struct {
	g        *Graph
	s        *detect.RouterScan
	testOnly map[string]bool
	// servers are the handlers of the httptest servers test URLs name,
	// by the number in their mark.
	servers []detect.BoundArg
	// varCalls are the methods called on each variable, by package
	// (evidence_testlibs.go).
	varCalls map[*packages.Package]map[*types.Var]map[string]bool
}

// requestScan builds the test side's scan once.
func (g *credit) requestScan() *requestScan {
	if g.reqScan != nil {
		return g.reqScan
	}
	rs := &requestScan{g: g.Graph, s: detect.NewScan(detectView{g.Graph}), testOnly: g.testOnlyPackages()}
	rs.s.Strict = true
	rs.s.Hole = rs.hole
	for _, pkgs := range [][]*packages.Package{g.prog.Packages, g.prog.TestPackages} {
		for _, pkg := range pkgs {
			if pkg.TypesInfo == nil {
				continue
			}
			for _, f := range pkg.Syntax {
				rs.s.Index(pkg, f)
			}
		}
	}
	g.reqScan = rs
	return rs
}

// testOnlyPackages are the module's packages of test helpers: no
// command, and their own (non-test) files import testing or
// net/http/httptest.
func (g *Graph) testOnlyPackages() map[string]bool {
	out := map[string]bool{}
	for _, pkg := range g.prog.Packages {
		if pkg.Name == "main" {
			continue
		}
		if _, ok := pkg.Imports["testing"]; ok {
			out[pkg.PkgPath] = true
		}
		if _, ok := pkg.Imports["net/http/httptest"]; ok {
			out[pkg.PkgPath] = true
		}
	}
	return out
}

// hole stands for the run-time values the test side knows: the URL of
// an httptest.Server.
func (rs *requestScan) hole(r detect.ExprRef, env detect.Binding) (detect.PathVal, bool) {
	sel, ok := ast.Unparen(r.Expr).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "URL" || !isTestServer(r.Pkg.TypesInfo.TypeOf(sel.X)) {
		return detect.PathVal{}, false
	}
	n := "-"
	if h, ok := rs.serverHandler(rs.s.Bind(detect.ExprRef{Pkg: r.Pkg, File: r.File, Expr: sel.X}, env), 0); ok {
		n = strconv.Itoa(len(rs.servers))
		rs.servers = append(rs.servers, h)
	}
	return detect.PathVal{S: detect.ServerMarkOpen + n + string(rune(detect.ServerMarkClose)), Exact: true, OK: true}, true
}

// isTestServer reports whether t is *httptest.Server.
func isTestServer(t types.Type) bool {
	if t == nil {
		return false
	}
	n, ok := types.Unalias(astq.Deref(t)).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http/httptest" && n.Obj().Name() == "Server"
}

// serverHandler is the handler an httptest.Server serves: the argument
// of the httptest.NewServer call that makes it, through variables
// written once and functions returning it.
func (rs *requestScan) serverHandler(b detect.BoundArg, depth int) (detect.BoundArg, bool) {
	if depth > detect.MaxFlowDepth || b.Expr == nil {
		return detect.BoundArg{}, false
	}
	info := b.Pkg.TypesInfo
	switch x := ast.Unparen(b.Expr).(type) {
	case *ast.CallExpr:
		fn, ok := typeutil.Callee(info, x).(*types.Func)
		if !ok || fn.Pkg() == nil {
			return detect.BoundArg{}, false
		}
		if fn.Pkg().Path() == "net/http/httptest" {
			switch fn.Name() {
			case "NewServer", "NewTLSServer", "NewUnstartedServer":
				if len(x.Args) == 1 {
					return detect.BoundArg{ExprRef: detect.ExprRef{Pkg: b.Pkg, File: b.File, Expr: x.Args[0]}, Env: b.Env}, true
				}
			}
			return detect.BoundArg{}, false
		}
		rets := rs.s.Returns(fn.Origin())
		if len(rets) != 1 || astq.IsAbstract(fn) {
			return detect.BoundArg{}, false
		}
		return rs.serverHandler(detect.BoundArg{ExprRef: rets[0], Env: rs.s.BindCall(b.ExprRef, x, fn, b.Env)}, depth+1)
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok || rs.s.Tainted[v] {
			return detect.BoundArg{}, false
		}
		if _, isParam := rs.s.Params[v]; isParam {
			return detect.BoundArg{}, false
		}
		if defs := rs.s.Defs[v]; len(defs) == 1 {
			return rs.serverHandler(detect.BoundArg{ExprRef: defs[0], Env: b.Env}, depth+1)
		}
	}
	return detect.BoundArg{}, false
}

// testRoute is a route a test registers on a router of its own.
type testRoute struct {
	root    any // the router: its chain's root
	pattern routePattern
	handler string // the handler's name, as graph nodes are named
	// mount is the application's registration the route comes from,
	// when the test mounted the application's registration function on
	// its router (evidence_mount.go).
	mount *mountSite
	// firstMatch: the router serves the first route registered that
	// matches (gorilla/mux), in the order the walk saw them.
	firstMatch bool
}

// testServe is a call that hands requests to a router: ServeHTTP(w, req)
// or fiber's Test(req).
type testServe struct {
	router, req detect.BoundArg
}

// builtReq is a request a call built, under one binding.
type builtReq struct {
	env uintptr
	idx int
}

// testWalk walks one test.
type testWalk struct {
	rs      *requestScan
	t       *testFunc
	reach   func(*types.Func)
	node    func(int)
	pkg     *packages.Package
	decls   map[types.Object]*ast.FuncDecl
	stack   map[types.Object]bool
	walks   int
	servers []int // per request of t, the server it is sent to, or -1
	built   map[*ast.CallExpr][]builtReq
	reqVars map[types.Object][]*ast.CallExpr // req := httptest.NewRequest(...)
	routes  []testRoute
	serves  []testServe
	// Test libraries' chains (evidence_testlibs.go): the calls read as
	// part of an outer one, and the requests handed to a handler.
	libInner map[libKey]bool
	sent     []testSent
	// refused decides which requests the test asserts were refused
	// (evidence_refused.go).
	refused *refusals
	// routeSeen keys the routes already recorded (addRoute).
	routeSeen map[string]bool
}

// sentRequest returns the request a call hands a router through an
// active dialect's requestSender, or false.
func (g *Graph) sentRequest(fn *types.Func, call *ast.CallExpr) (ast.Expr, bool) {
	for _, d := range g.routerDialects() {
		if rs, ok := d.(detect.RequestSender); ok {
			if req, ok := rs.SentRequest(fn, call); ok {
				return req, true
			}
		}
	}
	return nil, false
}

// walkTest walks test d of pkg: its requests, attributes and the routers
// it builds go to t; reach and node follow the module's functions and
// closures it calls.
func (g *credit) walkTest(pkg *packages.Package, decls map[types.Object]*ast.FuncDecl, d *ast.FuncDecl, t *testFunc, reach func(*types.Func), node func(int)) {
	w := &testWalk{
		rs:      g.requestScan(),
		t:       t,
		reach:   reach,
		node:    node,
		pkg:     pkg,
		decls:   decls,
		stack:   map[types.Object]bool{},
		built:   map[*ast.CallExpr][]builtReq{},
		reqVars: map[types.Object][]*ast.CallExpr{},
	}
	w.body(pkg, fileOf(pkg, d.Pos()), d.Body, detect.Binding{})
	w.markRefused()
	w.route()
}

// fileOf is the file of pkg holding pos.
func fileOf(pkg *packages.Package, pos token.Pos) *ast.File {
	for _, f := range pkg.Syntax {
		if f.Pos() <= pos && pos < f.End() {
			return f
		}
	}
	return nil
}

// helper is the declaration of a function the walk enters: a function
// of the test's files, of a _test.go file, or of a test-only package.
func (w *testWalk) helper(fn *types.Func) (detect.DeclRef, bool) {
	fn = fn.Origin()
	if d, ok := w.decls[fn]; ok {
		return detect.DeclRef{Pkg: w.pkg, File: fileOf(w.pkg, d.Pos()), Decl: d}, true
	}
	d, ok := w.rs.s.Decls[fn]
	if !ok || d.Decl.Body == nil {
		return detect.DeclRef{}, false
	}
	if strings.HasSuffix(w.rs.g.prog.Fset.File(d.File.Pos()).Name(), "_test.go") || w.rs.testOnly[d.Pkg.PkgPath] {
		return d, true
	}
	return detect.DeclRef{}, false
}

// body walks a function body (or a part of it) under a binding of the
// parameters of the helpers it is in and of the range loops around it.
func (w *testWalk) body(pkg *packages.Package, file *ast.File, n ast.Node, env detect.Binding) {
	if pkg == nil || file == nil || n == nil {
		return
	}
	info := pkg.TypesInfo
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.RangeStmt:
			return !w.rangeLoop(pkg, file, x, env)
		case *ast.BinaryExpr:
			w.noteCompare(pkg, file, x, env)
		case *ast.ValueSpec:
			w.noteAssign(pkg, file, identExprs(x.Names), x.Values, x.Pos(), env)
		case *ast.AssignStmt:
			w.noteAssign(pkg, file, x.Lhs, x.Rhs, x.Pos(), env)
			if x.Tok == token.DEFINE && len(x.Lhs) == len(x.Rhs) {
				// tc := tc: the copy of a bound row is bound alike (a
				// string copy is evaluated through its definition).
				for i, lhs := range x.Lhs {
					to, _ := detect.RangeDef(info, lhs)
					from := w.rs.s.ParamOf(info, x.Rhs[i])
					if b, ok := env[from]; ok && to != nil && !w.rs.s.Tainted[to] && !astq.IsStringVar(to) {
						env[to] = b
					}
				}
			}
			if len(x.Rhs) == 1 {
				if call, ok := ast.Unparen(x.Rhs[0]).(*ast.CallExpr); ok {
					if obj := astq.Assignee(info, x.Lhs[0]); obj != nil {
						w.reqVars[obj] = append(w.reqVars[obj], call)
					}
				}
			}
		case *ast.CallExpr:
			w.call(pkg, file, x, env)
		}
		return true
	})
}

// rangeLoop walks a loop's body once per row of the table it ranges
// over, with the loop's variables bound to the row; it reports false
// when the table is not known (the body is then walked as it is).
func (w *testWalk) rangeLoop(pkg *packages.Package, file *ast.File, st *ast.RangeStmt, env detect.Binding) bool {
	s := w.rs.s
	elems := s.TableElems(detect.ExprRef{Pkg: pkg, File: file, Expr: st.X}, env, map[any]bool{})
	if len(elems) == 0 || st.Tok != token.DEFINE {
		return false
	}
	w.body(pkg, file, st.X, env)
	keyVar, _ := detect.RangeDef(pkg.TypesInfo, st.Key)
	valVar, _ := detect.RangeDef(pkg.TypesInfo, st.Value)
	for _, el := range elems {
		if w.walks >= maxTestWalks {
			break
		}
		w.walks++
		row := detect.Binding{}
		for k, v := range env {
			row[k] = v
		}
		if keyVar != nil && el.Key.Expr != nil {
			row[keyVar] = el.Key
		}
		if valVar != nil {
			row[valVar] = el.Val
		}
		w.body(pkg, file, st.Body, row)
	}
	return true
}

// call looks at one call of the walk.
func (w *testWalk) call(pkg *packages.Package, file *ast.File, call *ast.CallExpr, env detect.Binding) {
	g, s := w.rs.g, w.rs.s
	info := pkg.TypesInfo
	ref := func(e ast.Expr) detect.ExprRef { return detect.ExprRef{Pkg: pkg, File: file, Expr: e} }
	str := func(e ast.Expr) (string, bool) { return s.Str(ref(e), env, 0) }
	if fn := typeutil.StaticCallee(info, call); fn != nil {
		w.reach(fn)
		if h, ok := w.helper(fn); ok && !w.stack[fn.Origin()] && w.walks < maxTestWalks {
			w.walks++
			w.stack[fn.Origin()] = true
			r := w.ref()
			r.at = append(r.at, call.Pos())
			from := len(w.t.requests)
			w.body(h.Pkg, h.File, h.Decl.Body, s.BindCall(ref(call), call, fn, env))
			r.helpers[libKey{call, envID(env)}] = [2]int{from, len(w.t.requests)}
			r.byCall[call] = append(r.byCall[call], [2]int{from, len(w.t.requests)})
			r.at = r.at[:len(r.at)-1]
			delete(w.stack, fn.Origin())
		}
		w.mountCall(pkg, file, call, fn, env)
		w.request(pkg, file, call, fn, env)
		from := len(w.t.requests)
		w.testLib(detect.BoundArg{ExprRef: ref(call), Env: env}, call, fn)
		if len(w.t.requests) > from {
			w.noteLib(detect.BoundArg{ExprRef: ref(call), Env: env}, from, len(w.t.requests))
		}
		w.noteCall(pkg, file, call, fn, env)
		if v, ok := evidence.FeatureAttr(str, fn, call); ok {
			w.t.attrs = append(w.t.attrs, v)
		}
	}
	// factory(args)(w, r): the closure the factory returns.
	if inner, ok := ast.Unparen(call.Fun).(*ast.CallExpr); ok {
		if f := typeutil.StaticCallee(info, inner); f != nil {
			if id, ok := g.byName[astq.ObjName(f.Origin())]; ok {
				if obj := g.funcObj(id); obj != nil {
					if lit := g.returnedClosure(obj); lit >= 0 {
						w.node(lit)
					}
				}
			}
		}
	}
	if fn, ok := typeutil.Callee(info, call).(*types.Func); ok {
		w.serve(pkg, file, call, fn, env)
	}
	// A route the test registers on a router of its own.
	if op := s.OpOfCall(info, call); op != nil && op.Kind == detect.OpRoute && op.Recv != nil && op.Handler != nil {
		handler := w.handlerName(s.Bind(ref(op.Handler), env), 0)
		if handler == "" {
			return
		}
		cs := detect.CallSite{Pkg: pkg, File: file, Encl: -1, Call: call}
		subtrees := detect.MatchingOf(op.Det).Subtrees
		for _, chain := range s.Chains(s.Bind(ref(op.Recv), env).ExprRef, 0) {
			for _, id := range s.RouteIDs(cs, detect.RegInstance{Site: cs, Env: env}, op, chain) {
				p, ok := parsePattern(id)
				if !ok || strings.HasPrefix(id, "(") {
					continue
				}
				p.Exact = p.Exact || !subtrees
				first := detect.MatchingOf(op.Det).FirstMatch
				w.addRoute(testRoute{root: chain[0].ID, pattern: p, handler: handler, firstMatch: first})
			}
		}
	}
}

// serve records a call handing requests to a router, and
// http.HandlerFunc(f).ServeHTTP(w, r) as a call of f.
func (w *testWalk) serve(pkg *packages.Package, file *ast.File, call *ast.CallExpr, fn *types.Func, env detect.Binding) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || fn.Signature().Recv() == nil {
		return
	}
	info := pkg.TypesInfo
	var req ast.Expr
	switch {
	case fn.Name() == "ServeHTTP" && len(call.Args) == 2:
		req = call.Args[1]
		w.noteServe(pkg, file, call, env)
		// http.HandlerFunc(f).ServeHTTP(w, r): f itself.
		if conv, ok := ast.Unparen(sel.X).(*ast.CallExpr); ok && len(conv.Args) == 1 && info.Types[conv.Fun].IsType() {
			if f, ok := info.Uses[astq.IdentOf(ast.Unparen(conv.Args[0]))].(*types.Func); ok {
				w.reach(f)
			}
		}
	default:
		r, ok := w.rs.g.sentRequest(fn, call) // app.Test(req) (routers_fiber.go)
		if !ok {
			return
		}
		req = r
	}
	ref := func(e ast.Expr) detect.ExprRef { return detect.ExprRef{Pkg: pkg, File: file, Expr: e} }
	// Resolved once the walk is over: the request is built in the
	// call's own arguments, walked after it.
	w.serves = append(w.serves, testServe{router: w.rs.s.Bind(ref(sel.X), env), req: w.rs.s.Bind(ref(req), env)})
}

// roots are the routers an expression may be: the roots of its chains.
func (w *testWalk) roots(b detect.BoundArg) []any {
	var out []any
	for _, c := range w.rs.s.Chains(b.ExprRef, 0) {
		if len(c) > 0 {
			out = append(out, c[0].ID)
		}
	}
	return out
}

// requestsOf are the requests of t an expression is: the call that built
// it under the same binding, or through the variable it was assigned to.
func (w *testWalk) requestsOf(b detect.BoundArg) []int {
	var calls []*ast.CallExpr
	switch x := ast.Unparen(b.Expr).(type) {
	case *ast.CallExpr:
		calls = append(calls, x)
	case *ast.Ident:
		if v, ok := b.Pkg.TypesInfo.Uses[x].(*types.Var); ok {
			calls = w.reqVars[v]
		}
	}
	env := envID(b.Env)
	var out []int
	for _, c := range calls {
		built := w.built[c]
		found := false
		for _, br := range built {
			if br.env == env {
				out = append(out, br.idx)
				found = true
			}
		}
		if !found && len(built) > 0 {
			// Built under another binding (outside the loop the request
			// is sent in): only when every binding built the same one.
			same := true
			for _, br := range built[1:] {
				same = same && w.t.requests[br.idx] == w.t.requests[built[0].idx]
			}
			if same {
				out = append(out, built[0].idx)
			}
		}
	}
	return out
}

// envID identifies a binding.
func envID(env detect.Binding) uintptr {
	if env == nil {
		return 0
	}
	return reflect.ValueOf(env).Pointer()
}

// request records the request a call builds or sends, when its method
// and target are known.
func (w *testWalk) request(pkg *packages.Package, file *ast.File, call *ast.CallExpr, fn *types.Func, env detect.Binding) {
	method, methodExpr, target, ok := requestCall(fn, call)
	if !ok {
		return
	}
	s := w.rs.s
	if methodExpr != nil {
		m, ok := s.Str(detect.ExprRef{Pkg: pkg, File: file, Expr: methodExpr}, env, 0)
		if !ok {
			return
		}
		method = m
	}
	host, path, server, ok := requestTarget(s.Eval(detect.ExprRef{Pkg: pkg, File: file, Expr: target}, env, 0))
	if !ok {
		return
	}
	if method == "" {
		method = "GET" // http.NewRequest treats "" as GET
	}
	idx := len(w.t.requests)
	w.t.requests = append(w.t.requests, request{Method: strings.ToUpper(method), Host: host, Path: path})
	w.servers = append(w.servers, server)
	w.built[call] = append(w.built[call], builtReq{env: envID(env), idx: idx})
}

// requestCall recognises a call that builds or sends an HTTP request:
// its method (fixed, or the expression giving it) and its target.
func requestCall(fn *types.Func, call *ast.CallExpr) (method string, methodExpr, target ast.Expr, ok bool) {
	if fn.Pkg() == nil {
		return "", nil, nil, false
	}
	first := func() ast.Expr {
		if len(call.Args) == 0 {
			return nil
		}
		return call.Args[0]
	}
	switch fn.Pkg().Path() + "." + astq.RecvPrefix(fn) + fn.Name() {
	case "net/http/httptest.NewRequest", "net/http/httptest.NewRequestWithContext", "net/http.NewRequest", "net/http.NewRequestWithContext":
		args := call.Args
		if strings.HasSuffix(fn.Name(), "WithContext") && len(args) > 0 {
			args = args[1:]
		}
		if len(args) < 2 {
			return "", nil, nil, false
		}
		methodExpr, target = args[0], args[1]
	case "net/http.Get", "net/http.Client.Get":
		method, target = "GET", first()
	case "net/http.Head", "net/http.Client.Head":
		method, target = "HEAD", first()
	case "net/http.Post", "net/http.Client.Post", "net/http.PostForm", "net/http.Client.PostForm":
		method, target = "POST", first()
	default:
		return "", nil, nil, false
	}
	return method, methodExpr, target, target != nil
}

// requestTarget reads the host and path of an evaluated request target:
// a constant path or URL, or a test server's URL and a constant path.
func requestTarget(v detect.PathVal) (host, path string, server int, ok bool) {
	if !v.OK {
		return "", "", -1, false
	}
	raw := v.S
	host, server = "example.com", -1 // httptest.NewRequest's default host
	if origin, rest := detect.SplitOrigin(raw); strings.HasPrefix(origin, detect.ServerMarkOpen) {
		n := strings.TrimSuffix(strings.TrimPrefix(origin, detect.ServerMarkOpen), string(rune(detect.ServerMarkClose)))
		if n != "-" {
			i, err := strconv.Atoi(n)
			if err != nil {
				return "", "", -1, false
			}
			server = i
		}
		if rest != "" && !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "?") {
			return "", "", -1, false // srv.URL + "x": another host
		}
		host, raw = "127.0.0.1", rest
	} else if !v.Exact {
		return "", "", -1, false
	}
	if strings.ContainsAny(raw, "\x00<>") {
		return "", "", -1, false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", -1, false
	}
	if u.Host != "" {
		if host == "127.0.0.1" {
			return "", "", -1, false
		}
		host = u.Host
	}
	path = u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return host, path, server, true
}

// handlerName names the function a handler expression of a test's
// registration denotes, as graph nodes are named, or "".
func (w *testWalk) handlerName(b detect.BoundArg, depth int) string {
	if depth > detect.MaxFlowDepth || b.Expr == nil {
		return ""
	}
	g, s := w.rs.g, w.rs.s
	info := b.Pkg.TypesInfo
	sub := func(e ast.Expr) string {
		return w.handlerName(s.Bind(detect.ExprRef{Pkg: b.Pkg, File: b.File, Expr: e}, b.Env), depth+1)
	}
	e := ast.Unparen(b.Expr)
	switch x := e.(type) {
	case *ast.Ident, *ast.SelectorExpr:
		switch obj := info.Uses[astq.IdentOf(x)].(type) {
		case *types.Func:
			return astq.ObjName(obj.Origin())
		case *types.Var:
			if obj.IsField() || s.Tainted[obj] {
				return ""
			}
			if _, isParam := s.Params[obj]; isParam {
				return ""
			}
			if defs := s.Defs[obj]; len(defs) == 1 {
				return w.handlerName(detect.BoundArg{ExprRef: defs[0], Env: b.Env}, depth+1)
			}
			return ""
		}
	case *ast.CallExpr:
		if info.Types[x.Fun].IsType() && len(x.Args) == 1 { // http.HandlerFunc(f)
			return sub(x.Args[0])
		}
		// Middleware: the handler is the last handler-typed argument.
		for i := len(x.Args) - 1; i >= 0; i-- {
			if detect.IsHandlerType(info.TypeOf(x.Args[i]), allRouterDialects()) {
				return sub(x.Args[i])
			}
		}
		// A factory of the module: the closure it returns.
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok {
			if id, ok := g.byName[astq.ObjName(fn.Origin())]; ok {
				if obj := g.funcObj(id); obj != nil {
					if lit := g.returnedClosure(obj); lit >= 0 {
						return g.nodes[lit].name
					}
				}
			}
		}
		return ""
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return sub(x.X)
		}
		return ""
	case *ast.FuncLit:
		return ""
	}
	// A value of a type with a ServeHTTP method.
	if t := info.TypeOf(e); t != nil && !types.IsInterface(t) {
		if sel := types.NewMethodSet(types.NewPointer(astq.Deref(t))).Lookup(nil, "ServeHTTP"); sel != nil {
			return astq.ObjName(sel.Obj().(*types.Func).Origin())
		}
	}
	return ""
}

// route routes the requests the test sends to its own routers: each to
// the most specific route of that router that matches it.
func (w *testWalk) route() {
	send := func(roots []any, idx int) {
		req := w.t.requests[idx]
		if req.Refused {
			return
		}
		for _, root := range roots {
			// The routes of this router that match, each matched once.
			var matching []int
			for i, r := range w.routes {
				if r.root == root && r.pattern.Match(req.Method, req.Host, req.Path) {
					matching = append(matching, i)
				}
			}
			for _, i := range matching {
				r := w.routes[i]
				best := true
				for _, j := range matching {
					// gorilla/mux serves the first route registered that
					// matches, the other routers the most specific.
					if j != i && (r.firstMatch && j < i || !r.firstMatch && w.routes[j].pattern.MoreSpecific(r.pattern)) {
						best = false
						break
					}
				}
				if best && r.mount != nil {
					w.t.mounted = append(w.t.mounted, mountedServe{Site: *r.mount, Handler: r.handler, Pattern: r.pattern, Req: req})
				} else if best {
					if w.t.served == nil {
						w.t.served = map[string]bool{}
					}
					w.t.served[r.handler] = true
				}
			}
		}
	}
	if len(w.routes) == 0 {
		return
	}
	for _, sv := range w.serves {
		roots := w.roots(sv.router)
		for _, idx := range w.requestsOf(sv.req) {
			send(roots, idx)
		}
	}
	for _, sv := range w.sent {
		send(w.roots(sv.router), sv.idx)
	}
	for idx, srv := range w.servers {
		if srv >= 0 && srv < len(w.rs.servers) {
			h := w.rs.servers[srv]
			send(w.roots(w.rs.s.Bind(h.ExprRef, h.Env)), idx)
		}
	}
}

// addRoute records a route the test registers on a router of its own,
// once: a helper that builds the router for every request registers the
// same routes on the same router again, and each copy would be matched
// against every request (k routes, n builds: n*k routes, n²k² steps).
func (w *testWalk) addRoute(r testRoute) {
	key := fmt.Sprintf("%p|%v|%s|%s|%v|%v", r.root, r.root, r.pattern.Key(), r.handler, r.mount, r.firstMatch)
	if w.routeSeen == nil {
		w.routeSeen = map[string]bool{}
	}
	if !w.routeSeen[key] {
		w.routeSeen[key] = true
		w.routes = append(w.routes, r)
	}
}

// identExprs are a declaration's names as expressions.
func identExprs(ids []*ast.Ident) []ast.Expr {
	out := make([]ast.Expr, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

package analyzer

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/analyzer/detect"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Requests built through HTTP test libraries (issue 12) count like
// http.NewRequest's, under the same strict rule: the method and the path
// must be known statically.
//
//   - steinfletcher/apitest: apitest.New().Handler(h).Get("/items")
//     .Expect(t).End(), and Post, Put, Delete, Patch (and their ...f
//     forms, formatted as fmt.Sprintf), .Method(m).URL(u) (or URLf).
//     The request goes to h (Handler, HandlerFunc, or apitest.Handler(h)),
//     as h.ServeHTTP(w, req) would: to a router the test built itself,
//     or to a function or ServeHTTP method it then runs (reached
//     statically); its host is "sut", as apitest sets it. With
//     EnableNetworking it goes to the URL (an httptest.Server's).
//     HttpRequest(req) hands a request the test built to h. An
//     Intercept may rewrite the request: unknown.
//   - gavv/httpexpect: e.GET("/items/{id}", 42), POST, PUT, PATCH,
//     DELETE, HEAD, OPTIONS and e.Request(method, path, args...) on an
//     Expect made by httpexpect.Default(t, base), New(t, base) or
//     WithConfig(Config{BaseURL: base, Client: ...}); the path is
//     appended to the base URL (an httptest.Server's URL, a constant, or
//     empty). {name} segments are filled by the arguments in order, then
//     by the chain's WithPath(name, v); each must be a string or an
//     integer the evaluator knows: a segment left unfilled makes the
//     request unknown. A client whose Transport is
//     httpexpect.NewBinder(h) sends the request to h, as an
//     httptest.Server serving h would. WithURL or WithPathObject in the
//     chain, a RequestFactory, a Builder that is not a function literal
//     or calls WithURL, WithPath or WithPathObject make the request
//     unknown.
//
// A chain is read once, from its outermost call: the calls inside it
// are not requests of their own. It is followed through variables
// written once, helpers returning it and fields written once (a
// suite's); a statement that changes the value through a variable
// (a.Intercept(f), req.WithURL(u)) makes what the variable holds
// unknown; a request still being built that a helper returns is read
// where the caller sends it.

const (
	apitestPkg    = "github.com/steinfletcher/apitest"
	httpexpectPkg = "github.com/gavv/httpexpect"
)

// testSent is a request handed to a handler: apitest's Handler, or
// httpexpect's NewBinder.
type testSent struct {
	router detect.BoundArg
	idx    int
}

// libKey is a call of a chain under one binding.
type libKey struct {
	call *ast.CallExpr
	env  uintptr
}

// recvType names the receiver type of a method, or "".
func recvType(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	if n, ok := types.Unalias(astq.Deref(recv.Type())).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// testLib reads the request a test library's chain builds, at the
// chain's outermost call.
func (w *testWalk) testLib(b detect.BoundArg, call *ast.CallExpr, fn *types.Func) {
	if w.libInner == nil {
		w.libInner = map[libKey]bool{}
	}
	if w.libInner[libKey{call, envID(b.Env)}] || w.returnedBuilder(b, call) {
		return
	}
	switch {
	case detect.LibPkg(fn, apitestPkg):
		switch recvType(fn) {
		case "Request", "Response":
		case "APITest":
			if _, ok := apitestMethods[fn.Name()]; !ok && fn.Name() != "Method" && fn.Name() != "HttpRequest" {
				return
			}
		default:
			return
		}
		if w.assignedMutated(b, call, apitestMutators...) {
			return
		}
		w.apitest(b)
	case detect.LibPkg(fn, httpexpectPkg):
		switch recvType(fn) {
		case "Request":
		case "Expect":
			if _, ok := httpexpectMethods[fn.Name()]; !ok && fn.Name() != "Request" {
				return
			}
		default:
			return
		}
		if w.assignedMutated(b, call, httpexpectMutators...) {
			return
		}
		w.httpexpect(b)
	}
}

// returnedBuilder reports whether call is a request still being built
// (an apitest or httpexpect *Request) that its function returns: the
// caller may change it, and reads it where it sends it.
func (w *testWalk) returnedBuilder(b detect.BoundArg, call *ast.CallExpr) bool {
	ct := b.Pkg.TypesInfo.TypeOf(call)
	if ct == nil || b.File == nil {
		return false
	}
	t, ok := types.Unalias(astq.Deref(ct)).(*types.Named)
	if !ok || t.Obj().Pkg() == nil || t.Obj().Name() != "Request" {
		return false
	}
	if p := t.Obj().Pkg().Path(); p != apitestPkg && p != httpexpectPkg && !strings.HasPrefix(p, httpexpectPkg+"/v") {
		return false
	}
	path, _ := astutil.PathEnclosingInterval(b.File, call.Pos(), call.End())
	if len(path) < 2 || path[0] != call {
		return false
	}
	for _, n := range path[1:] {
		if _, ok := n.(*ast.ParenExpr); ok {
			continue
		}
		_, ok := n.(*ast.ReturnStmt)
		return ok
	}
	return false
}

// The methods that change, through a variable, the request a chain
// assigned to it built.
var (
	apitestMutators    = []string{"URL", "URLf", "Method", "HttpRequest", "Intercept", "Handler", "HandlerFunc", "EnableNetworking"}
	httpexpectMutators = []string{"WithURL", "WithPathObject"}
)

// assignedMutated reports whether call is assigned to a variable one of
// the methods named is called on.
func (w *testWalk) assignedMutated(b detect.BoundArg, call *ast.CallExpr, names ...string) bool {
	for obj, calls := range w.reqVars {
		v, ok := obj.(*types.Var)
		if !ok {
			continue
		}
		for _, c := range calls {
			if c == call && w.mutatedVar(b.Pkg, v, names...) {
				return true
			}
		}
	}
	return false
}

// apitestMethods are apitest's methods that set the method and the URL.
var apitestMethods = map[string]string{
	"Get": "GET", "Getf": "GET",
	"Post": "POST", "Postf": "POST",
	"Put": "PUT", "Putf": "PUT",
	"Delete": "DELETE", "Deletef": "DELETE",
	"Patch": "PATCH", "Patchf": "PATCH",
}

// httpexpectMethods are httpexpect's shorthands for Expect.Request.
var httpexpectMethods = map[string]string{
	"GET": "GET", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH",
	"DELETE": "DELETE", "HEAD": "HEAD", "OPTIONS": "OPTIONS",
}

// libCall is the call of the library an expression is, with its callee.
func (w *testWalk) libCall(b detect.BoundArg, path string) (*ast.CallExpr, *types.Func, *ast.SelectorExpr, bool) {
	call, ok := ast.Unparen(b.Expr).(*ast.CallExpr)
	if !ok {
		return nil, nil, nil, false
	}
	fn, ok := typeutil.Callee(b.Pkg.TypesInfo, call).(*types.Func)
	if !ok || !detect.LibPkg(fn, path) {
		return call, nil, nil, false
	}
	sel, _ := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return call, fn, sel, true
}

// nextLibCall steps from b to the call of the library at path that
// gives its value, following bound parameters, variables written once
// and the module's functions (follow), and marks that call read. It
// reports mutated when a statement may change a followed variable with
// one of the library's mutators (r.URL(...) on the variable), and ok
// false when there is no such call. Each step counts against the
// caller's budget, *steps, as the chain's own steps do.
func (w *testWalk) nextLibCall(b detect.BoundArg, steps *int, path string, mutators ...string) (nb detect.BoundArg, call *ast.CallExpr, fn *types.Func, sel *ast.SelectorExpr, mutated, ok bool) {
	for ; *steps < detect.MaxFlowDepth; *steps++ {
		call, fn, sel, isLib := w.libCall(b, path)
		if isLib {
			w.libInner[libKey{call, envID(b.Env)}] = true
			return b, call, fn, sel, false, true
		}
		if len(mutators) > 0 && w.mutated(b, mutators...) {
			return b, nil, nil, nil, true, false
		}
		next, ok := w.follow(b)
		if !ok {
			return b, nil, nil, nil, false, false
		}
		b = next
	}
	return b, nil, nil, nil, false, false
}

// sub is an expression beside b, under b's binding.
func sub(b detect.BoundArg, e ast.Expr) detect.BoundArg {
	return detect.BoundArg{ExprRef: detect.ExprRef{Pkg: b.Pkg, File: b.File, Expr: e}, Env: b.Env}
}

// follow steps from an expression to the one that gives its value: a
// bound parameter to its argument, a variable written once to its
// value, a call of a function of the module returning one value to that
// value; false when there is no such step.
func (w *testWalk) follow(b detect.BoundArg) (detect.BoundArg, bool) {
	s := w.rs.s
	if nb := s.Bind(b.ExprRef, b.Env); nb.Expr != b.Expr {
		return nb, true
	}
	info := b.Pkg.TypesInfo
	switch x := ast.Unparen(b.Expr).(type) {
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok || s.Tainted[v] {
			return detect.BoundArg{}, false
		}
		if _, isParam := s.Params[v]; isParam {
			return detect.BoundArg{}, false
		}
		if defs := s.Defs[v]; len(defs) == 1 {
			return detect.BoundArg{ExprRef: defs[0], Env: b.Env}, true
		}
	case *ast.SelectorExpr:
		// A field written once (a suite's e set in SetupTest).
		if v, ok := astq.Assignee(info, x).(*types.Var); ok && v.IsField() && !s.Tainted[v] {
			if defs := s.Defs[v]; len(defs) == 1 {
				return detect.BoundArg{ExprRef: defs[0]}, true
			}
		}
	case *ast.CallExpr:
		fn, ok := typeutil.Callee(info, x).(*types.Func)
		if !ok || fn.Pkg() == nil || astq.IsAbstract(fn) || detect.LibPkg(fn, apitestPkg) || detect.LibPkg(fn, httpexpectPkg) {
			return detect.BoundArg{}, false
		}
		if rets := s.Returns(fn.Origin()); len(rets) == 1 {
			return detect.BoundArg{ExprRef: rets[0], Env: s.BindCall(b.ExprRef, x, fn, b.Env)}, true
		}
	}
	return detect.BoundArg{}, false
}

// mutated reports whether one of the methods named is called on the
// variable an expression names, anywhere in its package: a statement
// that changes what the chain read through the variable built.
func (w *testWalk) mutated(b detect.BoundArg, names ...string) bool {
	id, ok := ast.Unparen(b.Expr).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := b.Pkg.TypesInfo.Uses[id].(*types.Var)
	return ok && w.mutatedVar(b.Pkg, v, names...)
}

// mutatedVar reports whether one of the methods named is called on v.
func (w *testWalk) mutatedVar(pkg *packages.Package, v *types.Var, names ...string) bool {
	rs := w.rs
	if rs.varCalls == nil {
		rs.varCalls = map[*packages.Package]map[*types.Var]map[string]bool{}
	}
	calls, ok := rs.varCalls[pkg]
	if !ok {
		calls = map[*types.Var]map[string]bool{}
		for _, f := range pkg.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
				if !ok {
					return true
				}
				x, ok := ast.Unparen(sel.X).(*ast.Ident)
				if !ok {
					return true
				}
				if v, ok := pkg.TypesInfo.Uses[x].(*types.Var); ok {
					if calls[v] == nil {
						calls[v] = map[string]bool{}
					}
					calls[v][sel.Sel.Name] = true
				}
				return true
			})
		}
		rs.varCalls[pkg] = calls
	}
	for _, n := range names {
		if calls[v][n] {
			return true
		}
	}
	return false
}

// value follows an expression to the expression that makes it.
func (w *testWalk) value(b detect.BoundArg) detect.BoundArg {
	for i := 0; i < detect.MaxFlowDepth; i++ {
		nb, ok := w.follow(b)
		if !ok {
			return b
		}
		b = nb
	}
	return b
}

// formatf evaluates fmt.Sprintf(format, args...) as the library calls it.
func (w *testWalk) formatf(b detect.BoundArg, format ast.Expr, args []ast.Expr, ellipsis bool) (detect.PathVal, bool) {
	if ellipsis {
		return detect.PathVal{}, false
	}
	s := w.rs.s
	f := s.Eval(sub(b, format).ExprRef, b.Env, 0)
	if !f.OK || !f.Exact {
		return detect.PathVal{}, false
	}
	vals := make([]detect.PathVal, len(args))
	exact := true
	for i, a := range args {
		v, ok := w.argString(sub(b, a))
		if !ok {
			return detect.PathVal{}, false
		}
		vals[i] = detect.PathVal{S: v, Exact: true, OK: true}
		exact = exact && ok
	}
	out, ok := detect.Sprintf(f.S, vals)
	return detect.PathVal{S: out, Exact: exact, OK: ok}, ok
}

// argString is what fmt.Sprint prints for an argument known statically:
// a string, an integer constant, or a String method's result.
func (w *testWalk) argString(b detect.BoundArg) (string, bool) {
	s := w.rs.s
	b = s.Bind(b.ExprRef, b.Env) // a table row's field: its value
	t := b.Pkg.TypesInfo.TypeOf(b.Expr)
	if t == nil {
		return "", false
	}
	if obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Error"); obj != nil {
		return "", false
	}
	if obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "String"); obj == nil {
		if bt, ok := t.Underlying().(*types.Basic); ok && bt.Info()&types.IsString != 0 {
			return s.Str(b.ExprRef, b.Env, 0)
		}
	}
	v, ok := s.Formatted(b.ExprRef, b.Env, 0)
	if !ok || !v.OK || !v.Exact {
		return "", false
	}
	return v.S, true
}

// record adds a request of the test: method and target evaluated, its
// host replaced when the library sets it; sent to a handler when h is
// known.
func (w *testWalk) record(method string, target detect.PathVal, host string, h *detect.BoundArg) {
	if method == "" {
		method = "GET"
	}
	reqHost, path, server, ok := requestTarget(target)
	if !ok {
		return
	}
	if h != nil {
		server = -1
		if host != "" {
			reqHost = host
		}
	}
	idx := len(w.t.requests)
	w.t.requests = append(w.t.requests, request{Method: strings.ToUpper(method), Host: reqHost, Path: path})
	w.servers = append(w.servers, server)
	if h != nil {
		w.sent = append(w.sent, testSent{router: *h, idx: idx})
	}
}

// handlerFuncs reaches what a handler expression runs, when it is known
// statically: the function it is (f, http.HandlerFunc(f)), or the
// ServeHTTP method of its type; the library calls it with the request,
// as the test's own h.ServeHTTP(w, r) would.
func (w *testWalk) handlerFuncs(b detect.BoundArg) {
	b = w.value(b)
	info := b.Pkg.TypesInfo
	switch x := ast.Unparen(b.Expr).(type) {
	case *ast.Ident, *ast.SelectorExpr:
		if f, ok := info.Uses[astq.IdentOf(x)].(*types.Func); ok && f.Signature().Recv() == nil || ok && isMethodValue(info, x) {
			w.reach(f)
			return
		}
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			if _, isFunc := tv.Type.Underlying().(*types.Signature); isFunc {
				w.handlerFuncs(sub(b, x.Args[0]))
				return
			}
		}
	}
	if t := info.TypeOf(b.Expr); t != nil && !types.IsInterface(t) {
		if sel := types.NewMethodSet(types.NewPointer(astq.Deref(t))).Lookup(nil, "ServeHTTP"); sel != nil {
			if m, ok := sel.Obj().(*types.Func); ok {
				w.reach(m)
			}
		}
	}
}

// isMethodValue reports whether e is a method value (api.Get), not a
// method expression.
func isMethodValue(info *types.Info, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := info.Selections[sel]
	return s != nil && s.Kind() == types.MethodVal
}

// apitest reads an apitest chain from its outermost call.
func (w *testWalk) apitest(b detect.BoundArg) {
	var method string
	var urlVal *detect.PathVal
	var httpReq *detect.BoundArg
	methodKnown := false
	for i := 0; i < detect.MaxFlowDepth; i++ {
		nb, call, fn, sel, _, ok := w.nextLibCall(b, &i, apitestPkg, apitestMutators...)
		if !ok {
			return
		}
		b = nb
		if sel == nil || fn.Signature().Recv() == nil {
			return
		}
		switch recvType(fn) {
		case "Response":
			b = sub(b, sel.X)
			continue
		case "Request":
			switch fn.Name() {
			case "URL":
				if urlVal == nil && len(call.Args) == 1 {
					v := w.rs.s.Eval(sub(b, call.Args[0]).ExprRef, b.Env, 0)
					urlVal = &v
				}
			case "URLf":
				if urlVal == nil && len(call.Args) >= 1 {
					v, _ := w.formatf(b, call.Args[0], call.Args[1:], call.Ellipsis.IsValid())
					urlVal = &v
				}
			}
			b = sub(b, sel.X)
			continue
		case "APITest":
		default:
			return
		}
		switch {
		case apitestMethods[fn.Name()] != "":
			method, methodKnown = apitestMethods[fn.Name()], true
			if urlVal == nil && len(call.Args) >= 1 {
				var v detect.PathVal
				if strings.HasSuffix(fn.Name(), "f") {
					v, _ = w.formatf(b, call.Args[0], call.Args[1:], call.Ellipsis.IsValid())
				} else if len(call.Args) == 1 {
					v = w.rs.s.Eval(sub(b, call.Args[0]).ExprRef, b.Env, 0)
				}
				urlVal = &v
			}
		case fn.Name() == "Method" && len(call.Args) == 1:
			m, ok := w.rs.s.Str(sub(b, call.Args[0]).ExprRef, b.Env, 0)
			method, methodKnown = m, ok
		case fn.Name() == "HttpRequest" && len(call.Args) == 1:
			r := w.rs.s.Bind(sub(b, call.Args[0]).ExprRef, b.Env)
			httpReq = &r
		default:
			return
		}
		h, hasHandler, networking, ok := w.apitestOrigin(sub(b, sel.X))
		if !ok {
			return
		}
		if httpReq != nil {
			// A request the test built itself: it was read where it
			// was built; here it is handed to the handler.
			if hasHandler && !networking {
				w.serves = append(w.serves, testServe{router: h, req: *httpReq})
				w.handlerFuncs(h)
			}
			return
		}
		if !methodKnown || urlVal == nil {
			return
		}
		if hasHandler && !networking {
			w.handlerFuncs(h)
			w.record(method, *urlVal, "sut", &h) // apitest sets req.Host to "sut"
			return
		}
		w.record(method, *urlVal, "", nil)
		return
	}
}

// apitestOrigin reads what an *apitest.APITest was made with: the
// handler it serves requests with, whether networking is on; ok is false
// when the chain may rewrite the request (Intercept).
func (w *testWalk) apitestOrigin(b detect.BoundArg) (h detect.BoundArg, hasHandler, networking, ok bool) {
	for i := 0; i < detect.MaxFlowDepth; i++ {
		nb, call, fn, sel, mutated, isLib := w.nextLibCall(b, &i, apitestPkg, "Intercept", "Handler", "HandlerFunc", "EnableNetworking")
		if !isLib {
			return detect.BoundArg{}, false, networking, !mutated
		}
		b = nb
		switch {
		case fn.Signature().Recv() == nil:
			switch fn.Name() {
			case "Handler", "HandlerFunc":
				if len(call.Args) == 1 {
					return sub(b, call.Args[0]), true, networking, true
				}
			}
			return detect.BoundArg{}, false, networking, true // New
		case fn.Name() == "Handler" || fn.Name() == "HandlerFunc":
			if len(call.Args) == 1 {
				return sub(b, call.Args[0]), true, networking, true
			}
			return detect.BoundArg{}, false, networking, true
		case fn.Name() == "Intercept":
			return detect.BoundArg{}, false, networking, false
		case fn.Name() == "EnableNetworking":
			networking = true
		}
		if sel == nil {
			return detect.BoundArg{}, false, networking, true
		}
		b = sub(b, sel.X)
	}
	return detect.BoundArg{}, false, networking, true
}

// pathFill is a WithPath(key, value) of an httpexpect chain.
type pathFill struct {
	key   string
	value detect.BoundArg
}

// httpexpect reads an httpexpect chain from its outermost call on a
// Request.
func (w *testWalk) httpexpect(b detect.BoundArg) {
	var fills []pathFill // outermost first
	for i := 0; i < detect.MaxFlowDepth; i++ {
		nb, call, fn, sel, _, ok := w.nextLibCall(b, &i, httpexpectPkg, httpexpectMutators...)
		if !ok {
			return
		}
		b = nb
		if sel == nil || fn.Signature().Recv() == nil {
			return
		}
		switch recvType(fn) {
		case "Request":
			switch fn.Name() {
			case "WithPath":
				if len(call.Args) != 2 {
					return
				}
				k, ok := w.rs.s.Str(sub(b, call.Args[0]).ExprRef, b.Env, 0)
				if !ok {
					return
				}
				fills = append(fills, pathFill{key: k, value: sub(b, call.Args[1])})
			case "WithPathObject", "WithURL":
				return
			}
			b = sub(b, sel.X)
			continue
		case "Expect":
		default:
			return
		}
		var method string
		var args []ast.Expr
		switch {
		case httpexpectMethods[fn.Name()] != "":
			method, args = httpexpectMethods[fn.Name()], call.Args
		case fn.Name() == "Request" && len(call.Args) >= 2:
			m, ok := w.rs.s.Str(sub(b, call.Args[0]).ExprRef, b.Env, 0)
			if !ok {
				return
			}
			method, args = m, call.Args[1:]
		default:
			return
		}
		if len(args) == 0 {
			return
		}
		tmpl, ok := w.rs.s.Str(sub(b, args[0]).ExprRef, b.Env, 0)
		if !ok {
			return
		}
		path, ok := w.interpolate(b, tmpl, args[1:], call.Ellipsis.IsValid(), fills)
		if !ok || strings.ContainsAny(path, "?#%") {
			return
		}
		base, h, hasBinder, ok := w.httpexpectOrigin(sub(b, sel.X))
		if !ok || !base.OK {
			return
		}
		origin, rest := detect.SplitOrigin(base.S)
		target := detect.PathVal{S: origin + concatPaths(rest, path), Exact: base.Exact, OK: true}
		if hasBinder {
			w.handlerFuncs(h)
			w.record(method, target, "", &h)
			return
		}
		w.record(method, target, "", nil)
		return
	}
}

// concatPaths joins a base URL's path and a request's path as
// httpexpect does.
func concatPaths(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return strings.TrimSuffix(a, "/") + "/" + strings.TrimPrefix(b, "/")
}

// interpolate fills a path template's {name} segments: by the arguments
// in order, then by the WithPath calls (innermost first); false when one
// is left or a value is not known.
func (w *testWalk) interpolate(b detect.BoundArg, tmpl string, args []ast.Expr, ellipsis bool, fills []pathFill) (string, bool) {
	var out strings.Builder
	n := 0
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c == '}' {
			return "", false
		}
		if c != '{' {
			out.WriteByte(c)
			continue
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return "", false
		}
		key := tmpl[i+1 : i+j]
		i += j
		if strings.ContainsAny(key, "{") {
			return "", false
		}
		var val detect.BoundArg
		switch {
		case ellipsis:
			return "", false
		case n < len(args):
			val = sub(b, args[n])
		default:
			found := false
			for k := len(fills) - 1; k >= 0; k-- {
				if strings.EqualFold(fills[k].key, key) {
					val, found = fills[k].value, true
					break
				}
			}
			if !found {
				return "", false
			}
		}
		n++
		v, ok := w.argString(val)
		if !ok {
			return "", false
		}
		out.WriteString(v)
	}
	return out.String(), true
}

// httpexpectOrigin reads what an *httpexpect.Expect was made with: its
// base URL, and the handler its client's Binder serves requests with;
// ok is false when it is not known or a Builder may rewrite requests.
func (w *testWalk) httpexpectOrigin(b detect.BoundArg) (base detect.PathVal, h detect.BoundArg, hasBinder, ok bool) {
	s := w.rs.s
	for i := 0; i < detect.MaxFlowDepth; i++ {
		nb, call, fn, sel, _, isLib := w.nextLibCall(b, &i, httpexpectPkg)
		if !isLib {
			return detect.PathVal{}, detect.BoundArg{}, false, false
		}
		b = nb
		if fn.Signature().Recv() == nil {
			switch fn.Name() {
			case "Default", "New":
				if len(call.Args) != 2 {
					return detect.PathVal{}, detect.BoundArg{}, false, false
				}
				return s.Eval(sub(b, call.Args[1]).ExprRef, b.Env, 0), detect.BoundArg{}, false, true
			case "WithConfig":
				if len(call.Args) != 1 {
					return detect.PathVal{}, detect.BoundArg{}, false, false
				}
				return w.httpexpectConfig(w.value(sub(b, call.Args[0])))
			}
			return detect.PathVal{}, detect.BoundArg{}, false, false
		}
		switch fn.Name() {
		case "Builder":
			if len(call.Args) != 1 || !w.harmlessBuilder(sub(b, call.Args[0])) {
				return detect.PathVal{}, detect.BoundArg{}, false, false
			}
		case "Matcher":
		default:
			return detect.PathVal{}, detect.BoundArg{}, false, false
		}
		if sel == nil {
			return detect.PathVal{}, detect.BoundArg{}, false, false
		}
		b = sub(b, sel.X)
	}
	return detect.PathVal{}, detect.BoundArg{}, false, false
}

// httpexpectConfig reads an httpexpect.Config literal: BaseURL (empty
// when left out) and a Client whose Transport is NewBinder(h).
func (w *testWalk) httpexpectConfig(cfg detect.BoundArg) (base detect.PathVal, h detect.BoundArg, hasBinder, ok bool) {
	s := w.rs.s
	if f, lit, ok := s.FieldOf(cfg, "BaseURL"); ok {
		base = s.Eval(f.ExprRef, f.Env, 0)
	} else if lit {
		base = detect.PathVal{S: "", Exact: true, OK: true}
	} else {
		return detect.PathVal{}, detect.BoundArg{}, false, false
	}
	if _, lit, ok := s.FieldOf(cfg, "RequestFactory"); ok || !lit {
		return detect.PathVal{}, detect.BoundArg{}, false, false
	}
	client, _, ok := s.FieldOf(cfg, "Client")
	if !ok {
		return base, detect.BoundArg{}, false, true
	}
	tr, _, ok := s.FieldOf(w.value(client), "Transport")
	if !ok {
		return base, detect.BoundArg{}, false, true
	}
	tr = w.value(tr)
	if call, fn, _, isLib := w.libCall(tr, httpexpectPkg); isLib && fn.Name() == "NewBinder" && len(call.Args) == 1 {
		return base, sub(tr, call.Args[0]), true, true
	}
	return base, detect.BoundArg{}, false, true
}

// harmlessBuilder reports whether a Builder is a function literal that
// leaves the request's URL and path alone.
func (w *testWalk) harmlessBuilder(b detect.BoundArg) bool {
	lit, ok := ast.Unparen(b.Expr).(*ast.FuncLit)
	if !ok {
		return false
	}
	harmless := true
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if fn, ok := typeutil.Callee(b.Pkg.TypesInfo, call).(*types.Func); ok && detect.LibPkg(fn, httpexpectPkg) {
				switch fn.Name() {
				case "WithURL", "WithPath", "WithPathObject":
					harmless = false
				}
			}
		}
		return harmless
	})
	return harmless
}

package analyzer

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/analyzer/detect"
)

// Routes a test mounts itself (issue 12). A test that calls the
// application's registration function, a function of the module (not a
// test helper) that takes a router and registers routes on it, with a
// router of its own choosing (rest.SetupRoutes(web.Router.PathPrefix(
// "/api/").Subrouter())), puts those routes on that router under the
// prefix the test chose, in place of the prefix the application gives
// them (often a run-time one, <conf.Web.BasePath>). Such a route is
// credited by a request the test sends to that router (its ServeHTTP, an
// httptest.Server serving it, a test library's handler) when:
//
//   - the router argument is an expression of the test whose prefixes are
//     known statically (constants, the router library's PathPrefix,
//     Subrouter, Group, Route and Mount steps; no parameter or range
//     variable in it), and the registration's receiver is the function's
//     router parameter itself (a sub-router the function derives, or a
//     function it hands the router to, is not followed);
//   - the pattern the registration makes under the test's router (its
//     prefixes, then the registration's own path and methods) matches the
//     request, and no other route the test registered on that router
//     takes it first: for gorilla/mux, one registered before it that
//     matches (mux serves the first that matches, in the order the walk
//     saw the registrations); for the other routers, one that matches
//     more specifically;
//   - the feature is that registration: its registrar is the function
//     the test called, its entry is the handler registered there, and
//     its registration is on the same line;
//   - no other route the test holds (registered by code it runs, or by
//     what runs before its tests) may serve the request instead: one
//     whose pattern, with its run-time prefix given the test's value,
//     matches it, or whose run-time prefix the test does not decide and
//     whose constant rest may match (the mounted function's own routes
//     excepted: the test replaced their prefix).

// mountSite is the registration a mounted route comes from.
type mountSite = detect.MountSite

// mountedServe is a request the test sent to a route it mounted.
type mountedServe = detect.MountedServe

// routerLibType reports whether t is (a pointer to) a type of a router
// library the scan knows, or an interface of one (chi.Router).
func routerLibType(s *detect.RouterScan, t types.Type) bool {
	if t == nil {
		return false
	}
	n, ok := types.Unalias(astq.Deref(t)).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return len(s.ByPkg[n.Obj().Pkg().Path()]) > 0
}

// mountCall reads a call of a module function that registers routes on
// a router the test hands it.
func (w *testWalk) mountCall(pkg *packages.Package, file *ast.File, call *ast.CallExpr, fn *types.Func, env detect.Binding) {
	s, g := w.rs.s, w.rs.g
	params := fn.Origin().Signature().Params()
	any := false
	for i := 0; i < params.Len() && !any; i++ {
		any = routerLibType(s, params.At(i).Type())
	}
	if !any {
		return
	}
	d, ok := s.Decls[fn.Origin()]
	if !ok || d.Decl.Body == nil {
		return
	}
	if _, isHelper := w.helper(fn); isHelper {
		return
	}
	callee := s.BindCall(detect.ExprRef{Pkg: pkg, File: file, Expr: call}, call, fn, env)
	routers := map[*types.Var]detect.BoundArg{}
	for i := 0; i < params.Len(); i++ {
		v := params.At(i)
		arg, ok := callee[v]
		if !ok || !routerLibType(s, v.Type()) {
			continue
		}
		b := s.Bind(arg.ExprRef, arg.Env)
		if b.Pkg == nil || b.Pkg.TypesInfo == nil || s.UsesFlow(b.Pkg.TypesInfo, b.Expr) {
			continue // a router handed through parameters: not followed
		}
		routers[v] = b
	}
	if len(routers) == 0 {
		return
	}
	info := d.Pkg.TypesInfo
	fnName := astq.ObjName(fn.Origin())
	ast.Inspect(d.Decl.Body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		op := s.OpOfCall(info, c)
		if op == nil || op.Kind != detect.OpRoute || op.Recv == nil || op.Handler == nil || op.Dynamic {
			return true
		}
		id, ok := ast.Unparen(op.Recv).(*ast.Ident)
		if !ok {
			return true
		}
		v, _ := info.Uses[id].(*types.Var)
		arg, ok := routers[v]
		if !ok {
			return true
		}
		handler := w.handlerName(s.Bind(detect.ExprRef{Pkg: d.Pkg, File: d.File, Expr: op.Handler}, callee), 0)
		if handler == "" {
			return true
		}
		cs := detect.CallSite{Pkg: d.Pkg, File: d.File, Encl: -1, Call: c}
		subtrees := detect.MatchingOf(op.Det).Subtrees || op.Subtree
		first := detect.MatchingOf(op.Det).FirstMatch
		rel, line := g.prog.Rel(c.Pos())
		for _, chain := range s.Chains(arg.ExprRef, 0) {
			if len(chain) == 0 || chainDynamic(chain) {
				continue
			}
			for _, rid := range s.RouteIDs(cs, detect.RegInstance{Site: cs, Env: callee}, op, chain) {
				if strings.ContainsAny(rid, "<(") {
					continue
				}
				p, ok := parsePattern(rid)
				if !ok {
					continue
				}
				p.Exact = p.Exact || !subtrees
				w.addRoute(testRoute{root: chain[0].ID, pattern: p, handler: handler,
					mount: &mountSite{Fn: fnName, File: rel, Line: line}, firstMatch: first})
			}
		}
		return true
	})
}

// chainDynamic reports whether a router chain has a prefix not known
// statically.
func chainDynamic(c detect.RouterChain) bool {
	for _, st := range c {
		if st.Dynamic || strings.ContainsAny(st.Prefix, "<(") {
			return true
		}
	}
	return false
}

package detect

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// RegSpan is a stretch of source that registers a route: the
// registration call with its handler chain, a wrapper's call, or the
// calls that make the route's groups, mount its router and add its
// middleware (without the closures they are handed, which are code of
// their own).
type RegSpan struct {
	From, To token.Pos
	Encl     int // the node of the declaration the span is in
}

// CallSpan is the span of a registering call: from its method's name
// when it is called on the result of another call (r.Group("/v2").Get:
// the Get), else from its start; to its end, or to the closure it is
// handed; widened to the expressions the registration reads (a mux
// route's path, written earlier in its chain).
func CallSpan(call *ast.CallExpr, closure ast.Expr, encl int, exprs ...ast.Expr) RegSpan {
	sp := RegSpan{From: call.Pos(), To: call.End(), Encl: encl}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if _, chained := ast.Unparen(sel.X).(*ast.CallExpr); chained {
			sp.From = sel.Sel.Pos()
		}
	}
	if closure != nil {
		sp.To = closure.Pos()
	}
	for _, e := range exprs {
		if e == nil || e == closure || e == call.Fun {
			continue
		}
		sp.From, sp.To = min(sp.From, e.Pos()), max(sp.To, e.End())
	}
	return sp
}

// HandlerResolver finds the innermost handler a route serves.
type HandlerResolver struct {
	G    Graph
	Pkg  *packages.Package
	File *ast.File
	Seen map[types.Object]bool
	// Visited are the expressions resolve looked at: the handler
	// expression and the definitions of the local variables it names.
	Visited []ast.Expr
}

// Resolve returns the node and name of the handler e denotes, or -1 and
// the name of a dependency's handler, or -1 and "" when unknown.
func (r *HandlerResolver) Resolve(e ast.Expr) (int, string) {
	info := r.Pkg.TypesInfo
	e = ast.Unparen(e)
	r.Visited = append(r.Visited, e)
	switch x := e.(type) {
	case *ast.FuncLit:
		if id, ok := r.G.Lit(x); ok {
			return id, r.G.NodeName(id)
		}
	case *ast.Ident, *ast.SelectorExpr:
		id := astq.IdentOf(x)
		switch obj := info.Uses[id].(type) {
		case *types.Func:
			if n, ok := r.G.Node(obj.Origin()); ok {
				return n, r.G.NodeName(n)
			}
			return -1, astq.ObjName(obj)
		case *types.Var:
			if !obj.IsField() && !r.Seen[obj] {
				r.Seen[obj] = true
				// Every value the variable is given is part of the route
				// (resolve records them); the first that resolves is the entry.
				entry, name := -1, ""
				for _, def := range r.definitions(obj) {
					if e, n := r.Resolve(def); entry < 0 && (e >= 0 || n != "") {
						entry, name = e, n
					}
				}
				if entry >= 0 || name != "" {
					return entry, name
				}
			}
		}
	case *ast.CallExpr:
		tv := info.Types[x.Fun]
		if tv.IsType() && len(x.Args) == 1 { // http.HandlerFunc(f)
			return r.Resolve(x.Args[0])
		}
		// Middleware: the handler is the last handler-typed argument.
		for i := len(x.Args) - 1; i >= 0; i-- {
			if IsHandlerType(info.TypeOf(x.Args[i]), r.G.AllDialects()) {
				return r.Resolve(x.Args[i])
			}
		}
		// A factory: the closure it returns is what runs.
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok {
			if id, ok := r.G.Node(fn.Origin()); ok {
				if lit := r.G.ReturnedClosure(fn.Origin()); lit >= 0 {
					return lit, r.G.NodeName(lit)
				}
				return id, r.G.NodeName(id)
			}
			return -1, astq.ObjName(fn)
		}
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return r.Resolve(x.X)
		}
	}
	// A value of a type with a ServeHTTP method.
	if t := info.TypeOf(e); t != nil && !types.IsInterface(t) {
		sel := types.NewMethodSet(types.NewPointer(astq.Deref(t))).Lookup(nil, "ServeHTTP")
		if sel != nil {
			if n, ok := r.G.Node(sel.Obj().(*types.Func).Origin()); ok {
				return n, r.G.NodeName(n)
			}
			return -1, astq.ObjName(sel.Obj())
		}
	}
	return -1, ""
}

// definitions finds the expressions a local variable is given in its file.
func (r *HandlerResolver) definitions(v *types.Var) []ast.Expr {
	var defs []ast.Expr
	ast.Inspect(r.File, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && len(s.Rhs) == len(s.Lhs) &&
					(r.Pkg.TypesInfo.Defs[id] == v || r.Pkg.TypesInfo.Uses[id] == v) {
					defs = append(defs, s.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range s.Names {
				if r.Pkg.TypesInfo.Defs[id] == v && len(s.Values) == len(s.Names) {
					defs = append(defs, s.Values[i])
				}
			}
		}
		return true
	})
	return defs
}

// IsHandlerType reports whether t is an http.Handler, an
// http.HandlerFunc or a function taking an http.ResponseWriter first, or
// the handler type of one of the router dialects given.
func IsHandlerType(t types.Type, routers []RouterDetector) bool {
	if t == nil {
		return false
	}
	if isRouterHandler(t, routers) { // gin's, echo's... (routers.go)
		return true
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" {
		switch n.Obj().Name() {
		case "Handler", "HandlerFunc":
			return true
		}
	}
	if sig, ok := t.Underlying().(*types.Signature); ok && sig.Params().Len() >= 1 {
		if n, ok := types.Unalias(sig.Params().At(0).Type()).(*types.Named); ok && n.Obj().Pkg() != nil &&
			n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "ResponseWriter" {
			return true
		}
	}
	// An interface with ServeHTTP, or a type whose values have it.
	return types.NewMethodSet(t).Lookup(nil, "ServeHTTP") != nil ||
		(!types.IsInterface(t) && types.NewMethodSet(types.NewPointer(astq.Deref(t))).Lookup(nil, "ServeHTTP") != nil)
}

// RouteHoles maps a placeholder's text to the keys (pkgpath.Name) of the
// package variables it stood for; "" is something else. The route side
// fills it while it finds the routes (Feature.Holes).
type RouteHoles map[string]map[string]bool

// noteHole records what a placeholder of the route side stands for: the
// package variable key, or "" for anything else.
func (s *RouterScan) noteHole(v PathVal, key string) {
	if !v.OK || s.Strict || !strings.HasPrefix(v.S, "<") {
		return
	}
	m := s.holes[v.S]
	if m == nil {
		m = map[string]bool{}
		s.holes[v.S] = m
	}
	m[key] = true
}

// PackageVar is the key (pkgpath.Name) of the package-level string
// variable an expression names (v, pkg.V), or "".
func PackageVar(info *types.Info, e ast.Expr) string {
	var obj types.Object
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj = info.Uses[x]
		if obj == nil {
			obj = info.Defs[x]
		}
	case *ast.SelectorExpr:
		if info.Selections[x] != nil {
			return "" // a field or a method
		}
		obj = info.Uses[x.Sel]
	}
	v, ok := obj.(*types.Var)
	if !ok || v.Pkg() == nil || v.Parent() != v.Pkg().Scope() || !astq.IsStringVar(v) {
		return ""
	}
	return v.Pkg().Path() + "." + v.Name()
}

// serverMarkOpen and serverMarkClose delimit the stand-in for an
// httptest.Server's URL in an evaluated string: "\x00//3\x00/users" is
// the path /users on server 3 (or "-": a server whose handler is not
// known). path.Join cleans the "//" away: it breaks such a URL at run
// time, and the mark no longer reads as one.
const (
	ServerMarkOpen  = "\x00//"
	ServerMarkClose = '\x00'
)

// LibPkg reports whether fn belongs to the library at path (or one of
// its major versions).
func LibPkg(fn *types.Func, path string) bool {
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	p := fn.Pkg().Path()
	return p == path || strings.HasPrefix(p, path+"/v")
}

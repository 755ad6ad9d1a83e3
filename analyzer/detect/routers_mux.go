package detect

import (
	"go/ast"
	"go/types"
	"strings"
)

// Mux finds the routes of gorilla/mux.
var Mux = &Router{
	Name:    "gorilla/mux",
	Imports: []string{muxPkg},
	Doc: `gorilla/mux: routes on *mux.Router, built by chains of *mux.Route
calls.

	r.HandleFunc("/users/{id}", h).Methods("GET")    GET /users/{id}
	r.Handle("/x", h)                                /x (any method)
	r.Path("/x").Methods("GET", "POST").Handler(h)   GET /x and POST /x
	r.Methods("GET").Path("/x").HandlerFunc(h)
	r.Path("/x").Handler(h).Methods("GET")
	r.PathPrefix("/static/").Handler(fs)             /static/
	s := r.PathPrefix("/api").Subrouter()            prefix /api
	s := r.Methods("GET").Subrouter()                GET for routes without methods
	r.Use(mw)                                        middleware of every route of r

Host, header, query and scheme matchers are left out of the id.

Ids keep gorilla/mux's parameter syntax: {id}, {id:regexp}.`,
	Dialect: muxDialect{},
}

// muxDialect is gorilla/mux's dialect of the route engine (routers.go).
type muxDialect struct{}

const (
	muxPkg    = "github.com/gorilla/mux"
	muxRouter = "(*" + muxPkg + ".Router)"
	muxRoute  = "(*" + muxPkg + ".Route)"
)

func (muxDialect) Pkgs() []string { return []string{muxPkg} }

func (muxDialect) Op(c RouterCall) (RouterOp, bool) {
	op := RouterOp{Upper: true}
	if m, ok := c.Method(muxRouter); ok {
		switch m {
		case "Handle", "HandleFunc":
			op.Kind, op.Recv, op.Paths, op.Handler = OpRoute, c.Recv(), c.One(0), c.Arg(1)
			op.Methods, op.Dynamic = muxLaterMethods(c, c.Call)
		case "Use":
			op.Kind, op.Recv, op.Mws = OpUse, c.Recv(), c.Args(0)
		case "StrictSlash", "SkipClean", "UseEncodedPath":
			op.Kind, op.Recv = OpSame, c.Recv()
		default:
			return RouterOp{}, false
		}
		return op, true
	}
	m, ok := c.Method(muxRoute)
	if !ok {
		return RouterOp{}, false
	}
	switch m {
	case "Handler", "HandlerFunc":
		op.Kind, op.Handler = OpRoute, c.Arg(0)
		recv, paths, methods, prefix, ok := muxRouteChain(c, c.Recv())
		later, dyn := muxLaterMethods(c, c.Call)
		op.Recv, op.Paths, op.Methods, op.Dynamic = recv, paths, append(methods, later...), !ok || dyn
		op.Subtree = prefix
	case "Subrouter":
		op.Kind = OpGroup
		recv, paths, methods, _, ok := muxRouteChain(c, c.Recv())
		op.Recv, op.Paths, op.Methods, op.Dynamic = recv, paths, methods, !ok
	default:
		return RouterOp{}, false
	}
	return op, true
}

// muxRouteChain reads the chain of calls that builds a route, down to the
// router it is made on: its Path and PathPrefix templates, in order, and
// its Methods, and whether its last template is a PathPrefix. It reports
// false when the route is not built in one expression.
func muxRouteChain(c RouterCall, e ast.Expr) (recv ast.Expr, paths, methods []ast.Expr, prefix, ok bool) {
	for {
		call, isCall := ast.Unparen(e).(*ast.CallExpr)
		if !isCall {
			return nil, nil, nil, false, false
		}
		sel, isSel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !isSel {
			return nil, nil, nil, false, false
		}
		name := c.Callee(call)
		m, onRoute := strings.CutPrefix(name, muxRoute+".")
		if !onRoute {
			if m, ok = strings.CutPrefix(name, muxRouter+"."); !ok {
				return nil, nil, nil, false, false
			}
		}
		switch m {
		case "Path", "PathPrefix":
			if len(call.Args) == 1 {
				if len(paths) == 0 {
					prefix = m == "PathPrefix"
				}
				paths = append([]ast.Expr{call.Args[0]}, paths...)
			}
		case "Methods":
			if call.Ellipsis.IsValid() {
				return nil, nil, nil, false, false
			}
			methods = append(methods, call.Args...)
		}
		if !onRoute {
			return sel.X, paths, methods, prefix, true
		}
		e = sel.X
	}
}

// muxLaterMethods reads the Methods calls chained after a route's
// registration: r.HandleFunc("/x", h).Methods("GET").
func muxLaterMethods(c RouterCall, call *ast.CallExpr) (methods []ast.Expr, dynamic bool) {
	for p := c.ChainParent(call); p != nil; p = c.ChainParent(p) {
		m, ok := strings.CutPrefix(c.Callee(p), muxRoute+".")
		if !ok {
			break
		}
		if m == "Methods" {
			dynamic = dynamic || p.Ellipsis.IsValid()
			methods = append(methods, p.Args...)
		}
	}
	return methods, dynamic
}

// Join: a sub-router's routes extend its prefix, without the prefix's
// trailing slashes.
func (muxDialect) Join(prefix, path string) string {
	return strings.TrimRight(prefix, "/") + path
}

func (muxDialect) Clean(path string) string { return path }

// mux's handlers are net/http's.
func (muxDialect) IsHandler(types.Type) bool { return false }

// Matching: gorilla/mux tries routes in the order they were added.
func (muxDialect) Matching() RouteMatching { return RouteMatching{FirstMatch: true} }

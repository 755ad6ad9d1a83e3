package analyzer

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/blastgate/blastgate/report"
)

// muxDetector finds the routes of gorilla/mux.
var muxDetector = &Detector{
	Name:    "gorilla/mux",
	Kind:    report.KindRoute,
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
	router: muxDialect{},
}

// muxDialect is gorilla/mux's dialect of the route engine (routers.go).
type muxDialect struct{}

const (
	muxPkg    = "github.com/gorilla/mux"
	muxRouter = "(*" + muxPkg + ".Router)"
	muxRoute  = "(*" + muxPkg + ".Route)"
)

func (muxDialect) pkgs() []string { return []string{muxPkg} }

func (muxDialect) op(c routerCall) (routerOp, bool) {
	op := routerOp{upper: true}
	if m, ok := c.method(muxRouter); ok {
		switch m {
		case "Handle", "HandleFunc":
			op.kind, op.recv, op.paths, op.handler = opRoute, c.recv(), c.one(0), c.arg(1)
			op.methods, op.dynamic = muxLaterMethods(c, c.call)
		case "Use":
			op.kind, op.recv, op.mws = opUse, c.recv(), c.args(0)
		case "StrictSlash", "SkipClean", "UseEncodedPath":
			op.kind, op.recv = opSame, c.recv()
		default:
			return routerOp{}, false
		}
		return op, true
	}
	m, ok := c.method(muxRoute)
	if !ok {
		return routerOp{}, false
	}
	switch m {
	case "Handler", "HandlerFunc":
		op.kind, op.handler = opRoute, c.arg(0)
		recv, paths, methods, prefix, ok := muxRouteChain(c, c.recv())
		later, dyn := muxLaterMethods(c, c.call)
		op.recv, op.paths, op.methods, op.dynamic = recv, paths, append(methods, later...), !ok || dyn
		op.subtree = prefix
	case "Subrouter":
		op.kind = opGroup
		recv, paths, methods, _, ok := muxRouteChain(c, c.recv())
		op.recv, op.paths, op.methods, op.dynamic = recv, paths, methods, !ok
	default:
		return routerOp{}, false
	}
	return op, true
}

// muxRouteChain reads the chain of calls that builds a route, down to the
// router it is made on: its Path and PathPrefix templates, in order, and
// its Methods, and whether its last template is a PathPrefix. It reports
// false when the route is not built in one expression.
func muxRouteChain(c routerCall, e ast.Expr) (recv ast.Expr, paths, methods []ast.Expr, prefix, ok bool) {
	for {
		call, isCall := ast.Unparen(e).(*ast.CallExpr)
		if !isCall {
			return nil, nil, nil, false, false
		}
		sel, isSel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !isSel {
			return nil, nil, nil, false, false
		}
		name := c.callee(call)
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
func muxLaterMethods(c routerCall, call *ast.CallExpr) (methods []ast.Expr, dynamic bool) {
	for p := c.chainParent(call); p != nil; p = c.chainParent(p) {
		m, ok := strings.CutPrefix(c.callee(p), muxRoute+".")
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

// join: a sub-router's routes extend its prefix, without the prefix's
// trailing slashes.
func (muxDialect) join(prefix, path string) string {
	return strings.TrimRight(prefix, "/") + path
}

func (muxDialect) clean(path string) string { return path }

// mux's handlers are net/http's.
func (muxDialect) isHandler(types.Type) bool { return false }

// matching: gorilla/mux tries routes in the order they were added.
func (muxDialect) matching() routeMatching { return routeMatching{firstMatch: true} }

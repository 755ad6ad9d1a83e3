package analyzer

import (
	"go/types"
	"strings"

	"github.com/blastgate/blastgate/report"
)

// chiDetector finds the routes of chi.
var chiDetector = &Detector{
	Name:    "chi",
	Kind:    report.KindRoute,
	Imports: []string{chiPkg},
	Doc: `chi v5: routes on *chi.Mux and on the chi.Router interface (what Route,
Group and With hand out).

	r.Get("/users/{id}", h)            GET /users/{id}
	r.Method("GET", "/x", h)           GET /x
	r.Handle("/x", h), HandleFunc      /x (any method; "GET /x" patterns too)
	r.Route("/api", func(r chi.Router) {...})   prefix /api inside
	r.Group(func(r chi.Router) {...})  same prefix, own middleware
	r.With(mw).Get(...)                middleware for that route
	r.Mount("/admin", sub)             sub's routes under /admin; a handler
	                                   that is no router seen: /admin/*
	r.Use(mw)                          middleware of every route of r

Ids keep chi's parameter syntax: {id}, {id:regexp}, *.`,
	router: chiDialect{},
}

// chiDialect is chi's dialect of the route engine (routers.go).
type chiDialect struct{}

const chiPkg = "github.com/go-chi/chi/v5"

func (chiDialect) pkgs() []string { return []string{chiPkg} }

var chiMethods = map[string]bool{
	"Connect": true, "Delete": true, "Get": true, "Head": true, "Options": true,
	"Patch": true, "Post": true, "Put": true, "Query": true, "Trace": true,
}

func (chiDialect) op(c routerCall) (routerOp, bool) {
	m, ok := c.method("(*"+chiPkg+".Mux)", "("+chiPkg+".Router)")
	if !ok {
		return routerOp{}, false
	}
	op := routerOp{recv: c.recv(), upper: true}
	switch {
	case chiMethods[m]:
		op.kind, op.paths, op.handler = opRoute, c.one(0), c.arg(1)
		op.fixed = []string{strings.ToUpper(m)}
	case m == "Handle" || m == "HandleFunc":
		op.kind, op.paths, op.handler = opRoute, c.one(0), c.arg(1)
		op.rewrite = func(p string) ([]string, string) {
			// chi's Handle takes "METHOD /path" too.
			if i := strings.IndexAny(p, " \t"); i >= 0 {
				return []string{strings.ToUpper(p[:i])}, strings.TrimLeft(p[i+1:], " \t")
			}
			return nil, p
		}
	case m == "Method" || m == "MethodFunc":
		op.kind, op.methods, op.paths, op.handler = opRoute, c.one(0), c.one(1), c.arg(2)
	case m == "Route":
		op.kind, op.paths, op.closure = opGroup, c.one(0), c.arg(1)
	case m == "Group":
		op.kind, op.closure = opGroup, c.arg(0)
	case m == "With":
		op.kind, op.mws = opGroup, c.args(0)
	case m == "Use":
		op.kind, op.mws = opUse, c.args(0)
	case m == "Mount":
		op.kind, op.paths, op.handler = opMount, c.one(0), c.arg(1)
	default:
		return routerOp{}, false
	}
	return op, true
}

// join composes a Route or Mount prefix with a path, as chi.Walk reports
// it: "/api" + "/users" and "/api/" + "/users" are "/api/users".
func (chiDialect) join(prefix, path string) string {
	return strings.TrimSuffix(prefix, "/") + path
}

func (chiDialect) clean(path string) string { return path }

// chi's handlers are net/http's.
func (chiDialect) isHandler(types.Type) bool { return false }

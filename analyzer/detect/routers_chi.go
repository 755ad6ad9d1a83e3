package detect

import (
	"go/types"
	"strings"
)

// Chi finds the routes of chi.
var Chi = &Router{
	Name:    "chi",
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
	Dialect: chiDialect{},
}

// chiDialect is chi's dialect of the route engine (routers.go).
type chiDialect struct{}

const chiPkg = "github.com/go-chi/chi/v5"

func (chiDialect) Pkgs() []string { return []string{chiPkg} }

var chiMethods = map[string]bool{
	"Connect": true, "Delete": true, "Get": true, "Head": true, "Options": true,
	"Patch": true, "Post": true, "Put": true, "Query": true, "Trace": true,
}

func (chiDialect) Op(c RouterCall) (RouterOp, bool) {
	m, ok := c.Method("(*"+chiPkg+".Mux)", "("+chiPkg+".Router)")
	if !ok {
		return RouterOp{}, false
	}
	op := RouterOp{Recv: c.Recv(), Upper: true}
	switch {
	case chiMethods[m]:
		op.Kind, op.Paths, op.Handler = OpRoute, c.One(0), c.Arg(1)
		op.Fixed = []string{strings.ToUpper(m)}
	case m == "Handle" || m == "HandleFunc":
		op.Kind, op.Paths, op.Handler = OpRoute, c.One(0), c.Arg(1)
		op.Rewrite = func(p string) ([]string, string) {
			// chi's Handle takes "METHOD /path" too.
			if i := strings.IndexAny(p, " \t"); i >= 0 {
				return []string{strings.ToUpper(p[:i])}, strings.TrimLeft(p[i+1:], " \t")
			}
			return nil, p
		}
	case m == "Method" || m == "MethodFunc":
		op.Kind, op.Methods, op.Paths, op.Handler = OpRoute, c.One(0), c.One(1), c.Arg(2)
	case m == "Route":
		op.Kind, op.Paths, op.Closure = OpGroup, c.One(0), c.Arg(1)
	case m == "Group":
		op.Kind, op.Closure = OpGroup, c.Arg(0)
	case m == "With":
		op.Kind, op.Mws = OpGroup, c.Args(0)
	case m == "Use":
		op.Kind, op.Mws = OpUse, c.Args(0)
	case m == "Mount":
		op.Kind, op.Paths, op.Handler = OpMount, c.One(0), c.Arg(1)
	default:
		return RouterOp{}, false
	}
	return op, true
}

// Join composes a Route or Mount prefix with a path, as chi.Walk reports
// it: "/api" + "/users" and "/api/" + "/users" are "/api/users".
func (chiDialect) Join(prefix, path string) string {
	return strings.TrimSuffix(prefix, "/") + path
}

func (chiDialect) Clean(path string) string { return path }

// chi's handlers are net/http's.
func (chiDialect) IsHandler(types.Type) bool { return false }

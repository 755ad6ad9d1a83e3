package detect

import (
	"go/ast"
	"go/types"
	"net/http"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
)

// Fiber finds the routes of fiber.
var Fiber = &Router{
	Name:    "fiber",
	Imports: []string{fiberPkg},
	Doc: `fiber v2: routes on *fiber.App, *fiber.Group and the fiber.Router
interface (what Group and Route hand out).

	app.Get("/users/:id", auth, h)    GET /users/:id (fiber adds HEAD, as GET does in
	                                  ServeMux), entry h, auth a middleware root
	app.Add("PATCH", "/x", h)         PATCH /x
	app.All("/x", h)                  /x (any method)
	api := app.Group("/api", mw)      prefix /api and middleware mw
	app.Route("/v2", func(r fiber.Router) {...})   prefix /v2 inside
	app.Mount("/admin", sub)          sub's routes under /admin; an app
	                                  whose routes are not seen: /admin/*
	app.Use(mw), app.Use("/p", mw)    middleware of every route of app (the
	                                  prefix is not read: every route)
	app.Static("/assets", dir)        GET and HEAD /assets/*

Every call returns a router (the receiver, or the derived router for
Group and Route), so calls chain.

Ids keep fiber's parameter syntax: :id, :id?, *, +.`,
	Dialect: fiberDialect{},
}

// fiberDialect is fiber's dialect of the route engine (routers.go).
type fiberDialect struct{}

// sentRequest is the test side's hook (requestSender,
// evidence_requests.go): app.Test(req) hands the app the request req
// and returns its response.
func (fiberDialect) SentRequest(fn *types.Func, call *ast.CallExpr) (ast.Expr, bool) {
	if fn.Name() != "Test" || fn.Signature().Recv() == nil || len(call.Args) == 0 || !LibPkg(fn, "github.com/gofiber/fiber") {
		return nil, false
	}
	return call.Args[0], true
}

const fiberPkg = "github.com/gofiber/fiber/v2"

func (fiberDialect) Pkgs() []string { return []string{fiberPkg} }

var fiberMethods = map[string]bool{
	"Connect": true, "Delete": true, "Get": true, "Head": true, "Options": true,
	"Patch": true, "Post": true, "Put": true, "Trace": true,
}

func (fiberDialect) Op(c RouterCall) (RouterOp, bool) {
	m, ok := c.Method("(*"+fiberPkg+".App)", "(*"+fiberPkg+".Group)", "("+fiberPkg+".Router)")
	if !ok {
		return RouterOp{}, false
	}
	op := RouterOp{Recv: c.Recv(), Upper: true, Chain: true}
	// A chain of handlers: the last is the route's handler, the others
	// run before it (each calls c.Next()).
	handlers := func(from int) {
		hs := c.Args(from)
		if len(hs) > 0 {
			op.Handler, op.Mws = hs[len(hs)-1], hs[:len(hs)-1]
		}
	}
	switch {
	case fiberMethods[m]:
		op.Kind, op.Paths, op.Fixed = OpRoute, c.One(0), []string{strings.ToUpper(m)}
		handlers(1)
	case m == "All":
		op.Kind, op.Paths = OpRoute, c.One(0)
		handlers(1)
	case m == "Add":
		op.Kind, op.Methods, op.Paths = OpRoute, c.One(0), c.One(1)
		handlers(2)
	case m == "Group":
		op.Kind, op.Paths, op.Mws, op.Chain = OpGroup, c.One(0), c.Args(1), false
	case m == "Route":
		op.Kind, op.Paths, op.Closure, op.Chain = OpGroup, c.One(0), c.Arg(1), false
	case m == "Mount":
		op.Kind, op.Paths, op.Handler = OpMount, c.One(0), c.Arg(1)
	case m == "Use":
		// Use takes prefixes (string, []string) and handlers in any order.
		op.Kind = OpUse
		for _, a := range c.Args(0) {
			if t := c.Info.TypeOf(a); t != nil && fiberIsPathArg(t) {
				continue
			}
			op.Mws = append(op.Mws, a)
		}
	case m == "Static":
		op.Kind, op.Paths, op.Fixed = OpRoute, c.One(0), []string{http.MethodGet, http.MethodHead}
		op.Rewrite = func(p string) ([]string, string) { return nil, fiberDialect{}.Join(p, "/*") }
		op.Handler = c.Call.Fun // the file server is fiber's own
	case m == "Name":
		op.Kind = OpSame
	default:
		return RouterOp{}, false
	}
	return op, true
}

// fiberIsPathArg reports whether a Use argument is a prefix: a string or
// a []string.
func fiberIsPathArg(t types.Type) bool {
	if s, ok := t.Underlying().(*types.Slice); ok {
		t = s.Elem()
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// Join is fiber's getGroupPath: the prefix without its trailing slashes,
// then the path with a leading slash.
func (fiberDialect) Join(prefix, path string) string {
	if path == "" {
		return prefix
	}
	if path[0] != '/' {
		path = "/" + path
	}
	return strings.TrimRight(prefix, "/") + path
}

// Clean is what register does to a path before it keeps it as the
// route's Path (what app.GetRoutes reports): "" is "/", and a path
// starts with a slash. Fiber matches case-insensitively and ignores a
// trailing slash by default (Config.CaseSensitive, StrictRouting); the
// id keeps the path as written.
func (fiberDialect) Clean(path string) string {
	if path == "" {
		return "/"
	}
	if path[0] != '/' {
		return "/" + path
	}
	return path
}

// IsHandler: fiber.Handler, which is func(*fiber.Ctx) error.
func (fiberDialect) IsHandler(t types.Type) bool {
	if t == nil {
		return false
	}
	sig, ok := t.Underlying().(*types.Signature)
	return ok && sig.Params().Len() == 1 && sig.Results().Len() == 1 &&
		astq.PointerTo(sig.Params().At(0).Type(), fiberPkg, "Ctx") &&
		types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type())
}

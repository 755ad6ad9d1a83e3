package analyzer

import (
	"go/types"
	"net/http"

	"github.com/blastgate/blastgate/report"
)

// echoDetector finds the routes of echo.
var echoDetector = &Detector{
	Name:    "echo",
	Kind:    report.KindRoute,
	Imports: []string{echoPkg},
	Doc: `echo v4: routes on *echo.Echo and *echo.Group.

	e.GET("/users/:id", h, mw)     GET /users/:id, entry h, mw a middleware root
	e.Add("GET", "/x", h, mw)      GET /x
	e.Match([]string{"GET"}, "/x", h)
	e.Any("/x", h)                 /x (any method)
	g := e.Group("/api", mw)       prefix /api and middleware mw
	e.Use(mw), e.Pre(mw), g.Use(mw)
	e.Static("/assets", dir)       GET /assets*
	e.File("/favicon.ico", file)   GET /favicon.ico

Ids keep echo's parameter syntax: :id, *.`,
	router: echoDialect{},
}

// echoDialect is echo's dialect of the route engine (routers.go).
type echoDialect struct{}

const echoPkg = "github.com/labstack/echo/v4"

func (echoDialect) pkgs() []string { return []string{echoPkg} }

var echoMethods = map[string]bool{
	"CONNECT": true, "DELETE": true, "GET": true, "HEAD": true, "OPTIONS": true,
	"PATCH": true, "POST": true, "PUT": true, "TRACE": true,
}

func (echoDialect) op(c routerCall) (routerOp, bool) {
	m, ok := c.method("(*"+echoPkg+".Echo)", "(*"+echoPkg+".Group)")
	if !ok {
		return routerOp{}, false
	}
	op := routerOp{recv: c.recv()}
	switch {
	case echoMethods[m]:
		op.kind, op.paths, op.fixed, op.handler, op.mws = opRoute, c.one(0), []string{m}, c.arg(1), c.args(2)
	case m == "Any":
		op.kind, op.paths, op.handler, op.mws = opRoute, c.one(0), c.arg(1), c.args(2)
	case m == "Add":
		op.kind, op.methods, op.paths, op.handler, op.mws = opRoute, c.one(0), c.one(1), c.arg(2), c.args(3)
	case m == "Match":
		ms, ok := stringElems(c.arg(0))
		op.kind, op.methods, op.dynamic, op.paths, op.handler, op.mws = opRoute, ms, !ok, c.one(1), c.arg(2), c.args(3)
	case m == "Group":
		op.kind, op.paths, op.mws = opGroup, c.one(0), c.args(1)
	case m == "Use" || m == "Pre":
		op.kind, op.mws = opUse, c.args(0)
	case m == "Static" || m == "StaticFS":
		op.kind, op.paths, op.fixed, op.handler = opRoute, c.one(0), []string{http.MethodGet}, c.call.Fun
		op.rewrite = func(p string) ([]string, string) { return nil, p + "*" }
	case m == "File" || m == "FileFS":
		op.kind, op.paths, op.fixed, op.handler = opRoute, c.one(0), []string{http.MethodGet}, c.call.Fun
		if m == "File" {
			op.mws = c.args(2)
		} else {
			op.mws = c.args(3)
		}
	default:
		return routerOp{}, false
	}
	return op, true
}

// join: echo concatenates a group's prefix and the path.
func (echoDialect) join(prefix, path string) string { return prefix + path }

// clean is echo's normalizePathSlash.
func (echoDialect) clean(path string) string {
	if path == "" {
		return "/"
	}
	if path[0] != '/' {
		return "/" + path
	}
	return path
}

// isHandler: echo.HandlerFunc, or func(echo.Context) error.
func (echoDialect) isHandler(t types.Type) bool {
	if t == nil {
		return false
	}
	if namedFrom(t, echoPkg, "HandlerFunc") {
		return true
	}
	sig, ok := t.Underlying().(*types.Signature)
	return ok && sig.Params().Len() == 1 && sig.Results().Len() == 1 &&
		namedFrom(sig.Params().At(0).Type(), echoPkg, "Context") &&
		types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type())
}

package detect

import (
	"go/types"
	"net/http"

	"github.com/blastgate/blastgate/analyzer/astq"
)

// Echo finds the routes of echo.
var Echo = &Router{
	Name:    "echo",
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
	Dialect: echoDialect{},
}

// echoDialect is echo's dialect of the route engine (routers.go).
type echoDialect struct{}

const echoPkg = "github.com/labstack/echo/v4"

func (echoDialect) Pkgs() []string { return []string{echoPkg} }

var echoMethods = map[string]bool{
	"CONNECT": true, "DELETE": true, "GET": true, "HEAD": true, "OPTIONS": true,
	"PATCH": true, "POST": true, "PUT": true, "TRACE": true,
}

func (echoDialect) Op(c RouterCall) (RouterOp, bool) {
	m, ok := c.Method("(*"+echoPkg+".Echo)", "(*"+echoPkg+".Group)")
	if !ok {
		return RouterOp{}, false
	}
	op := RouterOp{Recv: c.Recv()}
	switch {
	case echoMethods[m]:
		op.Kind, op.Paths, op.Fixed, op.Handler, op.Mws = OpRoute, c.One(0), []string{m}, c.Arg(1), c.Args(2)
	case m == "Any":
		op.Kind, op.Paths, op.Handler, op.Mws = OpRoute, c.One(0), c.Arg(1), c.Args(2)
	case m == "Add":
		op.Kind, op.Methods, op.Paths, op.Handler, op.Mws = OpRoute, c.One(0), c.One(1), c.Arg(2), c.Args(3)
	case m == "Match":
		ms, ok := astq.StringElems(c.Arg(0))
		op.Kind, op.Methods, op.Dynamic, op.Paths, op.Handler, op.Mws = OpRoute, ms, !ok, c.One(1), c.Arg(2), c.Args(3)
	case m == "Group":
		op.Kind, op.Paths, op.Mws = OpGroup, c.One(0), c.Args(1)
	case m == "Use" || m == "Pre":
		op.Kind, op.Mws = OpUse, c.Args(0)
	case m == "Static" || m == "StaticFS":
		op.Kind, op.Paths, op.Fixed, op.Handler = OpRoute, c.One(0), []string{http.MethodGet}, c.Call.Fun
		op.Rewrite = func(p string) ([]string, string) { return nil, p + "*" }
	case m == "File" || m == "FileFS":
		op.Kind, op.Paths, op.Fixed, op.Handler = OpRoute, c.One(0), []string{http.MethodGet}, c.Call.Fun
		if m == "File" {
			op.Mws = c.Args(2)
		} else {
			op.Mws = c.Args(3)
		}
	default:
		return RouterOp{}, false
	}
	return op, true
}

// Join: echo concatenates a group's prefix and the path.
func (echoDialect) Join(prefix, path string) string { return prefix + path }

// Clean is echo's normalizePathSlash.
func (echoDialect) Clean(path string) string {
	if path == "" {
		return "/"
	}
	if path[0] != '/' {
		return "/" + path
	}
	return path
}

// IsHandler: echo.HandlerFunc, or func(echo.Context) error.
func (echoDialect) IsHandler(t types.Type) bool {
	if t == nil {
		return false
	}
	if astq.NamedFrom(t, echoPkg, "HandlerFunc") {
		return true
	}
	sig, ok := t.Underlying().(*types.Signature)
	return ok && sig.Params().Len() == 1 && sig.Results().Len() == 1 &&
		astq.NamedFrom(sig.Params().At(0).Type(), echoPkg, "Context") &&
		types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type())
}

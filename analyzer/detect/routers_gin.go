package detect

import (
	"go/types"
	"net/http"
	"path"

	"github.com/blastgate/blastgate/analyzer/astq"
)

// Gin finds the routes of gin.
var Gin = &Router{
	Name:    "gin",
	Imports: []string{ginPkg},
	Doc: `gin: routes on *gin.Engine and *gin.RouterGroup (the Engine's are the
RouterGroup's, promoted) and on the gin.IRouter and gin.IRoutes
interfaces.

	r.GET("/users/:id", auth, h)      GET /users/:id, entry h, auth a middleware root
	r.Handle("GET", "/x", h)          GET /x
	r.Match([]string{"GET", "POST"}, "/x", h)
	r.Any("/x", h)                    /x (any method)
	v1 := r.Group("/v1", mw)          prefix /v1 and middleware mw
	r.Use(mw)                         middleware of every route of r
	r.Static("/assets", dir)          GET and HEAD /assets/*filepath
	r.OPTIONS("/*any")                OPTIONS /*any: no handler, its middleware only

Use on an Engine reaches the routes registered through its promoted
RouterGroup methods. Ids keep gin's parameter syntax: :id, *path.`,
	Dialect: ginDialect{},
}

// ginDialect is gin's dialect of the route engine (routers.go).
type ginDialect struct{}

const ginPkg = "github.com/gin-gonic/gin"

func (ginDialect) Pkgs() []string { return []string{ginPkg} }

var ginMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true,
}

func (ginDialect) Op(c RouterCall) (RouterOp, bool) {
	m, ok := c.Method("(*"+ginPkg+".RouterGroup)", "(*"+ginPkg+".Engine)", "("+ginPkg+".IRoutes)", "("+ginPkg+".IRouter)")
	if !ok {
		return RouterOp{}, false
	}
	op := RouterOp{Recv: c.Recv(), Chain: true}
	// A chain of handlers: the last is the route's handler, the others
	// run before it.
	handlers := func(from int) {
		hs := c.Args(from)
		if len(hs) > 0 {
			op.Handler, op.Mws = hs[len(hs)-1], hs[:len(hs)-1]
		}
	}
	switch {
	case ginMethods[m]:
		op.Kind, op.Paths, op.Fixed = OpRoute, c.One(0), []string{m}
		handlers(1)
	case m == "Any":
		op.Kind, op.Paths = OpRoute, c.One(0)
		handlers(1)
	case m == "Handle":
		op.Kind, op.Methods, op.Paths = OpRoute, c.One(0), c.One(1)
		handlers(2)
	case m == "Match":
		op.Kind, op.Paths = OpRoute, c.One(1)
		ms, ok := astq.StringElems(c.Arg(0))
		op.Methods, op.Dynamic = ms, !ok
		handlers(2)
	case m == "Group":
		op.Kind, op.Paths, op.Mws, op.Chain = OpGroup, c.One(0), c.Args(1), false
	case m == "Use":
		op.Kind, op.Mws = OpUse, c.Args(0)
	case m == "Static" || m == "StaticFS":
		op.Kind, op.Paths, op.Fixed = OpRoute, c.One(0), []string{http.MethodGet, http.MethodHead}
		op.Rewrite = func(p string) ([]string, string) { return nil, path.Join(p, "/*filepath") }
		op.Handler = c.Call.Fun // the file server is gin's own
	case m == "StaticFile" || m == "StaticFileFS":
		op.Kind, op.Paths, op.Fixed = OpRoute, c.One(0), []string{http.MethodGet, http.MethodHead}
		op.Handler = c.Call.Fun
	default:
		return RouterOp{}, false
	}
	return op, true
}

// Join is gin's joinPaths: path.Join, keeping the relative path's
// trailing slash; the root group's path is "/".
func (ginDialect) Join(prefix, rel string) string {
	if prefix == "" {
		prefix = "/"
	}
	if rel == "" {
		return prefix
	}
	final := path.Join(prefix, rel)
	if rel[len(rel)-1] == '/' && final[len(final)-1] != '/' {
		return final + "/"
	}
	return final
}

func (ginDialect) Clean(p string) string { return p }

// IsHandler: gin.HandlerFunc, or func(*gin.Context).
func (ginDialect) IsHandler(t types.Type) bool {
	if t == nil {
		return false
	}
	if astq.NamedFrom(t, ginPkg, "HandlerFunc") {
		return true
	}
	sig, ok := t.Underlying().(*types.Signature)
	return ok && sig.Params().Len() == 1 && sig.Results().Len() == 0 && astq.PointerTo(sig.Params().At(0).Type(), ginPkg, "Context")
}

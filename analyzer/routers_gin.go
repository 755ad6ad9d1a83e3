package analyzer

import (
	"go/types"
	"net/http"
	"path"

	"github.com/blastgate/blastgate/report"
)

// ginDetector finds the routes of gin.
var ginDetector = &Detector{
	Name:    "gin",
	Kind:    report.KindRoute,
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
	router: ginDialect{},
}

// ginDialect is gin's dialect of the route engine (routers.go).
type ginDialect struct{}

const ginPkg = "github.com/gin-gonic/gin"

func (ginDialect) pkgs() []string { return []string{ginPkg} }

var ginMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true,
}

func (ginDialect) op(c routerCall) (routerOp, bool) {
	m, ok := c.method("(*"+ginPkg+".RouterGroup)", "(*"+ginPkg+".Engine)", "("+ginPkg+".IRoutes)", "("+ginPkg+".IRouter)")
	if !ok {
		return routerOp{}, false
	}
	op := routerOp{recv: c.recv(), chain: true}
	// A chain of handlers: the last is the route's handler, the others
	// run before it.
	handlers := func(from int) {
		hs := c.args(from)
		if len(hs) > 0 {
			op.handler, op.mws = hs[len(hs)-1], hs[:len(hs)-1]
		}
	}
	switch {
	case ginMethods[m]:
		op.kind, op.paths, op.fixed = opRoute, c.one(0), []string{m}
		handlers(1)
	case m == "Any":
		op.kind, op.paths = opRoute, c.one(0)
		handlers(1)
	case m == "Handle":
		op.kind, op.methods, op.paths = opRoute, c.one(0), c.one(1)
		handlers(2)
	case m == "Match":
		op.kind, op.paths = opRoute, c.one(1)
		ms, ok := stringElems(c.arg(0))
		op.methods, op.dynamic = ms, !ok
		handlers(2)
	case m == "Group":
		op.kind, op.paths, op.mws, op.chain = opGroup, c.one(0), c.args(1), false
	case m == "Use":
		op.kind, op.mws = opUse, c.args(0)
	case m == "Static" || m == "StaticFS":
		op.kind, op.paths, op.fixed = opRoute, c.one(0), []string{http.MethodGet, http.MethodHead}
		op.rewrite = func(p string) ([]string, string) { return nil, path.Join(p, "/*filepath") }
		op.handler = c.call.Fun // the file server is gin's own
	case m == "StaticFile" || m == "StaticFileFS":
		op.kind, op.paths, op.fixed = opRoute, c.one(0), []string{http.MethodGet, http.MethodHead}
		op.handler = c.call.Fun
	default:
		return routerOp{}, false
	}
	return op, true
}

// join is gin's joinPaths: path.Join, keeping the relative path's
// trailing slash; the root group's path is "/".
func (ginDialect) join(prefix, rel string) string {
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

func (ginDialect) clean(p string) string { return p }

// isHandler: gin.HandlerFunc, or func(*gin.Context).
func (ginDialect) isHandler(t types.Type) bool {
	if t == nil {
		return false
	}
	if namedFrom(t, ginPkg, "HandlerFunc") {
		return true
	}
	sig, ok := t.Underlying().(*types.Signature)
	return ok && sig.Params().Len() == 1 && sig.Results().Len() == 0 && pointerTo(sig.Params().At(0).Type(), ginPkg, "Context")
}

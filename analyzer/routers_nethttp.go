package analyzer

import (
	"go/types"

	"github.com/blastgate/blastgate/report"
)

// netHTTPDetector finds the routes of net/http.
var netHTTPDetector = &Detector{
	Name:    "net/http",
	Kind:    report.KindRoute,
	Imports: []string{netHTTPPkg},
	Doc: `net/http: routes on *http.ServeMux and on http.DefaultServeMux
(http.Handle, http.HandleFunc). The pattern is kept whole, as the mux
matches it: "GET /items/{id}", "example.com/x", "/static/".

	mux.Handle("GET /x", h)     GET /x
	mux.HandleFunc("/x/", f)    /x/ (any method)
	http.HandleFunc("/x", f)    /x, on the default mux

Ids keep the pattern's syntax: {id}, {path...}, {$}, a host.`,
	router: netHTTPDialect{},
}

// netHTTPDialect is net/http's dialect of the route engine (routers.go).
type netHTTPDialect struct{}

const netHTTPPkg = "net/http"

func (netHTTPDialect) pkgs() []string { return []string{netHTTPPkg} }

func (netHTTPDialect) op(c routerCall) (routerOp, bool) {
	switch c.name {
	case "(*net/http.ServeMux).Handle", "(*net/http.ServeMux).HandleFunc":
		return routerOp{kind: opRoute, recv: c.recv(), paths: c.one(0), handler: c.arg(1)}, len(c.call.Args) == 2
	case "net/http.Handle", "net/http.HandleFunc":
		// The default mux: one root for every such call.
		return routerOp{kind: opRoute, recv: c.call.Fun, paths: c.one(0), handler: c.arg(1)}, len(c.call.Args) == 2
	}
	return routerOp{}, false
}

// join: a ServeMux has no prefixes (a mux handed to another keeps its
// own patterns).
func (netHTTPDialect) join(prefix, path string) string { return prefix + path }

// clean normalises the pattern's whitespace (RouteID).
func (netHTTPDialect) clean(path string) string { return RouteID(path) }

func (netHTTPDialect) isHandler(types.Type) bool { return false }

// matching: a pattern ending in "/" matches the subtree below it.
func (netHTTPDialect) matching() routeMatching { return routeMatching{subtrees: true} }

package detect

import (
	"go/types"
)

// NetHTTP finds the routes of net/http.
var NetHTTP = &Router{
	Name:    "net/http",
	Imports: []string{NetHTTPPkg},
	Doc: `net/http: routes on *http.ServeMux and on http.DefaultServeMux
(http.Handle, http.HandleFunc). The pattern is kept whole, as the mux
matches it: "GET /items/{id}", "example.com/x", "/static/".

	mux.Handle("GET /x", h)     GET /x
	mux.HandleFunc("/x/", f)    /x/ (any method)
	http.HandleFunc("/x", f)    /x, on the default mux

Ids keep the pattern's syntax: {id}, {path...}, {$}, a host.`,
	Dialect: netHTTPDialect{},
}

// netHTTPDialect is net/http's dialect of the route engine (routers.go).
type netHTTPDialect struct{}

const NetHTTPPkg = "net/http"

func (netHTTPDialect) Pkgs() []string { return []string{NetHTTPPkg} }

func (netHTTPDialect) Op(c RouterCall) (RouterOp, bool) {
	switch c.Name {
	case "(*net/http.ServeMux).Handle", "(*net/http.ServeMux).HandleFunc":
		return RouterOp{Kind: OpRoute, Recv: c.Recv(), Paths: c.One(0), Handler: c.Arg(1)}, len(c.Call.Args) == 2
	case "net/http.Handle", "net/http.HandleFunc":
		// The default mux: one root for every such call.
		return RouterOp{Kind: OpRoute, Recv: c.Call.Fun, Paths: c.One(0), Handler: c.Arg(1)}, len(c.Call.Args) == 2
	}
	return RouterOp{}, false
}

// Join: a ServeMux has no prefixes (a mux handed to another keeps its
// own patterns).
func (netHTTPDialect) Join(prefix, path string) string { return prefix + path }

// Clean normalises the pattern's whitespace (RouteID).
func (netHTTPDialect) Clean(path string) string { return RouteID(path) }

func (netHTTPDialect) IsHandler(types.Type) bool { return false }

// Matching: a pattern ending in "/" matches the subtree below it.
func (netHTTPDialect) Matching() RouteMatching { return RouteMatching{Subtrees: true} }

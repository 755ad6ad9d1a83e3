package analyzer

import (
	"go/types"
)

// net/http: routes on *http.ServeMux and on http.DefaultServeMux
// (http.Handle, http.HandleFunc). The pattern is kept whole, as the mux
// matches it: "GET /items/{id}", "example.com/x", "/static/".
//
//	mux.Handle("GET /x", h)     GET /x
//	mux.HandleFunc("/x/", f)    /x/ (any method)
//	http.HandleFunc("/x", f)    /x, on the default mux
type netHTTPDetector struct{}

const netHTTPPkg = "net/http"

func init() { routerDetectors = append(routerDetectors, netHTTPDetector{}) }

func (netHTTPDetector) pkgs() []string { return []string{netHTTPPkg} }

func (netHTTPDetector) op(c routerCall) (routerOp, bool) {
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
func (netHTTPDetector) join(prefix, path string) string { return prefix + path }

// clean normalises the pattern's whitespace (RouteID).
func (netHTTPDetector) clean(path string) string { return RouteID(path) }

func (netHTTPDetector) isHandler(types.Type) bool { return false }

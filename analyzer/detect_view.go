package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"iter"

	"github.com/blastgate/blastgate/analyzer/detect"
	"golang.org/x/tools/go/packages"
)

// The detectors move to package detect (issue 15); these names keep the
// analyzer's API and its callers unchanged while they do.

// routePattern is a route id parsed for matching requests
// (detect.Pattern).
type routePattern = detect.Pattern

// parsePattern parses a route id as RouteID writes it (detect.ParsePattern).
func parsePattern(id string) (routePattern, bool) { return detect.ParsePattern(id) }

// RouteID turns a net/http pattern into a route id: "POST /token/buy",
// or "/static/" when the route accepts any method (detect.RouteID).
func RouteID(pattern string) string { return detect.RouteID(pattern) }

// regSpan is a registration span a change touches, as proof reads it
// (touchedReg); a feature's own are detect.RegSpan.
type regSpan struct {
	from, to token.Pos
	encl     int // the node of the declaration the span is in
}

// detectView is the Graph as the detectors read it (detect.Graph):
// lookups into the graph and its program, none of which writes them.
type detectView struct{ g *Graph }

var _ detect.Graph = detectView{}

func (v detectView) Packages() []*packages.Package         { return v.g.prog.Packages }
func (v detectView) Package(path string) *packages.Package { return v.g.prog.byPath[path] }
func (v detectView) Rel(pos token.Pos) (string, int)       { return v.g.prog.Rel(pos) }
func (v detectView) NodeName(id int) string                { return v.g.nodes[id].name }
func (v detectView) NodePkg(id int) string                 { return v.g.nodes[id].pkg }
func (v detectView) InModule(obj types.Object) bool        { return v.g.inModule(obj) }
func (v detectView) Startup() int                          { return v.g.startup }

func (v detectView) Node(obj types.Object) (int, bool) {
	id, ok := v.g.byObj[obj]
	return id, ok
}

func (v detectView) Lit(lit *ast.FuncLit) (int, bool) {
	id, ok := v.g.byLit[lit]
	return id, ok
}

func (v detectView) Dependency(path string) (int, bool) {
	id, ok := v.g.deps[path]
	return id, ok
}

func (v detectView) ReturnedClosure(fn *types.Func) int { return v.g.returnedClosure(fn) }

func (v detectView) ReferencedIn(pkg *packages.Package, e ast.Expr) []int {
	return v.g.referencedIn(pkg, e)
}

func (v detectView) StorageIn(pkg *packages.Package, e ast.Expr) []int {
	return v.g.storageIn(pkg, e)
}

func (v detectView) DeclNode(pkg *packages.Package, decl ast.Decl) int {
	return v.g.declNode(pkg, decl)
}

func (v detectView) BrokenStartup(pkg *packages.Package) []int { return v.g.brokenStartup(pkg) }

func (v detectView) Fset() *token.FileSet        { return v.g.prog.Fset }
func (v detectView) NodeOf(obj types.Object) int { return v.g.nodeOf(obj) }
func (v detectView) IsCode(id int) bool          { return isCode(v.g.nodes[id].kind) }

func (v detectView) GeneratedFileMemo(name string, compute func() *detect.GeneratedFile) *detect.GeneratedFile {
	return v.g.rpcFiles.get(name, compute)
}

func (v detectView) DepRegistrationsMemo(fn string, compute func() []detect.DepRegistered) []detect.DepRegistered {
	return v.g.depRegs.get(fn, compute)
}

func (v detectView) Root() string                  { return v.g.prog.Root }
func (v detectView) RelFile(name string) string    { return v.g.prog.relFile(name) }
func (v detectView) InitRuns(pkgPath string) []int { return v.g.initRuns[pkgPath] }
func (v detectView) Calls(id int) []int            { return v.g.calls[id] }

func (v detectView) Init(pkgPath string) (int, bool) {
	id, ok := v.g.inits[pkgPath]
	return id, ok
}

func (v detectView) Broken(pkgPath string) (int, bool) {
	id, ok := v.g.pkgs[pkgPath]
	return id, ok
}

func (v detectView) Succ(id int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, e := range v.g.nodes[id].out {
			if !yield(e.to) {
				return
			}
		}
	}
}

func (v detectView) CLIDialects() []detect.CLIDialect { return v.g.cliDialects() }

func (v detectView) CLIImports() []string {
	var out []string
	for _, d := range v.g.activeDetectors() {
		if d.cli != nil {
			out = append(out, d.Imports...)
		}
	}
	return out
}

func (v detectView) Dialects() []detect.RouterDetector { return v.g.routerDialects() }

func (v detectView) AllDialects() []detect.RouterDetector { return allRouterDialects() }

// allRouterDialects are the dialects of every router detector, active or
// not: the handler types of every router library count as handlers.
func allRouterDialects() []detect.RouterDetector {
	var out []detect.RouterDetector
	for _, d := range detectors {
		if d.router != nil {
			out = append(out, d.router)
		}
	}
	return out
}

// routes finds every route of the module: net/http's ServeMux is one
// router dialect among the others (routers_nethttp.go).
func (g *Graph) routes() []Feature {
	return detect.Routes(detectView{g})
}

// moduleImports lists the module packages pkg imports, directly or not,
// and pkg itself (detect.ModuleImports).
func (g *Graph) moduleImports(pkg *packages.Package) []string {
	return detect.ModuleImports(detectView{g}, pkg)
}

// rpcScan is the graph as the RPC detector reads it.
func (g *Graph) rpcScan() detect.RPCScan { return detect.RPCScan{Graph: detectView{g}} }

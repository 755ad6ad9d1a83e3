package detect

import (
	"go/ast"
	"go/token"
	"go/types"
	"iter"
	"runtime/debug"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/report"
)

// Graph is the symbol graph as the detectors read it: the program's
// packages and the lookups into its nodes. The analyzer implements it
// (analyzer/detect_view.go); nothing here writes the graph.
type Graph interface {
	// Packages are the module's packages, as loaded.
	Packages() []*packages.Package
	// Package is the module's package of an import path, or nil.
	Package(path string) *packages.Package
	// Rel is a position as a repository file and a line.
	Rel(pos token.Pos) (string, int)
	// Node is the node of a declared object, if it has one.
	Node(obj types.Object) (int, bool)
	// Lit is the node of a function literal, if it has one.
	Lit(lit *ast.FuncLit) (int, bool)
	// NodeName is a node's name (as traces write it), NodePkg the import
	// path of its package.
	NodeName(id int) string
	NodePkg(id int) string
	// InModule reports whether an object belongs to the module.
	InModule(obj types.Object) bool
	// Dependency is the node of a dependency's package, if the module
	// uses it.
	Dependency(path string) (int, bool)
	// ReturnedClosure is the closure node fn returns when every return
	// statement returns the same function literal, or -1.
	ReturnedClosure(fn *types.Func) int
	// ReferencedIn are the code nodes an expression refers to (the
	// methods of the module values it hands over included); StorageIn
	// the variables and fields it reads that start-up stores a value in.
	ReferencedIn(pkg *packages.Package, e ast.Expr) []int
	StorageIn(pkg *packages.Package, e ast.Expr) []int
	// DeclNode is the node of a top-level declaration, or its package's
	// init node for declarations without one.
	DeclNode(pkg *packages.Package, decl ast.Decl) int
	// Startup is the node standing for what start-up leaves behind for
	// request time; BrokenStartup the nodes standing for a package that
	// does not type-check, and its initialization.
	Startup() int
	BrokenStartup(pkg *packages.Package) []int
	// Fset is the program's file set.
	Fset() *token.FileSet
	// NodeOf is the node of a used object (Node, or an interface
	// method's), or -1; IsCode whether a node is code (a function, a
	// closure, an interface method, a package that did not type-check).
	NodeOf(obj types.Object) int
	IsCode(id int) bool
	// GeneratedFileMemo and DepRegistrationsMemo are memos of what is on
	// disk (generated gRPC and Connect files, by name; the services a
	// dependency function registers, by its name): compute runs once per
	// key, and the result is shared, safe for concurrent use.
	GeneratedFileMemo(name string, compute func() *GeneratedFile) *GeneratedFile
	DepRegistrationsMemo(fn string, compute func() []DepRegistered) []DepRegistered
	// Root is the module's directory; RelFile a file name relative to
	// the repository.
	Root() string
	RelFile(name string) string
	// Init is the init node of a package; Broken the node standing for a
	// package that does not type-check; InitRuns the package-level
	// variables of a package whose initializers call something.
	Init(pkgPath string) (int, bool)
	Broken(pkgPath string) (int, bool)
	InitRuns(pkgPath string) []int
	// Calls are the static calls of a node; Succ the nodes its edges
	// lead to.
	Calls(id int) []int
	Succ(id int) iter.Seq[int]
	// CLIDialects are the command-tree engine's dialects that run on
	// this graph, in order; CLIImports the import paths of their
	// libraries.
	CLIDialects() []CLIDialect
	CLIImports() []string
	// Dialects are the route engine's dialects that run on this graph,
	// in order; AllDialects every router dialect blastgate knows (the
	// handler types of every router library count as handlers).
	Dialects() []RouterDetector
	AllDialects() []RouterDetector
}

// Feature is a feature as a detector reports it: the report's fields
// and the graph nodes it starts from.
type Feature struct {
	report.Feature
	// Roots are the nodes whose reach is the feature's reach: the entry,
	// the middleware and factories around it, and what start-up leaves
	// for it.
	Roots []int
	// Entries are the nodes a test must reach to exercise the feature.
	Entries []int
	// Registrar is the function that registers a route on its router, or -1.
	Registrar int
	// Subtrees is set when the route's router serves a path ending in
	// '/' as a subtree (net/http's ServeMux); the other routers serve it
	// as the exact path.
	Subtrees bool
	// Regs are the source spans that register the feature: a change
	// that touches one impacts it even when it changes none of its
	// roots.
	Regs []RegSpan
	// CLI ties a subcommand to its command tree (commands_cli.go).
	CLI *CLIFeature
	// Holes say what the run-time parts of route ids stand for, shared
	// by the routes of one scan.
	Holes RouteHoles
}

// Finder is a detector of its own, not a dialect of an engine: it finds
// its features itself (Run). The analyzer lists it among its detectors
// (analyzer/detectors.go).
type Finder struct {
	Name    string
	Kind    string // report.KindRoute, KindRPC, KindCommand
	Imports []string
	Doc     string
	Run     func(g Graph) []Feature
}

// CLI is a CLI library's detector: its name, the imports that make it
// worth running, its doc (docs/detectors.md), and its dialect of the
// command-tree engine. The analyzer lists it among its detectors
// (analyzer/detectors.go).
type CLI struct {
	Name    string
	Imports []string
	Doc     string
	Dialect CLIDialect
}

// Panic is a panic of a dialect's hook, tagged with the dialect (Blame);
// the analyzer names the detector the dialect belongs to.
type Panic struct {
	Dialect any
	Value   any
	Stack   string
}

// Blame re-panics r, a value recovered from a dialect's hook, tagged with
// the dialect (a Panic). Use as
//
//	defer func() { Blame(d, recover()) }()
func Blame(dialect any, r any) {
	if r == nil {
		return
	}
	if _, ok := r.(Panic); ok {
		panic(r)
	}
	panic(Panic{Dialect: dialect, Value: r, Stack: string(debug.Stack())})
}

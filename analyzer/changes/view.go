package changes

import (
	"go/ast"
	"go/types"
	"iter"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/load"
)

// Graph is what change mapping reads of the symbol graph: the program
// it was built from, and which node stands for what. A node is the
// graph's own int id; change mapping only collects and names them.
// Every method is a lookup: none may change the graph, which is
// read-only once built and may be read by other stages at once. Package
// analyzer implements it (analyzer/changes_view.go).
type Graph interface {
	// Program is the loaded program the graph was built from.
	Program() *load.Program
	// Name is a node's name, as reports show it
	// ("example.com/m/web.Handler").
	Name(id int) string
	// Object is the node of a package-level object of the module
	// (function, method, type, variable, constant), if it has one.
	Object(obj types.Object) (int, bool)
	// Closure is the node of a function literal of the module.
	Closure(lit *ast.FuncLit) (int, bool)
	// Fields are the nodes of the struct fields that fld declares, info
	// being the types of its package.
	Fields(info *types.Info, fld *ast.Field) []int
	// Decl is the node that stands for a top-level declaration of pkg:
	// its own, else its package's init node (the package's node when
	// the package does not type-check).
	Decl(pkg *packages.Package, decl ast.Decl) int
	// Init is the init node of a package of the module: what every
	// program using the package runs.
	Init(pkgPath string) (int, bool)
	// Broken is the node that stands for the whole of a package of the
	// module that does not type-check, if it is one.
	Broken(pkgPath string) (int, bool)
	// Declared are the nodes declared in a package of the module (the
	// graph's own slice: read it, never write it).
	Declared(pkgPath string) []int
	// Dependency is the node of a dependency package (or of the
	// standard library) the module uses.
	Dependency(importPath string) (int, bool)
	// Module is the node of go.mod: it reaches every package.
	Module() int
	// WriteSites yields the nodes of the statements that write a
	// variable or field, with their syntax.
	WriteSites() iter.Seq2[int, ast.Node]
}

// graph is the view with the program at hand, the receiver of the
// mapping's functions.
type graph struct {
	Graph
	prog *load.Program
}

func newGraph(view Graph) *graph { return &graph{Graph: view, prog: view.Program()} }

// initOf is the init node of a package (0 when it has none, as a map
// lookup would give).
func (g *graph) initOf(pkgPath string) int {
	id, _ := g.Init(pkgPath)
	return id
}

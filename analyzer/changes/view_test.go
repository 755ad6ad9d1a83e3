package changes

import (
	"context"
	"go/ast"
	"go/types"
	"iter"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/load"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/report"
)

// viewGraph is a Graph made for the test straight from a loaded
// program: go.mod, each package's init, and each package-level object.
// Change mapping needs nothing more than the view: not the analyzer.
type viewGraph struct {
	prog     *load.Program
	names    []string
	objs     map[types.Object]int
	inits    map[string]int
	declared map[string][]int
}

func newViewGraph(prog *load.Program) *viewGraph {
	g := &viewGraph{prog: prog, names: []string{"go.mod"}, objs: map[types.Object]int{}, inits: map[string]int{}, declared: map[string][]int{}}
	add := func(name string) int {
		g.names = append(g.names, name)
		return len(g.names) - 1
	}
	for _, pkg := range prog.Packages {
		g.inits[pkg.PkgPath] = add(pkg.PkgPath + ".init")
		scope := pkg.Types.Scope()
		for _, name := range scope.Names() {
			id := add(pkg.PkgPath + "." + name)
			g.objs[scope.Lookup(name)] = id
			g.declared[pkg.PkgPath] = append(g.declared[pkg.PkgPath], id)
		}
	}
	return g
}

func (g *viewGraph) Program() *load.Program { return g.prog }
func (g *viewGraph) Name(id int) string     { return g.names[id] }
func (g *viewGraph) Object(obj types.Object) (int, bool) {
	id, ok := g.objs[obj]
	return id, ok
}
func (g *viewGraph) Closure(*ast.FuncLit) (int, bool)     { return 0, false }
func (g *viewGraph) Fields(*types.Info, *ast.Field) []int { return nil }
func (g *viewGraph) Decl(pkg *packages.Package, decl ast.Decl) int {
	if d, ok := decl.(*ast.FuncDecl); ok {
		if id, ok := g.objs[pkg.TypesInfo.Defs[d.Name]]; ok {
			return id
		}
	}
	return g.inits[pkg.PkgPath]
}
func (g *viewGraph) Init(p string) (int, bool) {
	id, ok := g.inits[p]
	return id, ok
}
func (g *viewGraph) Broken(string) (int, bool)            { return 0, false }
func (g *viewGraph) Declared(p string) []int              { return g.declared[p] }
func (g *viewGraph) Dependency(string) (int, bool)        { return 0, false }
func (g *viewGraph) Module() int                          { return 0 }
func (g *viewGraph) WriteSites() iter.Seq2[int, ast.Node] { return func(func(int, ast.Node) bool) {} }

// TestMapThroughView maps a diff on a graph that is only the view: a
// changed function, an embedded file, a changed go line, and a file that
// maps to nothing.
func TestMapThroughView(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"web/web.go": `package web

import _ "embed"

//go:embed page.html
var page string

func A() string { return page }

func B() int {
	return 2
}
`,
		"web/page.html": "<p>hi</p>\n",
		"README.md":     "# m\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
	prog, err := load.Load(context.Background(), load.Config{Root: dir, ModuleDir: dir})
	require.NoError(t, err)
	modified := func(p string, lines ...int) gitrepo.FileChange {
		var ranges []gitrepo.LineRange
		for _, l := range lines {
			ranges = append(ranges, gitrepo.LineRange{Start: l, End: l})
		}
		return gitrepo.FileChange{OldPath: p, NewPath: p, Status: gitrepo.Modified, OldLines: ranges, NewLines: ranges}
	}
	old := func(p string) ([]byte, error) {
		if p == "go.mod" {
			return []byte("module example.com/m\n\ngo 1.21\n"), nil
		}
		return []byte(files[p]), nil
	}
	g := newViewGraph(prog)
	cs, err := Map(context.Background(), g, []gitrepo.FileChange{
		modified("web/web.go", 11),
		modified("web/page.html", 1),
		modified("go.mod", 3),
		modified("README.md", 1),
	}, old, AssetRules{})
	require.NoError(t, err)
	require.Equal(t, []report.Change{
		{File: "web/web.go", Symbols: []string{"example.com/m/web.B"}},
		{File: "web/page.html", Symbols: []string{"example.com/m/web.page"}},
		{File: "go.mod", Symbols: []string{"go.mod"}, Note: "the go or toolchain line changed: every package is treated as changed"},
		{File: "README.md", Symbols: []string{}, Note: "not Go code and not embedded: reaches no feature"},
	}, cs.Changes)
	require.Equal(t, []report.Unmapped{{File: "README.md", Why: "not Go code, not embedded, not a package's source file, not read by a constant path, not in assets:"}}, cs.Unmapped)
	b, _ := g.Object(prog.Package("example.com/m/web").Types.Scope().Lookup("B"))
	page, _ := g.Object(prog.Package("example.com/m/web").Types.Scope().Lookup("page"))
	require.Equal(t, []int{g.Module(), b, page}, cs.IDs(), "sorted")
	require.True(t, cs.Changed(b))
	require.True(t, cs.Touched(filepath.Join(dir, "web", "web.go")).Touches(10, 12))
	require.False(t, cs.Touched(filepath.Join(dir, "web", "web.go")).Touches(8, 8))
}

package impact

import (
	"go/ast"
	"go/parser"
	"go/token"
	"iter"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// src is the one file of the hand-built graphs below: /repo/p/a.go.
const src = `package p

func Main() { Handler(); Flags() }

func Handler() { A(); B() }

func A() { C() }

func B() { D() }

func D() { C() }

func C() {
	_ = 1
	_ = 2
}

func Flags() {}

var V = 1
`

// testGraph is a Graph built by hand: nodes named after src's
// declarations (at their names' positions) and edges added by the test.
// Impact needs nothing more than the view: not the analyzer.
type testGraph struct {
	fset    *token.FileSet
	file    *ast.File
	nodes   []Node
	out     [][]testEdge
	startup int
	// links are the packages each program's start-up node runs the
	// init of.
	links  map[int]map[string]bool
	named  map[string]int
	broken map[string]bool
}

type testEdge struct {
	to  int
	pos token.Pos
}

func newTestGraph(t *testing.T) *testGraph {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "/repo/p/a.go", src, 0)
	require.NoError(t, err)
	g := &testGraph{fset: fset, file: file, startup: -1, named: map[string]int{}, broken: map[string]bool{}}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			g.add("p."+d.Name.Name, NodeCode, "p", d.Name.Pos())
		case *ast.GenDecl:
			for _, s := range d.Specs {
				for _, name := range s.(*ast.ValueSpec).Names {
					g.add("p."+name.Name, NodeOther, "p", name.Pos())
				}
			}
		}
	}
	return g
}

func (g *testGraph) add(name string, kind NodeKind, pkg string, pos token.Pos) int {
	g.nodes = append(g.nodes, Node{Name: name, Kind: kind, Package: pkg, Pos: pos})
	g.out = append(g.out, nil)
	if _, ok := g.named[name]; !ok {
		g.named[name] = len(g.nodes) - 1
	}
	return len(g.nodes) - 1
}

// id is the node of a name.
func (g *testGraph) id(t *testing.T, name string) int {
	id, ok := g.named["p."+name]
	require.True(t, ok, name)
	return id
}

// call adds an edge from → to at the line of from's body that calls to.
func (g *testGraph) call(t *testing.T, from, to string) {
	var pos token.Pos
	ast.Inspect(g.file, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && pos == token.NoPos {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == to && g.enclosing(c.Pos()) == from {
				pos = c.Pos()
			}
		}
		return true
	})
	require.True(t, pos.IsValid(), "%s calls %s", from, to)
	f := g.id(t, from)
	g.out[f] = append(g.out[f], testEdge{to: g.id(t, to), pos: pos})
}

func (g *testGraph) enclosing(pos token.Pos) string {
	for _, d := range g.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= pos && pos < fd.End() {
			return fd.Name.Name
		}
	}
	return ""
}

// calls adds every call of src to the graph.
func (g *testGraph) calls(t *testing.T) {
	for _, c := range [][2]string{{"Main", "Handler"}, {"Main", "Flags"}, {"Handler", "A"}, {"Handler", "B"}, {"A", "C"}, {"B", "D"}, {"D", "C"}} {
		g.call(t, c[0], c[1])
	}
}

func (g *testGraph) Len() int         { return len(g.nodes) }
func (g *testGraph) Node(id int) Node { return g.nodes[id] }
func (g *testGraph) Out(id int) iter.Seq2[int, token.Pos] {
	return func(yield func(int, token.Pos) bool) {
		for _, e := range g.out[id] {
			if !yield(e.to, e.pos) {
				return
			}
		}
	}
}
func (g *testGraph) Named(name string) (int, bool) {
	id, ok := g.named[name]
	return id, ok
}
func (g *testGraph) StartsUp(root int, pkg string) bool {
	return root >= 0 && (root == g.startup || g.links[root][pkg])
}
func (g *testGraph) Package(path string) (loaded, broken bool) {
	return path == "p", g.broken[path]
}
func (g *testGraph) PackageFile(path string) (string, bool) { return "p/a.go", path == "p" }
func (g *testGraph) BuildFile() string                      { return "go.mod" }
func (g *testGraph) Fset() *token.FileSet                   { return g.fset }
func (g *testGraph) File(pos token.Pos) *ast.File {
	if g.file.FileStart <= pos && pos <= g.file.FileEnd {
		return g.file
	}
	return nil
}
func (g *testGraph) Rel(pos token.Pos) (string, int) {
	if !pos.IsValid() {
		return "", 0
	}
	p := g.fset.Position(pos)
	rel, _ := filepath.Rel("/repo", p.Filename)
	return rel, p.Line
}

// testChanges is a change: nodes, and touched lines of /repo/p/a.go.
type testChanges struct {
	ids     []int
	lines   []LineRange
	removed []int
}

func (c testChanges) IDs() []int { return c.ids }
func (c testChanges) Changed(id int) bool {
	for _, x := range c.ids {
		if x == id {
			return true
		}
	}
	return false
}
func (c testChanges) Touched(file string) ([]LineRange, []int) {
	if file != "/repo/p/a.go" {
		return nil, nil
	}
	return c.lines, c.removed
}
func (c testChanges) Touches(file string, from, to int) bool {
	lines, removed := c.Touched(file)
	for _, r := range lines {
		if r.Start <= to && from <= r.End {
			return true
		}
	}
	for _, n := range removed {
		if from < n && n <= to {
			return true
		}
	}
	return false
}

func route(id string, roots ...int) Feature {
	return Feature{Feature: report.Feature{ID: id, Kind: report.KindRoute}, Roots: roots, Entries: roots[:1]}
}

func command(id string, roots ...int) Feature {
	return Feature{Feature: report.Feature{ID: id, Kind: report.KindCommand}, Roots: roots, Entries: roots[:1]}
}

func trace(fs []report.Frame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Function+"@"+f.Position.File+":"+strconv.Itoa(f.Position.Line))
	}
	return out
}

func impacted(r Result) map[string]report.Feature {
	out := map[string]report.Feature{}
	for _, f := range r.Impacted {
		out[f.ID] = f
	}
	return out
}

// TestShortestTrace: a feature is impacted through the shortest of its
// ways to the change, each frame at the call to the next, the changed
// node at its own position.
func TestShortestTrace(t *testing.T) {
	g := newTestGraph(t)
	g.calls(t)
	c := g.id(t, "C")
	r := Impact(g, []Feature{route("GET /h", g.id(t, "Handler")), route("GET /f", g.id(t, "Flags"))}, testChanges{ids: []int{c}, lines: []LineRange{{14, 14}}})
	got := impacted(r)
	require.Len(t, got, 1, "Flags reaches no change")
	require.Equal(t, []string{"p.Handler@p/a.go:5", "p.A@p/a.go:7", "p.C@p/a.go:13"}, trace(got["GET /h"].Trace))
	require.Equal(t, []report.Declaration{{Symbol: "p.C", Package: "p", Code: true, Position: report.Position{File: "p/a.go", Line: 13}, EndLine: 16, Lines: []int{14}}}, got["GET /h"].Reaches)
	require.Equal(t, []report.Package{{Path: "p", Precision: report.PrecisionSymbol}}, r.Packages)

	g.broken["p"] = true
	r = Impact(g, []Feature{route("GET /h", g.id(t, "Handler"))}, testChanges{ids: []int{c}})
	require.Equal(t, []report.Package{{Path: "p", Precision: report.PrecisionPackage}}, r.Packages)

	all, stopped := Distances(g, []int{c}, map[int]bool{g.id(t, "Handler"): true})
	require.Equal(t, 2, all[g.id(t, "Handler")])
	require.Equal(t, 3, all[g.id(t, "Main")])
	require.Equal(t, -1, stopped[g.id(t, "Main")], "the walk stops at Handler")
	require.Equal(t, -1, all[g.id(t, "Flags")])
}

// TestCommandStops: a command's walk stops at the entries of the routes
// and of the subcommands; what it runs itself impacts it.
func TestCommandStops(t *testing.T) {
	g := newTestGraph(t)
	g.calls(t)
	main, handler, flags := g.id(t, "Main"), g.id(t, "Handler"), g.id(t, "Flags")
	sub := command("sub", flags)
	sub.Subcommand = true
	features := []Feature{command("cmd", main), route("GET /h", handler), sub}
	require.Equal(t, map[int]bool{handler: true, flags: true}, Stops(features))

	got := impacted(Impact(g, features, testChanges{ids: []int{g.id(t, "C")}}))
	require.Contains(t, got, "GET /h")
	require.NotContains(t, got, "cmd", "the command's walk stops at the route's handler")

	got = impacted(Impact(g, features, testChanges{ids: []int{flags}}))
	require.Contains(t, got, "sub")
	require.NotContains(t, got, "cmd", "the command's walk stops at the subcommand's entry")

	// Without the route, the command reaches C itself.
	got = impacted(Impact(g, []Feature{command("cmd", main)}, testChanges{ids: []int{g.id(t, "C")}}))
	require.Equal(t, []string{"p.Main@p/a.go:3", "p.Handler@p/a.go:5", "p.A@p/a.go:7", "p.C@p/a.go:13"}, trace(got["cmd"].Trace))
	require.Len(t, got["cmd"].Reaches, 1)
}

// TestRegistrationTouched: a change of a route's registration impacts
// it even when none of its roots reaches a change, traced to the
// registration.
func TestRegistrationTouched(t *testing.T) {
	g := newTestGraph(t)
	g.calls(t)
	main := g.id(t, "Main")
	f := route("GET /f", g.id(t, "Flags"))
	line3 := g.file.Decls[0].(*ast.FuncDecl).Body
	f.Regs = []Reg{{From: line3.Pos(), To: line3.End(), Encl: main}}

	require.Empty(t, Impact(g, []Feature{f}, testChanges{ids: []int{g.id(t, "C")}, lines: []LineRange{{14, 14}}}).Impacted)

	cs := testChanges{ids: []int{main}, lines: []LineRange{{3, 3}}}
	got := impacted(Impact(g, []Feature{f}, cs))
	require.Equal(t, []string{"p.Main@p/a.go:3"}, trace(got["GET /f"].Trace))
	require.Equal(t, []report.Declaration{{Symbol: "p.Main", Package: "p", Code: true, Position: report.Position{File: "p/a.go", Line: 3}, EndLine: 3, Lines: []int{3}}}, got["GET /f"].Reaches)
	sp, ok := Touched(g, cs, f)
	require.True(t, ok)
	require.Equal(t, main, sp.Encl)
}

// TestInitChanged: a package's init changed as a whole impacts the
// features rooted at start-up (the module's, or a program's linking the
// package), traced to the init.
func TestInitChanged(t *testing.T) {
	g := newTestGraph(t)
	g.startup = g.add("(start-up)", NodeOther, "", token.NoPos)
	withP := g.add("(start-up of a)", NodeOther, "", token.NoPos)
	withoutP := g.add("(start-up of b)", NodeOther, "", token.NoPos)
	g.links = map[int]map[string]bool{withP: {"p": true, "a": true}, withoutP: {"b": true}}
	init := g.add("p.init", NodeInit, "p", token.NoPos)
	features := []Feature{
		route("GET /s", g.id(t, "Flags"), g.startup), route("GET /f", g.id(t, "Flags")),
		route("GET /a", g.id(t, "Flags"), withP), route("GET /b", g.id(t, "Flags"), withoutP),
	}
	got := impacted(Impact(g, features, testChanges{ids: []int{init}}))
	require.Len(t, got, 2)
	require.Equal(t, "p.init", got["GET /a"].Trace[0].Function)
	require.Equal(t, "p.init", got["GET /s"].Trace[0].Function)
	require.Equal(t, []report.Declaration{{Symbol: "p.init", Package: "p", Position: report.Position{File: "p/a.go", Line: 1}}}, got["GET /s"].Reaches)
}

// TestDeclarations: a site stands for its declaration; removed lines
// count at the line that follows; go.mod is the build file.
func TestDeclarations(t *testing.T) {
	g := newTestGraph(t)
	site := g.add("p.V", NodeSite, "p", token.NoPos)
	mod := g.add("go.mod", NodeExternal, "", token.NoPos)
	c := g.id(t, "C")
	cs := testChanges{ids: []int{site, c, mod}, removed: []int{15}}
	got := declarations(g, []int{site, c, mod, -1}, cs)
	require.Equal(t, []report.Declaration{
		{Symbol: "go.mod", Position: report.Position{File: "go.mod", Line: 1}},
		{Symbol: "p.C", Package: "p", Code: true, Position: report.Position{File: "p/a.go", Line: 13}, EndLine: 16, Lines: []int{15}},
		{Symbol: "p.V", Package: "p", Position: report.Position{File: "p/a.go", Line: 20}, EndLine: 20},
	}, got)
}

// TestMerge: a feature in two builds keeps the shorter trace and the
// union of what it reaches; a package keeps the coarser precision.
func TestMerge(t *testing.T) {
	a, b := report.Declaration{Symbol: "p.A", Position: report.Position{File: "p/a.go", Line: 7}}, report.Declaration{Symbol: "p.B", Position: report.Position{File: "p/a.go", Line: 9}}
	long := report.Feature{ID: "GET /h", Kind: report.KindRoute, Trace: []report.Frame{{Function: "x"}, {Function: "y"}}, Reaches: []report.Declaration{b}}
	short := report.Feature{ID: "GET /h", Kind: report.KindRoute, Trace: []report.Frame{{Function: "z"}}, Reaches: []report.Declaration{a}}
	dst := Result{Impacted: []report.Feature{long}, Packages: []report.Package{{Path: "q", Precision: report.PrecisionSymbol}}}
	Merge(&dst, Result{Impacted: []report.Feature{short}, Packages: []report.Package{{Path: "q", Precision: report.PrecisionPackage}, {Path: "a", Precision: report.PrecisionSymbol}}})
	require.Len(t, dst.Impacted, 1)
	require.Equal(t, "z", dst.Impacted[0].Trace[0].Function)
	require.Equal(t, []report.Declaration{a, b}, dst.Impacted[0].Reaches)
	require.Equal(t, []report.Package{{Path: "a", Precision: report.PrecisionSymbol}, {Path: "q", Precision: report.PrecisionPackage}}, dst.Packages)
}

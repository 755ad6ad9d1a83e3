package detect

import (
	"go/types"
	"path"
	"path/filepath"
	"sort"

	"github.com/blastgate/blastgate/report"
	"golang.org/x/tools/go/packages"
)

// Main: every main package is a command.
var Main = &Finder{
	Name: "main",
	Kind: report.KindCommand,
	Doc: `Every main package of the module is a command feature, id its
directory relative to the module root (the last element of its import
path for the root package), entry its main function. Its roots are main,
its package's init and the initializers of the module packages it
imports. A main package that does not type-check is analysed at package
level. Subcommands are features of their own (cobra, urfave): a command's
reach stops at their run functions.`,
	Run: func(gr Graph) []Feature {
		g := cliGraph{gr}
		var out []Feature
		for _, pkg := range g.Packages() {
			if cmd, ok := g.command(pkg); ok {
				out = append(out, cmd)
			}
		}
		return out
	},
}

// ModuleImports lists the module packages pkg imports, directly or not,
// and pkg itself.
func ModuleImports(g Graph, pkg *packages.Package) []string {
	seen := map[string]bool{}
	var out []string
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if seen[p.PkgPath] || g.Package(p.PkgPath) == nil {
			return
		}
		seen[p.PkgPath] = true
		out = append(out, p.PkgPath)
		for _, imp := range p.Imports {
			visit(imp)
		}
	}
	visit(pkg)
	sort.Strings(out)
	return out
}

// command returns the feature of a main package.
func (g cliGraph) command(pkg *packages.Package) (Feature, bool) {
	if pkg.Name != "main" {
		return Feature{}, false
	}
	rel, _ := filepathRel(g.Root(), pkg.Dir)
	id := rel
	if id == "." || id == "" {
		id = path.Base(pkg.PkgPath)
	}
	f := Feature{Feature: report.Feature{ID: id, Kind: report.KindCommand, Entry: pkg.PkgPath + ".main", Tests: []report.Test{}}, Registrar: -1}
	f.Roots = []int{g.initOf(pkg.PkgPath)}
	if n, broken := g.Broken(pkg.PkgPath); broken {
		f.Roots = append(f.Roots, n)
		if len(pkg.GoFiles) > 0 {
			f.Position = report.Position{File: g.RelFile(pkg.GoFiles[0]), Line: 1}
		}
		return f, true
	}
	obj, ok := pkg.Types.Scope().Lookup("main").(*types.Func)
	if !ok {
		return Feature{}, false
	}
	f.Roots = append(f.Roots, g.NodeID(obj))
	// The initializers its packages run at start-up (a template parsed
	// into a variable): a failure there stops the command.
	for _, p := range ModuleImports(g, pkg) {
		f.Roots = append(f.Roots, g.InitRuns(p)...)
	}
	f.Entries = []int{g.NodeID(obj)}
	f.Position.File, f.Position.Line = g.Rel(obj.Pos())
	return f, true
}

// filepathRel is filepath.Rel, slash-separated.
func filepathRel(root, dir string) (string, error) {
	rel, err := filepath.Rel(root, dir)
	return filepath.ToSlash(rel), err
}

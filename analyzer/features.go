package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/detect"
	"github.com/blastgate/blastgate/report"
)

// Feature is a discovered feature and the graph nodes it starts from:
// one type for the detectors and the analyzer (detect.Feature).
type Feature = detect.Feature

// DeclaredFeature is a feature named in configuration.
type DeclaredFeature struct {
	ID, Entry, Tier string
	Owners          []string
	// Where is "FILE:LINE" of the declaration, for errors.
	Where string
	// Optional: a declaration the code may no longer have (the base's,
	// on a change that deletes or renames what it names) is left out
	// when it names nothing, instead of an error.
	Optional bool
}

// routeFuncs are the net/http registration functions, by their full
// name as go/types prints it.
var routeFuncs = map[string]bool{
	"(*net/http.ServeMux).Handle":     true,
	"(*net/http.ServeMux).HandleFunc": true,
	"net/http.Handle":                 true,
	"net/http.HandleFunc":             true,
}

// Features discovers the routes, RPC methods and commands the detectors
// find (detectors.go), and the declared features of the program, sorted by kind and id.
func (g *Graph) Features(declared []DeclaredFeature) ([]Feature, error) {
	out, err := g.runDetectors() // detectors.go
	if err != nil {
		return nil, err
	}
	g.programStartups(out) // startup_programs.go
	for _, d := range declared {
		if d.Entry == "" { // annotates a discovered feature
			found := false
			for i := range out {
				if out[i].ID == d.ID {
					found = true
					out[i].Owners, out[i].Tier = d.Owners, d.Tier
				}
			}
			if !found && !d.Optional {
				return nil, fmt.Errorf("%s: feature %q: no discovered feature has this id: check it against 'blastgate features', or give it an entry to declare it", d.Where, d.ID)
			}
			continue
		}
		f, err := g.declaredFeature(d)
		if err != nil && d.Optional {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	order := map[string]int{report.KindRoute: 0, report.KindRPC: 1, report.KindCommand: 2, report.KindDeclared: 3}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] < order[b.Kind]
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Position.File != b.Position.File {
			return a.Position.File < b.Position.File
		}
		return a.Position.Line < b.Position.Line
	})
	return out, nil
}

// referencedIn returns the nodes an expression refers to.
func (g *Graph) referencedIn(pkg *packages.Package, e ast.Expr) []int {
	var ids []int
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if id := g.nodeOf(pkg.TypesInfo.Uses[n]); id >= 0 && isCode(g.nodes[id].kind) {
				ids = append(ids, id)
			}
		case *ast.FuncLit:
			if id, ok := g.byLit[n]; ok {
				ids = append(ids, id)
			}
			return false // what the closure uses is its own reach
		case *ast.CompositeLit, *ast.UnaryExpr, *ast.CallExpr:
			// A module value handed to the router (or to middleware) will
			// have its methods called: &Page{}, pageB{}, newPage().
			if t := pkg.TypesInfo.TypeOf(n.(ast.Expr)); t != nil && !types.IsInterface(t) {
				g.heldMu.Lock() // a memo that discovery fills after build
				ids = append(ids, g.methodsHeldBy(t)...)
				g.heldMu.Unlock()
			}
		}
		return true
	})
	return ids
}

func isCode(k nodeKind) bool {
	return k == funcNode || k == closureNode || k == methodNode || k == packageNode
}

// declNode returns the node of a top-level declaration, or the package's
// init node for declarations without one.
func (g *Graph) declNode(pkg *packages.Package, decl ast.Decl) int {
	if n, broken := g.pkgs[pkg.PkgPath]; broken {
		return n
	}
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if id, ok := g.byObj[pkg.TypesInfo.Defs[d.Name]]; ok {
			return id
		}
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			if vs, ok := spec.(*ast.ValueSpec); ok {
				for _, name := range vs.Names {
					if id, ok := g.byObj[pkg.TypesInfo.Defs[name]]; ok {
						return id
					}
				}
			}
		}
	}
	return g.inits[pkg.PkgPath]
}

// returnedClosure returns the closure node fn returns when every return
// statement of fn returns the same function literal (directly or
// converted), or -1.
func (g *Graph) returnedClosure(fn *types.Func) int {
	found := -1
	ok := true
	for _, pkg := range g.prog.Packages {
		if pkg.Types != fn.Pkg() {
			continue
		}
		for _, f := range pkg.Syntax {
			for _, decl := range f.Decls {
				d, isFunc := decl.(*ast.FuncDecl)
				if !isFunc || pkg.TypesInfo.Defs[d.Name] != fn || d.Body == nil {
					continue
				}
				ast.Inspect(d.Body, func(n ast.Node) bool {
					if _, lit := n.(*ast.FuncLit); lit {
						return false
					}
					ret, isRet := n.(*ast.ReturnStmt)
					if !isRet {
						return true
					}
					if len(ret.Results) != 1 {
						ok = false
						return false
					}
					e := ast.Unparen(ret.Results[0])
					if call, isCall := e.(*ast.CallExpr); isCall && len(call.Args) == 1 && pkg.TypesInfo.Types[call.Fun].IsType() {
						e = ast.Unparen(call.Args[0])
					}
					lit, isLit := e.(*ast.FuncLit)
					id, known := g.byLit[lit]
					if !isLit || !known || (found >= 0 && found != id) {
						ok = false
						return false
					}
					found = id
					return true
				})
			}
		}
	}
	if !ok {
		return -1
	}
	return found
}

// declaredFeature resolves a configured entry: a function or method named
// as in traces, or a package path (every declaration in it is an entry).
func (g *Graph) declaredFeature(d DeclaredFeature) (Feature, error) {
	f := Feature{Feature: report.Feature{ID: d.ID, Kind: report.KindDeclared, Entry: d.Entry, Owners: d.Owners, Tier: d.Tier, Tests: []report.Test{}}, Registrar: -1}
	if pkg := g.prog.byPath[d.Entry]; pkg != nil {
		f.Roots = append([]int{g.inits[pkg.PkgPath]}, g.declared[pkg.PkgPath]...)
		for _, id := range g.declared[pkg.PkgPath] {
			if isCode(g.nodes[id].kind) {
				f.Entries = append(f.Entries, id)
			}
		}
		if n, broken := g.pkgs[pkg.PkgPath]; broken {
			f.Roots = append(f.Roots, n)
		}
		if len(pkg.GoFiles) > 0 {
			f.Position = report.Position{File: g.prog.relFile(pkg.GoFiles[0]), Line: 1}
		}
		return f, nil
	}
	id, ok := g.byName[d.Entry]
	if !ok || !isCode(g.nodes[id].kind) || g.nodes[id].kind == methodNode {
		if pkgPath := g.brokenOwner(d.Entry); pkgPath != "" {
			f.Roots = []int{g.pkgs[pkgPath], g.inits[pkgPath]}
			return f, nil
		}
		return Feature{}, fmt.Errorf("%s: feature %q: entry %q is neither a function nor a package of this module: write it as example.com/mod/pkg.Func, example.com/mod/pkg.(*Type).Method or a package path", d.Where, d.ID, d.Entry)
	}
	f.Roots = []int{id, g.inits[g.nodes[id].pkg]}
	f.Entries = []int{id}
	f.Position.File, f.Position.Line = g.prog.Rel(g.nodes[id].pos)
	return f, nil
}

// brokenOwner returns the broken package a function name belongs to.
func (g *Graph) brokenOwner(name string) string {
	for pkgPath := range g.pkgs {
		if strings.HasPrefix(name, pkgPath+".") && !strings.Contains(strings.TrimPrefix(name, pkgPath+"."), "/") {
			return pkgPath
		}
	}
	return ""
}

// EntryFile returns the repository file that holds the feature's entry,
// or "" when it has none of the module's code.
func (g *Graph) EntryFile(f Feature) string {
	if len(f.Entries) == 0 {
		return ""
	}
	file, _ := g.prog.Rel(g.nodes[f.Entries[0]].pos)
	return file
}

package changes

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Files the module's code names when it reads them at run time: the
// constant arguments of template.ParseFiles and ParseGlob (html/template
// and text/template, the functions and the methods), os.ReadFile, os.Open
// and os.OpenFile. A changed file that such an argument names (relative
// to the module's directory or to the package's, the two working
// directories a program and its tests usually run in) changes the
// declaration holding the call: the function or closure, or the package
// variable it initialises. What is not a constant is not followed.

// runtimeRead is one such call.
type runtimeRead struct {
	// paths are the repository paths the argument can name; glob makes
	// them path.Match patterns (ParseGlob).
	paths []string
	glob  bool
	nodes []int  // the declarations holding the call
	where string // "web/web.go:12", for notes
}

// readCalls lists the functions whose constant arguments name files read
// at run time: package path, function or method name -> whether the
// arguments are globs. Every argument of ParseFiles names a file; only
// the first of the others does.
var readCalls = map[string]map[string]bool{
	"html/template": {"ParseFiles": false, "ParseGlob": true},
	"text/template": {"ParseFiles": false, "ParseGlob": true},
	"os":            {"ReadFile": false, "Open": false, "OpenFile": false},
}

// mapRuntimeReads returns the declarations whose calls read the
// repository file p at run time, and a note naming them.
func (g *graph) mapRuntimeReads(cs *ChangeSet, p string) ([]int, string) {
	if cs.reads == nil {
		cs.reads = g.runtimeReads()
	}
	var ids []int
	var names []string
	seen := map[int]bool{}
	for _, r := range *cs.reads {
		if !r.names(p) {
			continue
		}
		for _, id := range r.nodes {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
				names = append(names, fmt.Sprintf("%s (%s)", g.Name(id), r.where))
			}
		}
	}
	if len(ids) == 0 {
		return nil, ""
	}
	sort.Strings(names)
	return ids, "read at run time by " + strings.Join(names, ", ")
}

// names reports whether the read can name the repository path p.
func (r runtimeRead) names(p string) bool {
	for _, c := range r.paths {
		if c == p {
			return true
		}
		if ok, _ := path.Match(c, p); r.glob && ok {
			return true
		}
	}
	return false
}

// runtimeReads finds the reading calls of the module's code.
func (g *graph) runtimeReads() *[]runtimeRead {
	var out []runtimeRead
	for _, pkg := range g.prog.Packages {
		if pkg.TypesInfo == nil || g.prog.Broken[pkg.PkgPath] != "" {
			continue
		}
		for _, f := range pkg.Syntax {
			for _, decl := range f.Decls {
				out = append(out, g.readsIn(pkg, decl)...)
			}
		}
	}
	return &out
}

// readsIn returns the reading calls of a top-level declaration, each
// attributed to the innermost closure holding it, else the function, or
// the package variables the spec holding it initialises.
func (g *graph) readsIn(pkg *packages.Package, decl ast.Decl) []runtimeRead {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if id, ok := g.Object(pkg.TypesInfo.Defs[d.Name]); ok {
			return g.readsUnder(pkg, d, []int{id})
		}
	case *ast.GenDecl:
		var out []runtimeRead
		for _, spec := range d.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			var ids []int
			for _, name := range vs.Names {
				if id, ok := g.Object(pkg.TypesInfo.Defs[name]); ok {
					ids = append(ids, id)
				} else if id, ok := g.Init(pkg.PkgPath); ok && name.Name == "_" {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				out = append(out, g.readsUnder(pkg, vs, ids)...)
			}
		}
		return out
	}
	return nil
}

// readsUnder returns the reading calls under root, attributed to the
// innermost closure holding each, else to outer.
func (g *graph) readsUnder(pkg *packages.Package, root ast.Node, outer []int) []runtimeRead {
	var out []runtimeRead
	stack := [][]int{outer}
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		owner := stack[len(stack)-1]
		if lit, ok := n.(*ast.FuncLit); ok {
			if id, ok := g.Closure(lit); ok {
				owner = []int{id}
			}
		}
		stack = append(stack, owner)
		if call, ok := n.(*ast.CallExpr); ok {
			if r, ok := g.readOf(pkg, call); ok {
				r.nodes = owner
				out = append(out, r)
			}
		}
		return true
	})
	return out
}

// readOf returns the read a call makes, when it is one of readCalls with
// a constant string argument.
func (g *graph) readOf(pkg *packages.Package, call *ast.CallExpr) (runtimeRead, bool) {
	fn, ok := typeutil.Callee(pkg.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return runtimeRead{}, false
	}
	glob, ok := readCalls[fn.Pkg().Path()][fn.Name()]
	if !ok || len(call.Args) == 0 {
		return runtimeRead{}, false
	}
	args := call.Args[:1]
	if fn.Name() == "ParseFiles" {
		args = call.Args
	}
	r := runtimeRead{glob: glob}
	for _, arg := range args {
		tv, ok := pkg.TypesInfo.Types[arg]
		if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
			continue
		}
		r.paths = append(r.paths, g.readPaths(pkg, constant.StringVal(tv.Value))...)
	}
	if len(r.paths) == 0 {
		return runtimeRead{}, false
	}
	file, line := g.prog.Rel(call.Pos())
	r.where = fmt.Sprintf("%s:%d", file, line)
	return r, true
}

// readPaths turns a path the code reads into the repository paths it can
// name: relative to the module's directory and to the package's.
func (g *graph) readPaths(pkg *packages.Package, name string) []string {
	if name == "" || filepath.IsAbs(name) || path.IsAbs(name) {
		return nil
	}
	var dirs []string
	if pkg.Module != nil && pkg.Module.Dir != "" {
		dirs = append(dirs, pkg.Module.Dir)
	}
	dirs = append(dirs, pkg.Dir)
	var out []string
	for _, d := range dirs {
		rel := g.prog.RelFile(filepath.Join(d, filepath.FromSlash(name)))
		if !strings.HasPrefix(rel, "../") && !path.IsAbs(rel) && !slices.Contains(out, rel) {
			out = append(out, rel)
		}
	}
	return out
}

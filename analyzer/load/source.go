package load

import (
	"go/ast"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Dependencies are type-checked from source, not read from export data.
//
// Export data (go list -export, what go vet and go build use) has to be
// compiled: on a runner with an empty build cache, that is the whole
// dependency graph, as long as go vet itself (issue 16). Type-checking
// the dependencies from source needs no compiler and no build cache, and
// is cheap because only their declarations matter: the bodies of their
// functions are dropped as they are parsed (sourceParse), so the type
// checker never sees them, as go/packages does itself for the
// dependencies it falls back to source for. The analysed packages keep
// their bodies and full type information.
//
// BLASTGATE_DEPS=export restores the export-data load (for measuring,
// or if a dependency's declarations do not type-check from source).

// depsFromSource reports whether dependencies are type-checked from
// source (the default) rather than read from export data.
func depsFromSource() bool {
	return os.Getenv("BLASTGATE_DEPS") != "export"
}

// loadModeFor is the go/packages mode: loadMode, with NeedDeps when
// dependencies come from source (go/packages then runs go list without
// -export and type-checks every package from source).
func loadModeFor(fromSource bool) packages.LoadMode {
	if fromSource {
		return loadMode | packages.NeedDeps
	}
	return loadMode
}

// analysedDirs are the absolute directories of the analysed modules:
// their files keep function bodies, every other .go file (GOROOT, the
// module cache, a vendor directory) is a dependency's.
func analysedDirs(root, moduleDir string, ws *workspace) []string {
	dirs := []string{filepath.Clean(moduleDir)}
	if ws != nil {
		for _, m := range ws.modules {
			dirs = append(dirs, filepath.Join(root, filepath.FromSlash(m.Dir)))
		}
	}
	return dirs
}

// isDependencyFile reports whether filename, as go list names it, is a
// dependency's source file whose function bodies the analysis never
// needs. Files outside the analysed modules' directories (and inside
// their vendor directories) are; cgo's output, which lives in the
// build cache without a .go suffix, is kept whole since it may be an
// analysed package's.
func isDependencyFile(dirs []string, filename string) bool {
	if !strings.HasSuffix(filename, ".go") {
		return false
	}
	filename = filepath.Clean(filename)
	sep := string(filepath.Separator)
	for _, d := range dirs {
		if strings.HasPrefix(filename, d+sep) {
			rel := filename[len(d)+1:]
			return strings.HasPrefix(rel, "vendor"+sep)
		}
	}
	return true
}

// dropBodies removes the bodies of the functions and methods declared
// in f: the type checker then treats them as declared elsewhere
// (as for assembly), and neither imports nor uses inside them are
// checked (go/types skips the unused-import check without bodies only
// under IgnoreFuncBodies, so a dependency may carry a soft "imported
// and not used" error, which nothing reads).
func dropBodies(f *ast.File) {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			fd.Body = nil
		}
	}
}

// releaseDependencies drops what type-checking the dependencies from
// source left behind that the analysis never reads (their syntax and
// type information; their types stay), so that it can be collected.
func releaseDependencies(roots []*packages.Package) {
	root := map[*packages.Package]bool{}
	for _, p := range roots {
		root[p] = true
	}
	packages.Visit(roots, nil, func(p *packages.Package) {
		if !root[p] {
			p.Syntax = nil
			p.TypesInfo = nil
		}
	})
}

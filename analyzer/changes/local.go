package changes

import (
	"fmt"
	"path"
	"strings"
)

// Code outside the module's analysed packages that its packages still use:
// the directories go.mod's replace directives point at (a copy of a
// dependency in the repository, often a git submodule), and packages
// whose every file is excluded from this build (cgo files under
// CGO_ENABLED=0).

// replacedModule returns the module that a go.mod (or the go.work) of
// the analysis replaces with the repository directory holding p, or "".
// A directory whose module is analysed from source (a module of the
// workspace) answers only for itself, a submodule's pointer: the files
// inside it are mapped like any other.
func (g *graph) replacedModule(cs *ChangeSet, p string) string {
	if cs.locals == nil {
		cs.locals = map[string]string{}
		files := []string{}
		for _, m := range g.prog.Modules {
			files = append(files, path.Join(m.Dir, "go.mod"))
		}
		if g.prog.Workspace != "" {
			files = append(files, g.prog.Workspace)
		}
		for _, file := range files {
			for dir, mod := range g.prog.DirectoryReplaces(file) {
				cs.locals[dir] = mod
			}
		}
	}
	for dir, mod := range cs.locals {
		if p == dir || (strings.HasPrefix(p, dir+"/") && !g.prog.IsModuleDir(dir)) {
			return mod
		}
	}
	return ""
}

// mapReplaced records a change inside the local replacement of module mod
// as a change to that module, like a version bump; when the module is
// analysed from source (a submodule's pointer moved), every declaration
// of it is changed.
func (g *graph) mapReplaced(cs *ChangeSet, mod string) ([]int, string) {
	dc := &depChange{modules: map[string]bool{mod: true}, packages: map[string]bool{}, replaced: map[string]bool{mod: true}}
	// When the directory is missing from the analysed tree (a submodule
	// that is not checked out), go list knows its packages by path only,
	// without their module.
	if pkgs, err := g.prog.ListDeps(cs.ctx); err == nil {
		for _, dp := range pkgs {
			if (dp.ImportPath == mod || strings.HasPrefix(dp.ImportPath, mod+"/")) && g.prog.Package(dp.ImportPath) == nil {
				dc.packages[dp.ImportPath] = true
			}
		}
	}
	cs.deps = append(cs.deps, dc)
	cs.depChanges = append(cs.depChanges, len(cs.Changes))
	if ids := g.mainModuleNodes(dc); len(ids) > 0 {
		return ids, fmt.Sprintf("in the local replacement of %s, analysed from source: every declaration of it is treated as changed", mod)
	}
	return nil, fmt.Sprintf("in the local replacement of %s: a dependency change", mod)
}

// mainModuleNodes returns the nodes declared in the packages, analysed
// from source, of the modules whose replacement a dependency change
// moved (a replace directive, a submodule's pointer): such a module
// changed as a whole. A changed requirement on such a module changes
// nothing: the workspace's copy is what builds.
func (g *graph) mainModuleNodes(dc *depChange) []int {
	var ids []int
	for _, pkg := range g.prog.Packages {
		if pkg.Module == nil || !dc.replaced[pkg.Module.Path] {
			continue
		}
		if n, broken := g.Broken(pkg.PkgPath); broken {
			ids = append(ids, n)
		}
		ids = append(ids, g.Declared(pkg.PkgPath)...)
	}
	return ids
}

// importersOfDir returns the nodes standing for the analysed packages that
// import the package in the repository directory dir, which was not
// analysed (no file of it is in this build): each importer's package node
// when it does not type-check (it cannot without that package), else its
// init, which every feature it serves reaches.
func (g *graph) importersOfDir(dir string) (string, []int) {
	importPath := g.prog.ImportPathOf(dir)
	if importPath == "" {
		return "", nil // outside the analysed modules
	}
	var ids []int
	for _, pkg := range g.prog.Packages {
		if _, ok := pkg.Imports[importPath]; !ok {
			continue
		}
		if n, broken := g.Broken(pkg.PkgPath); broken {
			ids = append(ids, n)
		} else {
			ids = append(ids, g.initOf(pkg.PkgPath))
		}
	}
	return importPath, ids
}

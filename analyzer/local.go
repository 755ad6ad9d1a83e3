package analyzer

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// Code outside the module's analysed packages that its packages still use:
// the directories go.mod's replace directives point at (a copy of a
// dependency in the repository, often a git submodule), and packages
// whose every file is excluded from this build (cgo files under
// CGO_ENABLED=0).

// replacedModule returns the module that the main module's go.mod
// replaces with the repository directory holding p (or p itself: a
// submodule's pointer), or "".
func (g *Graph) replacedModule(cs *ChangeSet, p string) string {
	if cs.locals == nil {
		cs.locals = map[string]string{}
		data, err := os.ReadFile(filepath.Join(g.prog.ModuleDir, "go.mod"))
		if err != nil {
			return ""
		}
		f, err := modfile.Parse("go.mod", data, nil)
		if err != nil {
			return ""
		}
		for _, r := range f.Replace {
			if !modfile.IsDirectoryPath(r.New.Path) {
				continue
			}
			dir := filepath.FromSlash(r.New.Path)
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(g.prog.ModuleDir, dir)
			}
			rel, err := filepath.Rel(g.prog.Root, dir)
			if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
				continue
			}
			cs.locals[filepath.ToSlash(rel)] = r.Old.Path
		}
	}
	for dir, mod := range cs.locals {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return mod
		}
	}
	return ""
}

// mapReplaced records a change inside the local replacement of module mod
// as a change to that module, like a version bump.
func (g *Graph) mapReplaced(cs *ChangeSet, mod string) string {
	dc := &depChange{modules: map[string]bool{mod: true}, packages: map[string]bool{}}
	// When the directory is missing from the analysed tree (a submodule
	// that is not checked out), go list knows its packages by path only,
	// without their module.
	if pkgs, err := g.prog.listDeps(context.Background()); err == nil {
		for _, dp := range pkgs {
			if dp.ImportPath == mod || strings.HasPrefix(dp.ImportPath, mod+"/") {
				dc.packages[dp.ImportPath] = true
			}
		}
	}
	cs.deps = append(cs.deps, dc)
	cs.depChanges = append(cs.depChanges, len(cs.Changes))
	return fmt.Sprintf("in the local replacement of %s: a dependency change", mod)
}

// importersOfDir returns the nodes standing for the analysed packages that
// import the package in the repository directory dir, which was not
// analysed (no file of it is in this build): each importer's package node
// when it does not type-check (it cannot without that package), else its
// init, which every feature it serves reaches.
func (g *Graph) importersOfDir(dir string) (string, []int) {
	md, err := filepath.Rel(g.prog.Root, g.prog.ModuleDir)
	if err != nil {
		return "", nil
	}
	md = filepath.ToSlash(md)
	if md != "." && dir != md && !strings.HasPrefix(dir, md+"/") {
		return "", nil // outside the module's directory
	}
	importPath := path.Join(g.prog.Module, g.moduleRel(dir))
	if dir == md {
		importPath = g.prog.Module
	}
	var ids []int
	for _, pkg := range g.prog.Packages {
		if _, ok := pkg.Imports[importPath]; !ok {
			continue
		}
		if n, broken := g.pkgs[pkg.PkgPath]; broken {
			ids = append(ids, n)
		} else {
			ids = append(ids, g.inits[pkg.PkgPath])
		}
	}
	return importPath, ids
}

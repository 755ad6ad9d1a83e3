package load

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// Facts about the analysed modules that the go.mod and go.work files
// state: which repository directories their replace directives point
// at, which directories hold a module analysed from source, and the
// import path of a repository directory.

// DirectoryReplaces returns the repository directories that the replace
// directives of a go.mod or go.work (a repository path) point at, with
// the modules they replace.
func (p *Program) DirectoryReplaces(file string) map[string]string {
	data, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(file)))
	if err != nil {
		return nil
	}
	var replaces []*modfile.Replace
	if path.Base(file) == "go.work" {
		f, err := modfile.ParseWork(file, data, nil)
		if err != nil {
			return nil
		}
		replaces = f.Replace
	} else {
		f, err := modfile.Parse(file, data, nil)
		if err != nil {
			return nil
		}
		replaces = f.Replace
	}
	out := map[string]string{}
	for _, r := range replaces {
		if !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		dir := filepath.FromSlash(r.New.Path)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(p.Root, filepath.FromSlash(path.Dir(file)), dir)
		}
		rel, err := filepath.Rel(p.Root, dir)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			continue
		}
		out[filepath.ToSlash(rel)] = r.Old.Path
	}
	return out
}

// IsModuleDir reports whether the repository directory dir holds one of
// the modules analysed from source.
func (p *Program) IsModuleDir(dir string) bool {
	for _, m := range p.Modules {
		if m.Dir == dir {
			return true
		}
	}
	return false
}

// ImportPathOf returns the import path of the package in the repository
// directory dir, from the analysed module holding it, or "".
func (p *Program) ImportPathOf(dir string) string {
	mod, rel := p.ModuleOf(dir)
	switch {
	case mod == nil:
		return ""
	case rel == ".":
		return mod.Path
	}
	return path.Join(mod.Path, rel)
}

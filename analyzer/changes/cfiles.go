package changes

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/load"
	"github.com/blastgate/blastgate/internal/gitrepo"
)

// C headers and cgo preambles: a header changes the package in its
// directory and every package whose C files, headers or cgo preambles
// include it, directly or through other headers of the repository; a
// changed cgo preamble (the comment above import "C") changes its
// package, since it can change any C call of it.

// mapHeader maps a changed header to the packages that hold or include it.
func (g *graph) mapHeader(cs *ChangeSet, p, kind string) ([]int, string) {
	var pkgs []*packages.Package
	seen := map[string]bool{}
	for _, f := range g.includers(cs, p) {
		pkg := g.prog.PackageInDir(path.Dir(f))
		if pkg != nil && !seen[pkg.PkgPath] {
			seen[pkg.PkgPath] = true
			pkgs = append(pkgs, pkg)
		}
	}
	if len(pkgs) == 0 {
		return nil, kind + " in no package's directory and included by none"
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].PkgPath < pkgs[j].PkgPath })
	ids, names := g.wholePackages(pkgs)
	return ids, fmt.Sprintf("%s of or included by %s: every declaration of %s is treated as changed", kind, strings.Join(names, ", "), plural(len(names), "it", "them"))
}

// includers returns the repository files that include the header p,
// directly or through other headers, and p itself, sorted.
func (g *graph) includers(cs *ChangeSet, p string) []string {
	if cs.includes == nil {
		cs.includes = g.scanIncludes()
	}
	reached := map[string]bool{p: true}
	for grew := true; grew; {
		grew = false
		for f, incs := range cs.includes {
			if reached[f] {
				continue
			}
			for _, inc := range incs {
				if reached[inc] || includesAny(f, inc, reached) {
					reached[f], grew = true, true
					break
				}
			}
		}
	}
	return sortedKeys(reached)
}

// includesAny reports whether the #include argument inc of file f can
// name one of the files: relative to f's directory, or (through an -I
// directory) as a path suffix.
func includesAny(f, inc string, files map[string]bool) bool {
	if files[path.Join(path.Dir(f), inc)] {
		return true
	}
	if strings.HasPrefix(inc, "./") || strings.HasPrefix(inc, "../") {
		return false
	}
	for target := range files {
		if target == inc || strings.HasSuffix(target, "/"+inc) {
			return true
		}
	}
	return false
}

// scanIncludes reads the #include lines of the repository's C-family
// files and Go files (cgo preambles), by repository path. Version
// control, hidden, vendor and testdata directories are skipped.
func (g *graph) scanIncludes() map[string][]string {
	out := map[string][]string{}
	root := g.prog.Root
	filepath.WalkDir(root, func(abs string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if abs != root && (strings.HasPrefix(name, ".") || name == "vendor" || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || (load.PackageFileKind(name) == "" && !strings.HasSuffix(name, ".go")) || strings.HasSuffix(name, ".syso") {
			return nil
		}
		src, err := os.ReadFile(abs)
		if err != nil {
			return nil
		}
		if incs := includeArgs(src); len(incs) > 0 {
			rel, _ := filepath.Rel(root, abs)
			out[filepath.ToSlash(rel)] = incs
		}
		return nil
	})
	return out
}

// includeArgs returns the arguments of the #include lines of src, also
// inside // comments (cgo preambles), with their quotes or angle brackets
// removed and cleaned.
func includeArgs(src []byte) []string {
	if !bytes.Contains(src, []byte("#include")) {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimSpace(strings.TrimPrefix(line, "//"))
		rest, ok := strings.CutPrefix(line, "#")
		if !ok {
			continue
		}
		rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "include")
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		if len(rest) < 2 {
			continue
		}
		closer := map[byte]byte{'"': '"', '<': '>'}[rest[0]]
		end := strings.IndexByte(rest[1:], closer)
		if closer == 0 || end < 1 {
			continue
		}
		out = append(out, path.Clean(rest[1:end+1]))
	}
	return out
}

// mapCgoPreamble returns the whole package of a Go file whose cgo
// preamble the change touches (on either side), with a note.
func (g *graph) mapCgoPreamble(fc gitrepo.FileChange, old OldFile) ([]int, string) {
	touched := false
	if fc.NewPath != "" {
		src, err := os.ReadFile(filepath.Join(g.prog.Root, filepath.FromSlash(fc.NewPath)))
		touched = err == nil && preambleTouched(src, fc.NewLines, fc.Status == gitrepo.Added || fc.Binary)
	}
	if !touched && fc.OldPath != "" && (fc.Status == gitrepo.Deleted || len(fc.OldLines) > 0) {
		src, err := old(fc.OldPath)
		touched = err == nil && preambleTouched(src, fc.OldLines, fc.Status == gitrepo.Deleted)
	}
	if !touched {
		return nil, ""
	}
	pkg := g.prog.PackageInDir(path.Dir(fc.Path()))
	if pkg == nil {
		return nil, ""
	}
	return g.wholePackage(pkg), fmt.Sprintf("cgo preamble: every declaration of %s is treated as changed", pkg.PkgPath)
}

// preambleTouched reports whether the line ranges touch the import "C"
// of a Go file or the comment directly above it.
func preambleTouched(src []byte, ranges []gitrepo.LineRange, whole bool) bool {
	if !bytes.Contains(src, []byte(`"C"`)) {
		return false
	}
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments|parser.SkipObjectResolution)
	if f == nil {
		return false
	}
	for _, decl := range f.Decls {
		d, ok := decl.(*ast.GenDecl)
		if !ok || d.Tok != token.IMPORT {
			continue
		}
		for _, spec := range d.Specs {
			is := spec.(*ast.ImportSpec)
			if is.Path.Value != `"C"` {
				continue
			}
			start := is.Pos()
			switch {
			case is.Doc != nil:
				start = is.Doc.Pos()
			case !d.Lparen.IsValid() && d.Doc != nil:
				start = d.Doc.Pos()
			case !d.Lparen.IsValid():
				start = d.Pos()
			}
			if whole || touches(fset, ranges, start, is.End()) {
				return true
			}
		}
	}
	return false
}

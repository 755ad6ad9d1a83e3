package changes

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/load"
	"github.com/blastgate/blastgate/internal/gitrepo"
)

// The files of a package that are not Go code: assembly, C, C++,
// Objective-C, Fortran and SWIG sources, headers and .syso objects. The
// go command builds them into the package whose directory holds them
// (what go list reports as SFiles, CFiles, HFiles, SysoFiles...), so a
// change to one changes that package; Go assembly (.s) changes precisely
// the Go declarations its TEXT symbols implement. Files are recognised by
// extension in the directory of a loaded package, whatever the build
// configuration (load.PackageFileKind).

func isHeader(p string) bool {
	return strings.HasSuffix(load.PackageFileKind(p), "header")
}

// mapPackageFile maps a changed non-Go source file of a package. It
// returns the nodes it changes and a note; no nodes and a note says why
// it maps to nothing.
func (g *graph) mapPackageFile(cs *ChangeSet, fc gitrepo.FileChange, old OldFile) ([]int, string, error) {
	p := fc.Path()
	kind := load.PackageFileKind(p)
	if kind == "" {
		return nil, "", nil
	}
	if isHeader(p) {
		ids, note := g.mapHeader(cs, p, kind)
		return ids, note, nil
	}
	pkg := g.prog.PackageInDir(path.Dir(p))
	if pkg == nil {
		return nil, kind + " outside the directory of any package of the module", nil
	}
	if path.Ext(p) == ".s" {
		return g.mapAssembly(fc, old, pkg)
	}
	return g.wholePackage(pkg), fmt.Sprintf("%s of %s: every declaration of it is treated as changed", kind, pkg.PkgPath), nil
}

// wholePackage returns every node declared in a package (its init
// functions and variable initializers among them, which its init runs),
// and its node when it does not type-check.
func (g *graph) wholePackage(pkg *packages.Package) []int {
	var ids []int
	if n, broken := g.Broken(pkg.PkgPath); broken {
		ids = append(ids, n)
	}
	for _, id := range g.Declared(pkg.PkgPath) {
		// Declarations cgo generates (_Cfunc_page, _Ctype_int, _cgo_...)
		// are reached through the code that uses them.
		if !isCgoGenerated(strings.TrimPrefix(g.Name(id), pkg.PkgPath+".")) {
			ids = append(ids, id)
		}
	}
	return ids
}

func isCgoGenerated(name string) bool {
	return strings.HasPrefix(name, "_C") || strings.HasPrefix(name, "_cgo") || strings.HasPrefix(name, "__cgo")
}

// wholePackages is wholePackage for several packages.
func (g *graph) wholePackages(pkgs []*packages.Package) ([]int, []string) {
	var ids []int
	var names []string
	for _, pkg := range pkgs {
		ids = append(ids, g.wholePackage(pkg)...)
		names = append(names, pkg.PkgPath)
	}
	return ids, names
}

// mapAssembly maps a changed Go assembly file to the Go declarations its
// changed TEXT symbols implement, on the head side with the changed
// lines and on the base side with the removed ones. A changed line
// outside a TEXT body (a #define, #include, DATA or GLOBL line) changes
// every symbol of the file; a symbol that implements no Go declaration of
// the package (a helper only assembly calls) changes the whole package.
func (g *graph) mapAssembly(fc gitrepo.FileChange, old OldFile, pkg *packages.Package) ([]int, string, error) {
	var syms []asmSymbol
	if fc.NewPath != "" {
		src, err := os.ReadFile(filepath.Join(g.prog.Root, filepath.FromSlash(fc.NewPath)))
		if err != nil {
			return nil, "", fmt.Errorf("reading %s: %v", fc.NewPath, err)
		}
		syms = append(syms, changedTextSymbols(src, fc.NewLines, fc.Status == gitrepo.Added || fc.Binary)...)
	}
	if fc.OldPath != "" && (fc.Status == gitrepo.Deleted || len(fc.OldLines) > 0 || fc.Binary) {
		src, err := old(fc.OldPath)
		if err != nil {
			return nil, "", fmt.Errorf("reading %s at the merge base: %v", fc.OldPath, err)
		}
		syms = append(syms, changedTextSymbols(src, fc.OldLines, fc.Status == gitrepo.Deleted || fc.Binary)...)
	}
	var ids []int
	var implemented, helpers []string
	for _, s := range syms {
		target := pkg
		if s.pkg != "" && s.pkg != pkg.PkgPath {
			if target = g.prog.Package(s.pkg); target == nil {
				continue // a symbol of a package outside the module (linknamed)
			}
		}
		found, gone := g.byNames(target, []declKey{s.key})
		if len(gone) > 0 || len(found) == 0 {
			helpers = append(helpers, s.key.qualified(target.PkgPath))
			continue
		}
		ids = append(ids, found...)
		implemented = append(implemented, s.key.qualified(target.PkgPath))
	}
	implemented, helpers = sortedUnique(implemented), sortedUnique(helpers)
	if len(helpers) > 0 {
		return g.wholePackage(pkg), fmt.Sprintf("assembly: %s implements no Go declaration: every declaration of %s is treated as changed", strings.Join(helpers, ", "), pkg.PkgPath), nil
	}
	if len(implemented) == 0 {
		// Only blank lines, or symbols of packages outside the module:
		// whatever it changed, the package links it.
		return g.wholePackage(pkg), fmt.Sprintf("assembly: no TEXT symbol of the module changed: every declaration of %s is treated as changed", pkg.PkgPath), nil
	}
	return ids, "assembly: implements " + strings.Join(implemented, ", "), nil
}

func sortedUnique(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}

// asmSymbol is a TEXT symbol of an assembly file: the Go declaration it
// implements, in the package pkg ("" for the file's own package).
type asmSymbol struct {
	pkg string
	key declKey
}

// changedTextSymbols returns the TEXT symbols of an assembly file whose
// bodies the line ranges touch (all of them when whole, or when a changed
// line is not part of one body: a preprocessor line, DATA or GLOBL, or a
// line before the first TEXT).
func changedTextSymbols(src []byte, ranges []gitrepo.LineRange, whole bool) []asmSymbol {
	type body struct {
		sym         asmSymbol
		first, last int
	}
	var bodies []body
	var shared []int // lines that belong to no single body
	continued := false
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), 1<<24)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		wasContinued := continued
		continued = strings.HasSuffix(line, `\`)
		if sym, ok := textSymbol(line); ok {
			bodies = append(bodies, body{sym: sym, first: n, last: n})
			continue
		}
		switch {
		case line != "" && (len(bodies) == 0 || wasContinued || isSharedAsmLine(line)):
			shared = append(shared, n)
		case len(bodies) > 0:
			bodies[len(bodies)-1].last = n
		}
	}
	hit := func(from, to int) bool {
		for _, r := range ranges {
			if r.Start <= to && r.End >= from {
				return true
			}
		}
		return false
	}
	for _, l := range shared {
		whole = whole || hit(l, l)
	}
	var out []asmSymbol
	for _, b := range bodies {
		if whole || hit(b.first, b.last) {
			out = append(out, b.sym)
		}
	}
	return out
}

// isSharedAsmLine reports whether an assembly line may matter to more
// than the TEXT body it sits in.
func isSharedAsmLine(line string) bool {
	if strings.HasPrefix(line, "#") {
		return true
	}
	word, _, _ := strings.Cut(line, " ")
	word, _, _ = strings.Cut(word, "\t")
	return word == "DATA" || word == "GLOBL"
}

// textSymbol parses a TEXT directive: "TEXT ·Sum(SB), NOSPLIT, $0-32",
// "TEXT example·com∕m·Sum(SB)" (example.com/m.Sum), "TEXT ·(*T).M(SB)", "TEXT \"\".f(SB)".
func textSymbol(line string) (asmSymbol, bool) {
	rest, ok := strings.CutPrefix(line, "TEXT")
	if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return asmSymbol{}, false
	}
	name, _, ok := strings.Cut(strings.TrimSpace(rest), "(SB)")
	if !ok {
		return asmSymbol{}, false
	}
	if i := strings.IndexByte(name, '<'); i >= 0 {
		name = name[:i] // an ABI selector: ·f<ABIInternal>
	}
	var pkg string
	if i := strings.LastIndex(name, "·"); i >= 0 {
		pkg, name = name[:i], name[i+len("·"):]
	} else if rest, ok := strings.CutPrefix(name, `"".`); ok {
		name = rest
	} else {
		return asmSymbol{}, false
	}
	pkg = strings.NewReplacer("∕", "/", "·", ".").Replace(pkg)
	var key declKey
	if recv, method, ok := strings.Cut(name, "."); ok {
		recv = strings.TrimSuffix(strings.TrimPrefix(recv, "(*"), ")")
		key = declKey{recv: recv, name: method}
	} else {
		key = declKey{name: name}
	}
	if key.name == "" {
		return asmSymbol{}, false
	}
	return asmSymbol{pkg: pkg, key: key}, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

package changes

import (
	"cmp"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/report"
)

// ChangeSet is a diff mapped to the symbol graph.
type ChangeSet struct {
	// Changes lists each changed file with the symbols it maps to.
	Changes []report.Change
	// Warnings are files whose changes could not be mapped precisely.
	Warnings []string
	// ctx bounds the go list runs of the mapping.
	ctx context.Context
	// assets say which packages and features read which files at run
	// time (assets.go).
	assets AssetRules
	nodes  map[int]bool
	// touched are the changed lines of the new version of each Go file
	// (by absolute path), for the registrations they touch.
	touched map[string]TouchedLines

	deps       []*depChange      // changes to go.mod, go.sum and vendor/
	depChanges []int             // their indexes in Changes
	locals     map[string]string // replace directories -> the modules they replace

	// Unmapped are the changed files that map to nothing, with why.
	Unmapped []report.Unmapped
	includes map[string][]string // #include lines by file, once a header changed (cfiles.go)
	reads    *[]runtimeRead      // the module's reading calls, once a non-Go file changed (runtime.go)
}

// OldFile returns a file's content at the merge base.
type OldFile func(path string) ([]byte, error)

// Map maps the changed line ranges of a diff to the nodes of g that
// they change, with the configured assets: a changed file they name
// reaches the packages and features that read it. Paths are relative to
// the repository root. The go list runs that dependency changes need
// stop with ctx, and so does the mapping.
func Map(ctx context.Context, view Graph, diff []gitrepo.FileChange, old OldFile, assets AssetRules) (*ChangeSet, error) {
	g := newGraph(view)
	cs := &ChangeSet{ctx: ctx, assets: assets, nodes: map[int]bool{}, touched: map[string]TouchedLines{}}
	for _, fc := range diff {
		if p := fc.NewPath; p != "" && strings.HasSuffix(p, ".go") && !IsTestPath(p) {
			abs := filepath.Join(g.prog.Root, filepath.FromSlash(p))
			t := cs.touched[abs]
			t.Lines = append(t.Lines, fc.NewLines...)
			t.Removed = append(t.Removed, removalPoints(fc.OldLines, fc.NewLines)...)
			cs.touched[abs] = t
		}
		ids, note, err := g.mapFile(fc, old, cs)
		if err != nil {
			return nil, err
		}
		names := map[string]bool{}
		for _, id := range ids {
			cs.nodes[id] = true
			names[g.Name(id)] = true
		}
		c := report.Change{File: fc.Path(), Symbols: sortedKeys(names), Note: note}
		cs.Changes = append(cs.Changes, c)
	}
	g.mapDependencies(cs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cs, nil
}

// mapDependencies turns the dependency changes into the dependency
// packages the module uses, named under the first dependency file.
func (g *graph) mapDependencies(cs *ChangeSet) {
	if len(cs.deps) == 0 {
		return
	}
	ids, ok := g.dependencyNodes(cs.ctx, cs.deps)
	if !ok {
		cs.nodes[g.Module()] = true
		cs.Warnings = append(cs.Warnings, "the build list could not be listed (go list -deps): every package is treated as changed by the dependency change")
		return
	}
	c := &cs.Changes[cs.depChanges[0]]
	for _, id := range ids {
		cs.nodes[id] = true
		c.Symbols = append(c.Symbols, g.Name(id))
	}
	sort.Strings(c.Symbols)
}

func (g *graph) mapFile(fc gitrepo.FileChange, old OldFile, cs *ChangeSet) ([]int, string, error) {
	p := fc.Path()
	mod, rel := g.prog.ModuleOf(p)
	work := g.prog.Workspace != "" && (p == g.prog.Workspace || p == g.prog.Workspace+".sum")
	if work {
		rel = strings.TrimPrefix(path.Base(p), "go.work") // "" or ".sum"
		rel = "go.work" + rel
	}
	switch {
	case work || (mod != nil && (rel == "go.mod" || rel == "go.sum" || strings.HasPrefix(rel, "vendor/"))):
		dc, err := g.mapDependencyFile(fc, rel, old)
		if err != nil {
			return nil, "", err
		}
		cs.deps = append(cs.deps, dc)
		cs.depChanges = append(cs.depChanges, len(cs.Changes))
		ids := g.mainModuleNodes(dc)
		if dc.all {
			return append(ids, g.Module()), strings.Join(dc.why, "; ") + ": every package is treated as changed", nil
		}
		return ids, strings.Join(dc.why, "; "), nil
	case strings.HasSuffix(p, ".go") && IsTestPath(p):
		return nil, "test code: reaches no feature", nil
	case g.replacedModule(cs, p) != "":
		ids, note := g.mapReplaced(cs, g.replacedModule(cs, p))
		return ids, note, nil
	case strings.HasSuffix(p, ".go"):
		var ids []int
		if fc.NewPath != "" {
			newIDs, err := g.mapNewGo(fc, cs)
			if err != nil {
				return nil, "", err
			}
			ids = append(ids, newIDs...)
		}
		var deleted []string
		if fc.OldPath != "" && (fc.Status == gitrepo.Deleted || len(fc.OldLines) > 0 || fc.Binary) {
			oldIDs, gone, err := g.mapOldGo(fc, old)
			if err != nil {
				return nil, "", err
			}
			ids = append(ids, oldIDs...)
			deleted = gone
		}
		note := ""
		if len(deleted) > 0 {
			note = "deleted: " + strings.Join(deleted, ", ")
		}
		if cgo, cgoNote := g.mapCgoPreamble(fc, old); len(cgo) > 0 {
			ids = append(ids, cgo...)
			note = joinNote(note, cgoNote)
		}
		return ids, note, nil
	}
	return g.mapOtherFile(fc, old, cs)
}

// mapOtherFile maps a changed file that is not Go code: to the variables
// embedding it, the package it is a source file of (assembly, C,
// headers, .syso), and the packages and features the config's assets:
// say read it. A file that maps to none of these, outside test data,
// is recorded as unmapped.
func (g *graph) mapOtherFile(fc gitrepo.FileChange, old OldFile, cs *ChangeSet) ([]int, string, error) {
	p := fc.Path()
	ids := g.embeddedBy(fc.NewPath)
	ids = append(ids, g.embeddedBy(fc.OldPath)...)
	note, why := "", ""
	if !IsTestPath(p) {
		pf, pfNote, err := g.mapPackageFile(cs, fc, old)
		if err != nil {
			return nil, "", err
		}
		if len(pf) > 0 {
			ids, note = append(ids, pf...), pfNote
		} else {
			why = pfNote
		}
	}
	if rr, rrNote := g.mapRuntimeReads(cs, p); len(rr) > 0 {
		ids, note = append(ids, rr...), joinNote(note, rrNote)
	}
	if as, asNote := cs.mapAssets(p); len(as) > 0 {
		ids, note = append(ids, as...), joinNote(note, asNote)
	}
	if len(ids) > 0 {
		return ids, note, nil
	}
	if IsTestPath(p) {
		return nil, "test data: reaches no feature", nil
	}
	if why == "" {
		cs.Unmapped = append(cs.Unmapped, report.Unmapped{File: p, Why: "not Go code, not embedded, not a package's source file, not read by a constant path, not in assets:"})
		return nil, "not Go code and not embedded: reaches no feature", nil
	}
	cs.Unmapped = append(cs.Unmapped, report.Unmapped{File: p, Why: why})
	return nil, why + ": reaches no feature", nil
}

// IsTestPath reports whether the repository path p is test code or test
// data: a _test.go file, or a file under a testdata directory. Neither
// reaches a feature.
func IsTestPath(p string) bool {
	if strings.HasSuffix(p, "_test.go") {
		return true
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "testdata" {
			return true
		}
	}
	return false
}

// mapNewGo maps the head side of a Go file change.
func (g *graph) mapNewGo(fc gitrepo.FileChange, cs *ChangeSet) ([]int, error) {
	abs := filepath.Join(g.prog.Root, filepath.FromSlash(fc.NewPath))
	whole := fc.Status == gitrepo.Added || fc.Binary
	ref, loaded := g.prog.File(abs)
	if !loaded {
		pkg := g.prog.PackageInDir(path.Dir(fc.NewPath))
		src, err := os.ReadFile(abs)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %v", fc.NewPath, err)
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, abs, src, parser.SkipObjectResolution)
		if f == nil {
			return nil, fmt.Errorf("parsing %s: %v", fc.NewPath, err)
		}
		if pkg == nil {
			importPath, importers := g.importersOfDir(path.Dir(fc.NewPath))
			if len(importers) > 0 {
				cs.Warnings = append(cs.Warnings, fmt.Sprintf("%s is not part of the default build (build constraints or an ignored directory) and no analysed package lives beside it: not analysed; the packages importing %s are treated as changed", fc.NewPath, importPath))
				return importers, nil
			}
			cs.Warnings = append(cs.Warnings, fmt.Sprintf("%s is not part of the default build (build constraints or an ignored directory) and no analysed package lives beside it: not analysed", fc.NewPath))
			return nil, nil
		}
		// Not analysed under the default build: its declarations are
		// matched by name, and its package is treated as changed (through
		// its init, which every program using the package runs).
		cs.Warnings = append(cs.Warnings, fmt.Sprintf("%s is not part of the default build (build constraints): not analysed; its declarations were matched by name and package %s is treated as changed", fc.NewPath, pkg.PkgPath))
		ids, _ := g.byNames(pkg, declKeys(fset, f, fc.NewLines, whole))
		return append(ids, g.initOf(pkg.PkgPath)), nil
	}
	if n, broken := g.Broken(ref.Package.PkgPath); broken {
		return []int{n}, nil
	}
	return g.declsIn(ref.Package, ref.Syntax, fc.NewLines, whole), nil
}

// declsIn returns the nodes of the declarations of a loaded file that
// the line ranges touch (all of them when whole). A changed package
// clause, build constraint, blank or dot import changes the whole file; a
// changed import changes the declarations that use it.
func (g *graph) declsIn(pkg *packages.Package, f *ast.File, ranges []gitrepo.LineRange, whole bool) []int {
	fset := g.prog.Fset
	info := pkg.TypesInfo
	whole = whole || touches(fset, ranges, f.Package, f.Name.End()) || touchesBuildTag(fset, f, ranges)
	changedImports := map[types.Object]bool{}
	for _, imp := range f.Imports {
		if whole || !touches(fset, ranges, imp.Pos(), imp.End()) {
			continue
		}
		if obj := importObj(info, imp); obj != nil {
			changedImports[obj] = true
		} else {
			whole = true
		}
	}
	var ids []int
	add := func(obj types.Object) {
		if id, ok := g.Object(obj); ok {
			ids = append(ids, id)
		}
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			switch {
			case whole:
				add(info.Defs[d.Name])
			case touches(fset, ranges, d.Pos(), d.End()):
				ids = append(ids, g.changedFuncParts(pkg, d, ranges)...)
			}
		case *ast.GenDecl:
			restChanged := false
			for _, spec := range d.Specs {
				start, end := specRange(d, spec)
				hit := whole || restChanged || touches(fset, ranges, start, end)
				if !hit {
					continue
				}
				switch s := spec.(type) {
				case *ast.TypeSpec:
					add(info.Defs[s.Name])
					ids = append(ids, g.changedFields(info, s, ranges, whole)...)
				case *ast.ValueSpec:
					if d.Tok == token.CONST && len(d.Specs) > 1 {
						restChanged = true // iota and implicit repetition shift what follows
					}
					for _, name := range s.Names {
						if name.Name == "_" {
							ids = append(ids, g.initOf(pkg.PkgPath))
							continue
						}
						add(info.Defs[name])
					}
				}
			}
		}
	}
	if len(changedImports) > 0 {
		ids = append(ids, g.usersOf(pkg, f, changedImports)...)
	}
	return ids
}

// changedFuncParts maps changed lines in a function to the innermost
// closure that holds them, or to the function itself. A closure's first
// and last lines belong to the code around it too.
func (g *graph) changedFuncParts(pkg *packages.Package, d *ast.FuncDecl, ranges []gitrepo.LineRange) []int {
	fset := g.prog.Fset
	outer, ok := g.Object(pkg.TypesInfo.Defs[d.Name])
	if !ok {
		return nil
	}
	var ids []int
	for _, r := range ranges {
		if !touches(fset, []gitrepo.LineRange{r}, d.Pos(), d.End()) {
			continue
		}
		owner := outer
		ast.Inspect(d, func(n ast.Node) bool {
			lit, ok := n.(*ast.FuncLit)
			if !ok {
				return true
			}
			first, last := fset.Position(lit.Pos()).Line, fset.Position(lit.End()).Line
			if r.Start > first && r.End < last {
				if id, ok := g.Closure(lit); ok {
					owner = id // the innermost wins: Inspect goes outside in
				}
			} else if touches(fset, []gitrepo.LineRange{r}, lit.Pos(), lit.End()) {
				if id, ok := g.Closure(lit); ok {
					ids = append(ids, id)
				}
			}
			return true
		})
		ids = append(ids, owner)
		for id, site := range g.WriteSites() {
			if site.Pos() >= d.Pos() && site.End() <= d.End() && touches(fset, []gitrepo.LineRange{r}, site.Pos(), site.End()) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// changedFields returns the fields of a struct type that the ranges touch,
// or all of them when the type's header changed (or whole).
func (g *graph) changedFields(info *types.Info, s *ast.TypeSpec, ranges []gitrepo.LineRange, whole bool) []int {
	st, ok := s.Type.(*ast.StructType)
	if !ok {
		return nil
	}
	whole = whole || touches(g.prog.Fset, ranges, s.Pos(), st.Fields.Opening)
	var ids []int
	for _, fld := range st.Fields.List {
		if !whole && !touches(g.prog.Fset, ranges, fld.Pos(), fld.End()) {
			continue
		}
		ids = append(ids, g.Fields(info, fld)...)
	}
	return ids
}

// usersOf returns the declarations of f that use the given imports.
func (g *graph) usersOf(pkg *packages.Package, f *ast.File, imports map[types.Object]bool) []int {
	var ids []int
	for _, decl := range f.Decls {
		uses := false
		ast.Inspect(decl, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && imports[pkg.TypesInfo.Uses[id]] {
				uses = true
			}
			return !uses
		})
		if !uses {
			continue
		}
		switch d := decl.(type) {
		case *ast.FuncDecl:
			ids = append(ids, g.Decl(pkg, d))
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if id, ok := g.Object(pkg.TypesInfo.Defs[s.Name]); ok {
						ids = append(ids, id)
					}
				case *ast.ValueSpec:
					for _, name := range s.Names {
						if id, ok := g.Object(pkg.TypesInfo.Defs[name]); ok {
							ids = append(ids, id)
						} else if name.Name == "_" {
							ids = append(ids, g.initOf(pkg.PkgPath))
						}
					}
				}
			}
		}
	}
	return ids
}

func importObj(info *types.Info, imp *ast.ImportSpec) types.Object {
	if imp.Name != nil {
		if imp.Name.Name == "_" || imp.Name.Name == "." {
			return nil
		}
		return info.Defs[imp.Name]
	}
	return info.Implicits[imp]
}

// specRange is the extent of a spec, with its doc comment when that
// carries a //go:embed directive, and with the keyword of an unparenthesized
// declaration.
func specRange(d *ast.GenDecl, spec ast.Spec) (token.Pos, token.Pos) {
	start, end := spec.Pos(), spec.End()
	if !d.Lparen.IsValid() {
		start = d.Pos()
		if d.Doc != nil && len(embedPatterns(d.Doc)) > 0 {
			start = d.Doc.Pos()
		}
	}
	if vs, ok := spec.(*ast.ValueSpec); ok && vs.Doc != nil && len(embedPatterns(vs.Doc)) > 0 {
		start = vs.Doc.Pos()
	}
	return start, end
}

func touches(fset *token.FileSet, ranges []gitrepo.LineRange, start, end token.Pos) bool {
	if !start.IsValid() || !end.IsValid() {
		return false
	}
	first, last := fset.Position(start).Line, fset.Position(end).Line
	for _, r := range ranges {
		if r.Start <= last && r.End >= first {
			return true
		}
	}
	return false
}

// touchesBuildTag reports whether a changed line is a //go:build line.
func touchesBuildTag(fset *token.FileSet, f *ast.File, ranges []gitrepo.LineRange) bool {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:build") && touches(fset, ranges, c.Pos(), c.End()) {
				return true
			}
		}
	}
	return false
}

// declKey names a declaration independently of type-checking.
type declKey struct {
	recv, name string // recv is the receiver type name of a method
}

// declKeys returns the keys of the declarations of a parsed file that
// the ranges touch.
func declKeys(fset *token.FileSet, f *ast.File, ranges []gitrepo.LineRange, whole bool) []declKey {
	whole = whole || touches(fset, ranges, f.Package, f.Name.End()) || touchesBuildTag(fset, f, ranges)
	for _, imp := range f.Imports {
		if touches(fset, ranges, imp.Pos(), imp.End()) {
			whole = true // without types, an import change touches the whole file
		}
	}
	var keys []declKey
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if whole || touches(fset, ranges, d.Pos(), d.End()) {
				keys = append(keys, declKey{recv: recvName(d), name: d.Name.Name})
			}
		case *ast.GenDecl:
			restChanged := false
			for _, spec := range d.Specs {
				start, end := specRange(d, spec)
				if !(whole || restChanged || touches(fset, ranges, start, end)) {
					continue
				}
				switch s := spec.(type) {
				case *ast.TypeSpec:
					keys = append(keys, declKey{name: s.Name.Name})
				case *ast.ValueSpec:
					if d.Tok == token.CONST && len(d.Specs) > 1 {
						restChanged = true
					}
					for _, name := range s.Names {
						keys = append(keys, declKey{name: name.Name})
					}
				}
			}
		}
	}
	return keys
}

func (k declKey) qualified(pkgPath string) string {
	if k.recv != "" {
		return pkgPath + "." + k.recv + "." + k.name
	}
	return pkgPath + "." + k.name
}

func recvName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	t := d.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// byNames resolves declaration keys in a loaded package. A method that
// no longer exists changes its type's method set; init functions and blank
// variables change the package's initialization. It also returns the keys
// that name nothing at head: deleted declarations.
func (g *graph) byNames(pkg *packages.Package, keys []declKey) ([]int, []string) {
	if n, broken := g.Broken(pkg.PkgPath); broken {
		return []int{n}, nil
	}
	scope := pkg.Types.Scope()
	var ids []int
	var gone []string
	for _, k := range keys {
		switch {
		case k.recv == "" && (k.name == "init" || k.name == "_"):
			ids = append(ids, g.initOf(pkg.PkgPath))
		case k.recv == "":
			if id, ok := g.Object(scope.Lookup(k.name)); ok {
				ids = append(ids, id)
			} else {
				gone = append(gone, k.qualified(pkg.PkgPath))
			}
		default:
			tn, ok := scope.Lookup(k.recv).(*types.TypeName)
			if !ok {
				gone = append(gone, k.qualified(pkg.PkgPath))
				continue
			}
			sel := types.NewMethodSet(types.NewPointer(tn.Type())).Lookup(pkg.Types, k.name)
			if sel != nil {
				if id, ok := g.Object(sel.Obj().(*types.Func).Origin()); ok {
					ids = append(ids, id)
					continue
				}
			}
			gone = append(gone, k.qualified(pkg.PkgPath))
			if id, ok := g.Object(tn); ok {
				ids = append(ids, id) // its method set changed
			}
		}
	}
	return ids, gone
}

// mapOldGo maps the base side of a Go file change to head symbols.
func (g *graph) mapOldGo(fc gitrepo.FileChange, old OldFile) ([]int, []string, error) {
	pkg := g.prog.PackageInDir(path.Dir(fc.OldPath))
	src, err := old(fc.OldPath)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s at the merge base: %v", fc.OldPath, err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, fc.OldPath, src, parser.SkipObjectResolution)
	if f == nil || f.Name == nil {
		return nil, nil, fmt.Errorf("parsing %s at the merge base: %v", fc.OldPath, err)
	}
	whole := fc.Status == gitrepo.Deleted || fc.Binary
	keys := declKeys(fset, f, fc.OldLines, whole)
	if pkg == nil && fc.Status == gitrepo.Modified {
		// The file is still there, outside this build: its head side
		// answers for it (mapNewGo); nothing it declared is gone.
		return nil, nil, nil
	}
	if pkg == nil || f.Name.Name != pkg.Name {
		// The package is gone (or another lives here): its users changed
		// too, so what it declared is only worth naming.
		importPath := g.prog.ImportPathOf(path.Dir(fc.OldPath))
		var gone []string
		for _, k := range keys {
			gone = append(gone, k.qualified(importPath))
		}
		return nil, gone, nil
	}
	ids, gone := g.byNames(pkg, keys)
	return ids, gone, nil
}

// embeddedBy returns the variables whose //go:embed patterns match the
// repository file p.
func (g *graph) embeddedBy(p string) []int {
	if p == "" {
		return nil
	}
	abs := filepath.Join(g.prog.Root, filepath.FromSlash(p))
	var ids []int
	for _, pkg := range g.prog.Packages {
		if pkg.Dir == "" || !strings.HasPrefix(abs, pkg.Dir+string(filepath.Separator)) {
			continue
		}
		rel := filepath.ToSlash(strings.TrimPrefix(abs, pkg.Dir+string(filepath.Separator)))
		for _, f := range pkg.Syntax {
			for _, decl := range f.Decls {
				d, ok := decl.(*ast.GenDecl)
				if !ok || d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					doc := vs.Doc
					if doc == nil && !d.Lparen.IsValid() {
						doc = d.Doc
					}
					if !embedMatches(embedPatterns(doc), rel) {
						continue
					}
					for _, name := range vs.Names {
						if id, ok := g.Object(pkg.TypesInfo.Defs[name]); ok {
							ids = append(ids, id)
						} else if n, broken := g.Broken(pkg.PkgPath); broken && pkg.TypesInfo.Defs[name] != nil {
							ids = append(ids, n) // a variable of a package that does not type-check
						}
					}
				}
			}
		}
	}
	return ids
}

// embedPatterns returns the patterns of the //go:embed lines of a comment.
func embedPatterns(doc *ast.CommentGroup) []string {
	if doc == nil {
		return nil
	}
	var out []string
	for _, c := range doc.List {
		rest, ok := strings.CutPrefix(c.Text, "//go:embed")
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		out = append(out, splitEmbed(rest)...)
	}
	return out
}

// splitEmbed splits a //go:embed argument list, honouring quotes.
func splitEmbed(s string) []string {
	var out []string
	s = strings.TrimSpace(s)
	for s != "" {
		if s[0] == '"' || s[0] == '`' {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return append(out, s)
			}
			if q, err := strconv.Unquote(s[:end+2]); err == nil {
				out = append(out, q)
			}
			s = strings.TrimSpace(s[end+2:])
			continue
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = strings.TrimSpace(s[i:])
	}
	return out
}

// embedMatches reports whether the package-relative path rel is embedded
// by one of the patterns: a pattern names a file, or a directory that is
// embedded whole. Hidden files are matched too, which over-approximates.
func embedMatches(patterns []string, rel string) bool {
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "all:")
		for cand := rel; cand != "." && cand != "/"; cand = path.Dir(cand) {
			if ok, _ := path.Match(p, cand); ok {
				return true
			}
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TouchedLines are the lines a change touches in the new version of a
// file: the added or changed lines, and the places where lines were
// removed.
type TouchedLines struct {
	Lines []gitrepo.LineRange
	// Removed are the new lines before which old lines were removed.
	Removed []int
}

// Touches reports whether the change touches the lines from..to of the
// new file: changes one of them, or removes a line between two of them.
func (t TouchedLines) Touches(from, to int) bool {
	for _, r := range t.Lines {
		if r.Start <= to && from <= r.End {
			return true
		}
	}
	for _, n := range t.Removed {
		if from < n && n <= to {
			return true
		}
	}
	return false
}

// removalPoints returns, for the removed or changed lines of the old
// file, the line of the new file before which they were: the old and the
// new file pair their unchanged lines in order.
func removalPoints(old, new []gitrepo.LineRange) []int {
	if len(old) == 0 {
		return nil
	}
	old = sortedRanges(old)
	new = sortedRanges(new)
	in := func(rs []gitrepo.LineRange, i *int, l int) bool {
		for *i < len(rs) && rs[*i].End < l {
			*i++
		}
		return *i < len(rs) && rs[*i].Start <= l
	}
	var out []int
	last := old[len(old)-1].End
	o, n, oi, ni := 1, 1, 0, 0
	for o <= last {
		switch {
		case in(old, &oi, o):
			if len(out) == 0 || out[len(out)-1] != n {
				out = append(out, n)
			}
			o++
		case in(new, &ni, n):
			// Skip the whole added range at once.
			n = new[ni].End + 1
		default:
			// Skip to the next changed line of either side at once.
			step := last + 1 - o
			if oi < len(old) && old[oi].Start > o {
				step = min(step, old[oi].Start-o)
			}
			if ni < len(new) && new[ni].Start > n {
				step = min(step, new[ni].Start-n)
			}
			o, n = o+step, n+step
		}
	}
	return out
}

func sortedRanges(rs []gitrepo.LineRange) []gitrepo.LineRange {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b gitrepo.LineRange) int { return a.Start - b.Start })
	return rs
}

// joinNote joins two notes of a file's change, once each.
func joinNote(a, b string) string {
	if a == "" || strings.Contains(a, b) {
		return cmp.Or(a, b)
	}
	return a + "; " + b
}

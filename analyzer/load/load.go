package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"golang.org/x/tools/go/packages"
)

// Program is a module's own packages, type-checked from source; its
// dependencies come from export data, or from their declarations'
// source on a cold build cache (source.go), and are never analysed in
// detail.
type Program struct {
	Fset *token.FileSet
	// Root is the directory positions are made relative to: the
	// repository's top level (or the exported copy of it).
	Root string
	// ModuleDir is the analysed directory, inside Root: the directory
	// holding go.mod, or a workspace's directory.
	ModuleDir string
	// Module is the module path of the analysed module (the first of
	// the workspace when ModuleDir holds no go.mod).
	Module string
	// Modules are the main modules analysed: Module alone, or every
	// module of the workspace, sorted by directory.
	Modules []Module
	// Workspace is the repository's go.work that joined the modules
	// (relative to Root), or "" (one module, or modules joined by
	// replace directives).
	Workspace string
	// Warnings say where the load was less precise than asked.
	Warnings []string
	// Build is the build configuration loaded (zero: the default).
	Build BuildConfig
	// Packages are the modules' packages, sorted by path.
	Packages []*packages.Package
	// Broken holds the packages that did not load or type-check, with
	// their first error; they are analysed at package level.
	Broken map[string]string
	// TestPackages are the test variants of the packages ("p [p.test]"
	// and "p_test [p.test]"), loaded only when tests were asked for.
	TestPackages []*packages.Package

	byPath map[string]*packages.Package
	byFile map[string]File // absolute file name -> package and syntax

	depList []DepPackage // go list -deps, when a dependency changed
	depErr  error

	ws *workspace // the modules loaded together, or nil
}

// File is a loaded Go file: its package and its syntax.
type File struct {
	Package *packages.Package
	Syntax  *ast.File
}

// Config says what to load.
type Config struct {
	// Root is the repository's top level, that positions are reported
	// against.
	Root string
	// ModuleDir is the directory to analyse, inside Root.
	ModuleDir string
	// Tests loads the test variants of the packages too.
	Tests bool
	// Build is the build configuration (zero: the default build).
	Build BuildConfig
	// CacheDir, when set, is where the dependencies' export data is
	// kept by module version (typescache.go); "" keeps none.
	CacheDir string
	// Progress, when set, is told the stage of the load and, while
	// parsing, how many files so far; it may be called from several
	// goroutines.
	Progress func(stage string, n int)
}

func (c Config) progress(stage string, n int) {
	if c.Progress != nil {
		c.Progress(stage, n)
	}
}

// countingParser parses as go/packages does by default, and reports
// each file parsed: the files come once go list has finished, while the
// packages are type-checked.
// With dirs set (dependencies from source), a dependency's file is
// parsed without comments and loses its function bodies (dropBodies).
// A file of the standard library is named $GOROOT/src/..., as export
// data names it, so that positions in it read the same either way.
func countingParser(cfg Config, dirs []string, goroot func() string) func(*token.FileSet, string, []byte) (*ast.File, error) {
	var parsed atomic.Int64
	return func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
		cfg.progress("parsing and type-checking: files", int(parsed.Add(1)))
		if dirs != nil && isDependencyFile(dirs, filename) {
			name := filename
			if g := goroot(); g != "" && strings.HasPrefix(name, g+string(filepath.Separator)) {
				name = "$GOROOT" + name[len(g):]
			}
			f, err := parser.ParseFile(fset, name, src, parser.AllErrors|parser.SkipObjectResolution)
			if f != nil {
				dropBodies(f)
			}
			return f, err
		}
		return parser.ParseFile(fset, filename, src, moduleParseMode)
	}
}

// moduleParseMode parses the analysed modules' files as go/packages
// does, without the parser's object resolution (ast.Ident.Obj,
// ast.File.Scope): blastgate reads identifiers through go/types, and
// resolving them is about a fifth of the parse.
const moduleParseMode = parser.AllErrors | parser.ParseComments | parser.SkipObjectResolution

// loadMode asks for syntax and types of the module's packages only;
// without NeedDeps, go/packages reads dependencies from export data
// (loadModeFor adds NeedDeps to type-check them from source).
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo |
	packages.NeedSyntax | packages.NeedEmbedFiles | packages.NeedModule

// Load type-checks every package of the module in cfg.ModuleDir, and
// their tests when cfg.Tests is set, under cfg.Build; with the other
// modules of its workspace (see findWorkspace) when it has one.
func Load(ctx context.Context, cfg Config) (*Program, error) {
	raiseStartingHeap()
	root, moduleDir := cfg.Root, cfg.ModuleDir
	ws, err := findWorkspace(root, moduleDir)
	if err != nil {
		return nil, err
	}
	if ws == nil {
		if _, err := os.Stat(filepath.Join(moduleDir, "go.mod")); err != nil {
			return nil, fmt.Errorf("no go.mod in %s: blastgate analyses a Go module; run it at the module root or pass -C DIR", displayDir(root, moduleDir))
		}
	}
	p, err := load(ctx, cfg, ws)
	if err != nil && ws != nil && ws.file == "" && ctx.Err() == nil {
		// Modules joined by replace directives that the go command cannot
		// load as one workspace (conflicting replacements, say): the
		// module alone, the others as dependencies, as before.
		alone, errAlone := load(ctx, cfg, nil)
		if errAlone != nil {
			return nil, errAlone
		}
		var dirs []string
		for _, m := range ws.modules {
			dirs = append(dirs, m.Dir)
		}
		alone.Warnings = append(alone.Warnings, fmt.Sprintf("the modules joined by replace directives (%s) do not load as one workspace (%s): %s is analysed alone, and a change in the others is a dependency change; add a go.work to analyse them together", strings.Join(dirs, ", "), strings.TrimPrefix(err.Error(), "loading packages in "), displayDir(root, moduleDir)))
		return alone, nil
	}
	return p, err
}

func load(ctx context.Context, cfg Config, ws *workspace) (*Program, error) {
	root, moduleDir, tests, bc := cfg.Root, cfg.ModuleDir, cfg.Tests, cfg.Build
	p := &Program{
		Fset:      token.NewFileSet(),
		Root:      root,
		ModuleDir: moduleDir,
		Broken:    map[string]string{},
		byPath:    map[string]*packages.Package{},
		byFile:    map[string]File{},
		ws:        ws,
		Build:     bc,
	}
	patterns := []string{"./..."}
	if ws != nil {
		patterns = ws.patterns(root)
		p.Modules = ws.modules
		p.Workspace = ws.file
	}
	var pkgs []*packages.Package
	var fromSource bool
	err := ws.withWork(p.env(), func(env []string) error {
		run := func(ctx context.Context, source bool, listed func()) ([]*packages.Package, error) {
			var dirs []string
			goroot := func() string { return "" }
			if source {
				dirs = analysedDirs(root, moduleDir, ws)
				goroot = goEnvGOROOT(ctx, moduleDir, env)
			}
			parse := countingParser(cfg, dirs, goroot)
			pcfg := &packages.Config{
				Context:    ctx,
				Mode:       loadModeFor(source),
				Dir:        moduleDir,
				Env:        listGC(env),
				BuildFlags: bc.flags(),
				Tests:      tests,
				ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
					listed()
					return parse(fset, filename, src)
				},
			}
			return packages.Load(pcfg, patterns...)
		}
		var cold bool
		var err error
		if pkgs, cold = loadWithCache(ctx, cfg, env, root, moduleDir, ws, patterns); pkgs != nil {
			return nil
		} else if cold && ctx.Err() == nil {
			cfg.progress("listing packages (go list; the build cache lacks export data: dependencies from source)", 0)
			pkgs, err = run(ctx, true, func() {})
			fromSource = true
			return err
		}
		pkgs, fromSource, err = loadDeps(ctx, cfg, run)
		return err
	})
	if err != nil {
		return nil, loadError(displayDir(root, moduleDir), err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no Go packages in %s: point -C at a module with Go code", displayDir(root, moduleDir))
	}
	if fromSource {
		releaseDependencies(pkgs)
	}
	if len(pkgs) > 0 && pkgs[0].Fset != nil {
		p.Fset = pkgs[0].Fset
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].PkgPath < pkgs[j].PkgPath })
	for _, pkg := range pkgs {
		switch {
		case strings.Contains(pkg.ID, " ["): // a test variant
			if len(pkg.Errors) == 0 && pkg.TypesInfo != nil {
				p.TestPackages = append(p.TestPackages, pkg)
			}
			continue
		case strings.HasSuffix(pkg.ID, ".test"): // a generated test main
			continue
		}
		if pkg.Module != nil && pkg.Module.Main && p.Module == "" && ws == nil {
			p.Module = pkg.Module.Path
		}
		if len(pkg.GoFiles) == 0 && len(pkg.CompiledGoFiles) == 0 && len(pkg.Errors) > 0 && pkg.PkgPath == "" {
			// A pattern that matched nothing useful.
			continue
		}
		p.Packages = append(p.Packages, pkg)
		p.byPath[pkg.PkgPath] = pkg
		if len(pkg.Errors) > 0 || pkg.Types == nil || pkg.TypesInfo == nil {
			p.Broken[pkg.PkgPath] = strings.ReplaceAll(brokenMessage(pkg.Errors), root+string(filepath.Separator), "")
		}
		for i, f := range pkg.Syntax {
			name := p.Fset.File(f.Pos()).Name()
			if i < len(pkg.CompiledGoFiles) && name == "" {
				name = pkg.CompiledGoFiles[i]
			}
			p.byFile[filepath.Clean(name)] = File{Package: pkg, Syntax: f}
		}
	}
	if len(p.Packages) == 0 {
		return nil, fmt.Errorf("no Go packages in %s: point -C at a module with Go code", displayDir(root, moduleDir))
	}
	if ws != nil {
		p.Module = ws.modules[0].Path
		if m := ws.moduleIn(relSlash(root, moduleDir)); m != nil {
			p.Module = m.Path
		}
	} else {
		p.Modules = []Module{{Path: p.Module, Dir: relSlash(root, moduleDir)}}
	}
	p.explainImportErrors(ctx)
	return p, nil
}

// BuildFile is the file that stands for the build as a whole in traces:
// the analysed module's go.mod, else the workspace's go.work.
func (p *Program) BuildFile() string {
	if _, err := os.Stat(filepath.Join(p.ModuleDir, "go.mod")); err != nil && p.Workspace != "" {
		return p.Workspace
	}
	return p.RelFile(filepath.Join(p.ModuleDir, "go.mod"))
}

// env is the environment of the go command for this program.
func (p *Program) env() []string {
	if p.ws != nil {
		return append(ReadOnlyEnv(p.ws.vendor != ""), p.Build.env()...)
	}
	_, err := os.Stat(filepath.Join(p.ModuleDir, "vendor", "modules.txt"))
	return append(ReadOnlyEnv(err == nil), p.Build.env()...)
}

// ModuleOf returns the innermost analysed module holding the repository
// path rel (slash-separated), and rel made relative to that module's
// directory; nil and rel when no module holds it.
func (p *Program) ModuleOf(rel string) (*Module, string) {
	var best *Module
	for i := range p.Modules {
		m := &p.Modules[i]
		if m.Dir == "." || rel == m.Dir || strings.HasPrefix(rel, m.Dir+"/") {
			if best == nil || best.Dir == "." || len(m.Dir) > len(best.Dir) {
				best = m
			}
		}
	}
	if best == nil {
		return nil, rel
	}
	if best.Dir == "." {
		return best, rel
	}
	if rel == best.Dir {
		return best, "."
	}
	return best, strings.TrimPrefix(rel, best.Dir+"/")
}

// Package returns the loaded package with the given import path, or nil.
func (p *Program) Package(path string) *packages.Package { return p.byPath[path] }

// File returns the loaded Go file with the given absolute, clean name
// (a compiled file: cgo's output for a cgo file), and whether there is
// one; a file the build leaves out is not loaded.
func (p *Program) File(name string) (File, bool) {
	f, ok := p.byFile[name]
	return f, ok
}

// Files yields every loaded Go file by absolute, clean name, in no
// particular order.
func (p *Program) Files() iter.Seq2[string, File] { return maps.All(p.byFile) }

// PackageInDir returns the package whose files live in the repository
// directory dir (slash-separated, relative to Root), or nil.
func (p *Program) PackageInDir(dir string) *packages.Package {
	abs := filepath.Join(p.Root, filepath.FromSlash(dir))
	for _, pkg := range p.Packages {
		if pkg.Dir == abs {
			return pkg
		}
	}
	return nil
}

// Rel turns a position into one relative to the repository root.
func (p *Program) Rel(pos token.Pos) (string, int) {
	if !pos.IsValid() {
		return "", 0
	}
	position := p.Fset.Position(pos)
	return p.RelFile(position.Filename), position.Line
}

// RelFile makes a file name relative to the repository root
// (slash-separated); a file outside it keeps its name.
func (p *Program) RelFile(name string) string {
	rel, err := filepath.Rel(p.Root, name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(name)
	}
	return filepath.ToSlash(rel)
}

// ReadOnlyEnv is the environment for `go list`: the module may be read,
// never written. -mod=mod (which rewrites go.mod) is dropped; -mod=readonly
// is set unless the module (or workspace) vendors its dependencies.
func ReadOnlyEnv(vendored bool) []string {
	var flags []string
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if strings.HasPrefix(f, "-mod=") || strings.HasPrefix(f, "--mod=") {
			continue
		}
		flags = append(flags, f)
	}
	if !vendored {
		flags = append(flags, "-mod=readonly")
	}
	env := os.Environ()
	return append(env, "GOFLAGS="+strings.Join(flags, " "))
}

func displayDir(root, dir string) string {
	if rel, err := filepath.Rel(root, dir); err == nil && !strings.HasPrefix(rel, "..") {
		if rel == "." {
			return "the repository root"
		}
		return filepath.ToSlash(rel)
	}
	return dir
}

// loadError says why go list failed, without go/packages' wrapping
// ("err: exit status 1: stderr: go: ..."), and what to do.
func loadError(dir string, err error) error {
	msg := firstLine(err.Error())
	if i := strings.Index(msg, "stderr: "); i >= 0 && strings.HasPrefix(msg, "err: ") {
		msg = msg[i+len("stderr: "):]
	}
	if strings.Contains(msg, "requires go >= ") {
		return fmt.Errorf("loading packages in %s: %s: run blastgate with that Go version or newer "+
			"(actions/setup-go with go-version-file: go.mod), or let GOTOOLCHAIN=auto switch to it", dir, msg)
	}
	return fmt.Errorf("loading packages in %s: %s: check that `go list ./...` works there", dir, msg)
}

// brokenMessage says why a package did not load or type-check: the first
// type error (its position is absolute, so it can be made relative to the
// repository), else the first line of the other errors that is not the go
// command's "# pkg" header (go list reports a build failure as
// "-: # pkg\nfile:line: message").
func brokenMessage(errs []packages.Error) string {
	for _, e := range errs {
		if e.Kind == packages.TypeError {
			return firstLine(e.Error())
		}
	}
	for _, e := range errs {
		for _, line := range strings.Split(e.Error(), "\n") {
			line = strings.TrimSpace(line)
			if rest, ok := strings.CutPrefix(line, "-: "); ok {
				line = rest
			}
			if line != "" && !strings.HasPrefix(line, "#") {
				return line
			}
		}
	}
	return "does not type-check"
}

// explainImportErrors replaces "could not import X" in the messages of
// broken packages with why X could not be loaded (a missing go.sum entry,
// a module that is not in the cache and may not be downloaded...), which
// go/packages does not report without loading dependencies: one go list
// call, only when such packages exist.
func (p *Program) explainImportErrors(ctx context.Context) {
	var paths []string
	for pkgPath, msg := range p.Broken {
		if strings.Contains(msg, "could not import ") {
			paths = append(paths, pkgPath)
		}
	}
	if len(paths) == 0 {
		return
	}
	sort.Strings(paths)
	args := append([]string{"list", "-e", "-json=ImportPath,DepsErrors", "--"}, paths...)
	out, err := p.GoCommand(ctx, args...)
	if err != nil {
		return // keep the type checker's message
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var lp struct {
			ImportPath string
			DepsErrors []struct{ Pos, Err string }
		}
		if err := dec.Decode(&lp); err != nil {
			return
		}
		if _, ok := p.Broken[lp.ImportPath]; !ok || len(lp.DepsErrors) == 0 {
			continue
		}
		// "FILE:L:C: could not import X (invalid package name: "")"
		// becomes "FILE:L:C: could not import X: why".
		msg := p.Broken[lp.ImportPath]
		i := strings.Index(msg, "could not import ") + len("could not import ")
		if j := strings.IndexByte(msg[i:], ' '); j >= 0 {
			msg = msg[:i+j]
		}
		imported := msg[i:]
		pos, _, _ := strings.Cut(msg, ": could not import ")
		for _, e := range lp.DepsErrors {
			// The error about this import names it, or sits at its
			// position (relative to the module, not the repository).
			samePos := e.Pos != "" && (pos == e.Pos || strings.HasSuffix(pos, "/"+e.Pos))
			if strings.Contains(e.Err, imported) || samePos {
				why := strings.ReplaceAll(strings.Join(strings.Fields(e.Err), " "), p.Root+string(filepath.Separator), "")
				p.Broken[lp.ImportPath] = msg + ": " + why
				break
			}
		}
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

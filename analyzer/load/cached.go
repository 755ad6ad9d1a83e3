package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

var timeNow = time.Now

// typesCacheObserve, when set (by tests), is told how many dependencies
// the module imports and which were missing from the cache.
var typesCacheObserve func(imported int, missing []string)

// errNotCached says that the load with cached types does not apply
// (see loadCached): the caller loads as without a cache.
var errNotCached = errors.New("the dependencies' types cache does not apply")

// errColdBuild says that the build cache lacks export data the types
// cache lacks too: the load takes the dependencies from source.
var errColdBuild = fmt.Errorf("%w: a cold build cache", errNotCached)

// listMode asks go list for the build graph only: no -export, no
// -compiled (each hashes every file of the build).
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
	packages.NeedDeps | packages.NeedModule | packages.NeedEmbedFiles

// cachedLoad is one load with the dependencies' types from the cache.
type cachedLoad struct {
	cfg   Config
	env   []string
	cache *typesCache
	dirs  []string // the analysed modules' directories
	debug func(format string, args ...any)
}

// loadCached loads the module's packages (the same *packages.Package
// values as go/packages gives in loadMode, see load) with one go list
// -deps, its own packages type-checked from source and the dependencies
// they import read from the cache's export data; the dependencies not
// cached yet come from one go list -export on them, and are kept for
// the next run. It returns errNotCached when the module is one this
// load does not handle (cgo in its own packages, a dependency importing
// one of them, a package go list reports an error for, a build cache
// that lacks the missing export data): the caller then loads as before.
func (l *cachedLoad) load(ctx context.Context, patterns []string) ([]*packages.Package, error) {
	facts := make(chan buildFacts, 1)
	go func() { facts <- l.goEnv(ctx) }()
	fset := token.NewFileSet()
	files := newFileTable()
	defer files.stopPreParse()
	go l.preParse(ctx, fset, files)
	pcfg := &packages.Config{
		Context:    ctx,
		Mode:       listMode,
		Dir:        l.cfg.ModuleDir,
		Env:        listGC(l.env),
		BuildFlags: l.cfg.Build.flags(),
		Tests:      l.cfg.Tests,
	}
	l.cfg.progress("listing packages (go list)", 0)
	roots, err := packages.Load(pcfg, patterns...)
	f := <-facts
	if err != nil {
		return nil, notCached("go list: %v", err)
	}
	if f.env == nil {
		return nil, notCached("go env failed")
	}
	f.tags = l.cfg.Build.Tags

	isRoot := map[*packages.Package]bool{}
	for _, p := range roots {
		isRoot[p] = true
	}
	var all []*packages.Package // dependencies first
	packages.Visit(roots, nil, func(p *packages.Package) { all = append(all, p) })
	isMain := func(p *packages.Package) bool {
		if p.Module != nil && p.Module.Main {
			return true
		}
		return p.Dir != "" && !isDependencyFile(l.dirs, filepath.Join(p.Dir, "x.go"))
	}
	var own []*packages.Package // type-checked from source
	direct := map[*packages.Package]bool{}
	for _, p := range all {
		if strings.HasSuffix(p.ID, ".test") && p.Name == "main" {
			continue // a generated test main, which load drops
		}
		if !isMain(p) {
			for _, imp := range p.Imports {
				if isMain(imp) {
					return nil, notCached("%s (a dependency) imports %s", p.ID, imp.ID)
				}
			}
			continue
		}
		if len(p.Errors) > 0 {
			return nil, notCached("%s: %s", p.ID, p.Errors[0].Msg)
		}
		own = append(own, p)
		for _, imp := range p.Imports {
			if !isMain(imp) && imp.ID != "unsafe" {
				direct[imp] = true
			}
		}
	}

	for _, p := range all {
		p.Fset = fset
	}
	// Every dependency's types.Package, shared by every export data read
	// (as go/packages does), so that a type has one identity.
	depTypes := map[string]*types.Package{}
	for _, p := range all {
		if !isMain(p) && p.PkgPath != "" && p.ID != "unsafe" {
			if _, ok := depTypes[p.PkgPath]; !ok {
				depTypes[p.PkgPath] = types.NewPackage(p.PkgPath, p.Name)
			}
			p.Types = depTypes[p.PkgPath]
			p.Fset = fset
		}
	}

	// The dependencies' export data: from the cache, else from go list
	// -export (then kept), run while the module's files are parsed.
	keys := newDepKeys(f, isMain)
	exports := map[*packages.Package][]byte{}
	var missing []*packages.Package
	for p := range direct {
		if k := keys.key(p); k != "" {
			if data, ok := l.cache.get(k); ok {
				exports[p] = data
				continue
			}
		}
		missing = append(missing, p)
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].ID < missing[j].ID })
	l.debug("types cache: %d dependencies imported, %d from the cache, %d missing", len(direct), len(direct)-len(missing), len(missing))
	if typesCacheObserve != nil {
		var ids []string
		for _, p := range missing {
			ids = append(ids, p.ID)
		}
		typesCacheObserve(len(direct), ids)
	}

	var parseErr error
	parsed := make(chan struct{})
	syntax := map[*packages.Package][]*ast.File{}
	parseErrs := map[*packages.Package][]error{}
	go func() {
		defer close(parsed)
		syntax, parseErrs, parseErr = l.parse(ctx, fset, own, files)
	}()
	if len(missing) > 0 {
		if err := l.exportMissing(ctx, missing, keys, exports); err != nil {
			<-parsed
			return nil, err
		}
	}
	// Read the export data while the files are parsed (one package at a
	// time: the reads share depTypes), in a fixed order.
	imported := make([]*packages.Package, 0, len(direct))
	for p := range direct {
		imported = append(imported, p)
	}
	sort.Slice(imported, func(i, j int) bool { return imported[i].ID < imported[j].ID })
	for _, p := range imported {
		if _, err := gcexportdata.Read(bytes.NewReader(exports[p]), fset, depTypes, p.PkgPath); err != nil {
			<-parsed
			return nil, notCached("reading the export data of %s: %v", p.ID, err)
		}
	}
	<-parsed
	if parseErr != nil {
		return nil, parseErr
	}
	for _, p := range own {
		for _, file := range syntax[p] {
			for _, imp := range file.Imports {
				if imp.Path.Value == `"C"` {
					return nil, notCached("%s uses cgo", p.ID)
				}
			}
		}
	}

	l.check(ctx, fset, own, syntax, parseErrs, f.env["GOARCH"])
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, p := range own {
		p.CompiledGoFiles = p.GoFiles
		if !isRoot[p] {
			// As go/packages leaves a module package that is not a root
			// (a test variant of one, for another's test): types only.
			p.Syntax, p.TypesInfo = nil, nil
		}
	}
	return roots, nil
}

func notCached(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errNotCached}, args...)...)
}

// goEnv asks go env for the build facts; nil env when it fails.
func (l *cachedLoad) goEnv(ctx context.Context) buildFacts {
	cmd := exec.CommandContext(ctx, "go", append([]string{"env", "-json"}, buildEnvVars...)...)
	cmd.Dir = l.cfg.ModuleDir
	cmd.Env = l.env
	out, err := cmd.Output()
	if err != nil {
		return buildFacts{}
	}
	var env map[string]string
	if json.Unmarshal(out, &env) != nil {
		return buildFacts{}
	}
	return buildFacts{env: env}
}

// parse parses the module's packages' files as go/packages would (the
// same parser, the same progress), in parallel; a file shared by
// several packages (a test variant) is parsed once, as go/packages
// does. Files the pre-parse (preParse) read already are taken from it
// when they have not changed since.
func (l *cachedLoad) parse(ctx context.Context, fset *token.FileSet, own []*packages.Package, files *fileTable) (map[*packages.Package][]*ast.File, map[*packages.Package][]error, error) {
	files.stopPreParse()
	var parsed atomic.Int64
	type job struct {
		pkg  *packages.Package
		i    int
		name string
	}
	syntax := map[*packages.Package][]*ast.File{}
	errs := map[*packages.Package][]error{}
	var jobs []job
	for _, p := range own {
		syntax[p] = make([]*ast.File, len(p.GoFiles))
		for i, name := range p.GoFiles {
			jobs = append(jobs, job{p, i, name})
		}
	}
	fileErrs := make([]error, len(jobs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	for i, j := range jobs {
		g.Go(func() error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			f, err := files.get(fset, j.name, true)
			l.cfg.progress("parsing and type-checking: files", int(parsed.Add(1)))
			mu.Lock()
			syntax[j.pkg][j.i] = f
			fileErrs[i] = err
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	for i, j := range jobs {
		if fileErrs[i] != nil {
			errs[j.pkg] = append(errs[j.pkg], fileErrs[i])
		}
	}
	for p, fs := range syntax {
		kept := fs[:0]
		for _, f := range fs {
			if f != nil {
				kept = append(kept, f)
			}
		}
		syntax[p] = kept
	}
	return syntax, errs, nil
}

// fileTable parses each file once, shared by the packages that hold it
// and by the pre-parse.
type fileTable struct {
	mu    sync.Mutex
	files map[string]*tableFile
	stop  chan struct{}
	once  sync.Once
}

type tableFile struct {
	once sync.Once
	src  []byte
	f    *ast.File
	err  error
	pre  bool // parsed by the pre-parse: checked against the file on use
	mu   sync.Mutex
	used bool
}

func newFileTable() *fileTable {
	return &fileTable{files: map[string]*tableFile{}, stop: make(chan struct{})}
}

func (t *fileTable) stopPreParse() { t.once.Do(func() { close(t.stop) }) }

func (t *fileTable) entry(name string) *tableFile {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.files[name]
	if !ok {
		e = &tableFile{}
		t.files[name] = e
	}
	return e
}

// get returns the syntax of the file, parsed once; for the load (use),
// a file the pre-parse read is read again and parsed afresh if it has
// changed since.
func (t *fileTable) get(fset *token.FileSet, name string, use bool) (*ast.File, error) {
	e := t.entry(name)
	e.once.Do(func() {
		e.pre = !use
		e.src, e.err = os.ReadFile(name)
		if e.err == nil {
			e.f, e.err = parser.ParseFile(fset, name, e.src, moduleParseMode)
		}
	})
	if !use {
		return nil, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pre && !e.used {
		e.used = true
		if src, err := os.ReadFile(name); err != nil || !bytes.Equal(src, e.src) {
			e.src, e.err = src, err
			e.f = nil
			if err == nil {
				e.f, e.err = parser.ParseFile(fset, name, src, moduleParseMode)
			}
		}
	}
	e.used = true
	return e.f, e.err
}

// maxPreParse bounds the files the pre-parse reads.
const maxPreParse = 5000

// preParse parses the Go files of the analysed modules' directories
// while go list runs (the load would otherwise wait for it, then parse):
// what the build leaves out is parsed for nothing, what it includes is
// taken by parse. It stops once parse starts.
func (l *cachedLoad) preParse(ctx context.Context, fset *token.FileSet, t *fileTable) {
	var names []string
	for _, dir := range l.dirs {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || len(names) >= maxPreParse {
				return filepath.SkipDir
			}
			name := d.Name()
			if d.IsDir() {
				if path != dir {
					if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
						return filepath.SkipDir
					}
					if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
						return filepath.SkipDir // another module
					}
				}
				return nil
			}
			if strings.HasSuffix(name, ".go") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_") &&
				(l.cfg.Tests || !strings.HasSuffix(name, "_test.go")) {
				names = append(names, path)
			}
			return nil
		})
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, name := range names {
		select {
		case <-t.stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		g.Go(func() error {
			select {
			case <-t.stop:
			default:
				_, _ = t.get(fset, name, false)
			}
			return nil
		})
	}
	_ = g.Wait()
}

// exportMissing asks go list -export for the missing dependencies'
// export data, keeps what may be kept, and fills exports. A build cache
// that lacks it would compile: past exportWait, if the go command is
// compiling, it gives up (errNotCached), as loadDeps does.
func (l *cachedLoad) exportMissing(ctx context.Context, missing []*packages.Package, keys *depKeys, exports map[*packages.Package][]byte) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// -pgo=off as go/packages does: a profile changes inlining, not types.
	args := append([]string{"list", "-e", "-deps", "-export", "-pgo=off", "-json=ImportPath,Export,CgoFiles,Standard,Imports,Error"}, l.cfg.Build.flags()...)
	args = append(args, "--")
	for _, p := range missing {
		args = append(args, p.ID)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = l.cfg.ModuleDir
	cmd.Env = listGC(l.env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return notCached("go list -export: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(exportWait)
	defer timer.Stop()
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-timer.C:
			if yes, known := compiling(); yes || !known {
				cancel()
				<-done
				return fmt.Errorf("%w: go list -export is compiling", errColdBuild)
			}
			timer.Reset(max(exportWait/6, 50*time.Millisecond))
		}
	}
	if err != nil {
		return notCached("go list -export: %v: %s", err, firstLine(stderr.String()))
	}
	type listed struct {
		ImportPath string
		Export     string
		CgoFiles   []string
		Standard   bool
		Imports    []string
		Error      *struct{ Err string }
	}
	byPath := map[string]*listed{}
	dec := json.NewDecoder(&stdout)
	for {
		var lp listed
		if err := dec.Decode(&lp); err == io.EOF {
			break
		} else if err != nil {
			return notCached("go list -export: %v", err)
		}
		byPath[lp.ImportPath] = &lp
	}
	// A dependency using cgo outside the standard library, or importing
	// one that does, is never kept.
	tainted := map[string]bool{}
	var taint func(path string, depth int) bool
	taint = func(path string, depth int) bool {
		if t, ok := tainted[path]; ok {
			return t
		}
		lp := byPath[path]
		tainted[path] = true // fail safe, and cycles
		if lp == nil || depth > 1000 || lp.Error != nil || (!lp.Standard && len(lp.CgoFiles) > 0) {
			return true
		}
		for _, imp := range lp.Imports {
			if imp != "C" && taint(imp, depth+1) {
				return true
			}
		}
		tainted[path] = false
		return false
	}
	for _, p := range missing {
		lp := byPath[p.ID]
		if lp == nil || lp.Export == "" {
			return notCached("go list -export gave no export data for %s", p.ID)
		}
		data, err := readExportData(lp.Export)
		if err != nil {
			return notCached("reading the export data of %s: %v", p.ID, err)
		}
		exports[p] = data
		if k := keys.key(p); k != "" && !taint(p.ID, 0) {
			if err := l.cache.put(k, data); err != nil {
				l.debug("types cache: not written: %v", err)
			}
		}
	}
	return nil
}

// check type-checks the module's packages from source, each once its
// imports are, as go/packages does (the same checker configuration, the
// same errors).
func (l *cachedLoad) check(ctx context.Context, fset *token.FileSet, own []*packages.Package, syntax map[*packages.Package][]*ast.File, parseErrs map[*packages.Package][]error, goarch string) {
	sizes := types.SizesFor("gc", goarch)
	if sizes == nil {
		sizes = types.SizesFor("gc", runtime.GOARCH)
	}
	isOwn := map[*packages.Package]bool{}
	for _, p := range own {
		isOwn[p] = true
		p.Types = types.NewPackage(p.PkgPath, p.Name)
		p.Fset = fset
	}
	done := map[*packages.Package]chan struct{}{}
	for _, p := range own {
		done[p] = make(chan struct{})
	}
	var g errgroup.Group
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, p := range own {
		g.Go(func() error {
			defer close(done[p])
			for _, imp := range p.Imports {
				if isOwn[imp] {
					<-done[imp]
				}
			}
			if ctx.Err() != nil {
				return nil
			}
			limit <- struct{}{}
			defer func() { <-limit }()
			checkPackage(fset, p, syntax[p], parseErrs[p], sizes)
			return nil
		})
	}
	_ = g.Wait()
}

func checkPackage(fset *token.FileSet, p *packages.Package, files []*ast.File, parseErrs []error, sizes types.Sizes) {
	appendError := func(err error) {
		switch err := err.(type) {
		case packages.Error:
			p.Errors = append(p.Errors, err)
		case *os.PathError:
			p.Errors = append(p.Errors, packages.Error{Pos: err.Path + ":1", Msg: err.Err.Error(), Kind: packages.ParseError})
		case scanner.ErrorList:
			for _, err := range err {
				p.Errors = append(p.Errors, packages.Error{Pos: err.Pos.String(), Msg: err.Msg, Kind: packages.ParseError})
			}
		case types.Error:
			p.TypeErrors = append(p.TypeErrors, err)
			p.Errors = append(p.Errors, packages.Error{Pos: err.Fset.Position(err.Pos).String(), Msg: err.Msg, Kind: packages.TypeError})
		default:
			p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
		}
	}
	for _, err := range parseErrs {
		appendError(err)
	}
	p.Syntax = files
	p.TypesInfo = &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Instances:    make(map[*ast.Ident]types.Instance),
		Scopes:       make(map[ast.Node]*types.Scope),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		FileVersions: make(map[*ast.File]string),
	}
	importer := importerFunc(func(path string) (*types.Package, error) {
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		ipkg := p.Imports[path]
		if ipkg == nil {
			return nil, fmt.Errorf("no metadata for %s", path)
		}
		if ipkg.Types != nil && ipkg.Types.Complete() {
			return ipkg.Types, nil
		}
		return nil, fmt.Errorf("could not import %s: no types", path)
	})
	tc := &types.Config{Importer: importer, Error: appendError, Sizes: sizes}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	typErr := types.NewChecker(tc, fset, p.Types, p.TypesInfo).Files(files)
	if typErr != nil && len(p.Errors) == 0 && len(files) > 0 {
		if msg := typErr.Error(); strings.HasPrefix(msg, "package requires newer Go version") {
			appendError(types.Error{Fset: fset, Pos: files[0].Package, Msg: msg})
		}
	}
	if typErr != nil && len(p.Errors) == 0 {
		appendError(typErr)
	}
	ill := len(p.Errors) > 0
	for _, imp := range p.Imports {
		if imp.IllTyped {
			ill = true
		}
	}
	p.IllTyped = ill
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// loadWithCache loads with the dependencies' types from cfg.CacheDir
// (or $BLASTGATE_TYPES_CACHE) when it is set and BLASTGATE_DEPS does
// not force a load; nil when it does not apply, and the load goes on as
// without a cache, with cold set when the build cache lacks export data
// (the dependencies then come from source at once).
func loadWithCache(ctx context.Context, cfg Config, env []string, root, moduleDir string, ws *workspace, patterns []string) (pkgs []*packages.Package, cold bool) {
	if cfg.CacheDir == "" {
		cfg.CacheDir = os.Getenv("BLASTGATE_TYPES_CACHE")
	}
	if cfg.CacheDir == "" || os.Getenv("BLASTGATE_DEPS") != "" {
		return nil, false
	}
	debug := func(format string, args ...any) {
		if os.Getenv("BLASTGATE_DEBUG") == "cache" {
			fmt.Fprintf(os.Stderr, "blastgate: "+format+"\n", args...)
		}
	}
	c, err := openTypesCache(cfg.CacheDir)
	if err != nil {
		debug("types cache: not usable: %v", err)
		return nil, false
	}
	l := &cachedLoad{cfg: cfg, env: env, cache: c, dirs: analysedDirs(root, moduleDir, ws), debug: debug}
	pkgs, err = l.load(ctx, patterns)
	if err != nil {
		debug("types cache: %v; loading without it", err)
		return nil, errors.Is(err, errColdBuild)
	}
	return pkgs, false
}

// readExportData returns the export data in the compiler's output file
// (an archive whose object code the analysis never reads), as
// gcexportdata.Read takes it.
func readExportData(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

package analyzer

import (
	"context"
	"go/ast"
	"path/filepath"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/load"
)

// Loading lives in package load; these names keep the analyzer's API
// (and its own code) unchanged.

// Program is a module's own packages, type-checked from source (see
// load.Program), with the indexes the analysis looks them up by.
type Program struct {
	*load.Program

	byPath map[string]*packages.Package
	byFile map[string]fileRef // absolute file name -> package and syntax
}

type fileRef struct {
	pkg  *packages.Package
	file *ast.File
}

// BuildConfig is a build other than the default one (see load.BuildConfig).
type BuildConfig = load.BuildConfig

// Module is a main module of the analysis (see load.Module).
type Module = load.Module

type depPackage = load.DepPackage

// Load type-checks every package of the module in moduleDir, and their
// tests when tests is set; with the other modules of its workspace when
// it has one. root is the repository top level that positions are
// reported against.
func Load(ctx context.Context, root, moduleDir string, tests bool) (*Program, error) {
	return LoadBuild(ctx, root, moduleDir, tests, BuildConfig{})
}

// LoadBuild is Load under a build configuration.
func LoadBuild(ctx context.Context, root, moduleDir string, tests bool, bc BuildConfig) (*Program, error) {
	lp, err := load.Load(ctx, load.Config{
		Root:      root,
		ModuleDir: moduleDir,
		Tests:     tests,
		Build:     bc,
		CacheDir:  typesCacheDir(ctx),
		Progress:  func(stage string, n int) { ReportProgress(ctx, stage, n) },
	})
	if err != nil {
		return nil, err
	}
	return newProgram(lp), nil
}

type typesCacheKey struct{}

// WithTypesCache returns ctx telling the loads run under it to keep the
// dependencies' export data in dir, by module version (see
// load.Config.CacheDir); "" keeps none.
func WithTypesCache(ctx context.Context, dir string) context.Context {
	return context.WithValue(ctx, typesCacheKey{}, dir)
}

func typesCacheDir(ctx context.Context) string {
	dir, _ := ctx.Value(typesCacheKey{}).(string)
	return dir
}

func newProgram(lp *load.Program) *Program {
	p := &Program{
		Program: lp,
		byPath:  make(map[string]*packages.Package, len(lp.Packages)),
		byFile:  map[string]fileRef{},
	}
	for _, pkg := range lp.Packages {
		p.byPath[pkg.PkgPath] = pkg
	}
	for name, f := range lp.Files() {
		p.byFile[name] = fileRef{pkg: f.Package, file: f.Syntax}
	}
	return p
}

// HostPlatform is the GOOS and GOARCH of the default build.
func HostPlatform() (goos, goarch string) { return load.HostPlatform() }

// PackageFileKind names the kind of a package's non-Go source file
// (assembly, C, headers, .syso...), or returns "" for any other file
// (see load.PackageFileKind).
func PackageFileKind(p string) string { return load.PackageFileKind(p) }

func packageFileKind(p string) string { return load.PackageFileKind(p) }

// The analyzer's names for load.Program's methods, so that its call
// sites read as before the split; new code can call the exported ones.

func (p *Program) buildFile() string                                  { return p.BuildFile() }
func (p *Program) moduleOf(rel string) (*Module, string)              { return p.ModuleOf(rel) }
func (p *Program) packageInDir(dir string) *packages.Package          { return p.PackageInDir(dir) }
func (p *Program) relFile(name string) string                         { return p.RelFile(name) }
func (p *Program) listDeps(ctx context.Context) ([]depPackage, error) { return p.ListDeps(ctx) }

func (p *Program) directoryReplaces(file string) map[string]string { return p.DirectoryReplaces(file) }
func (p *Program) isModuleDir(dir string) bool                     { return p.IsModuleDir(dir) }
func (p *Program) importPathOf(dir string) string                  { return p.ImportPathOf(dir) }

// filepathRel is filepath.Rel, slash-separated.
func filepathRel(root, dir string) (string, error) {
	rel, err := filepath.Rel(root, dir)
	return filepath.ToSlash(rel), err
}

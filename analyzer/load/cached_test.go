package load

import (
	"context"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"
)

// typesModule writes a module importing the standard library, a module
// from the module cache (golang.org/x/sync, which blastgate requires)
// and a module replaced by a directory outside the repository.
func typesModule(t *testing.T) string {
	dir := t.TempDir()
	root := filepath.Join(dir, "repo")
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("repo/go.mod", "module example.com/p\n\ngo 1.26.0\n\nrequire (\n\tgolang.org/x/sync v0.24.0\n\texample.com/dep v0.0.0\n)\n\nreplace example.com/dep => ../dep\n")
	write("repo/go.sum", "golang.org/x/sync v0.24.0 h1:iqiDrGoDgyuvAKrhLQthUEzU/R378N78gXbBjxed7oA=\ngolang.org/x/sync v0.24.0/go.mod h1:sUUOizhqBxiL6pEWpqNLUiaJn1ShEbZ6BBqskPbjZm0=\n")
	write("repo/a/a.go", `package a

import (
	"context"
	"net/url"

	"example.com/dep"
	"golang.org/x/sync/errgroup"
)

// A parses s.
func A(s string) (*url.URL, error) { return url.Parse(s) }

// G is a group.
func G(ctx context.Context) (*errgroup.Group, context.Context) { return errgroup.WithContext(ctx) }

// D is the dependency's.
func D() dep.T { return dep.T{} }
`)
	write("repo/b/b.go", "package b\n\nimport \"example.com/p/a\"\n\nvar U, _ = a.A(\"x\")\n")
	write("repo/b/b_test.go", "package b\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) { _ = U }\n")
	write("dep/go.mod", "module example.com/dep\n\ngo 1.22\n")
	write("dep/dep.go", "package dep\n\n// T is a type.\ntype T struct{ N int }\n")
	return root
}

// signatures lists every package-level object of the module's packages
// and of their test variants, with its type, and every type the checker
// recorded, as text: what a load gives the analysis.
func signatures(p *Program) string {
	var lines []string
	for _, pkg := range append(append([]*packages.Package{}, p.Packages...), p.TestPackages...) {
		scope := pkg.Types.Scope()
		for _, name := range scope.Names() {
			lines = append(lines, pkg.ID+" "+name+" "+scope.Lookup(name).Type().String())
		}
		for e, tv := range pkg.TypesInfo.Types {
			pos := p.Fset.Position(e.Pos())
			lines = append(lines, pkg.ID+" "+filepath.Base(pos.Filename)+":"+pos.String()[len(pos.Filename):]+" "+types.TypeString(tv.Type, nil))
		}
		lines = append(lines, pkg.ID+" files "+strings.Join(pkg.CompiledGoFiles, ","))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestTypesCache loads a module without the types cache, then with it
// empty (every imported dependency from go list -export, then kept) and
// full (read from it): the three loads give the same types. A corrupt
// entry is a miss, and the module replaced by a directory is never kept.
func TestTypesCache(t *testing.T) {
	t.Setenv("BLASTGATE_TYPES_CACHE", "")
	root := typesModule(t)
	cache := t.TempDir()
	var imported int
	var missing []string
	typesCacheObserve = func(n int, m []string) { imported, missing = n, m }
	defer func() { typesCacheObserve = nil }()
	load := func(cacheDir string, tests bool) *Program {
		imported, missing = 0, nil
		p, err := Load(context.Background(), Config{Root: root, ModuleDir: root, Tests: tests, CacheDir: cacheDir})
		require.NoError(t, err)
		assert.Empty(t, p.Broken)
		return p
	}
	for _, tests := range []bool{false, true} {
		want := signatures(load("", tests))
		assert.Zero(t, imported, "no cache, no cached load")

		assert.Equal(t, want, signatures(load(cache, tests)))
		n := 4 // context, net/url, errgroup, dep
		if tests {
			n++ // testing
		}
		assert.Equal(t, n, imported)
		if tests {
			assert.Equal(t, []string{"example.com/dep", "testing"}, missing, "the rest kept by the first loads")
		} else {
			assert.Len(t, missing, n, "an empty cache")
		}
		first := missing

		assert.Equal(t, want, signatures(load(cache, tests)))
		assert.Equal(t, []string{"example.com/dep"}, missing, "kept after %v, but for the replaced module", first)
	}

	// Every entry corrupt: each is a miss, and is written again.
	entries, err := filepath.Glob(filepath.Join(cache, "types", "*", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for i, e := range entries {
		data, err := os.ReadFile(e)
		require.NoError(t, err)
		if i%2 == 0 {
			data = data[:len(data)/2] // truncated
		} else {
			data[len(data)-1] ^= 0xff // a byte changed
		}
		require.NoError(t, os.WriteFile(e, data, 0o644))
	}
	want := signatures(load("", true))
	assert.Equal(t, want, signatures(load(cache, true)))
	assert.Len(t, missing, 5, "every entry corrupt")
	assert.Equal(t, want, signatures(load(cache, true)))
	assert.Equal(t, []string{"example.com/dep"}, missing, "written again")
}

func TestDepKeys(t *testing.T) {
	facts := buildFacts{env: map[string]string{"GOROOT": "/goroot", "GOMODCACHE": "/mod", "GOVERSION": "go1.26.8"}}
	mainPkg := func(p *packages.Package) bool { return p.Module != nil && p.Module.Main }
	std := &packages.Package{ID: "net/url", Name: "url", PkgPath: "net/url", Dir: "/goroot/src/net/url"}
	mod := &packages.Package{ID: "x.org/m", Name: "m", PkgPath: "x.org/m", Dir: "/mod/x.org/m@v1.0.0",
		Module: &packages.Module{Path: "x.org/m", Version: "v1.0.0"}, Imports: map[string]*packages.Package{"net/url": std}}
	replacedDir := &packages.Package{ID: "x.org/r", Name: "r", PkgPath: "x.org/r", Dir: "/elsewhere/r",
		Module: &packages.Module{Path: "x.org/r", Version: "v1.0.0", Replace: &packages.Module{Path: "../r", Dir: "/elsewhere/r"}}}
	replacedVersion := &packages.Package{ID: "x.org/v", Name: "v", PkgPath: "x.org/v", Dir: "/mod/y.org/v@v2.0.0",
		Module: &packages.Module{Path: "x.org/v", Version: "v1.0.0", Replace: &packages.Module{Path: "y.org/v", Version: "v2.0.0", Dir: "/mod/y.org/v@v2.0.0"}}}
	vendored := &packages.Package{ID: "x.org/m", Name: "m", PkgPath: "x.org/m", Dir: "/repo/vendor/x.org/m",
		Module: &packages.Module{Path: "x.org/m", Version: "v1.0.0"}}
	main := &packages.Package{ID: "example.com/p", Name: "p", PkgPath: "example.com/p", Dir: "/repo",
		Module: &packages.Module{Path: "example.com/p", Main: true}}
	importsReplaced := &packages.Package{ID: "x.org/i", Name: "i", PkgPath: "x.org/i", Dir: "/mod/x.org/i@v1.0.0",
		Module: &packages.Module{Path: "x.org/i", Version: "v1.0.0"}, Imports: map[string]*packages.Package{"x.org/r": replacedDir}}
	outsideGOROOT := &packages.Package{ID: "net/url", Name: "url", PkgPath: "net/url", Dir: "/gopath/src/net/url"}

	k := newDepKeys(facts, mainPkg)
	assert.NotEmpty(t, k.key(std), "the standard library, by Go version and GOROOT")
	assert.NotEmpty(t, k.key(mod), "a module in the module cache")
	assert.NotEmpty(t, k.key(replacedVersion), "a module replaced by another version")
	assert.Empty(t, k.key(replacedDir), "a module replaced by a directory")
	assert.Empty(t, k.key(vendored), "a vendored package")
	assert.Empty(t, k.key(main), "the main module")
	assert.Empty(t, k.key(importsReplaced), "what imports an uncached package")
	assert.Empty(t, k.key(outsideGOROOT))

	// The key changes with the Go version, the build and what it imports.
	other := func(env map[string]string, tags []string) string {
		f := buildFacts{env: map[string]string{"GOROOT": "/goroot", "GOMODCACHE": "/mod", "GOVERSION": "go1.26.8"}, tags: tags}
		for k, v := range env {
			f.env[k] = v
		}
		return newDepKeys(f, mainPkg).key(mod)
	}
	assert.Equal(t, k.key(mod), other(nil, nil))
	assert.NotEqual(t, k.key(mod), other(map[string]string{"GOVERSION": "go1.26.9"}, nil))
	assert.NotEqual(t, k.key(mod), other(map[string]string{"GOOS": "windows"}, nil))
	assert.NotEqual(t, k.key(mod), other(map[string]string{"CGO_ENABLED": "0"}, nil))
	assert.NotEqual(t, k.key(mod), other(nil, []string{"integration"}))
	std2 := *std
	std2.GoFiles = []string{"/goroot/src/net/url/extra.go"}
	mod2 := *mod
	mod2.Imports = map[string]*packages.Package{"net/url": &std2}
	assert.NotEqual(t, k.key(mod), newDepKeys(facts, mainPkg).key(&mod2), "an import's files changed")
}

// TestTypesCacheTrim: entries unused for a week go, at most once a day;
// a read touches its entry.
func TestTypesCacheTrim(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	defer func() { timeNow = time.Now }()
	timeNow = func() time.Time { return now }
	c, err := openTypesCache(dir)
	require.NoError(t, err)
	old, used, fresh := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	for _, k := range []string{old, used, fresh} {
		require.NoError(t, c.put(k, []byte("data "+k)))
	}
	weekAgo := now.Add(-8 * 24 * time.Hour)
	require.NoError(t, os.Chtimes(c.path(old), weekAgo, weekAgo))
	require.NoError(t, os.Chtimes(c.path(used), weekAgo, weekAgo))
	timeNow = func() time.Time { return now.Add(time.Hour) }
	data, ok := c.get(used)
	require.True(t, ok)
	assert.Equal(t, "data "+used, string(data))

	_, err = openTypesCache(dir) // trimmed an hour ago: not again
	require.NoError(t, err)
	_, ok = c.get(old)
	assert.True(t, ok, "not trimmed within a day")
	require.NoError(t, os.Chtimes(c.path(old), weekAgo, weekAgo))

	timeNow = func() time.Time { return now.Add(25 * time.Hour) }
	_, err = openTypesCache(dir)
	require.NoError(t, err)
	_, ok = c.get(old)
	assert.False(t, ok, "unused for a week")
	_, ok = c.get(used)
	assert.True(t, ok, "read within the week")
	_, ok = c.get(fresh)
	assert.True(t, ok)
}

// TestFileTablePreParsed: a file the pre-parse read is parsed again
// when it changed before the load used it; an unchanged one is reused.
func TestFileTablePreParsed(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.go"), filepath.Join(dir, "b.go")
	require.NoError(t, os.WriteFile(a, []byte("package p\n\nvar A = 1\n"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("package p\n\nvar B = 1\n"), 0o644))
	fset := token.NewFileSet()
	files := newFileTable()
	for _, name := range []string{a, b} {
		f, err := files.get(fset, name, false)
		require.NoError(t, err)
		assert.Nil(t, f, "the pre-parse returns nothing")
	}
	require.NoError(t, os.WriteFile(a, []byte("package p\n\nvar Changed = 1\n"), 0o644))
	fa, err := files.get(fset, a, true)
	require.NoError(t, err)
	name := func(f *ast.File) string { return f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Names[0].Name }
	assert.Equal(t, "Changed", name(fa), "parsed again")
	fb, err := files.get(fset, b, true)
	require.NoError(t, err)
	assert.Equal(t, "B", name(fb))
	again, _ := files.get(fset, b, true)
	assert.Same(t, fb, again, "parsed once")
}

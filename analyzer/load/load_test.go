package load

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrokenKept checks the package's soundness rule: a package that does
// not type-check is listed and reported, never dropped; a Go file the
// build leaves out is not loaded, and File says so; the build's files and
// non-Go files are known by package.
func TestBrokenKept(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("go.mod", "module example.com/p\n\ngo 1.22\n")
	write("a/a.go", "package a\n\nfunc A() int { return 1 }\n")
	write("a/a_other.go", "//go:build blastgate_never\n\npackage a\n\nfunc Other() int { return 2 }\n")
	write("b/b.go", "package b\n\nfunc B() int { return \"not an int\" }\n")

	var stages []string
	p, err := Load(context.Background(), Config{Root: dir, ModuleDir: dir, Progress: func(stage string, n int) {
		if n == 0 {
			stages = append(stages, stage)
		}
	}})
	require.NoError(t, err)
	assert.Equal(t, "example.com/p", p.Module)
	assert.Equal(t, []Module{{Path: "example.com/p", Dir: "."}}, p.Modules)
	var paths []string
	for _, pkg := range p.Packages {
		paths = append(paths, pkg.PkgPath)
	}
	assert.Equal(t, []string{"example.com/p/a", "example.com/p/b"}, paths)
	require.Contains(t, p.Broken, "example.com/p/b")
	assert.Contains(t, p.Broken["example.com/p/b"], "b/b.go:3:")
	assert.NotContains(t, p.Broken, "example.com/p/a")
	assert.NotEmpty(t, stages)

	f, ok := p.File(filepath.Join(dir, "a", "a.go"))
	require.True(t, ok)
	assert.Equal(t, "example.com/p/a", f.Package.PkgPath)
	_, ok = p.File(filepath.Join(dir, "a", "a_other.go"))
	assert.False(t, ok, "a file the build leaves out is not loaded")
	assert.True(t, BuildConfig{Tags: []string{"blastgate_never"}}.Includes(filepath.Join(dir, "a", "a_other.go")))
	assert.Equal(t, p.Package("example.com/p/a"), p.PackageInDir("a"))
	assert.Equal(t, "go.mod", p.BuildFile())
}

func TestPackageFileKind(t *testing.T) {
	assert.Equal(t, "assembly", PackageFileKind("x/sum_amd64.s"))
	assert.Equal(t, "C header", PackageFileKind("x/y.h"))
	assert.Equal(t, "", PackageFileKind("x/y.go"))
	kinds := PackageFileKinds()
	kinds[".s"] = "changed"
	assert.Equal(t, "assembly", PackageFileKind("a.s"), "PackageFileKinds returns a copy")
}

func TestNoGoMod(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(context.Background(), Config{Root: dir, ModuleDir: dir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no go.mod in the repository root")
}

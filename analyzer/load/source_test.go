package load

import (
	"context"
	"go/ast"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsDependencyFile(t *testing.T) {
	dirs := []string{"/repo", "/repo/sub"}
	assert.False(t, isDependencyFile(dirs, "/repo/a/a.go"))
	assert.False(t, isDependencyFile(dirs, "/repo/sub/b.go"))
	assert.True(t, isDependencyFile(dirs, "/repo/vendor/x.org/y/y.go"))
	assert.True(t, isDependencyFile(dirs, "/root/go/pkg/mod/x.org/y@v1.0.0/y.go"))
	assert.True(t, isDependencyFile(dirs, "/usr/local/go/src/net/url/url.go"))
	assert.False(t, isDependencyFile(dirs, "/root/.cache/go-build/ab/abcdef-d"), "cgo's output may be an analysed package's")
	assert.True(t, isDependencyFile(dirs, "/repository/a.go"), "a prefix of a directory is not the directory")
}

// TestDependenciesFromSource loads the same module with its dependencies
// from export data, from source, and from source after go list -export
// took too long (exportWait): the module's packages type-check alike,
// and only the dependencies lose their function bodies.
func TestDependenciesFromSource(t *testing.T) {
	t.Setenv("BLASTGATE_TYPES_CACHE", "") // no types cache: go list -export
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("go.mod", "module example.com/p\n\ngo 1.22\n")
	write("a/a.go", "package a\n\nimport \"net/url\"\n\n// A parses s.\nfunc A(s string) (*url.URL, error) { return url.Parse(s) }\n")
	var stages []string
	load := func(mode string) *Program {
		t.Setenv("BLASTGATE_DEPS", mode)
		stages = nil
		p, err := Load(context.Background(), Config{Root: dir, ModuleDir: dir, Progress: func(stage string, n int) {
			if n == 0 {
				stages = append(stages, stage)
			}
		}})
		require.NoError(t, err)
		assert.Empty(t, p.Broken, mode)
		return p
	}
	sig := func(p *Program) string {
		return p.Package("example.com/p/a").Types.Scope().Lookup("A").Type().String()
	}
	export := load("export")
	source := load("source")
	assert.Equal(t, sig(export), sig(source))
	f, ok := source.File(filepath.Join(dir, "a", "a.go"))
	require.True(t, ok)
	assert.NotNil(t, f.Syntax.Decls[1].(*ast.FuncDecl).Body, "the module keeps its bodies")
	for _, p := range []*Program{export, source} {
		f, ok := p.File(filepath.Join(dir, "a", "a.go"))
		require.True(t, ok)
		assert.Nil(t, f.Syntax.Scope, "no object resolution: nothing reads it")
		assert.Len(t, f.Syntax.Comments, 1, "the module's comments are kept")
	}

	// An empty build cache: go list -export compiles, and the load
	// turns to the source.
	t.Setenv("GOCACHE", t.TempDir())
	old := exportWait
	exportWait = 0
	defer func() { exportWait = old }()
	auto := load("")
	assert.Equal(t, sig(export), sig(auto))
	assert.Contains(t, stages, "listing packages (go list; the build cache lacks export data: dependencies from source)")
}

func TestCompiling(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	yes, known := compiling()
	assert.True(t, known)
	assert.False(t, yes, "this test runs no compiler")
}

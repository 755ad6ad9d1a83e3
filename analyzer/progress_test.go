package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

func TestLoadReportsProgress(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("go.mod", "module example.com/p\n\ngo 1.22\n")
	write("a/a.go", "package a\n\nfunc A() int { return 1 }\n")
	write("b/b.go", "package b\n\nimport \"example.com/p/a\"\n\nfunc B() int { return a.A() }\n")

	var mu sync.Mutex
	var stages []string
	maxFiles := 0
	ctx := WithProgress(context.Background(), func(stage string, n int) {
		mu.Lock()
		defer mu.Unlock()
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
		maxFiles = max(maxFiles, n)
	})
	_, err := Load(ctx, dir, dir, false)
	require.NoError(t, err)
	require.NotEmpty(t, stages)
	assert.Contains(t, stages[0], "listing packages")
	assert.Contains(t, stages, "parsing and type-checking: files")
	assert.Equal(t, 2, maxFiles, "each file parsed is counted once")
}

func TestMapChangesStopsWithItsContext(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/p\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte("package p\n\nfunc P() {}\n"), 0o644))
	prog, err := Load(context.Background(), dir, dir, false)
	require.NoError(t, err)
	g := BuildGraph(prog)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A go.mod change needs go list -deps: an interrupted run must stop,
	// not treat every package as changed and go on.
	old := func(string) ([]byte, error) { return []byte("module example.com/p\n\ngo 1.21\n"), nil }
	_, err = g.MapChangesContext(ctx, []gitrepo.FileChange{{OldPath: "go.mod", NewPath: "go.mod", Status: gitrepo.Modified,
		OldLines: []gitrepo.LineRange{{Start: 3, End: 3}}, NewLines: []gitrepo.LineRange{{Start: 3, End: 3}}}}, old)
	assert.ErrorIs(t, err, context.Canceled)
}

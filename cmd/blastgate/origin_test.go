package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunPattern(t *testing.T) {
	assert.Equal(t, "^TestX$", runPattern("TestX"))
	assert.Equal(t, `^TestX$/^GET_$/^items$/^\{id\}$`, runPattern("TestX/GET_/items/{id}"))
	assert.Equal(t, `^TestX$/^a\.b$`, runPattern("TestX/a.b"))
}

func TestHasFlag(t *testing.T) {
	for _, a := range []string{"-run", "--run=x", "-test.run=x", "-coverprofile=c.out", "-count=2"} {
		assert.True(t, hasFlag(a, "run") || hasFlag(a, "coverprofile") || hasFlag(a, "count"), a)
	}
	assert.False(t, hasFlag("-runx", "run"))
	assert.False(t, hasFlag("-coverpkg=./...", "coverprofile"))
}

func TestTrackedAt(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	ctx := context.Background()
	repo := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	git("init", "-q")
	require.NoError(t, os.WriteFile(filepath.Join(repo, "shard-zz.json"), []byte("{}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "*.json"), []byte("{}\n"), 0o644))
	git("add", "shard-zz.json")
	git("commit", "-q", "-m", "results")
	head := git("rev-parse", "HEAD")[:40]
	require.NoError(t, os.WriteFile(filepath.Join(repo, "untracked.json"), []byte("{}\n"), 0o644))
	outside := filepath.Join(t.TempDir(), "run.json")
	require.NoError(t, os.WriteFile(outside, []byte("{}\n"), 0o644))
	link := filepath.Join(t.TempDir(), "link.json")
	require.NoError(t, os.Symlink(filepath.Join(repo, "shard-zz.json"), link))

	for path, want := range map[string]bool{
		filepath.Join(repo, "shard-zz.json"):  true,
		link:                                  true, // a symlink to a tracked file
		filepath.Join(repo, "untracked.json"): false,
		filepath.Join(repo, "*.json"):         false, // no pathspec magic: only the file named
		outside:                               false,
	} {
		got, err := trackedAt(ctx, repo, head, path)
		require.NoError(t, err, path)
		assert.Equal(t, want, got, path)
	}
}

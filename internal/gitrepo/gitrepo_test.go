package gitrepo

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// git runs git in dir for test setup, isolated from the user's configuration,
// and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	full := append([]string{
		"-c", "user.name=t", "-c", "user.email=t@example.com",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main",
		"-c", "protocol.file.allow=always",
	}, args...)
	cmd := exec.Command("git", full...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// newRepo creates an empty repository in a temporary directory.
func newRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	return dir
}

// write creates or replaces files (name -> content) under dir.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// commit stages everything and commits, returning the new HEAD SHA.
func commit(t *testing.T, dir, msg string) string {
	t.Helper()
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return git(t, dir, "rev-parse", "HEAD")
}

func open(t *testing.T, dir string) *Repo {
	t.Helper()
	r, err := Open(context.Background(), dir)
	require.NoError(t, err)
	return r
}

// lines returns "1\n2\n...n\n".
func lines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(strings.Repeat("x", i) + "\n")
	}
	return b.String()
}

func TestOpen(t *testing.T) {
	ctx := context.Background()

	t.Run("not a repository", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
		_, err := Open(ctx, dir)
		require.Error(t, err)
		assert.Contains(t, err.Error(), dir+" is not in a git repository")
		assert.Contains(t, err.Error(), "pass -C DIR")
	})

	t.Run("missing directory", func(t *testing.T) {
		_, err := Open(ctx, filepath.Join(t.TempDir(), "nope"))
		require.Error(t, err)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})

	t.Run("subdirectory finds the top level", func(t *testing.T) {
		dir := newRepo(t)
		write(t, dir, map[string]string{"sub/x.go": "package sub\n"})
		r := open(t, filepath.Join(dir, "sub"))
		want, err := filepath.EvalSymlinks(dir)
		require.NoError(t, err)
		assert.Equal(t, want, r.Root)
		assert.True(t, filepath.IsAbs(r.Root))
	})
}

func TestResolve(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, map[string]string{"a.go": "package a\n"})
	first := commit(t, dir, "first")
	git(t, dir, "tag", "v1")
	write(t, dir, map[string]string{"a.go": "package a // 2\n"})
	second := commit(t, dir, "second")
	r := open(t, dir)

	for rev, want := range map[string]string{"HEAD": second, "HEAD~1": first, "v1": first, "main": second, first[:10]: first} {
		got, err := r.Resolve(ctx, rev)
		require.NoError(t, err, rev)
		assert.Equal(t, want, got, rev)
	}

	for _, rev := range []string{"nope", "--all", "HEAD~5", ""} {
		_, err := r.Resolve(ctx, rev)
		require.Error(t, err, rev)
		var se *ShallowError
		assert.False(t, errors.As(err, &se), "not shallow: %v", err)
		if rev != "" {
			assert.Contains(t, err.Error(), `unknown revision "`+rev+`"`)
			assert.Contains(t, err.Error(), "git fetch")
		}
	}
}

// shallowSetup makes a repository with main = c1-c2-c3 and feature = c1-f1,
// and a depth-1 clone of it holding both branch tips.
func shallowSetup(t *testing.T) (origin, clone, c1 string) {
	origin = newRepo(t)
	write(t, origin, map[string]string{"a.go": "package a\n"})
	c1 = commit(t, origin, "c1")
	git(t, origin, "branch", "feature")
	commit(t, origin, "c2")
	commit(t, origin, "c3")
	git(t, origin, "checkout", "-q", "feature")
	write(t, origin, map[string]string{"f.go": "package a\n"})
	commit(t, origin, "f1")
	git(t, origin, "checkout", "-q", "main")

	clone = filepath.Join(t.TempDir(), "clone")
	git(t, origin, "clone", "-q", "--depth", "1", "--no-single-branch", "file://"+origin, clone)
	return origin, clone, c1
}

func TestShallow(t *testing.T) {
	ctx := context.Background()
	_, clone, c1 := shallowSetup(t)
	r := open(t, clone)

	_, err := r.Resolve(ctx, "HEAD")
	require.NoError(t, err, "the tip is in the shallow clone")

	_, err = r.Resolve(ctx, c1)
	var se *ShallowError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, c1, se.Rev)
	assert.Contains(t, err.Error(), "missing from this shallow clone")
	assert.Contains(t, err.Error(), "fetch-depth: 0")
	assert.Contains(t, err.Error(), "git fetch --unshallow")

	// Both tips are present, but their merge base is beyond the boundary.
	_, err = r.MergeBase(ctx, "origin/main", "origin/feature")
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "origin/main...origin/feature", se.Rev)
	assert.Contains(t, err.Error(), "the merge base of origin/main and origin/feature is missing from this shallow clone")
	assert.Contains(t, err.Error(), "fetch-depth: 0")

	_, err = r.Diff(ctx, "origin/main", "origin/feature")
	require.ErrorAs(t, err, &se)
}

func TestMergeBaseAndDiffExcludeBaseSide(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, map[string]string{"a.go": lines(5), "b.go": lines(5)})
	fork := commit(t, dir, "fork point")
	git(t, dir, "checkout", "-q", "-b", "feature")
	write(t, dir, map[string]string{"a.go": strings.Replace(lines(5), "xx\n", "changed\n", 1)})
	commit(t, dir, "feature change")
	git(t, dir, "checkout", "-q", "main")
	write(t, dir, map[string]string{"b.go": "base moved on\n", "c.go": "new on base\n"})
	commit(t, dir, "base advanced")
	r := open(t, dir)

	mb, err := r.MergeBase(ctx, "main", "feature")
	require.NoError(t, err)
	assert.Equal(t, fork, mb)

	files, err := r.Diff(ctx, "main", "feature")
	require.NoError(t, err)
	assert.Equal(t, []FileChange{{
		OldPath: "a.go", NewPath: "a.go", Status: Modified,
		OldLines: []LineRange{{2, 2}}, NewLines: []LineRange{{2, 2}},
	}}, files, "only the feature side, nothing from the advanced base")
}

func TestMergeBaseNoHistory(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, map[string]string{"a.go": "a\n"})
	commit(t, dir, "main")
	git(t, dir, "checkout", "-q", "--orphan", "other")
	commit(t, dir, "orphan")
	r := open(t, dir)

	_, err := r.MergeBase(ctx, "main", "other")
	require.Error(t, err)
	var se *ShallowError
	assert.False(t, errors.As(err, &se))
	assert.Contains(t, err.Error(), "share no history")
}

// diffRepo builds a base commit and a head commit covering every kind of
// change Diff must handle.
func diffRepo(t *testing.T) (dir, base string) {
	dir = newRepo(t)
	write(t, dir, map[string]string{
		"mod.go":     lines(10),
		"del.go":     "one\ntwo\n",
		"purge.go":   lines(8),
		"script.sh":  "echo hi\n",
		"nonl.txt":   "last line without newline",
		"dashes.txt": "keep\n-- a/x\n++ b/y\n",
		"bin.dat":    "\x00\x01\x02binary\n",
	})
	base = commit(t, dir, "base")

	mod := strings.Split(lines(10), "\n")
	mod[2] = "changed three"                                           // line 3 changed
	mod = append(mod[:7], append([]string{"inserted"}, mod[7:]...)...) // new line 8
	write(t, dir, map[string]string{
		"mod.go":       strings.Join(mod, "\n"),
		"purge.go":     strings.Replace(lines(8), "xxxxx\nxxxxxx\n", "", 1), // lines 5-6 removed
		"nonl.txt":     "last line changed, still no newline",
		"dashes.txt":   "keep\n",
		"bin.dat":      "\x00\x01\x02binary changed\n",
		"my file.go":   "package a\n",
		"café.go":      "package a\n\nfunc Café() {}\n",
		"tab\tname.go": "package a\n",
	})
	require.NoError(t, os.Remove(filepath.Join(dir, "del.go")))
	require.NoError(t, os.Chmod(filepath.Join(dir, "script.sh"), 0o755))
	commit(t, dir, "head")
	return dir, base
}

func TestDiff(t *testing.T) {
	dir, base := diffRepo(t)
	r := open(t, dir)

	files, err := r.Diff(context.Background(), base, "HEAD")
	require.NoError(t, err)
	assert.Equal(t, []FileChange{
		{OldPath: "bin.dat", NewPath: "bin.dat", Status: Modified, Binary: true},
		{NewPath: "café.go", Status: Added, NewLines: []LineRange{{1, 3}}},
		{OldPath: "dashes.txt", NewPath: "dashes.txt", Status: Modified, OldLines: []LineRange{{2, 3}}},
		{OldPath: "del.go", Status: Deleted, OldLines: []LineRange{{1, 2}}},
		{OldPath: "mod.go", NewPath: "mod.go", Status: Modified,
			OldLines: []LineRange{{3, 3}}, NewLines: []LineRange{{3, 3}, {8, 8}}},
		{NewPath: "my file.go", Status: Added, NewLines: []LineRange{{1, 1}}},
		{OldPath: "nonl.txt", NewPath: "nonl.txt", Status: Modified,
			OldLines: []LineRange{{1, 1}}, NewLines: []LineRange{{1, 1}}},
		{OldPath: "purge.go", NewPath: "purge.go", Status: Modified, OldLines: []LineRange{{5, 6}}},
		{OldPath: "script.sh", NewPath: "script.sh", Status: Modified},
		{NewPath: "tab\tname.go", Status: Added, NewLines: []LineRange{{1, 1}}},
	}, files)
	assert.Equal(t, "del.go", files[3].Path())
}

// TestDiffIgnoresHostileConfig checks that repository configuration cannot
// change what Diff and Clean see.
func TestDiffIgnoresHostileConfig(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, map[string]string{"old.go": lines(3), "café.go": "a\n"})
	base := commit(t, dir, "base")
	git(t, dir, "mv", "old.go", "new.go")
	write(t, dir, map[string]string{"café.go": "b\n"})
	commit(t, dir, "rename")
	for _, kv := range [][2]string{
		{"diff.noprefix", "true"}, {"diff.mnemonicPrefix", "true"}, {"diff.renames", "copies"},
		{"color.ui", "always"}, {"color.diff", "always"}, {"core.quotepath", "true"},
		{"diff.external", "false"}, {"diff.interHunkContext", "10"}, {"diff.relative", "true"},
		{"status.showUntrackedFiles", "no"},
	} {
		git(t, dir, "config", kv[0], kv[1])
	}
	r := open(t, dir)

	files, err := r.Diff(ctx, base, "HEAD")
	require.NoError(t, err)
	assert.Equal(t, []FileChange{
		{OldPath: "café.go", NewPath: "café.go", Status: Modified,
			OldLines: []LineRange{{1, 1}}, NewLines: []LineRange{{1, 1}}},
		{NewPath: "new.go", Status: Added, NewLines: []LineRange{{1, 3}}},
		{OldPath: "old.go", Status: Deleted, OldLines: []LineRange{{1, 3}}},
	}, files, "a rename is a delete plus an add")

	write(t, dir, map[string]string{"untracked.go": "x\n"})
	clean, err := r.Clean(ctx)
	require.NoError(t, err)
	assert.False(t, clean, "untracked files count even with status.showUntrackedFiles=no")
}

func TestShow(t *testing.T) {
	ctx := context.Background()
	dir, base := diffRepo(t)
	r := open(t, dir)

	got, err := r.Show(ctx, base, "mod.go")
	require.NoError(t, err)
	assert.Equal(t, lines(10), string(got))

	got, err = r.Show(ctx, "HEAD", "café.go")
	require.NoError(t, err)
	assert.Equal(t, "package a\n\nfunc Café() {}\n", string(got))

	got, err = r.Show(ctx, "HEAD", "bin.dat")
	require.NoError(t, err)
	assert.Equal(t, "\x00\x01\x02binary changed\n", string(got))

	_, err = r.Show(ctx, "HEAD", "del.go")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "del.go")

	_, err = r.Show(ctx, "nope", "mod.go")
	assert.ErrorContains(t, err, `unknown revision "nope"`)
}

func TestClean(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, map[string]string{"a.go": "a\n", ".gitignore": "*.log\n"})
	commit(t, dir, "init")
	r := open(t, dir)
	isClean := func() bool {
		t.Helper()
		ok, err := r.Clean(ctx)
		require.NoError(t, err)
		return ok
	}

	assert.True(t, isClean())

	write(t, dir, map[string]string{"debug.log": "ignored\n"})
	assert.True(t, isClean(), "ignored files do not count")

	write(t, dir, map[string]string{"a.go": "changed\n"})
	assert.False(t, isClean(), "modified tracked file")
	write(t, dir, map[string]string{"a.go": "a\n"})
	assert.True(t, isClean())

	write(t, dir, map[string]string{"new/b.go": "b\n"})
	assert.False(t, isClean(), "untracked file")
}

// TestCleanDoesNotWriteIndex checks that git status does not refresh the
// index even when the index's stat data is stale.
func TestCleanDoesNotWriteIndex(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, map[string]string{"a.go": "a\n"})
	commit(t, dir, "init")
	index := filepath.Join(dir, ".git", "index")
	before := snapshot(t, index)
	// Same content, new stat data: git status would normally rewrite the index.
	write(t, dir, map[string]string{"a.go": "a\n"})

	clean, err := open(t, dir).Clean(context.Background())
	require.NoError(t, err)
	assert.True(t, clean)
	assert.Equal(t, before, snapshot(t, index))
}

type fileState struct {
	mtime   int64
	content string
}

func snapshot(t *testing.T, path string) fileState {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return fileState{fi.ModTime().UnixNano(), string(b)}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	dir, base := diffRepo(t)
	// Leave the working tree dirty so there is state to disturb.
	write(t, dir, map[string]string{"mod.go": "dirty\n", "untracked.go": "u\n"})
	r := open(t, dir)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	// (The test's own git status may refresh the index, so it runs before
	// the index snapshot.)
	statusBefore := git(t, dir, "status", "--porcelain")
	require.NotEmpty(t, statusBefore)
	indexBefore := snapshot(t, filepath.Join(dir, ".git", "index"))

	for _, rev := range []string{base, "HEAD"} {
		out := filepath.Join(t.TempDir(), "export", "tree")
		require.NoError(t, r.Export(ctx, rev, out))

		want := strings.Split(git(t, dir, "-c", "core.quotepath=off", "ls-tree", "-r", "-z", "--name-only", rev), "\x00")
		want = want[:len(want)-1]
		var got []string
		require.NoError(t, filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(out, p)
			require.NoError(t, err)
			got = append(got, filepath.ToSlash(rel))
			content, err := os.ReadFile(p)
			require.NoError(t, err)
			committed, err := r.Show(ctx, rev, filepath.ToSlash(rel))
			require.NoError(t, err)
			assert.Equal(t, string(committed), string(content), rel)
			return nil
		}))
		assert.ElementsMatch(t, want, got, rev)
	}

	// The executable bit survives the export.
	out := filepath.Join(t.TempDir(), "head")
	require.NoError(t, r.Export(ctx, "HEAD", out))
	fi, err := os.Stat(filepath.Join(out, "script.sh"))
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode().Perm()&0o100, "script.sh is executable")

	assert.Equal(t, indexBefore, snapshot(t, filepath.Join(dir, ".git", "index")))
	assert.Equal(t, statusBefore, git(t, dir, "status", "--porcelain"))
	left, err := filepath.Glob(filepath.Join(tmp, "blastgate-index-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "the temporary index is removed")

	err = r.Export(ctx, "HEAD", out)
	assert.ErrorContains(t, err, "not empty", "refuses a non-empty directory")
	err = r.Export(ctx, "nope", filepath.Join(t.TempDir(), "x"))
	assert.ErrorContains(t, err, `unknown revision "nope"`)
}

func TestTrees(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, map[string]string{"a.txt": "a\n"})
	c1 := commit(t, dir, "one")
	c2 := commit(t, dir, "empty") // same tree, another commit
	write(t, dir, map[string]string{"a.txt": "b\n"})
	c3 := commit(t, dir, "two")
	r := open(t, dir)

	trees, err := r.Trees(ctx, c1, c2, c3)
	require.NoError(t, err)
	require.Len(t, trees, 3)
	assert.Equal(t, git(t, dir, "rev-parse", c1+"^{tree}"), trees[0])
	assert.Equal(t, trees[0], trees[1], "commits with the same content have the same tree")
	assert.NotEqual(t, trees[0], trees[2])

	_, err = r.Trees(ctx, "HEAD")
	assert.ErrorContains(t, err, "not a full commit SHA")
	_, err = r.Trees(ctx, "--output=x")
	assert.Error(t, err)
	_, err = r.Trees(ctx, strings.Repeat("0", 40))
	assert.Error(t, err, "an unknown object")
}

func TestHasIgnored(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, map[string]string{".gitignore": "gen/\n*.out\n", "a.go": "package a\n"})
	commit(t, dir, "one")
	r := open(t, dir)
	ignored, err := r.HasIgnored(ctx)
	require.NoError(t, err)
	assert.False(t, ignored)

	require.NoError(t, os.MkdirAll(filepath.Join(dir, "gen"), 0o755))
	ignored, err = r.HasIgnored(ctx)
	require.NoError(t, err)
	assert.False(t, ignored, "an empty ignored directory holds nothing")

	write(t, dir, map[string]string{"gen/z.go": "package gen\n"})
	ignored, err = r.HasIgnored(ctx)
	require.NoError(t, err)
	assert.True(t, ignored)
	clean, err := r.Clean(ctx)
	require.NoError(t, err)
	assert.True(t, clean, "ignored files leave the tree clean")
}

package prepush

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/internal/testenv"
)

// TestMain isolates every git command (the tests' and the package's) from
// the user's configuration and from a repository the tests may run inside
// (say, from a hook).
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "prepush-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("HOME", home)
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.Unsetenv("XDG_CONFIG_HOME")
	os.Unsetenv("GIT_CONFIG_GLOBAL")
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); gitrepo.IsLocalEnvVar(name) {
			os.Unsetenv(name)
		}
	}
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

var gitConfig = []string{
	"-c", "user.name=t", "-c", "user.email=t@example.com",
	"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main",
}

// gitEnv runs git in dir with extra environment variables and returns its
// combined output, trimmed, and its error.
func gitEnv(t *testing.T, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", append(append([]string{}, gitConfig...), args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// git runs git in dir for test setup and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitEnv(t, dir, nil, args...)
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	return out
}

// writeFile creates or replaces a file, creating its directory.
func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), mode))
	require.NoError(t, os.Chmod(path, mode))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// commit writes a file and commits it, returning the new HEAD.
func commit(t *testing.T, dir, msg string) string {
	t.Helper()
	writeFile(t, filepath.Join(dir, "f.txt"), msg+"\n", 0o644)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", msg)
	return git(t, dir, "rev-parse", "HEAD")
}

// fixture is a clone of a bare remote, "origin", whose main has two
// commits, c1 and c2, pushed.
type fixture struct {
	remote, work string
	c1, c2       string
}

func newFixture(t *testing.T, format string) *fixture {
	t.Helper()
	root := t.TempDir()
	f := &fixture{remote: filepath.Join(root, "remote.git"), work: filepath.Join(root, "work")}
	if format == "" {
		git(t, root, "init", "-q", "--bare", f.remote)
		git(t, root, "clone", "-q", f.remote, f.work)
	} else {
		// A clone of an empty repository does not take its object format
		// (git 2.39), so make the clone by hand.
		git(t, root, "init", "-q", "--bare", "--object-format="+format, f.remote)
		git(t, root, "init", "-q", "--object-format="+format, f.work)
		git(t, f.work, "remote", "add", "origin", f.remote)
	}
	f.c1 = commit(t, f.work, "c1")
	f.c2 = commit(t, f.work, "c2")
	git(t, f.work, "push", "-q", "-u", "origin", "main")
	return f
}

// zero returns the null object id of the fixture's object format.
func (f *fixture) zero(*testing.T) string {
	return strings.Repeat("0", len(f.c1))
}

func realPath(t *testing.T, path string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	require.NoError(t, err)
	return filepath.Join(dir, filepath.Base(path))
}

func TestInstall(t *testing.T) {
	ctx := t.Context()

	t.Run("default hooks directory", func(t *testing.T) {
		f := newFixture(t, "")
		path, err := Install(ctx, f.work, false)
		require.NoError(t, err)
		want := filepath.Join(f.work, ".git", "hooks", "pre-push")
		assert.Equal(t, realPath(t, want), realPath(t, path))

		fi, err := os.Stat(want)
		require.NoError(t, err)
		assert.NotZero(t, fi.Mode()&0o111, "the hook must be executable")
		script := readFile(t, want)
		assert.True(t, strings.HasPrefix(script, "#!/bin/sh\n"))
		assert.Contains(t, script, "\n# blastgate pre-push hook\n")
		assert.Contains(t, script, `blastgate hook run pre-push "$@"`)

		// Installing twice, from a subdirectory, overwrites its own hook.
		sub := filepath.Join(f.work, "sub")
		require.NoError(t, os.Mkdir(sub, 0o755))
		again, err := Install(ctx, sub, false)
		require.NoError(t, err)
		assert.Equal(t, realPath(t, path), realPath(t, again))
		assert.NoFileExists(t, filepath.Join(f.work, ".git", "hooks", "pre-push.legacy"))
		entries, err := os.ReadDir(filepath.Join(f.work, ".git", "hooks"))
		require.NoError(t, err)
		for _, e := range entries {
			assert.False(t, strings.HasPrefix(e.Name(), ".pre-push"), "temporary file left behind: %s", e.Name())
		}
	})

	t.Run("core.hooksPath", func(t *testing.T) {
		f := newFixture(t, "")
		git(t, f.work, "config", "core.hooksPath", ".githooks")
		sub := filepath.Join(f.work, "sub")
		require.NoError(t, os.Mkdir(sub, 0o755))
		path, err := Install(ctx, sub, false)
		require.NoError(t, err)
		want := filepath.Join(f.work, ".githooks", "pre-push")
		assert.Equal(t, realPath(t, want), realPath(t, path))
		assert.Contains(t, readFile(t, want), marker)
		assert.NoFileExists(t, filepath.Join(f.work, ".git", "hooks", "pre-push"))

		msg, err := Uninstall(ctx, f.work)
		require.NoError(t, err)
		assert.Contains(t, msg, "removed")
		assert.NoFileExists(t, want)
	})

	t.Run("refuses a foreign hook", func(t *testing.T) {
		f := newFixture(t, "")
		hook := filepath.Join(f.work, ".git", "hooks", "pre-push")
		writeFile(t, hook, "#!/bin/sh\nexit 0\n", 0o755)
		_, err := Install(ctx, f.work, false)
		require.Error(t, err)
		assert.Contains(t, err.Error(), hook)
		assert.Contains(t, err.Error(), "--force")
		assert.Contains(t, err.Error(), "chain")
		assert.Equal(t, "#!/bin/sh\nexit 0\n", readFile(t, hook))
		assert.NoFileExists(t, hook+".legacy")
	})

	t.Run("force does not overwrite an existing pre-push.legacy", func(t *testing.T) {
		f := newFixture(t, "")
		hook := filepath.Join(f.work, ".git", "hooks", "pre-push")
		writeFile(t, hook, "#!/bin/sh\nexit 0\n", 0o755)
		writeFile(t, hook+".legacy", "#!/bin/sh\nexit 3\n", 0o755)
		_, err := Install(ctx, f.work, true)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "already exists")
		assert.Equal(t, "#!/bin/sh\nexit 0\n", readFile(t, hook))
		assert.Equal(t, "#!/bin/sh\nexit 3\n", readFile(t, hook+".legacy"))
	})

	t.Run("force chains the legacy hook through a real push", func(t *testing.T) {
		f := newFixture(t, "")
		rec := t.TempDir()
		bin := t.TempDir()
		// A stand-in for blastgate on PATH that records what the hook passes.
		writeFile(t, filepath.Join(bin, "blastgate"), `#!/bin/sh
printf '%s\n' "$@" > "$REC/blastgate.args"
cat > "$REC/blastgate.stdin"
exit "${BLASTGATE_EXIT:-0}"
`, 0o755)
		hook := filepath.Join(f.work, ".git", "hooks", "pre-push")
		legacyScript := `#!/bin/sh
printf '%s\n' "$@" > "$REC/legacy.args"
cat > "$REC/legacy.stdin"
exit "${LEGACY_EXIT:-0}"
`
		writeFile(t, hook, legacyScript, 0o755)

		path, err := Install(ctx, f.work, true)
		require.NoError(t, err)
		assert.Equal(t, realPath(t, hook), realPath(t, path))
		assert.Equal(t, legacyScript, readFile(t, hook+".legacy"))
		assert.Contains(t, readFile(t, hook), marker)

		// Installing again (even without force) keeps the chain.
		_, err = Install(ctx, f.work, false)
		require.NoError(t, err)
		assert.Equal(t, legacyScript, readFile(t, hook+".legacy"))

		env := []string{"REC=" + rec, "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}
		git(t, f.work, "switch", "-q", "-c", "feat")
		c3 := commit(t, f.work, "c3")
		out, err := gitEnv(t, f.work, env, "push", "origin", "feat")
		require.NoError(t, err, out)

		wantIn := fmt.Sprintf("refs/heads/feat %s refs/heads/feat %s\n", c3, f.zero(t))
		assert.Equal(t, "origin\n"+f.remote+"\n", readFile(t, filepath.Join(rec, "legacy.args")))
		assert.Equal(t, wantIn, readFile(t, filepath.Join(rec, "legacy.stdin")))
		assert.Equal(t, "hook\nrun\npre-push\norigin\n"+f.remote+"\n", readFile(t, filepath.Join(rec, "blastgate.args")))
		assert.Equal(t, wantIn, readFile(t, filepath.Join(rec, "blastgate.stdin")))

		// A failing legacy hook blocks the push before blastgate runs.
		require.NoError(t, os.Remove(filepath.Join(rec, "blastgate.args")))
		c4 := commit(t, f.work, "c4")
		out, err = gitEnv(t, f.work, append(env, "LEGACY_EXIT=3"), "push", "origin", "feat")
		require.Error(t, err, out)
		assert.Contains(t, out, "pre-push.legacy failed (exit status 3)")
		assert.Contains(t, out, "git push --no-verify")
		assert.NoFileExists(t, filepath.Join(rec, "blastgate.args"))
		assert.Equal(t, c3, git(t, f.remote, "rev-parse", "refs/heads/feat"))

		// A failing blastgate blocks it too.
		out, err = gitEnv(t, f.work, append(env, "BLASTGATE_EXIT=1"), "push", "origin", "feat")
		require.Error(t, err, out)
		assert.Equal(t, fmt.Sprintf("refs/heads/feat %s refs/heads/feat %s\n", c4, c3), readFile(t, filepath.Join(rec, "blastgate.stdin")))
		assert.Equal(t, c3, git(t, f.remote, "rev-parse", "refs/heads/feat"))

		// Uninstall puts the legacy hook back.
		msg, err := Uninstall(ctx, f.work)
		require.NoError(t, err)
		assert.Contains(t, msg, "restored")
		assert.Equal(t, legacyScript, readFile(t, hook))
		assert.NoFileExists(t, hook+".legacy")
		fi, err := os.Stat(hook)
		require.NoError(t, err)
		assert.NotZero(t, fi.Mode()&0o111)

		// Now the hook is foreign again: uninstall refuses to touch it.
		_, err = Uninstall(ctx, f.work)
		require.Error(t, err)
		assert.Contains(t, err.Error(), hook)
		assert.Equal(t, legacyScript, readFile(t, hook))
	})

	t.Run("blastgate not on PATH", func(t *testing.T) {
		testenv.NeedTool(t, "the hook is a shell script", "sh")
		f := newFixture(t, "")
		path, err := Install(ctx, f.work, false)
		require.NoError(t, err)
		cmd := exec.Command("/bin/sh", path, "origin", f.remote)
		cmd.Dir = f.work
		cmd.Env = []string{"PATH=" + t.TempDir()}
		cmd.Stdin = strings.NewReader("")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "%s", out)
		assert.Equal(t, 1, ee.ExitCode())
		assert.Equal(t, "blastgate pre-push: blastgate is not on PATH: go install github.com/blastgate/blastgate/cmd/blastgate@latest, or bypass once with git push --no-verify\n", string(out))
	})

	t.Run("not a repository", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
		_, err := Install(ctx, dir, false)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not in a git repository")
	})
}

func TestUninstall(t *testing.T) {
	ctx := t.Context()

	t.Run("no hook", func(t *testing.T) {
		f := newFixture(t, "")
		msg, err := Uninstall(ctx, f.work)
		require.NoError(t, err)
		assert.Contains(t, msg, "nothing to uninstall")
	})

	t.Run("own hook", func(t *testing.T) {
		f := newFixture(t, "")
		path, err := Install(ctx, f.work, false)
		require.NoError(t, err)
		msg, err := Uninstall(ctx, f.work)
		require.NoError(t, err)
		assert.Contains(t, msg, "removed")
		assert.NotContains(t, msg, "restored")
		assert.NoFileExists(t, path)
	})

	t.Run("foreign hook", func(t *testing.T) {
		f := newFixture(t, "")
		hook := filepath.Join(f.work, ".git", "hooks", "pre-push")
		writeFile(t, hook, "#!/bin/sh\n# not blastgate\n", 0o755)
		_, err := Uninstall(ctx, f.work)
		require.Error(t, err)
		assert.Contains(t, err.Error(), hook)
		assert.Contains(t, err.Error(), "did not write")
		assert.FileExists(t, hook)
	})
}

const (
	sha1A   = "1111111111111111111111111111111111111111"
	sha1B   = "2222222222222222222222222222222222222222"
	sha1Z   = "0000000000000000000000000000000000000000"
	sha256A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	sha256Z = "0000000000000000000000000000000000000000000000000000000000000000"
)

func TestParseUpdates(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Update
		wantErr []string
	}{
		{name: "empty", in: ""},
		{name: "only blank lines", in: "\n  \n\t\n"},
		{
			name: "one ref",
			in:   "refs/heads/main " + sha1A + " refs/heads/main " + sha1B + "\n",
			want: []Update{{"refs/heads/main", sha1A, "refs/heads/main", sha1B}},
		},
		{
			name: "several refs, blank lines, CRLF, no final newline",
			in: "\nrefs/heads/a " + sha1A + " refs/heads/a " + sha1Z + "\r\n\n" +
				"HEAD " + sha1B + " refs/heads/b " + sha1A,
			want: []Update{
				{"refs/heads/a", sha1A, "refs/heads/a", sha1Z},
				{"HEAD", sha1B, "refs/heads/b", sha1A},
			},
		},
		{
			name: "deletion",
			in:   "(delete) " + sha1Z + " refs/heads/x " + sha1A + "\n",
			want: []Update{{"(delete)", sha1Z, "refs/heads/x", sha1A}},
		},
		{
			name: "SHA-256 new branch",
			in:   "refs/heads/main " + sha256A + " refs/heads/main " + sha256Z + "\n",
			want: []Update{{"refs/heads/main", sha256A, "refs/heads/main", sha256Z}},
		},
		{
			name: "SHA-256 deletion",
			in:   "(delete) " + sha256Z + " refs/heads/x " + sha256A + "\n",
			want: []Update{{"(delete)", sha256Z, "refs/heads/x", sha256A}},
		},
		{
			name: "upper-case hex is lowered",
			in:   "refs/heads/a " + strings.ToUpper(sha256A) + " refs/heads/a " + sha256Z + "\n",
			want: []Update{{"refs/heads/a", sha256A, "refs/heads/a", sha256Z}},
		},
		{
			name:    "three fields",
			in:      "refs/heads/a " + sha1A + " refs/heads/a " + sha1B + "\n\nrefs/heads/a " + sha1A + " refs/heads/a\n",
			wantErr: []string{"line 3", "want 4 fields", `"refs/heads/a ` + sha1A + ` refs/heads/a"`},
		},
		{
			name:    "five fields",
			in:      "refs/heads/a " + sha1A + " refs/heads/a " + sha1B + " extra\n",
			wantErr: []string{"line 1", "want 4 fields", "got 5"},
		},
		{
			name:    "not hex",
			in:      "refs/heads/a " + strings.Repeat("g", 40) + " refs/heads/a " + sha1B + "\n",
			wantErr: []string{"line 1", "local oid", "not hex"},
		},
		{
			name:    "short oid",
			in:      "refs/heads/a " + sha1A + " refs/heads/a " + sha1B[:39] + "\n",
			wantErr: []string{"line 1", "remote oid", "39 digits"},
		},
		{
			name:    "lengths differ",
			in:      "refs/heads/a " + sha1A + " refs/heads/a " + sha256Z + "\n",
			wantErr: []string{"line 1", "40 digits but the remote oid has 64"},
		},
		{
			name:    "neither SHA-1 nor SHA-256",
			in:      "refs/heads/a " + strings.Repeat("a", 50) + " refs/heads/a " + strings.Repeat("0", 50) + "\n",
			wantErr: []string{"line 1", "50 digits"},
		},
		{
			name:    "long line is shortened",
			in:      strings.Repeat("x", 10000) + "\n",
			wantErr: []string{"line 1", "want 4 fields", "..."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUpdates(strings.NewReader(tt.in))
			if tt.wantErr != nil {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.Contains(t, err.Error(), s)
				}
				assert.Less(t, len(err.Error()), 500)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestParseUpdatesReadError(t *testing.T) {
	_, err := ParseUpdates(failingReader{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "boom")
}

func TestIsZero(t *testing.T) {
	assert.True(t, IsZero(sha1Z))
	assert.True(t, IsZero(sha256Z))
	assert.False(t, IsZero(""))
	assert.False(t, IsZero("0"))
	assert.False(t, IsZero(sha1Z+"0"))
	assert.False(t, IsZero(sha1A))
	assert.False(t, IsZero(sha256Z[:63]+"1"))
}

func FuzzParseUpdates(f *testing.F) {
	for _, s := range []string{
		"",
		"\n",
		"refs/heads/main " + sha1A + " refs/heads/main " + sha1B + "\n",
		"(delete) " + sha1Z + " refs/heads/x " + sha1A + "\n",
		"refs/heads/main " + sha256A + " refs/heads/main " + sha256Z + "\r\n",
		"refs/heads/a " + sha1A + " refs/heads/a\n",
		"refs/heads/a " + sha1A + " refs/heads/a " + sha256Z,
		"a b c d\n\n e f g h",
		"refs/heads/main " + sha1A + " refs/heads/main " + sha1B,
		"refs/heads/main\t" + strings.ToUpper(sha1A) + "\trefs/heads/main\t" + sha1B + "\n",
		"refs/heads/a " + sha1A + "0 refs/heads/a " + sha1B + "\n",
		"refs/heads/a " + sha1A[:39] + "g refs/heads/a " + sha1B + "\n",
		"refs/heads/a " + sha1A + " refs/heads/a " + sha1B + " extra\n",
		"refs/heads/a\u00a0" + sha1A + "\u00a0refs/heads/a\u00a0" + sha1B + "\n",
		"\r\n\v\f\n",
		"(delete) " + sha256Z + " refs/heads/x " + sha256A + "\n" + "refs/heads/y " + sha1A + " refs/heads/y " + sha1Z + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		updates, err := ParseUpdates(bytes.NewReader(data))
		if err != nil {
			if updates != nil {
				t.Fatalf("updates %v with error %v", updates, err)
			}
			return
		}
		for _, u := range updates {
			if u.LocalRef == "" || u.RemoteRef == "" {
				t.Fatalf("empty ref in %+v", u)
			}
			if n := len(u.LocalOID); n != 40 && n != 64 || len(u.RemoteOID) != n {
				t.Fatalf("oids of lengths %d and %d in %+v", len(u.LocalOID), len(u.RemoteOID), u)
			}
			if checkOID(u.LocalOID) != nil || checkOID(u.RemoteOID) != nil || len(u.LocalOID) != len(u.RemoteOID) {
				t.Fatalf("bad oids in %+v", u)
			}
			if strings.ToLower(u.LocalOID) != u.LocalOID || strings.ToLower(u.RemoteOID) != u.RemoteOID {
				t.Fatalf("oids not lower-case in %+v", u)
			}
		}
	})
}

// update is a shorthand for an Update of a branch to itself.
func update(branch, local, remote string) Update {
	return Update{"refs/heads/" + branch, local, "refs/heads/" + branch, remote}
}

func TestRanges(t *testing.T) {
	ctx := t.Context()

	t.Run("new branch", func(t *testing.T) {
		f := newFixture(t, "")
		git(t, f.work, "switch", "-q", "-c", "feat")
		commit(t, f.work, "f1")
		f2 := commit(t, f.work, "f2")
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{update("feat", f2, f.zero(t))})
		require.NoError(t, err)
		assert.Empty(t, notes)
		assert.Equal(t, []Range{{"refs/heads/feat", f.c2, f2}}, ranges)
	})

	t.Run("new branch on top of unpushed commits", func(t *testing.T) {
		f := newFixture(t, "")
		commit(t, f.work, "m3") // on main, not pushed
		git(t, f.work, "switch", "-q", "-c", "feat")
		f1 := commit(t, f.work, "f1")
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{update("feat", f1, f.zero(t))})
		require.NoError(t, err)
		assert.Empty(t, notes)
		assert.Equal(t, []Range{{"refs/heads/feat", f.c2, f1}}, ranges, "Base is the fork point the remote has")
	})

	t.Run("fast-forward", func(t *testing.T) {
		f := newFixture(t, "")
		git(t, f.work, "switch", "-q", "-c", "feat")
		commit(t, f.work, "f1")
		f2 := commit(t, f.work, "f2")
		git(t, f.work, "push", "-q", "origin", "feat")
		commit(t, f.work, "f3")
		f4 := commit(t, f.work, "f4")
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{update("feat", f4, f2)})
		require.NoError(t, err)
		assert.Empty(t, notes)
		assert.Equal(t, []Range{{"refs/heads/feat", f2, f4}}, ranges)
	})

	t.Run("force push after rewriting history", func(t *testing.T) {
		f := newFixture(t, "")
		git(t, f.work, "switch", "-q", "-c", "feat")
		f1 := commit(t, f.work, "f1")
		f2 := commit(t, f.work, "f2")
		git(t, f.work, "push", "-q", "origin", "feat")
		git(t, f.work, "reset", "-q", "--hard", f1)
		commit(t, f.work, "g2")
		g3 := commit(t, f.work, "g3")

		// The old remote tip is known here but is not an ancestor.
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{update("feat", g3, f2)})
		require.NoError(t, err)
		assert.Empty(t, notes)
		assert.Equal(t, []Range{{"refs/heads/feat", f1, g3}}, ranges)

		// The remote tip is unknown here (someone else pushed it).
		ranges, notes, err = Ranges(ctx, f.work, "origin", []Update{update("feat", g3, sha1A)})
		require.NoError(t, err)
		assert.Empty(t, notes)
		assert.Equal(t, []Range{{"refs/heads/feat", f1, g3}}, ranges)
	})

	t.Run("deletion", func(t *testing.T) {
		f := newFixture(t, "")
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{{"(delete)", f.zero(t), "refs/heads/main", f.c2}})
		require.NoError(t, err)
		assert.Empty(t, ranges)
		require.Len(t, notes, 1)
		assert.Contains(t, notes[0], "refs/heads/main")
		assert.Contains(t, notes[0], "deleted")
	})

	t.Run("several refs at once", func(t *testing.T) {
		f := newFixture(t, "")
		git(t, f.work, "switch", "-q", "-c", "old")
		o1 := commit(t, f.work, "o1")
		git(t, f.work, "push", "-q", "origin", "old")
		git(t, f.work, "switch", "-q", "main")
		m3 := commit(t, f.work, "m3")
		git(t, f.work, "switch", "-q", "-c", "feat", f.c1)
		f1 := commit(t, f.work, "f1")

		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{
			update("main", m3, f.c2),
			{"(delete)", f.zero(t), "refs/heads/old", o1},
			update("feat", f1, f.zero(t)),
		})
		require.NoError(t, err)
		assert.Equal(t, []Range{
			{"refs/heads/main", f.c2, m3},
			{"refs/heads/feat", f.c1, f1},
		}, ranges)
		require.Len(t, notes, 1)
		assert.Contains(t, notes[0], "refs/heads/old")
	})

	t.Run("nothing new", func(t *testing.T) {
		f := newFixture(t, "")
		git(t, f.work, "branch", "copy", f.c1)
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{
			update("copy", f.c1, f.zero(t)),
			update("main", f.c2, f.c2),
		})
		require.NoError(t, err)
		assert.Empty(t, ranges)
		require.Len(t, notes, 2)
		assert.Contains(t, notes[0], "refs/heads/copy: every commit is on origin already")
		assert.Contains(t, notes[1], "refs/heads/main: the remote has this commit already")
	})

	t.Run("root commit on an orphan branch", func(t *testing.T) {
		f := newFixture(t, "")
		git(t, f.work, "switch", "-q", "--orphan", "fresh")
		r1 := commit(t, f.work, "r1")
		r2 := commit(t, f.work, "r2")
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{update("fresh", r2, f.zero(t))})
		require.NoError(t, err)
		assert.Empty(t, ranges)
		require.Len(t, notes, 1)
		assert.Contains(t, notes[0], "refs/heads/fresh")
		assert.Contains(t, notes[0], "new history")
		assert.Contains(t, notes[0], r1[:12])
	})

	t.Run("annotated tag", func(t *testing.T) {
		f := newFixture(t, "")
		f3 := commit(t, f.work, "f3")
		git(t, f.work, "tag", "-a", "-m", "v1", "v1", f3)
		tag := git(t, f.work, "rev-parse", "v1")
		require.NotEqual(t, f3, tag)
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{{"refs/tags/v1", tag, "refs/tags/v1", f.zero(t)}})
		require.NoError(t, err)
		assert.Empty(t, notes)
		assert.Equal(t, []Range{{"refs/tags/v1", f.c2, f3}}, ranges)
	})

	t.Run("tag of a tree", func(t *testing.T) {
		f := newFixture(t, "")
		tree := git(t, f.work, "rev-parse", "HEAD^{tree}")
		ranges, notes, err := Ranges(ctx, f.work, "origin", []Update{{"refs/tags/t", tree, "refs/tags/t", f.zero(t)}})
		require.NoError(t, err)
		assert.Empty(t, ranges)
		require.Len(t, notes, 1)
		assert.Contains(t, notes[0], "is a tree, not a commit")
	})

	t.Run("missing local commit", func(t *testing.T) {
		f := newFixture(t, "")
		_, _, err := Ranges(ctx, f.work, "origin", []Update{update("main", sha1A, f.zero(t))})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "refs/heads/main")
		assert.Contains(t, err.Error(), sha1A)
	})
}

// recordingHook installs a pre-push hook (not blastgate's) that records its
// arguments and input in rec and blocks the push, so that the remote and
// the remote-tracking branches stay as they were when the hook ran.
func recordingHook(t *testing.T, work string) (rec string) {
	t.Helper()
	rec = t.TempDir()
	writeFile(t, filepath.Join(work, ".git", "hooks", "pre-push"), fmt.Sprintf(`#!/bin/sh
printf '%%s\n' "$@" > '%[1]s/args'
cat > '%[1]s/stdin'
exit 1
`, rec), 0o755)
	return rec
}

func TestRangesThroughGitPush(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			if format == "sha256" {
				out, err := gitEnv(t, t.TempDir(), nil, "init", "-q", "--object-format=sha256", "probe")
				if err != nil {
					t.Skipf("this git cannot make SHA-256 repositories: %s", out)
				}
			}
			ctx := t.Context()
			f := newFixture(t, format)
			zero := f.zero(t)
			require.Len(t, zero, map[string]int{"sha1": 40, "sha256": 64}[format])
			rec := recordingHook(t, f.work)

			// ranges pushes (blocked by the hook), computes the ranges from
			// what the hook saw, then lets the push through.
			ranges := func(args ...string) ([]Update, []Range, []string) {
				t.Helper()
				out, err := gitEnv(t, f.work, nil, append([]string{"push"}, args...)...)
				require.Error(t, err, "the recording hook must block the push: %s", out)
				argv := strings.Split(strings.TrimSuffix(readFile(t, filepath.Join(rec, "args")), "\n"), "\n")
				require.Equal(t, []string{"origin", f.remote}, argv)
				updates, err := ParseUpdates(strings.NewReader(readFile(t, filepath.Join(rec, "stdin"))))
				require.NoError(t, err)
				rs, notes, err := Ranges(ctx, f.work, argv[0], updates)
				require.NoError(t, err)
				git(t, f.work, append([]string{"push", "-q", "--no-verify"}, args...)...)
				return updates, rs, notes
			}

			// A new branch.
			git(t, f.work, "switch", "-q", "-c", "feat")
			f1 := commit(t, f.work, "f1")
			f2 := commit(t, f.work, "f2")
			updates, rs, notes := ranges("origin", "feat")
			assert.Equal(t, []Update{update("feat", f2, zero)}, updates)
			assert.Equal(t, []Range{{"refs/heads/feat", f.c2, f2}}, rs)
			assert.Empty(t, notes)

			// A fast-forward.
			f3 := commit(t, f.work, "f3")
			updates, rs, notes = ranges("origin", "feat")
			assert.Equal(t, []Update{update("feat", f3, f2)}, updates)
			assert.Equal(t, []Range{{"refs/heads/feat", f2, f3}}, rs)
			assert.Empty(t, notes)

			// A force push after rewriting history.
			git(t, f.work, "reset", "-q", "--hard", f1)
			g2 := commit(t, f.work, "g2")
			updates, rs, notes = ranges("--force", "origin", "feat")
			assert.Equal(t, []Update{update("feat", g2, f3)}, updates)
			assert.Equal(t, []Range{{"refs/heads/feat", f1, g2}}, rs)
			assert.Empty(t, notes)

			// Two refs at once: a fast-forward of main and a new branch.
			git(t, f.work, "switch", "-q", "main")
			m3 := commit(t, f.work, "m3")
			git(t, f.work, "switch", "-q", "-c", "other")
			o1 := commit(t, f.work, "o1")
			updates, rs, notes = ranges("origin", "main", "other")
			assert.ElementsMatch(t, []Update{update("main", m3, f.c2), update("other", o1, zero)}, updates)
			assert.ElementsMatch(t, []Range{{"refs/heads/main", f.c2, m3}, {"refs/heads/other", f.c2, o1}}, rs, "main is not on the remote yet when the hook runs")
			assert.Empty(t, notes)

			// A deletion.
			updates, rs, notes = ranges("origin", "--delete", "feat")
			assert.Equal(t, []Update{{"(delete)", zero, "refs/heads/feat", g2}}, updates)
			assert.Empty(t, rs)
			require.Len(t, notes, 1)
			assert.Contains(t, notes[0], "deleted")
			_, err := gitEnv(t, f.remote, nil, "rev-parse", "--verify", "--quiet", "refs/heads/feat")
			assert.Error(t, err, "the deletion went through")
		})
	}
}

func TestRun(t *testing.T) {
	f := newFixture(t, "")
	rec := recordingHook(t, f.work)

	git(t, f.work, "switch", "-q", "-c", "good")
	g1 := commit(t, f.work, "g1")
	git(t, f.work, "switch", "-q", "-c", "bad", f.c1)
	b1 := commit(t, f.work, "b1")
	git(t, f.work, "switch", "-q", "-c", "later", f.c2)
	l1 := commit(t, f.work, "l1")
	out, err := gitEnv(t, f.work, nil, "push", "origin", "good", "bad", "later", ":refs/heads/main")
	require.Error(t, err, out)
	stdin := readFile(t, filepath.Join(rec, "stdin"))
	require.Len(t, strings.Split(strings.TrimSpace(stdin), "\n"), 4)

	// The refs in the order git gave them.
	updates, err := ParseUpdates(strings.NewReader(stdin))
	require.NoError(t, err)
	want := map[string]Range{
		"refs/heads/good":  {"refs/heads/good", f.c2, g1},
		"refs/heads/bad":   {"refs/heads/bad", f.c1, b1},
		"refs/heads/later": {"refs/heads/later", f.c2, l1},
	}
	var order []Range
	for _, u := range updates {
		if r, ok := want[u.RemoteRef]; ok {
			order = append(order, r)
		}
	}
	require.Len(t, order, 3)

	t.Run("a failing check blocks the push", func(t *testing.T) {
		// git exports these to hooks; Run must not let check see them.
		t.Setenv("GIT_DIR", filepath.Join(f.work, "nowhere"))
		t.Setenv("GIT_INDEX_FILE", filepath.Join(f.work, "nowhere", "index"))
		t.Setenv("GIT_PREFIX", "sub/")

		errGate := errors.New("the gate failed: 1 feature untested")
		var calls []Range
		var stderr bytes.Buffer
		err := Run(t.Context(), f.work, "origin", strings.NewReader(stdin), &stderr, func(ctx context.Context, r Range) error {
			calls = append(calls, r)
			for _, name := range []string{"GIT_DIR", "GIT_INDEX_FILE", "GIT_PREFIX"} {
				_, set := os.LookupEnv(name)
				assert.False(t, set, "%s is still set", name)
			}
			if r.Ref == "refs/heads/bad" {
				return errGate
			}
			return nil
		})
		require.Error(t, err)
		assert.ErrorIs(t, err, errGate)
		assert.Contains(t, err.Error(), "refs/heads/bad")

		// check runs in git's order and stops at the first failure.
		var wantCalls []Range
		for _, r := range order {
			wantCalls = append(wantCalls, r)
			if r.Ref == "refs/heads/bad" {
				break
			}
		}
		assert.Equal(t, wantCalls, calls)

		msg := stderr.String()
		assert.Contains(t, msg, "blastgate: the push is blocked: refs/heads/bad: the gate failed: 1 feature untested\n")
		assert.Contains(t, msg, "To push anyway: git push --no-verify\n")
		assert.Contains(t, msg, "refs/heads/main: deleted")
		assert.Contains(t, msg, "checking refs/heads/bad: "+f.c1[:12]+"..."+b1[:12])
	})

	t.Run("passing checks let the push through", func(t *testing.T) {
		var calls []Range
		var stderr bytes.Buffer
		err := Run(t.Context(), f.work, "origin", strings.NewReader(stdin), &stderr, func(ctx context.Context, r Range) error {
			calls = append(calls, r)
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, order, calls)
		assert.NotContains(t, stderr.String(), "blocked")
	})

	t.Run("nothing to check", func(t *testing.T) {
		var stderr bytes.Buffer
		in := fmt.Sprintf("(delete) %s refs/heads/main %s\n", sha1Z, f.c2)
		err := Run(t.Context(), f.work, "origin", strings.NewReader(in), &stderr, func(ctx context.Context, r Range) error {
			t.Errorf("check called with %+v", r)
			return nil
		})
		require.NoError(t, err)
		assert.Contains(t, stderr.String(), "no commits to check")
	})

	t.Run("bad input blocks the push", func(t *testing.T) {
		var stderr bytes.Buffer
		err := Run(t.Context(), f.work, "origin", strings.NewReader("garbage\n"), &stderr, func(ctx context.Context, r Range) error {
			t.Errorf("check called with %+v", r)
			return nil
		})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "line 1")
		assert.Contains(t, stderr.String(), "the push is blocked")
		assert.Contains(t, stderr.String(), "git push --no-verify")
	})
}

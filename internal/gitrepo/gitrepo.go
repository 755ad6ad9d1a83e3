// Package gitrepo is a small, read-only wrapper around the git command line.
//
// Every invocation runs `git -c core.quotepath=off ...` with LC_ALL=C and
// GIT_OPTIONAL_LOCKS=0 (so not even `git status` refreshes the index). Nothing
// here writes to the repository: Export checks a tree out through a temporary
// index file, never the repository's own.
package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Repo is a git working tree, opened read-only.
type Repo struct {
	// Root is the absolute top-level directory of the working tree.
	Root string
}

// ShallowError reports a revision (or a merge base) that cannot be found
// because the clone is shallow.
type ShallowError struct {
	// Rev is the revision that is missing; for a merge base it is BASE...HEAD.
	Rev string
}

// Error says what is missing and how to fetch it.
func (e *ShallowError) Error() string {
	what := fmt.Sprintf("revision %q is", e.Rev)
	if base, head, ok := strings.Cut(e.Rev, "..."); ok {
		// Both revisions are present: what is missing is the history
		// between them, down to their merge base.
		what = fmt.Sprintf("the merge base of %s and %s is", shortRev(base), shortRev(head))
	}
	return what + " missing from this shallow clone: fetch full history " +
		"(actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
}

// shortRev shortens a full commit SHA for a message; names are kept.
func shortRev(rev string) string {
	if len(rev) == 40 && strings.Trim(rev, "0123456789abcdef") == "" {
		return rev[:12]
	}
	return rev
}

// Open finds the repository containing dir.
func Open(ctx context.Context, dir string) (*Repo, error) {
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: pass the directory of a git clone", dir)
	}
	out, err := run(ctx, dir, nil, "rev-parse", "--show-toplevel")
	var ge *gitError
	switch {
	case errors.As(err, &ge) && strings.Contains(ge.stderr, "not a git repository"):
		return nil, fmt.Errorf("%s is not in a git repository: run blastgate inside a clone, or pass -C DIR", dir)
	case errors.As(err, &ge) && strings.Contains(ge.stderr, "dubious ownership"):
		return nil, fmt.Errorf("%w (trust it with: git config --global --add safe.directory PATH)", err)
	case err != nil:
		return nil, fmt.Errorf("cannot open the git repository at %s: %w", dir, err)
	}
	root := strings.TrimSuffix(string(out), "\n")
	if root == "" {
		return nil, fmt.Errorf("%s is a bare repository: run blastgate in a clone with a working tree", dir)
	}
	return &Repo{Root: filepath.Clean(root)}, nil
}

// Resolve returns the full commit SHA of rev, which may be anything
// `git rev-parse` accepts. In a shallow clone a revision that cannot be
// resolved gives a *ShallowError.
func (r *Repo) Resolve(ctx context.Context, rev string) (string, error) {
	if rev == "" {
		return "", errors.New("empty revision: pass a branch, tag or commit SHA")
	}
	out, err := r.git(ctx, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	if !isExit(err, 1) {
		return "", fmt.Errorf("cannot resolve revision %q: %w", rev, err)
	}
	if shallow, err := r.isShallow(ctx); err != nil {
		return "", err
	} else if shallow {
		return "", &ShallowError{Rev: rev}
	}
	return "", fmt.Errorf("unknown revision %q: check the name, or git fetch it if it exists only on the remote", rev)
}

// MergeBase returns the merge base of base and head. When there is none, it
// gives a *ShallowError in a shallow clone, and an error saying the two share
// no history otherwise.
func (r *Repo) MergeBase(ctx context.Context, base, head string) (string, error) {
	b, err := r.Resolve(ctx, base)
	if err != nil {
		return "", err
	}
	h, err := r.Resolve(ctx, head)
	if err != nil {
		return "", err
	}
	out, err := r.git(ctx, nil, "merge-base", b, h)
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	if !isExit(err, 1) {
		return "", fmt.Errorf("cannot find the merge base of %q and %q: %w", base, head, err)
	}
	if shallow, err := r.isShallow(ctx); err != nil {
		return "", err
	} else if shallow {
		return "", &ShallowError{Rev: base + "..." + head}
	}
	return "", fmt.Errorf("%q and %q share no history (no merge base): compare against the branch %q was created from", base, head, head)
}

// Diff returns the changes from the merge base of base and head to head (what
// `git diff base...head` shows), sorted by path. Renames are not detected: a
// rename is a deletion plus an addition.
func (r *Repo) Diff(ctx context.Context, base, head string) ([]FileChange, error) {
	h, err := r.Resolve(ctx, head)
	if err != nil {
		return nil, err
	}
	mb, err := r.MergeBase(ctx, base, head)
	if err != nil {
		return nil, err
	}
	out, err := r.git(ctx, nil, "diff",
		"--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--no-relative",
		"-U0", "--inter-hunk-context=0", "--submodule=short", "--ignore-submodules=none",
		"--src-prefix=a/", "--dst-prefix=b/", mb, h, "--")
	if err != nil {
		return nil, fmt.Errorf("cannot diff %s...%s: %w", base, head, err)
	}
	files, err := ParseDiff(bytes.NewReader(out))
	if err != nil {
		return nil, fmt.Errorf("cannot read the output of git diff %s...%s: %w", base, head, err)
	}
	return files, nil
}

// Show returns the content of path (relative to Root, slash-separated) at rev.
func (r *Repo) Show(ctx context.Context, rev, path string) ([]byte, error) {
	sha, err := r.Resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	out, err := r.git(ctx, nil, "cat-file", "blob", sha+":"+path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s at %s: %w", path, rev, err)
	}
	return out, nil
}

// Clean reports whether the working tree has no changes to tracked files and
// no untracked files. Ignored files do not count.
func (r *Repo) Clean(ctx context.Context) (bool, error) {
	out, err := r.git(ctx, nil, "status", "--porcelain=v1", "-z", "--untracked-files=normal")
	if err != nil {
		return false, fmt.Errorf("cannot check the working tree: %w", err)
	}
	return len(out) == 0, nil
}

// HasIgnored reports whether the working tree holds files git ignores
// (build outputs, generated code): files no commit has.
func (r *Repo) HasIgnored(ctx context.Context) (bool, error) {
	out, err := r.git(ctx, nil, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory", "--no-empty-directory")
	if err != nil {
		return false, fmt.Errorf("cannot list the ignored files: %w", err)
	}
	return len(out) > 0, nil
}

// Trees returns the tree ids of commits, full commit SHAs as Resolve
// returns them, in one git command.
func (r *Repo) Trees(ctx context.Context, commits ...string) ([]string, error) {
	args := []string{"rev-parse"} // full SHAs only: no option can slip in
	for _, c := range commits {
		if !isObjectID(c) {
			return nil, fmt.Errorf("cannot read the tree of %q: not a full commit SHA", c)
		}
		args = append(args, c+"^{tree}")
	}
	out, err := r.git(ctx, nil, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot read the trees of %s: %w", strings.Join(commits, " "), err)
	}
	trees := strings.Fields(string(out))
	if len(trees) != len(commits) {
		return nil, fmt.Errorf("cannot read the trees of %s: git rev-parse printed %q", strings.Join(commits, " "), out)
	}
	return trees, nil
}

// isObjectID reports whether s is a full SHA-1 or SHA-256 object id.
func isObjectID(s string) bool {
	return (len(s) == 40 || len(s) == 64) && strings.Trim(s, "0123456789abcdef") == ""
}

// Export writes the tree of rev into dir, which must be empty or not exist.
// It uses a temporary index file, so the repository's index and working tree
// are left alone.
func (r *Repo) Export(ctx context.Context, rev, dir string) error {
	sha, err := r.Resolve(ctx, rev)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("cannot export to %s: %w", dir, err)
	}
	if err := emptyDir(abs); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "blastgate-index-")
	if err != nil {
		return fmt.Errorf("cannot export %s: %w", rev, err)
	}
	defer os.RemoveAll(tmp)

	env := []string{"GIT_INDEX_FILE=" + filepath.Join(tmp, "index")}
	if _, err := r.git(ctx, env, "read-tree", sha); err != nil {
		return fmt.Errorf("cannot export %s: %w", rev, err)
	}
	prefix := filepath.ToSlash(abs)
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if _, err := r.git(ctx, env, "checkout-index", "--all", "--force", "--prefix="+prefix); err != nil {
		return fmt.Errorf("cannot export %s to %s: %w", rev, dir, err)
	}
	return nil
}

// emptyDir makes sure dir exists and is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot export: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("cannot export to %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("cannot export to %s: the directory is not empty: pass an empty or new directory", dir)
	}
	return nil
}

func (r *Repo) isShallow(ctx context.Context) (bool, error) {
	out, err := r.git(ctx, nil, "rev-parse", "--is-shallow-repository")
	if err != nil {
		return false, fmt.Errorf("cannot tell whether the clone is shallow: %w", err)
	}
	return strings.TrimSpace(string(out)) == "true", nil
}

func (r *Repo) git(ctx context.Context, env []string, args ...string) ([]byte, error) {
	return run(ctx, r.Root, env, args...)
}

// Run runs git in dir, with the environment of every git command here,
// and returns its standard output; errors are one line.
func Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return run(ctx, dir, nil, args...)
}

// run runs git in dir and returns its standard output. extraEnv is added to
// the environment.
func run(ctx context.Context, dir string, extraEnv []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.quotepath=off"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(environ(), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	switch {
	case err == nil:
		return stdout.Bytes(), nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("git %s: %w", args[0], ctx.Err())
	case errors.Is(err, exec.ErrNotFound):
		return nil, errors.New("git not found: install git and put it on PATH")
	}
	return stdout.Bytes(), &gitError{cmd: args[0], stderr: stderr.String(), err: err}
}

// environ is the process environment for git: the caller's, without the
// variables that would point git at another repository or index, plus a
// fixed locale and no optional locks (no opportunistic index writes).
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if IsLocalEnvVar(name) || name == "LC_ALL" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0")
}

// gitError is a failed git command, summarised by the first line of its
// standard error.
type gitError struct {
	cmd    string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	msg, _, _ = strings.Cut(msg, "\n")
	msg = strings.TrimPrefix(strings.TrimPrefix(msg, "fatal: "), "error: ")
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	if msg == "" {
		msg = e.err.Error()
	}
	return "git " + e.cmd + ": " + msg
}

func (e *gitError) Unwrap() error { return e.err }

// NotARepository reports whether git failed because its directory is not
// in a git repository.
func NotARepository(err error) bool {
	var ge *gitError
	return errors.As(err, &ge) && strings.Contains(ge.stderr, "not a git repository")
}

// IsExit reports whether err is a git exit with the given status.
func IsExit(err error, code int) bool { return isExit(err, code) }

// isExit reports whether err is a git exit with the given status.
func isExit(err error, code int) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.ExitCode() == code
}

// localEnvVars are the variables git exports to hooks (or a user may set)
// that point git at another repository, index or object store. It is the
// list `git rev-parse --local-env-vars` prints in git 2.39; Run adds
// whatever the installed git prints.
var localEnvVars = []string{
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS",
	"GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE",
	"GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE",
	"GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
	"GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
}

// IsLocalEnvVar reports whether name is one of localEnvVars, or one of the
// GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n pairs that GIT_CONFIG_COUNT counts.
func IsLocalEnvVar(name string) bool {
	for _, v := range localEnvVars {
		if name == v {
			return true
		}
	}
	return strings.HasPrefix(name, "GIT_CONFIG_KEY_") || strings.HasPrefix(name, "GIT_CONFIG_VALUE_")
}

package prepush

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

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

// isLocalEnvVar reports whether name is one of localEnvVars, or one of the
// GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n pairs that GIT_CONFIG_COUNT counts.
func isLocalEnvVar(name string) bool {
	for _, v := range localEnvVars {
		if name == v {
			return true
		}
	}
	return strings.HasPrefix(name, "GIT_CONFIG_KEY_") || strings.HasPrefix(name, "GIT_CONFIG_VALUE_")
}

// unsetLocalEnv removes the repository-local git variables from the process
// environment, so that every git (and go) command started afterwards finds
// the repository from its working directory.
func unsetLocalEnv(ctx context.Context, dir string) error {
	names := map[string]bool{}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if isLocalEnvVar(name) {
			names[name] = true
		}
	}
	// `git rev-parse --local-env-vars` needs no repository; ask the installed
	// git in case it knows more variables than this list.
	out, err := run(ctx, dir, "rev-parse", "--local-env-vars")
	if err != nil {
		return fmt.Errorf("cannot list git's repository variables: %w", err)
	}
	for _, name := range strings.Fields(string(out)) {
		names[name] = true
	}
	for name := range names {
		if err := os.Unsetenv(name); err != nil {
			return fmt.Errorf("cannot unset %s: %w", name, err)
		}
	}
	return nil
}

// run runs git in dir and returns its standard output.
func run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.quotepath=off"}, args...)...)
	cmd.Dir = dir
	cmd.Env = environ()
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

// environ is the process environment without the variables that would
// point git at another repository, plus a fixed locale and no optional locks.
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if isLocalEnvVar(name) || name == "LC_ALL" {
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

// isExit reports whether err is a git exit with the given status.
func isExit(err error, code int) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.ExitCode() == code
}

// Package prepush is blastgate's local pre-push check: it installs a git
// pre-push hook and, when git runs it, works out the commits each pushed
// ref adds and checks them.
package prepush

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// marker is the line that identifies a hook blastgate wrote.
const marker = "# blastgate pre-push hook"

const (
	hookName   = "pre-push"
	legacyName = "pre-push.legacy"
)

// hookScript is the installed hook. It uses only shell builtins until it
// runs blastgate (and the legacy hook, if any), so it works with any PATH.
// The legacy hook is found next to the script at run time: a repository
// that moves keeps its chain.
const hookScript = `#!/bin/sh
` + marker + `
# Written by "blastgate hook install"; remove it with "blastgate hook uninstall".
# It runs the tests the pushed commits need. Skip it once with: git push --no-verify

if ! command -v blastgate >/dev/null 2>&1; then
	echo "blastgate pre-push: blastgate is not on PATH: go install github.com/blastgate/blastgate/cmd/blastgate@latest, or bypass once with git push --no-verify" >&2
	exit 1
fi

case $0 in
*/*) hooks=${0%/*} ;;
*) hooks=. ;;
esac
legacy=$hooks/` + legacyName + `
if [ -f "$legacy" ] && [ -x "$legacy" ]; then
	# Both hooks read the same input: keep it (a few lines, one per ref).
	input=
	while IFS= read -r line || [ -n "$line" ]; do
		input="$input$line
"
	done
	printf '%s' "$input" | "$legacy" "$@"
	status=$?
	if [ "$status" -ne 0 ]; then
		echo "blastgate pre-push: $legacy failed (exit status $status): the push is blocked. To push anyway: git push --no-verify" >&2
		exit "$status"
	fi
	printf '%s' "$input" | blastgate hook run pre-push "$@"
	exit $?
fi
exec blastgate hook run pre-push "$@"
`

// Install writes the pre-push hook into the repository containing dir,
// honouring core.hooksPath (the directory `git rev-parse --git-path hooks`
// names, created if missing). The hook runs `blastgate hook run pre-push`.
//
// A pre-push hook blastgate did not write (one without the line
// "# blastgate pre-push hook") is refused unless force is set; with force it
// is renamed to pre-push.legacy and the new hook runs it first, with the
// same arguments and input, blocking the push when it fails. An existing pre-push.legacy is never overwritten.
// Installing again replaces blastgate's own hook. Install returns the path
// of the hook.
func Install(ctx context.Context, dir string, force bool) (string, error) {
	hooks, err := hooksDir(ctx, dir)
	if err != nil {
		return "", err
	}
	hook := filepath.Join(hooks, hookName)
	legacy := filepath.Join(hooks, legacyName)

	ours, exists, err := inspect(hook)
	if err != nil {
		return "", err
	}
	if exists && !ours {
		if !force {
			return "", fmt.Errorf("%s is a pre-push hook that blastgate did not write: "+
				"pass --force to keep it as %s and run it before blastgate, "+
				"or chain it yourself by adding `blastgate hook run pre-push \"$@\"` to it", hook, legacyName)
		}
		if _, err := os.Lstat(legacy); err == nil {
			return "", fmt.Errorf("cannot keep %s as %s: %s already exists: "+
				"merge the two hooks into one, or move one of them away, and install again", hook, legacyName, legacy)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("cannot install the pre-push hook: %w", err)
		}
	}
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		return "", fmt.Errorf("cannot create the hooks directory: %w", err)
	}
	tmp, err := os.CreateTemp(hooks, ".pre-push.blastgate-*")
	if err != nil {
		return "", fmt.Errorf("cannot install the pre-push hook: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	_, werr := tmp.WriteString(hookScript)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o755)); err != nil {
		return "", fmt.Errorf("cannot install the pre-push hook: %w", err)
	}
	if exists && !ours {
		if err := os.Rename(hook, legacy); err != nil {
			return "", fmt.Errorf("cannot keep %s as %s: %w", hook, legacyName, err)
		}
	}
	if err := os.Rename(tmp.Name(), hook); err != nil {
		return "", fmt.Errorf("cannot install the pre-push hook: %w", err)
	}
	return hook, nil
}

// Uninstall removes the pre-push hook if blastgate wrote it, and puts
// pre-push.legacy (if any) back in its place. A hook blastgate did not
// write is an error; no hook at all is not. The returned message says
// what was done.
func Uninstall(ctx context.Context, dir string) (string, error) {
	hooks, err := hooksDir(ctx, dir)
	if err != nil {
		return "", err
	}
	hook := filepath.Join(hooks, hookName)
	legacy := filepath.Join(hooks, legacyName)

	ours, exists, err := inspect(hook)
	if err != nil {
		return "", err
	}
	if !exists {
		msg := fmt.Sprintf("no pre-push hook at %s: nothing to uninstall", hook)
		if _, err := os.Lstat(legacy); err == nil {
			msg += fmt.Sprintf(" (%s is there: rename it to %s to use it again)", legacy, hookName)
		}
		return msg, nil
	}
	if !ours {
		return "", fmt.Errorf("%s is a pre-push hook that blastgate did not write: leaving it alone (remove it by hand if you want it gone)", hook)
	}
	if err := os.Remove(hook); err != nil {
		return "", fmt.Errorf("cannot remove %s: %w", hook, err)
	}
	if _, err := os.Lstat(legacy); errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("removed the blastgate pre-push hook %s", hook), nil
	} else if err != nil {
		return "", fmt.Errorf("removed %s, but cannot restore %s: %w", hook, legacy, err)
	}
	if err := os.Rename(legacy, hook); err != nil {
		return "", fmt.Errorf("removed %s, but cannot restore %s: %w (rename it to %s by hand)", hook, legacy, err, hookName)
	}
	return fmt.Sprintf("removed the blastgate pre-push hook %s and restored the previous hook from %s", hook, legacyName), nil
}

// hooksDir returns the hooks directory of the repository containing dir,
// as `git rev-parse --git-path hooks` names it (core.hooksPath, or the
// common git directory's hooks).
func hooksDir(ctx context.Context, dir string) (string, error) {
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("cannot open %s: %w", dir, err)
	} else if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory: pass the directory of a git clone", dir)
	}
	out, err := gitrepo.Run(ctx, dir, "rev-parse", "--git-path", "hooks")
	if err != nil {
		if gitrepo.NotARepository(err) {
			return "", fmt.Errorf("%s is not in a git repository: run blastgate hook install inside a clone, or pass -C DIR", dir)
		}
		return "", fmt.Errorf("cannot find the hooks directory of %s: %w", dir, err)
	}
	hooks := strings.TrimSuffix(string(out), "\n")
	if hooks == "" {
		return "", fmt.Errorf("cannot find the hooks directory of %s: git rev-parse --git-path hooks printed nothing", dir)
	}
	if !filepath.IsAbs(hooks) {
		hooks = filepath.Join(dir, hooks)
	}
	abs, err := filepath.Abs(hooks)
	if err != nil {
		return "", fmt.Errorf("cannot find the hooks directory of %s: %w", dir, err)
	}
	return abs, nil
}

// inspect reports whether the hook at path exists and whether blastgate
// wrote it (it has the marker line). A dangling symbolic link exists and
// is not blastgate's.
func inspect(path string) (ours, exists bool, err error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	} else if err != nil {
		return false, false, fmt.Errorf("cannot read the pre-push hook: %w", err)
	}
	if fi.IsDir() {
		return false, true, fmt.Errorf("%s is a directory, not a hook: move it away", path)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && fi.Mode()&fs.ModeSymlink != 0 {
		return false, true, nil
	} else if err != nil {
		return false, true, fmt.Errorf("cannot read the pre-push hook: %w", err)
	}
	return hasMarker(data), true, nil
}

// hasMarker reports whether data has the marker as a line of its own.
func hasMarker(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimRight(line, " \t\r") == marker {
			return true
		}
	}
	return false
}

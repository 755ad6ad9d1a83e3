// What the tests need from the machine, and what they keep out of it.

package action

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostEnv is the test process's environment without what GitHub Actions,
// the action's inputs or blastgate itself read (GITHUB_*, RUNNER_*,
// INPUT_*, BLASTGATE_*): a test run inside a GitHub job, or by a developer
// with BLASTGATE_CACHE_DIR set, sees what it sets and nothing else.
func hostEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "GITHUB_"), strings.HasPrefix(name, "RUNNER_"),
			strings.HasPrefix(name, "INPUT_"), strings.HasPrefix(name, "BLASTGATE_"):
			continue
		}
		env = append(env, kv)
	}
	return env
}

// needTool makes sure a tool a test runs is on PATH. Outside CI a missing
// tool skips the test; in CI (CI=true, as GitHub Actions and our CI set
// it) it fails the test: a skipped test proves nothing, and CI must not
// pass on a machine that could not run it.
func needTool(t *testing.T, name, why string) {
	t.Helper()
	missing, fatal, msg := toolCheck(name, why, os.Getenv("CI"))
	switch {
	case !missing:
	case fatal:
		t.Fatal(msg)
	default:
		t.Skip(msg)
	}
}

// toolCheck says whether name is missing from PATH and, if so, whether
// that fails the test (ci, the value of CI, is true: true, 1, ...) and why.
func toolCheck(name, why, ci string) (missing, fatal bool, msg string) {
	if _, err := exec.LookPath(name); err == nil {
		return false, false, ""
	}
	if inCI, err := strconv.ParseBool(ci); err == nil && inCI {
		return true, true, fmt.Sprintf("%s is not on PATH (%s): with CI=%s this fails rather than skips: install %s", name, why, ci, name)
	}
	return true, false, fmt.Sprintf("%s is not on PATH (%s): skipped outside CI (CI=%q)", name, why, ci)
}

func TestToolCheck(t *testing.T) {
	const absent = "blastgate-no-such-tool"
	for _, ci := range []string{"true", "1", "TRUE"} {
		missing, fatal, msg := toolCheck(absent, "a test needs it", ci)
		assert.True(t, missing)
		assert.True(t, fatal, "CI=%s: a missing tool fails the test", ci)
		assert.Contains(t, msg, "install "+absent)
	}
	for _, ci := range []string{"", "false", "0", "yes-ish"} {
		missing, fatal, _ := toolCheck(absent, "a test needs it", ci)
		assert.True(t, missing)
		assert.False(t, fatal, "CI=%q: outside CI a missing tool skips", ci)
	}
	self, err := os.Executable()
	require.NoError(t, err)
	missing, _, _ := toolCheck(self, "it runs this test", "true")
	assert.False(t, missing, "a tool that is there is not missing")
}

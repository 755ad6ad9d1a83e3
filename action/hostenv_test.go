package action

import (
	"os"
	"strings"
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

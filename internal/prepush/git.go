package prepush

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// unsetLocalEnv removes the repository-local git variables from the process
// environment, so that every git (and go) command started afterwards finds
// the repository from its working directory.
func unsetLocalEnv(ctx context.Context, dir string) error {
	names := map[string]bool{}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if gitrepo.IsLocalEnvVar(name) {
			names[name] = true
		}
	}
	// `git rev-parse --local-env-vars` needs no repository; ask the installed
	// git in case it knows more variables than this list.
	out, err := gitrepo.Run(ctx, dir, "rev-parse", "--local-env-vars")
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

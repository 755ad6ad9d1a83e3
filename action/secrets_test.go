package action

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/example"
	"github.com/blastgate/blastgate/internal/testenv"
)

// envRecorder is a test file the pull request adds to package prepaid: its
// init, run by the test binary blastgate run starts, writes the binary's
// whole environment to $SECRETS_TEST_RECORD, one variable a line.
const envRecorder = `package prepaid

import (
	"os"
	"strings"
)

func init() {
	if path := os.Getenv("SECRETS_TEST_RECORD"); path != "" {
		_ = os.WriteFile(path, []byte(strings.Join(os.Environ(), "\n")+"\n"), 0o644)
	}
}
`

// secretVars are the variables a runner (or a careless workflow) may set
// with a token in them; the action's step sets GITHUB_TOKEN to the
// github-token input.
var secretVars = []string{
	"GITHUB_TOKEN", "GH_TOKEN", "INPUT_GITHUB_TOKEN", "INPUT_GITHUB-TOKEN",
	"ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
}

// TestTestsSeeNoSecrets runs the action's gate step with run-tests: true
// on a pull request whose test code records its environment, with the
// comment token (and the runner's other tokens) set under every name the
// runner or a workflow may use: the tests see none of them, and the comment
// is still written with the token.
func TestTestsSeeNoSecrets(t *testing.T) {
	testenv.NeedTool(t, "the action's steps are bash", "bash")
	testenv.NeedTool(t, "the bundled shop is a git repository", "git")
	work := t.TempDir()
	bin := filepath.Join(work, "blastgate")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/blastgate").CombinedOutput()
	require.NoError(t, err, string(out))

	shop := filepath.Join(work, "shop")
	require.NoError(t, example.Materialize(context.Background(), shop))
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", shop, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.TrimSpace(string(out))
	}
	git("checkout", "-q", "shared-change-proved")
	require.NoError(t, os.WriteFile(filepath.Join(shop, "prepaid", "zz_env_test.go"), []byte(envRecorder), 0o644))
	git("add", "-A")
	git("commit", "-q", "-m", "a test that records its environment")
	baseSHA, headSHA := git("rev-parse", "main"), git("rev-parse", "HEAD")
	event := filepath.Join(work, "event.json")
	require.NoError(t, os.WriteFile(event, []byte(fmt.Sprintf(`{"number":1,
		"pull_request":{"number":1,"base":{"sha":%q,"repo":{"full_name":"shop/shop"}},"head":{"sha":%q,"repo":{"full_name":"shop/shop"}}}}`, baseSHA, headSHA)), 0o644))

	api := &fakeGitHub{comments: map[int64]string{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	actionPath, err := filepath.Abs("..")
	require.NoError(t, err)

	tmp := t.TempDir()
	record := filepath.Join(tmp, "env.txt")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", `"$GITHUB_ACTION_PATH/action/gate.sh"`)
	cmd.Dir = shop
	cmd.Env = append(hostEnv(),
		"GITHUB_ACTION_PATH="+actionPath, "BLASTGATE="+bin, "RUNNER_TEMP="+tmp,
		"GITHUB_STEP_SUMMARY="+filepath.Join(tmp, "summary.md"), "GITHUB_OUTPUT="+filepath.Join(tmp, "output"),
		"GITHUB_EVENT_PATH="+event, "GITHUB_REPOSITORY=shop/shop", "GITHUB_API_URL="+srv.URL,
		"INPUT_BASE="+baseSHA, "INPUT_RUN_TESTS=true", "INPUT_COMMENT=required",
		"SECRETS_TEST_RECORD="+record,
		// The token under a name of the workflow's own choosing, in a
		// header.
		"DEPLOY_AUTH=Bearer "+token,
	)
	for _, name := range secretVars {
		value := token
		if name != "GITHUB_TOKEN" {
			value = "ghs_other-" + strings.ToLower(strings.ReplaceAll(name, "_", "-"))
		}
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	var stdout strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	require.NoError(t, cmd.Run(), "the gate passes on shared-change-proved:\n%s", stdout.String())
	assert.NotContains(t, stdout.String(), token)

	recorded, err := os.ReadFile(record)
	require.NoError(t, err, "the pull request's test binary ran under blastgate run and recorded its environment")
	seen := map[string]string{}
	for line := range strings.Lines(string(recorded)) {
		name, value, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		seen[name] = value
	}
	require.Contains(t, seen, "SECRETS_TEST_RECORD", "the recorder saw the job's ordinary variables")
	var leaked []string
	for name, value := range seen {
		if strings.Contains(value, token) || strings.Contains(value, "ghs_other-") {
			leaked = append(leaked, name)
		}
	}
	for _, name := range append(secretVars, "DEPLOY_AUTH") {
		if _, ok := seen[name]; ok {
			leaked = append(leaked, name)
		}
	}
	assert.Empty(t, leaked, "the tests saw these token variables")

	// The comment still got the token: the secret is withheld from the
	// tests, not from the comment.
	assert.Contains(t, stdout.String(), "blastgate: commented on pull request #1")
	api.mu.Lock()
	defer api.mu.Unlock()
	require.NotEmpty(t, api.auth)
	for _, a := range api.auth {
		assert.Contains(t, a, token)
	}
}

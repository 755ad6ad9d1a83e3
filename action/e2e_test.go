package action

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/example"
)

const token = "ghs_s3cr3t-token-value"

// fakeGitHub speaks the slice of GitHub's REST API the comment uses.
type fakeGitHub struct {
	mu       sync.Mutex
	comments map[int64]string
	nextID   int64
	writes   int
	status   int // when set, every write answers this status
	auth     []string
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodGet && f.status != 0 {
		f.writes++
		w.WriteHeader(f.status)
		fmt.Fprint(w, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com"}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && path == "/repos/shop/shop/issues/1/comments":
		var out []map[string]any
		out = append(out, map[string]any{"id": 1, "body": "LGTM", "user": map[string]any{"login": "alice", "type": "User"}})
		for id, body := range f.comments {
			out = append(out, map[string]any{"id": id, "body": body, "user": map[string]any{"login": "github-actions[bot]", "type": "Bot"}})
		}
		json.NewEncoder(w).Encode(out)
	case r.Method == http.MethodPost && path == "/repos/shop/shop/issues/1/comments":
		f.writes++
		var c struct{ Body string }
		json.NewDecoder(r.Body).Decode(&c)
		f.nextID++
		id := 100 + f.nextID
		f.comments[id] = c.Body
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": id, "body": c.Body})
	case r.Method == http.MethodPatch && strings.HasPrefix(path, "/repos/shop/shop/issues/comments/"):
		f.writes++
		id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/repos/shop/shop/issues/comments/"), 10, 64)
		var c struct{ Body string }
		json.NewDecoder(r.Body).Decode(&c)
		f.comments[id] = c.Body
		json.NewEncoder(w).Encode(map[string]any{"id": id, "body": c.Body})
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found"}`)
	}
}

type run struct {
	code                    int
	stdout, summary, output string
}

// TestAction runs the action's entry script on the bundled shop, as GitHub
// Actions would on a pull_request event, against a fake GitHub API.
func TestAction(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("the action's entry script needs bash")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "blastgate")
	build := exec.Command("go", "build", "-o", bin, "../cmd/blastgate")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	shop := filepath.Join(work, "shop")
	require.NoError(t, example.Materialize(context.Background(), shop))
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", shop}, args...)...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.TrimSpace(string(out))
	}
	git("checkout", "-q", "shared-change")
	baseSHA, headSHA := git("rev-parse", "main"), git("rev-parse", "HEAD")
	event := filepath.Join(work, "event.json")
	require.NoError(t, os.WriteFile(event, []byte(fmt.Sprintf(`{"action":"synchronize","number":1,
		"pull_request":{"number":1,"base":{"sha":%q,"repo":{"full_name":"shop/shop"}},"head":{"sha":%q,"repo":{"full_name":"shop/shop"}}},
		"repository":{"full_name":"shop/shop"}}`, baseSHA, headSHA)), 0o644))

	// The postpaid tests only, as their author ran them.
	postpaid := filepath.Join(work, "postpaid.json")
	cmd := exec.Command("go", "test", "-json", "./postpaid/...")
	cmd.Dir = shop
	data, err := cmd.Output()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(postpaid, data, 0o644))

	api := &fakeGitHub{comments: map[int64]string{}}
	srv := httptest.NewServer(api)
	defer srv.Close()

	gate := func(t *testing.T, dir string, inputs map[string]string) run {
		t.Helper()
		tmp := t.TempDir()
		summary, output := filepath.Join(tmp, "summary.md"), filepath.Join(tmp, "output")
		script, err := filepath.Abs("gate.sh")
		require.NoError(t, err)
		cmd := exec.Command("bash", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(),
			"BLASTGATE="+bin, "RUNNER_TEMP="+tmp,
			"GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+output,
			"GITHUB_EVENT_PATH="+event, "GITHUB_REPOSITORY=shop/shop",
			"GITHUB_API_URL="+srv.URL, "GITHUB_TOKEN="+token,
			"INPUT_BASE="+baseSHA, "INPUT_COMMENT=true",
		)
		for k, v := range inputs {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var stdout strings.Builder
		cmd.Stdout = &stdout
		cmd.Stderr = &stdout
		err = cmd.Run()
		code := 0
		if exitErr, ok := err.(*exec.ExitError); ok {
			code = exitErr.ExitCode()
		} else {
			require.NoError(t, err)
		}
		s, _ := os.ReadFile(summary)
		o, _ := os.ReadFile(output)
		r := run{code: code, stdout: stdout.String(), summary: string(s), output: string(o)}
		for _, text := range []string{r.stdout, r.summary, r.output} {
			assert.NotContains(t, text, token, "the token never appears")
		}
		return r
	}

	t.Run("postpaid tests only: the gate fails and says so everywhere", func(t *testing.T) {
		r := gate(t, shop, map[string]string{"INPUT_RESULTS": postpaid})
		require.Equal(t, 1, r.code, r.stdout)
		assert.Contains(t, r.summary, "❌ blastgate: fail")
		assert.Contains(t, r.summary, "`POST /token/buy`")
		assert.Contains(t, r.output, "verdict=fail\nimpacted=4\n")
		assert.Contains(t, r.output, "report=")
		assert.Contains(t, r.stdout, "::error file=billing/fee.go,line=10,title=blastgate::billing.Fee reaches features that lack a passing test:")
		require.Len(t, api.comments, 1)
		for _, body := range api.comments {
			assert.True(t, strings.HasPrefix(body, "<!-- blastgate:report -->"))
			assert.Contains(t, body, "POST /token/buy")
			assert.Contains(t, body, "@shop/payments", "owners are pulled in")
			assert.Contains(t, body, "grafana.example.com", "the dashboard to watch")
		}
		for _, a := range api.auth {
			assert.Contains(t, a, token, "the API saw the token")
		}
	})

	t.Run("run-tests: the gate passes and the same comment is updated", func(t *testing.T) {
		r := gate(t, shop, map[string]string{"INPUT_RUN_TESTS": "true"})
		require.Equal(t, 0, r.code, r.stdout)
		assert.Contains(t, r.summary, "✅ blastgate: pass")
		assert.Contains(t, r.output, "verdict=pass\n")
		require.Len(t, api.comments, 1, "one sticky comment")
		for _, body := range api.comments {
			assert.Contains(t, body, "blastgate: pass")
		}
	})

	t.Run("unchanged report: no write", func(t *testing.T) {
		writes := api.writes
		r := gate(t, shop, map[string]string{"INPUT_RUN_TESTS": "true"})
		require.Equal(t, 0, r.code, r.stdout)
		assert.Equal(t, writes, api.writes)
	})

	t.Run("cache-dir: the second run reads the analysis and says the same", func(t *testing.T) {
		workspace := t.TempDir()
		inputs := map[string]string{"INPUT_RESULTS": postpaid, "INPUT_CACHE_DIR": "blastgate-cache", "GITHUB_WORKSPACE": workspace, "BLASTGATE_DEBUG": "cache"}
		first := gate(t, shop, inputs)
		require.Equal(t, 1, first.code, first.stdout)
		assert.Contains(t, first.stdout, "blastgate: cache: put")
		entries, err := filepath.Glob(filepath.Join(workspace, "blastgate-cache", "??", "*"))
		require.NoError(t, err)
		assert.Len(t, entries, 1, "the analysis is kept in the workspace's blastgate-cache")
		second := gate(t, shop, inputs)
		require.Equal(t, 1, second.code, second.stdout)
		assert.Contains(t, second.stdout, "blastgate: cache: hit")
		assert.Equal(t, first.summary, second.summary)
		assert.Equal(t, first.output[strings.Index(first.output, "verdict="):], second.output[strings.Index(second.output, "verdict="):])
	})

	t.Run("a fork's read-only token: a warning, and the verdict stands", func(t *testing.T) {
		api.mu.Lock()
		api.status = http.StatusForbidden
		api.comments = map[int64]string{}
		api.mu.Unlock()
		r := gate(t, shop, map[string]string{"INPUT_RESULTS": postpaid})
		assert.Equal(t, 1, r.code, r.stdout)
		assert.Contains(t, r.stdout, "::warning")
		assert.Contains(t, r.summary, "❌ blastgate: fail")
	})

	t.Run("comment required and the API down: exit 2", func(t *testing.T) {
		api.mu.Lock()
		api.status = http.StatusBadGateway
		api.mu.Unlock()
		r := gate(t, shop, map[string]string{"INPUT_RUN_TESTS": "true", "INPUT_COMMENT": "required"})
		assert.Equal(t, 2, r.code, r.stdout)
		assert.Contains(t, r.stdout, "::error title=blastgate::the pull request comment failed")
		api.mu.Lock()
		api.status = 0
		api.mu.Unlock()
	})

	t.Run("a shallow clone without the base says fetch-depth: 0", func(t *testing.T) {
		clone := filepath.Join(t.TempDir(), "clone")
		out, err := exec.Command("git", "clone", "-q", "--depth", "1", "--branch", "shared-change", "file://"+shop, clone).CombinedOutput()
		require.NoError(t, err, string(out))
		r := gate(t, clone, map[string]string{"INPUT_RESULTS": postpaid})
		assert.Equal(t, 2, r.code, r.stdout)
		assert.Contains(t, r.stdout, "::error title=blastgate::")
		assert.Contains(t, r.stdout, "fetch-depth: 0")
		assert.Contains(t, r.summary, "could not decide")
	})

	t.Run("no results and no run-tests: exit 2 with what to do", func(t *testing.T) {
		r := gate(t, shop, map[string]string{"INPUT_RESULTS": filepath.Join(work, "nothing-*.json")})
		assert.Equal(t, 2, r.code, r.stdout)
		assert.Contains(t, r.stdout, "set run-tests: true")
	})
	_ = io.Discard
}

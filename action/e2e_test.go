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
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/example"
	"github.com/blastgate/blastgate/internal/testenv"
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

// What the comment step prints on each of its paths. blastgate comment
// warns by itself, and exits 0, when the token may not comment (a fork's);
// gate.sh warns when blastgate comment failed (comment: true) or fails the
// step (comment: required).
const (
	forkWarning     = "::warning title=blastgate::the token may not comment on pull request #1 (a fork's read-only token?): the report is in the step summary"
	fallbackWarning = "::warning title=blastgate::the pull request comment failed; the verdict stands in the exit code and the step summary"
	requiredError   = "::error title=blastgate::the pull request comment failed (comment: required)"
	commentError    = "blastgate: comment: " // blastgate's own error line when the comment fails
)

// unset, as an input's value, removes the variable from the script's
// environment.
const unset = "\x00unset"

// errorAnnotation is the ::error title=blastgate:: line gate.sh printed, or
// "".
func errorAnnotation(stdout string) string {
	for line := range strings.Lines(stdout) {
		if strings.HasPrefix(line, "::error title=blastgate::") {
			return line
		}
	}
	return ""
}

type run struct {
	code                    int
	stdout, summary, output string
}

// TestAction runs the action's entry script on the bundled shop, as GitHub
// Actions would on a pull_request event, against a fake GitHub API.
func TestAction(t *testing.T) {
	testenv.NeedTool(t, "the action's steps are bash", "bash")
	testenv.NeedTool(t, "the bundled shop is a git repository", "git")
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
	// shared-change-proved: the shared fee change with a token test through
	// the real billing service, so that all the tests pass the gate. (On
	// shared-change the token page is unproven: see the last case.)
	git("checkout", "-q", "shared-change-proved")
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
	// All the tests: the gate passes.
	all := filepath.Join(work, "all.json")
	cmd = exec.Command("go", "test", "-json", "./...")
	cmd.Dir = shop
	data, err = cmd.Output()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(all, data, 0o644))

	api := &fakeGitHub{comments: map[int64]string{}}
	srv := httptest.NewServer(api)
	defer srv.Close()

	var gateRun string
	for _, s := range loadAction(t).Runs.Steps {
		if s.ID == "gate" {
			gateRun = s.Run
			require.Equal(t, "bash", s.Shell)
		}
	}
	require.NotEmpty(t, gateRun, "action.yml's gate step")
	actionPath, err := filepath.Abs("..")
	require.NoError(t, err)

	gate := func(t *testing.T, dir string, inputs map[string]string) run {
		t.Helper()
		tmp := t.TempDir()
		summary, output := filepath.Join(tmp, "summary.md"), filepath.Join(tmp, "output")
		// The gate step's run line, as the runner runs a bash step: so
		// the line, gate.sh's shebang and its executable bit are tested.
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", gateRun)
		cmd.Dir = dir
		cmd.Env = append(hostEnv(),
			"GITHUB_ACTION_PATH="+actionPath, "BLASTGATE="+bin, "RUNNER_TEMP="+tmp,
			"GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+output,
			"GITHUB_EVENT_PATH="+event, "GITHUB_REPOSITORY=shop/shop",
			"GITHUB_API_URL="+srv.URL, "GITHUB_TOKEN="+token,
			"INPUT_BASE="+baseSHA, "INPUT_COMMENT=true",
		)
		for k, v := range inputs {
			cmd.Env = append(cmd.Env, k+"="+v)
			if v == unset {
				cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, k+"=") })
			}
		}
		var stdout strings.Builder
		cmd.Stdout = &stdout
		cmd.Stderr = &stdout
		err := cmd.Run()
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
		assert.Contains(t, r.stdout, "blastgate: commented on pull request #1")
		assert.NotContains(t, r.stdout, fallbackWarning)
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
		// The Action's run path stamps the results it writes with the head.
		_, after, ok := strings.Cut(r.stdout, "\nresults: ")
		require.True(t, ok, r.stdout)
		stamp, err := os.ReadFile(strings.SplitN(after, "\n", 2)[0] + ".stamp")
		require.NoError(t, err, "run stamps its results")
		assert.Contains(t, string(stamp), `"head": "`+headSHA+`"`)
		assert.Contains(t, r.stdout, "blastgate: updated the comment on pull request #1")
		assert.NotContains(t, r.stdout, fallbackWarning)
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
		// No write is also what a comment that failed before writing
		// leaves: blastgate must have found the comment up to date.
		assert.Contains(t, r.stdout, "blastgate: the comment on pull request #1 is up to date")
		assert.NotContains(t, r.stdout, fallbackWarning)
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

	// The comment's paths. Where the gate passes, an exit code the comment
	// changed would show; the failing gate shows that the verdict is the
	// gate's. Each text the cases look for or rule out is printed by one
	// path, and some case sees it printed, so no "not printed" is vacuous.
	for _, c := range []struct {
		name    string
		status  int    // GitHub's answer to every write
		results string // the test results the gate reads
		comment string // the comment input
		code    int    // the step's exit code: its outcome
		want    []string
		wantNot []string
	}{
		{
			name:   "a fork's read-only token: blastgate warns and exits 0, the failing verdict stands",
			status: http.StatusForbidden, results: postpaid, comment: "true", code: 1,
			want: []string{forkWarning}, wantNot: []string{fallbackWarning, commentError},
		},
		{
			name:   "a fork's read-only token on a passing gate: the step passes with the warning",
			status: http.StatusForbidden, results: all, comment: "true", code: 0,
			want: []string{forkWarning}, wantNot: []string{fallbackWarning, commentError, "::error"},
		},
		{
			name:   "a fork's read-only token under comment: required: a warning, not a failure (DESIGN: exit 0)",
			status: http.StatusForbidden, results: all, comment: "required", code: 0,
			want: []string{forkWarning}, wantNot: []string{fallbackWarning, commentError, "::error"},
		},
		{
			name:   "the API fails (500) under comment: true: blastgate comment fails, gate.sh warns, the step passes",
			status: http.StatusInternalServerError, results: all, comment: "true", code: 0,
			want: []string{commentError, fallbackWarning}, wantNot: []string{forkWarning, "::error"},
		},
		{
			name:   "the API fails (500) under comment: required: the step fails",
			status: http.StatusInternalServerError, results: all, comment: "required", code: 2,
			want: []string{commentError, requiredError}, wantNot: []string{forkWarning, fallbackWarning},
		},
		{
			// gate.sh run by hand, outside the action; 422 is not retried.
			name:   "no comment input and the comment refused (422): best effort, as comment: true",
			status: http.StatusUnprocessableEntity, results: all, comment: unset, code: 0,
			want: []string{commentError, fallbackWarning}, wantNot: []string{forkWarning, "::error", "unbound variable"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			api.mu.Lock()
			api.status = c.status
			api.comments = map[int64]string{}
			writes := api.writes
			api.mu.Unlock()
			defer func() {
				api.mu.Lock()
				api.status = 0
				api.mu.Unlock()
			}()
			r := gate(t, shop, map[string]string{"INPUT_RESULTS": c.results, "INPUT_COMMENT": c.comment})
			assert.Equal(t, c.code, r.code, r.stdout)
			for _, w := range c.want {
				assert.Contains(t, r.stdout, w)
			}
			for _, w := range c.wantNot {
				assert.NotContains(t, r.stdout, w)
			}
			api.mu.Lock()
			defer api.mu.Unlock()
			assert.Greater(t, api.writes, writes, "blastgate tried to write the comment: the API's answer to the write decided")
			assert.Empty(t, api.comments)
			verdict := map[string]string{postpaid: "fail", all: "pass"}[c.results]
			assert.Contains(t, r.output, "verdict="+verdict+"\n", "the outputs carry the gate's verdict")
			assert.Contains(t, r.summary, "blastgate: "+verdict, "the step summary carries the report")
		})
	}

	t.Run("comment: false, as the fork-safe gate sets it: the API is not asked", func(t *testing.T) {
		api.mu.Lock()
		requests := len(api.auth)
		api.mu.Unlock()
		r := gate(t, shop, map[string]string{"INPUT_RESULTS": postpaid, "INPUT_COMMENT": "false"})
		assert.Equal(t, 1, r.code, r.stdout)
		assert.Contains(t, r.summary, "❌ blastgate: fail")
		assert.NotContains(t, r.stdout, "::warning", r.stdout)
		assert.NotContains(t, r.stdout, "blastgate: comment", r.stdout)
		api.mu.Lock()
		defer api.mu.Unlock()
		assert.Len(t, api.auth, requests, "no request reached the API")
	})

	t.Run("comment: yes is an error, not a guess", func(t *testing.T) {
		r := gate(t, shop, map[string]string{"INPUT_RESULTS": postpaid, "INPUT_COMMENT": "yes"})
		assert.Equal(t, 2, r.code, r.stdout)
		assert.Contains(t, errorAnnotation(r.stdout), "comment must be true, required or false, not 'yes'", r.stdout)
	})

	t.Run("a shallow clone without the base says fetch-depth: 0", func(t *testing.T) {
		clone := filepath.Join(t.TempDir(), "clone")
		out, err := exec.Command("git", "clone", "-q", "--depth", "1", "--branch", "shared-change", "file://"+shop, clone).CombinedOutput()
		require.NoError(t, err, string(out))
		r := gate(t, clone, map[string]string{"INPUT_RESULTS": postpaid})
		assert.Equal(t, 2, r.code, r.stdout)
		// blastgate's own stderr says fetch-depth: 0 too: the annotation
		// and the summary are where gate.sh must have passed it on.
		assert.Contains(t, errorAnnotation(r.stdout), "fetch-depth: 0", r.stdout)
		assert.Contains(t, r.summary, "could not decide")
		assert.Contains(t, r.summary, "fetch-depth: 0")
	})

	t.Run("run-tests on shared-change: TestBuyToken passes but proves nothing, the gate fails unproven", func(t *testing.T) {
		// The same fee change without TestBuyTokenPricing: the token test
		// prices with the test double flatFee, so billing.Fee never runs
		// through the token page.
		clone := filepath.Join(t.TempDir(), "clone")
		out, err := exec.Command("git", "clone", "-q", "--no-single-branch", "file://"+shop, clone).CombinedOutput()
		require.NoError(t, err, string(out))
		out, err = exec.Command("git", "-C", clone, "checkout", "-q", "shared-change").CombinedOutput()
		require.NoError(t, err, string(out))
		out, err = exec.Command("git", "-C", clone, "branch", "-q", "-f", "main", "origin/main").CombinedOutput()
		require.NoError(t, err, string(out))
		r := gate(t, clone, map[string]string{"INPUT_RUN_TESTS": "true", "INPUT_COMMENT": "false"})
		require.Equal(t, 1, r.code, r.stdout)
		assert.Contains(t, r.summary, "❌ blastgate: fail")
		assert.Contains(t, r.summary, "❌ unproven | `POST /token/buy`")
		assert.Contains(t, r.summary, "`TestBuyToken` (static, pass, proof: none)")
		assert.Contains(t, r.summary, "prepaid.flatFee")
		assert.Contains(t, r.output, "verdict=fail\nimpacted=4\n")
		assert.Contains(t, r.stdout, "::error file=billing/fee.go,line=10,title=blastgate::billing.Fee reaches features that lack a passing test: POST /token/buy (unproven)")
	})

	t.Run("no results and no run-tests: exit 2 with what to do", func(t *testing.T) {
		r := gate(t, shop, map[string]string{"INPUT_RESULTS": filepath.Join(work, "nothing-*.json")})
		assert.Equal(t, 2, r.code, r.stdout)
		assert.Contains(t, errorAnnotation(r.stdout), "set run-tests: true", r.stdout)
		assert.Contains(t, r.summary, "set run-tests: true")
	})
	_ = io.Discard
}

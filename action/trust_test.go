package action

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/blastgate/blastgate/internal/testenv"
)

type workflow struct {
	On          yaml.Node `yaml:"on"`
	Permissions yaml.Node `yaml:"permissions"`
	Jobs        map[string]struct {
		Permissions yaml.Node `yaml:"permissions"`
		Steps       []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func loadWorkflow(t *testing.T, path string) workflow {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var w workflow
	require.NoError(t, yaml.Unmarshal(data, &w))
	return w
}

func triggers(w workflow) []string {
	var out []string
	switch w.On.Kind {
	case yaml.ScalarNode:
		out = append(out, w.On.Value)
	case yaml.MappingNode:
		for i := 0; i < len(w.On.Content); i += 2 {
			out = append(out, w.On.Content[i].Value)
		}
	}
	return out
}

// writes lists the scopes a permissions block grants write to ("*" for
// write-all).
func writes(perms yaml.Node) []string {
	var out []string
	switch perms.Kind {
	case yaml.ScalarNode:
		if perms.Value == "write-all" {
			out = append(out, "*")
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(perms.Content); i += 2 {
			if perms.Content[i+1].Value == "write" {
				out = append(out, perms.Content[i].Value)
			}
		}
	}
	return out
}

// TestTrustModel checks the workflows docs/action.md offers: pull request code
// is built only under pull_request with no write permission; the comment
// for forks is posted by a workflow_run job that builds nothing from the
// pull request.
func TestTrustModel(t *testing.T) {
	files, err := filepath.Glob("../examples/workflows/*.yml")
	require.NoError(t, err)
	own, err := filepath.Glob("../.github/workflows/*.yml")
	require.NoError(t, err)
	for _, f := range append(files, own...) {
		assert.NotContains(t, triggers(loadWorkflow(t, f)), "pull_request_target", f)
	}

	gate := loadWorkflow(t, "../examples/workflows/fork-safe-gate.yml")
	assert.Equal(t, []string{"pull_request"}, triggers(gate))
	// No permissions key is the repository's default, which may be write:
	// the workflow must say read, and no job may say more.
	require.NotZero(t, gate.Permissions.Kind, "the gate workflow sets its permissions")
	assert.Empty(t, writes(gate.Permissions), "the gate of fork code writes nothing")
	require.NotEmpty(t, gate.Jobs)
	for name, job := range gate.Jobs {
		assert.Empty(t, writes(job.Permissions), "the gate of fork code writes nothing (job %s)", name)
	}

	comment := loadWorkflow(t, "../examples/workflows/fork-safe-comment.yml")
	assert.Equal(t, []string{"workflow_run"}, triggers(comment))
	require.NotEmpty(t, comment.Jobs)
	for _, job := range comment.Jobs {
		require.NotEmpty(t, job.Steps)
		for _, s := range job.Steps {
			assert.NotContains(t, s.Uses, "actions/checkout", "the comment job checks out nothing")
			assert.NotContains(t, s.Run, "go build", "the comment job builds nothing from the pull request")
		}
	}
}

// TestForkCommentStep runs the comment step of fork-safe-comment.yml
// against a fake GitHub API, with the workflow_run event GitHub writes and
// the artifact the gate workflow leaves: the comment goes to the pull
// request the API finds for the run's head commit, and an artifact whose
// event names another pull request or commit is refused, nothing written.
func TestForkCommentStep(t *testing.T) {
	testenv.NeedTool(t, "the workflow's run steps are bash", "bash")
	var script string
	var stepEnv map[string]string
	for _, job := range loadWorkflow(t, "../examples/workflows/fork-safe-comment.yml").Jobs {
		for _, s := range job.Steps {
			if s.Name == "Comment" {
				script, stepEnv = s.Run, s.Env
			}
		}
	}
	require.NotEmpty(t, script)
	assert.Equal(t, map[string]string{"GITHUB_TOKEN": "${{ github.token }}"}, stepEnv, "the step passes the token and nothing from the artifact")

	const head = "9f2c4e1b7a3d5c6e8f90a1b2c3d4e5f6a7b8c9d0"
	const other = "1234567890abcdef1234567890abcdef12345678"
	work := t.TempDir()
	bin := filepath.Join(work, "bin")
	out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "blastgate"), "../cmd/blastgate").CombinedOutput()
	require.NoError(t, err, string(out))
	art := filepath.Join(work, "blastgate-comment")
	require.NoError(t, os.MkdirAll(art, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(art, "report.json"), []byte(`{"schema_version":1,"base":"3a1b2c3d4e5f60718293a4b5c6d7e8f901234567","head":"`+head+`","verdict":"fail","impacted":[{"id":"POST /token/buy","kind":"route","entry":"e","position":{"file":"f","line":1},"owners":["@shop/payments"],"tests":[],"status":"untested"}]}`), 0o644))
	runEvent := filepath.Join(work, "workflow_run.json")
	require.NoError(t, os.WriteFile(runEvent, []byte(`{"action":"completed","workflow_run":{"id":99,"event":"pull_request","head_sha":"`+head+`","head_branch":"fee","head_repository":{"full_name":"fork/shop"},"pull_requests":[]}}`), 0o644))
	artifactEvent := func(number int, sha string) {
		require.NoError(t, os.WriteFile(filepath.Join(art, "event.json"), []byte(fmt.Sprintf(`{"number":%d,"pull_request":{"number":%d,"base":{"sha":"b1","repo":{"full_name":"shop/shop"}},"head":{"sha":%q,"repo":{"full_name":"fork/shop"}}}}`, number, number, sha)), 0o644))
	}

	api := &fakeGitHub{comments: map[int64]string{}}
	pulls := `[{"number":2,"state":"open","head":{"sha":"` + other + `","ref":"fee","repo":{"full_name":"fork/shop"}},"base":{"repo":{"full_name":"shop/shop"}}},
		{"number":1,"state":"open","head":{"sha":"` + head + `","ref":"fee","repo":{"full_name":"fork/shop"}},"base":{"repo":{"full_name":"shop/shop"}}}]`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/api/v3") {
		case "/repos/shop/shop/commits/" + head + "/pulls": // a fork's commit: GitHub lists none
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `[]`)
		case "/repos/shop/shop/pulls":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, pulls)
		default:
			api.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	step := func() (string, error) {
		cmd := exec.Command("bash", "-e", "-c", script)
		cmd.Dir = work
		cmd.Env = append(hostEnv(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"GITHUB_TOKEN="+token, "GITHUB_EVENT_NAME=workflow_run", "GITHUB_EVENT_PATH="+runEvent,
			"GITHUB_API_URL="+srv.URL, "GITHUB_REPOSITORY=shop/shop")
		out, err := cmd.CombinedOutput()
		assert.NotContains(t, string(out), token)
		return string(out), err
	}

	for _, forged := range []struct {
		number int
		sha    string
	}{{2, head}, {2, other}, {1, other}} {
		artifactEvent(forged.number, forged.sha)
		out, err := step()
		require.Error(t, err, "the artifact's event names #%d at %s: refused", forged.number, forged.sha)
		assert.Contains(t, out, "refusing to comment")
		api.mu.Lock()
		assert.Zero(t, api.writes, "nothing written")
		api.mu.Unlock()
	}

	artifactEvent(1, head)
	stepOut, err := step()
	require.NoError(t, err, stepOut)
	assert.Contains(t, stepOut, "blastgate: commented on pull request #1")
	require.Len(t, api.comments, 1)
	for _, body := range api.comments {
		assert.True(t, strings.HasPrefix(body, "<!-- blastgate:report -->"))
		assert.Contains(t, body, "POST /token/buy")
		assert.Contains(t, body, "@\u200bshop/payments", "the artifact's owners are shown, not mentioned")
	}
}

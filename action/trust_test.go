package action

import (
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
// against a fake GitHub API, with the artifact the gate workflow leaves.
func TestForkCommentStep(t *testing.T) {
	testenv.NeedTool(t, "the workflow's run steps are bash", "bash")
	testenv.NeedTool(t, "the comment step reads the event with jq, as on GitHub's runners", "jq")
	var script string
	for _, job := range loadWorkflow(t, "../examples/workflows/fork-safe-comment.yml").Jobs {
		for _, s := range job.Steps {
			if s.Name == "Comment" {
				script = s.Run
			}
		}
	}
	require.NotEmpty(t, script)

	work := t.TempDir()
	bin := filepath.Join(work, "bin")
	out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "blastgate"), "../cmd/blastgate").CombinedOutput()
	require.NoError(t, err, string(out))
	art := filepath.Join(work, "blastgate-comment")
	require.NoError(t, os.MkdirAll(art, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(art, "report.json"), []byte(`{"schema_version":1,"verdict":"fail","impacted":[{"id":"POST /token/buy","kind":"route","entry":"e","position":{"file":"f","line":1},"tests":[],"status":"untested"}]}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(art, "event.json"), []byte(`{"number":1,"pull_request":{"number":1,"base":{"sha":"b1"},"head":{"sha":"h1","repo":{"full_name":"fork/shop"}}}}`), 0o644))

	api := &fakeGitHub{comments: map[int64]string{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	step := func(headSHA string) (string, error) {
		cmd := exec.Command("bash", "-e", "-c", script)
		cmd.Dir = work
		cmd.Env = append(hostEnv(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"GITHUB_TOKEN="+token, "HEAD_SHA="+headSHA, "GITHUB_API_URL="+srv.URL, "GITHUB_REPOSITORY=shop/shop")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out2, err := step("someone-else")
	require.Error(t, err, "an artifact for another commit is refused")
	assert.Contains(t, out2, "::error title=blastgate::the artifact's event is not the run's pull request: refusing to comment")
	assert.Empty(t, api.auth, "refused before blastgate asked the API anything")

	// The same step with the right commit: so jq did read the event, and
	// the refusal above was the comparison, not a jq that failed (an empty
	// answer differs from any commit too).

	out2, err = step("h1")
	require.NoError(t, err, out2)
	assert.Contains(t, out2, "blastgate: commented on pull request #1")
	require.Len(t, api.comments, 1)
	for _, body := range api.comments {
		assert.True(t, strings.HasPrefix(body, "<!-- blastgate:report -->"))
		assert.Contains(t, body, "POST /token/buy")
	}
	assert.NotContains(t, out2, token)
}

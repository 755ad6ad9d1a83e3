package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/prcomment/prcommenttest"
)

const (
	forkHead  = "9f2c4e1b7a3d5c6e8f90a1b2c3d4e5f6a7b8c9d0" // testdata/pull_request.json's head, #7
	otherHead = "1234567890abcdef1234567890abcdef12345678"
)

// forgedOwnersReport is what a fork's gate run may upload: owners that
// would ping, a dashboard link.
const forgedOwnersReport = `{"schema_version": 1, "base": "e0de371e37731ef523a4216f87291d7a7777e4fa", "head": "a4c51654139e7417d10c78888cdd97b1594ccff7",
 "changes": [], "packages": [],
 "impacted": [{"id": "POST /token/buy", "kind": "route", "entry": "e", "position": {"file": "f.go", "line": 1},
   "owners": ["@octo-org/everyone", "@ceo"], "monitor": "https://evil.example/login", "trace": [], "tests": [], "status": "untested"}],
 "verdict": "fail"}`

// runWorkflowRunComment runs blastgate comment as the fork-safe comment
// job does: GITHUB_EVENT_PATH is the workflow_run event GitHub wrote,
// --event the artifact's pull_request event.
func runWorkflowRunComment(t *testing.T, f *prcommenttest.GitHub, artifactEvent string) (code int, stderr string) {
	t.Helper()
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	require.NoError(t, os.WriteFile(rep, []byte(forgedOwnersReport), 0o644))
	runEvent, err := filepath.Abs(filepath.Join("..", "..", "internal", "prcomment", "testdata", "workflow_run_fork.json"))
	require.NoError(t, err)
	t.Setenv("GITHUB_API_URL", f.URL)
	t.Setenv("GITHUB_REPOSITORY", prcommenttest.Repository)
	t.Setenv("GITHUB_EVENT_PATH", runEvent)
	t.Setenv("GITHUB_EVENT_NAME", "workflow_run")
	t.Setenv("GITHUB_TOKEN", commentToken)
	args := []string{"-C", dir, "comment", "--report", rep}
	if artifactEvent != "" {
		args = append(args, "--event", artifactEvent)
	}
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	assert.Empty(t, out.String())
	assert.NotContains(t, errOut.String(), commentToken, "the token is never printed")
	return code, errOut.String()
}

// artifactEvent writes a pull_request event for pull request number at
// head, as the gate's run would save it (or forge it).
func artifactEvent(t *testing.T, number int, head string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "event.json")
	doc := `{"number": ` + itoa(number) + `, "pull_request": {"number": ` + itoa(number) + `,
	  "base": {"sha": "3a1b2c3d4e5f60718293a4b5c6d7e8f901234567", "repo": {"id": 424242, "full_name": "octo-org/shop"}},
	  "head": {"sha": "` + head + `", "repo": {"id": 515151, "full_name": "mallory/shop"}}}}`
	require.NoError(t, os.WriteFile(p, []byte(doc), 0o644))
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestCommentWorkflowRun: the fork-safe comment job comments on the pull
// request the API finds for the run's head commit, with no mention or link
// from the artifact's report, and refuses (exit 2, nothing written) an
// artifact whose event names another pull request or commit.
func TestCommentWorkflowRun(t *testing.T) {
	mine := prcommenttest.PullRequest(prcommenttest.Number, forkHead, "mallory/shop", "fee-rounding")

	t.Run("the artifact agrees: the comment goes to the run's pull request", func(t *testing.T) {
		f := prcommenttest.New(t)
		f.CommitPulls(forkHead) // a fork's commit: GitHub lists none
		f.OpenPulls(prcommenttest.PullRequest(3, otherHead, "octo-org/shop", "main-fix"), mine)
		f.Comments()
		f.Created()
		code, stderr := runWorkflowRunComment(t, f, artifactEvent(t, 7, forkHead))
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, "blastgate: commented on pull request #7 (comment 9001)\n", stderr)
		reqs := f.Requests()
		require.NotEmpty(t, reqs)
		last := reqs[len(reqs)-1]
		assert.Equal(t, "POST "+prcommenttest.CommentsPath, last.Method+" "+last.Path)
		body, _ := last.Body["body"].(string)
		assert.Contains(t, body, "POST /token/buy")
		assert.NotContains(t, body, "@octo-org/everyone", "the artifact's owners are not mentioned")
		assert.NotContains(t, body, "@ceo")
		assert.Contains(t, body, "@\u200bceo", "they are shown, inert")
		assert.NotContains(t, body, "evil.example", "the artifact's dashboard link is not drawn")
	})

	for name, ev := range map[string]struct {
		number int
		head   string
		want   string
	}{
		"another pull request's number": {8, forkHead, "names pull request #8 at " + forkHead + ", but the workflow_run is pull request #7 at " + forkHead},
		"another head commit":           {7, otherHead, "names pull request #7 at " + otherHead + ", but the workflow_run is pull request #7 at " + forkHead},
	} {
		t.Run("the artifact's event names "+name+": exit 2, nothing written", func(t *testing.T) {
			f := prcommenttest.New(t)
			f.CommitPulls(forkHead, mine)
			code, stderr := runWorkflowRunComment(t, f, artifactEvent(t, ev.number, ev.head))
			assert.Equal(t, exitError, code, stderr)
			assert.Contains(t, stderr, ev.want)
			assert.Contains(t, stderr, "refusing to comment")
			assert.Equal(t, []string{"GET " + prcommenttest.CommitPullsPath(forkHead)}, f.Calls(), "no comment read or written")
		})
	}

	t.Run("no artifact event: exit 2 before asking GitHub", func(t *testing.T) {
		f := prcommenttest.New(t)
		code, stderr := runWorkflowRunComment(t, f, "")
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "under workflow_run, pass --event FILE")
		assert.Empty(t, f.Requests())
	})

	t.Run("no open pull request at the run's commit: exit 2", func(t *testing.T) {
		f := prcommenttest.New(t)
		f.CommitPulls(forkHead)
		f.OpenPulls(prcommenttest.PullRequest(8, otherHead, "mallory/shop", "fee-rounding"))
		code, stderr := runWorkflowRunComment(t, f, artifactEvent(t, 8, otherHead))
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "no open pull request of octo-org/shop has head "+forkHead)
		assert.Zero(t, f.Count("POST"))
	})
}

// TestCommentEventFlagOnPullRequest: --event belongs to the workflow_run
// job; on a pull_request event it is an error, not ignored.
func TestCommentEventFlagOnPullRequest(t *testing.T) {
	f := prcommenttest.New(t)
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	require.NoError(t, os.WriteFile(rep, []byte(forgedOwnersReport), 0o644))
	event, err := filepath.Abs(filepath.Join("..", "..", "internal", "prcomment", "testdata", "pull_request.json"))
	require.NoError(t, err)
	t.Setenv("GITHUB_API_URL", f.URL)
	t.Setenv("GITHUB_REPOSITORY", prcommenttest.Repository)
	t.Setenv("GITHUB_EVENT_PATH", event)
	t.Setenv("GITHUB_TOKEN", commentToken)
	var out, errOut bytes.Buffer
	code := Main([]string{"-C", dir, "comment", "--report", rep, "--event", event}, &out, &errOut)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut.String(), "--event is for the comment job triggered by workflow_run")
	assert.Empty(t, f.Requests())
}

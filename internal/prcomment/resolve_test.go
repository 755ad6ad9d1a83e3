package prcomment

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/prcomment/prcommenttest"
)

const (
	runHead   = "9f2c4e1b7a3d5c6e8f90a1b2c3d4e5f6a7b8c9d0"
	otherHead = "1234567890abcdef1234567890abcdef12345678"
)

func forkRun(t *testing.T) WorkflowRun {
	t.Helper()
	run, ok, err := ReadWorkflowRun(filepath.Join("testdata", "workflow_run_fork.json"))
	require.NoError(t, err)
	require.True(t, ok)
	return run
}

func TestReadWorkflowRun(t *testing.T) {
	run := forkRun(t)
	assert.Equal(t, WorkflowRun{ID: 30433642, Event: "pull_request", HeadSHA: runHead, HeadBranch: "fee-rounding", HeadRepo: "mallory/shop"}, run)

	_, ok, err := ReadWorkflowRun(filepath.Join("testdata", "pull_request.json"))
	require.NoError(t, err)
	assert.False(t, ok, "a pull_request event is not a workflow_run")

	write := func(doc string) string {
		p := filepath.Join(t.TempDir(), "event.json")
		require.NoError(t, os.WriteFile(p, []byte(doc), 0o644))
		return p
	}
	_, ok, err = ReadWorkflowRun(write(`{"workflow_run":{"event":"push","head_sha":"` + runHead + `"}}`))
	assert.True(t, ok)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `triggered by "push", not pull_request`)
	_, _, err = ReadWorkflowRun(write(`{"workflow_run":{"event":"pull_request","head_sha":"](http://x)"}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no head commit SHA")
}

func resolveOptions(f *prcommenttest.GitHub) Options {
	return Options{Env: Env{APIURL: f.URL, Repository: prcommenttest.Repository, Token: testToken}, HTTPClient: f.Client, Sleep: func(time.Duration) {}}
}

// TestResolvePullRequest finds the run's pull request through the API: by
// its commit, else among the open pull requests; never by a guess.
func TestResolvePullRequest(t *testing.T) {
	ctx := context.Background()
	mine := prcommenttest.PullRequest(7, runHead, "mallory/shop", "fee-rounding")

	t.Run("the commit's pull requests", func(t *testing.T) {
		f := newFake(t)
		f.CommitPulls(runHead, prcommenttest.PullRequest(3, otherHead, "octo-org/shop", "older"), mine)
		n, err := ResolvePullRequest(ctx, resolveOptions(f), forkRun(t))
		require.NoError(t, err)
		assert.Equal(t, 7, n)
		assert.Equal(t, []string{"GET " + prcommenttest.CommitPullsPath(runHead)}, f.Calls())
	})

	for name, answer := range map[string]int{"none": http.StatusOK, "422": http.StatusUnprocessableEntity, "404": http.StatusNotFound} {
		t.Run("a fork's commit: "+name+", then the open pull requests", func(t *testing.T) {
			f := newFake(t)
			f.Handle("GET "+prcommenttest.CommitPullsPath(runHead), func(w http.ResponseWriter, r *http.Request) {
				if answer == http.StatusOK {
					prcommenttest.WriteJSON(w, answer, []any{})
					return
				}
				prcommenttest.WriteJSON(w, answer, map[string]any{"message": "No commit found for SHA: " + runHead})
			})
			closed := prcommenttest.PullRequest(5, runHead, "mallory/shop", "fee-rounding")
			closed["state"] = "closed"
			f.OpenPulls(
				prcommenttest.PullRequest(6, runHead, "eve/shop", "fee-rounding"), // the same commit from another fork
				prcommenttest.PullRequest(8, otherHead, "mallory/shop", "fee-rounding"),
				closed, mine)
			n, err := ResolvePullRequest(ctx, resolveOptions(f), forkRun(t))
			require.NoError(t, err)
			assert.Equal(t, 7, n)
			assert.Equal(t, []string{"GET " + prcommenttest.CommitPullsPath(runHead), "GET " + prcommenttest.PullsPath}, f.Calls())
		})
	}

	t.Run("no pull request", func(t *testing.T) {
		f := newFake(t)
		f.CommitPulls(runHead)
		f.OpenPulls(prcommenttest.PullRequest(8, otherHead, "mallory/shop", "fee-rounding"))
		_, err := ResolvePullRequest(ctx, resolveOptions(f), forkRun(t))
		require.Error(t, err)
		assert.Equal(t, "no open pull request of octo-org/shop has head "+runHead+" (mallory/shop:fee-rounding): the pull request was closed or pushed to since the gate ran; nothing to comment on", err.Error())
	})

	t.Run("two pull requests: no guess", func(t *testing.T) {
		f := newFake(t)
		f.CommitPulls(runHead, mine, prcommenttest.PullRequest(9, runHead, "mallory/shop", "fee-rounding"))
		_, err := ResolvePullRequest(ctx, resolveOptions(f), forkRun(t))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "pull requests #7, #9 of octo-org/shop all have head "+runHead)
	})

	t.Run("the run's own list disagrees", func(t *testing.T) {
		f := newFake(t)
		f.CommitPulls(runHead, mine)
		run := forkRun(t)
		run.PullRequests = []int{4}
		_, err := ResolvePullRequest(ctx, resolveOptions(f), run)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the API finds pull request #7 for head "+runHead+", but the workflow_run event lists #4")
	})

	t.Run("errors never carry the token", func(t *testing.T) {
		f := newFake(t)
		f.Handle("GET "+prcommenttest.CommitPullsPath(runHead), func(w http.ResponseWriter, r *http.Request) {
			prcommenttest.WriteJSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials " + testToken})
		})
		_, err := ResolvePullRequest(ctx, resolveOptions(f), forkRun(t))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "GitHub rejected the token (401)")
		assert.False(t, strings.Contains(err.Error(), testToken))
	})
}

func TestCheckArtifactEvent(t *testing.T) {
	run := forkRun(t)
	event := filepath.Join("testdata", "pull_request.json") // #7 at runHead
	require.NoError(t, CheckArtifactEvent(event, 7, run))

	err := CheckArtifactEvent(event, 8, run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "names pull request #7 at "+runHead+", but the workflow_run is pull request #8 at "+runHead)
	assert.Contains(t, err.Error(), "refusing to comment")

	run.HeadSHA = otherHead
	err = CheckArtifactEvent(event, 7, run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "but the workflow_run is pull request #7 at "+otherHead)

	err = CheckArtifactEvent(filepath.Join("testdata", "push.json"), 7, run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the artifact's event: ")
}

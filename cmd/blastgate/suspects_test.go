package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/example"
	"github.com/blastgate/blastgate/internal/prcomment/prcommenttest"
	"github.com/blastgate/blastgate/report"
)

// suspectsShop is the shop with two merges on main after tag v1: the
// postpaid page alone, then the shared fee change. It returns the
// directory and the SHA of each merge.
func suspectsShop(t *testing.T) (dir, pageMerge, feeMerge string) {
	t.Helper()
	dir = t.TempDir()
	require.NoError(t, example.Materialize(context.Background(), dir))
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=a@example.com",
			"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=a@example.com",
			"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	git("tag", "v1")
	git("merge", "-q", "--no-ff", "page-only", "-m", "Merge pull request #11")
	pageMerge = git("rev-parse", "HEAD")
	git("merge", "-q", "--no-ff", "shared-change", "-m", "Merge pull request #12")
	feeMerge = git("rev-parse", "HEAD")
	return dir, pageMerge, feeMerge
}

// TestSuspectsPullRequests: with GITHUB_TOKEN and GITHUB_REPOSITORY set,
// each suspect links the pull request GitHub lists for its commit (the
// merged one whose merge commit it is); without the token, no request is
// made at all.
func TestSuspectsPullRequests(t *testing.T) {
	dir, pageMerge, feeMerge := suspectsShop(t)
	f := prcommenttest.New(t)
	f.Handle("GET "+prcommenttest.CommitPullsPath(feeMerge), func(w http.ResponseWriter, r *http.Request) {
		prcommenttest.WriteJSON(w, http.StatusOK, []map[string]any{
			{"number": 9, "title": "an older pull request", "html_url": "https://github.com/octo-org/shop/pull/9", "state": "closed"},
			{"number": 12, "title": "billing: minimum service fee", "html_url": "https://github.com/octo-org/shop/pull/12",
				"state": "closed", "merged_at": "2024-05-02T12:00:00Z", "merge_commit_sha": feeMerge},
		})
	})
	t.Setenv("GITHUB_API_URL", f.URL)
	t.Setenv("GITHUB_REPOSITORY", prcommenttest.Repository)
	t.Setenv("GITHUB_TOKEN", commentToken)

	run := func(format string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Main([]string{"-C", dir, "--format", format, "suspects", "POST /token/buy", "--since", "v1"}, &out, &errOut)
		assert.NotContains(t, out.String()+errOut.String(), commentToken, "the token is never printed")
		return code, out.String(), errOut.String()
	}
	code, stdout, stderr := run("json")
	require.Equal(t, exitOK, code, stderr)
	var s report.Suspects
	require.NoError(t, json.Unmarshal([]byte(stdout), &s))
	require.Len(t, s.Suspects, 1, "only the fee merge reaches the token page")
	assert.Equal(t, feeMerge, s.Suspects[0].Commit)
	require.NotNil(t, s.Suspects[0].PullRequest)
	assert.Equal(t, report.PullRequest{Number: 12, Title: "billing: minimum service fee", URL: "https://github.com/octo-org/shop/pull/12"}, *s.Suspects[0].PullRequest)
	assert.Equal(t, []string{"GET /api/v3/repos/octo-org/shop/commits/" + feeMerge + "/pulls"}, f.Calls(), "one listing, for the suspect alone (not the page-only merge "+pageMerge[:7]+")")
	assert.Equal(t, "Bearer "+commentToken, f.Requests()[0].Auth)

	code, stdout, stderr = run("markdown")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "`"+feeMerge[:12]+"` [#12](https://github.com/octo-org/shop/pull/12)")

	// An API error is a warning: the suspects stand without links.
	f2 := prcommenttest.New(t)
	f2.Handle("GET "+prcommenttest.CommitPullsPath(feeMerge), func(w http.ResponseWriter, r *http.Request) {
		prcommenttest.WriteJSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials"})
	})
	t.Setenv("GITHUB_API_URL", f2.URL)
	code, stdout, stderr = run("text")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "warning: listing the pull requests of commit "+feeMerge)
	assert.NotContains(t, stdout, "  pull request #12:")

	// Without a token: no network at all.
	f3 := prcommenttest.New(t)
	t.Setenv("GITHUB_API_URL", f3.URL)
	t.Setenv("GITHUB_TOKEN", "")
	code, _, stderr = run("json")
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, f3.Calls())
}

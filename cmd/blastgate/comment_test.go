package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/prcomment"
	"github.com/blastgate/blastgate/internal/prcomment/prcommenttest"
)

const commentToken = "ghs_commentTestT0ken"

// runCommentCmd runs blastgate comment on a saved report against the fake
// GitHub, as the action runs it on pull request 7 of octo-org/shop.
func runCommentCmd(t *testing.T, f *prcommenttest.GitHub) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	require.NoError(t, os.WriteFile(rep, []byte(`{"schema_version": 1, "base": "e0de371e37731ef523a4216f87291d7a7777e4fa", "head": "a4c51654139e7417d10c78888cdd97b1594ccff7",
 "changes": [], "packages": [], "impacted": [], "verdict": "pass"}`), 0o644))
	event, err := filepath.Abs(filepath.Join("..", "..", "internal", "prcomment", "testdata", "pull_request.json"))
	require.NoError(t, err)
	t.Setenv("GITHUB_API_URL", f.URL)
	t.Setenv("GITHUB_REPOSITORY", prcommenttest.Repository)
	t.Setenv("GITHUB_EVENT_PATH", event)
	t.Setenv("GITHUB_TOKEN", commentToken)
	var out, errOut bytes.Buffer
	code = Main([]string{"-C", dir, "comment", "--report", rep}, &out, &errOut)
	assert.NotContains(t, out.String()+errOut.String(), commentToken, "the token is never printed")
	return code, out.String(), errOut.String()
}

// DESIGN.md: a token that may not comment (a fork's) is a warning, exit 0:
// the verdict lives in the exit code of check. Any other error exits 2.
func TestCommentCommand(t *testing.T) {
	const forkWarning = "::warning title=blastgate::the token may not comment on pull request #7 (a fork's read-only token?): the report is in the step summary\n"

	t.Run("created", func(t *testing.T) {
		f := prcommenttest.New(t)
		f.Comments()
		f.Created()
		code, stdout, stderr := runCommentCmd(t, f)
		assert.Equal(t, exitOK, code, stderr)
		assert.Empty(t, stdout)
		assert.Equal(t, "blastgate: commented on pull request #7 (comment 9001)\n", stderr)
		posts := f.Requests()
		require.Len(t, posts, 2)
		body, _ := posts[1].Body["body"].(string)
		assert.True(t, strings.HasPrefix(body, prcomment.Marker+"\n"), body)
		assert.Contains(t, body, "blastgate · e0de371e3773...a4c51654139e")
		assert.Equal(t, "Bearer "+commentToken, posts[1].Auth)
	})

	t.Run("403 on create: a fork's read-only token warns, exit 0", func(t *testing.T) {
		f := prcommenttest.New(t)
		f.Comments()
		f.Handle("POST "+prcommenttest.CommentsPath, func(w http.ResponseWriter, r *http.Request) {
			prcommenttest.WriteJSON(w, http.StatusForbidden, prcommenttest.NotAccessible)
		})
		code, stdout, stderr := runCommentCmd(t, f)
		assert.Equal(t, exitOK, code, stderr)
		assert.Empty(t, stdout)
		assert.Equal(t, forkWarning, stderr)
		assert.Equal(t, 1, f.Count("POST"), "a 403 is not retried")
	})

	t.Run("403 on the listing: the same warning, exit 0", func(t *testing.T) {
		f := prcommenttest.New(t)
		f.Handle("GET "+prcommenttest.CommentsPath, func(w http.ResponseWriter, r *http.Request) {
			prcommenttest.WriteJSON(w, http.StatusForbidden, prcommenttest.NotAccessible)
		})
		code, _, stderr := runCommentCmd(t, f)
		assert.Equal(t, exitOK, code, stderr)
		assert.Equal(t, forkWarning, stderr)
		assert.Zero(t, f.Count("POST"))
	})

	// Errors that are not "this token may not comment" exit 2 with a
	// message; none exits 0.
	for _, tc := range []struct {
		name   string
		setup  func(f *prcommenttest.GitHub)
		stderr string
	}{
		{
			name: "404 on the pull request's comments",
			setup: func(f *prcommenttest.GitHub) {
				f.Handle("GET "+prcommenttest.CommentsPath, func(w http.ResponseWriter, r *http.Request) {
					prcommenttest.WriteJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
				})
			},
			stderr: "GitHub found no such pull request (404): check GITHUB_REPOSITORY and the token's access to it",
		},
		{
			name: "401: a bad token",
			setup: func(f *prcommenttest.GitHub) {
				f.Handle("GET "+prcommenttest.CommentsPath, func(w http.ResponseWriter, r *http.Request) {
					prcommenttest.WriteJSON(w, http.StatusUnauthorized, map[string]any{"message": "Bad credentials"})
				})
			},
			stderr: "GitHub rejected the token (401)",
		},
		{
			name: "500 on create, every retry",
			setup: func(f *prcommenttest.GitHub) {
				f.Comments()
				f.Handle("POST "+prcommenttest.CommentsPath, func(w http.ResponseWriter, r *http.Request) {
					prcommenttest.WriteJSON(w, http.StatusInternalServerError, map[string]any{"message": "Server Error"})
				})
			},
			stderr: "GitHub still failed after 3 retries",
		},
		{
			name: "422 on create",
			setup: func(f *prcommenttest.GitHub) {
				f.Comments()
				f.Handle("POST "+prcommenttest.CommentsPath, func(w http.ResponseWriter, r *http.Request) {
					prcommenttest.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed"})
				})
			},
			stderr: "GitHub refused the comment (422)",
		},
		{
			name: "403 that is a rate limit resetting in an hour",
			setup: func(f *prcommenttest.GitHub) {
				f.Handle("GET "+prcommenttest.CommentsPath, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-RateLimit-Remaining", "0")
					w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
					prcommenttest.WriteJSON(w, http.StatusForbidden, map[string]any{"message": "API rate limit exceeded"})
				})
			},
			stderr: "re-run the job after the reset",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := prcommenttest.New(t)
			tc.setup(f)
			code, stdout, stderr := runCommentCmd(t, f)
			assert.Equal(t, exitError, code, stderr)
			assert.Empty(t, stdout)
			assert.True(t, strings.HasPrefix(stderr, "blastgate: comment: "), stderr)
			assert.Contains(t, stderr, tc.stderr)
			assert.NotContains(t, stderr, "::warning")
		})
	}

	t.Run("no token: exit 2", func(t *testing.T) {
		f := prcommenttest.New(t)
		t.Setenv("GITHUB_TOKEN", "")
		dir := t.TempDir()
		rep := filepath.Join(dir, "report.json")
		require.NoError(t, os.WriteFile(rep, []byte(`{"schema_version": 1, "verdict": "pass"}`), 0o644))
		event, _ := filepath.Abs(filepath.Join("..", "..", "internal", "prcomment", "testdata", "pull_request.json"))
		t.Setenv("GITHUB_EVENT_PATH", event)
		t.Setenv("GITHUB_REPOSITORY", prcommenttest.Repository)
		t.Setenv("GITHUB_API_URL", f.URL)
		var out, errOut bytes.Buffer
		code := Main([]string{"-C", dir, "comment", "--report", rep}, &out, &errOut)
		assert.Equal(t, exitError, code)
		assert.Contains(t, errOut.String(), "GITHUB_TOKEN is not set")
		assert.Empty(t, f.Requests())
	})
}

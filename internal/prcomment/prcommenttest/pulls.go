package prcommenttest

import (
	"net/http"
)

// PullsPath is where the fake lists the open pull requests of Repository.
const PullsPath = "/api/v3/repos/octo-org/shop/pulls"

// CommitPullsPath is where the fake lists the pull requests containing
// commit sha.
func CommitPullsPath(sha string) string {
	return "/api/v3/repos/octo-org/shop/commits/" + sha + "/pulls"
}

// PullRequest is a pull request into Repository as the API returns it:
// open, its head at headSHA on branch headRef of repository headRepo.
func PullRequest(number int, headSHA, headRepo, headRef string) map[string]any {
	return map[string]any{
		"number": number,
		"state":  "open",
		"head": map[string]any{
			"sha":  headSHA,
			"ref":  headRef,
			"repo": map[string]any{"full_name": headRepo},
		},
		"base": map[string]any{
			"sha":  "3a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
			"ref":  "main",
			"repo": map[string]any{"full_name": Repository},
		},
	}
}

// CommitPulls answers the listing of the pull requests containing sha
// with prs (one page).
func (f *GitHub) CommitPulls(sha string, prs ...map[string]any) {
	f.Handle("GET "+CommitPullsPath(sha), func(w http.ResponseWriter, r *http.Request) {
		if prs == nil {
			prs = []map[string]any{}
		}
		WriteJSON(w, http.StatusOK, prs)
	})
}

// OpenPulls answers the listing of open pull requests with prs (one page),
// and fails the test when asked for another state.
func (f *GitHub) OpenPulls(prs ...map[string]any) {
	f.Handle("GET "+PullsPath, func(w http.ResponseWriter, r *http.Request) {
		if state := r.URL.Query().Get("state"); state != "open" {
			f.t.Errorf("listing pull requests with state=%q, want open", state)
		}
		if prs == nil {
			prs = []map[string]any{}
		}
		WriteJSON(w, http.StatusOK, prs)
	})
}

package prcomment

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v60/github"
)

// Pull is a pull request that brought a commit in.
type Pull struct {
	Number int
	Title  string
	URL    string
}

// PullsOfCommits finds, for each commit, the pull request that brought
// it in (GitHub's pulls of a commit: the merged one whose merge commit it
// is first, else the first merged, else the first listed). A commit
// GitHub does not know (404, 422) has none. httpClient may be nil.
func PullsOfCommits(ctx context.Context, env Env, httpClient *http.Client, shas []string) (map[string]Pull, error) {
	owner, repo, apiURL, err := env.validate()
	if err != nil {
		return nil, err
	}
	p, err := newPoster(Options{Env: env, HTTPClient: httpClient}, owner, repo, apiURL, 0)
	if err != nil {
		return nil, err
	}
	c, err := p.client()
	if err != nil {
		return nil, err
	}
	out := map[string]Pull{}
	for _, sha := range shas {
		prs, _, err := c.PullRequests.ListPullRequestsWithCommit(ctx, owner, repo, sha, &github.ListOptions{PerPage: 100})
		if s := status(err); s == http.StatusNotFound || s == http.StatusUnprocessableEntity {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("listing the pull requests of commit %s in %s/%s: %w", sha, owner, repo, err)
		}
		if pr := pullOf(sha, prs); pr != nil {
			out[sha] = Pull{Number: pr.GetNumber(), Title: pr.GetTitle(), URL: pr.GetHTMLURL()}
		}
	}
	return out, nil
}

// pullOf picks the pull request that brought sha in.
func pullOf(sha string, prs []*github.PullRequest) *github.PullRequest {
	for _, pr := range prs {
		if pr.GetMergeCommitSHA() == sha && pr.MergedAt != nil {
			return pr
		}
	}
	for _, pr := range prs {
		if pr.MergedAt != nil {
			return pr
		}
	}
	if len(prs) > 0 {
		return prs[0]
	}
	return nil
}

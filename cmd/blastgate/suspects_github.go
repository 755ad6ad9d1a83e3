package main

import (
	"context"
	"os"
	"strings"

	"github.com/blastgate/blastgate/internal/prcomment"
	"github.com/blastgate/blastgate/report"
)

// linkPullRequests adds to each suspect the pull request that brought it
// in, when GITHUB_TOKEN and GITHUB_REPOSITORY are set; without them it
// makes no request at all. A failure is returned for a warning: the
// suspects stand without their links.
func linkPullRequests(ctx context.Context, s *report.Suspects) error {
	env := prcomment.EnvFromOS()
	if strings.TrimSpace(os.Getenv("GITHUB_TOKEN")) == "" || os.Getenv("GITHUB_REPOSITORY") == "" || len(s.Suspects) == 0 {
		return nil
	}
	var shas []string
	seen := map[string]bool{}
	for _, x := range s.Suspects {
		if !seen[x.Commit] {
			seen[x.Commit] = true
			shas = append(shas, x.Commit)
		}
	}
	pulls, err := prcomment.PullsOfCommits(ctx, env, nil, shas)
	for i := range s.Suspects {
		if pr, ok := pulls[s.Suspects[i].Commit]; ok {
			s.Suspects[i].PullRequest = &report.PullRequest{Number: pr.Number, Title: pr.Title, URL: pr.URL}
		}
	}
	if err != nil {
		return err
	}
	return nil
}

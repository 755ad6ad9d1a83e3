package prcomment

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"
)

// WorkflowRun is what a workflow_run event says of the run that triggered
// it (the gate's run on a pull request). GitHub writes the event, so the
// comment job trusts it; the artifact the gate's run uploaded, it does not.
type WorkflowRun struct {
	ID         int64
	Event      string // what triggered the gate's run: pull_request
	HeadSHA    string // the pull request's head commit
	HeadBranch string
	HeadRepo   string // owner/name of the head repository: a fork's, for a fork's pull request
	// PullRequests are the numbers GitHub lists for the run: the pull
	// requests of the base repository's own branches, none for a fork's.
	PullRequests []int
}

type workflowRunEvent struct {
	WorkflowRun *struct {
		ID             int64  `json:"id"`
		Event          string `json:"event"`
		HeadSHA        string `json:"head_sha"`
		HeadBranch     string `json:"head_branch"`
		HeadRepository *struct {
			FullName string `json:"full_name"`
		} `json:"head_repository"`
		PullRequests []struct {
			Number int `json:"number"`
		} `json:"pull_requests"`
	} `json:"workflow_run"`
}

// commitRE matches a full commit SHA (SHA-1 or SHA-256), lowercase.
var commitRE = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)

// ReadWorkflowRun reads the event payload at path; ok is false when it is
// not a workflow_run event.
func ReadWorkflowRun(path string) (run WorkflowRun, ok bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return WorkflowRun{}, false, fmt.Errorf("reading the event payload (GITHUB_EVENT_PATH): %v", err)
	}
	var ev workflowRunEvent
	if err := json.Unmarshal(data, &ev); err != nil || ev.WorkflowRun == nil {
		return WorkflowRun{}, false, nil
	}
	w := ev.WorkflowRun
	run = WorkflowRun{ID: w.ID, Event: w.Event, HeadSHA: w.HeadSHA, HeadBranch: w.HeadBranch}
	if w.HeadRepository != nil {
		run.HeadRepo = w.HeadRepository.FullName
	}
	for _, pr := range w.PullRequests {
		run.PullRequests = append(run.PullRequests, pr.Number)
	}
	if run.Event != "pull_request" {
		return run, true, fmt.Errorf("the workflow_run event %s reports a run triggered by %q, not pull_request: run the comment job only for pull request runs (if: github.event.workflow_run.event == 'pull_request')", path, run.Event)
	}
	if !commitRE.MatchString(run.HeadSHA) {
		return run, true, fmt.Errorf("the workflow_run event %s has no head commit SHA (head_sha %q): run blastgate comment in a job triggered by workflow_run", path, shortText(run.HeadSHA))
	}
	return run, true, nil
}

// ResolvePullRequest finds, through the API, the one open pull request of
// opts.Repository whose head is run's commit (and run's head repository and
// branch, when the event names them). It asks which pull requests contain
// the commit, and when that finds none (GitHub may not answer it for a
// fork's commit), lists the open pull requests. No match, or more than
// one, is an error, never a guess; so is a match that the run's own list
// of pull requests does not hold, when it has one.
func ResolvePullRequest(ctx context.Context, opts Options, run WorkflowRun) (int, error) {
	red := newRedactor(opts.Token)
	n, err := resolve(ctx, opts, run)
	return n, red.redact(err)
}

func resolve(ctx context.Context, opts Options, run WorkflowRun) (int, error) {
	owner, repo, apiURL, err := opts.Env.validate()
	if err != nil {
		return 0, err
	}
	p, err := newPoster(opts, owner, repo, apiURL, 0)
	if err != nil {
		return 0, err
	}
	matches, err := p.pullsWithCommit(ctx, run)
	if err != nil {
		return 0, err
	}
	if len(matches) == 0 {
		if matches, err = p.openPullsAt(ctx, run); err != nil {
			return 0, err
		}
	}
	switch {
	case len(matches) == 0:
		return 0, fmt.Errorf("no open pull request of %s/%s has head %s (%s): the pull request was closed or pushed to since the gate ran; nothing to comment on", owner, repo, run.HeadSHA, headLabel(run))
	case len(matches) > 1:
		return 0, fmt.Errorf("pull requests %s of %s/%s all have head %s (%s): refusing to guess which one the gate's run was for", joinNumbers(matches), owner, repo, run.HeadSHA, headLabel(run))
	}
	if len(run.PullRequests) > 0 && !slices.Contains(run.PullRequests, matches[0]) {
		return 0, fmt.Errorf("the API finds pull request #%d for head %s, but the workflow_run event lists %s: refusing to comment", matches[0], run.HeadSHA, joinNumbers(run.PullRequests))
	}
	return matches[0], nil
}

// pullsWithCommit lists the open pull requests containing run's head
// commit whose head it is. A commit GitHub does not know in this
// repository (404, 422: a fork's) finds none.
func (p *poster) pullsWithCommit(ctx context.Context, run WorkflowRun) ([]int, error) {
	return p.pages(ctx, "listing the pull requests of commit "+run.HeadSHA, run, func(c *github.Client, page int) ([]*github.PullRequest, *github.Response, error) {
		return c.PullRequests.ListPullRequestsWithCommit(ctx, p.owner, p.repo, run.HeadSHA, &github.ListOptions{PerPage: 100, Page: page})
	}, func(err error) bool {
		s := status(err)
		return s == http.StatusNotFound || s == http.StatusUnprocessableEntity
	})
}

// openPullsAt lists the open pull requests whose head is run's.
func (p *poster) openPullsAt(ctx context.Context, run WorkflowRun) ([]int, error) {
	return p.pages(ctx, fmt.Sprintf("listing the open pull requests of %s/%s", p.owner, p.repo), run, func(c *github.Client, page int) ([]*github.PullRequest, *github.Response, error) {
		return c.PullRequests.List(ctx, p.owner, p.repo, &github.PullRequestListOptions{State: "open", ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	}, func(error) bool { return false })
}

// pages calls list on every page, up to maxPages, and returns the numbers
// of the pull requests that match run. An error none() accepts ends the
// listing with no match.
func (p *poster) pages(ctx context.Context, what string, run WorkflowRun,
	list func(c *github.Client, page int) ([]*github.PullRequest, *github.Response, error),
	none func(error) bool) ([]int, error) {
	var matches []int
	page := 1
	for pages := 0; ; pages++ {
		if pages == maxPages {
			return nil, fmt.Errorf("%s: more than %d pages", what, maxPages)
		}
		var prs []*github.PullRequest
		var resp *github.Response
		err := p.call(ctx, what, func(c *github.Client, _ error) (*github.Response, error) {
			var err error
			prs, resp, err = list(c, page)
			return resp, err
		})
		if err != nil {
			if none(err) {
				return nil, nil
			}
			return nil, err
		}
		for _, pr := range prs {
			if p.isRunsPull(pr, run) && !slices.Contains(matches, pr.GetNumber()) {
				matches = append(matches, pr.GetNumber())
			}
		}
		if resp == nil || resp.NextPage == 0 || resp.NextPage <= page {
			return matches, nil
		}
		page = resp.NextPage
	}
}

// isRunsPull says whether pr is an open pull request into this repository
// whose head is run's commit, from run's head repository and branch.
func (p *poster) isRunsPull(pr *github.PullRequest, run WorkflowRun) bool {
	if pr.GetNumber() <= 0 || pr.GetState() != "open" || pr.GetHead().GetSHA() != run.HeadSHA {
		return false
	}
	if base := pr.GetBase().GetRepo().GetFullName(); base != "" && !strings.EqualFold(base, p.owner+"/"+p.repo) {
		return false
	}
	if head := pr.GetHead().GetRepo().GetFullName(); head != "" && run.HeadRepo != "" && !strings.EqualFold(head, run.HeadRepo) {
		return false
	}
	if ref := pr.GetHead().GetRef(); ref != "" && run.HeadBranch != "" && ref != run.HeadBranch {
		return false
	}
	return true
}

// CheckArtifactEvent refuses the pull_request event the gate's run left in
// its artifact when it is not the pull request the API found (number) at
// the commit the workflow_run event names (head SHA): a run of pull
// request code can write any artifact, so it may aim at no other.
func CheckArtifactEvent(path string, number int, run WorkflowRun) error {
	pr, err := ReadEvent(path)
	if err != nil {
		return fmt.Errorf("the artifact's event: %w", err)
	}
	if pr.Number != number || pr.HeadSHA != run.HeadSHA {
		return fmt.Errorf("the artifact's event %s names pull request #%d at %s, but the workflow_run is pull request #%d at %s: the artifact is not this run's pull request's; refusing to comment",
			path, pr.Number, shortText(pr.HeadSHA), number, run.HeadSHA)
	}
	return nil
}

func headLabel(run WorkflowRun) string {
	label := run.HeadRepo
	if run.HeadBranch != "" {
		label += ":" + run.HeadBranch
	}
	if label == "" {
		return "head unnamed"
	}
	return label
}

func joinNumbers(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(parts, ", ")
}

// shortText quotes s for a message: cut to 80 bytes, control characters
// escaped.
func shortText(s string) string {
	if len(s) > 80 {
		s = s[:80]
	}
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}

package main

import (
	"context"
	"errors"

	"github.com/blastgate/blastgate/internal/prcomment"
)

// target is the pull request a comment goes to.
type target struct {
	number int
	// untrusted: the report came from another workflow's run of the pull
	// request's code (an artifact): render it with no mention or link.
	untrusted bool
}

// commentTarget finds the pull request to comment on. On a pull_request
// event, it is the event's. On a workflow_run event (the fork-safe comment
// job), the API finds it from the run's head commit, which GitHub wrote,
// and the event the gate's run left in its artifact (artifactEvent), which
// the pull request's code could have written, must agree with it.
func commentTarget(ctx context.Context, env prcomment.Env, artifactEvent string) (target, error) {
	if env.EventPath == "" {
		return target{}, errors.New("GITHUB_EVENT_PATH is not set: run in GitHub Actions on pull_request (or workflow_run) events, or set it to the event payload")
	}
	run, isRun, err := prcomment.ReadWorkflowRun(env.EventPath)
	if err != nil {
		return target{}, err
	}
	if !isRun {
		if artifactEvent != "" {
			return target{}, errors.New("--event is for the comment job triggered by workflow_run (GITHUB_EVENT_PATH is not a workflow_run event): leave it out on pull_request events")
		}
		pr, err := prcomment.ReadEvent(env.EventPath)
		if err != nil {
			return target{}, err
		}
		return target{number: pr.Number}, nil
	}
	if artifactEvent == "" {
		return target{}, errors.New("under workflow_run, pass --event FILE: the pull_request event the gate's run saved beside the report, checked against the run's pull request")
	}
	number, err := prcomment.ResolvePullRequest(ctx, prcomment.Options{Env: env}, run)
	if err != nil {
		return target{}, err
	}
	if err := prcomment.CheckArtifactEvent(artifactEvent, number, run); err != nil {
		return target{}, err
	}
	return target{number: number, untrusted: true}, nil
}

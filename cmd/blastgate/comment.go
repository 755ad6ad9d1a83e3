package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/prcomment"
)

// commentOptions are the command line of comment.
type commentOptions struct {
	cmdBase
	path, artifactEvent string
}

func parseComment(g *globals, args []string, s streams) (*commentOptions, error) {
	o := &commentOptions{cmdBase: cmdBase{g, s}}
	if err := parseCommand(g, "comment", args, s.err, func(fs *flag.FlagSet) {
		fs.StringVar(&o.path, "report", "", "the saved JSON report to post (- for standard input)")
		fs.StringVar(&o.artifactEvent, "event", "", "under workflow_run: the pull_request event the gate's run saved with the report, cross-checked before commenting")
	}); err != nil {
		return nil, err
	}
	if o.path == "" {
		return nil, usagef("comment: --report FILE is required: the output of check (or impact) with --format json")
	}
	return o, nil
}

// runComment posts the report as the pull request's sticky comment.
func runComment(ctx context.Context, o *commentOptions) error {
	path, artifactEvent, stdin, stderr := o.path, o.artifactEvent, o.s.in, o.s.err
	r, err := readReport(path, stdin)
	if err != nil {
		return err
	}
	env := prcomment.EnvFromOS()
	target, err := commentTarget(ctx, env, artifactEvent)
	if err != nil {
		return fmt.Errorf("comment: %w", err)
	}
	var body strings.Builder
	if err := gate.WriteComment(&body, r, gate.MarkdownOptions{Untrusted: target.untrusted}); err != nil {
		return err
	}
	outcome, id, err := prcomment.Post(ctx, prcomment.Options{Env: env, Number: target.number, Body: body.String()})
	if err != nil {
		return fmt.Errorf("comment: %w", err)
	}
	n := target.number
	switch outcome {
	case prcomment.Forbidden:
		fmt.Fprintf(stderr, "::warning title=blastgate::the token may not comment on pull request #%d (a fork's read-only token?): the report is in the step summary\n", n)
	case prcomment.Created:
		fmt.Fprintf(stderr, "blastgate: commented on pull request #%d (comment %d)\n", n, id)
	case prcomment.Updated:
		fmt.Fprintf(stderr, "blastgate: updated the comment on pull request #%d (comment %d)\n", n, id)
	case prcomment.Unchanged:
		fmt.Fprintf(stderr, "blastgate: the comment on pull request #%d is up to date\n", n)
	}
	return nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

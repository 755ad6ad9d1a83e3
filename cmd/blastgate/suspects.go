package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/blastgate/blastgate/config"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/internal/glob"
	"github.com/blastgate/blastgate/internal/history"
	"github.com/blastgate/blastgate/policy"
	"github.com/blastgate/blastgate/report"
)

// runSuspects lists the commits of the first-parent history between
// --since and --until whose change reaches the feature a query names
// (DESIGN.md "suspects"): load the history, analyse each commit's change
// against its first parent (as impact does, through the cache), decide
// which reach the feature, render.
func runSuspects(ctx context.Context, o *suspectsOptions) error {
	g, query, since, until, stdout := o.g, o.query, o.since, o.until, o.s.out
	repo, err := gitrepo.Open(ctx, g.dir)
	if err != nil {
		return err
	}
	sinceSHA, err := repo.Resolve(ctx, since)
	if err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	untilSHA, err := repo.Resolve(ctx, until)
	if err != nil {
		return fmt.Errorf("--until: %w", err)
	}
	commits, err := history.FirstParent(ctx, repo.Root, sinceSHA, untilSHA)
	if err != nil {
		return err
	}
	features, err := featuresAtCached(ctx, g, repo, untilSHA)
	if err != nil {
		return fmt.Errorf("the features at --until %s: %w", short(untilSHA), err)
	}
	named, q := parseQuery(query).match(features)
	if len(named) == 0 {
		return fmt.Errorf("%q names no feature at %s%s", query, short(untilSHA), closestHint(query, features))
	}
	out := &report.Suspects{
		SchemaVersion: report.SchemaVersion,
		Query:         query,
		Feature:       named[0],
		Features:      named,
		Since:         sinceSHA,
		Until:         untilSHA,
		Suspects:      []report.Suspect{},
	}
	fp := newFastPath(ctx, g, repo)
	for _, c := range commits {
		if err := walkCommit(ctx, g, repo, fp, q, c, out); err != nil {
			return err
		}
	}
	if err := linkPullRequests(ctx, out); err != nil {
		out.Warnings = append(out.Warnings, err.Error())
	}
	return writeSuspects(ctx, stdout, out, g)
}

// suspectsOptions are the command line of suspects.
type suspectsOptions struct {
	cmdBase
	// query is the feature id or the request.
	query, since, until string
}

func parseSuspects(g *globals, args []string, s streams) (*suspectsOptions, error) {
	o := &suspectsOptions{cmdBase: cmdBase{g, s}}
	var err error
	if o.query, err = parseSuspectsArgs(g, args, s.err, &o.since, &o.until); err != nil {
		return nil, err
	}
	return o, nil
}

// parseSuspectsArgs parses the flags of suspects, before and after its
// one argument, and returns the argument.
func parseSuspectsArgs(g *globals, args []string, stderr io.Writer, since, until *string) (string, error) {
	*until = "HEAD"
	define := func(fs *flag.FlagSet) {
		fs.StringVar(since, "since", *since, "the last `REV` known good (exclusive): a release tag, say")
		fs.StringVar(until, "until", *until, "the newest `REV` to walk back from")
	}
	var rest []string
	for {
		fs, err := parseCommandArgs(g, "suspects", args, stderr, define)
		if err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(rest) == 0:
		return "", usagef("suspects: name a feature id (POST /token/buy) or a request (/token/buy?amount=5), quoted as one argument")
	case len(rest) > 1:
		return "", usagef("suspects: one feature or request, quoted as one argument (got %q)", strings.Join(rest, " "))
	case *since == "":
		return "", usagef("suspects: --since REV is required (the last revision known good: the last release tag, say)")
	}
	return rest[0], nil
}

// featuresAt discovers the features of the tree at sha, under the
// configuration it has.
func featuresAt(ctx context.Context, g *globals, repo *gitrepo.Repo, sha string) ([]report.Feature, error) {
	rel, err := filepath.Rel(repo.Root, g.dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("-C %s is outside the repository at %s", g.dir, repo.Root)
	}
	root, cleanup, err := headTree(ctx, repo, sha, false)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cfg, err := policy.LoadConfig(g.config, root)
	if err != nil {
		return nil, err
	}
	a, err := analyse(ctx, policy.Same(cfg), root, filepath.Join(root, rel), false)
	if err != nil {
		return nil, err
	}
	var out []report.Feature
	for _, f := range a.Features {
		out = append(out, f.Feature)
	}
	return out, nil
}

// walkCommit decides one commit: without loading packages when no file
// it changes can map to code, else by analysing its change against its
// first parent. A commit that cannot be analysed is listed as such.
func walkCommit(ctx context.Context, g *globals, repo *gitrepo.Repo, fp *fastPath, q query, c history.Commit, out *report.Suspects) error {
	walked := report.WalkedCommit{Commit: c.SHA, Subject: c.Subject}
	notAnalysed := func(err error) {
		walked.Outcome, walked.Why = report.OutcomeNotAnalysed, err.Error()
		out.NotAnalysed = append(out.NotAnalysed, report.NotAnalysed{Commit: c.SHA, Subject: c.Subject, Author: c.Author, Date: c.Date, Reason: err.Error()})
		out.Commits = append(out.Commits, walked)
	}
	why, err := fp.mustLoad(c)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		notAnalysed(err)
		return nil
	}
	if why == "" {
		walked.Outcome, walked.Why = report.OutcomeNoCode, "no changed file can map to code"
		out.Commits = append(out.Commits, walked)
		return nil
	}
	ch, err := openChange(ctx, g, revisions{base: c.Parent, head: c.SHA}, false, nil)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		notAnalysed(err)
		return nil
	}
	defer ch.close()
	walked.Outcome, walked.Why = report.OutcomeClear, why
	for _, f := range ch.report.Impacted {
		if !q.names(f) {
			continue
		}
		walked.Outcome = report.OutcomeSuspect
		out.Suspects = append(out.Suspects, report.Suspect{
			Commit: c.SHA, Subject: c.Subject, Author: c.Author, Date: c.Date,
			Feature:  suspectFeature(f),
			Changes:  reachedChanges(ch.report.Changes, f),
			Trace:    orEmpty(f.Trace),
			Warnings: ch.report.Warnings,
		})
	}
	out.Commits = append(out.Commits, walked)
	return nil
}

func suspectFeature(f report.Feature) report.SuspectFeature {
	return report.SuspectFeature{ID: f.ID, Kind: f.Kind, Entry: f.Entry, Position: f.Position}
}

// reachedChanges are the changes holding a declaration the feature
// reaches; all of the commit's changes when none is known (a changed
// registration, a dependency).
func reachedChanges(changes []report.Change, f report.Feature) []report.Change {
	reached := map[string]bool{}
	for _, d := range f.Reaches {
		reached[d.Symbol] = true
	}
	var out []report.Change
	for _, c := range changes {
		var symbols []string
		for _, s := range c.Symbols {
			if reached[s] {
				symbols = append(symbols, s)
			}
		}
		if len(symbols) > 0 {
			out = append(out, report.Change{File: c.File, Symbols: symbols, Note: c.Note})
		}
	}
	if len(out) == 0 {
		return orEmpty(changes)
	}
	return out
}

// fastPath decides commits without loading packages (internal/history).
type fastPath struct {
	ctx  context.Context
	g    *globals
	repo *gitrepo.Repo
}

func newFastPath(ctx context.Context, g *globals, repo *gitrepo.Repo) *fastPath {
	return &fastPath{ctx: ctx, g: g, repo: repo}
}

// mustLoad says why the commit must be analysed, or "" when none of the
// files it changes can map to code.
func (fp *fastPath) mustLoad(c history.Commit) (string, error) {
	files, err := history.ChangedFiles(fp.ctx, fp.repo.Root, c.Parent, c.SHA)
	if err != nil {
		return "", err
	}
	configured, err := fp.configured(c)
	if err != nil {
		return "", err
	}
	return history.MustLoad(fp.ctx, fp.repo.Root, c.SHA, files, configured)
}

// configured says why the configuration (at the commit and at its
// parent) maps a path: the configuration file itself, or an assets:
// glob; an unreadable configuration maps every path (analyse, and let
// the analysis say what is wrong).
func (fp *fastPath) configured(c history.Commit) (func(string) string, error) {
	rel, inside, err := policy.InRepo(fp.g.config, fp.repo)
	if err != nil {
		return nil, err
	}
	var globs []string
	var broken error
	if !inside {
		cfg, err := config.Load(fp.g.config, false)
		if err != nil {
			broken = err
		} else {
			globs = assetGlobs(cfg)
		}
	} else {
		for _, sha := range []string{c.Parent, c.SHA} {
			data, exists, err := fp.repo.ShowFile(fp.ctx, sha, rel)
			if err != nil {
				broken = err
				continue
			}
			if !exists {
				continue
			}
			cfg, err := config.Parse(rel, data)
			if err != nil {
				broken = err
				continue
			}
			globs = append(globs, assetGlobs(cfg)...)
		}
	}
	return func(p string) string {
		switch {
		case inside && p == rel:
			return "the configuration"
		case broken != nil:
			return "the configuration cannot be read to rule it out of assets:"
		}
		for _, pat := range globs {
			if glob.Match(pat, p) {
				return fmt.Sprintf("in assets: (%s)", pat)
			}
		}
		return ""
	}, nil
}

func assetGlobs(cfg *config.Config) []string {
	var out []string
	for _, a := range cfg.Assets {
		out = append(out, a.Files...)
	}
	return out
}

// writeSuspects renders the report in the chosen format.
func writeSuspects(ctx context.Context, w io.Writer, s *report.Suspects, g *globals) error {
	var buf bytes.Buffer
	if err := gate.WriteSuspects(&buf, s, g.format); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

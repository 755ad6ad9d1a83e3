package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/config"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/report"
)

func runFeatures(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	if err := parseCommand(g, "features", args, stderr, nil); err != nil {
		return err
	}
	root := g.dir
	if repo, err := gitrepo.Open(ctx, g.dir); err == nil {
		root = repo.Root
	}
	graph, features, err := analyse(ctx, g, root, g.dir)
	if err != nil {
		return err
	}
	r := &report.Report{SchemaVersion: report.SchemaVersion, Features: []report.Feature{}}
	for _, f := range features {
		r.Features = append(r.Features, f.Feature)
	}
	r.Warnings = graph.Warnings()
	return gate.Write(stdout, r, g.format)
}

func runImpact(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var base, head string
	if err := parseCommand(g, "impact", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&base, "base", "", "the base revision")
		fs.StringVar(&head, "head", "HEAD", "the head revision")
	}); err != nil {
		return err
	}
	if base == "" {
		return usagef("impact: --base REV is required (the revision the change starts from, e.g. origin/main)")
	}
	r, err := impact(ctx, g, base, head)
	if err != nil {
		return err
	}
	return gate.Write(stdout, r, g.format)
}

// impact computes the impact report of base...head.
func impact(ctx context.Context, g *globals, base, head string) (*report.Report, error) {
	repo, err := gitrepo.Open(ctx, g.dir)
	if err != nil {
		return nil, err
	}
	baseSHA, err := repo.Resolve(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("--base: %w", err)
	}
	headSHA, err := repo.Resolve(ctx, head)
	if err != nil {
		return nil, fmt.Errorf("--head: %w", err)
	}
	mergeBase, err := repo.MergeBase(ctx, baseSHA, headSHA)
	if err != nil {
		return nil, err
	}
	diff, err := repo.Diff(ctx, baseSHA, headSHA)
	if err != nil {
		return nil, err
	}
	root, cleanup, err := headTree(ctx, repo, headSHA)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	rel, err := filepath.Rel(repo.Root, g.dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("-C %s is outside the repository at %s", g.dir, repo.Root)
	}
	graph, features, err := analyse(ctx, g, root, filepath.Join(root, rel))
	if err != nil {
		return nil, err
	}
	changes, err := graph.MapChanges(diff, func(path string) ([]byte, error) {
		return repo.Show(ctx, mergeBase, path)
	})
	if err != nil {
		return nil, err
	}
	result := graph.Impact(features, changes)
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Base:          baseSHA,
		Head:          headSHA,
		MergeBase:     mergeBase,
		Changes:       orEmpty(changes.Changes),
		Packages:      orEmpty(result.Packages),
		Impacted:      orEmpty(result.Impacted),
		Warnings:      append(graph.Warnings(), changes.Warnings...),
	}
	return r, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// headTree returns the directory holding the head tree: the working tree
// itself when it is clean and at head, else a temporary export of head
// (the repository's index and files are never touched).
func headTree(ctx context.Context, repo *gitrepo.Repo, headSHA string) (string, func(), error) {
	current, err := repo.Resolve(ctx, "HEAD")
	if err == nil && current == headSHA {
		if clean, err := repo.Clean(ctx); err == nil && clean {
			return repo.Root, func() {}, nil
		}
	}
	tmp, err := os.MkdirTemp("", "blastgate-head-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	dir := filepath.Join(tmp, "src")
	if err := repo.Export(ctx, headSHA, dir); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("exporting %s: %w", headSHA, err)
	}
	return dir, cleanup, nil
}

// analyse loads the module in moduleDir under root and discovers its
// features, with the declared ones from the configuration.
func analyse(ctx context.Context, g *globals, root, moduleDir string) (*analyzer.Graph, []analyzer.Feature, error) {
	declared, err := loadDeclared(g, root)
	if err != nil {
		return nil, nil, err
	}
	prog, err := analyzer.Load(ctx, root, moduleDir, tests)
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	graph := analyzer.BuildGraph(prog)
	features, err := graph.Features(declared)
	if err != nil {
		return nil, nil, err
	}
	return graph, features, nil
}

// loadDeclared reads the declared features: from --config, else from
// .blastgate.yaml at the root of the analysed tree, when there is one.
func loadDeclared(g *globals, root string) ([]analyzer.DeclaredFeature, error) {
	path, allowMissing := g.config, false
	if path == "" {
		path, allowMissing = filepath.Join(root, config.File), true
	}
	cfg, err := config.Load(path, allowMissing)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) && g.config == "" {
			ce.File = config.File
		}
		return nil, err
	}
	var out []analyzer.DeclaredFeature
	name := g.config
	if name == "" {
		name = config.File
	}
	for _, f := range cfg.Features {
		out = append(out, analyzer.DeclaredFeature{
			ID: f.ID, Entry: f.Entry, Tier: f.Tier, Owners: f.Owners,
			Where: fmt.Sprintf("%s:%d", name, f.Line),
		})
	}
	return out, nil
}

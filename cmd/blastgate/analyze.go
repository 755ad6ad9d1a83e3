package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/cache"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/internal/owners"
	"github.com/blastgate/blastgate/policy"
	"github.com/blastgate/blastgate/report"
)

// featuresOptions are the command line of features.
type featuresOptions struct {
	cmdBase
	coverage coverageFlag
}

func parseFeatures(g *globals, args []string, s streams) (*featuresOptions, error) {
	o := &featuresOptions{cmdBase: cmdBase{g, s}}
	if err := parseCommand(g, "features", args, s.err, func(fs *flag.FlagSet) {
		fs.Var(&o.coverage, "coverage", "a per-test coverage profile, as `PKG.TestName=FILE` (repeatable)")
	}); err != nil {
		return nil, err
	}
	return o, nil
}

func runFeatures(ctx context.Context, o *featuresOptions) error {
	g, stdout, coverage := o.g, o.s.out, o.coverage
	root := g.dir
	if repo, err := gitrepo.Open(ctx, g.dir); err == nil {
		root = repo.Root
	}
	cfg, err := policy.LoadConfig(g.config, root)
	if err != nil {
		return err
	}
	a, err := analyse(ctx, policy.Same(cfg), root, g.dir, true)
	if err != nil {
		return err
	}
	if err := a.Credit(coverage); err != nil {
		return optionFlagError(err)
	}
	analyzer.ReportProgress(ctx, "", 0)
	rules, err := owners.Load(func(path string) ([]byte, error) {
		return os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
	})
	if err != nil {
		return err
	}
	r := &report.Report{SchemaVersion: report.SchemaVersion, Features: []report.Feature{}}
	for _, f := range a.Features {
		if len(f.Tests) > 0 {
			f.Suggestion = nil
		}
		a.Annotate(&f.Feature, rules, a.Graph.EntryFile(f))
		r.Features = append(r.Features, f.Feature)
	}
	r.Warnings = append(a.GraphWarnings(), a.Warnings...)
	return writeReport(ctx, stdout, r, g)
}

// impactOptions are the command line of impact.
type impactOptions struct {
	cmdBase
	rv revisions
}

func parseImpact(g *globals, args []string, s streams) (*impactOptions, error) {
	o := &impactOptions{cmdBase: cmdBase{g, s}}
	if err := parseCommand(g, "impact", args, s.err, o.rv.define); err != nil {
		return nil, err
	}
	if err := o.rv.check("impact"); err != nil {
		return nil, err
	}
	return o, nil
}

func runImpact(ctx context.Context, o *impactOptions) error {
	g, rv, stdout := o.g, o.rv, o.s.out
	c, err := openChange(ctx, g, rv, false, nil)
	if err != nil {
		return err
	}
	defer c.close()
	return writeReport(ctx, stdout, c.report, g)
}

// revisions are the --base and --head flags.
type revisions struct{ base, head string }

func (rv *revisions) define(fs *flag.FlagSet) {
	fs.StringVar(&rv.base, "base", "", "the base `REV` (what the pull request merges into)")
	fs.StringVar(&rv.head, "head", "HEAD", "the head `REV`")
}

func (rv *revisions) check(cmd string) error {
	if rv.base == "" {
		return usagef("%s: --base REV is required (the revision the change starts from, e.g. origin/main)", cmd)
	}
	return nil
}

// change is an analysed change: the impact report (with its credited
// tests when the tests were loaded), and what plan, check and run need
// besides. All of it can come from the cache.
type change struct {
	report *report.Report
	// module is the module path, modules every module analysed (a
	// workspace has several); packages their packages, sorted.
	module   string
	modules  []string
	packages []string
	// rules is the configuration's policy; policy adds the day.
	rules gate.Policy

	// rv are the revisions as the user gave them.
	rv revisions
	// repo, head and rel locate the head's module for go test.
	repo      *gitrepo.Repo
	head, rel string
	// dir is that module's directory once there is one; cleanup removes
	// it when it was exported.
	dir     string
	cleanup func()
}

func (c *change) close() {
	if c.cleanup != nil {
		c.cleanup()
	}
}

// moduleDir is the directory of the head's module: the analysed tree, or
// (after a cache hit) the working tree or an export of head.
func (c *change) moduleDir(ctx context.Context) (string, error) {
	if c.dir == "" {
		root, cleanup, err := headTree(ctx, c.repo, c.head, false)
		if err != nil {
			return "", err
		}
		c.dir, c.cleanup = filepath.Join(root, c.rel), cleanup
	}
	return c.dir, nil
}

// openChange analyses base...head with analyzer.Analyze; with tests,
// it also loads the tests and credits them, with the coverage profiles
// as evidence. With --cache-dir it reads the analysis from the cache when
// the same inputs were analysed before, and keeps it there otherwise.
func openChange(ctx context.Context, g *globals, rv revisions, tests bool, coverage coverageFlag) (*change, error) {
	opts := analyzer.Options{
		Dir: g.dir, Base: rv.base, Head: rv.head,
		Tests: tests, Coverage: coverage,
		Policy: func(ctx context.Context, in analyzer.PolicyInput) (analyzer.Policy, error) {
			return policy.Load(ctx, policy.Source{Repo: in.Repo, BaseSHA: in.BaseSHA, Root: in.Root, Flag: g.config})
		},
	}
	if ac := openCache(g); ac != nil {
		opts.Cache = &changeCache{ac: ac, g: g, tests: tests, coverage: coverage}
		// The dependencies' types, by module version, in the same directory.
		ctx = analyzer.WithTypesCache(ctx, g.cacheDir)
	}
	a, err := analyzer.Analyze(ctx, opts)
	if err != nil {
		return nil, optionFlagError(err)
	}
	return &change{
		report:   a.Report,
		module:   a.Module,
		modules:  a.Modules,
		packages: a.Packages,
		rules:    gatePolicyOf(a.Policy),
		rv:       rv,
		repo:     a.Revisions.Repo, head: a.Revisions.Head, rel: a.Revisions.Rel,
		dir: a.Dir, cleanup: a.Close,
	}, nil
}

// keyOf is the cache key of the change base...head.
func keyOf(ctx context.Context, g *globals, repo *gitrepo.Repo, in changeInputs, base, mergeBase, head string) (cache.Key, error) {
	trees, err := repo.Trees(ctx, base, mergeBase, head)
	if err != nil {
		return cache.Key{}, err
	}
	in.baseTree, in.mergeBaseTree, in.headTree = trees[0], trees[1], trees[2]
	gomod := path.Join(in.rel, "go.mod")
	data, err := repo.Show(ctx, head, gomod)
	if err != nil {
		return cache.Key{}, err
	}
	if err := localReplacesInside(gomod, data, in.rel); err != nil {
		return cache.Key{}, err
	}
	return changeKey(ctx, g, in)
}

// localReplacesInside fails when go.mod (at rel in the repository)
// replaces a module with a directory outside the repository: code that no
// tree in the key holds.
func localReplacesInside(name string, data []byte, rel string) error {
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return err
	}
	for _, r := range f.Replace {
		if r.New.Version != "" || !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		dir := filepath.ToSlash(r.New.Path)
		if !path.IsAbs(dir) && !filepath.IsAbs(r.New.Path) {
			dir = path.Join(rel, dir)
		}
		if path.IsAbs(dir) || filepath.IsAbs(r.New.Path) || dir == ".." || strings.HasPrefix(dir, "../") {
			return fmt.Errorf("%s replaces %s with %s, outside the repository", name, r.Old.Path, r.New.Path)
		}
	}
	return nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// headTree is analyzer.HeadTree: the working tree when it is head, else
// an export.
func headTree(ctx context.Context, repo *gitrepo.Repo, headSHA string, exact bool) (string, func(), error) {
	return analyzer.HeadTree(ctx, repo, headSHA, exact)
}

// analyse loads the module in moduleDir under root (with its tests when
// asked) and discovers its features under the configuration.
func analyse(ctx context.Context, pol *policy.Policy, root, moduleDir string, tests bool) (*analyzer.Discovered, error) {
	return analyzer.Discover(ctx, pol, root, moduleDir, tests)
}

// policy is the gate's policy, today.
func (c *change) policy() gate.Policy {
	p := c.rules
	p.Now = time.Now()
	return p
}

// coverageFlag collects --coverage PKG.TestName=FILE.
type coverageFlag []analyzer.CoverageProfile

func (c *coverageFlag) String() string { return "" }

func (c *coverageFlag) Set(v string) error {
	test, file, ok := strings.Cut(v, "=")
	i := strings.LastIndexByte(test, '.')
	if !ok || i <= 0 || file == "" || !strings.HasPrefix(test[i+1:], "Test") {
		return fmt.Errorf("--coverage %q: write it as example.com/mod/pkg.TestName=cover.out, for a profile recorded while only that test ran", v)
	}
	*c = append(*c, analyzer.CoverageProfile{Test: analyzer.TestRef{Package: test[:i], Name: test[i+1:]}, Path: file})
	return nil
}

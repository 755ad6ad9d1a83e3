package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/config"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/cache"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/internal/owners"
	"github.com/blastgate/blastgate/report"
)

func runFeatures(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var coverage coverageFlag
	if err := parseCommand(g, "features", args, stderr, func(fs *flag.FlagSet) {
		fs.Var(&coverage, "coverage", "a per-test coverage profile, as `PKG.TestName=FILE` (repeatable)")
	}); err != nil {
		return err
	}
	root := g.dir
	if repo, err := gitrepo.Open(ctx, g.dir); err == nil {
		root = repo.Root
	}
	cfg, err := loadConfig(g, root)
	if err != nil {
		return err
	}
	a, err := analyse(ctx, sameConfig(cfg), root, g.dir, true)
	if err != nil {
		return err
	}
	if err := a.credit(coverage); err != nil {
		return err
	}
	analyzer.ReportProgress(ctx, "", 0)
	rules, err := owners.Load(func(path string) ([]byte, error) {
		return os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
	})
	if err != nil {
		return err
	}
	r := &report.Report{SchemaVersion: report.SchemaVersion, Features: []report.Feature{}}
	for _, f := range a.features {
		if len(f.Tests) > 0 {
			f.Suggestion = nil
		}
		a.annotate(&f.Feature, rules, a.graph.EntryFile(f))
		r.Features = append(r.Features, f.Feature)
	}
	r.Warnings = append(a.graph.Warnings(), a.warnings...)
	return writeReport(ctx, stdout, r, g)
}

func runImpact(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var rv revisions
	if err := parseCommand(g, "impact", args, stderr, rv.define); err != nil {
		return err
	}
	if err := rv.check("impact"); err != nil {
		return err
	}
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

// openChange analyses base...head; with tests, it also loads the tests
// and credits them, with the coverage profiles as evidence. With
// --cache-dir it reads the analysis from the cache when the same inputs
// were analysed before, and keeps it there otherwise.
func openChange(ctx context.Context, g *globals, rv revisions, tests bool, coverage coverageFlag) (*change, error) {
	repo, err := gitrepo.Open(ctx, g.dir)
	if err != nil {
		return nil, err
	}
	baseSHA, err := repo.Resolve(ctx, rv.base)
	if err != nil {
		return nil, fmt.Errorf("--base: %w", err)
	}
	headSHA, err := repo.Resolve(ctx, rv.head)
	if err != nil {
		return nil, fmt.Errorf("--head: %w", err)
	}
	mergeBase, err := repo.MergeBase(ctx, baseSHA, headSHA)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(repo.Root, g.dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("-C %s is outside the repository at %s", g.dir, repo.Root)
	}

	ac := openCache(g)
	var key cache.Key
	if ac != nil {
		in := changeInputs{rel: filepath.ToSlash(rel), tests: tests, coverage: coverage}
		if configRel, inside, cerr := configInRepo(g, repo); cerr == nil && inside {
			in.configRel = configRel
		}
		key, err = keyOf(ctx, g, repo, in, baseSHA, mergeBase, headSHA)
		if err != nil {
			ac.debugf("not cached: %v", err)
			ac = nil
		} else if c, ok := ac.get(key); ok {
			c.report.Base, c.report.Head, c.report.MergeBase = baseSHA, headSHA, mergeBase
			c.repo, c.head, c.rel, c.rv = repo, headSHA, rel, rv
			return c, nil
		}
	}

	diff, err := repo.Diff(ctx, baseSHA, headSHA)
	if err != nil {
		return nil, err
	}
	// A cached analysis must be of the commit alone: no ignored file of
	// the working tree may take part.
	root, cleanup, err := headTree(ctx, repo, headSHA, ac != nil)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			cleanup()
		}
	}()
	moduleDir := filepath.Join(root, rel)
	// The policy from the base; what adds impact from both.
	pc, err := loadPolicyConfig(ctx, g, repo, baseSHA, root)
	if err != nil {
		return nil, err
	}
	a, err := analyse(ctx, pc, root, moduleDir, tests)
	if err != nil {
		return nil, err
	}
	// The default build, and each configured build that includes a
	// changed file the default one leaves out.
	_, hostArch := analyzer.HostPlatform()
	var builds []analyzer.BuildConfig
	for _, b := range a.pc.builds(hostArch) {
		builds = append(builds, analyzer.BuildConfig{GOOS: b.GOOS, GOARCH: b.GOARCH, Tags: b.Tags})
	}
	loadBuild := func(bc analyzer.BuildConfig) (analyzer.Analysed, error) {
		prog, err := analyzer.LoadBuild(ctx, root, moduleDir, false, bc)
		if err != nil {
			return analyzer.Analysed{}, err
		}
		graph := analyzer.BuildGraph(prog)
		features, err := graph.Features(a.pc.declared())
		if err != nil {
			return analyzer.Analysed{}, err
		}
		features = notIgnored(a.pc, features)
		// The default build validated the assets; a package or feature
		// this build lacks maps nothing here.
		_ = graph.UseAssets(a.pc.assets(), features)
		return analyzer.Analysed{Graph: graph, Features: features}, nil
	}
	analyzer.ReportProgress(ctx, "walking from the changes", 0)
	changes, result, err := analyzer.Builds(ctx, analyzer.Analysed{Graph: a.graph, Features: a.features}, builds, diff,
		func(path string) ([]byte, error) { return repo.Show(ctx, mergeBase, path) }, loadBuild)
	if err != nil {
		return nil, err
	}
	// CODEOWNERS as the base revision has it, as GitHub reads it.
	rules, err := owners.Load(func(path string) ([]byte, error) {
		return repo.Show(ctx, baseSHA, path)
	})
	if err != nil {
		return nil, err
	}
	for i := range result.Impacted {
		f := &result.Impacted[i]
		entryFile := ""
		if len(f.Trace) > 0 {
			entryFile = f.Trace[0].Position.File
		}
		a.annotate(f, rules, entryFile)
	}
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Base:          baseSHA,
		Head:          headSHA,
		MergeBase:     mergeBase,
		Changes:       orEmpty(changes.Changes),
		Packages:      orEmpty(result.Packages),
		Impacted:      orEmpty(result.Impacted),
		PolicyChanges: a.pc.changes(),
		Unmapped:      orEmpty(notConfig(changes.Unmapped, configFile(g, repo.Root))),
		Warnings:      append(a.graph.Warnings(), changes.Warnings...),
	}
	if tests {
		if err := a.creditImpacted(r, coverage); err != nil {
			return nil, err
		}
		// Static proof, before the report is cached: which credited
		// tests ran the changed code through the feature.
		r.Warnings = append(r.Warnings, a.graph.Prove(a.features, changes, r.Impacted)...)
	}
	r.Warnings = append(r.Warnings, a.warnings...)
	c := &change{
		report:   r,
		module:   a.module,
		modules:  a.modules,
		packages: a.graph.PackagePaths(),
		rules:    a.pc.policy(),
		rv:       rv,
		repo:     repo, head: headSHA, rel: rel,
		dir: a.moduleDir, cleanup: cleanup,
	}
	if ac != nil {
		ac.put(key, c)
	}
	ok = true
	analyzer.ReportProgress(ctx, "", 0)
	return c, nil
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

// headTree returns the directory holding the head tree: the working tree
// itself when it is clean and at head (and, when exact, holds no ignored
// file either), else a temporary export of head (the repository's index
// and files are never touched).
func headTree(ctx context.Context, repo *gitrepo.Repo, headSHA string, exact bool) (string, func(), error) {
	current, err := repo.Resolve(ctx, "HEAD")
	if err == nil && current == headSHA {
		if clean, err := repo.Clean(ctx); err == nil && clean {
			ignored, err := false, error(nil)
			if exact {
				ignored, err = repo.HasIgnored(ctx)
			}
			if err == nil && !ignored {
				return repo.Root, func() {}, nil
			}
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

// analysis is a loaded module with its features and configuration.
type analysis struct {
	graph    *analyzer.Graph
	features []analyzer.Feature
	pc       policyConfig
	// warnings are the configuration's: what the base names that the
	// change deleted.
	warnings []string
	// attrChanges are the t.Attr declarations the change adds.
	attrChanges []report.PolicyChange
	moduleDir   string
	module      string   // the module in moduleDir, or "" (a workspace's directory)
	modules     []string // every module analysed
}

// analyse loads the module in moduleDir under root (with its tests when
// asked) and discovers its features, with those the configuration adds.
func analyse(ctx context.Context, pc policyConfig, root, moduleDir string, tests bool) (*analysis, error) {
	prog, err := analyzer.Load(ctx, root, moduleDir, tests)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	analyzer.ReportProgress(ctx, "building the graph", 0)
	graph := analyzer.BuildGraph(prog)
	declared := pc.declared()
	features, err := graph.Features(declared)
	if err != nil {
		return nil, err
	}
	warnings := pc.missingDeclared(declared, features)
	features = notIgnored(pc, features)
	if err := graph.UseAssets(pc.assets(), features); err != nil {
		return nil, err
	}
	module := prog.Module
	if _, err := os.Stat(filepath.Join(moduleDir, "go.mod")); err != nil {
		module = "" // a workspace's directory: no module to make paths relative to
	}
	var modules []string
	for _, m := range prog.Modules {
		modules = append(modules, m.Path)
	}
	return &analysis{graph: graph, features: features, pc: pc, warnings: warnings, moduleDir: moduleDir, module: module, modules: modules}, nil
}

// annotate adds what the team needs to a feature: the owners of its
// files and the dashboard to watch.
func (a *analysis) annotate(f *report.Feature, rules *owners.Rules, entryFile string) {
	for _, o := range rules.For(f.Position.File, entryFile) {
		if !slices.Contains(f.Owners, o) {
			f.Owners = append(f.Owners, o)
		}
	}
	f.Monitor = a.pc.monitorFor(f.ID)
}

// credit finds the tests that count for each feature.
func (a *analysis) credit(coverage coverageFlag) error {
	declared, warnings, err := a.pc.declaredTests(a.graph.Tests())
	if err != nil {
		return err
	}
	a.warnings = append(a.warnings, warnings...)
	opts := analyzer.EvidenceOptions{Declared: declared, Coverage: coverage}
	if a.pc.tests != nil {
		// Only what the base's tests declare counts.
		if opts.Attr, a.attrChanges, err = a.pc.tests.attrs(a.graph.FeatureAttrs()); err != nil {
			return err
		}
	}
	if err := a.graph.Credit(a.features, opts); err != nil {
		var pe *analyzer.ProfileError
		if errors.As(err, &pe) {
			return fmt.Errorf("--coverage: %w", err)
		}
		return fmt.Errorf("%s: %w", configName(a.pc.head), err)
	}
	return nil
}

// creditImpacted credits tests and copies them onto the impacted
// features of r.
func (a *analysis) creditImpacted(r *report.Report, coverage coverageFlag) error {
	if err := a.credit(coverage); err != nil {
		return err
	}
	r.PolicyChanges = append(r.PolicyChanges, a.attrChanges...)
	byID := map[string]analyzer.Feature{}
	for _, f := range a.features {
		byID[f.Kind+" "+f.ID+" "+f.Entry] = f
	}
	for i := range r.Impacted {
		f := &r.Impacted[i]
		if credited, ok := byID[f.Kind+" "+f.ID+" "+f.Entry]; ok {
			f.Tests, f.Suggestion = credited.Tests, credited.Suggestion
		}
	}
	return nil
}

// policy is the gate's policy, today.
func (c *change) policy() gate.Policy {
	p := c.rules
	p.Now = time.Now()
	return p
}

// loadConfig reads --config, else .blastgate.yaml at the root of the
// analysed tree when there is one.
func loadConfig(g *globals, root string) (*config.Config, error) {
	path, allowMissing := g.config, false
	if path == "" {
		path, allowMissing = filepath.Join(root, config.File), true
	}
	cfg, err := config.Load(path, allowMissing)
	if err != nil {
		if g.config == "" {
			for _, p := range config.Problems(err) {
				p.File = config.File
			}
		}
		return nil, err
	}
	if g.config == "" {
		cfg.Path = config.File
	}
	return cfg, nil
}

func configName(cfg *config.Config) string {
	if cfg.Path == "" {
		return config.File
	}
	return cfg.Path
}

// notIgnored drops the commands and routes that the configuration's
// ignore: patterns say are not product features (examples, tools); the
// features it declares stay.
func notIgnored(pc policyConfig, features []analyzer.Feature) []analyzer.Feature {
	if len(pc.base.Ignore) == 0 || len(pc.head.Ignore) == 0 {
		return features
	}
	out := features[:0:0]
	for _, f := range features {
		if f.Kind != report.KindDeclared && f.Position.File != "" && pc.ignored(f.Position.File) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// configFile is the configuration's path relative to the repository
// root: .blastgate.yaml, or --config when it is inside the repository.
func configFile(g *globals, root string) string {
	if g.config == "" {
		return config.File
	}
	abs, err := filepath.Abs(g.config)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	return filepath.ToSlash(rel)
}

// notConfig drops the configuration file from the unmapped files: it
// changes the gate, not the product, and is shown as a change of its own.
func notConfig(unmapped []report.Unmapped, file string) []report.Unmapped {
	out := unmapped[:0:0]
	for _, u := range unmapped {
		if u.File != file {
			out = append(out, u)
		}
	}
	return out
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

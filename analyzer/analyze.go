package analyzer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/internal/owners"
	"github.com/blastgate/blastgate/report"
)

// Options are the inputs of Analyze: the library entry point that
// cmd/blastgate's impact, plan, check, run and suspects share.
type Options struct {
	// Dir is the module's directory (or a workspace's) in a git
	// repository's working tree; relative paths are made absolute.
	Dir string
	// Base and Head are the revisions of the change, as git rev-parse
	// takes them: the change is Base...Head (merge-base semantics). Head
	// defaults to HEAD.
	Base, Head string
	// Tests loads the tests too and credits them (with Coverage as
	// evidence) and proves them statically: what plan, check and run
	// need; impact leaves them out.
	Tests    bool
	Coverage []CoverageProfile
	// Builds are builds to analyse besides the default one and the
	// policy's (a changed file only they include adds impact).
	Builds []BuildConfig
	// Policy reads the configuration-derived inputs once the revisions
	// are resolved and the head's tree is on disk (root): the features
	// declared, the builds, the assets, ignore:, the declared tests, the
	// monitors. Nil: no configuration (NoPolicy).
	Policy func(ctx context.Context, in PolicyInput) (Policy, error)
	// Cache, when not nil, is asked for the change before it is analysed
	// and given it after.
	Cache Cache
	// Progress, when not nil, is told each stage of the analysis.
	Progress Progress
}

// PolicyInput is what a Policy is read from: the repository, the base
// commit (the policy comes from the base) and the directory holding the
// head's tree (the features it declares add impact).
type PolicyInput struct {
	Repo    *gitrepo.Repo
	BaseSHA string
	Root    string
}

// Policy is the configuration a change is analysed under, already
// resolved from the base and the head (cmd/blastgate reads it from
// .blastgate.yaml).
type Policy interface {
	// Name names the configuration in messages; File is its path
	// relative to the repository root ("" when outside it): a change to
	// it is a policy change, not an unmapped file.
	Name() string
	File() string
	// Declared are the configured features; MissingDeclared warns about
	// those the analysed code no longer has.
	Declared() []DeclaredFeature
	MissingDeclared(declared []DeclaredFeature, features []Feature) []string
	// Ignored reports whether a file's routes and commands are not
	// product features.
	Ignored(file string) bool
	Assets() []Asset
	// Builds are the builds to analyse besides the default one.
	Builds(hostArch string) []BuildConfig
	// Changes is what the change does to the policy.
	Changes() []report.PolicyChange
	// Monitor is a feature's dashboard.
	Monitor(id string) string
	// DeclaredTests are the tests configured for each feature, of those
	// known, with warnings for the ones that no longer exist.
	DeclaredTests(known []TestRef) (map[string][]TestRef, []string, error)
	// Attrs says which t.Attr("feature", ID) declarations of the tests
	// count (nil: all) and which the change adds; attrs lists them
	// (Graph.FeatureAttrs).
	Attrs(attrs func() []AttrDecl) (func(TestRef, string) bool, []report.PolicyChange, error)
}

// NoPolicy is the policy of a repository without configuration.
type NoPolicy struct{}

func (NoPolicy) Name() string                                          { return ".blastgate.yaml" }
func (NoPolicy) File() string                                          { return "" }
func (NoPolicy) Declared() []DeclaredFeature                           { return nil }
func (NoPolicy) MissingDeclared([]DeclaredFeature, []Feature) []string { return nil }
func (NoPolicy) Ignored(string) bool                                   { return false }
func (NoPolicy) Assets() []Asset                                       { return nil }
func (NoPolicy) Builds(hostArch string) []BuildConfig                  { return nil }
func (NoPolicy) Changes() []report.PolicyChange                        { return []report.PolicyChange{} }
func (NoPolicy) Monitor(string) string                                 { return "" }
func (NoPolicy) DeclaredTests([]TestRef) (map[string][]TestRef, []string, error) {
	return map[string][]TestRef{}, nil, nil
}
func (NoPolicy) Attrs(func() []AttrDecl) (func(TestRef, string) bool, []report.PolicyChange, error) {
	return nil, nil, nil
}

// Revisions locate an analysed change: the repository, the resolved
// commits and the module's directory in it (slash-separated).
type Revisions struct {
	Repo                  *gitrepo.Repo
	Base, MergeBase, Head string
	Rel                   string
}

// Cache keeps analysed changes.
type Cache interface {
	// Get returns the cached analysis of rv (its Report, Module, Modules,
	// Packages and Policy), or nil; cacheable false means this change
	// cannot be cached (nor put).
	Get(ctx context.Context, rv Revisions) (a *Analysis, cacheable bool)
	// Put keeps a; a failure is the cache's to report.
	Put(rv Revisions, a *Analysis)
}

// Analysis is an analysed change: the impact report (with credited and
// proved tests with Options.Tests), before any verdict.
type Analysis struct {
	Report *report.Report
	// Module is the module path ("" for a workspace's directory),
	// Modules every module analysed, Packages their packages, sorted.
	Module   string
	Modules  []string
	Packages []string
	// Policy is the one the change was analysed under (the cache's after
	// a hit).
	Policy    Policy
	Revisions Revisions
	// Dir is the head's module directory when the analysis exported or
	// used one ("" after a cache hit); Close removes an export.
	Dir     string
	cleanup func()
}

// Close removes the head's tree when it was exported.
func (a *Analysis) Close() {
	if a.cleanup != nil {
		a.cleanup()
	}
}

// Analyze analyses Base...Head in the repository at o.Dir: it resolves
// the revisions, diffs them, loads the head (exported from git unless
// the working tree is it), discovers the features under the policy,
// maps the change in every configured build, walks the impact, reads
// CODEOWNERS from the base and, with o.Tests, credits and proves the
// tests. Every git and go command runs under ctx.
func Analyze(ctx context.Context, o Options) (*Analysis, error) {
	if o.Progress != nil {
		ctx = WithProgress(ctx, o.Progress)
	}
	headRev := o.Head
	if headRev == "" {
		headRev = "HEAD"
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	repo, err := gitrepo.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	baseSHA, err := repo.Resolve(ctx, o.Base)
	if err != nil {
		return nil, optionError("Base", err)
	}
	headSHA, err := repo.Resolve(ctx, headRev)
	if err != nil {
		return nil, optionError("Head", err)
	}
	mergeBase, err := repo.MergeBase(ctx, baseSHA, headSHA)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(repo.Root, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, optionError("Dir", fmt.Errorf("%s is outside the repository at %s", dir, repo.Root))
	}
	rv := Revisions{Repo: repo, Base: baseSHA, MergeBase: mergeBase, Head: headSHA, Rel: rel}

	cacheable := false
	if o.Cache != nil {
		var a *Analysis
		if a, cacheable = o.Cache.Get(ctx, rv); a != nil {
			a.Report.Base, a.Report.Head, a.Report.MergeBase = baseSHA, headSHA, mergeBase
			a.Revisions = rv
			return a, nil
		}
	}

	diff, err := repo.Diff(ctx, baseSHA, headSHA)
	if err != nil {
		return nil, err
	}
	// A cached analysis must be of the commit alone: no ignored file of
	// the working tree may take part.
	root, cleanup, err := HeadTree(ctx, repo, headSHA, cacheable)
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
	var pol Policy = NoPolicy{}
	if o.Policy != nil {
		if pol, err = o.Policy(ctx, PolicyInput{Repo: repo, BaseSHA: baseSHA, Root: root}); err != nil {
			return nil, err
		}
	}
	d, err := Discover(ctx, pol, root, moduleDir, o.Tests)
	if err != nil {
		return nil, err
	}
	// The default build, and each configured build that includes a
	// changed file the default one leaves out.
	_, hostArch := HostPlatform()
	builds := pol.Builds(hostArch)
	for _, b := range o.Builds {
		if !slices.ContainsFunc(builds, func(c BuildConfig) bool { return c.String() == b.String() }) {
			builds = append(builds, b)
		}
	}
	loadBuild := func(bc BuildConfig) (Analysed, error) {
		prog, err := LoadBuild(ctx, root, moduleDir, false, bc)
		if err != nil {
			return Analysed{}, err
		}
		graph := BuildGraphContext(ctx, prog)
		features, err := graph.Features(pol.Declared())
		if err != nil {
			return Analysed{}, err
		}
		features = notIgnored(pol, features)
		// The default build validated the assets; a package or feature
		// this build lacks maps nothing here.
		assets, _ := graph.ResolveAssets(pol.Assets(), features)
		return Analysed{Graph: graph, Features: features, Assets: assets}, nil
	}
	ReportProgress(ctx, "walking from the changes", 0)
	changes, result, err := Builds(ctx, Analysed{Graph: d.Graph, Features: d.Features, Assets: d.Assets}, builds, diff,
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
		d.Annotate(f, rules, entryFile)
	}
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Base:          baseSHA,
		Head:          headSHA,
		MergeBase:     mergeBase,
		Changes:       orEmpty(changes.Changes),
		Packages:      orEmpty(result.Packages),
		Impacted:      orEmpty(result.Impacted),
		PolicyChanges: pol.Changes(),
		Unmapped:      orEmpty(notFile(changes.Unmapped, pol.File())),
		Warnings:      append(d.GraphWarnings(), changes.Warnings...),
	}
	if o.Tests {
		if err := d.CreditImpacted(r, o.Coverage); err != nil {
			return nil, err
		}
		// Static proof, before the report is cached: which credited
		// tests ran the changed code through the feature.
		r.Warnings = append(r.Warnings, d.Graph.Prove(d.Features, changes, r.Impacted)...)
	}
	r.Warnings = append(r.Warnings, d.Warnings...)
	a := &Analysis{
		Report:    r,
		Module:    d.Module,
		Modules:   d.Modules,
		Packages:  d.Graph.PackagePaths(),
		Policy:    pol,
		Revisions: rv,
		Dir:       d.ModuleDir,
		cleanup:   cleanup,
	}
	if cacheable {
		o.Cache.Put(rv, a)
	}
	ok = true
	ReportProgress(ctx, "", 0)
	return a, nil
}

// HeadTree returns the directory holding the head tree: the working tree
// itself when it is clean and at head (and, when exact, holds no ignored
// file either), else a temporary export of head (the repository's index
// and files are never touched), which the returned func removes.
func HeadTree(ctx context.Context, repo *gitrepo.Repo, headSHA string, exact bool) (string, func(), error) {
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

// Discovered is a loaded module with its features under a policy.
type Discovered struct {
	Graph    *Graph
	Features []Feature
	// Assets are the configured assets resolved on Graph, for change
	// mapping.
	Assets AssetRules
	Policy Policy
	// Warnings are the policy's: what the base names that the change
	// deleted.
	Warnings []string
	// AttrChanges are the t.Attr declarations the change adds.
	AttrChanges []report.PolicyChange
	ModuleDir   string
	Module      string   // the module in ModuleDir, or "" (a workspace's directory)
	Modules     []string // every module analysed
	// ev is the test side, found once for Credit and Warnings.
	ev *credit
}

// evidence is the pass of test evidence of d: the tests are found once.
func (d *Discovered) evidence() *credit {
	if d.ev == nil {
		d.ev = d.Graph.newCredit()
	}
	return d.ev
}

// GraphWarnings are the graph's warnings (Graph.Warnings) with the test
// side's, found once with Credit.
func (d *Discovered) GraphWarnings() []string { return d.evidence().Warnings() }

// Discover loads the module in moduleDir under root (with its tests when
// asked) and discovers its features, with those the policy adds.
func Discover(ctx context.Context, pol Policy, root, moduleDir string, tests bool) (*Discovered, error) {
	prog, err := Load(ctx, root, moduleDir, tests)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ReportProgress(ctx, "building the graph", 0)
	graph := BuildGraphContext(ctx, prog)
	declared := pol.Declared()
	features, err := graph.Features(declared)
	if err != nil {
		return nil, err
	}
	warnings := pol.MissingDeclared(declared, features)
	features = notIgnored(pol, features)
	assets, err := graph.ResolveAssets(pol.Assets(), features)
	if err != nil {
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
	return &Discovered{Graph: graph, Features: features, Assets: assets, Policy: pol, Warnings: warnings, ModuleDir: moduleDir, Module: module, Modules: modules}, nil
}

// Annotate adds what the team needs to a feature: the owners of its
// files and the dashboard to watch.
func (d *Discovered) Annotate(f *report.Feature, rules *owners.Rules, entryFile string) {
	for _, o := range rules.For(f.Position.File, entryFile) {
		if !slices.Contains(f.Owners, o) {
			f.Owners = append(f.Owners, o)
		}
	}
	f.Monitor = d.Policy.Monitor(f.ID)
}

// Credit finds the tests that count for each feature.
func (d *Discovered) Credit(coverage []CoverageProfile) error {
	declared, warnings, err := d.Policy.DeclaredTests(d.evidence().Tests())
	if err != nil {
		return err
	}
	d.Warnings = append(d.Warnings, warnings...)
	opts := EvidenceOptions{Declared: declared, Coverage: coverage}
	// Only what the base's tests declare counts.
	if opts.Attr, d.AttrChanges, err = d.Policy.Attrs(d.evidence().FeatureAttrs); err != nil {
		return err
	}
	if err := d.evidence().Credit(d.Features, opts); err != nil {
		var pe *ProfileError
		if errors.As(err, &pe) {
			return optionError("Coverage", err)
		}
		return fmt.Errorf("%s: %w", d.Policy.Name(), err)
	}
	return nil
}

// CreditImpacted credits tests and copies them onto the impacted
// features of r.
func (d *Discovered) CreditImpacted(r *report.Report, coverage []CoverageProfile) error {
	if err := d.Credit(coverage); err != nil {
		return err
	}
	r.PolicyChanges = append(r.PolicyChanges, d.AttrChanges...)
	byID := map[string]Feature{}
	for _, f := range d.Features {
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

// notIgnored drops the commands and routes that the policy says are not
// product features (examples, tools); the features it declares stay.
func notIgnored(pol Policy, features []Feature) []Feature {
	out := features[:0:0]
	for _, f := range features {
		if f.Kind != report.KindDeclared && f.Position.File != "" && pol.Ignored(f.Position.File) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// notFile drops the configuration file from the unmapped files: it
// changes the gate, not the product, and is shown as a change of its own.
func notFile(unmapped []report.Unmapped, file string) []report.Unmapped {
	out := unmapped[:0:0]
	for _, u := range unmapped {
		if u.File != file {
			out = append(out, u)
		}
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

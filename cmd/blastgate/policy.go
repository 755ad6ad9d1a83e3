package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/config"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/report"
)

// policyConfig is the configuration a change is analysed and judged
// under. The policy (waivers, declared tests, tiers, owners, monitors,
// the policy block, ignore:) comes from the base: a pull request cannot
// vouch for itself. What adds impact comes from both: the features the
// head declares, the builds either names.
type policyConfig struct {
	// base is the configuration at the base revision (empty when it has
	// none: baseMissing); head the one the change brings.
	base, head  *config.Config
	baseMissing bool
	// same: one configuration for both (the features command, or an
	// operator's --config outside the repository).
	same bool
	// tests are the base's tests, whose t.Attr declarations alone count
	// (nil without a base: the features command).
	tests *baseTests
}

// sameConfig is cfg as both base and head.
func sameConfig(cfg *config.Config) policyConfig {
	return policyConfig{base: cfg, head: cfg, same: true}
}

// loadPolicyConfig reads the head's configuration from the analysed tree
// at root and the base's from git at baseSHA: .blastgate.yaml at the
// repository root, or --config FILE when FILE is in the repository. A
// --config FILE outside the repository is the operator's, not the pull
// request's: it is both. A base without the file has no policy to relax.
func loadPolicyConfig(ctx context.Context, g *globals, repo *gitrepo.Repo, baseSHA, root string) (policyConfig, error) {
	head, err := loadConfig(g, root)
	if err != nil {
		return policyConfig{}, err
	}
	tests := newBaseTests(ctx, repo, baseSHA)
	rel, inside, err := configInRepo(g, repo)
	if err != nil {
		return policyConfig{}, err
	}
	if !inside {
		pc := sameConfig(head)
		pc.tests = tests
		return pc, nil
	}
	name := configName(head)
	data, exists, err := repo.ShowFile(ctx, baseSHA, rel)
	if err != nil {
		return policyConfig{}, fmt.Errorf("reading the base's configuration: %w: the gate reads its policy from the base revision; make %s a regular file there", err, rel)
	}
	if !exists {
		return policyConfig{base: &config.Config{Path: name}, head: head, baseMissing: true, tests: tests}, nil
	}
	base, err := config.Parse(name, data)
	if err != nil {
		return policyConfig{}, &baseConfigError{sha: baseSHA, file: rel, err: err}
	}
	return policyConfig{base: base, head: head, tests: tests}, nil
}

// baseConfigError is a configuration at the base revision that does not
// parse: the gate cannot read its policy.
type baseConfigError struct {
	sha, file string
	err       error
}

func (e *baseConfigError) Error() string {
	return fmt.Sprintf("the base revision %s has an invalid %s, and the gate reads its policy from the base: fix it on the base branch first (merging the fix needs an administrator, since this check fails on it too), then rebase:\n%v", short(e.sha), e.file, e.err)
}

func (e *baseConfigError) Unwrap() error { return e.err }

// configInRepo is the configuration file's path in the repository
// (slash-separated, relative to its root), and whether it is in it: the
// default one always is; --config FILE is when its path, or the file it
// resolves to through symlinks, is under the repository's root.
func configInRepo(g *globals, repo *gitrepo.Repo) (string, bool, error) {
	if g.config == "" {
		return config.File, true, nil
	}
	abs, err := filepath.Abs(g.config)
	if err != nil {
		return "", false, err
	}
	if rel, ok := under(repo.Root, abs); ok {
		return rel, true, nil
	}
	root, err := filepath.EvalSymlinks(repo.Root)
	if err != nil {
		return "", false, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", false, err
	}
	rel, ok := under(root, real)
	return rel, ok, nil
}

// under is path relative to dir, slash-separated, when it is inside it.
func under(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// changes is what the head changes in the base's policy.
func (p policyConfig) changes() []report.PolicyChange {
	if p.same {
		return []report.PolicyChange{}
	}
	base := p.base
	if p.baseMissing {
		base = nil
	}
	return config.Diff(base, p.head)
}

// policy is the gate's policy, from the base, without the day.
func (p policyConfig) policy() gate.Policy {
	c := p.base
	out := gate.Policy{CriticalEvidence: c.CriticalEvidence, ProofLines: c.Proof == config.ProofLines, RequireStampedResults: c.RequireStampedResults}
	for _, w := range c.Waivers {
		out.Waivers = append(out.Waivers, gate.Waiver{Feature: w.Feature, Reason: w.Reason, Expires: w.Expires})
	}
	return out
}

// monitorFor is the dashboard of a feature, from the base.
func (p policyConfig) monitorFor(id string) string { return p.base.MonitorFor(id) }

// ignored reports whether a file's routes and commands are hidden: only
// when both the base and the head ignore it (the pull request may stop
// ignoring a directory, never start).
func (p policyConfig) ignored(file string) bool {
	return p.base.Ignored(file) && p.head.Ignored(file)
}

// builds are the builds either configuration names: more builds, more
// impact.
func (p policyConfig) builds(hostArch string) []config.Build {
	u := config.Config{Platforms: p.base.Platforms, BuildTags: p.base.BuildTags}
	for _, pl := range p.head.Platforms {
		if !slices.Contains(u.Platforms, pl) {
			u.Platforms = append(u.Platforms, pl)
		}
	}
	key := func(tags []string) string { return strings.Join(slices.Sorted(slices.Values(tags)), ",") }
	for _, tags := range p.head.BuildTags {
		if !slices.ContainsFunc(u.BuildTags, func(t []string) bool { return key(t) == key(tags) }) {
			u.BuildTags = append(u.BuildTags, tags)
		}
	}
	return u.Builds(hostArch)
}

// declared turns the configured features into the analyzer's terms. The
// base's items keep their owners and tier; an item only the head has
// adds a feature to analyse (with its tier when critical: stricter is
// fine) but brings no owners. The base's items are optional: a change
// may delete or rename what they name.
func (p policyConfig) declared() []analyzer.DeclaredFeature {
	var out []analyzer.DeclaredFeature
	index := map[[2]string]int{}
	for _, f := range p.base.Features {
		index[[2]string{f.ID, f.Entry}] = len(out)
		out = append(out, analyzer.DeclaredFeature{
			ID: f.ID, Entry: f.Entry, Tier: f.Tier, Owners: f.Owners,
			Where: where(p.base, f), Optional: !p.same,
		})
	}
	for _, f := range p.head.Features {
		if i, ok := index[[2]string{f.ID, f.Entry}]; ok {
			out[i].Optional, out[i].Where = false, where(p.head, f)
			if f.Tier == config.TierCritical {
				out[i].Tier = config.TierCritical
			}
			continue
		}
		out = append(out, analyzer.DeclaredFeature{ID: f.ID, Entry: f.Entry, Tier: f.Tier, Where: where(p.head, f)})
	}
	return out
}

func where(c *config.Config, f config.Feature) string {
	return fmt.Sprintf("%s:%d", configName(c), f.Line)
}

// declaredTests are the tests the base's configuration names for each
// feature: declared evidence. Every test the head names must exist (the
// configuration the change brings is checked now, not after it merges);
// one the base names that the change deleted or renamed gives no credit,
// with a warning.
func (p policyConfig) declaredTests(known []analyzer.TestRef) (map[string][]analyzer.TestRef, []string, error) {
	for _, f := range p.head.Features {
		for _, t := range f.Tests {
			if ref := (analyzer.TestRef{Package: t.Package, Name: t.Name}); !slices.Contains(known, ref) {
				return nil, nil, fmt.Errorf("%s: feature %q: configured test %s does not exist: name it as example.com/mod/pkg.TestName", where(p.head, f), f.ID, ref)
			}
		}
	}
	out := map[string][]analyzer.TestRef{}
	var warnings []string
	for _, f := range p.base.Features {
		for _, t := range f.Tests {
			ref := analyzer.TestRef{Package: t.Package, Name: t.Name}
			if !slices.Contains(known, ref) {
				warnings = append(warnings, fmt.Sprintf("the base's %s names %s as a test of %q, which this change deletes or renames: it gives no credit", where(p.base, f), ref, f.ID))
				continue
			}
			out[f.ID] = append(out[f.ID], ref)
		}
	}
	return out, warnings, nil
}

// missingDeclared warns about the base's declared features that the
// analysed code no longer has (the change deleted or renamed them).
func (p policyConfig) missingDeclared(declared []analyzer.DeclaredFeature, features []analyzer.Feature) []string {
	var out []string
	for _, d := range declared {
		if !d.Optional {
			continue
		}
		found := slices.ContainsFunc(features, func(f analyzer.Feature) bool {
			return f.ID == d.ID && (d.Entry == "" || f.Kind == report.KindDeclared && f.Entry == d.Entry)
		})
		if !found {
			what := "a discovered feature"
			if d.Entry != "" {
				what = "entry " + d.Entry
			}
			out = append(out, fmt.Sprintf("the base's %s names feature %q (%s), which this change deletes or renames: until the change merges, the base's policy for it applies to nothing", d.Where, d.ID, what))
		}
	}
	return out
}

// assets are the run-time file mappings of head and base: assets only
// add impact, so the pull request's count, and the base's still hold
// (optional: what the change removed maps nothing).
func (p policyConfig) assets() []analyzer.Asset {
	var out []analyzer.Asset
	seen := map[string]bool{}
	add := func(c *config.Config, optional bool) {
		if c == nil {
			return
		}
		for _, a := range c.Assets {
			key := strings.Join(a.Files, "\x00") + "\x01" + strings.Join(a.Packages, "\x00") + "\x01" + strings.Join(a.Features, "\x00")
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, analyzer.Asset{
				Files: a.Files, Packages: a.Packages, Features: a.Features,
				Where:    fmt.Sprintf("%s:%d", configName(c), a.Line),
				Optional: optional,
			})
		}
	}
	add(p.head, false)
	add(p.base, true)
	return out
}

// Package policy reads the policy a change is analysed and judged under,
// and implements analyzer.Policy with it.
//
// A pull request cannot vouch for itself: waivers, declared tests, tiers,
// owners, monitors, the policy block and ignore: come from the base
// revision, read through git; what the head's configuration changes in
// them is reported as a policy change, applied after merge. What only
// adds impact comes from both: the features the head declares, the
// builds and assets either names. t.Attr("feature", ID) declarations
// count only when the base's version of the same test declares them.
package policy

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

// Policy is the configuration a change is analysed and judged under.
// The policy (waivers, declared tests, tiers, owners, monitors, the
// policy block, ignore:) comes from the base: a pull request cannot
// vouch for itself. What adds impact comes from both: the features the
// head declares, the builds either names.
type Policy struct {
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
	// file is the configuration's path relative to the repository root
	// ("" when outside it).
	file string
}

var _ analyzer.Policy = (*Policy)(nil)

// Same is cfg as both base and head: the policy of a tree analysed
// without a change (features, suspects).
func Same(cfg *config.Config) *Policy {
	return &Policy{base: cfg, head: cfg, same: true}
}

// Source says where the configuration is: the repository, the base
// revision, the analysed tree at Root, and --config (Flag, "" for
// .blastgate.yaml at the root).
type Source struct {
	Repo    *gitrepo.Repo
	BaseSHA string
	Root    string
	Flag    string
}

// Load reads the head's configuration from the analysed tree and the
// base's from git: .blastgate.yaml at the repository root, or --config
// FILE when FILE is in the repository. A --config FILE outside the
// repository is the operator's, not the pull request's: it is both. A
// base without the file has no policy to relax.
func Load(ctx context.Context, src Source) (*Policy, error) {
	head, err := LoadConfig(src.Flag, src.Root)
	if err != nil {
		return nil, err
	}
	tests := newBaseTests(ctx, src.Repo, src.BaseSHA)
	rel, inside, err := InRepo(src.Flag, src.Repo)
	if err != nil {
		return nil, err
	}
	if !inside {
		p := Same(head)
		p.tests = tests
		return p, nil
	}
	name := ConfigName(head)
	data, exists, err := src.Repo.ShowFile(ctx, src.BaseSHA, rel)
	if err != nil {
		return nil, fmt.Errorf("reading the base's configuration: %w: the gate reads its policy from the base revision; make %s a regular file there", err, rel)
	}
	if !exists {
		return &Policy{base: &config.Config{Path: name}, head: head, baseMissing: true, tests: tests, file: rel}, nil
	}
	base, err := config.Parse(name, data)
	if err != nil {
		return nil, &BaseConfigError{SHA: src.BaseSHA, File: rel, Err: err}
	}
	return &Policy{base: base, head: head, tests: tests, file: rel}, nil
}

// LoadConfig reads --config (flag), else .blastgate.yaml at the root of
// the analysed tree when there is one.
func LoadConfig(flag, root string) (*config.Config, error) {
	path, allowMissing := flag, false
	if path == "" {
		path, allowMissing = filepath.Join(root, config.File), true
	}
	cfg, err := config.Load(path, allowMissing)
	if err != nil {
		if flag == "" {
			for _, p := range config.Problems(err) {
				p.File = config.File
			}
		}
		return nil, err
	}
	if flag == "" {
		cfg.Path = config.File
	}
	return cfg, nil
}

// ConfigName names a configuration in messages.
func ConfigName(cfg *config.Config) string {
	if cfg.Path == "" {
		return config.File
	}
	return cfg.Path
}

// BaseConfigError is a configuration at the base revision that does not
// parse: the gate cannot read its policy.
type BaseConfigError struct {
	SHA, File string
	Err       error
}

func (e *BaseConfigError) Error() string {
	return fmt.Sprintf("the base revision %s has an invalid %s, and the gate reads its policy from the base: fix it on the base branch first (merging the fix needs an administrator, since this check fails on it too), then rebase:\n%v", short(e.SHA), e.File, e.Err)
}

func (e *BaseConfigError) Unwrap() error { return e.Err }

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// InRepo is the configuration file's path in the repository
// (slash-separated, relative to its root), and whether it is in it: the
// default one always is; --config FILE (flag) is when its path, or the
// file it resolves to through symlinks, is under the repository's root.
func InRepo(flag string, repo *gitrepo.Repo) (string, bool, error) {
	if flag == "" {
		return config.File, true, nil
	}
	abs, err := filepath.Abs(flag)
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

// Name names the configuration in messages.
func (p *Policy) Name() string { return ConfigName(p.head) }

// File is the configuration's path relative to the repository root (""
// when it is outside it): a change to it is a policy change.
func (p *Policy) File() string { return p.file }

// Monitor is the dashboard of a feature, from the base.
func (p *Policy) Monitor(id string) string { return p.base.MonitorFor(id) }

// Ignored reports whether a file's routes and commands are hidden: only
// when both the base and the head ignore it (the pull request may stop
// ignoring a directory, never start).
func (p *Policy) Ignored(file string) bool {
	return len(p.base.Ignore) > 0 && len(p.head.Ignore) > 0 && p.base.Ignored(file) && p.head.Ignored(file)
}

// Builds are the builds either configuration names, in the analyzer's
// terms: more builds, more impact.
func (p *Policy) Builds(hostArch string) []analyzer.BuildConfig {
	var out []analyzer.BuildConfig
	for _, b := range p.builds(hostArch) {
		out = append(out, analyzer.BuildConfig{GOOS: b.GOOS, GOARCH: b.GOARCH, Tags: b.Tags})
	}
	return out
}

// Attrs splits the head's t.Attr("feature", ID) declarations into those
// that count (the base's version of the same test declares them) and
// policy changes. Without a base (Same), all count.
func (p *Policy) Attrs(attrs func() []analyzer.AttrDecl) (func(analyzer.TestRef, string) bool, []report.PolicyChange, error) {
	if p.tests == nil {
		return nil, nil, nil
	}
	return p.tests.attrs(attrs())
}

// Changes is what the head changes in the base's policy.
func (p *Policy) Changes() []report.PolicyChange {
	if p.same {
		return []report.PolicyChange{}
	}
	base := p.base
	if p.baseMissing {
		base = nil
	}
	return config.Diff(base, p.head)
}

// Gate is the gate's policy, from the base, without the day.
func (p *Policy) Gate() gate.Policy {
	c := p.base
	out := gate.Policy{CriticalEvidence: c.CriticalEvidence, ProofLines: c.Proof == config.ProofLines, RequireStampedResults: c.RequireStampedResults}
	for _, w := range c.Waivers {
		out.Waivers = append(out.Waivers, gate.Waiver{Feature: w.Feature, Reason: w.Reason, Expires: w.Expires})
	}
	return out
}

// builds are the builds either configuration names: more builds, more
// impact.
func (p *Policy) builds(hostArch string) []config.Build {
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

// Declared turns the configured features into the analyzer's terms. The
// base's items keep their owners and tier; an item only the head has
// adds a feature to analyse (with its tier when critical: stricter is
// fine) but brings no owners. The base's items are optional: a change
// may delete or rename what they name.
func (p *Policy) Declared() []analyzer.DeclaredFeature {
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
	return fmt.Sprintf("%s:%d", ConfigName(c), f.Line)
}

// DeclaredTests are the tests the base's configuration names for each
// feature: declared evidence. Every test the head names must exist (the
// configuration the change brings is checked now, not after it merges);
// one the base names that the change deleted or renamed gives no credit,
// with a warning.
func (p *Policy) DeclaredTests(known []analyzer.TestRef) (map[string][]analyzer.TestRef, []string, error) {
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

// MissingDeclared warns about the base's declared features that the
// analysed code no longer has (the change deleted or renamed them).
func (p *Policy) MissingDeclared(declared []analyzer.DeclaredFeature, features []analyzer.Feature) []string {
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

// Assets are the run-time file mappings of head and base: assets only
// add impact, so the pull request's count, and the base's still hold
// (optional: what the change removed maps nothing).
func (p *Policy) Assets() []analyzer.Asset {
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
				Where:    fmt.Sprintf("%s:%d", ConfigName(c), a.Line),
				Optional: optional,
			})
		}
	}
	add(p.head, false)
	add(p.base, true)
	return out
}

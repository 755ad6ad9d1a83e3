package main

import (
	"context"
	"path/filepath"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/cache"
	"github.com/blastgate/blastgate/report"
)

// policyInputs is a policyConfig as analyzer.Analyze takes it: the
// configuration already resolved from the base and the head.
type policyInputs struct {
	pc policyConfig
	// file is the configuration's path relative to the repository root
	// (configFile).
	file string
}

var _ analyzer.Policy = policyInputs{}

func (p policyInputs) Name() string                         { return configName(p.pc.head) }
func (p policyInputs) File() string                         { return p.file }
func (p policyInputs) Declared() []analyzer.DeclaredFeature { return p.pc.declared() }
func (p policyInputs) Assets() []analyzer.Asset             { return p.pc.assets() }
func (p policyInputs) Changes() []report.PolicyChange       { return p.pc.changes() }
func (p policyInputs) Monitor(id string) string             { return p.pc.monitorFor(id) }
func (p policyInputs) gatePolicy() gate.Policy              { return p.pc.policy() }
func (p policyInputs) MissingDeclared(d []analyzer.DeclaredFeature, f []analyzer.Feature) []string {
	return p.pc.missingDeclared(d, f)
}

func (p policyInputs) Ignored(file string) bool {
	return len(p.pc.base.Ignore) > 0 && len(p.pc.head.Ignore) > 0 && p.pc.ignored(file)
}

func (p policyInputs) Builds(hostArch string) []analyzer.BuildConfig {
	var out []analyzer.BuildConfig
	for _, b := range p.pc.builds(hostArch) {
		out = append(out, analyzer.BuildConfig{GOOS: b.GOOS, GOARCH: b.GOARCH, Tags: b.Tags})
	}
	return out
}

func (p policyInputs) DeclaredTests(known []analyzer.TestRef) (map[string][]analyzer.TestRef, []string, error) {
	return p.pc.declaredTests(known)
}

func (p policyInputs) Attrs(attrs func() []analyzer.AttrDecl) (func(analyzer.TestRef, string) bool, []report.PolicyChange, error) {
	if p.pc.tests == nil {
		return nil, nil, nil
	}
	return p.pc.tests.attrs(attrs())
}

// cachedPolicy is the little of the policy the cache keeps: the gate's.
type cachedPolicy struct {
	analyzer.NoPolicy
	rules gate.Policy
}

func (p cachedPolicy) gatePolicy() gate.Policy { return p.rules }

// gatePolicyOf is the gate's policy of an analysed change.
func gatePolicyOf(p analyzer.Policy) gate.Policy {
	if gp, ok := p.(interface{ gatePolicy() gate.Policy }); ok {
		return gp.gatePolicy()
	}
	return gate.Policy{}
}

// changeCache is --cache-dir as analyzer.Analyze asks it.
type changeCache struct {
	ac       *analysisCache
	g        *globals
	tests    bool
	coverage coverageFlag
	key      cache.Key
}

func (cc *changeCache) Get(ctx context.Context, rv analyzer.Revisions) (*analyzer.Analysis, bool) {
	in := changeInputs{rel: filepath.ToSlash(rv.Rel), tests: cc.tests, coverage: cc.coverage}
	if configRel, inside, cerr := configInRepo(cc.g, rv.Repo); cerr == nil && inside {
		in.configRel = configRel
	}
	key, err := keyOf(ctx, cc.g, rv.Repo, in, rv.Base, rv.MergeBase, rv.Head)
	if err != nil {
		cc.ac.debugf("not cached: %v", err)
		return nil, false
	}
	cc.key = key
	c, ok := cc.ac.get(key)
	if !ok {
		return nil, true
	}
	return &analyzer.Analysis{
		Report:   c.report,
		Module:   c.module,
		Modules:  c.modules,
		Packages: c.packages,
		Policy:   cachedPolicy{rules: c.rules},
	}, true
}

func (cc *changeCache) Put(rv analyzer.Revisions, a *analyzer.Analysis) {
	cc.ac.put(cc.key, &change{report: a.Report, module: a.Module, modules: a.Modules, packages: a.Packages, rules: gatePolicyOf(a.Policy)})
}

package main

import (
	"context"
	"path/filepath"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/cache"
	"github.com/blastgate/blastgate/policy"
)

// cachedPolicy is the little of the policy the cache keeps: the gate's.
type cachedPolicy struct {
	analyzer.NoPolicy
	rules gate.Policy
}

// Gate is the gate's policy the cache kept.
func (p cachedPolicy) Gate() gate.Policy { return p.rules }

// gatePolicyOf is the gate's policy of an analysed change.
func gatePolicyOf(p analyzer.Policy) gate.Policy {
	if gp, ok := p.(interface{ Gate() gate.Policy }); ok {
		return gp.Gate()
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
	if configRel, inside, cerr := policy.InRepo(cc.g.config, rv.Repo); cerr == nil && inside {
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

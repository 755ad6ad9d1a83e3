package main

import (
	"context"
	"encoding/json"
	"path/filepath"

	"github.com/blastgate/blastgate/internal/cache"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/policy"
	"github.com/blastgate/blastgate/report"
)

// featuresMarker stands for the base and merge base trees in the cache
// key of the features of one tree (suspects' --until): no tree id is
// ever this string, so the key is no change's.
const featuresMarker = "suspects: features of the head tree"

// cachedFeatures is the cache entry of the features of one tree.
type cachedFeatures struct {
	Features []report.Feature `json:"features"`
}

// featuresAtCached is featuresAt through --cache-dir: the features of
// the tree at sha, under the same key inputs as an analysed change (the
// tree, the Go environment, the configuration, this binary).
func featuresAtCached(ctx context.Context, g *globals, repo *gitrepo.Repo, sha string) ([]report.Feature, error) {
	ac := openCache(g)
	if ac == nil {
		return featuresAt(ctx, g, repo, sha)
	}
	key, err := featuresKey(ctx, g, repo, sha)
	if err != nil {
		ac.debugf("not cached: %v", err)
		return featuresAt(ctx, g, repo, sha)
	}
	if data, ok := ac.c.Get(key); ok {
		var e cachedFeatures
		if err := json.Unmarshal(data, &e); err == nil && len(e.Features) > 0 {
			ac.debugf("hit %s", key)
			return e.Features, nil
		}
	}
	ac.debugf("miss %s", key)
	features, err := featuresAt(ctx, g, repo, sha)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(cachedFeatures{Features: features})
	if err == nil {
		err = ac.c.Put(key, data)
	}
	if err != nil {
		ac.warn(err)
	} else {
		ac.debugf("put %s", key)
	}
	return features, nil
}

// featuresKey is the cache key of the features of the tree at sha.
func featuresKey(ctx context.Context, g *globals, repo *gitrepo.Repo, sha string) (cache.Key, error) {
	rel, err := filepath.Rel(repo.Root, g.dir)
	if err != nil {
		return cache.Key{}, err
	}
	in := changeInputs{rel: filepath.ToSlash(rel), baseTree: featuresMarker, mergeBaseTree: featuresMarker}
	if configRel, inside, cerr := policy.InRepo(g.config, repo); cerr == nil && inside {
		in.configRel = configRel
	}
	trees, err := repo.Trees(ctx, sha)
	if err != nil {
		return cache.Key{}, err
	}
	in.headTree = trees[0]
	return changeKey(ctx, g, in)
}

package analyzer

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// Build configurations: a changed file that the default build leaves out
// (//go:build windows, a tag the build does not set) is analysed under
// each configured build that includes it, and the impacts are merged.
// A file no configured build includes keeps the conservative treatment
// of change mapping (analyzer/changes: its package is treated as
// changed, with a warning).

// Excluded returns the changed Go files (head side, tests left out) in
// the analysed modules that this build leaves out, sorted.
func (g *Graph) Excluded(diff []gitrepo.FileChange) []string {
	var out []string
	for _, fc := range diff {
		p := fc.NewPath
		if p == "" || !strings.HasSuffix(p, ".go") || isTestPath(p) || fc.Binary {
			continue
		}
		if mod, _ := g.prog.moduleOf(p); mod == nil {
			continue
		}
		if _, ok := g.prog.byFile[filepath.Join(g.prog.Root, filepath.FromSlash(p))]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// Analysed is a change analysed under one build.
type Analysed struct {
	Graph    *Graph
	Features []Feature
	// Assets are the configured assets resolved on Graph (ResolveAssets).
	Assets AssetRules
}

// Builds analyses a change under the default build (def) and under each
// configured build that includes a changed file the default build leaves
// out; load loads the module under a configuration. A file is mapped only
// under the builds that include it, when one does; the others keep the
// default build's conservative treatment. Impacted features are merged
// by kind, id and entry, each keeping its shortest trace.
func Builds(ctx context.Context, def Analysed, configs []BuildConfig, diff []gitrepo.FileChange, old OldFile,
	load func(BuildConfig) (Analysed, error)) (*ChangeSet, Impact, error) {
	excluded := def.Graph.Excluded(diff)
	covered := map[string][]BuildConfig{} // excluded file -> the builds that include it
	var needed []BuildConfig
	for _, c := range configs {
		use := false
		for _, p := range excluded {
			if c.Includes(filepath.Join(def.Graph.prog.Root, filepath.FromSlash(p))) {
				covered[p] = append(covered[p], c)
				use = true
			}
		}
		if use {
			needed = append(needed, c)
		}
	}
	cs, err := def.Graph.MapChangesWith(ctx, without(diff, covered), old, def.Assets)
	if err != nil {
		return nil, Impact{}, err
	}
	impact := def.Graph.Impact(def.Features, cs)
	for _, c := range needed {
		if err := ctx.Err(); err != nil {
			return nil, Impact{}, err
		}
		a, err := load(c)
		if err != nil {
			return nil, Impact{}, fmt.Errorf("under %s (build configuration of the config file): %w", c, err)
		}
		// This build maps only the files it includes: what it leaves out
		// is mapped by the default build or another configuration.
		out := map[string][]BuildConfig{}
		for _, p := range a.Graph.Excluded(diff) {
			out[p] = nil
		}
		ccs, err := a.Graph.MapChangesWith(ctx, without(diff, out), old, a.Assets)
		if err != nil {
			return nil, Impact{}, fmt.Errorf("under %s: %w", c, err)
		}
		mergeImpact(&impact, a.Graph.Impact(a.Features, ccs))
		cs.Merge(ccs, c.String(), func(file string) bool { _, ok := covered[file]; return ok })
		for _, w := range a.Graph.Warnings() {
			cs.AddWarning(fmt.Sprintf("under %s: %s", c, w))
		}
	}
	for _, p := range excluded {
		if cfgs := covered[p]; len(cfgs) > 0 {
			var names []string
			for _, c := range cfgs {
				names = append(names, c.String())
			}
			cs.AddWarning(fmt.Sprintf("%s is not part of the default build: analysed under %s", p, strings.Join(names, "; ")))
		}
	}
	return cs, impact, nil
}

// without returns diff less the head side of the named files (their base
// side is kept when the change deleted lines there).
func without(diff []gitrepo.FileChange, files map[string][]BuildConfig) []gitrepo.FileChange {
	var out []gitrepo.FileChange
	for _, fc := range diff {
		if _, ok := files[fc.NewPath]; ok && fc.NewPath != "" {
			continue
		}
		out = append(out, fc)
	}
	return out
}

package analyzer

import (
	"context"
	"go/ast"
	"go/types"
	"iter"

	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/analyzer/changes"
	"github.com/blastgate/blastgate/analyzer/load"
	"github.com/blastgate/blastgate/internal/gitrepo"
)

// Change mapping lives in package changes; these names keep the
// analyzer's API (and its own code) unchanged, and changesView below is
// the graph as change mapping reads it.

// ChangeSet is a diff mapped to the symbol graph (see changes.ChangeSet).
type ChangeSet = changes.ChangeSet

// OldFile returns a file's content at the merge base.
type OldFile = changes.OldFile

// Asset maps files that the code reads at run time to the packages that
// read them or the features that serve them: the config's assets: key
// (see changes.Asset).
type Asset = changes.Asset

// AssetRules are the configured assets resolved against a graph and its
// features (ResolveAssets), for change mapping (Analysed.Assets,
// MapChangesWith).
type AssetRules = changes.AssetRules

// MapChanges maps changed line ranges to the declarations that contain
// them. Paths are relative to the repository root.
func (g *Graph) MapChanges(diff []gitrepo.FileChange, old OldFile) (*ChangeSet, error) {
	return g.MapChangesContext(context.Background(), diff, old)
}

// MapChangesContext is MapChanges under ctx: the go list runs that
// dependency changes need stop with it, and so does the mapping.
func (g *Graph) MapChangesContext(ctx context.Context, diff []gitrepo.FileChange, old OldFile) (*ChangeSet, error) {
	return g.MapChangesWith(ctx, diff, old, AssetRules{})
}

// MapChangesWith is MapChangesContext with the configured assets: a
// changed file they name reaches the packages and features that read it.
func (g *Graph) MapChangesWith(ctx context.Context, diff []gitrepo.FileChange, old OldFile, assets AssetRules) (*ChangeSet, error) {
	return changes.Map(ctx, changesView{g}, diff, old, assets)
}

// ResolveAssets resolves the configured assets against the graph and the
// features found on it. An asset naming a package that is not in the
// module or a feature that does not exist is an error; the rules returned
// hold the rest of the assets all the same (another build than the
// default one may lack a package or feature that the default build has).
func (g *Graph) ResolveAssets(assets []Asset, features []Feature) (AssetRules, error) {
	return changes.ResolveAssets(changesView{g}, assets, func(id string) []int { return featureEntries(features, id) })
}

// featureEntries returns the entry nodes of the features with the id
// (their roots when they have no entry node).
func featureEntries(features []Feature, id string) []int {
	var out []int
	for _, f := range features {
		if f.ID != id {
			continue
		}
		nodes := f.Entries
		if len(nodes) == 0 {
			nodes = f.Roots
		}
		for _, n := range nodes {
			if n >= 0 {
				out = append(out, n)
			}
		}
	}
	return out
}

func isTestPath(p string) bool { return changes.IsTestPath(p) }

// changesView is the Graph as change mapping reads it (changes.Graph):
// lookups into the graph's indexes, none of which writes the graph.
type changesView struct{ g *Graph }

var _ changes.Graph = changesView{}

func (v changesView) Program() *load.Program { return v.g.prog.Program }

func (v changesView) Name(id int) string { return v.g.nodes[id].name }

func (v changesView) Object(obj types.Object) (int, bool) {
	id, ok := v.g.byObj[obj]
	return id, ok
}

func (v changesView) Closure(lit *ast.FuncLit) (int, bool) {
	id, ok := v.g.byLit[lit]
	return id, ok
}

// Fields finds the fields as the graph declared them: by the variable
// of each name, an embedded field's by its type name (fieldVar).
func (v changesView) Fields(info *types.Info, fld *ast.Field) []int {
	vars := []*types.Var{fieldVar(info, fld)}
	for _, name := range fld.Names[min(1, len(fld.Names)):] {
		fv, _ := info.Defs[name].(*types.Var)
		vars = append(vars, fv)
	}
	var ids []int
	for _, fv := range vars {
		if id, ok := v.g.fields[fv]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func (v changesView) Decl(pkg *packages.Package, decl ast.Decl) int { return v.g.declNode(pkg, decl) }

func (v changesView) Init(pkgPath string) (int, bool) {
	id, ok := v.g.inits[pkgPath]
	return id, ok
}

func (v changesView) Broken(pkgPath string) (int, bool) {
	id, ok := v.g.pkgs[pkgPath]
	return id, ok
}

func (v changesView) Declared(pkgPath string) []int { return v.g.declared[pkgPath] }

func (v changesView) Dependency(importPath string) (int, bool) {
	id, ok := v.g.deps[importPath]
	return id, ok
}

func (v changesView) Module() int { return v.g.module }

func (v changesView) WriteSites() iter.Seq2[int, ast.Node] {
	return func(yield func(int, ast.Node) bool) {
		for _, s := range v.g.sites {
			if !yield(s.id, s.node) {
				return
			}
		}
	}
}

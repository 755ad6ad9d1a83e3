package changes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blastgate/blastgate/internal/glob"
)

// Asset maps files that the code reads at run time (templates parsed
// with template.ParseFiles, files read with os.ReadFile), which nothing
// in the code names statically, to the packages that read them or the
// features that serve them: the config's assets: key.
type Asset struct {
	// Files are globs relative to the repository root (internal/glob).
	Files []string
	// Packages are import paths: a matching file changes every
	// declaration of them.
	Packages []string
	// Features are feature ids: a matching file changes their entries,
	// which impacts them directly.
	Features []string
	// Where is "FILE:LINE" of the item in the config, for messages.
	Where string
	// Optional marks an item of the base's config the head does not
	// have: a package or feature the change removed maps nothing, with
	// no error.
	Optional bool
}

// assetRule is an Asset resolved on the graph.
type assetRule struct {
	files []string
	nodes []int
	what  string // "example.com/m/web" or "feature POST /x", for notes
}

// AssetRules are the configured assets resolved against a graph and its
// features (ResolveAssets), for change mapping (Map).
type AssetRules struct {
	rules []assetRule
}

// ResolveAssets resolves the configured assets against a graph and its
// features: entries gives the nodes of the feature with an id (its entry,
// else its roots), none when there is no such feature. An asset naming a
// package that is not in the module or a feature that does not exist is
// an error; the rules returned hold the rest of the assets all the same
// (another build than the default one may lack a package or feature that
// the default build has).
func ResolveAssets(view Graph, assets []Asset, entries func(feature string) []int) (AssetRules, error) {
	g := newGraph(view)
	var out AssetRules
	var first error
	fail := func(err error) {
		if first == nil {
			first = err
		}
	}
	for _, a := range assets {
		r := assetRule{files: a.Files}
		var names []string
		for _, p := range a.Packages {
			pkg := g.prog.Package(p)
			if pkg == nil {
				if a.Optional {
					continue
				}
				fail(fmt.Errorf("%s: assets: package %q is not a package of the module: name one that go list ./... shows, or remove it", a.Where, p))
				continue
			}
			r.nodes = append(r.nodes, g.wholePackage(pkg)...)
			names = append(names, p)
		}
		for _, id := range a.Features {
			nodes := entries(id)
			if len(nodes) == 0 {
				if a.Optional {
					continue
				}
				fail(fmt.Errorf("%s: assets: no feature %q: name one that blastgate features lists, or remove it", a.Where, id))
				continue
			}
			r.nodes = append(r.nodes, nodes...)
			names = append(names, "feature "+id)
		}
		if len(names) > 0 {
			r.what = strings.Join(names, ", ")
			out.rules = append(out.rules, r)
		}
	}
	return out, first
}

// mapAssets returns the nodes that the assets mapping the repository
// path p change, and a note naming what reads it.
func (cs *ChangeSet) mapAssets(p string) ([]int, string) {
	var ids []int
	var what []string
	for _, r := range cs.assets.rules {
		if !slices.ContainsFunc(r.files, func(pat string) bool { return glob.Match(pat, p) }) {
			continue
		}
		ids = append(ids, r.nodes...)
		what = append(what, r.what)
	}
	if len(what) == 0 {
		return nil, ""
	}
	return ids, "read at run time by " + strings.Join(what, ", ") + " (assets:)"
}

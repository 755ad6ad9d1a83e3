package analyzer

import (
	"go/ast"
	"go/token"
	"iter"
	"path/filepath"

	"github.com/blastgate/blastgate/analyzer/impact"
)

// Impact lives in package impact; these names keep the analyzer's API
// unchanged, and impactView below is the graph as impact reads it.

// Impact is what a change reaches (see impact.Result).
type Impact = impact.Result

// Impact walks the graph backwards from the changed symbols, breadth
// first, so that each node learns its shortest path to a change; the
// features whose roots it reaches are impacted (see impact.Impact).
func (g *Graph) Impact(features []Feature, cs *ChangeSet) Impact {
	return impact.Impact(impactView{g}, impactFeatures(features), impactChanges{cs})
}

// mergeImpact adds src's features and packages to dst (impact.Merge).
func mergeImpact(dst *Impact, src Impact) { impact.Merge(dst, src) }

// touchedReg returns a registration span of f that the change touches
// (impact.Touched).
func (g *Graph) touchedReg(cs *ChangeSet, f Feature) (regSpan, bool) {
	sp, ok := impact.Touched(impactView{g}, impactChanges{cs}, impactFeature(f))
	return regSpan{from: sp.From, to: sp.To, encl: sp.Encl}, ok
}

// impactFeatures are features as impact reads them.
func impactFeatures(features []Feature) []impact.Feature {
	out := make([]impact.Feature, len(features))
	for i, f := range features {
		out[i] = impactFeature(f)
	}
	return out
}

func impactFeature(f Feature) impact.Feature {
	regs := make([]impact.Reg, len(f.Regs))
	for i, sp := range f.Regs {
		regs[i] = impact.Reg{From: sp.From, To: sp.To, Encl: sp.Encl}
	}
	return impact.Feature{Feature: f.Feature, Roots: f.Roots, Entries: f.Entries, Regs: regs, Subcommand: f.CLI != nil}
}

// impactChanges is a ChangeSet as impact reads it (impact.Changes).
type impactChanges struct{ cs *ChangeSet }

var _ impact.Changes = impactChanges{}

func (c impactChanges) IDs() []int          { return c.cs.IDs() }
func (c impactChanges) Changed(id int) bool { return c.cs.Changed(id) }

func (c impactChanges) Touched(file string) ([]impact.LineRange, []int) {
	t := c.cs.Touched(file)
	lines := make([]impact.LineRange, len(t.Lines))
	for i, r := range t.Lines {
		lines[i] = impact.LineRange{Start: r.Start, End: r.End}
	}
	return lines, t.Removed
}

func (c impactChanges) Touches(file string, from, to int) bool {
	return c.cs.Touched(file).Touches(from, to)
}

// impactView is the Graph as impact reads it (impact.Graph): lookups
// into the graph and its program, none of which writes them.
type impactView struct{ g *Graph }

var _ impact.Graph = impactView{}

func (v impactView) Len() int { return len(v.g.nodes) }

func (v impactView) Node(id int) impact.Node {
	n := v.g.nodes[id]
	return impact.Node{Name: n.name, Kind: impactKind(n.kind), Package: n.pkg, Pos: n.pos}
}

// impactKind is the kind of node as impact tells them apart.
func impactKind(k nodeKind) impact.NodeKind {
	switch k {
	case funcNode, closureNode:
		return impact.NodeCode
	case siteNode:
		return impact.NodeSite
	case initNode:
		return impact.NodeInit
	case packageNode:
		return impact.NodePackage
	case externalNode:
		return impact.NodeExternal
	case depNode:
		return impact.NodeDependency
	}
	return impact.NodeOther
}

func (v impactView) Out(id int) iter.Seq2[int, token.Pos] {
	return func(yield func(int, token.Pos) bool) {
		for _, e := range v.g.nodes[id].out {
			if !yield(e.to, e.pos) {
				return
			}
		}
	}
}

func (v impactView) Named(name string) (int, bool) {
	id, ok := v.g.byName[name]
	return id, ok
}

func (v impactView) StartsUp(root int, pkg string) bool { return v.g.startsUp(root, pkg) }

func (v impactView) Package(path string) (loaded, broken bool) {
	if v.g.prog.byPath[path] == nil {
		return false, false
	}
	_, broken = v.g.prog.Broken[path]
	return true, broken
}

func (v impactView) PackageFile(path string) (string, bool) {
	if pkg := v.g.prog.byPath[path]; pkg != nil && len(pkg.GoFiles) > 0 {
		return v.g.prog.relFile(pkg.GoFiles[0]), true
	}
	return "", false
}

func (v impactView) BuildFile() string { return v.g.prog.buildFile() }

func (v impactView) Fset() *token.FileSet { return v.g.prog.Fset }

func (v impactView) File(pos token.Pos) *ast.File {
	tf := v.g.prog.Fset.File(pos)
	if tf == nil {
		return nil
	}
	ref, ok := v.g.prog.byFile[filepath.Clean(tf.Name())]
	if !ok {
		return nil
	}
	return ref.file
}

func (v impactView) Rel(pos token.Pos) (string, int) { return v.g.prog.Rel(pos) }

package impact

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"sort"

	"github.com/blastgate/blastgate/report"
)

// Feature.Reaches: the changed declarations a feature's roots reach,
// under the walk that makes the feature impacted (commands stop at the
// route handlers). Rather than one forward walk per feature, the changed
// nodes are walked backwards, 64 at a time: each node learns, as one word
// of bits, which of them it reaches.

// changedReach returns, per feature, the changed nodes its roots reach,
// sorted; a command's walk stops at stop (Stops).
func changedReach(g Graph, features []Feature, cs Changes, rev [][]edgeFrom, stop map[int]bool) [][]int {
	out := make([][]int, len(features))
	changed := cs.IDs()
	if len(changed) == 0 {
		return out
	}
	commands := false
	for _, f := range features {
		commands = commands || (f.Kind == report.KindCommand && len(stop) > 0)
	}
	bits := make([]uint64, g.Len())
	var stopBits []uint64
	if commands {
		stopBits = make([]uint64, g.Len())
	}
	for lo := 0; lo < len(changed); lo += 64 {
		chunk := changed[lo:min(lo+64, len(changed))]
		propagate(bits, chunk, rev, nil)
		if commands {
			propagate(stopBits, chunk, rev, stop)
		}
		for i, f := range features {
			b := bits
			if f.Kind == report.KindCommand && len(stop) > 0 {
				b = stopBits
			}
			var word uint64
			for _, r := range f.Roots {
				if r >= 0 && r < len(b) {
					word |= b[r]
				}
			}
			for k := range chunk {
				if word&(1<<k) != 0 {
					out[i] = append(out[i], chunk[k])
				}
			}
		}
	}
	return out
}

// propagate sets in bits, for each node, which of the nodes of chunk it
// reaches (bit k for chunk[k]); the callers of a node in stop are not
// walked from it. bits is cleared first.
func propagate(bits []uint64, chunk []int, rev [][]edgeFrom, stop map[int]bool) {
	clear(bits)
	queued := make([]bool, len(bits))
	var queue []int
	for k, id := range chunk {
		bits[id] |= 1 << k
		if !queued[id] {
			queued[id] = true
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		queued[id] = false
		if stop[id] {
			continue
		}
		for _, e := range rev[id] {
			if nb := bits[e.from] | bits[id]; nb != bits[e.from] {
				bits[e.from] = nb
				if !queued[e.from] {
					queued[e.from] = true
					queue = append(queue, e.from)
				}
			}
		}
	}
}

// declarations describes changed nodes as report declarations, one per
// symbol, sorted by file, line and symbol. A changed statement that
// writes a variable or field stands for the declaration it is in.
func declarations(g Graph, ids []int, cs Changes) []report.Declaration {
	seen := map[string]bool{}
	var out []report.Declaration
	for _, id := range ids {
		if id < 0 || id >= g.Len() {
			continue
		}
		if n := g.Node(id); n.Kind == NodeSite {
			if owner, ok := g.Named(n.Name); ok && g.Node(owner).Kind != NodeSite {
				id = owner
			}
		}
		d := declaration(g, id, cs)
		if seen[d.Symbol] {
			continue
		}
		seen[d.Symbol] = true
		out = append(out, d)
	}
	sortDeclarations(out)
	return out
}

// sortDeclarations orders declarations by file, line and symbol.
func sortDeclarations(ds []report.Declaration) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Position.File != b.Position.File {
			return a.Position.File < b.Position.File
		}
		if a.Position.Line != b.Position.Line {
			return a.Position.Line < b.Position.Line
		}
		return a.Symbol < b.Symbol
	})
}

// declaration describes one changed node.
func declaration(g Graph, id int, cs Changes) report.Declaration {
	n := g.Node(id)
	d := report.Declaration{Symbol: n.Name, Package: n.Package}
	switch n.Kind {
	case NodeExternal, NodeDependency:
		d.Package = ""
		d.Position = report.Position{File: g.BuildFile(), Line: 1}
		return d
	case NodeInit, NodePackage:
		if f, ok := g.PackageFile(n.Package); ok {
			d.Position = report.Position{File: f, Line: 1}
		}
		return d
	}
	d.Code = n.Kind == NodeCode
	start, end := declExtent(g, n.Pos)
	if !start.IsValid() {
		d.Position.File, d.Position.Line = g.Rel(n.Pos)
		return d
	}
	from, to := g.Fset().Position(start), g.Fset().Position(end)
	d.Position.File, d.Position.Line = g.Rel(start)
	d.EndLine = to.Line
	if cs != nil {
		touched, removed := cs.Touched(filepath.Clean(from.Filename))
		lines := map[int]bool{}
		for _, r := range touched {
			for l := max(r.Start, from.Line); l <= min(r.End, to.Line); l++ {
				lines[l] = true
			}
		}
		// Where lines were removed, the line that now follows stands for
		// them.
		for _, l := range removed {
			if l > from.Line && l <= to.Line {
				lines[l] = true
			}
		}
		for l := range lines {
			d.Lines = append(d.Lines, l)
		}
		sort.Ints(d.Lines)
	}
	return d
}

// declExtent returns the source extent of the declaration of the name
// at pos: the function or function literal, the type or value spec
// (with its keyword when unparenthesized), the field.
func declExtent(g Graph, pos token.Pos) (token.Pos, token.Pos) {
	if !pos.IsValid() {
		return token.NoPos, token.NoPos
	}
	file := g.File(pos)
	if file == nil {
		return token.NoPos, token.NoPos
	}
	var start, end token.Pos
	var decl *ast.GenDecl
	ast.Inspect(file, func(x ast.Node) bool {
		if start.IsValid() || x == nil || x.Pos() > pos || x.End() < pos {
			return false
		}
		switch x := x.(type) {
		case *ast.GenDecl:
			decl = x
		case *ast.FuncDecl:
			if x.Name.Pos() == pos {
				start, end = x.Pos(), x.End()
			}
		case *ast.FuncLit:
			if x.Pos() == pos {
				start, end = x.Pos(), x.End()
			}
		case *ast.TypeSpec:
			if x.Name.Pos() == pos {
				start, end = x.Pos(), x.End()
				if decl != nil && !decl.Lparen.IsValid() {
					start = decl.Pos()
				}
			}
		case *ast.ValueSpec:
			for _, name := range x.Names {
				if name.Pos() == pos {
					start, end = x.Pos(), x.End()
					if decl != nil && !decl.Lparen.IsValid() {
						start = decl.Pos()
					}
				}
			}
		case *ast.Field:
			for _, name := range x.Names {
				if name.Pos() == pos {
					start, end = x.Pos(), x.End()
				}
			}
			if len(x.Names) == 0 && x.Type.Pos() <= pos && pos < x.Type.End() {
				start, end = x.Pos(), x.End()
			}
		}
		return true
	})
	return start, end
}

// mergeDeclarations is the union of two sorted lists of declarations
// (by symbol; a's first), sorted.
func mergeDeclarations(a, b []report.Declaration) []report.Declaration {
	seen := map[string]bool{}
	var out []report.Declaration
	for _, d := range append(append([]report.Declaration{}, a...), b...) {
		if !seen[d.Symbol] {
			seen[d.Symbol] = true
			out = append(out, d)
		}
	}
	sortDeclarations(out)
	return out
}

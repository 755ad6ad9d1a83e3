package impact

import (
	"go/token"
	"maps"
	"slices"
	"sort"

	"github.com/blastgate/blastgate/report"
)

// Result is what a change reaches.
type Result struct {
	// Impacted are the features a changed symbol is reachable from, each
	// with its shortest trace.
	Impacted []report.Feature
	// Packages are the packages whose code reaches a changed symbol.
	Packages []report.Package
}

// Impact walks the graph backwards from the changed symbols, breadth
// first, so that each node learns its shortest path to a change; the
// features whose roots it reaches are impacted.
func Impact(g Graph, features []Feature, cs Changes) Result {
	rev := reverse(g)
	all := towards(g, rev, cs.IDs(), nil)
	// A command's reach stops at the handlers it registers: a request
	// runs them, and each is a feature of its own. What the command runs
	// itself (flags, wiring, start-up) impacts it. A main package's reach
	// stops at its subcommands' run functions too, and each subcommand's
	// at its siblings': each is a feature of its own.
	var commands *paths
	handlers := Stops(features)
	reach := changedReach(g, features, cs, rev, handlers)
	// A change mapped to a package's init as a whole (a blank variable,
	// an init function added or removed, a file outside the default
	// build) is a change of start-up: it impacts the features rooted at
	// the start-up of a program running that init, traced to the init.
	var initsChanged []int
	for _, id := range cs.IDs() {
		if g.Node(id).Kind == NodeInit {
			initsChanged = append(initsChanged, id)
		}
	}
	var out Result
	for i, f := range features {
		p := all
		if f.Kind == report.KindCommand && len(handlers) > 0 {
			if commands == nil {
				commands = towards(g, rev, cs.IDs(), handlers)
			}
			p = commands
		}
		next, via, dist := p.next, p.via, p.dist
		best := -1
		for _, r := range f.Roots {
			if r >= 0 && dist[r] >= 0 && (best < 0 || dist[r] < dist[best]) {
				best = r
			}
		}
		if best < 0 {
			// A package's init changed as a whole: start-up changed.
			if id := startupChange(g, f.Roots, initsChanged); id >= 0 {
				best = id
				reach[i] = append(reach[i], id)
			}
		}
		rf := f.Feature
		// A change of the registration itself (its path, method or
		// middleware) impacts the route, traced to where it is
		// registered, unless the change is one of the route's roots.
		if best < 0 || dist[best] > 0 {
			if sp, ok := Touched(g, cs, f); ok {
				frame := report.Frame{Function: g.Node(max(sp.Encl, 0)).Name}
				frame.Position.File, frame.Position.Line = g.Rel(sp.From)
				rf.Trace = []report.Frame{frame}
				ids := reach[i]
				if cs.Changed(sp.Encl) {
					ids = append(ids, sp.Encl) // the changed registration
				}
				rf.Reaches = declarations(g, ids, cs)
				out.Impacted = append(out.Impacted, rf)
				continue
			}
		}
		if best < 0 {
			continue
		}
		for id := best; ; id = next[id] {
			n := g.Node(id)
			frame := report.Frame{Function: n.Name}
			pos := via[id]
			if dist[id] == 0 || !pos.IsValid() {
				pos = n.Pos
			}
			frame.Position.File, frame.Position.Line = g.Rel(pos)
			if n.Kind == NodeExternal {
				frame.Position = report.Position{File: g.BuildFile(), Line: 1}
			}
			rf.Trace = append(rf.Trace, frame)
			if dist[id] == 0 {
				break
			}
		}
		rf.Reaches = declarations(g, reach[i], cs)
		out.Impacted = append(out.Impacted, rf)
	}

	reached := map[string]bool{}
	broken := map[string]bool{}
	for id := range g.Len() {
		n := g.Node(id)
		if all.dist[id] >= 0 && n.Package != "" {
			if loaded, b := g.Package(n.Package); loaded {
				reached[n.Package] = true
				broken[n.Package] = b
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(reached)) {
		precision := report.PrecisionSymbol
		if broken[p] {
			precision = report.PrecisionPackage
		}
		out.Packages = append(out.Packages, report.Package{Path: p, Precision: precision})
	}
	return out
}

// Stops returns what a command's reach stops at: the entries of the
// features a server dispatches requests to (routes, RPC methods) and
// the run functions of the subcommands of a command tree.
func Stops(features []Feature) map[int]bool {
	stop := map[int]bool{}
	for _, f := range features {
		if servesCalls(f.Kind) {
			for _, e := range f.Entries {
				stop[e] = true
			}
		}
	}
	for _, f := range features {
		if f.Subcommand {
			for _, e := range f.Entries {
				stop[e] = true
			}
		}
	}
	return stop
}

// servesCalls reports whether a feature's entries are reached by the
// requests (HTTP or RPC) its server dispatches, so that a command's
// reach stops at them.
func servesCalls(kind string) bool {
	return kind == report.KindRoute || kind == report.KindRPC
}

// Distances are, for each node, the length of its shortest way to a
// changed node (-1: none), walking every edge (all) and not walking the
// callers of the nodes in stop (stopped: a command's walk, stop as
// Stops returns it).
func Distances(g Graph, changed []int, stop map[int]bool) (all, stopped []int) {
	rev := reverse(g)
	return towards(g, rev, changed, nil).dist, towards(g, rev, changed, stop).dist
}

// Touched returns a registration span of f that the change touches.
func Touched(g Graph, cs Changes, f Feature) (Reg, bool) {
	for _, sp := range f.Regs {
		from, to := g.Fset().Position(sp.From), g.Fset().Position(sp.To)
		if cs.Touches(from.Filename, from.Line, to.Line) {
			return sp, true
		}
	}
	return Reg{}, false
}

// paths are the shortest ways from each node to a change: the next node
// on the way (-1: none), the position of the call to it, the distance
// (-1: unreached).
type paths struct {
	next []int
	via  []token.Pos
	dist []int
}

type edgeFrom struct {
	from int
	pos  token.Pos
}

// reverse returns the graph's edges by the node they lead to.
func reverse(g Graph) [][]edgeFrom {
	rev := make([][]edgeFrom, g.Len())
	for from := range g.Len() {
		for to, pos := range g.Out(from) {
			rev[to] = append(rev[to], edgeFrom{from: from, pos: pos})
		}
	}
	return rev
}

// towards walks the graph backwards from the changed symbols, breadth
// first; the callers of a node in stop are not walked from it.
func towards(g Graph, rev [][]edgeFrom, changed []int, stop map[int]bool) *paths {
	n := g.Len()
	p := &paths{next: make([]int, n), via: make([]token.Pos, n), dist: make([]int, n)}
	for i := range p.next {
		p.next[i], p.dist[i] = -1, -1
	}
	var queue []int
	for _, id := range changed {
		p.dist[id], p.next[id] = 0, id
		queue = append(queue, id)
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if stop[id] {
			continue
		}
		for _, e := range rev[id] {
			if p.dist[e.from] >= 0 {
				continue
			}
			p.dist[e.from], p.next[e.from], p.via[e.from] = p.dist[id]+1, id, e.pos
			queue = append(queue, e.from)
		}
	}
	return p
}

// Merge adds src's features and packages to dst: a feature already
// there keeps the shorter trace; a package keeps the coarser precision.
func Merge(dst *Result, src Result) {
	key := func(f report.Feature) string { return f.Kind + "\x00" + f.ID + "\x00" + f.Entry }
	at := map[string]int{}
	for i, f := range dst.Impacted {
		at[key(f)] = i
	}
	for _, f := range src.Impacted {
		i, ok := at[key(f)]
		switch {
		case !ok:
			at[key(f)] = len(dst.Impacted)
			dst.Impacted = append(dst.Impacted, f)
		case len(f.Trace) < len(dst.Impacted[i].Trace):
			f.Reaches = mergeDeclarations(f.Reaches, dst.Impacted[i].Reaches)
			dst.Impacted[i] = f
		default:
			dst.Impacted[i].Reaches = mergeDeclarations(dst.Impacted[i].Reaches, f.Reaches)
		}
	}
	pkgAt := map[string]int{}
	for i, p := range dst.Packages {
		pkgAt[p.Path] = i
	}
	for _, p := range src.Packages {
		i, ok := pkgAt[p.Path]
		switch {
		case !ok:
			pkgAt[p.Path] = len(dst.Packages)
			dst.Packages = append(dst.Packages, p)
		case p.Precision == report.PrecisionPackage:
			dst.Packages[i].Precision = report.PrecisionPackage
		}
	}
	sort.Slice(dst.Packages, func(i, j int) bool { return dst.Packages[i].Path < dst.Packages[j].Path })
}

// startupChange returns the first of the changed init nodes whose
// package the start-up of roots runs, or -1.
func startupChange(g Graph, roots, inits []int) int {
	for _, id := range inits {
		pkg := g.Node(id).Package
		if slices.ContainsFunc(roots, func(r int) bool { return g.StartsUp(r, pkg) }) {
			return id
		}
	}
	return -1
}

package analyzer

import (
	"go/token"
	"slices"

	"github.com/blastgate/blastgate/report"
)

// Impact is what a change reaches.
type Impact struct {
	// Impacted are the features a changed symbol is reachable from, each
	// with its shortest trace.
	Impacted []report.Feature
	// Packages are the packages whose code reaches a changed symbol.
	Packages []report.Package
}

// Impact walks the graph backwards from the changed symbols, breadth
// first, so that each node learns its shortest path to a change; the
// features whose roots it reaches are impacted.
func (g *Graph) Impact(features []Feature, cs *ChangeSet) Impact {
	rev := make([][]edgeFrom, len(g.nodes))
	for from, n := range g.nodes {
		for _, e := range n.out {
			rev[e.to] = append(rev[e.to], edgeFrom{from: from, pos: e.pos})
		}
	}
	all := g.towards(rev, cs, nil)
	// A command's reach stops at the handlers it registers: a request
	// runs them, and each is a feature of its own. What the command runs
	// itself (flags, wiring, start-up) impacts it.
	var commands *paths
	handlers := map[int]bool{}
	for _, f := range features {
		if servesCalls(f.Kind) {
			for _, e := range f.entries {
				handlers[e] = true
			}
		}
	}

	// A main package's reach stops at its subcommands' run functions
	// too, and each subcommand's at its siblings': each is a feature of
	// its own (commands_cli.go).
	handlers = commandStops(features, handlers)
	reach := g.changedReach(features, cs, rev, handlers)
	// A change mapped to a package's init as a whole (a blank variable,
	// an init function added or removed, a file outside the default
	// build) is a change of start-up: it impacts the features rooted at
	// the start-up node (startup.go), traced to that init.
	initChanged := -1
	for _, id := range cs.IDs() {
		if g.nodes[id].kind == initNode {
			initChanged = id
			break
		}
	}
	var out Impact
	for i, f := range features {
		p := all
		if f.Kind == report.KindCommand && len(handlers) > 0 {
			if commands == nil {
				commands = g.towards(rev, cs, handlers)
			}
			p = commands
		}
		next, via, dist := p.next, p.via, p.dist
		best := -1
		for _, r := range f.roots {
			if r >= 0 && dist[r] >= 0 && (best < 0 || dist[r] < dist[best]) {
				best = r
			}
		}
		if best < 0 && initChanged >= 0 && slices.Contains(f.roots, g.startup) {
			// A package's init changed as a whole: start-up changed.
			best = initChanged
			reach[i] = append(reach[i], initChanged)
		}
		rf := f.Feature
		// A change of the registration itself (its path, method or
		// middleware) impacts the route, traced to where it is
		// registered, unless the change is one of the route's roots.
		if best < 0 || dist[best] > 0 {
			if sp, ok := g.touchedReg(cs, f); ok {
				frame := report.Frame{Function: g.nodes[max(sp.encl, 0)].name}
				frame.Position.File, frame.Position.Line = g.prog.Rel(sp.from)
				rf.Trace = []report.Frame{frame}
				ids := reach[i]
				if cs.Changed(sp.encl) {
					ids = append(ids, sp.encl) // the changed registration
				}
				rf.Reaches = g.declarations(ids, cs)
				out.Impacted = append(out.Impacted, rf)
				continue
			}
		}
		if best < 0 {
			continue
		}
		for id := best; ; id = next[id] {
			frame := report.Frame{Function: g.nodes[id].name}
			pos := via[id]
			if dist[id] == 0 || !pos.IsValid() {
				pos = g.nodes[id].pos
			}
			frame.Position.File, frame.Position.Line = g.prog.Rel(pos)
			if g.nodes[id].kind == externalNode {
				frame.Position = report.Position{File: g.prog.buildFile(), Line: 1}
			}
			rf.Trace = append(rf.Trace, frame)
			if dist[id] == 0 {
				break
			}
		}
		rf.Reaches = g.declarations(reach[i], cs)
		out.Impacted = append(out.Impacted, rf)
	}

	reached := map[string]bool{}
	for id, n := range g.nodes {
		if all.dist[id] >= 0 && n.pkg != "" && g.prog.byPath[n.pkg] != nil {
			reached[n.pkg] = true
		}
	}
	for _, p := range sortedKeys(reached) {
		precision := report.PrecisionSymbol
		if _, broken := g.prog.Broken[p]; broken {
			precision = report.PrecisionPackage
		}
		out.Packages = append(out.Packages, report.Package{Path: p, Precision: precision})
	}
	return out
}

// paths are the shortest ways from each node to a change: the next node
// on the way (-1: none), the position of the call to it, the distance
// (-1: unreached).
type paths struct {
	next []int
	via  []token.Pos
	dist []int
}

// towards walks the graph backwards from the changed symbols, breadth
// first; the callers of a node in stop are not walked from it.
func (g *Graph) towards(rev [][]edgeFrom, cs *ChangeSet, stop map[int]bool) *paths {
	p := &paths{next: make([]int, len(g.nodes)), via: make([]token.Pos, len(g.nodes)), dist: make([]int, len(g.nodes))}
	for i := range p.next {
		p.next[i], p.dist[i] = -1, -1
	}
	var queue []int
	for _, id := range cs.IDs() {
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

type edgeFrom struct {
	from int
	pos  token.Pos
}

package analyzer

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"slices"

	xastutil "golang.org/x/tools/go/ast/astutil"

	"github.com/blastgate/blastgate/analyzer/detect"
	"github.com/blastgate/blastgate/report"
)

// Handlers handed to routers are not start-up code (issue 16).
//
// Start-up code is what the init nodes reach along the graph's edges
// (startup.go), references to named functions included: a function value
// start-up code takes may be called right away (`sort.Slice(xs, less)`,
// `once.Do(setup)`). A handler that start-up code hands to a route or
// RPC registration the detectors recognise is not: the router keeps it
// and calls it when a request comes, and that route's roots hold it
// already (its entry). So when start-up registers the routes (a command
// registered at init whose action builds the router), following the
// reference would make every handler's body start-up code, and every
// dependency call in it a hand-off every route of the program depends on.
//
// So the build runs the detectors once it has the graph, and linkStartup
// then, for each route and RPC method, leaves out of start-up code the
// references to its entries written as the handler argument of its
// registration (handedAt): the reference taken by the code making the
// registration, and the registration's own hand-off depending on it.
// Only then does it make the start-up nodes depend on the hand-offs of
// the code start-up still runs.
//
// Why it is sound:
//   - only the edge of that one reference is left out: a handler start-up
//     also calls (`warm(h)`, `h(w, r)`) or hands to another call
//     (`sort.Slice(xs, less)`, a module wrapper that may call it, whose
//     parameter node reaches it) stays start-up code through that edge;
//   - only the entry, where no call of the module's or a dependency's
//     stands between the reference and the registration (conversions
//     aside): `r.Get("/", mw(h))` keeps h, which mw may call. Middleware
//     is never left out: a router may call it when it registers a route
//     (chi builds its chain then, echo a route's middleware);
//   - a recognised registration stores its handler: none of the routers
//     and RPC frameworks the detectors know calls a handler when it is
//     registered, and the route's feature roots its entry, so a change in
//     it impacts the route;
//   - when the detectors fail at build (a panic, reported again by
//     Features), nothing is left out.

// pendingHandoff is a start-up hand-off made by code node from, linked to
// the start-up nodes by linkStartup.
type pendingHandoff struct {
	id, from int
	pos      token.Pos
}

// edgeKey is an edge of the graph: from takes to's value at pos.
type edgeKey struct {
	from, to int
	pos      token.Pos
}

// linkStartup makes the start-up nodes depend on the hand-offs of the
// code their programs run at start-up, handlers handed to routers left
// out (see the top of the file).
func (g *Graph) linkStartup() {
	handed, stored := g.handedToRouters()
	if len(handed) > 0 || len(stored) > 0 {
		// The hand-off of a call made by the code registering a handler
		// (the registration's own) does not depend on the handler either,
		// nor on the handler argument of the registration (the value the
		// router keeps for the route: `authnz(h)`, whose calls are
		// start-up code of their own, and which the route roots).
		for _, h := range g.pendingHandoffs {
			n := g.nodes[h.id]
			n.out = slices.DeleteFunc(n.out, func(e edge) bool {
				if handed[edgeKey{from: h.from, to: e.to, pos: e.pos}] {
					return true
				}
				for _, st := range stored {
					if st.from == h.from && st.call == h.pos && st.lo <= e.pos && e.pos < st.hi {
						return true
					}
				}
				return false
			})
		}
	}
	run := g.initTime(handed)
	runs := g.programsStartupTime(handed)
	for _, h := range g.pendingHandoffs {
		if !run[h.from] {
			continue
		}
		g.edge(g.startup, h.id, h.pos)
		for k, p := range g.programs {
			if runs[k][h.from] {
				g.edge(p.startup, h.id, h.pos)
			}
		}
	}
	g.pendingHandoffs = nil
}

// handedToRouters returns the edges by which code takes the value of a
// route's or RPC method's entry as the handler of its registration
// (handedAt).
func (g *Graph) handedToRouters() (map[edgeKey]bool, []storedArg) {
	if len(g.pendingHandoffs) == 0 {
		return nil, nil
	}
	features, err := g.runDetectors()
	if err != nil {
		return nil, nil // Features reports it
	}
	var stored []storedArg
	spans := map[int][]detect.RegSpan{}
	for _, f := range features {
		if f.Kind != report.KindRoute && f.Kind != report.KindRPC {
			continue
		}
		for _, e := range f.Entries {
			if e >= 0 {
				spans[e] = append(spans[e], f.Regs...)
			}
		}
	}
	if len(spans) == 0 {
		return nil, stored
	}
	handed := map[edgeKey]bool{}
	for from, n := range g.nodes {
		if !isCode(n.kind) || n.kind == packageNode {
			continue
		}
		for _, e := range n.out {
			if !e.pos.IsValid() {
				continue
			}
			for _, sp := range spans[e.to] {
				if sp.From > e.pos || e.pos >= sp.To {
					continue
				}
				if g.handedAt(e.pos, sp) {
					handed[edgeKey{from: from, to: e.to, pos: e.pos}] = true
				}
				if call, arg := g.handlerArg(e.pos, sp); arg != nil {
					stored = append(stored, storedArg{from: from, call: call.Pos(), lo: arg.Pos(), hi: arg.End()})
				}
				break
			}
		}
	}
	return handed, stored
}

// storedArg is the handler argument [lo, hi) of a registration call at
// call made by code node from: what the router keeps for a route.
type storedArg struct {
	from     int
	call, lo token.Pos
	hi       token.Pos
}

// handlerArg returns the registration call of span sp and its argument
// holding the identifier at pos: the outermost call but conversions in
// the span that the identifier is handed to.
func (g *Graph) handlerArg(pos token.Pos, sp detect.RegSpan) (*ast.CallExpr, ast.Expr) {
	tf := g.prog.Fset.File(pos)
	if tf == nil {
		return nil, nil
	}
	ref, ok := g.prog.byFile[filepath.Clean(tf.Name())]
	if !ok || ref.pkg.TypesInfo == nil {
		return nil, nil
	}
	path, _ := xastutil.PathEnclosingInterval(ref.file, pos, pos)
	var reg *ast.CallExpr
	var arg ast.Expr
	for i := 1; i < len(path); i++ {
		call, ok := path[i].(*ast.CallExpr)
		if !ok || ref.pkg.TypesInfo.Types[call.Fun].IsType() || !within(call, sp) {
			continue
		}
		child, ok := path[i-1].(ast.Expr)
		if !ok || child == call.Fun || !slices.Contains(call.Args, child) {
			continue
		}
		reg, arg = call, child
	}
	return reg, arg
}

// handedAt reports whether the identifier at pos names a function value
// handed as an argument to the registration call of span sp: not called,
// and with no call but conversions between it and the registration.
func (g *Graph) handedAt(pos token.Pos, sp detect.RegSpan) bool {
	tf := g.prog.Fset.File(pos)
	if tf == nil {
		return false
	}
	ref, ok := g.prog.byFile[filepath.Clean(tf.Name())]
	if !ok || ref.pkg.TypesInfo == nil {
		return false
	}
	info := ref.pkg.TypesInfo
	path, _ := xastutil.PathEnclosingInterval(ref.file, pos, pos)
	if len(path) == 0 {
		return false
	}
	id, ok := path[0].(*ast.Ident)
	if !ok || id.Pos() != pos {
		return false
	}
	var child ast.Node = id
	var reg *ast.CallExpr
	for _, n := range path[1:] {
		switch n := n.(type) {
		case *ast.ParenExpr:
		case *ast.SelectorExpr:
			if reg == nil && n.Sel != child {
				return false
			}
		case *ast.CallExpr:
			if n.Fun == child {
				if reg == nil {
					return false // called
				}
				break // the registration's result, chained
			}
			if info.Types[n.Fun].IsType() {
				break // a conversion calls nothing
			}
			if reg == nil {
				reg = n // the first call it is handed to
				break
			}
			// An outer call within the span the inner one is handed to:
			// the inner call is a wrapper, which may call it.
			if within(n, sp) {
				return false
			}
		default:
			if reg == nil {
				return false
			}
		}
		child = n
	}
	return reg != nil && within(reg, sp)
}

// within reports whether a call lies in a registration's span (from its
// method's name when it is called on another call's result: CallSpan).
func within(call *ast.CallExpr, sp detect.RegSpan) bool {
	from := call.Pos()
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if _, chained := ast.Unparen(sel.X).(*ast.CallExpr); chained {
			from = sel.Sel.Pos()
		}
	}
	return sp.From <= from && call.End() <= sp.To
}

package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// chanOp is a send or a receive of a value of type elem by node at pos.
type chanOp struct {
	node int
	elem types.Type
	pos  token.Pos
}

// handsOverWork reports whether a value of type elem sent on a channel
// hands work to its receiver that the value does not carry itself: a
// function or an interface value already makes its sender depend on
// what it runs (its code, its conversion), and an empty struct carries
// nothing but the signal.
func handsOverWork(elem types.Type) bool {
	switch u := elem.Underlying().(type) {
	case *types.Signature, *types.Interface:
		return false
	case *types.Struct:
		return u.NumFields() > 0
	}
	return true
}

// send records a send on a channel of type ch.
func (w *walker) send(ch *types.Chan, pos token.Pos) {
	if handsOverWork(ch.Elem()) {
		w.g.sends = append(w.g.sends, chanOp{node: w.cur, elem: ch.Elem(), pos: pos})
	}
}

// receive records a receive from the channel e (<-e, range e). A
// channel a dependency made (ctx.Done(), time.After, a ticker's C) gets
// no module sends: its receives are left out.
func (w *walker) receive(e ast.Expr, pos token.Pos) {
	ch, ok := typeUnder[*types.Chan](w.info.TypeOf(e))
	if !ok || !handsOverWork(ch.Elem()) || w.depChannel(e) {
		return
	}
	w.g.receives = append(w.g.receives, chanOp{node: w.cur, elem: ch.Elem(), pos: pos})
}

// depChannel reports whether the channel e comes from a dependency: its
// call's result, a local defined by one, or a field of its struct.
func (w *walker) depChannel(e ast.Expr) bool {
	e = ast.Unparen(e)
	if sel, ok := e.(*ast.SelectorExpr); ok {
		if v, ok := w.info.Uses[sel.Sel].(*types.Var); ok && v.IsField() && !w.g.inModule(v) {
			return true
		}
	}
	return w.isDepValue(e)
}

// resolveChannels links each send of a value of a concrete type to the
// code receiving values of that type from a channel, through a
// "(sent on a channel) chan T" hand-off node: a handler that queues a
// job for a worker goroutine started elsewhere (by main, by init) runs
// what the worker does with it. Channels are matched by element type,
// not by identity, since a channel travels through parameters and
// fields.
func (g *Graph) resolveChannels() {
	var byElem typeutil.Map // elem -> []chanOp, the receives
	for _, r := range g.receives {
		ops, _ := byElem.At(r.elem).([]chanOp)
		byElem.Set(r.elem, append(ops, r))
	}
	if g.chanHandoffs == nil {
		g.chanHandoffs = map[int]bool{}
	}
	linked := map[[2]int]bool{}
	for _, s := range g.sends {
		recv, _ := byElem.At(s.elem).([]chanOp)
		if len(recv) == 0 {
			continue
		}
		name := "(sent on a channel) chan " + types.TypeString(s.elem, nil)
		_, made := g.handoffs[name]
		id := g.handoff(name)
		if !made {
			g.chanHandoffs[id] = true
			g.nodes[id].pos = s.pos
			seen := map[int]bool{}
			for _, r := range recv {
				if !seen[r.node] {
					seen[r.node] = true
					g.edge(id, r.node, r.pos)
				}
			}
		}
		if !linked[[2]int{s.node, id}] {
			linked[[2]int{s.node, id}] = true
			g.edge(s.node, id, s.pos)
		}
	}
	g.sends, g.receives = nil, nil
}

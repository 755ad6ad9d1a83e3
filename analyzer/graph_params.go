package analyzer

import (
	"go/ast"
	"go/types"
	"sort"

	"golang.org/x/tools/go/types/typeutil"
)

// argBind is an argument [from, to) passed as a parameter of a module
// function at a static call; src is the caller's own parameter when the
// argument is one.
type argBind struct {
	arg  ast.Expr
	info *types.Info
	src  *types.Var
	from int // the code node making the call
}

// bindArgs records the arguments of a static call of a module function
// passed as parameters that can hold an interface value: a write site
// storing the parameter (`&http.Client{Transport: rt}` with rt a
// parameter) then answers for what the callers convert into it.
func (w *walker) bindArgs(call *ast.CallExpr) {
	w.handArgs(call) // graph_depfields.go
	fn := typeutil.StaticCallee(w.info, call)
	if fn == nil || !w.g.inModule(fn) {
		return
	}
	w.bindFuncArgs(call, fn) // graph_funcfields_params.go
	params := fn.Origin().Signature().Params()
	n := params.Len()
	for i, arg := range call.Args {
		if n == 0 || (i >= n && !fn.Signature().Variadic()) {
			return
		}
		pv := params.At(min(i, n-1))
		if !holdsInterface(pv.Type(), map[types.Type]bool{}) {
			continue
		}
		b := argBind{arg: arg, info: w.info, from: w.cur}
		if id, ok := ast.Unparen(arg).(*ast.Ident); ok {
			if v, ok := w.info.Uses[id].(*types.Var); ok && w.params[v] {
				b.src = v
			}
		}
		if w.g.binds == nil {
			w.g.binds = map[*types.Var][]argBind{}
			w.g.paramOwners = map[*types.Var]*types.Func{}
		}
		w.g.paramOwners[pv] = fn.Origin()
		w.g.binds[pv] = append(w.g.binds[pv], b)
	}
}

// holdsInterface reports whether a value of type t may hold interface
// values: an interface, or a slice, array, map, channel or pointer of
// them.
func holdsInterface(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Interface:
		return true
	case *types.Slice:
		return holdsInterface(u.Elem(), seen)
	case *types.Array:
		return holdsInterface(u.Elem(), seen)
	case *types.Chan:
		return holdsInterface(u.Elem(), seen)
	case *types.Pointer:
		return holdsInterface(u.Elem(), seen)
	case *types.Map:
		return holdsInterface(u.Key(), seen) || holdsInterface(u.Elem(), seen)
	}
	return false
}

// resolveSiteParams makes each write site that stores a parameter of
// its function depend on what the callers convert into that parameter
// (`NewService(&logged{})` → `&http.Client{Transport: rt}`), followed
// through the callers' own parameters at static calls, through an
// "(argument p of F)" node per parameter. convs are sorted by position.
func (g *Graph) resolveSiteParams(convs []conversion) {
	for _, s := range g.sites {
		seen := map[int]bool{}
		ast.Inspect(s.node, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.Ident:
				v, ok := s.info.Uses[n].(*types.Var)
				if !ok || g.binds[v] == nil {
					return true
				}
				id := -1
				if g.startupHandoffs[s.id] {
					id = g.startupParamNode(v, convs) // graph_params_startup.go
				} else {
					id = g.paramNode(v, convs)
				}
				if id >= 0 && !seen[id] {
					seen[id] = true
					g.edge(s.id, id, n.Pos())
				}
			}
			return true
		})
	}
	g.binds, g.paramOwners, g.run, g.startupHandoffs, g.startupParamNodes = nil, nil, nil, nil, nil
}

// paramNode returns the node standing for what the static callers of a
// module function pass as its parameter v: the conversions in their
// arguments, and their own parameters passed on.
func (g *Graph) paramNode(v *types.Var, convs []conversion) int {
	if id, ok := g.paramNodes[v]; ok {
		return id
	}
	if g.paramNodes == nil {
		g.paramNodes = map[*types.Var]int{}
	}
	name := "(argument " + v.Name() + " of " + objName(g.paramOwners[v]) + ")"
	id := g.add(&node{name: name, kind: handoffNode, pos: v.Pos()})
	g.paramNodes[v] = id
	for _, b := range g.binds[v] {
		g.argEdges(id, b, convs)
		if b.src != nil && g.binds[b.src] != nil {
			g.edge(id, g.paramNode(b.src, convs), b.arg.Pos())
		}
	}
	return id
}

// argEdges makes a parameter's node id depend on what the argument of b
// carries: the methods of the module values it converts to an interface
// (convs, by position) and the code computing it (argUses).
func (g *Graph) argEdges(id int, b argBind, convs []conversion) {
	from, to := b.arg.Pos(), b.arg.End()
	i := sort.Search(len(convs), func(i int) bool { return convs[i].pos >= from })
	for ; i < len(convs) && convs[i].pos < to; i++ {
		if h := g.storedAsInterface(convs[i].t); h >= 0 {
			g.edge(id, h, convs[i].pos)
		}
	}
	g.argUses(id, b)
}

// argUses makes a parameter's node depend on the code an argument runs
// to compute the value, as a write site does (resolveWriteSites): the
// functions, closures, constants and types it names (withLog(rt), whose
// own conversions answer for what it returns).
func (g *Graph) argUses(id int, b argBind) {
	ast.Inspect(b.arg, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if to := g.nodeOf(b.info.Uses[n]); to >= 0 && g.nodes[to].kind != fieldNode && g.nodes[to].kind != varNode {
				g.edge(id, to, n.Pos())
			}
		case *ast.FuncLit:
			if to, ok := g.byLit[n]; ok {
				g.edge(id, to, n.Pos())
			}
			return false
		}
		return true
	})
}

package analyzer

import (
	"go/ast"
	"go/types"
)

// Function values written through parameters (`func NewHandler(f
// func()) *H { return &H{f: f} }`), for function-typed fields and the
// values handed to dependencies (graph_funcfields.go,
// graph_depfields.go): the parameter holds what the static calls of its
// function pass, followed through the callers' own parameters and
// locals, when those calls are all there is: a function (not a method,
// which an interface may dispatch to; not a closure, called through a
// value) whose value is never taken, and not generic. Every argument
// must name its value (namedValue), or the parameter is not resolved.
//
// The write then depends on an "(argument f of F)" node, and that node
// on what the callers pass. Proof treats the node as a call through a
// function value (proof.go): a test calling NewHandler(stub) with a
// double of its own runs the write, and only the functions the test took
// the value of, its stub, count as what the field holds; the module's
// argument counts when the test ran code that takes it.

// funcParamArg is the argument of a static call bound to a parameter
// that holds function values (arg nil: not known, a call's results
// spread over the parameters).
type funcParamArg struct {
	arg  ast.Expr
	info *types.Info
}

// bindFuncArgs records the arguments of a static call of a module
// function passed as parameters of function type.
func (w *walker) bindFuncArgs(call *ast.CallExpr, fn *types.Func) {
	sig := fn.Origin().Signature()
	if sig.Recv() != nil {
		return
	}
	params := sig.Params()
	n := params.Len()
	bind := func(pv *types.Var, arg ast.Expr) {
		if _, ok := typeUnder[*types.Signature](pv.Type()); !ok {
			return
		}
		if w.g.funcArgs == nil {
			w.g.funcArgs = map[*types.Var][]funcParamArg{}
		}
		w.g.funcArgs[pv] = append(w.g.funcArgs[pv], funcParamArg{arg: arg, info: w.info})
	}
	if len(call.Args) == 1 && n > 1 {
		for i := 0; i < n; i++ {
			bind(params.At(i), nil)
		}
		return
	}
	for i, arg := range call.Args {
		if i >= n || (sig.Variadic() && i >= n-1) {
			break // a variadic parameter is a slice
		}
		bind(params.At(i), arg)
	}
}

// namedParam reports whether every value the parameter v may hold is
// named by the arguments of its function's static calls (see above),
// adding an edge from site to the parameter's node.
func (g *Graph) namedParam(v *types.Var, site int) bool {
	id, ok := g.funcParamNodes[v]
	if !ok {
		id = g.funcParamNode(v)
	}
	if id < 0 {
		return false // -2: being resolved, a cycle through calls is not
	}
	if site >= 0 && site != id {
		g.edge(site, id, v.Pos())
	}
	return true
}

func (g *Graph) funcParamNode(v *types.Var) int {
	if g.funcParamNodes == nil {
		g.funcParamNodes = map[*types.Var]int{}
	}
	g.funcParamNodes[v] = -1
	po, ok := g.paramOwner[v]
	sig, isFunc := typeUnder[*types.Signature](v.Type())
	if !ok || po.method || !isFunc || po.owner < 0 || g.nodes[po.owner].kind != funcNode {
		return -1
	}
	fn, ok := g.objOfNode(po.owner)
	if !ok || fn.Signature().TypeParams().Len() > 0 || fn.Signature().Variadic() && isLastParam(fn, v) {
		return -1
	}
	if ids, _ := g.methods.At(withoutRecv(fn.Signature())).([]int); containsInt(ids, po.owner) {
		return -1 // its value is taken: called where no static call shows
	}
	id := g.add(&node{name: "(argument " + v.Name() + " of " + objName(fn) + ")", kind: handoffNode, pos: v.Pos()})
	if v.Pkg() != nil {
		g.nodes[id].pkg = v.Pkg().Path()
	}
	// While its arguments are resolved, a cycle back to v is not
	// resolved: what v holds would depend on what is being decided.
	g.funcParamNodes[v] = -2
	for _, a := range g.funcArgs[v] {
		if a.arg == nil || !g.namedValue(funcFieldWrite{value: a.arg, info: a.info, site: id, indirect: true}) {
			g.funcParamNodes[v] = -1
			return -1 // id stays unreachable
		}
	}
	g.funcParamNodes[v] = id
	g.funcValueNode(id, sig)
	return id
}

// objOfNode returns the module function a function node stands for.
func (g *Graph) objOfNode(id int) (*types.Func, bool) {
	if g.nodeFuncs == nil {
		g.nodeFuncs = map[int]*types.Func{}
		for obj, n := range g.byObj {
			if fn, ok := obj.(*types.Func); ok {
				g.nodeFuncs[n] = fn
			}
		}
	}
	fn, ok := g.nodeFuncs[id]
	return fn, ok
}

func isLastParam(fn *types.Func, v *types.Var) bool {
	ps := fn.Signature().Params()
	return ps.Len() > 0 && ps.At(ps.Len()-1) == v
}

func containsInt(l []int, x int) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}

// funcValueNode records id as a node standing for the function values of
// signature sig that a parameter or a dependency's field holds: proof
// treats it as a call through a function value.
func (g *Graph) funcValueNode(id int, sig *types.Signature) {
	if g.funcValueNodes == nil {
		g.funcValueNodes = map[int]*types.Signature{}
	}
	g.funcValueNodes[id] = sig
}

package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// viaModuleEmbedding reports whether the method of selection s is
// promoted through an embedded field of a module struct: the call reads
// that field, whose writers answer for what it holds, rather than
// running what the caller passed as the receiver.
func (w *walker) viaModuleEmbedding(s *types.Selection) bool {
	idx := s.Index()
	if len(idx) < 2 {
		return false
	}
	t := s.Recv()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok || idx[0] >= st.NumFields() {
		return false
	}
	return w.g.inModule(st.Field(idx[0]))
}

// depCallee reports whether call calls a function or method of a
// dependency (an interface method of a dependency's interface too).
func (w *walker) depCallee(call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(w.info, call).(*types.Func)
	return ok && !w.g.inModule(fn)
}

// passElements handles a container of function or interface values (a
// slice, array, map, channel or pointer) handed to a dependency: the
// dependency may call them, or hand the elements back to the module
// (slices.MaxFunc returns one, and calls the module's comparison with
// them), where a call on the result adds no edges (fromOutside). The
// caller answers for them, as passArg does for a single value, unless
// it got the container from outside itself or builds it in place.
func (w *walker) passElements(param types.Type, arg ast.Expr) {
	if param == nil {
		return
	}
	e := ast.Unparen(arg)
	if w.fromOutside(e) {
		return
	}
	if _, lit := e.(*ast.CompositeLit); lit {
		return // its elements are converted in place
	}
	w.passContained(w.info.TypeOf(e), arg.Pos(), map[types.Type]bool{})
}

// passContained adds passValue's edges for the function and interface
// values that a value of type t contains.
func (w *walker) passContained(t types.Type, pos token.Pos, seen map[types.Type]bool) {
	if t == nil || seen[t] {
		return
	}
	seen[t] = true
	var elems []types.Type
	switch u := t.Underlying().(type) {
	case *types.Slice:
		elems = []types.Type{u.Elem()}
	case *types.Array:
		elems = []types.Type{u.Elem()}
	case *types.Map:
		elems = []types.Type{u.Key(), u.Elem()}
	case *types.Chan:
		elems = []types.Type{u.Elem()}
	case *types.Pointer:
		elems = []types.Type{u.Elem()}
	}
	for _, el := range elems {
		w.passValue(el, pos)
		w.passContained(el, pos, seen)
	}
}

// writeDependencyVar handles a write into a dependency's package
// variable, or a field reached from one (http.DefaultClient.Transport =
// rt, zerolog.TimestampFunc = f): the dependency keeps what the module
// stores and may run it whenever the module calls it, so the
// dependency's node (which every user of the package depends on)
// depends on the write site, through a "(kept by P)" hand-off node. A
// write that is not one statement or literal element is left out: its
// site would be the whole function around it.
func (w *walker) writeDependencyVar(v *types.Var, by ast.Expr, pos token.Pos) {
	if v.Pkg() == nil || w.g.inModule(v) {
		return
	}
	site := w.writer(by)
	if site < 0 || w.g.nodes[site].kind != siteNode {
		return
	}
	path := v.Pkg().Path()
	w.g.useDependency(w.cur, path, pos) // the dependency's node exists
	kept := w.g.handoff("(kept by " + path + ")")
	if w.g.deps[path] >= 0 && !w.g.depUses[[2]int{w.g.deps[path], kept}] {
		w.g.depUses[[2]int{w.g.deps[path], kept}] = true
		w.g.edge(w.g.deps[path], kept, token.NoPos)
	}
	w.g.edge(kept, site, pos)
}

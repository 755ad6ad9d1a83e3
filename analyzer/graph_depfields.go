package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"
)

// Calls through function-typed fields of dependencies' structs
// (`c.cmd.Cancel()` with cmd an *exec.Cmd), resolved through what the
// module hands over. A module function can only be in such a field, of
// package P, when the module put it there or gave it to code that could:
//
//   - a write of the field, or of any field or variable of a dependency
//     package (a composite literal element `&http.Server{ConnState: f}`
//     included), hands the value to that package;
//   - an argument of a call of a dependency's function or method hands it
//     to the callee's package; of any other call that is not a static
//     call of a module function (a call through a function value, an
//     interface method), to any package;
//   - a value returned, sent on a channel or converted to an interface
//     goes to any package (a dependency calling the module back gets the
//     result; a channel or an interface value may end up anywhere).
//
// A package Q may store into P's fields only when Q is P or imports it,
// directly or not (go list -deps; a re-exported type, an alias or a
// value of P's type got from a third package still make Q import P, since
// types only come from packages a package depends on). Values handed to
// a package that may, or to any package, count when their static type
// may hold a value of the field's signature (that function type, a
// pointer, slice, array, map or channel of it, a type parameter): an
// interface value holds a function only when module code converted one,
// which the conversion answers for; a struct's fields answer for
// themselves. The call then reaches what those hand-offs name (a
// function or method value, a closure, a local resolved through its
// definitions, as for module fields) through a "(dependency field
// P.T.F)" node, which proof treats as a call through a function value.
// When one of them names nothing (a parameter, a field, a call's
// result), or the import graph is unknown, the call keeps the rule of
// every function of the signature used as a value. A value stored
// through a pointer, a slice element or a map entry (`*p = f`, where p
// may be a dependency's field) is handed to any package (walk.go,
// writeBy), and a conversion of a module struct to a dependency's struct
// type hands its function-typed fields over, not known
// (handConvertedStruct). Reflection and unsafe stay a documented limit.

// depHandoff is a value the module hands to dependency code: the package
// it goes to ("" for any), the value (nil: not known), its type.
type depHandoff struct {
	pkg   string
	value ast.Expr
	typ   types.Type
	info  *types.Info
}

// depFieldState is the build-time state of dependency fields.
type depFieldState struct {
	handoffs []depHandoff
	// nodes are the resolved fields' nodes (-1: not resolvable).
	nodes map[*types.Var]int
	// imports is the dependencies' import graph (nil: not listed yet;
	// failed: unknown, every package may write every field).
	imports map[string][]string
	failed  bool
	reach   map[[2]string]bool
}

func (g *Graph) depState() *depFieldState {
	if g.depFields == nil {
		g.depFields = &depFieldState{nodes: map[*types.Var]int{}, reach: map[[2]string]bool{}}
	}
	return g.depFields
}

// calledDepField returns the dependency's field of function type that
// fun reads, or nil.
func (w *walker) calledDepField(fun ast.Expr) *types.Var {
	sel, ok := ast.Unparen(fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	v, ok := w.info.Uses[sel.Sel].(*types.Var)
	if !ok || !v.IsField() || v.Pkg() == nil || w.g.inModule(v) {
		return nil
	}
	if _, ok := typeUnder[*types.Signature](v.Type()); !ok {
		return nil
	}
	return v.Origin()
}

// handOff records value (of type t) handed to package pkg ("": any).
func (w *walker) handOff(pkg string, value ast.Expr, t types.Type) {
	if value != nil && w.info.TypeOf(value) != nil {
		t = w.info.TypeOf(value)
	}
	if t == nil || !mayHoldFunc(t, map[types.Type]bool{}) {
		return
	}
	st := w.g.depState()
	st.handoffs = append(st.handoffs, depHandoff{pkg: pkg, value: value, typ: t, info: w.info})
}

// mayHoldFunc reports whether a value of type t may hold a function
// value other than through an interface or a struct's field.
func mayHoldFunc(t types.Type, seen map[types.Type]bool) bool {
	return holds(t, func(*types.Signature) bool { return true }, seen)
}

// holdsSig reports whether a value of type t may hold a function of
// signature s (an underlying type), as mayHoldFunc.
func holdsSig(s *types.Signature, t types.Type, seen map[types.Type]bool) bool {
	return holds(t, func(u *types.Signature) bool { return types.Identical(u, s) }, seen)
}

// holds reports whether a value of type t may hold a function whose
// signature is, by sig, one: itself, or through a pointer, slice, array,
// channel or map of it, or as a type parameter (anything).
func holds(t types.Type, sig func(*types.Signature) bool, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Signature:
		return sig(u)
	case *types.Pointer:
		return holds(u.Elem(), sig, seen)
	case *types.Slice:
		return holds(u.Elem(), sig, seen)
	case *types.Array:
		return holds(u.Elem(), sig, seen)
	case *types.Chan:
		return holds(u.Elem(), sig, seen)
	case *types.Map:
		return holds(u.Key(), sig, seen) || holds(u.Elem(), sig, seen)
	}
	return false
}

// handArgs records the arguments of a call that is not a static call of
// a module function as handed to the callee's package (any package for
// a call through a value or an interface).
func (w *walker) handArgs(call *ast.CallExpr) {
	if tv, ok := w.info.Types[call.Fun]; ok && (tv.IsBuiltin() || tv.IsType()) {
		return
	}
	pkg := ""
	if fn := typeutil.StaticCallee(w.info, call); fn != nil {
		if w.g.inModule(fn) {
			return // bound to its parameters: its own code hands them on
		}
		if fn.Pkg() != nil {
			pkg = fn.Pkg().Path()
		}
	}
	for _, arg := range call.Args {
		w.handOff(pkg, arg, nil)
	}
}

// handConvertedStruct records a conversion of a module value to a
// dependency's struct type (`jobs.Options(opts)`, or a pointer to one):
// the module's writes of its own fields become the dependency's fields,
// so each function-typed field is handed, not known, to the
// dependency's package (its calls keep the signature rule).
func (w *walker) handConvertedStruct(to, from types.Type) {
	if from == nil || types.Identical(to, from) {
		return
	}
	if p, ok := to.Underlying().(*types.Pointer); ok {
		to = p.Elem()
	}
	named, ok := types.Unalias(to).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || w.g.inModule(named.Obj()) {
		return
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return
	}
	pkg := named.Obj().Pkg().Path()
	var fields func(*types.Struct, map[*types.Struct]bool)
	fields = func(st *types.Struct, seen map[*types.Struct]bool) {
		if seen[st] {
			return
		}
		seen[st] = true
		for f := range st.Fields() {
			if inner, ok := f.Type().Underlying().(*types.Struct); ok {
				fields(inner, seen)
				continue
			}
			w.handOff(pkg, nil, f.Type())
		}
	}
	fields(st, map[*types.Struct]bool{})
}

// handDepWrite records a write of a dependency's field or variable v
// storing value (nil: not known) as handed to v's package.
func (w *walker) handDepWrite(v *types.Var, value ast.Expr) {
	if v.Pkg() == nil || w.g.inModule(v) {
		return
	}
	w.handOff(v.Pkg().Path(), value, v.Type())
}

// handReturn records the results of a return statement as handed to any
// package: a dependency calling the function back gets them.
func (w *walker) handReturn(ret *ast.ReturnStmt) {
	if w.sig == nil {
		return
	}
	if len(ret.Results) == 0 || (len(ret.Results) == 1 && w.sig.Results().Len() > 1) {
		// Named results, or a call's results: not known.
		for i := 0; i < w.sig.Results().Len(); i++ {
			w.handOff("", nil, w.sig.Results().At(i).Type())
		}
		return
	}
	for _, r := range ret.Results {
		w.handOff("", r, nil)
	}
}

// handConversion records a function value of type src converted to an
// interface at pos as handed to any package, the value being the
// expression of that type starting at pos when there is one.
func (w *walker) handConversion(src types.Type, pos token.Pos) {
	if _, ok := typeUnder[*types.Signature](src); !ok {
		return
	}
	var value ast.Expr
	for _, f := range w.pkg.Syntax {
		if f.FileStart <= pos && pos < f.FileEnd {
			path, _ := astutil.PathEnclosingInterval(f, pos, pos)
			for _, n := range path {
				if e, ok := n.(ast.Expr); ok && e.Pos() == pos && types.Identical(w.info.TypeOf(e), src) {
					value = e
				}
			}
			break
		}
	}
	w.handOff("", value, src)
}

// depFieldNode returns the node a call through the dependency's field
// fld resolves to, or -1 when it keeps the signature rule.
func (g *Graph) depFieldNode(fld *types.Var) int {
	st := g.depState()
	if id, ok := st.nodes[fld]; ok {
		return id
	}
	st.nodes[fld] = -1
	sig, ok := typeUnder[*types.Signature](fld.Type())
	if !ok || fld.Pkg() == nil {
		return -1
	}
	path := fld.Pkg().Path()
	var relevant []depHandoff
	for _, h := range st.handoffs {
		if !holdsSig(sig, h.typ, map[types.Type]bool{}) || (h.pkg != "" && !g.mayWrite(h.pkg, path)) {
			continue
		}
		if h.value == nil {
			return -1
		}
		relevant = append(relevant, h)
	}
	name := "(dependency field " + path + "." + fieldOwner(fld) + fld.Name() + ")"
	id := g.add(&node{name: name, kind: handoffNode, pos: fld.Pos()})
	for _, h := range relevant {
		if !g.namedValue(funcFieldWrite{value: h.value, info: h.info, site: id, indirect: true}) {
			return -1 // id stays unreachable
		}
	}
	st.nodes[fld] = id
	g.funcValueNode(id, sig)
	return id
}

// fieldOwner is "T." for a field of the named struct type T of its
// package, or "".
func fieldOwner(fld *types.Var) string {
	if fld.Pkg() == nil {
		return ""
	}
	scope := fld.Pkg().Scope()
	for _, n := range scope.Names() {
		tn, ok := scope.Lookup(n).(*types.TypeName)
		if !ok {
			continue
		}
		st, ok := typeUnder[*types.Struct](tn.Type())
		if !ok {
			continue
		}
		for i := 0; i < st.NumFields(); i++ {
			if st.Field(i) == fld {
				return n + "."
			}
		}
	}
	return ""
}

// mayWrite reports whether package q may store into a field of package
// p: q is p or imports it, directly or not; when the import graph is not
// known, or q is not in it, it may.
func (g *Graph) mayWrite(q, p string) bool {
	if q == p {
		return true
	}
	st := g.depState()
	if st.imports == nil && !st.failed {
		deps, err := g.prog.listDeps(g.ctx)
		if err != nil || len(deps) == 0 {
			st.failed = true
		} else {
			st.imports = map[string][]string{}
			for _, d := range deps {
				st.imports[d.ImportPath] = d.Imports
			}
		}
	}
	if st.failed {
		return true
	}
	if _, ok := st.imports[q]; !ok {
		return true
	}
	key := [2]string{q, p}
	if r, ok := st.reach[key]; ok {
		return r
	}
	seen := map[string]bool{q: true}
	stack := []string{q}
	found := false
	for len(stack) > 0 && !found {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, imp := range st.imports[x] {
			if imp == p {
				found = true
				break
			}
			if !seen[imp] {
				seen[imp] = true
				stack = append(stack, imp)
			}
		}
	}
	st.reach[key] = found
	return found
}

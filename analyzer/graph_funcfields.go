package analyzer

import (
	"go/ast"
	"go/types"
)

// Calls through function-typed fields of the module's structs
// (`s.onDone(x)`), resolved through the field's writes. Reading the field
// already makes the caller depend on the field, and the field on the
// code of every write (the statement or literal element, and the
// functions and closures it names). When every write of the field stores
// a value that code names itself (a function or method value, a closure,
// nil, a conversion of one), or copies another such field, the call runs
// one of those and needs no other edge; otherwise it keeps the
// conservative rule, every function of its signature used as a value.
//
// A write of a local is resolved through its definitions, of a parameter
// through the static calls of its function (graph_funcfields_params.go).
// Not resolvable, so conservative: a write of a package variable or a
// call's result, of a parameter of a method or of a function whose value
// is taken, of a local whose address is taken; a field whose address is taken
// (`p := &s.f`) or that a range statement or a pointer method writes; a
// field of an unnamed struct type.

// funcFieldWrite is one write of a function-typed field: the value
// stored (nil when it is not known) and the node of the write.
type funcFieldWrite struct {
	value ast.Expr
	info  *types.Info
	site  int
	// indirect: the value is a definition of a local or an argument of a
	// parameter the write stores, not the write's own code, so the write
	// gets an edge to what it names (namedThrough).
	indirect bool
}

// recordFuncFieldWrite notes a write of fld, when it is a module field of
// function type.
func (w *walker) recordFuncFieldWrite(fld *types.Var, value ast.Expr, site int) {
	if _, ok := typeUnder[*types.Signature](fld.Type()); !ok {
		return
	}
	fld = fld.Origin()
	if _, ok := w.g.fields[fld]; !ok {
		return
	}
	if w.g.funcFieldWrites == nil {
		w.g.funcFieldWrites = map[*types.Var][]funcFieldWrite{}
	}
	w.g.funcFieldWrites[fld] = append(w.g.funcFieldWrites[fld], funcFieldWrite{value: value, info: w.info, site: site})
}

// calledField returns the module field of function type that fun
// reads, or nil.
func (w *walker) calledField(fun ast.Expr) *types.Var {
	sel, ok := ast.Unparen(fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	v, ok := w.info.Uses[sel.Sel].(*types.Var)
	if !ok || !v.IsField() {
		return nil
	}
	if _, ok := w.g.fields[v.Origin()]; !ok {
		return nil
	}
	return v.Origin()
}

// fieldResolved reports whether every value written into fld is named
// by its write's own code (see above), adding an edge from a write that
// copies another such field to that field.
func (g *Graph) fieldResolved(fld *types.Var) bool {
	if g.resolvedFields == nil {
		g.resolvedFields = map[*types.Var]bool{}
	}
	if ok, done := g.resolvedFields[fld]; done {
		return ok
	}
	g.resolvedFields[fld] = true // a cycle of copies adds no value
	ok := true
	for _, wr := range g.funcFieldWrites[fld] {
		if !g.namedValue(wr) {
			ok = false
			break
		}
	}
	g.resolvedFields[fld] = ok
	return ok
}

// namedValue reports whether the value a write stores is one its code
// names: nil, a function or method value, a closure, a conversion of
// one, or a resolvable field (then the write depends on that field).
func (g *Graph) namedValue(wr funcFieldWrite) bool {
	e := wr.value
	for e != nil {
		e = ast.Unparen(e)
		call, ok := e.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 || !wr.info.Types[call.Fun].IsType() {
			break
		}
		e = call.Args[0]
	}
	switch x := e.(type) {
	case nil:
		return false
	case *ast.FuncLit:
		if wr.indirect {
			if id, ok := g.byLit[x]; ok {
				g.edge(wr.site, id, x.Pos())
			}
		}
		return true
	case *ast.Ident:
		if x.Name == "nil" && wr.info.Types[x].IsNil() {
			return true
		}
		switch obj := wr.info.Uses[x].(type) {
		case *types.Func:
			if id := g.nodeOf(obj); wr.indirect && id >= 0 {
				g.edge(wr.site, id, x.Pos())
			}
			return true
		case *types.Var:
			if !obj.IsField() && !isPackageVar(obj) {
				return g.namedThrough(obj, wr.site)
			}
		}
		return false
	case *ast.SelectorExpr:
		switch obj := wr.info.Uses[x.Sel].(type) {
		case *types.Func:
			if id := g.nodeOf(obj); wr.indirect && id >= 0 {
				g.edge(wr.site, id, x.Sel.Pos())
			}
			return true
		case *types.Var:
			id, ok := g.fields[obj.Origin()]
			if !ok || !obj.IsField() || !g.fieldResolved(obj.Origin()) {
				return false
			}
			g.edge(wr.site, id, x.Sel.Pos())
			return true
		}
	}
	return false
}

// namedThrough reports whether every value a local variable a write
// stores may hold is named (namedValue): its definitions (a variable
// whose address is taken, written through or ranged over has
// definitions no value names). The write then depends on what they name.
//
// A parameter is not resolved through its function's callers: a test
// may call the function with a double of its own (NewHandler(stub)),
// which no call of the module's code shows, and proof would then credit
// the test with the production value the module's callers pass.
func (g *Graph) namedThrough(v *types.Var, site int) bool {
	if g.resolvingVars[v] {
		return true // a cycle of copies adds no value
	}
	if _, isParam := g.paramOwner[v]; isParam {
		return g.namedParam(v, site) // graph_funcfields_params.go
	}
	defs := g.localDefs[v]
	if len(defs) == 0 {
		return false
	}
	if g.resolvingVars == nil {
		g.resolvingVars = map[*types.Var]bool{}
	}
	g.resolvingVars[v] = true
	defer delete(g.resolvingVars, v)
	for _, d := range defs {
		if assignsWhole(d, v) {
			continue // `v = f`: f is a definition of its own
		}
		e, ok := d.node.(ast.Expr)
		if !ok || !g.namedValue(funcFieldWrite{value: e, info: d.info, site: site, indirect: true}) {
			return false
		}
	}
	return true
}

// assignsWhole reports whether a definition is an assignment statement
// giving v itself a value, one right-hand side per variable: the
// right-hand side is recorded as a definition too (defineLocals).
func assignsWhole(d valueDef, v *types.Var) bool {
	as, ok := d.node.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != len(as.Rhs) {
		return false
	}
	for _, lhs := range as.Lhs {
		if id, ok := ast.Unparen(lhs).(*ast.Ident); ok && (d.info.Uses[id] == v || d.info.Defs[id] == v) {
			return true
		}
	}
	return false
}

// convertStruct notes a conversion between struct types (S(t) with t of
// another struct type of the same layout): the function-typed fields of
// the target then hold what the source's were given, which no write of
// the target's fields shows, so they are not resolvable.
func (w *walker) convertStruct(target, src types.Type) {
	if target == nil || src == nil || types.Identical(target, src) {
		return
	}
	st, ok := typeUnder[*types.Struct](target)
	if !ok {
		return
	}
	for i := 0; i < st.NumFields(); i++ {
		w.recordFuncFieldWrite(st.Field(i), nil, -1)
	}
}

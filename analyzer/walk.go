package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// walker adds the edges of one file's declarations.
type walker struct {
	g       *Graph
	pkg     *packages.Package
	info    *types.Info
	cur     int                                 // the node whose code is being walked
	sig     *types.Signature                    // the enclosing function's signature
	lits    map[int]int                         // closures numbered per enclosing node
	callees map[*ast.Ident]bool                 // identifiers in call position
	callOf  map[*ast.SelectorExpr]*ast.CallExpr // method selections in call position, and their call
	called  map[*ast.FuncLit]bool
	handed  map[*ast.FuncLit]bool // literals handed to a call as an argument (startup.go)
	params  map[*types.Var]bool   // parameters of the functions walked
	stmt    ast.Stmt              // the simple statement being walked, or nil
	skip    map[*ast.Ident]bool   // method identifiers that need no edge
	depVars map[*types.Var]bool   // locals defined once by a dependency's call
	// valueSig is the type of a method expression used as a value
	// (price.Rate.Apply: func(Rate, int) int), by its method identifier.
	valueSig map[*ast.Ident]*types.Signature
	// assigned is the value an assignment stores into the target being
	// written, when it is one expression of its own (graph_funcfields.go).
	assigned ast.Expr
}

func (g *Graph) walkFile(pkg *packages.Package, f *ast.File) {
	if pkg.TypesInfo == nil {
		return
	}
	w := &walker{g: g, pkg: pkg, info: pkg.TypesInfo, lits: map[int]int{}, callees: map[*ast.Ident]bool{}, callOf: map[*ast.SelectorExpr]*ast.CallExpr{}, called: map[*ast.FuncLit]bool{}, handed: map[*ast.FuncLit]bool{}, params: map[*types.Var]bool{}, skip: map[*ast.Ident]bool{}, depVars: map[*types.Var]bool{}, valueSig: map[*ast.Ident]*types.Signature{}}
	broken, isBroken := g.pkgs[pkg.PkgPath]
	owner := func(obj types.Object) int {
		if isBroken {
			return broken
		}
		if id, ok := g.byObj[obj]; ok {
			return id
		}
		return g.inits[pkg.PkgPath]
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			obj, _ := w.info.Defs[d.Name].(*types.Func)
			if obj == nil {
				continue
			}
			w.cur, w.sig, w.stmt = owner(obj), obj.Signature(), nil
			w.addParams(obj.Signature())
			if d.Recv != nil {
				w.walk(d.Recv)
			}
			w.walk(d.Type)
			if d.Body != nil {
				w.findDepVars(d.Body)
				w.walk(d.Body)
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					w.cur, w.sig, w.stmt = owner(w.info.Defs[s.Name]), nil, nil
					if s.TypeParams != nil {
						w.walk(s.TypeParams)
					}
					switch t := s.Type.(type) {
					case *ast.StructType:
						// Each field depends on its own type; the struct's
						// node stands for its layout alone.
						typeNode := w.cur
						for _, fld := range t.Fields.List {
							w.cur = typeNode
							if id, ok := w.g.fields[fieldVar(w.info, fld)]; ok {
								w.cur = id
							}
							w.walk(fld.Type)
						}
					case *ast.InterfaceType:
						// What an interface's methods mention matters to the
						// code that calls or implements them, which mentions
						// it too.
					default:
						w.walk(s.Type)
					}
				case *ast.ValueSpec:
					w.valueSpec(s, d.Tok, owner)
				}
			}
		}
	}
}

// valueSpec walks a package-level var or const spec. Blank variables and
// initializers that call module functions run at init for their side
// effects, so the package's init node depends on them.
func (w *walker) valueSpec(s *ast.ValueSpec, tok token.Token, owner func(types.Object) int) {
	first := -1
	var named []int
	for _, name := range s.Names {
		if name.Name == "_" {
			continue
		}
		id := owner(w.info.Defs[name])
		named = append(named, id)
		if first < 0 {
			first = id
		}
	}
	init := w.g.inits[w.pkg.PkgPath]
	if n, broken := w.g.pkgs[w.pkg.PkgPath]; broken {
		init = n
	}
	if first < 0 {
		first = init
	}
	w.cur, w.sig = first, nil
	if s.Type != nil {
		w.walk(s.Type)
	}
	for i, v := range s.Values {
		w.walk(v)
		if s.Type != nil {
			w.conv(w.info.TypeOf(s.Type), w.info.TypeOf(v), v.Pos())
		}
		_ = i
	}
	for _, id := range named[min(1, len(named)):] {
		w.g.edge(id, first, s.Pos())
	}
	if tok == token.VAR && first != init && hasCall(s.Values) {
		// Run at start-up: what the package's commands run themselves.
		w.g.initRuns[w.pkg.PkgPath] = append(w.g.initRuns[w.pkg.PkgPath], first)
	}
	if tok == token.VAR && first != init && callsModule(w, s.Values) {
		w.g.edge(init, first, s.Pos())
	}
}

// hasCall reports whether exprs call anything (a conversion counts: it
// is harmless to count).
func hasCall(exprs []ast.Expr) bool {
	found := false
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false // runs when called, not at init
			}
			_, found = n.(*ast.CallExpr)
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// callsModule reports whether exprs call a function of the module while
// they are evaluated. The body of a function literal runs when the
// literal is called, not at init, so it counts only when the literal is
// called right there (`func() T { ... }()`); a literal handed to a
// function called there may be called right away (calledLits).
func callsModule(w *walker, exprs []ast.Expr) bool {
	found := false
	for _, e := range exprs {
		called := calledLits(w.info, e)
		ast.Inspect(e, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok && !called[lit] {
				return false
			}
			if call, ok := n.(*ast.CallExpr); ok {
				if fn, ok := typeutil.Callee(w.info, call).(*types.Func); ok && w.g.inModule(fn) {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

func (w *walker) walk(n ast.Node) { ast.Inspect(n, w.visit) }

func (w *walker) visit(n ast.Node) bool {
	switch n.(type) {
	case *ast.AssignStmt, *ast.ExprStmt, *ast.IncDecStmt, *ast.SendStmt, *ast.ReturnStmt,
		*ast.DeclStmt, *ast.GoStmt, *ast.DeferStmt:
		w.stmt = n.(ast.Stmt)
	case ast.Stmt:
		w.stmt = nil // a compound statement is not one write site
	}
	w.defineLocals(n)
	switch n := n.(type) {
	case *ast.FuncLit:
		w.funcLit(n)
		return false
	case *ast.Ident:
		w.ident(n)
	case *ast.SelectorExpr:
		w.selector(n)
	case *ast.CallExpr:
		w.call(n)
	case *ast.AssignStmt:
		for i, lhs := range n.Lhs {
			if n.Tok != token.DEFINE {
				w.assigned = nil
				if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
					w.assigned = n.Rhs[i]
				}
				w.write(lhs)
				w.assigned = nil
			}
			if n.Tok == token.ASSIGN {
				w.convAt(w.info.TypeOf(lhs), n.Rhs, i, len(n.Lhs), lhs.Pos())
			}
		}
	case *ast.IncDecStmt:
		w.write(n.X)
	case *ast.UnaryExpr:
		if n.Op == token.AND {
			w.write(n.X)
		}
		if n.Op == token.ARROW {
			w.receive(n.X, n.OpPos)
		}
	case *ast.SendStmt:
		w.write(n.Chan)
		if ch, ok := typeUnder[*types.Chan](w.info.TypeOf(n.Chan)); ok {
			w.conv(ch.Elem(), w.info.TypeOf(n.Value), n.Pos())
			w.send(ch, n.Arrow)
			// The receiver may call a function or interface value sent:
			// the sender answers for it, as for an argument.
			w.passArg(ch.Elem(), n.Value)
			w.handOff("", n.Value, nil)
		}
	case *ast.RangeStmt:
		if n.Tok == token.ASSIGN {
			if n.Key != nil {
				w.write(n.Key)
			}
			if n.Value != nil {
				w.write(n.Value)
			}
		}
		w.receive(n.X, n.For)
		if sig, ok := typeUnder[*types.Signature](w.info.TypeOf(n.X)); ok && !w.fromOutside(ast.Unparen(n.X)) {
			w.dynamic(sig, n.X.Pos()) // range over a function iterator calls it
		}
	case *ast.ReturnStmt:
		w.handReturn(n)
		if w.sig != nil {
			res := w.sig.Results()
			if len(n.Results) == res.Len() {
				for i, r := range n.Results {
					w.conv(res.At(i).Type(), w.info.TypeOf(r), r.Pos())
				}
			} else if len(n.Results) == 1 {
				w.convTuple(res, n.Results[0])
			}
		}
	case *ast.ValueSpec:
		if n.Type != nil {
			t := w.info.TypeOf(n.Type)
			for _, v := range n.Values {
				w.conv(t, w.info.TypeOf(v), v.Pos())
			}
		}
	case *ast.CompositeLit:
		w.compositeLit(n)
	}
	return true
}

func (w *walker) funcLit(lit *ast.FuncLit) {
	parent := w.g.nodes[w.cur]
	w.lits[w.cur]++
	id := w.g.add(&node{
		name: fmt.Sprintf("%s$%d", parent.name, w.lits[w.cur]),
		kind: closureNode,
		pkg:  w.pkg.PkgPath,
		pos:  lit.Pos(),
	})
	if n, broken := w.g.pkgs[w.pkg.PkgPath]; broken {
		id = n
	}
	w.g.byLit[lit] = id
	w.g.edge(w.cur, id, lit.Pos())
	if w.called[lit] {
		w.g.recordTake(w.cur, id)
	}
	if !w.called[lit] {
		if sig, ok := w.info.TypeOf(lit).(*types.Signature); ok {
			w.addressTaken(sig, id)
		}
	}
	if !w.called[lit] && !w.handed[lit] {
		w.g.deferLit(id)
	}
	saveCur, saveSig, saveStmt := w.cur, w.sig, w.stmt
	w.cur, w.sig, w.stmt = id, w.info.TypeOf(lit).(*types.Signature), nil
	w.addParams(w.sig)
	w.walk(lit.Type)
	w.walk(lit.Body)
	w.cur, w.sig, w.stmt = saveCur, saveSig, saveStmt
}

func (w *walker) ident(id *ast.Ident) {
	obj := w.info.Uses[id]
	if obj == nil {
		return
	}
	if w.skip[id] {
		return
	}
	if pkg := obj.Pkg(); pkg != nil && !w.g.inModule(obj) {
		w.g.useDependency(w.cur, pkg.Path(), id.Pos())
	}
	if to := w.g.nodeOf(obj); to >= 0 {
		w.g.edge(w.cur, to, id.Pos())
		if fn, ok := obj.(*types.Func); ok && !w.callees[id] {
			// Filed under the type of the value: a method expression's
			// takes the receiver first; a generic function's instance is
			// instantiated.
			sig := fn.Signature()
			if s, ok := w.valueSig[id]; ok {
				sig = s
			} else if inst, ok := w.info.Instances[id]; ok {
				if s, ok := inst.Type.(*types.Signature); ok {
					sig = s
				}
			}
			w.addressTaken(sig, to)
		}
	}
	if inst, ok := w.info.Instances[id]; ok {
		for i := 0; i < inst.TypeArgs.Len(); i++ {
			w.convAll(inst.TypeArgs.At(i), id.Pos())
		}
	}
}

func (w *walker) selector(sel *ast.SelectorExpr) {
	s := w.info.Selections[sel]
	if s == nil || s.Kind() == types.FieldVal {
		return
	}
	fn, ok := s.Obj().(*types.Func)
	if !ok {
		return
	}
	if s.Kind() == types.MethodExpr {
		if sig, ok := w.info.TypeOf(sel).(*types.Signature); ok {
			w.valueSig[sel.Sel] = sig
		}
	}
	// An interface method called on a parameter runs the methods of what
	// the callers passed: each caller depends on those (see passArg).
	// A method promoted from an embedded field of the module's own
	// struct (s.Greet() with type S struct{ Greeter }) is called on the
	// field, not on the parameter: s.Greeter.Greet().
	if w.callees[sel.Sel] && w.fromOutside(ast.Unparen(sel.X)) && isAbstract(fn) && !w.viaModuleEmbedding(s) {
		w.skip[sel.Sel] = true
	}
	// A pointer method called on an addressable value takes its address:
	// the method writes it, with what the call passes it
	// (registry.Add(handler)), so the value depends on that call, not on
	// the whole statement around it, which may be a loop or an if.
	if recv := fn.Signature().Recv(); recv != nil {
		if _, ptrRecv := recv.Type().(*types.Pointer); ptrRecv && !isPointer(w.info.TypeOf(sel.X)) {
			var by ast.Expr = sel
			if call, ok := w.callOf[sel]; ok {
				by = call
			}
			w.writeBy(sel.X, by)
		}
	}
}

// paramType is the type the i-th argument of call is passed as: the
// element type for the variadic part (not spread with ...), nil past the
// parameters.
func paramType(sig *types.Signature, call *ast.CallExpr, i int) types.Type {
	params := sig.Params()
	switch {
	case sig.Variadic() && i >= params.Len()-1 && !call.Ellipsis.IsValid():
		if s, ok := params.At(params.Len() - 1).Type().Underlying().(*types.Slice); ok {
			return s.Elem()
		}
	case i < params.Len():
		return params.At(i).Type()
	}
	return nil
}

func (w *walker) call(call *ast.CallExpr) {
	fun := calledExpr(call)
	switch f := fun.(type) {
	case *ast.Ident:
		w.callees[f] = true
	case *ast.SelectorExpr:
		w.callees[f.Sel] = true
		w.callOf[f] = call
	case *ast.FuncLit:
		w.called[f] = true
	}
	tv := w.info.Types[call.Fun]
	if tv.IsBuiltin() && len(call.Args) == 1 {
		if id, ok := fun.(*ast.Ident); ok && id.Name == "new" {
			w.g.recordCreate(w.cur, w.info.TypeOf(call.Args[0]), call.Pos(), false)
		}
	}
	if tv.IsType() { // a conversion T(x)
		w.g.recordCreate(w.cur, tv.Type, call.Pos(), false)
		if len(call.Args) == 1 {
			w.conv(tv.Type, w.info.TypeOf(call.Args[0]), call.Pos())
			w.convertStruct(tv.Type, w.info.TypeOf(call.Args[0]))
			w.handConvertedStruct(tv.Type, w.info.TypeOf(call.Args[0])) // graph_depfields.go
		}
		return
	}
	sig, ok := typeUnder[*types.Signature](tv.Type)
	if !ok {
		return
	}
	w.convArgs(sig, call, tv.IsBuiltin())
	w.bindArgs(call)
	w.startupCall(call, tv.IsBuiltin())
	if tv.IsBuiltin() {
		return
	}
	if fn := typeutil.StaticCallee(w.info, call); fn != nil {
		if id, ok := w.g.byObj[fn.Origin()]; ok {
			w.g.calls[w.cur] = append(w.g.calls[w.cur], id)
		}
	}
	if _, static := typeutil.Callee(w.info, call).(*types.Func); !static {
		if _, lit := fun.(*ast.FuncLit); !lit && !w.fromOutside(fun) {
			w.dynamic(sig, call.Lparen)
			w.g.dyn[len(w.g.dyn)-1].field = w.calledField(fun)
			w.g.dyn[len(w.g.dyn)-1].depField = w.calledDepField(fun)
			if inner, ok := fun.(*ast.CallExpr); ok {
				if f := typeutil.StaticCallee(w.info, inner); f != nil && w.g.inModule(f) {
					w.g.dyn[len(w.g.dyn)-1].factory = f.Origin()
				}
			}
		}
	}
}

// addParams records the parameters of a function being walked.
func (w *walker) addParams(sig *types.Signature) {
	if sig.Recv() != nil {
		w.params[sig.Recv()] = true
		w.g.ownParam(sig.Recv(), w.cur, true)
	}
	for i := 0; i < sig.Params().Len(); i++ {
		w.params[sig.Params().At(i)] = true
		w.g.ownParam(sig.Params().At(i), w.cur, sig.Recv() != nil)
	}
}

// fromOutside reports whether the function or interface value e comes
// from outside the function's own reach: a parameter (its callers answer
// for it, see passArg) or a dependency's result (a dependency reaches
// module code only through what the module handed it, and the hand-off
// site answers for that; see Known limits).
func (w *walker) fromOutside(e ast.Expr) bool {
	// A field of a dependency's struct reached from such a value (r.Body
	// of an *http.Request, resp.Body of http.Get's response) holds what
	// the callers, or the dependency, put there: a module value got there
	// through a conversion, whose site answers for its methods (convAll).
	for {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			break
		}
		v, ok := w.info.Uses[sel.Sel].(*types.Var)
		if !ok || !v.IsField() || w.g.inModule(v) {
			break
		}
		e = sel.X
	}
	return w.isParam(e) || w.isDepValue(e)
}

// isDepValue reports whether e is the result of a call to a dependency's
// function or concrete method, or a local variable defined once by one.
func (w *walker) isDepValue(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		return w.isDepCall(x)
	case *ast.Ident:
		v, ok := w.info.Uses[x].(*types.Var)
		return ok && w.depVars[v]
	}
	return false
}

func (w *walker) isDepCall(call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(w.info, call).(*types.Func)
	return ok && !isAbstract(fn) && !w.g.inModule(fn)
}

// findDepVars records the local variables of body whose every value
// comes from a dependency's call (or is the zero value of a `var`
// declaration), and whose address is never taken.
func (w *walker) findDepVars(body *ast.BlockStmt) {
	defined := map[*types.Var]bool{}
	other := map[*types.Var]bool{} // given a value that is not a dependency's result
	set := func(id *ast.Ident, value ast.Expr) {
		v, ok := w.info.Defs[id].(*types.Var)
		if ok {
			defined[v] = true
		} else if v, ok = w.info.Uses[id].(*types.Var); !ok {
			return
		}
		if value != nil {
			call, isCall := ast.Unparen(value).(*ast.CallExpr)
			if !isCall || !w.isDepCall(call) {
				other[v] = true
			}
		}
	}
	// valueOf is the expression giving the i-th of n names its value.
	valueOf := func(values []ast.Expr, i, n int) ast.Expr {
		switch {
		case len(values) == n:
			return values[i]
		case len(values) == 1:
			return values[0] // a call with several results
		}
		return nil
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
					value := valueOf(s.Rhs, i, len(s.Lhs))
					if value == nil || (s.Tok != token.DEFINE && s.Tok != token.ASSIGN) {
						value = lhs // any other operator: not a dependency's value
					}
					set(id, value)
				}
			}
		case *ast.ValueSpec:
			for i, id := range s.Names {
				if len(s.Values) == 0 {
					set(id, nil) // the zero value
				} else if value := valueOf(s.Values, i, len(s.Names)); value != nil {
					set(id, value)
				} else {
					set(id, id)
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{s.Key, s.Value} {
				if id, ok := e.(*ast.Ident); ok {
					set(id, id)
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(s.X).(*ast.Ident); ok && s.Op == token.AND {
				if v, ok := w.info.Uses[id].(*types.Var); ok {
					other[v] = true
				}
			}
		}
		return true
	})
	for v := range defined {
		if !other[v] {
			w.depVars[v] = true
		}
	}
}

// isParam reports whether e is a parameter of an enclosing function. A
// call through a parameter runs what the callers passed, and each caller
// already depends on what it passes, so such a call needs no edges of
// its own: this keeps middleware (`next(w, r)`) from reaching every
// handler of the same signature.
func (w *walker) isParam(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := w.info.Uses[id].(*types.Var)
	return ok && w.params[v]
}

// convArgs records the arguments converted to interface parameters.
func (w *walker) convArgs(sig *types.Signature, call *ast.CallExpr, builtin bool) {
	params := sig.Params()
	if len(call.Args) == 1 && params.Len() > 1 {
		w.convTuple(params, call.Args[0])
		if tuple, ok := w.info.TypeOf(call.Args[0]).(*types.Tuple); ok && !builtin {
			for i := 0; i < tuple.Len(); i++ {
				w.passValue(tuple.At(i).Type(), call.Args[0].Pos())
			}
		}
		return
	}
	f := w.formatterOf(call)
	for i, arg := range call.Args {
		pt := paramType(sig, call, i)
		if f == nil || !w.convFormatted(f, pt, w.info.TypeOf(arg), arg.Pos()) {
			w.conv(pt, w.info.TypeOf(arg), arg.Pos())
		}
		if !builtin {
			w.passArg(pt, arg)
			if w.depCallee(call) {
				w.passElements(pt, arg)
			}
		}
	}
}

// passArg handles a function or interface value passed as an argument.
// The callee may call it through its parameter, which adds no edges
// there (isParam), so the caller answers for it: a function named
// directly, a closure or a converted concrete value already has its
// edges; a parameter is its own callers' business; any other value (a
// field, a variable, a call's result) may hold anything of its type.
func (w *walker) passArg(param types.Type, arg ast.Expr) {
	if param == nil {
		return
	}
	e := ast.Unparen(arg)
	for { // conversions such as http.HandlerFunc(f)
		call, ok := e.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 || !w.info.Types[call.Fun].IsType() {
			break
		}
		e = ast.Unparen(call.Args[0])
	}
	if w.fromOutside(e) {
		return
	}
	switch x := e.(type) {
	case *ast.FuncLit:
		return
	case *ast.Ident, *ast.SelectorExpr:
		if _, ok := w.info.Uses[identOf(x)].(*types.Func); ok {
			return
		}
	}
	w.passValue(w.info.TypeOf(e), arg.Pos())
}

// passValue adds the edges for a value of type t, of unknown origin,
// passed to a function that may call it.
func (w *walker) passValue(t types.Type, pos token.Pos) {
	if t == nil {
		return
	}
	switch u := t.Underlying().(type) {
	case *types.Signature:
		w.dynamic(u, pos)
	case *types.Interface:
		mset := types.NewMethodSet(t)
		for i := 0; i < mset.Len(); i++ {
			if id := w.g.nodeOf(mset.At(i).Obj()); id >= 0 {
				w.g.edge(w.cur, id, pos)
			}
		}
	}
}

// fieldVar returns the variable of the first field an ast.Field declares.
func fieldVar(info *types.Info, fld *ast.Field) *types.Var {
	if len(fld.Names) > 0 {
		v, _ := info.Defs[fld.Names[0]].(*types.Var)
		return v
	}
	t := fld.Type
	for { // an embedded field: its type name defines it
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.SelectorExpr:
			t = x.Sel
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			v, _ := info.Defs[x].(*types.Var)
			return v
		}
		return nil
	}
}

func (w *walker) convTuple(targets *types.Tuple, e ast.Expr) {
	tuple, ok := w.info.TypeOf(e).(*types.Tuple)
	if !ok {
		return
	}
	for i := 0; i < tuple.Len() && i < targets.Len(); i++ {
		w.conv(targets.At(i).Type(), tuple.At(i).Type(), e.Pos())
	}
}

// convAt handles the i-th of n targets assigned from rhs.
func (w *walker) convAt(target types.Type, rhs []ast.Expr, i, n int, pos token.Pos) {
	if len(rhs) == n && target != nil {
		w.conv(target, w.info.TypeOf(rhs[i]), pos)
		return
	}
	if len(rhs) == 1 && target != nil {
		if tuple, ok := w.info.TypeOf(rhs[0]).(*types.Tuple); ok && i < tuple.Len() {
			w.conv(target, tuple.At(i).Type(), pos)
		}
	}
}

func (w *walker) compositeLit(lit *ast.CompositeLit) {
	t := w.info.TypeOf(lit)
	if t == nil {
		return
	}
	w.g.recordCreate(w.cur, t, lit.Pos(), false)
	switch u := t.Underlying().(type) {
	case *types.Struct:
		for i, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if key, ok := kv.Key.(*ast.Ident); ok {
					if fld, ok := w.info.Uses[key].(*types.Var); ok {
						w.writeField(fld, key.Pos(), kv.Value)
						w.conv(fld.Type(), w.info.TypeOf(kv.Value), kv.Value.Pos())
					}
				}
				continue
			}
			if i < u.NumFields() {
				w.writeField(u.Field(i), elt.Pos(), elt)
				w.conv(u.Field(i).Type(), w.info.TypeOf(elt), elt.Pos())
			}
		}
	case *types.Slice, *types.Array, *types.Map:
		var key, elem types.Type
		switch u := u.(type) {
		case *types.Slice:
			elem = u.Elem()
		case *types.Array:
			elem = u.Elem()
		case *types.Map:
			key, elem = u.Key(), u.Elem()
		}
		for _, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if key != nil {
					w.conv(key, w.info.TypeOf(kv.Key), kv.Key.Pos())
				}
				elt = kv.Value
			}
			w.conv(elem, w.info.TypeOf(elt), elt.Pos())
		}
	}
}

// write records that the current node writes the variables and fields e
// names: they now depend on it.
func (w *walker) write(e ast.Expr) { w.writeBy(e, nil) }

// writeBy is write with the expression that performs the write (nil: the
// current statement).
func (w *walker) writeBy(e, by ast.Expr) {
	// The value stored, for the target itself (not the fields and
	// variables holding it), when an assignment gives one.
	stored := w.assigned
	if by != nil {
		stored = nil
	}
	for ; e != nil; stored = nil {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			w.writeLocal(x, by)
			if v, ok := w.info.Uses[x].(*types.Var); ok && isPackageVar(v) {
				if id := w.g.nodeOf(v); id >= 0 {
					w.g.edge(id, w.writer(by), x.Pos())
				} else {
					w.writeDependencyVar(v, by, x.Pos())
					w.handDepWrite(v, stored)
				}
			}
			return
		case *ast.SelectorExpr:
			if v, ok := w.info.Uses[x.Sel].(*types.Var); ok {
				if v.IsField() {
					w.writeFieldStoring(v, x.Sel.Pos(), by, stored)
				} else if isPackageVar(v) {
					if id := w.g.nodeOf(v); id >= 0 {
						w.g.edge(id, w.writer(by), x.Sel.Pos())
					} else {
						w.writeDependencyVar(v, by, x.Sel.Pos())
						w.handDepWrite(v, stored)
					}
					return
				}
			}
			e = x.X
		case *ast.IndexExpr, *ast.StarExpr:
			// Stored through a pointer, a slice element or a map entry:
			// the storage may be a dependency's, its function-typed
			// field included (`*jobs.CancelSlot(j) = stop`), so the
			// value is handed to any package (graph_depfields.go).
			if stored != nil {
				w.handOff("", stored, nil)
			}
			if ix, ok := x.(*ast.IndexExpr); ok {
				e = ix.X
			} else {
				e = x.(*ast.StarExpr).X
			}
		default:
			return
		}
	}
}

// writeField records a write of fld; value is the element of a composite
// literal that writes it, or nil for the current statement.
func (w *walker) writeField(fld *types.Var, pos token.Pos, value ast.Expr) {
	w.writeFieldStoring(fld, pos, value, value)
}

// writeFieldStoring is writeField knowing the value stored (nil: not
// known), for function-typed fields (graph_funcfields.go).
func (w *walker) writeFieldStoring(fld *types.Var, pos token.Pos, value, stored ast.Expr) {
	if id := w.g.nodeOf(fld); id >= 0 {
		site := w.writer(value)
		w.g.edge(id, site, pos)
		w.recordFuncFieldWrite(fld, stored, site)
	} else {
		w.handDepWrite(fld, stored)
	}
}

// writer is the node a write depends on: the code that performs it, with
// what that code uses (the statement, or the literal element given),
// rather than the whole function around it, which may be main and reach
// everything. Outside a simple statement it is the current node.
func (w *walker) writer(value ast.Expr) int {
	var site ast.Node = w.stmt
	if value != nil {
		site = value
	}
	if site == nil {
		return w.cur
	}
	if id, ok := w.g.siteOf[site]; ok {
		return id
	}
	n := w.g.nodes[w.cur]
	id := w.g.add(&node{name: n.name, kind: siteNode, pkg: n.pkg, pos: site.Pos()})
	w.g.siteOf[site] = id
	w.g.sites = append(w.g.sites, writeSite{id: id, node: site, info: w.info, encl: w.cur})
	return id
}

// dynamic records a call through a function value of type sig.
func (w *walker) dynamic(sig *types.Signature, pos token.Pos) {
	w.g.dyn = append(w.g.dyn, dynCall{from: w.cur, sig: sig, pos: pos})
}

func (w *walker) addressTaken(sig *types.Signature, id int) {
	key := withoutRecv(sig)
	ids, _ := w.g.methods.At(key).([]int)
	w.g.methods.Set(key, append(ids, id))
	w.g.recordTake(w.cur, id)
}

// conv records that a value of type src is converted to target: when
// target is an interface, whatever receives it may call src's methods.
func (w *walker) conv(target, src types.Type, pos token.Pos) {
	if target == nil || src == nil || !types.IsInterface(target) || types.IsInterface(src) {
		return
	}
	w.handConversion(src, pos)
	w.convAll(src, pos)
}

// convAll adds edges from the current node to every method of the module
// types that values of t hold.
func (w *walker) convAll(t types.Type, pos token.Pos) {
	w.g.recordConversion(t, pos)
	key := convKey{from: w.cur, t: types.TypeString(t, nil)}
	if w.g.convs[key] {
		return
	}
	w.g.convs[key] = true
	w.g.recordCreate(w.cur, t, pos, true)
	for _, m := range w.g.methodsHeldBy(t) {
		w.g.edge(w.cur, m, pos)
	}
}

func isPackageVar(v *types.Var) bool {
	return v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

func isPointer(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

func typeUnder[T types.Type](t types.Type) (T, bool) {
	var zero T
	if t == nil {
		return zero, false
	}
	u, ok := t.Underlying().(T)
	return u, ok
}

package detect

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"iter"

	"golang.org/x/tools/go/types/typeutil"
)

// AST and type helpers the engine shares with the analyzer: copies of
// analyzer/astutil.go's, so that this package imports nothing of the
// analyzer.

func identOf(e ast.Expr) *ast.Ident {
	switch x := e.(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	}
	return nil
}

func derefType(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// isStringVar reports whether obj is a variable or field of a string
// type.
func isStringVar(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	if !ok {
		return false
	}
	b, ok := v.Type().Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// isAbstract reports whether fn is an interface method (or a method of a
// type parameter's constraint).
func isAbstract(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

func recvName0(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	if n, ok := derefType(recv.Type()).(*types.Named); ok {
		return n.Obj().Name() + "."
	}
	return ""
}

// objName formats obj the way stack traces and pprof do:
// example.com/shop/prepaid.(*Handler).BuyToken.
func objName(obj types.Object) string {
	pkg := ""
	if obj.Pkg() != nil {
		pkg = obj.Pkg().Path() + "."
	}
	fn, ok := obj.(*types.Func)
	if !ok || fn.Signature().Recv() == nil {
		return pkg + obj.Name()
	}
	recv := fn.Signature().Recv().Type()
	ptr := false
	if p, ok := recv.(*types.Pointer); ok {
		recv, ptr = p.Elem(), true
	}
	name := types.TypeString(recv, func(*types.Package) string { return "" })
	if n, ok := recv.(*types.Named); ok {
		name = n.Obj().Name()
	}
	if ptr {
		return fmt.Sprintf("%s(*%s).%s", pkg, name, fn.Name())
	}
	return fmt.Sprintf("%s%s.%s", pkg, name, fn.Name())
}

// calledExpr is the function a call calls, without parentheses and
// without the type arguments of a generic instance: f in (f)(x), f[int](x).
func calledExpr(call *ast.CallExpr) ast.Expr {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = ast.Unparen(f.X)
	case *ast.IndexListExpr:
		fun = ast.Unparen(f.X)
	}
	return fun
}

// calleeObj is the function or variable a call calls.
func calleeObj(info *types.Info, call *ast.CallExpr) types.Object {
	switch obj := typeutil.Callee(info, call).(type) {
	case *types.Func:
		return obj.Origin()
	case *types.Var:
		return obj
	}
	return nil
}

// assignee is the variable or field an assignment writes.
func assignee(info *types.Info, lhs ast.Expr) types.Object {
	switch x := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		if obj := info.Defs[x]; obj != nil {
			return obj
		}
		if v, ok := info.Uses[x].(*types.Var); ok {
			return v
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[x]; sel != nil {
			if sel.Kind() == types.FieldVal {
				return sel.Obj().(*types.Var).Origin()
			}
			return nil
		}
		if v, ok := info.Uses[x.Sel].(*types.Var); ok { // pkg.Var
			return v
		}
	}
	return nil
}

func constString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// isNamed reports whether t is (a pointer to) the named type pkg.name.
func isNamed(t types.Type, pkg, name string) bool {
	if t == nil {
		return false
	}
	n, ok := types.Unalias(derefType(t)).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// namedFrom reports whether t is the named type pkg.name (through
// aliases).
func namedFrom(t types.Type, pkg, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// pointerTo reports whether t is *pkg.name.
func pointerTo(t types.Type, pkg, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && namedFrom(p.Elem(), pkg, name)
}

// stringElems returns the elements of a []string{...} literal, or false.
func stringElems(e ast.Expr) ([]ast.Expr, bool) {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	for _, el := range lit.Elts {
		if _, kv := el.(*ast.KeyValueExpr); kv {
			return nil, false
		}
	}
	return lit.Elts, true
}

// keyedFields yields the fields of a composite literal written as
// Key: value with an identifier key (struct fields by name), skipping
// positional elements.
func keyedFields(lit *ast.CompositeLit) iter.Seq2[string, *ast.KeyValueExpr] {
	return func(yield func(string, *ast.KeyValueExpr) bool) {
		for _, el := range lit.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, ok := kv.Key.(*ast.Ident)
			if !ok {
				continue
			}
			if !yield(key.Name, kv) {
				return
			}
		}
	}
}

// chainRoot returns the identifier a selector and call chain starts
// from: cmd in cmd.Flags().StringVar.
func chainRoot(e ast.Expr) *ast.Ident {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.CallExpr:
			e = x.Fun
		default:
			return nil
		}
	}
}

// constStrings returns the constant elements of a []string literal.
func constStrings(info *types.Info, e ast.Expr) ([]string, bool) {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	var out []string
	for _, el := range lit.Elts {
		s, ok := constString(info, el)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

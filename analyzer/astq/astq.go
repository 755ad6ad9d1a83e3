// Package astq holds the small queries over go/ast and go/types that
// the analyzer and its split-out stages (analyzer/detect) share: what a
// call calls, what an assignment writes, a constant string, a named
// type, an object's name as stack traces print it. It depends on
// nothing of the module, so every layer may use it (issue 15: "shared
// AST/type helpers in one place").
package astq

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"iter"

	"golang.org/x/tools/go/types/typeutil"
)

// IdentOf is the identifier an expression names: x in x and in p.x.
func IdentOf(e ast.Expr) *ast.Ident {
	switch x := e.(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	}
	return nil
}

// Deref is the element type of a pointer type, or t itself.
func Deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// IsNamed reports whether t is (a pointer to) the named type pkg.name.
func IsNamed(t types.Type, pkg, name string) bool {
	if t == nil {
		return false
	}
	n, ok := types.Unalias(Deref(t)).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// NamedFrom reports whether t is the named type pkg.name (through
// aliases).
func NamedFrom(t types.Type, pkg, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// PointerTo reports whether t is *pkg.name.
func PointerTo(t types.Type, pkg, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && NamedFrom(p.Elem(), pkg, name)
}

// IsStringVar reports whether obj is a variable or field of a string
// type.
func IsStringVar(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	if !ok {
		return false
	}
	b, ok := v.Type().Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// IsAbstract reports whether fn is an interface method (or a method of a
// type parameter's constraint).
func IsAbstract(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

// WithoutRecv is sig without its receiver: a method's signature as a
// function value of it (a method value) has.
func WithoutRecv(sig *types.Signature) *types.Signature {
	return types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic())
}

// RecvPrefix is the name of fn's receiver type and a dot ("Handler."),
// or "" for a function or a receiver that is not named.
func RecvPrefix(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if recv == nil {
		return ""
	}
	if n, ok := Deref(recv.Type()).(*types.Named); ok {
		return n.Obj().Name() + "."
	}
	return ""
}

// ObjName formats obj the way stack traces and pprof do:
// example.com/shop/prepaid.(*Handler).BuyToken.
func ObjName(obj types.Object) string {
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

// CalledExpr is the function a call calls, without parentheses and
// without the type arguments of a generic instance: f in (f)(x), f[int](x).
func CalledExpr(call *ast.CallExpr) ast.Expr {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = ast.Unparen(f.X)
	case *ast.IndexListExpr:
		fun = ast.Unparen(f.X)
	}
	return fun
}

// CalleeObj is the function or variable a call calls.
func CalleeObj(info *types.Info, call *ast.CallExpr) types.Object {
	switch obj := typeutil.Callee(info, call).(type) {
	case *types.Func:
		return obj.Origin()
	case *types.Var:
		return obj
	}
	return nil
}

// Assignee is the variable or field an assignment writes.
func Assignee(info *types.Info, lhs ast.Expr) types.Object {
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

// ConstString is the value of a constant string expression.
func ConstString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// ConstStrings returns the constant elements of a []string literal.
func ConstStrings(info *types.Info, e ast.Expr) ([]string, bool) {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	var out []string
	for _, el := range lit.Elts {
		s, ok := ConstString(info, el)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// StringElems returns the elements of a []string{...} literal, or false.
func StringElems(e ast.Expr) ([]ast.Expr, bool) {
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

// KeyedFields yields the fields of a composite literal written as
// Key: value with an identifier key (struct fields by name), skipping
// positional elements.
func KeyedFields(lit *ast.CompositeLit) iter.Seq2[string, *ast.KeyValueExpr] {
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

// ChainRoot returns the identifier a selector and call chain starts
// from: cmd in cmd.Flags().StringVar.
func ChainRoot(e ast.Expr) *ast.Ident {
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

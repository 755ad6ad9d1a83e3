package evidence

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// testify suites: suite.Run(t, new(S)) runs each method TestM of S as
// the subtest TestX/TestM of the test function TestX that calls it. The
// analyzer credits each method as a test of its own; these are the
// rules that recognise a suite's run and what it reads.

// SuitePkg is testify's suite package.
const SuitePkg = "github.com/stretchr/testify/suite"

// IsSuiteRun recognises testify's suite.Run(t, s).
func IsSuiteRun(info *types.Info, call *ast.CallExpr) bool {
	fn := typeutil.StaticCallee(info, call)
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == SuitePkg && fn.Name() == "Run" && fn.Signature().Recv() == nil
}

// IsString reports whether t's underlying type is string.
func IsString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.String
}

// IsParam reports whether e is the first parameter of function d.
func IsParam(info *types.Info, d *ast.FuncDecl, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok || d.Type.Params == nil || len(d.Type.Params.List) == 0 || len(d.Type.Params.List[0].Names) == 0 {
		return false
	}
	obj := info.Uses[id]
	return obj != nil && obj == info.Defs[d.Type.Params.List[0].Names[0]]
}

// SuiteValueStmts returns the statements of test function d, before the
// suite.Run call, that assign the local variable given to it (s or &s)
// or one of its fields.
func SuiteValueStmts(info *types.Info, d *ast.FuncDecl, call *ast.CallExpr) []ast.Stmt {
	arg := ast.Unparen(call.Args[1])
	if u, ok := arg.(*ast.UnaryExpr); ok {
		arg = ast.Unparen(u.X)
	}
	id, ok := arg.(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
		return nil
	}
	isVar := func(e ast.Expr) bool {
		for {
			switch x := ast.Unparen(e).(type) {
			case *ast.Ident:
				return info.ObjectOf(x) == v
			case *ast.SelectorExpr:
				e = x.X
			case *ast.StarExpr:
				e = x.X
			default:
				return false
			}
		}
	}
	var out []ast.Stmt
	for _, s := range d.Body.List {
		if s.Pos() >= call.Pos() {
			break
		}
		switch x := s.(type) {
		case *ast.AssignStmt:
			for _, lhs := range x.Lhs {
				if isVar(lhs) {
					out = append(out, s)
					break
				}
			}
		case *ast.DeclStmt:
			if gd, ok := x.Decl.(*ast.GenDecl); ok {
				for _, spec := range gd.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							if info.Defs[n] == v {
								out = append(out, s)
							}
						}
					}
				}
			}
		}
	}
	return out
}

// ReadsParams reports whether function d uses one of its parameters.
func ReadsParams(info *types.Info, d *ast.FuncDecl) bool {
	params := map[types.Object]bool{}
	for _, f := range d.Type.Params.List {
		for _, n := range f.Names {
			params[info.Defs[n]] = true
		}
	}
	used := false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && params[info.Uses[id]] {
			used = true
		}
		return !used
	})
	return used
}

// RunsSubtests reports whether function d calls testify's
// (*suite.Suite).Run, which runs SetupSubTest.
func RunsSubtests(info *types.Info, d *ast.FuncDecl) bool {
	found := false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if fn := typeutil.StaticCallee(info, call); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == SuitePkg && fn.Name() == "Run" && fn.Signature().Recv() != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// ExprString prints a call's arguments for a warning.
func ExprString(call *ast.CallExpr) string {
	var b strings.Builder
	for i, a := range call.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(types.ExprString(a))
	}
	return b.String()
}

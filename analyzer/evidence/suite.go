package evidence

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
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

// SuiteSetup are the setup methods of a suite that run around a method.
type SuiteSetup struct {
	// Suite is SetupSuite, run once; Test is SetupTest and Before is
	// BeforeTest, run before each method; SubTest is SetupSubTest, run
	// before each s.Run inside a method. Each is nil when the suite has
	// none.
	Suite, Test, Before, SubTest *types.Func
}

// Suite resolves the suite of a suite.Run call in test function d of
// pkg: its test methods and its setup methods, or why it cannot (then
// its methods get no credit). inModule reports whether a package path
// is one of the module's: only a suite type declared in the module is
// known.
func Suite(pkg *packages.Package, d *ast.FuncDecl, call *ast.CallExpr, inModule func(path string) bool) ([]*types.Func, SuiteSetup, string) {
	info := pkg.TypesInfo
	if len(call.Args) != 2 {
		return nil, SuiteSetup{}, "not two arguments"
	}
	if !IsParam(info, d, call.Args[0]) {
		return nil, SuiteSetup{}, "its *testing.T is not the test function's own"
	}
	typ := info.TypeOf(call.Args[1])
	if typ == nil {
		return nil, SuiteSetup{}, "its suite's type is unknown"
	}
	elem := typ
	if p, ok := types.Unalias(typ).(*types.Pointer); ok {
		elem = p.Elem()
	}
	named, ok := types.Unalias(elem).(*types.Named)
	if !ok {
		return nil, SuiteSetup{}, fmt.Sprintf("its suite's type %s is not a named struct type known statically", types.TypeString(typ, types.RelativeTo(pkg.Types)))
	}
	if _, isStruct := named.Underlying().(*types.Struct); !isStruct {
		return nil, SuiteSetup{}, fmt.Sprintf("its suite's type %s is not a struct type known statically", types.TypeString(typ, types.RelativeTo(pkg.Types)))
	}
	if named.TypeParams().Len() > 0 || named.TypeArgs().Len() > 0 {
		return nil, SuiteSetup{}, fmt.Sprintf("its suite's type %s is generic", types.TypeString(typ, types.RelativeTo(pkg.Types)))
	}
	if tp := named.Obj().Pkg(); tp == nil || (tp != pkg.Types && !inModule(tp.Path())) {
		return nil, SuiteSetup{}, fmt.Sprintf("its suite's type %s is not declared in this module", types.TypeString(typ, nil))
	}
	var methods []*types.Func
	var setup SuiteSetup
	ms := types.NewMethodSet(typ)
	for i := 0; i < ms.Len(); i++ {
		fn, ok := ms.At(i).Obj().(*types.Func)
		if !ok {
			continue
		}
		sig := fn.Signature()
		none := sig.Params().Len() == 0 && sig.Results().Len() == 0
		switch name := fn.Name(); {
		case strings.HasPrefix(name, "Test"):
			// testify runs every method named Test...; one with
			// parameters or results fails without running.
			if none {
				methods = append(methods, fn)
			}
		case name == "SetupSuite" && none:
			setup.Suite = fn
		case name == "SetupTest" && none:
			setup.Test = fn
		case name == "SetupSubTest" && none:
			setup.SubTest = fn
		case name == "BeforeTest" && sig.Results().Len() == 0 && sig.Params().Len() == 2 &&
			IsString(sig.Params().At(0).Type()) && IsString(sig.Params().At(1).Type()):
			setup.Before = fn
		}
	}
	sort.Slice(methods, func(i, j int) bool { return methods[i].Name() < methods[j].Name() })
	if len(methods) == 0 {
		return nil, setup, ""
	}
	return methods, setup, ""
}

// DeclIn returns the declaration of fn in pkg's files (test files, by
// decls, and the package's own), or nil when it is declared elsewhere.
func DeclIn(pkg *packages.Package, decls map[types.Object]*ast.FuncDecl, fn *types.Func) *ast.FuncDecl {
	if d, ok := decls[fn.Origin()]; ok {
		return d
	}
	if fn.Pkg() != pkg.Types {
		return nil
	}
	for _, f := range pkg.Syntax {
		if fn.Pos() < f.Pos() || fn.Pos() > f.End() {
			continue
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil && pkg.TypesInfo.Defs[fd.Name] == fn.Origin() {
				return fd
			}
		}
	}
	return nil
}

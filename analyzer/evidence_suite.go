package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
	"strings"

	"github.com/blastgate/blastgate/analyzer/evidence"
	"golang.org/x/tools/go/packages"
)

// testify suites. suite.Run(t, new(S)) (github.com/stretchr/testify/suite)
// runs each method TestM of S as the subtest TestX/TestM of the test
// function TestX that calls it, after S's SetupSuite (once), SetupTest and
// BeforeTest (before each method) and SetupSubTest (before each s.Run
// inside a method). A suite method is credited as the test TestX/TestM
// with what its body and those setup methods do, as if they were one
// test body: static reach, requests, t.Attr. A request counts only when
// that body also reaches the registration of the router that serves it,
// as for a test function.
//
// Strict credit: only suite.Run called in the test function's own body
// (not in a closure, where the subtests' names differ, nor in a helper),
// with its own *testing.T, and a suite whose type is known statically: a
// struct type of the module, not generic. Any other suite.Run gets no
// credit, and one warning names its test. BeforeTest runs for every
// method but may act on the method's name: when it reads its parameters,
// it is left out.

// suiteTests returns a test for each method of each suite that test
// function d runs with suite.Run, named TestX/TestM.
func (g *credit) suiteTests(pkg *packages.Package, under string, decls map[types.Object]*ast.FuncDecl, d *ast.FuncDecl) []*testFunc {
	info := pkg.TypesInfo
	var runs []*ast.CallExpr
	inLit := map[*ast.CallExpr]bool{}
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			ast.Inspect(lit.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && evidence.IsSuiteRun(info, call) {
					inLit[call] = true
				}
				return true
			})
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && evidence.IsSuiteRun(info, call) {
			runs = append(runs, call)
		}
		return true
	})
	ref := TestRef{Package: under, Name: d.Name.Name}
	warned := false
	warn := func(format string, args ...any) {
		if !warned {
			warned = true
			g.suiteWarns = append(g.suiteWarns, fmt.Sprintf("%s: %s: its suite methods get no test credit", ref, fmt.Sprintf(format, args...)))
		}
	}
	if len(inLit) > 0 {
		warn("suite.Run inside a function literal (the subtests' names are not known statically)")
	}
	var out []*testFunc
	names := map[string]int{} // method name -> suite.Run calls that run it
	for _, call := range runs {
		methods, setup, reason := g.suiteOf(pkg, d, call)
		if reason != "" {
			warn("suite.Run(%s): %s", evidence.ExprString(call), reason)
			continue
		}
		for _, m := range methods {
			names[m.Name()]++
			if names[m.Name()] > 1 {
				continue // two suites of one test with the same method: named TestM and TestM#01
			}
			t := &testFunc{ref: TestRef{Package: under, Name: d.Name.Name + "/" + m.Name()}, reach: map[int]bool{}}
			g.followSuiteMethod(pkg, decls, d, call, setup, m, t)
			out = append(out, t)
		}
	}
	kept := out[:0]
	var dup []string
	for _, t := range out {
		m := t.ref.Name[len(d.Name.Name)+1:]
		if names[m] > 1 {
			dup = append(dup, m)
			continue
		}
		kept = append(kept, t)
	}
	if len(dup) > 0 {
		warn("more than one suite has the method %s (go test names the second %s#01)", strings.Join(dup, ", "), dup[0])
	}
	return kept
}

// suiteSetup are the setup methods of a suite that run around a method.
type suiteSetup struct {
	suite, test, before, subTest *types.Func
}

// suiteOf resolves the suite of a suite.Run call in test function d: its
// test methods and its setup methods, or why it cannot.
func (g *Graph) suiteOf(pkg *packages.Package, d *ast.FuncDecl, call *ast.CallExpr) ([]*types.Func, suiteSetup, string) {
	info := pkg.TypesInfo
	if len(call.Args) != 2 {
		return nil, suiteSetup{}, "not two arguments"
	}
	if !evidence.IsParam(info, d, call.Args[0]) {
		return nil, suiteSetup{}, "its *testing.T is not the test function's own"
	}
	typ := info.TypeOf(call.Args[1])
	if typ == nil {
		return nil, suiteSetup{}, "its suite's type is unknown"
	}
	elem := typ
	if p, ok := types.Unalias(typ).(*types.Pointer); ok {
		elem = p.Elem()
	}
	named, ok := types.Unalias(elem).(*types.Named)
	if !ok {
		return nil, suiteSetup{}, fmt.Sprintf("its suite's type %s is not a named struct type known statically", types.TypeString(typ, types.RelativeTo(pkg.Types)))
	}
	if _, isStruct := named.Underlying().(*types.Struct); !isStruct {
		return nil, suiteSetup{}, fmt.Sprintf("its suite's type %s is not a struct type known statically", types.TypeString(typ, types.RelativeTo(pkg.Types)))
	}
	if named.TypeParams().Len() > 0 || named.TypeArgs().Len() > 0 {
		return nil, suiteSetup{}, fmt.Sprintf("its suite's type %s is generic", types.TypeString(typ, types.RelativeTo(pkg.Types)))
	}
	if tp := named.Obj().Pkg(); tp == nil || (tp != pkg.Types && !g.HasPackage(tp.Path())) {
		return nil, suiteSetup{}, fmt.Sprintf("its suite's type %s is not declared in this module", types.TypeString(typ, nil))
	}
	var methods []*types.Func
	var setup suiteSetup
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
			setup.suite = fn
		case name == "SetupTest" && none:
			setup.test = fn
		case name == "SetupSubTest" && none:
			setup.subTest = fn
		case name == "BeforeTest" && sig.Results().Len() == 0 && sig.Params().Len() == 2 &&
			evidence.IsString(sig.Params().At(0).Type()) && evidence.IsString(sig.Params().At(1).Type()):
			setup.before = fn
		}
	}
	sort.Slice(methods, func(i, j int) bool { return methods[i].Name() < methods[j].Name() })
	if len(methods) == 0 {
		return nil, setup, ""
	}
	return methods, setup, ""
}

// followSuiteMethod follows suite method m as one test body with what
// runs before it: the suite value given to suite.Run (a composite literal
// and its field values, or the statements of the test that assign the
// variable holding it), SetupSuite, SetupTest, BeforeTest (unless it
// reads which method runs), SetupSubTest when the method runs subtests
// with s.Run, and the method itself.
func (g *credit) followSuiteMethod(pkg *packages.Package, decls map[types.Object]*ast.FuncDecl, d *ast.FuncDecl, call *ast.CallExpr, setup suiteSetup, m *types.Func, t *testFunc) {
	info := pkg.TypesInfo
	stmts := append(evidence.SuiteValueStmts(info, d, call), &ast.ExprStmt{X: call.Args[1]})
	var outside []*types.Func // declared in another package: static reach only
	add := func(fn *types.Func, skipIfParamsRead bool) {
		if fn == nil {
			return
		}
		decl := g.declIn(pkg, decls, fn)
		if decl == nil {
			outside = append(outside, fn)
			return
		}
		if skipIfParamsRead && evidence.ReadsParams(info, decl) {
			return
		}
		stmts = append(stmts, decl.Body)
	}
	add(setup.suite, false)
	add(setup.test, false)
	add(setup.before, true)
	if decl := g.declIn(pkg, decls, m); decl != nil && evidence.RunsSubtests(info, decl) {
		add(setup.subTest, false)
	}
	add(m, false)
	g.followTest(pkg, decls, &ast.FuncDecl{Name: d.Name, Type: d.Type, Body: &ast.BlockStmt{List: stmts}}, t)
	for _, fn := range outside {
		g.reachStatic(t, fn)
	}
}

// declIn returns the declaration of fn in pkg's files (test files and the
// package's own), or nil when it is declared elsewhere.
func (g *Graph) declIn(pkg *packages.Package, decls map[types.Object]*ast.FuncDecl, fn *types.Func) *ast.FuncDecl {
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

// reachStatic adds to t what fn reaches through static calls in the
// module.
func (g *Graph) reachStatic(t *testFunc, fn *types.Func) {
	id, ok := g.byName[objName(fn.Origin())]
	if !ok || !isCode(g.nodes[id].kind) || t.reach[id] {
		return
	}
	t.reach[id] = true
	g.closeReach(t, []int{id})
}

// suiteWarnings are the warnings of suite.Run calls that get no credit.
func (g *credit) suiteWarnings() []string {
	if len(g.prog.TestPackages) == 0 {
		return nil
	}
	g.testFuncs()
	return g.suiteWarns
}

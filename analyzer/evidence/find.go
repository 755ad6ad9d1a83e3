package evidence

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Which tests go test runs, and what runs as each: the test functions of
// the test packages, the methods of the testify suites they run, and
// what runs before every test of a binary. The analyzer walks each body
// (what it reaches, the requests it sends); this side says which tests
// there are, under go test's and testify's rules.

// Body is code that runs as one test, or before every test of a binary,
// for the analyzer to walk.
type Body struct {
	// Ref is the test it runs as; for a setup body, only Ref.Package
	// (the package under test, whose binary runs it) is set.
	Ref TestRef
	// Pkg is the test package it is declared in, and Decls the
	// functions of Pkg's test files by object, for the helpers it calls.
	Pkg   *packages.Package
	Decls map[types.Object]*ast.FuncDecl
	// Body is what to walk: the test function, a setup body, or for a
	// suite's method one made of what runs for it, in order.
	Body *ast.FuncDecl
	// Func is the test function itself; nil for a suite's method and
	// for setup.
	Func *ast.FuncDecl
	// Outside are functions that run as part of it but are declared in
	// another package: they reach the module through static calls only.
	Outside []*types.Func
}

// Found is what go test runs in the loaded test packages.
type Found struct {
	// Setup is what runs before every test of its binary: TestMain and
	// the initializers of test files' variables, of the internal and the
	// external test package alike.
	Setup []Body
	// Tests are the test functions, each followed by the methods of the
	// suites it runs (TestX/TestM), in the packages' order.
	Tests []Body
	// Warnings name the tests whose suite.Run gets no credit, and why.
	Warnings []string
}

// FindTests finds the tests of the test packages pkgs (loaded with
// syntax and types), fset positioning them. inModule reports whether a
// package path is one of the module's.
func FindTests(pkgs []*packages.Package, fset *token.FileSet, inModule func(path string) bool) Found {
	type testPkg struct {
		pkg   *packages.Package
		under string
		decls map[types.Object]*ast.FuncDecl
		tests []*ast.FuncDecl
		setup []*ast.FuncDecl // TestMain, and test-file variables' initializers as bodies
	}
	var tps []testPkg
	for _, pkg := range pkgs {
		tp := testPkg{pkg: pkg, under: PackageUnderTest(pkg), decls: map[types.Object]*ast.FuncDecl{}}
		for _, f := range pkg.Syntax {
			if !strings.HasSuffix(fset.File(f.Pos()).Name(), "_test.go") {
				continue
			}
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if d.Body == nil {
						continue
					}
					if obj := pkg.TypesInfo.Defs[d.Name]; obj != nil {
						tp.decls[obj] = d
					}
					if d.Recv == nil && IsTestName(d.Name.Name) {
						tp.tests = append(tp.tests, d)
					}
					if d.Recv == nil && d.Name.Name == "TestMain" {
						tp.setup = append(tp.setup, d)
					}
				case *ast.GenDecl:
					tp.setup = append(tp.setup, InitBodies(d)...)
				}
			}
		}
		tps = append(tps, tp)
	}
	var out Found
	for _, tp := range tps {
		for _, d := range tp.setup {
			out.Setup = append(out.Setup, Body{Ref: TestRef{Package: tp.under}, Pkg: tp.pkg, Decls: tp.decls, Body: d})
		}
	}
	for _, tp := range tps {
		for _, d := range tp.tests {
			out.Tests = append(out.Tests, Body{Ref: TestRef{Package: tp.under, Name: d.Name.Name}, Pkg: tp.pkg, Decls: tp.decls, Body: d, Func: d})
			out.Tests = append(out.Tests, suiteTests(tp.pkg, tp.under, tp.decls, d, inModule, &out.Warnings)...)
		}
	}
	return out
}

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
// function d runs with suite.Run, named TestX/TestM, and adds to warns
// why a suite.Run gets no credit.
func suiteTests(pkg *packages.Package, under string, decls map[types.Object]*ast.FuncDecl, d *ast.FuncDecl, inModule func(string) bool, warns *[]string) []Body {
	info := pkg.TypesInfo
	var runs []*ast.CallExpr
	inLit := map[*ast.CallExpr]bool{}
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			ast.Inspect(lit.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && IsSuiteRun(info, call) {
					inLit[call] = true
				}
				return true
			})
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && IsSuiteRun(info, call) {
			runs = append(runs, call)
		}
		return true
	})
	ref := TestRef{Package: under, Name: d.Name.Name}
	warned := false
	warn := func(format string, args ...any) {
		if !warned {
			warned = true
			*warns = append(*warns, fmt.Sprintf("%s: %s: its suite methods get no test credit", ref, fmt.Sprintf(format, args...)))
		}
	}
	if len(inLit) > 0 {
		warn("suite.Run inside a function literal (the subtests' names are not known statically)")
	}
	var out []Body
	names := map[string]int{} // method name -> suite.Run calls that run it
	for _, call := range runs {
		methods, setup, reason := Suite(pkg, d, call, inModule)
		if reason != "" {
			warn("suite.Run(%s): %s", ExprString(call), reason)
			continue
		}
		for _, m := range methods {
			names[m.Name()]++
			if names[m.Name()] > 1 {
				continue // two suites of one test with the same method: named TestM and TestM#01
			}
			b := suiteMethod(pkg, decls, d, call, setup, m)
			b.Ref = TestRef{Package: under, Name: d.Name.Name + "/" + m.Name()}
			out = append(out, b)
		}
	}
	kept := out[:0]
	var dup []string
	for _, b := range out {
		m := b.Ref.Name[len(d.Name.Name)+1:]
		if names[m] > 1 {
			dup = append(dup, m)
			continue
		}
		kept = append(kept, b)
	}
	if len(dup) > 0 {
		warn("more than one suite has the method %s (go test names the second %s#01)", strings.Join(dup, ", "), dup[0])
	}
	return kept
}

// suiteMethod is suite method m as one test body with what runs before
// it: the suite value given to suite.Run (a composite literal and its
// field values, or the statements of the test that assign the variable
// holding it), SetupSuite, SetupTest, BeforeTest (unless it reads which
// method runs), SetupSubTest when the method runs subtests with s.Run,
// and the method itself.
func suiteMethod(pkg *packages.Package, decls map[types.Object]*ast.FuncDecl, d *ast.FuncDecl, call *ast.CallExpr, setup SuiteSetup, m *types.Func) Body {
	info := pkg.TypesInfo
	stmts := append(SuiteValueStmts(info, d, call), &ast.ExprStmt{X: call.Args[1]})
	var outside []*types.Func // declared in another package: static reach only
	add := func(fn *types.Func, skipIfParamsRead bool) {
		if fn == nil {
			return
		}
		decl := DeclIn(pkg, decls, fn)
		if decl == nil {
			outside = append(outside, fn)
			return
		}
		if skipIfParamsRead && ReadsParams(info, decl) {
			return
		}
		stmts = append(stmts, decl.Body)
	}
	add(setup.Suite, false)
	add(setup.Test, false)
	add(setup.Before, true)
	if decl := DeclIn(pkg, decls, m); decl != nil && RunsSubtests(info, decl) {
		add(setup.SubTest, false)
	}
	add(m, false)
	return Body{Pkg: pkg, Decls: decls, Body: &ast.FuncDecl{Name: d.Name, Type: d.Type, Body: &ast.BlockStmt{List: stmts}}, Outside: outside}
}

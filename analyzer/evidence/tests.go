package evidence

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/packages"
)

// How go test names tests and what runs before them.

// IsTestName reports whether name is a test function's name: Test, or
// Test followed by a non-lowercase rune.
func IsTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}

// PackageUnderTest is the package go test reports for a test variant:
// "p" for "p [p.test]" and for "p_test [p.test]".
func PackageUnderTest(pkg *packages.Package) string {
	if i := strings.Index(pkg.ID, " ["); i >= 0 {
		return strings.TrimSuffix(strings.TrimSuffix(pkg.ID[i+2:], "]"), ".test")
	}
	return pkg.PkgPath
}

// InitBodies makes a body of each initializer of a var declaration, to
// walk as what runs before every test of the binary.
func InitBodies(d *ast.GenDecl) []*ast.FuncDecl {
	if d.Tok != token.VAR {
		return nil
	}
	var out []*ast.FuncDecl
	for _, spec := range d.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok || len(vs.Values) == 0 {
			continue
		}
		body := &ast.BlockStmt{Lbrace: vs.Pos(), Rbrace: vs.End()}
		for _, v := range vs.Values {
			body.List = append(body.List, &ast.ExprStmt{X: v})
		}
		out = append(out, &ast.FuncDecl{Name: vs.Names[0], Type: &ast.FuncType{Func: vs.Pos()}, Body: body})
	}
	return out
}

// FeatureAttr recognises t.Attr("feature", ID), a test's declaration
// that it exercises feature ID, with str giving the constant value of a
// string argument.
func FeatureAttr(str func(ast.Expr) (string, bool), fn *types.Func, call *ast.CallExpr) (string, bool) {
	if fn.Name() != "Attr" || fn.Pkg() == nil || fn.Pkg().Path() != "testing" || len(call.Args) != 2 {
		return "", false
	}
	key, ok := str(call.Args[0])
	if !ok || key != "feature" {
		return "", false
	}
	return str(call.Args[1])
}

// TestFileFor names the test file beside a source file.
func TestFileFor(file string) string {
	return strings.TrimSuffix(file, ".go") + "_test.go"
}

package analyzer

import (
	"go/ast"

	"golang.org/x/tools/go/packages"
)

// calledLits returns the function literals that e calls where they are
// written (`func() T { ... }()`): their bodies run when e is evaluated.
func calledLits(e ast.Expr) map[*ast.FuncLit]bool {
	called := map[*ast.FuncLit]bool{}
	ast.Inspect(e, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if lit, ok := calledExpr(call).(*ast.FuncLit); ok {
				called[lit] = true
			}
		}
		return true
	})
	return called
}

// storageIn returns the package variables and fields an expression
// handed to a router reads: the router runs what they hold, which their
// initializers and writers put there (`mux.HandleFunc("/b",
// handlers["b"])` runs the closure `handlers` was initialised with).
// Without this, such a route would reach that closure only through the
// package's init, as if the closure ran at start-up.
func (g *Graph) storageIn(pkg *packages.Package, e ast.Expr) []int {
	var ids []int
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if id := g.nodeOf(pkg.TypesInfo.Uses[n]); id >= 0 && (g.nodes[id].kind == varNode || g.nodes[id].kind == fieldNode) {
				ids = append(ids, id)
			}
		case *ast.FuncLit:
			return false
		}
		return true
	})
	return ids
}

package analyzer

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/packages"
)

// calledLits returns the function literals that evaluating e may call:
// those called where they are written (`func() T { ... }()`), and those
// handed to a call as an argument, at any depth (`sort.SliceStable(xs,
// func(i, j int) bool { ... })`, `dep.New(dep.Options{OnX: func() {
// ... }})`), which the callee may call right away. A conversion
// (`http.HandlerFunc(func ...)`) calls nothing.
func calledLits(info *types.Info, e ast.Expr) map[*ast.FuncLit]bool {
	called := map[*ast.FuncLit]bool{}
	ast.Inspect(e, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || info.Types[call.Fun].IsType() {
			return true
		}
		if lit, ok := calledExpr(call).(*ast.FuncLit); ok {
			called[lit] = true
		}
		for _, arg := range call.Args {
			ast.Inspect(arg, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok {
					called[lit] = true
				}
				return true
			})
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

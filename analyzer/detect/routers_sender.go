package detect

import (
	"go/ast"
	"go/types"
)

// requestSender is a router dialect's optional hook for the test side:
// a method of the library's routers, other than ServeHTTP, that hands
// the router a request and returns its response (fiber's app.Test(req)).
type RequestSender interface {
	// sentRequest returns the request a call of fn sends, or false when
	// fn is no such method.
	SentRequest(fn *types.Func, call *ast.CallExpr) (ast.Expr, bool)
}

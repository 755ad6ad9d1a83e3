package analyzer

import (
	"go/ast"
	"go/types"

	"github.com/blastgate/blastgate/analyzer/astq"
)

// The shared AST and type helpers live in package astq (issue 15: one
// place for the analyzer and its stages). These are the names the
// graph, the walk and the start-up code still call them by; new code
// calls astq directly.

func identOf(e ast.Expr) *ast.Ident                   { return astq.IdentOf(e) }
func derefType(t types.Type) types.Type               { return astq.Deref(t) }
func isAbstract(fn *types.Func) bool                  { return astq.IsAbstract(fn) }
func withoutRecv(s *types.Signature) *types.Signature { return astq.WithoutRecv(s) }
func objName(obj types.Object) string                 { return astq.ObjName(obj) }
func calledExpr(call *ast.CallExpr) ast.Expr          { return astq.CalledExpr(call) }

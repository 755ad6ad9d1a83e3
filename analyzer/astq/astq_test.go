package astq

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const src = `package shop

type Handler struct{ fee int }

func (h *Handler) BuyToken() {}

func (h Handler) Fee() int { return h.fee }

func Map[T any](x T) T { return x }

const prefix = "/token"

var Names = []string{prefix + "/buy", "x"}

func run(h *Handler) {
	h.fee = 1
	(Map[int])(2)
	_ = Names
	h.BuyToken()
}
`

// check type-checks src as package example.com/shop.
func check(t *testing.T) (*ast.File, *types.Info, *types.Package) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "shop.go", src, 0)
	require.NoError(t, err)
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances: map[*ast.Ident]types.Instance{},
	}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("example.com/shop", fset, []*ast.File{f}, info)
	require.NoError(t, err)
	return f, info, pkg
}

func TestObjName(t *testing.T) {
	_, _, pkg := check(t)
	h := pkg.Scope().Lookup("Handler").Type().(*types.Named)
	names := map[string]string{}
	for m := range h.Methods() {
		names[m.Name()] = ObjName(m)
	}
	assert.Equal(t, "example.com/shop.(*Handler).BuyToken", names["BuyToken"])
	assert.Equal(t, "example.com/shop.Handler.Fee", names["Fee"])
	assert.Equal(t, "example.com/shop.Names", ObjName(pkg.Scope().Lookup("Names")))
}

func TestCallsAndWrites(t *testing.T) {
	f, info, _ := check(t)
	var calls []*ast.CallExpr
	var assign *ast.AssignStmt
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			calls = append(calls, n)
		case *ast.AssignStmt:
			if assign == nil && n.Tok == token.ASSIGN {
				assign = n
			}
		}
		return true
	})
	require.Len(t, calls, 2)
	// (Map[int])(2): the generic function, without parentheses or type
	// arguments.
	assert.Equal(t, "Map", IdentOf(CalledExpr(calls[0])).Name)
	assert.Equal(t, "Map", CalleeObj(info, calls[0]).Name())
	assert.Equal(t, "BuyToken", CalleeObj(info, calls[1]).Name())
	// h.fee = 1 writes the field fee.
	require.NotNil(t, assign)
	v, ok := Assignee(info, assign.Lhs[0]).(*types.Var)
	require.True(t, ok)
	assert.True(t, v.IsField())
	assert.Equal(t, "fee", v.Name())
}

func TestConstStrings(t *testing.T) {
	f, info, _ := check(t)
	var lit *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		if l, ok := n.(*ast.CompositeLit); ok {
			lit = l
		}
		return true
	})
	require.NotNil(t, lit)
	got, ok := ConstStrings(info, lit)
	require.True(t, ok)
	assert.Equal(t, []string{"/token/buy", "x"}, got)
	_, ok = ConstString(info, &ast.Ident{Name: "unknown"})
	assert.False(t, ok)
}

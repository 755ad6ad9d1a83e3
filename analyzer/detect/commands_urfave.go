package detect

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/blastgate/blastgate/analyzer/astq"
	"golang.org/x/tools/go/packages"
)

// Urfave finds urfave/cli's subcommands.
var Urfave = &CLI{
	Name:    "urfave",
	Imports: []string{urfaveV2, urfaveV3},
	Doc: `urfave/cli: v2's &cli.App{Commands: []*cli.Command{{Name: "send",
Action: f, Subcommands: ...}}} and v3's &cli.Command{Name:, Commands:,
Action:}; app.Commands = ... and cmd.Subcommands = append(...) add
children too. A command is runnable when it has an Action; each runnable
command below a root a main package reaches is a feature "DIR send",
entry its Action, with its own and its ancestors' Before, After and
OnUsageError as roots. A name that is not a constant keeps its place as <expr>. Not
seen: commands built from data at run time, and trees no main of the
module reaches.`,
	Dialect: urfaveDialect{},
}

const (
	urfaveV2 = "github.com/urfave/cli/v2"
	urfaveV3 = "github.com/urfave/cli/v3"
)

type urfaveDialect struct{}

// urfaveChildren are the fields that list subcommands.
var urfaveChildren = map[string]bool{"Commands": true, "Subcommands": true}

// urfaveType reports whether t is a command (or v2 app) of urfave/cli.
func urfaveType(t ast.Expr, pkg *packages.Package) (cmd, app bool) {
	typ := pkg.TypesInfo.TypeOf(t)
	for _, p := range []string{urfaveV2, urfaveV3} {
		if astq.IsNamed(typ, p, "Command") {
			return true, false
		}
	}
	return false, astq.IsNamed(typ, urfaveV2, "App")
}

func (urfaveDialect) literal(g cliGraph, pkg *packages.Package, lit *ast.CompositeLit) (*Command, bool) {
	cmd, app := urfaveType(lit, pkg)
	if !cmd && !app {
		return nil, false
	}
	c := &Command{lib: "urfave", Name: "<>", Encl: -1, app: app}
	for key, kv := range astq.KeyedFields(lit) {
		switch key {
		case "Name":
			c.Name, c.Known = cliName(pkg.TypesInfo, kv.Value, false)
		case "Aliases":
			c.Aliases, _ = astq.ConstStrings(pkg.TypesInfo, kv.Value)
		case "Action":
			c.run = kv.Value
		case "Before", "After", "OnUsageError":
			// A command's Before runs before its own action and before
			// its subcommands'.
			c.persistent = append(c.persistent, kv.Value)
		case "Commands", "Subcommands":
			c.childExprs = append(c.childExprs, kv.Value)
		}
	}
	c.regs = litSpans(lit, -1, urfaveChildren)
	return c, true
}

func (urfaveDialect) edges(pkg *packages.Package, n ast.Node) (ast.Expr, []ast.Expr, ast.Node) {
	as, ok := n.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || (as.Tok != token.ASSIGN && as.Tok != token.ADD_ASSIGN) {
		return nil, nil, nil
	}
	sel, ok := ast.Unparen(as.Lhs[0]).(*ast.SelectorExpr)
	if !ok || !urfaveChildren[sel.Sel.Name] {
		return nil, nil, nil
	}
	if cmd, app := urfaveType(sel.X, pkg); !cmd && !app {
		return nil, nil, nil
	}
	return sel.X, as.Rhs, as
}

// RunField: Action runs the command.
func (urfaveDialect) RunField(t types.Type, field string) bool {
	return (astq.IsNamed(t, urfaveV2, "Command") || astq.IsNamed(t, urfaveV3, "Command")) && field == "Action"
}

// Invocation: app.Run(args) and cmd.Run(ctx, args) (RunContext), the
// program name first.
func (urfaveDialect) Invocation(fn *types.Func, call *ast.CallExpr) (CLIInvocation, bool) {
	if p := fn.Pkg().Path(); (p == urfaveV2 || p == urfaveV3) && (fn.Name() == "Run" || fn.Name() == "RunContext") && len(call.Args) > 0 {
		return CLIRunArgs, true
	}
	return cliNoInvocation, false
}

// childrenField: Commands (v2's App and Command, v3's Command) and v2's
// Subcommands.
func (urfaveDialect) childrenField(name string) bool { return urfaveChildren[name] }

package detect

import (
	"go/ast"
	"go/types"

	"github.com/blastgate/blastgate/analyzer/astq"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Cobra finds cobra's subcommands.
var Cobra = &CLI{
	Name:    "cobra",
	Imports: []string{cobraPath},
	Doc: `cobra: &cobra.Command{Use: "send [flags]", RunE: ...} and
parent.AddCommand(child...). The name is Use's first word (Aliases too,
for matching test arguments); a command is runnable when it has Run or
RunE, as cobra's Runnable says. Each runnable command below a root that
a main package reaches is a feature "DIR send", entry its RunE (or Run);
its roots add PreRun, PostRun, Args and the ancestors' Persistent hooks.
A name that is not a constant keeps its place as <expr>. Not seen:
commands built by reflection or from data at run time, and trees no main
of the module reaches (a library's: its code impacts what uses it).`,
	Dialect: cobraDialect{},
}

const cobraPath = "github.com/spf13/cobra"

type cobraDialect struct{}

// cobraHooks are the fields that run with the command; persistent ones
// run for its descendants too.
var (
	cobraRun        = map[string]bool{"Run": true, "RunE": true}
	cobraHooks      = map[string]bool{"PreRun": true, "PreRunE": true, "PostRun": true, "PostRunE": true, "Args": true}
	cobraPersistent = map[string]bool{"PersistentPreRun": true, "PersistentPreRunE": true, "PersistentPostRun": true, "PersistentPostRunE": true}
)

func (cobraDialect) literal(g cliGraph, pkg *packages.Package, lit *ast.CompositeLit) (*Command, bool) {
	if !astq.IsNamed(astq.Deref(pkg.TypesInfo.TypeOf(lit)), cobraPath, "Command") {
		return nil, false
	}
	c := &Command{lib: "cobra", Name: "<>", Encl: -1}
	for key, kv := range astq.KeyedFields(lit) {
		switch name := key; {
		case name == "Use":
			c.Name, c.Known = cliName(pkg.TypesInfo, kv.Value, true)
		case name == "Aliases":
			c.Aliases, _ = astq.ConstStrings(pkg.TypesInfo, kv.Value)
		case cobraRun[name]:
			// cobra runs RunE when it has both: Run is then never run,
			// but kept as a root (sound).
			other := kv.Value
			if c.run == nil || name == "RunE" {
				c.run, other = kv.Value, c.run
			}
			if other != nil {
				c.hooks = append(c.hooks, other)
			}
		case cobraHooks[name]:
			c.hooks = append(c.hooks, kv.Value)
		case cobraPersistent[name]:
			c.persistent = append(c.persistent, kv.Value)
		}
	}
	c.regs = litSpans(lit, -1, nil)
	return c, true
}

func (cobraDialect) edges(pkg *packages.Package, n ast.Node) (ast.Expr, []ast.Expr, ast.Node) {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return nil, nil, nil
	}
	fn, ok := typeutil.Callee(pkg.TypesInfo, call).(*types.Func)
	if !ok || fn.Name() != "AddCommand" || fn.Pkg() == nil || fn.Pkg().Path() != cobraPath {
		return nil, nil, nil
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, nil, nil
	}
	return sel.X, call.Args, call
}

// RunField: Run and RunE run the command.
func (cobraDialect) RunField(t types.Type, field string) bool {
	return astq.IsNamed(t, cobraPath, "Command") && cobraRun[field]
}

// Invocation: cmd.SetArgs(args) then cmd.Execute() (ExecuteC,
// ExecuteContext, ExecuteContextC); any other method of the library is
// no invocation.
func (cobraDialect) Invocation(fn *types.Func, call *ast.CallExpr) (CLIInvocation, bool) {
	if fn.Pkg().Path() != cobraPath {
		return cliNoInvocation, false
	}
	switch fn.Name() {
	case "SetArgs":
		return CLISetArgs, true
	case "Execute", "ExecuteC", "ExecuteContext", "ExecuteContextC":
		return CLIExecute, true
	}
	return cliNoInvocation, true
}

// childrenField: cobra's children are added by AddCommand only.
func (cobraDialect) childrenField(string) bool { return false }

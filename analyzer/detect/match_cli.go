package detect

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Subcommand evidence (commands_cli.go):
//
//   - request: the test executes a command tree's root with constant
//     arguments: cobra's cmd.SetArgs([]string{"invoice", "send"}) and
//     cmd.Execute() (ExecuteC, ExecuteContext, ExecuteContextC) on the
//     same variable, urfave v2's app.Run([]string{"tool", "invoice",
//     "send"}) (RunContext), v3's cmd.Run(ctx, []string{...}); in the
//     test's body or in a helper of its _test.go files it calls with
//     constant arguments. The arguments select the command as cobra
//     does: leading non-flag arguments walk the tree by name or alias.
//     A flag without "=" before the walk ends may take the next
//     argument as its value: no credit (never a guess); nor when a
//     command on the way has a name that is not a constant.
//   - static: the test calls the run function, or a command's run field
//     on a command it built (newSendCmd().RunE(cmd, nil)).

// cliExec is one execution of a command a test does.
type cliExec struct {
	cmds  []*Command // what the executed command may be
	fresh bool       // built by a call: a tree of its own
	args  []string   // the arguments, without the program name
}

// cliTest is what a test does with command trees.
type cliTest struct {
	execs []cliExec
	runs  []*Command // commands whose run field it calls
}

// cliTestKey is a test and the command trees it is scanned against.
type cliTestKey struct {
	s *CLIScan
	t testKey
}

// cliTestOf scans a test for command executions, once.
func (m *Matcher) cliTestOf(s *CLIScan, t TestFunc) *cliTest {
	key := cliTestKey{s, t.key()}
	if m.cliTests == nil {
		m.cliTests = map[cliTestKey]*cliTest{}
	}
	if ct, ok := m.cliTests[key]; ok {
		return ct
	}
	ct := &cliTest{}
	m.cliTests[key] = ct
	if len(s.Cmds) == 0 || t.Decl == nil || t.Pkg == nil || t.Pkg.TypesInfo == nil {
		return ct
	}
	ts := &cliTestScan{s: s, pkg: t.Pkg, out: ct}
	ts.body(t.Decl, nil, 0)
	return ct
}

type cliTestScan struct {
	s   *CLIScan
	pkg *packages.Package
	out *cliTest
}

// body scans a test or helper declaration; bound are the constant
// string lists its []string parameters were given.
func (ts *cliTestScan) body(d *ast.FuncDecl, bound map[types.Object][]string, depth int) {
	info := ts.pkg.TypesInfo
	setArgs := map[types.Object][]string{}
	var executes []*ast.Ident
	ast.Inspect(d.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, isSel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		fn, _ := typeutil.Callee(info, call).(*types.Func)
		switch {
		case isSel && ts.isRunField(info, sel):
			cs, _ := ts.resolve(d, sel.X, 0)
			ts.out.runs = append(ts.out.runs, cs...)
		case fn != nil && fn.Pkg() != nil && isSel && ts.invoked(fn, call) != nil:
			switch *ts.invoked(fn, call) {
			case CLISetArgs, CLIExecute:
				root := astq.ChainRoot(sel.X)
				if root == nil || info.Uses[root] == nil {
					break
				}
				if *ts.invoked(fn, call) == CLISetArgs {
					if len(call.Args) == 1 {
						if args, ok := ts.strings(call.Args[0], bound); ok {
							setArgs[info.Uses[root]] = args
						}
					}
				} else if _, isIdent := ast.Unparen(sel.X).(*ast.Ident); isIdent {
					executes = append(executes, root)
				}
			case CLIRunArgs:
				if args, ok := ts.strings(call.Args[len(call.Args)-1], bound); ok && len(args) > 0 {
					cs, fresh := ts.resolve(d, sel.X, 0)
					ts.out.execs = append(ts.out.execs, cliExec{cmds: cs, fresh: fresh, args: args[1:]})
				}
			}
		case fn != nil && depth < 2:
			ts.helper(call, fn, bound, depth)
		}
		return true
	})
	for _, id := range executes {
		if args, ok := setArgs[info.Uses[id]]; ok {
			cs, fresh := ts.resolve(d, id, 0)
			ts.out.execs = append(ts.out.execs, cliExec{cmds: cs, fresh: fresh, args: args})
		}
	}
}

// isRunField reports whether sel selects a command's run field (cobra's
// Run or RunE, urfave's Action).
func (ts *cliTestScan) isRunField(info *types.Info, sel *ast.SelectorExpr) bool {
	s := info.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal {
		return false
	}
	t := info.TypeOf(sel.X)
	for _, d := range ts.s.G.CLIDialects() {
		if cliRunField(d, t, sel.Sel.Name) {
			return true
		}
	}
	return false
}

// invoked is what a call of fn does with a command, by the dialect of
// fn's library, or nil when fn is no library's.
func (ts *cliTestScan) invoked(fn *types.Func, call *ast.CallExpr) *CLIInvocation {
	for _, d := range ts.s.G.CLIDialects() {
		if inv, ok := cliInvoked(d, fn, call); ok {
			return &inv
		}
	}
	return nil
}

func cliRunField(d CLIDialect, t types.Type, field string) bool {
	defer func() { Blame(d, recover()) }()
	return d.RunField(t, field)
}

func cliInvoked(d CLIDialect, fn *types.Func, call *ast.CallExpr) (CLIInvocation, bool) {
	defer func() { Blame(d, recover()) }()
	return d.Invocation(fn, call)
}

// helper scans a function of the test's _test.go files the test calls,
// its []string parameters bound to the constant arguments it is given.
func (ts *cliTestScan) helper(call *ast.CallExpr, fn *types.Func, bound map[types.Object][]string, depth int) {
	d := ts.decl(fn)
	if d == nil {
		return
	}
	sig := fn.Signature()
	inner := map[types.Object][]string{}
	for i := 0; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		if sig.Variadic() && i == sig.Params().Len()-1 {
			if call.Ellipsis.IsValid() {
				if i < len(call.Args) {
					if v, ok := ts.strings(call.Args[i], bound); ok {
						inner[p] = v
					}
				}
				continue
			}
			var vals []string
			ok := true
			for _, a := range call.Args[min(i, len(call.Args)):] {
				s, isConst := astq.ConstString(ts.pkg.TypesInfo, a)
				ok = ok && isConst
				vals = append(vals, s)
			}
			if ok {
				inner[p] = vals
			}
			continue
		}
		if i < len(call.Args) {
			if v, ok := ts.strings(call.Args[i], bound); ok {
				inner[p] = v
			}
		}
	}
	ts.body(d, inner, depth+1)
}

// decl returns the declaration of a function of the test package's
// _test.go files.
func (ts *cliTestScan) decl(fn *types.Func) *ast.FuncDecl {
	if fn.Pkg() != ts.pkg.Types {
		return nil
	}
	for _, f := range ts.pkg.Syntax {
		if !strings.HasSuffix(ts.s.G.Fset().File(f.Pos()).Name(), "_test.go") {
			continue
		}
		for _, decl := range f.Decls {
			if d, ok := decl.(*ast.FuncDecl); ok && d.Body != nil && ts.pkg.TypesInfo.Defs[d.Name] == fn {
				return d
			}
		}
	}
	return nil
}

// strings evaluates a []string argument: a literal of constants or a
// bound parameter.
func (ts *cliTestScan) strings(e ast.Expr, bound map[types.Object][]string) ([]string, bool) {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		v, ok := bound[ts.pkg.TypesInfo.Uses[id]]
		return v, ok
	}
	return astq.ConstStrings(ts.pkg.TypesInfo, e)
}

// resolve returns the module commands a test's expression may denote,
// and whether it was built by a call (a tree of its own).
func (ts *cliTestScan) resolve(d *ast.FuncDecl, e ast.Expr, depth int) ([]*Command, bool) {
	info := ts.pkg.TypesInfo
	if depth > 4 {
		return nil, false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		return ts.resolve(d, x.X, depth+1)
	case *ast.CallExpr:
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok {
			return ts.s.ByName[astq.ObjName(fn.Origin())], true
		}
	case *ast.SelectorExpr:
		if obj := info.Uses[x.Sel]; obj != nil {
			return ts.s.ByName[astq.ObjName(obj)], false
		}
	case *ast.Ident:
		obj := info.Uses[x]
		if obj == nil {
			return nil, false
		}
		if obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() {
			return ts.s.ByName[astq.ObjName(obj)], false
		}
		// A local: what its one definition in the function gives it.
		var def ast.Expr
		n := 0
		ast.Inspect(d.Body, func(n2 ast.Node) bool {
			as, ok := n2.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, lhs := range as.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && (info.Defs[id] == obj || info.Uses[id] == obj) {
					def, n = as.Rhs[i], n+1
				}
			}
			return true
		})
		if n == 1 {
			return ts.resolve(d, def, depth+1)
		}
	}
	return nil, false
}

// walkArgs follows arguments down from c as cobra finds a command:
// leading non-flag arguments name children (or their aliases). It
// returns the commands walked, c first, or false when the arguments do
// not say for sure.
func walkArgs(c *Command, args []string) ([]*Command, bool) {
	chain := []*Command{c}
	pendingFlag := false // a flag without "=": the next argument may be its value
	for _, a := range args {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			pendingFlag = !strings.Contains(a, "=")
			continue
		}
		if len(c.Children) == 0 {
			break // the rest are the command's arguments
		}
		if pendingFlag {
			return nil, false
		}
		next, ok := childNamed(c, a)
		if !ok {
			return nil, false
		}
		if next == nil {
			break
		}
		c = next
		chain = append(chain, c)
	}
	return chain, true
}

// childNamed returns c's child named (or aliased) a, nil when none is,
// or false when a child's name is not known.
func childNamed(c *Command, a string) (*Command, bool) {
	for _, ch := range c.Children {
		if !ch.Known {
			return nil, false
		}
	}
	for _, ch := range c.Children {
		if ch.Name == a {
			return ch, true
		}
		for _, al := range ch.Aliases {
			if al == a {
				return ch, true
			}
		}
	}
	return nil, true
}

// SendsArgs reports whether test t executes a command tree with
// arguments that select subcommand feature f.
func (m *Matcher) SendsArgs(f Feature, t TestFunc) bool {
	if f.CLI == nil {
		return false
	}
	for _, ex := range m.cliTestOf(f.CLI.Scan, t).execs {
		for _, c := range ex.cmds {
			for k, on := range f.CLI.Chain {
				if on != c || (k > 0 && !ex.fresh) {
					continue
				}
				walked, ok := walkArgs(c, ex.args)
				if ok && sameCmds(walked, f.CLI.Chain[k:]) {
					return true
				}
			}
		}
	}
	return false
}

// RunsField reports whether test t calls f's run field on a command it
// holds.
func (m *Matcher) RunsField(f Feature, t TestFunc) bool {
	if f.CLI == nil {
		return false
	}
	return ContainsCmd(m.cliTestOf(f.CLI.Scan, t).runs, f.CLI.Cmd)
}

func sameCmds(a, b []*Command) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

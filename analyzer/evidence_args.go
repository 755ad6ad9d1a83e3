package analyzer

import (
	"go/ast"
	"go/types"
	"strings"

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
	cmds  []*cliCmd // what the executed command may be
	fresh bool      // built by a call: a tree of its own
	args  []string  // the arguments, without the program name
}

// cliTest is what a test does with command trees.
type cliTest struct {
	execs []cliExec
	runs  []*cliCmd // commands whose run field it calls
}

// cliTestKey is a test and the command trees it is scanned against.
type cliTestKey struct {
	s *cliScan
	t *testFunc
}

// cliTestOf scans a test for command executions, once.
func (c *credit) cliTestOf(s *cliScan, t *testFunc) *cliTest {
	key := cliTestKey{s, t}
	if c.cliTests == nil {
		c.cliTests = map[cliTestKey]*cliTest{}
	}
	if ct, ok := c.cliTests[key]; ok {
		return ct
	}
	ct := &cliTest{}
	c.cliTests[key] = ct
	if len(s.cmds) == 0 || t.decl == nil || t.pkg == nil || t.pkg.TypesInfo == nil {
		return ct
	}
	ts := &cliTestScan{s: s, pkg: t.pkg, out: ct}
	ts.body(t.decl, nil, 0)
	return ct
}

// index keys the module's command holders by name: a test package is
// type-checked apart, with objects of its own.
func (s *cliScan) index() {
	if s.byName != nil {
		return
	}
	s.byName = map[string][]*cliCmd{}
	for obj, cs := range s.byVar {
		if v, ok := obj.(*types.Var); ok && !v.IsField() && obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() {
			s.byName[objName(obj)] = cs
		}
	}
	for fn, cs := range s.byFunc {
		s.byName[objName(fn)] = cs
	}
}

type cliTestScan struct {
	s   *cliScan
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
			case cliSetArgs, cliExecute:
				root := chainRoot(sel.X)
				if root == nil || info.Uses[root] == nil {
					break
				}
				if *ts.invoked(fn, call) == cliSetArgs {
					if len(call.Args) == 1 {
						if args, ok := ts.strings(call.Args[0], bound); ok {
							setArgs[info.Uses[root]] = args
						}
					}
				} else if _, isIdent := ast.Unparen(sel.X).(*ast.Ident); isIdent {
					executes = append(executes, root)
				}
			case cliRunArgs:
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
	for _, d := range ts.s.g.cliDialects() {
		if cliRunField(d, t, sel.Sel.Name) {
			return true
		}
	}
	return false
}

// invoked is what a call of fn does with a command, by the dialect of
// fn's library, or nil when fn is no library's.
func (ts *cliTestScan) invoked(fn *types.Func, call *ast.CallExpr) *cliInvocation {
	for _, d := range ts.s.g.cliDialects() {
		if inv, ok := cliInvoked(d, fn, call); ok {
			return &inv
		}
	}
	return nil
}

func cliRunField(d cliDialect, t types.Type, field string) bool {
	defer func() { blame(d, recover()) }()
	return d.runField(t, field)
}

func cliInvoked(d cliDialect, fn *types.Func, call *ast.CallExpr) (cliInvocation, bool) {
	defer func() { blame(d, recover()) }()
	return d.invocation(fn, call)
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
				s, isConst := constString(ts.pkg.TypesInfo, a)
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
		if !strings.HasSuffix(ts.s.g.prog.Fset.File(f.Pos()).Name(), "_test.go") {
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
	return constStrings(ts.pkg.TypesInfo, e)
}

// resolve returns the module commands a test's expression may denote,
// and whether it was built by a call (a tree of its own).
func (ts *cliTestScan) resolve(d *ast.FuncDecl, e ast.Expr, depth int) ([]*cliCmd, bool) {
	info := ts.pkg.TypesInfo
	if depth > 4 {
		return nil, false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		return ts.resolve(d, x.X, depth+1)
	case *ast.CallExpr:
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok {
			return ts.s.byName[objName(fn.Origin())], true
		}
	case *ast.SelectorExpr:
		if obj := info.Uses[x.Sel]; obj != nil {
			return ts.s.byName[objName(obj)], false
		}
	case *ast.Ident:
		obj := info.Uses[x]
		if obj == nil {
			return nil, false
		}
		if obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() {
			return ts.s.byName[objName(obj)], false
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
func walkArgs(c *cliCmd, args []string) ([]*cliCmd, bool) {
	chain := []*cliCmd{c}
	pendingFlag := false // a flag without "=": the next argument may be its value
	for _, a := range args {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			pendingFlag = !strings.Contains(a, "=")
			continue
		}
		if len(c.children) == 0 {
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
func childNamed(c *cliCmd, a string) (*cliCmd, bool) {
	for _, ch := range c.children {
		if !ch.known {
			return nil, false
		}
	}
	for _, ch := range c.children {
		if ch.name == a {
			return ch, true
		}
		for _, al := range ch.aliases {
			if al == a {
				return ch, true
			}
		}
	}
	return nil, true
}

// servesArgs reports whether test t executes a command tree with
// arguments that select subcommand feature f.
func (c *credit) servesArgs(f Feature, t *testFunc) bool {
	if f.cli == nil {
		return false
	}
	for _, ex := range c.cliTestOf(f.cli.scan, t).execs {
		for _, c := range ex.cmds {
			for k, on := range f.cli.chain {
				if on != c || (k > 0 && !ex.fresh) {
					continue
				}
				walked, ok := walkArgs(c, ex.args)
				if ok && sameCmds(walked, f.cli.chain[k:]) {
					return true
				}
			}
		}
	}
	return false
}

// runsField reports whether test t calls f's run field on a command it
// holds.
func (c *credit) runsField(f Feature, t *testFunc) bool {
	if f.cli == nil {
		return false
	}
	return containsCmd(c.cliTestOf(f.cli.scan, t).runs, f.cli.cmd)
}

func sameCmds(a, b []*cliCmd) bool {
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

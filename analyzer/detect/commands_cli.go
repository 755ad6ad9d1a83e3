package detect

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/report"
)

// CLI subcommands: the command trees of cobra (commands_cobra.go) and
// urfave/cli v2 and v3 (commands_urfave.go). Each runnable command below
// a tree's root is a command feature "DIR sub sub2", DIR the directory of
// the main package whose main reaches the code that builds the root;
// its entry is its run function (Run, RunE, Action). What runs before
// dispatch (flags, the root's own run, main) stays with the main
// package's feature, whose reach stops at the subcommands' run functions.
//
// Soundness: a subcommand's roots are its run function, its own hooks
// (PreRun, Args, Before...), the persistent hooks of its ancestors and
// its package's init; its registration (the command's literal fields but
// its children, the AddCommand call, its flag wiring) impacts it when a
// change touches it. A tree that no main of the module reaches (a
// library's) makes no features: its code impacts the features that use
// it as any code does. A command whose name is not a constant keeps its
// place in the id as <expr>.

// Command is one command of a tree as the source declares it.
type Command struct {
	lib  string // "cobra", "urfave"
	Name string // the command's name, or <expr>
	// Known is false when the name is not a constant: requests cannot
	// be matched against it.
	Known   bool
	Aliases []string
	pkg     *packages.Package
	file    *ast.File
	lit     *ast.CompositeLit
	Encl    int      // the node of the declaration that builds it
	run     ast.Expr // Run, RunE, Action; nil: not runnable
	// hooks run when the command runs (PreRun, Args, Before...);
	// persistent ones run for its descendants too.
	hooks, persistent []ast.Expr
	// childExprs are the expressions listing its children in the
	// literal itself (urfave's Commands, Subcommands).
	childExprs []ast.Expr
	Children   []*Command
	parents    int
	// app: urfave v2's *cli.App, a root that is never a subcommand.
	app  bool
	regs []RegSpan
}

// cliGraph is the graph as the command-tree engine reads it.
type cliGraph struct{ Graph }

// NodeID is the node of a declared object, 0 when it has none (as an
// index of a map of nodes gives).
func (g cliGraph) NodeID(obj types.Object) int {
	id, _ := g.Node(obj)
	return id
}

// initOf is the init node of a package path, 0 when it has none.
func (g cliGraph) initOf(path string) int {
	id, _ := g.Init(path)
	return id
}

// CLIScan finds the command trees of the module and the values that
// hold their commands.
type CLIScan struct {
	G     cliGraph
	Cmds  []*Command
	byLit map[*ast.CompositeLit]*Command
	// ByVar and byFunc are the commands a variable (or struct field) is
	// given and a function returns.
	ByVar  map[types.Object][]*Command
	ByFunc map[*types.Func][]*Command
	// ByName keys package variables and functions by name, for tests
	// (match_cli.go).
	ByName map[string][]*Command
}

// CLIDialect recognises one library's command literals.
type CLIDialect interface {
	// literal fills in a command from a composite literal of the
	// library's command type, or reports false.
	literal(g cliGraph, pkg *packages.Package, lit *ast.CompositeLit) (*Command, bool)
	// edges returns the (parent, children) expressions of a call or an
	// assignment that adds subcommands outside a literal.
	edges(pkg *packages.Package, n ast.Node) (parent ast.Expr, children []ast.Expr, span ast.Node)

	// childrenField reports whether a command's field of this name lists
	// its subcommands (urfave's Commands): app.Commands = append(
	// app.Commands, c) keeps the children it has.
	childrenField(name string) bool

	// The test side (match_cli.go): how a test runs a command.
	//
	// runField reports whether field of a value of type t is a
	// command's run function (a test calling it runs the command).
	RunField(t types.Type, field string) bool
	// Invocation says what a test's call of fn, a method called on a
	// command value, does with the command, or false when fn is none
	// of the library's.
	Invocation(fn *types.Func, call *ast.CallExpr) (CLIInvocation, bool)
}

// CLIInvocation is what a test's call does with a command.
type CLIInvocation int

const (
	cliNoInvocation CLIInvocation = iota
	// CLISetArgs sets the arguments (call.Args[0], without the program
	// name) that a later cliExecute runs the command with (cobra's
	// SetArgs).
	CLISetArgs
	// CLIExecute runs the command with the arguments set (cobra's
	// Execute).
	CLIExecute
	// CLIRunArgs runs the command with the arguments of its last
	// argument, the program name first (urfave's Run).
	CLIRunArgs
)

// cliLiteral and cliEdges call a dialect's hooks; a panic names its
// detector.
func cliLiteral(d CLIDialect, g cliGraph, pkg *packages.Package, lit *ast.CompositeLit) (*Command, bool) {
	defer func() { Blame(d, recover()) }()
	return d.literal(g, pkg, lit)
}

func cliEdges(d CLIDialect, pkg *packages.Package, n ast.Node) (ast.Expr, []ast.Expr, ast.Node) {
	defer func() { Blame(d, recover()) }()
	return d.edges(pkg, n)
}

// cliTrees scans the module's command trees. Features does, once; the
// subcommand features it finds hold the scan (CLIFeature.Scan), for the
// test side.
func (g cliGraph) cliTrees() *CLIScan {
	s := &CLIScan{G: g, byLit: map[*ast.CompositeLit]*Command{}, ByVar: map[types.Object][]*Command{}, ByFunc: map[*types.Func][]*Command{}}
	for _, pkg := range g.Packages() {
		if pkg.TypesInfo == nil || !g.importsCLI(pkg) {
			continue
		}
		if _, broken := g.Broken(pkg.PkgPath); broken {
			continue
		}
		for _, f := range pkg.Syntax {
			s.literals(pkg, f)
		}
	}
	if len(s.Cmds) == 0 {
		return s
	}
	// Variables and functions that hold commands: a few rounds let a
	// function return a variable given another function's command.
	for range 4 {
		for _, pkg := range g.Packages() {
			if s.relevant(pkg) {
				for _, f := range pkg.Syntax {
					s.bind(pkg, f)
				}
			}
		}
	}
	for _, pkg := range g.Packages() {
		if s.relevant(pkg) {
			for _, f := range pkg.Syntax {
				s.link(pkg, f)
			}
		}
	}
	s.index()
	return s
}

// importsCLI reports whether pkg imports a supported CLI library.
func (g cliGraph) importsCLI(pkg *packages.Package) bool {
	for _, p := range g.CLIImports() {
		if _, ok := pkg.Imports[p]; ok {
			return true
		}
	}
	return false
}

func (s *CLIScan) relevant(pkg *packages.Package) bool {
	if pkg.TypesInfo == nil {
		return false
	}
	_, broken := s.G.Broken(pkg.PkgPath)
	return !broken
}

// literals records every command literal of a file.
func (s *CLIScan) literals(pkg *packages.Package, f *ast.File) {
	for _, decl := range f.Decls {
		encl := s.G.DeclNode(pkg, decl)
		ast.Inspect(decl, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			for _, d := range s.G.CLIDialects() {
				if c, ok := cliLiteral(d, s.G, pkg, lit); ok {
					c.pkg, c.file, c.lit, c.Encl = pkg, f, lit, encl
					for i := range c.regs {
						c.regs[i].Encl = encl
					}
					s.Cmds = append(s.Cmds, c)
					s.byLit[lit] = c
					break
				}
			}
			return true
		})
	}
}

// resolve returns the commands an expression may denote.
func (s *CLIScan) resolve(pkg *packages.Package, e ast.Expr) []*Command {
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return s.resolve(pkg, x.X)
		}
	case *ast.CompositeLit:
		if c := s.byLit[x]; c != nil {
			return []*Command{c}
		}
	case *ast.Ident:
		return s.ByVar[pkg.TypesInfo.Uses[x]]
	case *ast.SelectorExpr:
		if sel := pkg.TypesInfo.Selections[x]; sel != nil {
			return s.ByVar[sel.Obj()]
		}
		return s.ByVar[pkg.TypesInfo.Uses[x.Sel]]
	case *ast.CallExpr:
		if fn, ok := typeutil.Callee(pkg.TypesInfo, x).(*types.Func); ok {
			if isInterfaceMethod(fn) {
				return s.implementations(fn)
			}
			return s.ByFunc[fn.Origin()]
		}
	}
	return nil
}

func isInterfaceMethod(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

// implementations returns the commands the module's implementations of
// an interface method return: for _, c := range commands {
// root.AddCommand(c.New(opts)) }.
func (s *CLIScan) implementations(m *types.Func) []*Command {
	iface, _ := m.Signature().Recv().Type().Underlying().(*types.Interface)
	if iface == nil {
		return nil
	}
	var out []*Command
	for _, fn := range sortedFuncs(s.ByFunc) {
		recv := fn.Signature().Recv()
		if recv == nil || fn.Name() != m.Name() {
			continue
		}
		t := astq.Deref(recv.Type())
		if types.Implements(t, iface) || types.Implements(types.NewPointer(t), iface) {
			out = append(out, s.ByFunc[fn]...)
		}
	}
	return out
}

// sortedFuncs orders a function map's keys by position, for stable
// output.
func sortedFuncs(m map[*types.Func][]*Command) []*types.Func {
	out := make([]*types.Func, 0, len(m))
	for fn := range m {
		out = append(out, fn)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos() < out[j].Pos() })
	return out
}

// bind records what variables, fields and functions hold commands.
func (s *CLIScan) bind(pkg *packages.Package, f *ast.File) {
	info := pkg.TypesInfo
	give := func(obj types.Object, cs []*Command) {
		if obj == nil {
			return
		}
		for _, c := range cs {
			if !ContainsCmd(s.ByVar[obj], c) {
				s.ByVar[obj] = append(s.ByVar[obj], c)
			}
		}
	}
	for _, decl := range f.Decls {
		ast.Inspect(decl, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.AssignStmt:
				if len(x.Lhs) != len(x.Rhs) {
					return true
				}
				for i, lhs := range x.Lhs {
					give(assignedObj(info, lhs), s.listed(pkg, x.Rhs[i]))
				}
			case *ast.ValueSpec:
				for i, id := range x.Names {
					if i < len(x.Values) {
						give(info.Defs[id], s.listed(pkg, x.Values[i]))
					}
				}
			case *ast.CompositeLit:
				// A struct that keeps a command in a field.
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if key, ok := kv.Key.(*ast.Ident); ok {
						if v, ok := info.Uses[key].(*types.Var); ok && v.IsField() && s.G.InModule(v) {
							give(v, s.resolve(pkg, kv.Value))
						}
					}
				}
			}
			return true
		})
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		fn, _ := info.Defs[fd.Name].(*types.Func)
		if fn == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if _, lit := n.(*ast.FuncLit); lit {
				return false
			}
			if ret, ok := n.(*ast.ReturnStmt); ok {
				for _, r := range ret.Results {
					for _, c := range s.listed(pkg, r) {
						if !ContainsCmd(s.ByFunc[fn], c) {
							s.ByFunc[fn] = append(s.ByFunc[fn], c)
						}
					}
				}
			}
			return true
		})
	}
}

// assignedObj returns the variable or field an assignment writes.
func assignedObj(info *types.Info, lhs ast.Expr) types.Object {
	switch x := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		if obj := info.Defs[x]; obj != nil {
			return obj
		}
		return info.Uses[x]
	case *ast.SelectorExpr:
		if sel := info.Selections[x]; sel != nil {
			return sel.Obj()
		}
	}
	return nil
}

func ContainsCmd(cs []*Command, c *Command) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// link connects parents to their children: the literals' own child
// lists and the dialects' adding calls and assignments.
func (s *CLIScan) link(pkg *packages.Package, f *ast.File) {
	for _, c := range s.Cmds {
		if c.pkg != pkg || c.file != f {
			continue
		}
		for _, e := range c.childExprs {
			for _, child := range s.listed(pkg, e) {
				s.adopt(c, child, nil)
			}
		}
	}
	for _, decl := range f.Decls {
		encl := s.G.DeclNode(pkg, decl)
		ast.Inspect(decl, func(n ast.Node) bool {
			for _, d := range s.G.CLIDialects() {
				parent, children, span := cliEdges(d, pkg, n)
				if parent == nil {
					continue
				}
				var sp *RegSpan
				if span != nil {
					sp = &RegSpan{From: span.Pos(), To: span.End(), Encl: encl}
				}
				for _, p := range s.resolve(pkg, parent) {
					for _, ce := range children {
						for _, child := range s.listed(pkg, ce) {
							s.adopt(p, child, sp)
						}
					}
				}
			}
			return true
		})
	}
	s.flagWiring(pkg, f)
}

// childrenField reports whether a field of the name lists a command's
// subcommands, in any dialect.
func (s *CLIScan) childrenField(name string) bool {
	for _, d := range s.G.CLIDialects() {
		if cliChildrenField(d, name) {
			return true
		}
	}
	return false
}

func cliChildrenField(d CLIDialect, name string) bool {
	defer func() { Blame(d, recover()) }()
	return d.childrenField(name)
}

// listed resolves an element list ([]*cli.Command{a, b}, append(x, a))
// or a single command expression.
func (s *CLIScan) listed(pkg *packages.Package, e ast.Expr) []*Command {
	switch x := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		if s.byLit[x] == nil {
			var out []*Command
			for _, el := range x.Elts {
				out = append(out, s.listed(pkg, el)...)
			}
			return out
		}
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok && id.Name == "append" {
			if _, builtin := pkg.TypesInfo.Uses[id].(*types.Builtin); builtin {
				var out []*Command
				for i, a := range x.Args {
					if sel, ok := ast.Unparen(a).(*ast.SelectorExpr); i == 0 && ok && s.childrenField(sel.Sel.Name) {
						continue // app.Commands = append(app.Commands, c): its own children
					}
					out = append(out, s.listed(pkg, a)...)
				}
				return out
			}
		}
	}
	return s.resolve(pkg, e)
}

// adopt makes child a subcommand of parent, with the span that adds it.
func (s *CLIScan) adopt(parent, child *Command, sp *RegSpan) {
	if sp != nil {
		child.regs = append(child.regs, *sp)
	}
	if parent == child || ContainsCmd(parent.Children, child) {
		return
	}
	parent.Children = append(parent.Children, child)
	child.parents++
}

// flagWiring adds to a command's registration the calls on a variable
// that holds it alone: cmd.Flags().StringVar(...), cmd.MarkFlagRequired.
func (s *CLIScan) flagWiring(pkg *packages.Package, f *ast.File) {
	for _, decl := range f.Decls {
		encl := s.G.DeclNode(pkg, decl)
		ast.Inspect(decl, func(n ast.Node) bool {
			st, ok := n.(*ast.ExprStmt)
			if !ok {
				return true
			}
			call, ok := st.X.(*ast.CallExpr)
			if !ok {
				return true
			}
			root := astq.ChainRoot(call.Fun)
			if root == nil {
				return true
			}
			cs := s.ByVar[pkg.TypesInfo.Uses[root]]
			if len(cs) != 1 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "AddCommand") {
				return true // the children's registration, not the parent's
			}
			cs[0].regs = append(cs[0].regs, RegSpan{From: call.Pos(), To: call.End(), Encl: encl})
			return true
		})
	}
}

// litSpans are the spans of a literal's fields but its children and the
// closures it is handed (code of their own, roots of the feature).
func litSpans(lit *ast.CompositeLit, encl int, skip map[string]bool) []RegSpan {
	var out []RegSpan
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			out = append(out, RegSpan{From: el.Pos(), To: el.End(), Encl: encl})
			continue
		}
		key, _ := kv.Key.(*ast.Ident)
		if key != nil && skip[key.Name] {
			continue
		}
		if fl, ok := kv.Value.(*ast.FuncLit); ok {
			out = append(out, RegSpan{From: kv.Pos(), To: fl.Type.End(), Encl: encl})
			continue
		}
		out = append(out, RegSpan{From: kv.Pos(), To: kv.End(), Encl: encl})
	}
	if len(out) == 0 {
		out = append(out, RegSpan{From: lit.Pos(), To: lit.End(), Encl: encl})
	}
	return out
}

// cliRoot is a tree's root command and the main package that runs it.
type cliRoot struct {
	cmd *Command
	dir string // the main package's feature id
}

// WithSubcommands adds to features (the routes and main packages) a
// feature for every runnable subcommand of the trees the module's main
// packages reach.
func WithSubcommands(g Graph, features []Feature) []Feature {
	return cliGraph{g}.withSubcommands(features)
}

// withSubcommands is WithSubcommands.
func (g cliGraph) withSubcommands(features []Feature) []Feature {
	s := g.cliTrees()
	var subs []Feature
	roots := s.roots()
	for _, r := range roots {
		g.walkTree(r, r.cmd, nil, nil, map[*Command]bool{}, &subs)
	}
	if len(subs) == 0 {
		return features
	}
	for _, f := range subs {
		if f.CLI != nil {
			f.CLI.Scan = s
		}
	}
	g.callsBetween(subs)
	g.mainsCallingSubcommands(features, roots, subs)
	return append(features, subs...)
}

// mainsCallingSubcommands adds to a main package's roots the run
// functions of subcommands that its own code calls statically (the
// root's Run falling back to serve's, main calling it when no command
// matches): its reach stops at them (impact.Stops), yet it runs them.
func (g cliGraph) mainsCallingSubcommands(features []Feature, roots []cliRoot, subs []Feature) {
	entries := map[int]bool{}
	for _, f := range subs {
		for _, e := range f.Entries {
			entries[e] = true
		}
	}
	for i := range features {
		f := &features[i]
		if f.Kind != report.KindCommand || f.CLI != nil {
			continue
		}
		start := append([]int(nil), f.Roots...)
		for _, r := range roots {
			if r.dir != f.ID {
				continue
			}
			for _, e := range append(append([]ast.Expr{r.cmd.run}, r.cmd.hooks...), r.cmd.persistent...) {
				if e != nil {
					start = append(start, g.ReferencedIn(r.cmd.pkg, e)...)
				}
			}
		}
		for id := range g.staticReach(start) {
			if entries[id] {
				f.Roots = append(f.Roots, id)
			}
		}
	}
}

// staticReach returns the nodes reachable from start through static
// calls, start included.
func (g cliGraph) staticReach(start []int) map[int]bool {
	seen := map[int]bool{}
	queue := []int{}
	for _, id := range start {
		if id >= 0 && !seen[id] {
			seen[id] = true
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, next := range g.Calls(id) {
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	return seen
}

// callsBetween adds to a subcommand's roots the run functions of the
// other subcommands its own run function calls: every subcommand's
// reach stops at the others' run functions (impact.Stops), and one that
// runs another's runs what that one reaches.
func (g cliGraph) callsBetween(subs []Feature) {
	entries := map[int]bool{}
	for _, f := range subs {
		for _, e := range f.Entries {
			entries[e] = true
		}
	}
	for i := range subs {
		seen := map[int]bool{}
		queue := append([]int(nil), subs[i].Entries...)
		for _, e := range queue {
			seen[e] = true
		}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			for _, next := range g.Calls(id) {
				if seen[next] {
					continue
				}
				seen[next] = true
				queue = append(queue, next)
				if entries[next] {
					subs[i].Roots = append(subs[i].Roots, next)
				}
			}
		}
	}
}

// roots pairs each tree root with the main packages whose main reaches
// the code that builds it.
func (s *CLIScan) roots() []cliRoot {
	var roots []*Command
	for _, c := range s.Cmds {
		if c.parents == 0 && len(c.Children) > 0 {
			roots = append(roots, c)
		}
	}
	if len(roots) == 0 {
		return nil
	}
	var out []cliRoot
	for _, pkg := range s.G.Packages() {
		main, ok := s.G.command(pkg)
		if !ok || len(main.Entries) == 0 {
			continue
		}
		// Only a main that imports a root's package can build it: the
		// walk over the graph is for those.
		imports := map[string]bool{}
		for _, p := range ModuleImports(s.G, pkg) {
			imports[p] = true
		}
		var mine []*Command
		for _, r := range roots {
			if imports[r.pkg.PkgPath] {
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 {
			continue
		}
		reach := s.G.forward(main.Roots)
		for _, r := range mine {
			if r.Encl >= 0 && reach[r.Encl] {
				out = append(out, cliRoot{cmd: r, dir: main.ID})
			}
		}
	}
	return out
}

// forward returns the nodes reachable from roots along the graph's edges.
func (g cliGraph) forward(roots []int) map[int]bool {
	seen := map[int]bool{}
	queue := []int{}
	for _, r := range roots {
		if r >= 0 && !seen[r] {
			seen[r] = true
			queue = append(queue, r)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for to := range g.Succ(id) {
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	return seen
}

// walkTree makes the features of c's subtree; path are the names from
// the root, persistent the hooks its ancestors run for it.
func (g cliGraph) walkTree(r cliRoot, c *Command, path []string, persistent []*Command, onPath map[*Command]bool, out *[]Feature) {
	if onPath[c] {
		return
	}
	onPath[c] = true
	defer delete(onPath, c)
	if len(path) > 0 && c.run != nil {
		*out = append(*out, g.subcommand(r, c, path, persistent))
	}
	persistent = append(persistent, c)
	for _, child := range c.Children {
		g.walkTree(r, child, append(append([]string(nil), path...), child.Name), persistent[:len(persistent):len(persistent)], onPath, out)
	}
}

// subcommand makes the feature of one runnable subcommand.
func (g cliGraph) subcommand(r cliRoot, c *Command, path []string, ancestors []*Command) Feature {
	f := Feature{Feature: report.Feature{ID: r.dir + " " + strings.Join(path, " "), Kind: report.KindCommand, Tests: []report.Test{}}, Registrar: -1}
	f.Position.File, f.Position.Line = g.Rel(c.lit.Pos())
	res := HandlerResolver{G: g.Graph, Pkg: c.pkg, File: c.file, Seen: map[types.Object]bool{}}
	entry, name := res.Resolve(c.run)
	if entry < 0 && name == "" {
		name = "(unresolved run function in " + g.NodeName(max(c.Encl, 0)) + ")"
	}
	f.Entry = name
	if entry >= 0 {
		f.Entries = []int{entry}
		f.Roots = append(f.Roots, entry)
	}
	for _, e := range res.Visited {
		f.Roots = append(f.Roots, g.ReferencedIn(c.pkg, e)...)
	}
	for _, h := range c.hooks {
		f.Roots = append(f.Roots, g.ReferencedIn(c.pkg, h)...)
	}
	for _, a := range append(ancestors, c) {
		for _, h := range a.persistent {
			f.Roots = append(f.Roots, g.ReferencedIn(a.pkg, h)...)
		}
	}
	f.Roots = append(f.Roots, g.initOf(c.pkg.PkgPath))
	if entry >= 0 && g.NodePkg(entry) != "" {
		if init, ok := g.Init(g.NodePkg(entry)); ok {
			f.Roots = append(f.Roots, init)
		}
	}
	f.Regs = append(f.Regs, c.regs...)
	f.CLI = &CLIFeature{Root: r.cmd, Cmd: c, Path: path, Chain: append(append([]*Command(nil), ancestors...), c)}
	return f
}

// CLIFeature ties a subcommand feature to its tree, for evidence.
type CLIFeature struct {
	// Scan is the scan of the command trees that found it.
	Scan *CLIScan
	Root *Command
	Cmd  *Command
	Path []string
	// Chain are the commands from the root to cmd.
	Chain []*Command
}

// cliName returns a command name expression's constant value, or the
// expression in angle brackets.
func cliName(info *types.Info, e ast.Expr, firstWord bool) (string, bool) {
	if s, ok := astq.ConstString(info, e); ok {
		if firstWord {
			if fs := strings.Fields(s); len(fs) > 0 {
				return fs[0], true
			}
			return "", true
		}
		return s, true
	}
	return "<" + types.ExprString(e) + ">", false
}

// sortedCmds orders commands by position, for stable output.
func sortedCmds(cs []*Command) []*Command {
	out := append([]*Command(nil), cs...)
	sort.Slice(out, func(i, j int) bool { return out[i].lit.Pos() < out[j].lit.Pos() })
	return out
}

// index keys the module's command holders by name: a test package is
// type-checked apart, with objects of its own.
func (s *CLIScan) index() {
	if s.ByName != nil {
		return
	}
	s.ByName = map[string][]*Command{}
	for obj, cs := range s.ByVar {
		if v, ok := obj.(*types.Var); ok && !v.IsField() && obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope() {
			s.ByName[astq.ObjName(obj)] = cs
		}
	}
	for fn, cs := range s.ByFunc {
		s.ByName[astq.ObjName(fn)] = cs
	}
}

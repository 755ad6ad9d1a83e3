package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/analyzer/detect"
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

// cliCmd is one command of a tree as the source declares it.
type cliCmd struct {
	lib  string // "cobra", "urfave"
	name string // the command's name, or <expr>
	// known is false when the name is not a constant: requests cannot
	// be matched against it.
	known   bool
	aliases []string
	pkg     *packages.Package
	file    *ast.File
	lit     *ast.CompositeLit
	encl    int      // the node of the declaration that builds it
	run     ast.Expr // Run, RunE, Action; nil: not runnable
	// hooks run when the command runs (PreRun, Args, Before...);
	// persistent ones run for its descendants too.
	hooks, persistent []ast.Expr
	// childExprs are the expressions listing its children in the
	// literal itself (urfave's Commands, Subcommands).
	childExprs []ast.Expr
	children   []*cliCmd
	parents    int
	// app: urfave v2's *cli.App, a root that is never a subcommand.
	app  bool
	regs []detect.RegSpan
}

// cliScan finds the command trees of the module and the values that
// hold their commands.
type cliScan struct {
	g     *Graph
	cmds  []*cliCmd
	byLit map[*ast.CompositeLit]*cliCmd
	// byVar and byFunc are the commands a variable (or struct field) is
	// given and a function returns.
	byVar  map[types.Object][]*cliCmd
	byFunc map[*types.Func][]*cliCmd
	// byName keys package variables and functions by name, for tests
	// (evidence_args.go).
	byName map[string][]*cliCmd
}

// cliDialect recognises one library's command literals.
type cliDialect interface {
	// literal fills in a command from a composite literal of the
	// library's command type, or reports false.
	literal(g *Graph, pkg *packages.Package, lit *ast.CompositeLit) (*cliCmd, bool)
	// edges returns the (parent, children) expressions of a call or an
	// assignment that adds subcommands outside a literal.
	edges(pkg *packages.Package, n ast.Node) (parent ast.Expr, children []ast.Expr, span ast.Node)

	// childrenField reports whether a command's field of this name lists
	// its subcommands (urfave's Commands): app.Commands = append(
	// app.Commands, c) keeps the children it has.
	childrenField(name string) bool

	// The test side (evidence_args.go): how a test runs a command.
	//
	// runField reports whether field of a value of type t is a
	// command's run function (a test calling it runs the command).
	runField(t types.Type, field string) bool
	// invocation says what a test's call of fn, a method called on a
	// command value, does with the command, or false when fn is none
	// of the library's.
	invocation(fn *types.Func, call *ast.CallExpr) (cliInvocation, bool)
}

// cliInvocation is what a test's call does with a command.
type cliInvocation int

const (
	cliNoInvocation cliInvocation = iota
	// cliSetArgs sets the arguments (call.Args[0], without the program
	// name) that a later cliExecute runs the command with (cobra's
	// SetArgs).
	cliSetArgs
	// cliExecute runs the command with the arguments set (cobra's
	// Execute).
	cliExecute
	// cliRunArgs runs the command with the arguments of its last
	// argument, the program name first (urfave's Run).
	cliRunArgs
)

// cliLiteral and cliEdges call a dialect's hooks; a panic names its
// detector.
func cliLiteral(d cliDialect, g *Graph, pkg *packages.Package, lit *ast.CompositeLit) (*cliCmd, bool) {
	defer func() { blame(d, recover()) }()
	return d.literal(g, pkg, lit)
}

func cliEdges(d cliDialect, pkg *packages.Package, n ast.Node) (ast.Expr, []ast.Expr, ast.Node) {
	defer func() { blame(d, recover()) }()
	return d.edges(pkg, n)
}

// cliTrees scans the module's command trees. Features does, once; the
// subcommand features it finds hold the scan (cliFeature.scan), for the
// test side.
func (g *Graph) cliTrees() *cliScan {
	s := &cliScan{g: g, byLit: map[*ast.CompositeLit]*cliCmd{}, byVar: map[types.Object][]*cliCmd{}, byFunc: map[*types.Func][]*cliCmd{}}
	for _, pkg := range g.prog.Packages {
		if pkg.TypesInfo == nil || !g.importsCLI(pkg) {
			continue
		}
		if _, broken := g.pkgs[pkg.PkgPath]; broken {
			continue
		}
		for _, f := range pkg.Syntax {
			s.literals(pkg, f)
		}
	}
	if len(s.cmds) == 0 {
		return s
	}
	// Variables and functions that hold commands: a few rounds let a
	// function return a variable given another function's command.
	for range 4 {
		for _, pkg := range g.prog.Packages {
			if s.relevant(pkg) {
				for _, f := range pkg.Syntax {
					s.bind(pkg, f)
				}
			}
		}
	}
	for _, pkg := range g.prog.Packages {
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
func (g *Graph) importsCLI(pkg *packages.Package) bool {
	for _, d := range g.activeDetectors() {
		if d.cli == nil {
			continue
		}
		for _, p := range d.Imports {
			if _, ok := pkg.Imports[p]; ok {
				return true
			}
		}
	}
	return false
}

func (s *cliScan) relevant(pkg *packages.Package) bool {
	if pkg.TypesInfo == nil {
		return false
	}
	_, broken := s.g.pkgs[pkg.PkgPath]
	return !broken
}

// literals records every command literal of a file.
func (s *cliScan) literals(pkg *packages.Package, f *ast.File) {
	for _, decl := range f.Decls {
		encl := s.g.declNode(pkg, decl)
		ast.Inspect(decl, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			for _, d := range s.g.cliDialects() {
				if c, ok := cliLiteral(d, s.g, pkg, lit); ok {
					c.pkg, c.file, c.lit, c.encl = pkg, f, lit, encl
					for i := range c.regs {
						c.regs[i].Encl = encl
					}
					s.cmds = append(s.cmds, c)
					s.byLit[lit] = c
					break
				}
			}
			return true
		})
	}
}

// resolve returns the commands an expression may denote.
func (s *cliScan) resolve(pkg *packages.Package, e ast.Expr) []*cliCmd {
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return s.resolve(pkg, x.X)
		}
	case *ast.CompositeLit:
		if c := s.byLit[x]; c != nil {
			return []*cliCmd{c}
		}
	case *ast.Ident:
		return s.byVar[pkg.TypesInfo.Uses[x]]
	case *ast.SelectorExpr:
		if sel := pkg.TypesInfo.Selections[x]; sel != nil {
			return s.byVar[sel.Obj()]
		}
		return s.byVar[pkg.TypesInfo.Uses[x.Sel]]
	case *ast.CallExpr:
		if fn, ok := typeutil.Callee(pkg.TypesInfo, x).(*types.Func); ok {
			if isInterfaceMethod(fn) {
				return s.implementations(fn)
			}
			return s.byFunc[fn.Origin()]
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
func (s *cliScan) implementations(m *types.Func) []*cliCmd {
	iface, _ := m.Signature().Recv().Type().Underlying().(*types.Interface)
	if iface == nil {
		return nil
	}
	var out []*cliCmd
	for _, fn := range sortedFuncs(s.byFunc) {
		recv := fn.Signature().Recv()
		if recv == nil || fn.Name() != m.Name() {
			continue
		}
		t := derefType(recv.Type())
		if types.Implements(t, iface) || types.Implements(types.NewPointer(t), iface) {
			out = append(out, s.byFunc[fn]...)
		}
	}
	return out
}

// sortedFuncs orders a function map's keys by position, for stable
// output.
func sortedFuncs(m map[*types.Func][]*cliCmd) []*types.Func {
	out := make([]*types.Func, 0, len(m))
	for fn := range m {
		out = append(out, fn)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos() < out[j].Pos() })
	return out
}

// bind records what variables, fields and functions hold commands.
func (s *cliScan) bind(pkg *packages.Package, f *ast.File) {
	info := pkg.TypesInfo
	give := func(obj types.Object, cs []*cliCmd) {
		if obj == nil {
			return
		}
		for _, c := range cs {
			if !containsCmd(s.byVar[obj], c) {
				s.byVar[obj] = append(s.byVar[obj], c)
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
						if v, ok := info.Uses[key].(*types.Var); ok && v.IsField() && s.g.inModule(v) {
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
						if !containsCmd(s.byFunc[fn], c) {
							s.byFunc[fn] = append(s.byFunc[fn], c)
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

func containsCmd(cs []*cliCmd, c *cliCmd) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// link connects parents to their children: the literals' own child
// lists and the dialects' adding calls and assignments.
func (s *cliScan) link(pkg *packages.Package, f *ast.File) {
	for _, c := range s.cmds {
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
		encl := s.g.declNode(pkg, decl)
		ast.Inspect(decl, func(n ast.Node) bool {
			for _, d := range s.g.cliDialects() {
				parent, children, span := cliEdges(d, pkg, n)
				if parent == nil {
					continue
				}
				var sp *detect.RegSpan
				if span != nil {
					sp = &detect.RegSpan{From: span.Pos(), To: span.End(), Encl: encl}
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
func (s *cliScan) childrenField(name string) bool {
	for _, d := range s.g.cliDialects() {
		if cliChildrenField(d, name) {
			return true
		}
	}
	return false
}

func cliChildrenField(d cliDialect, name string) bool {
	defer func() { blame(d, recover()) }()
	return d.childrenField(name)
}

// listed resolves an element list ([]*cli.Command{a, b}, append(x, a))
// or a single command expression.
func (s *cliScan) listed(pkg *packages.Package, e ast.Expr) []*cliCmd {
	switch x := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		if s.byLit[x] == nil {
			var out []*cliCmd
			for _, el := range x.Elts {
				out = append(out, s.listed(pkg, el)...)
			}
			return out
		}
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok && id.Name == "append" {
			if _, builtin := pkg.TypesInfo.Uses[id].(*types.Builtin); builtin {
				var out []*cliCmd
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
func (s *cliScan) adopt(parent, child *cliCmd, sp *detect.RegSpan) {
	if sp != nil {
		child.regs = append(child.regs, *sp)
	}
	if parent == child || containsCmd(parent.children, child) {
		return
	}
	parent.children = append(parent.children, child)
	child.parents++
}

// flagWiring adds to a command's registration the calls on a variable
// that holds it alone: cmd.Flags().StringVar(...), cmd.MarkFlagRequired.
func (s *cliScan) flagWiring(pkg *packages.Package, f *ast.File) {
	for _, decl := range f.Decls {
		encl := s.g.declNode(pkg, decl)
		ast.Inspect(decl, func(n ast.Node) bool {
			st, ok := n.(*ast.ExprStmt)
			if !ok {
				return true
			}
			call, ok := st.X.(*ast.CallExpr)
			if !ok {
				return true
			}
			root := chainRoot(call.Fun)
			if root == nil {
				return true
			}
			cs := s.byVar[pkg.TypesInfo.Uses[root]]
			if len(cs) != 1 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "AddCommand") {
				return true // the children's registration, not the parent's
			}
			cs[0].regs = append(cs[0].regs, detect.RegSpan{From: call.Pos(), To: call.End(), Encl: encl})
			return true
		})
	}
}

// litSpans are the spans of a literal's fields but its children and the
// closures it is handed (code of their own, roots of the feature).
func litSpans(lit *ast.CompositeLit, encl int, skip map[string]bool) []detect.RegSpan {
	var out []detect.RegSpan
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			out = append(out, detect.RegSpan{From: el.Pos(), To: el.End(), Encl: encl})
			continue
		}
		key, _ := kv.Key.(*ast.Ident)
		if key != nil && skip[key.Name] {
			continue
		}
		if fl, ok := kv.Value.(*ast.FuncLit); ok {
			out = append(out, detect.RegSpan{From: kv.Pos(), To: fl.Type.End(), Encl: encl})
			continue
		}
		out = append(out, detect.RegSpan{From: kv.Pos(), To: kv.End(), Encl: encl})
	}
	if len(out) == 0 {
		out = append(out, detect.RegSpan{From: lit.Pos(), To: lit.End(), Encl: encl})
	}
	return out
}

// cliRoot is a tree's root command and the main package that runs it.
type cliRoot struct {
	cmd *cliCmd
	dir string // the main package's feature id
}

// withSubcommands adds to features (the routes and main packages) a
// feature for every runnable subcommand of the trees the module's main
// packages reach.
func (g *Graph) withSubcommands(features []Feature) []Feature {
	s := g.cliTrees()
	var subs []Feature
	roots := s.roots()
	for _, r := range roots {
		g.walkTree(r, r.cmd, nil, nil, map[*cliCmd]bool{}, &subs)
	}
	if len(subs) == 0 {
		return features
	}
	for _, f := range subs {
		if f.cli != nil {
			f.cli.scan = s
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
func (g *Graph) mainsCallingSubcommands(features []Feature, roots []cliRoot, subs []Feature) {
	entries := map[int]bool{}
	for _, f := range subs {
		for _, e := range f.entries {
			entries[e] = true
		}
	}
	for i := range features {
		f := &features[i]
		if f.Kind != report.KindCommand || f.cli != nil {
			continue
		}
		start := append([]int(nil), f.roots...)
		for _, r := range roots {
			if r.dir != f.ID {
				continue
			}
			for _, e := range append(append([]ast.Expr{r.cmd.run}, r.cmd.hooks...), r.cmd.persistent...) {
				if e != nil {
					start = append(start, g.referencedIn(r.cmd.pkg, e)...)
				}
			}
		}
		for id := range g.staticReach(start) {
			if entries[id] {
				f.roots = append(f.roots, id)
			}
		}
	}
}

// staticReach returns the nodes reachable from start through static
// calls, start included.
func (g *Graph) staticReach(start []int) map[int]bool {
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
		for _, next := range g.calls[id] {
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
func (g *Graph) callsBetween(subs []Feature) {
	entries := map[int]bool{}
	for _, f := range subs {
		for _, e := range f.entries {
			entries[e] = true
		}
	}
	for i := range subs {
		seen := map[int]bool{}
		queue := append([]int(nil), subs[i].entries...)
		for _, e := range queue {
			seen[e] = true
		}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			for _, next := range g.calls[id] {
				if seen[next] {
					continue
				}
				seen[next] = true
				queue = append(queue, next)
				if entries[next] {
					subs[i].roots = append(subs[i].roots, next)
				}
			}
		}
	}
}

// roots pairs each tree root with the main packages whose main reaches
// the code that builds it.
func (s *cliScan) roots() []cliRoot {
	var roots []*cliCmd
	for _, c := range s.cmds {
		if c.parents == 0 && len(c.children) > 0 {
			roots = append(roots, c)
		}
	}
	if len(roots) == 0 {
		return nil
	}
	var out []cliRoot
	for _, pkg := range s.g.prog.Packages {
		main, ok := s.g.command(pkg)
		if !ok || len(main.entries) == 0 {
			continue
		}
		// Only a main that imports a root's package can build it: the
		// walk over the graph is for those.
		imports := map[string]bool{}
		for _, p := range s.g.moduleImports(pkg) {
			imports[p] = true
		}
		var mine []*cliCmd
		for _, r := range roots {
			if imports[r.pkg.PkgPath] {
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 {
			continue
		}
		reach := s.g.forward(main.roots)
		for _, r := range mine {
			if r.encl >= 0 && reach[r.encl] {
				out = append(out, cliRoot{cmd: r, dir: main.ID})
			}
		}
	}
	return out
}

// forward returns the nodes reachable from roots along the graph's edges.
func (g *Graph) forward(roots []int) map[int]bool {
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
		for _, e := range g.nodes[id].out {
			if !seen[e.to] {
				seen[e.to] = true
				queue = append(queue, e.to)
			}
		}
	}
	return seen
}

// walkTree makes the features of c's subtree; path are the names from
// the root, persistent the hooks its ancestors run for it.
func (g *Graph) walkTree(r cliRoot, c *cliCmd, path []string, persistent []*cliCmd, onPath map[*cliCmd]bool, out *[]Feature) {
	if onPath[c] {
		return
	}
	onPath[c] = true
	defer delete(onPath, c)
	if len(path) > 0 && c.run != nil {
		*out = append(*out, g.subcommand(r, c, path, persistent))
	}
	persistent = append(persistent, c)
	for _, child := range c.children {
		g.walkTree(r, child, append(append([]string(nil), path...), child.name), persistent[:len(persistent):len(persistent)], onPath, out)
	}
}

// subcommand makes the feature of one runnable subcommand.
func (g *Graph) subcommand(r cliRoot, c *cliCmd, path []string, ancestors []*cliCmd) Feature {
	f := Feature{Feature: report.Feature{ID: r.dir + " " + strings.Join(path, " "), Kind: report.KindCommand, Tests: []report.Test{}}, registrar: -1}
	f.Position.File, f.Position.Line = g.prog.Rel(c.lit.Pos())
	res := detect.HandlerResolver{G: detectView{g}, Pkg: c.pkg, File: c.file, Seen: map[types.Object]bool{}}
	entry, name := res.Resolve(c.run)
	if entry < 0 && name == "" {
		name = "(unresolved run function in " + g.nodes[max(c.encl, 0)].name + ")"
	}
	f.Entry = name
	if entry >= 0 {
		f.entries = []int{entry}
		f.roots = append(f.roots, entry)
	}
	for _, e := range res.Visited {
		f.roots = append(f.roots, g.referencedIn(c.pkg, e)...)
	}
	for _, h := range c.hooks {
		f.roots = append(f.roots, g.referencedIn(c.pkg, h)...)
	}
	for _, a := range append(ancestors, c) {
		for _, h := range a.persistent {
			f.roots = append(f.roots, g.referencedIn(a.pkg, h)...)
		}
	}
	f.roots = append(f.roots, g.inits[c.pkg.PkgPath])
	if entry >= 0 && g.nodes[entry].pkg != "" {
		if init, ok := g.inits[g.nodes[entry].pkg]; ok {
			f.roots = append(f.roots, init)
		}
	}
	f.regs = append(f.regs, c.regs...)
	f.cli = &cliFeature{root: r.cmd, cmd: c, path: path, chain: append(append([]*cliCmd(nil), ancestors...), c)}
	return f
}

// cliFeature ties a subcommand feature to its tree, for evidence.
type cliFeature struct {
	// scan is the scan of the command trees that found it.
	scan *cliScan
	root *cliCmd
	cmd  *cliCmd
	path []string
	// chain are the commands from the root to cmd.
	chain []*cliCmd
}

// cliName returns a command name expression's constant value, or the
// expression in angle brackets.
func cliName(info *types.Info, e ast.Expr, firstWord bool) (string, bool) {
	if s, ok := constString(info, e); ok {
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
func sortedCmds(cs []*cliCmd) []*cliCmd {
	out := append([]*cliCmd(nil), cs...)
	sort.Slice(out, func(i, j int) bool { return out[i].lit.Pos() < out[j].lit.Pos() })
	return out
}

package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Start-up separated from request time (issue 16).
//
// A program runs its packages' init (init functions, variable
// initializers) once, before any request. What that code leaves behind
// for a request is what a route depends on, not the code itself:
//
//   - module package variables and struct fields it writes: a handler
//     reading one depends on it, and the variable or field on its write
//     sites (graph.go). A write site in start-up code also depends on
//     the values it stores, followed through locals and parameters
//     (valueUses), since start-up code typically computes a value in a
//     local and stores it (`m := load(); table = m`);
//   - the state of dependencies it calls: a driver handed to
//     sql.Register, a function to expvar.Publish, a validator to a
//     dependency's validator, a level to a logger. Every call of a
//     dependency's function or method made by start-up code (but those
//     of the packages known to keep nothing, keepsNothing) is a hand-off
//     node, "(start-up call of sql.Register)", which depends on the
//     values the call carries: its receiver and arguments, followed
//     through locals and parameters to the code computing them, and the
//     methods of the module values it converts to an interface. A
//     route depends on every hand-off of the programs serving it,
//     through their start-up nodes (startup_programs.go): which
//     dependency a request reaches (gorm reaching database/sql) is not
//     known without analysing the dependencies, so a hand-off counts for
//     every route of the program.
//
// So a route's roots hold the start-up node instead of the init nodes of
// its packages: a change in start-up code whose values no handler or
// dependency call uses (an init that only logs, a variable only main
// reads) impacts the commands that run it, not the routes. A change
// mapped to a package's init as a whole (a blank variable, an init
// function added or removed, a file outside the default build) counts
// as a change of start-up (Impact).
//
// Start-up code is what the init nodes reach along the graph's edges
// (initTime), except the body of a function literal that is neither
// called where it is written nor handed to a call: it runs when
// something calls it later, at request time for a handler closure, and
// the reference to a handler written as the handler argument of a route
// or RPC registration the detectors recognise: the router keeps it for
// requests (startup_handlers.go). A hand-off's parameters are bound at
// the calls start-up code makes (graph_params_startup.go).
// Over-approximating start-up code only adds hand-offs, never loses one.
//
// Calls through a function value or an interface method bind no
// parameter: the callee is not known statically. So what start-up code
// hands to such a call is a hand-off of its own, "(start-up call through
// a function value)", depending on the arguments (the callee's code is
// start-up code anyway, through the graph's dynamic edges).
//
// Known limit: what a dependency passes back to a module callback at
// start-up is the dependency's value; the callback's hand-offs depend on
// the callback, not on where the dependency got the value.

// depCallAt is a call of a dependency's function or method.
type depCallAt struct {
	from int // the code node making it
	call *ast.CallExpr
	info *types.Info
	// dynamic: a call through a function value or an interface method,
	// whose callee's parameters no static call binds.
	dynamic bool
}

// valueDef is an expression (or statement) giving a local variable or a
// parameter its value.
type valueDef struct {
	node ast.Node
	info *types.Info
	from int // for an argument: the code node making the call
}

// deferLit records a closure whose literal is neither called where it
// is written nor handed to a call: its body does not run when the code
// around it does.
func (g *Graph) deferLit(id int) {
	if g.deferredLits == nil {
		g.deferredLits = map[int]bool{}
	}
	g.deferredLits[id] = true
}

// paramOf is the function a parameter belongs to.
type paramOf struct {
	owner  int
	method bool // of a method: an interface may dispatch to it
}

// ownParam records the code node a parameter (or receiver) belongs to.
func (g *Graph) ownParam(v *types.Var, owner int, method bool) {
	if g.paramOwner == nil {
		g.paramOwner = map[*types.Var]paramOf{}
	}
	g.paramOwner[v] = paramOf{owner: owner, method: method}
}

// startupCall records, for start-up, a call of a dependency's function
// or method, the arguments of a static call of a module function (what
// its parameters hold) and the function literals handed to the call.
func (w *walker) startupCall(call *ast.CallExpr, builtin bool) {
	for _, arg := range call.Args {
		if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
			w.handed[lit] = true
		}
		ast.Inspect(arg, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				w.handed[n] = true
				return false
			}
			return true
		})
	}
	if builtin {
		return
	}
	fn, _ := typeutil.Callee(w.info, call).(*types.Func)
	if fn == nil || isAbstract(fn) {
		// A call through a function value or an interface method: the
		// callee's parameters are bound at no static call, so what the
		// call carries is handed off (resolveStartup), whatever runs.
		if !w.info.Types[call.Fun].IsType() {
			w.g.depCalls = append(w.g.depCalls, depCallAt{from: w.cur, call: call, info: w.info, dynamic: true})
		}
		return
	}
	if !w.g.inModule(fn) {
		w.g.depCalls = append(w.g.depCalls, depCallAt{from: w.cur, call: call, info: w.info})
		return
	}
	if w.g.paramArgs == nil {
		w.g.paramArgs = map[*types.Var][]valueDef{}
	}
	sig := fn.Origin().Signature()
	if recv := sig.Recv(); recv != nil {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			if s := w.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
				w.g.paramArgs[recv] = append(w.g.paramArgs[recv], valueDef{node: sel.X, info: w.info, from: w.cur})
			}
		}
	}
	n := sig.Params().Len()
	for i, arg := range call.Args {
		if n == 0 || (i >= n && !sig.Variadic()) {
			break
		}
		p := sig.Params().At(min(i, n-1))
		w.g.paramArgs[p] = append(w.g.paramArgs[p], valueDef{node: arg, info: w.info, from: w.cur})
	}
}

// localVar returns the local variable (not a parameter, a package
// variable or a field) an identifier defines or uses, or nil.
func (w *walker) localVar(id *ast.Ident) *types.Var {
	obj := w.info.Defs[id]
	if obj == nil {
		obj = w.info.Uses[id]
	}
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || isPackageVar(v) || w.params[v] {
		return nil
	}
	return v
}

func (g *Graph) defineLocal(v *types.Var, d valueDef) {
	if g.localDefs == nil {
		g.localDefs = map[*types.Var][]valueDef{}
	}
	g.localDefs[v] = append(g.localDefs[v], d)
}

// defineLocals records what gives local variables their values: the
// right-hand side of an assignment or declaration (the whole statement
// when the counts differ: `a, b := f()`), the expression ranged over.
func (w *walker) defineLocals(n ast.Node) {
	switch n := n.(type) {
	case *ast.AssignStmt:
		for i, lhs := range n.Lhs {
			id, ok := ast.Unparen(lhs).(*ast.Ident)
			if !ok {
				continue // a field, element or pointee: writeLocal
			}
			if v := w.localVar(id); v != nil {
				var def ast.Node = n
				if len(n.Lhs) == len(n.Rhs) {
					def = n.Rhs[i]
				}
				w.g.defineLocal(v, valueDef{node: def, info: w.info})
			}
		}
	case *ast.ValueSpec:
		for i, name := range n.Names {
			if v := w.localVar(name); v != nil {
				switch {
				case len(n.Names) == len(n.Values):
					w.g.defineLocal(v, valueDef{node: n.Values[i], info: w.info})
				case len(n.Values) > 0:
					w.g.defineLocal(v, valueDef{node: n, info: w.info})
				}
			}
		}
	case *ast.RangeStmt:
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if id, ok := e.(*ast.Ident); ok && e != nil {
				if v := w.localVar(id); v != nil {
					w.g.defineLocal(v, valueDef{node: n.X, info: w.info})
				}
			}
		}
	}
}

// writeLocal records a write into a local variable's value other than
// an assignment to the variable itself: a field, an element or what it
// points to (`c.Port = p`, `m[k] = v`), its address taken (`&cfg` handed
// to json.Unmarshal), a pointer method called on it. The writing
// expression, or the statement, is one of its definitions.
func (w *walker) writeLocal(id *ast.Ident, by ast.Expr) {
	v := w.localVar(id)
	if v == nil {
		return
	}
	var def ast.Node = w.stmt
	if by != nil {
		def = by
	}
	if def != nil {
		w.g.defineLocal(v, valueDef{node: def, info: w.info})
	}
}

// keepsNothing reports whether calling a dependency's function at
// start-up leaves no state of the dependency's own that a request sees:
// formatting, printing to the log, string and number conversion, pure
// computation, and the packages without package-level state whose
// objects (a sync.Once, a compiled regexp, a timer) are held by module
// variables and fields, which handlers reach by reading them. Anything
// else (a registry, a setter, a logger's level) is a hand-off.
func keepsNothing(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	path, name := fn.Pkg().Path(), fn.Name()
	switch path {
	case "strings", "strconv", "bytes", "unicode", "unicode/utf8", "unicode/utf16",
		"math", "math/bits", "sort", "slices", "maps", "path", "errors", "cmp",
		"sync", "sync/atomic", "context", "regexp", "time",
		"html/template", "text/template", "encoding/json", "encoding/base64", "encoding/hex",
		"net/url", "html", "bufio", "io", "unicode/utf8string",
		"hash", "hash/crc32", "hash/crc64", "hash/fnv", "hash/adler32", "hash/maphash",
		"crypto/md5", "crypto/sha1", "crypto/sha256", "crypto/sha512", "crypto/hmac", "crypto/subtle",
		"encoding/binary", "encoding/csv", "encoding/xml", "encoding/base32", "encoding/pem",
		"math/big", "mime", "net/netip", "path/filepath":
		return true
	case "github.com/spf13/cobra", "github.com/spf13/pflag", "flag",
		"github.com/urfave/cli", "github.com/urfave/cli/v2", "github.com/urfave/cli/v3":
		// Command-line libraries: the commands they are handed run the
		// program (the command features answer for them), and the flags
		// they parse are written into module variables, whose write
		// sites answer for their defaults. A request sees neither.
		return true
	case "os":
		// Reading the environment and files leaves nothing behind;
		// Setenv, Chdir and the like do.
		switch name {
		case "Getenv", "LookupEnv", "Environ", "Hostname", "Getwd", "ReadFile", "ReadDir", "Stat", "Lstat", "Executable", "Getpid", "Exit":
			return true
		}
		return false
	case "fmt":
		// Sprint*, Errorf and printing; Fprint* writes to a writer it is
		// handed (converted: the conversion's own edges stand).
		return true
	case "github.com/rs/zerolog", "github.com/rs/zerolog/log", "go.uber.org/zap", "github.com/sirupsen/logrus", "log/slog",
		"github.com/go-pkgz/lgr":
		// Logging: an event, a field, a message keep nothing; setting a
		// level, an output, a hook or the default logger does.
		for _, p := range []string{"Set", "Add", "Replace", "Register", "Hook", "Redirect", "Update"} {
			if strings.HasPrefix(name, p) {
				return false
			}
		}
		return !takesCallback(fn)
	case "log":
		if fn.Signature().Recv() != nil {
			return false // a Logger's methods: SetOutput and the like keep
		}
		return strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic")
	}
	// Another logging package (its path says log): printing a message at
	// a level keeps nothing.
	// Not a name that sets something up (LogToStderr, ErrorHook), nor one
	// that takes a function it could keep.
	if strings.Contains(path, "log") && !takesCallback(fn) {
		for _, verb := range []string{"Print", "Debug", "Info", "Warn", "Error", "Fatal", "Panic", "Trace", "Msg"} {
			if strings.HasPrefix(name, verb) && !strings.Contains(name, "Hook") && !strings.Contains(name, "Handler") {
				return true
			}
		}
	}
	return false
}

// takesCallback reports whether fn has a parameter of function type: a
// logging library's function taking one may keep it (a hook) and call
// it when a request logs.
func takesCallback(fn *types.Func) bool {
	params := fn.Signature().Params()
	for i := range params.Len() {
		t := params.At(i).Type()
		if s, ok := t.(*types.Slice); ok && fn.Signature().Variadic() && i == params.Len()-1 {
			t = s.Elem()
		}
		if _, ok := t.Underlying().(*types.Signature); ok {
			return true
		}
	}
	return false
}

// initTime returns the code the programs run at start-up: what the init
// nodes and the initializers in initRuns reach, not entering a closure
// through the edge of its literal unless it is called or handed to a
// call where it is written.
func (g *Graph) initTime(handed map[edgeKey]bool) map[int]bool {
	var seeds []int
	for _, id := range g.inits {
		seeds = append(seeds, id)
	}
	for _, ids := range g.initRuns {
		seeds = append(seeds, ids...)
	}
	return g.startupFrom(seeds, handed)
}

// startupFrom returns the start-up code seeds reach (initTime), not
// following the references in handed (startup_handlers.go).
func (g *Graph) startupFrom(seeds []int, handed map[edgeKey]bool) map[int]bool {
	seen := map[int]bool{}
	var queue []int
	push := func(id int) {
		if id >= 0 && !seen[id] {
			seen[id] = true
			queue = append(queue, id)
		}
	}
	for _, id := range seeds {
		push(id)
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, e := range g.nodes[id].out {
			if g.deferredLits[e.to] && e.pos == g.nodes[e.to].pos {
				continue // the literal written here: runs when called
			}
			if handed[edgeKey{from: id, to: e.to, pos: e.pos}] {
				continue // a handler handed to a router: runs at request time
			}
			push(e.to)
		}
	}
	return seen
}

// resolveStartup makes the start-up node depend on the hand-offs of
// start-up code to dependencies, and start-up code's write sites on the
// values they store (see the top of the file). It runs before
// resolveWriteSites, which adds the hand-offs' identifiers and
// conversions as for a write site.
func (g *Graph) resolveStartup() {
	// What start-up changes in the module's configuration (go.mod: a
	// version, a replacement) changes what every request runs.
	g.edge(g.startup, g.module, token.NoPos)
	run := g.initTime(nil)
	g.run = run
	// Each program's start-up node holds the hand-offs of its own
	// start-up code (startup_programs.go).
	g.addPrograms()
	for _, p := range g.programs {
		g.edge(p.startup, g.module, token.NoPos)
	}
	for _, dc := range g.depCalls {
		if !run[dc.from] || g.nodes[dc.from].kind == packageNode {
			continue // a broken package's start-up: brokenStartup
		}
		fn, _ := typeutil.Callee(dc.info, dc.call).(*types.Func)
		var name string
		switch {
		case dc.dynamic && fn == nil:
			name = "(start-up call through a function value)"
		case dc.dynamic:
			// An interface method may run module code whatever package
			// declares it, so keepsNothing does not apply.
			name = "(start-up call of " + fn.FullName() + ")"
		case fn == nil || keepsNothing(fn):
			continue
		case fn.Signature().Recv() != nil:
			name = "(start-up call of " + types.TypeString(fn.Signature().Recv().Type(), func(p *types.Package) string { return p.Name() }) + "." + fn.Name() + ")"
		default:
			name = "(start-up call of " + fn.Pkg().Name() + "." + fn.Name() + ")"
		}
		if dc.dynamic && len(dc.call.Args) == 0 {
			continue // nothing handed over: the callee's own code is start-up code
		}
		id := g.add(&node{name: name, kind: handoffNode, pkg: g.nodes[dc.from].pkg, pos: dc.call.Pos()})
		g.markStartupHandoff(id) // graph_params_startup.go
		// The start-up nodes depend on it once the handlers handed to
		// routers are known (linkStartup, startup_handlers.go).
		g.pendingHandoffs = append(g.pendingHandoffs, pendingHandoff{id: id, from: dc.from, pos: dc.call.Pos()})
		if dc.dynamic {
			// What is handed over is the arguments: the function value or
			// the method called is start-up code itself (initTime follows
			// the graph's dynamic edges), and a receiver's state is its
			// fields', which handlers reach by reading them.
			for _, arg := range dc.call.Args {
				g.sites = append(g.sites, writeSite{id: id, node: arg, info: dc.info, encl: dc.from})
				g.valueUses(id, arg, dc.info)
			}
			continue
		}
		g.sites = append(g.sites, writeSite{id: id, node: dc.call, info: dc.info, encl: dc.from})
		g.valueUses(id, dc.call, dc.info)
	}
	for _, s := range g.sites {
		if run[s.encl] && g.nodes[s.id].kind == siteNode && isAssignment(s.node) {
			g.valueUses(s.id, s.node, s.info)
		}
	}
	// localDefs serve function-typed fields too (graph_funcfields.go):
	// buildGraph drops them after; run serves resolveSiteParams
	// (graph_params_startup.go), which drops it.
	g.depCalls, g.paramArgs, g.valueNodes = nil, nil, nil
}

// valueUses makes from depend on what the values n computes come from:
// the module's functions, closures, types, constants, package variables
// and fields it names, and, through a node per variable, the
// definitions of the locals and the arguments bound to the parameters
// it reads. A field read (`s.cfg`) is the field's, whoever holds it.
func (g *Graph) valueUses(from int, n ast.Node, info *types.Info) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			if id, ok := g.byLit[n]; ok {
				g.edge(from, id, n.Pos())
			}
			return false
		case *ast.SelectorExpr:
			if s := info.Selections[n]; s != nil && s.Kind() == types.FieldVal {
				if id := g.nodeOf(s.Obj()); id >= 0 {
					g.edge(from, id, n.Sel.Pos())
				}
				return false
			}
		case *ast.Ident:
			obj := info.Uses[n]
			if obj != nil && obj.Pkg() != nil && !g.inModule(obj) {
				// The dependency's code computes the value: its version
				// matters.
				g.useDependency(from, obj.Pkg().Path(), n.Pos())
			}
			if id := g.nodeOf(obj); id >= 0 {
				g.edge(from, id, n.Pos())
				return true
			}
			if v, ok := obj.(*types.Var); ok && !v.IsField() && !isPackageVar(v) {
				if id := g.valueNode(v); id >= 0 {
					g.edge(from, id, n.Pos())
				}
			}
		}
		return true
	})
}

// valueNode returns the node standing for the values of a local
// variable or a parameter: its definitions, or the arguments bound to
// it at the static calls of its function made by start-up code (a call
// made at request time does not give start-up its value; it is the
// request's own, reached through the route's edges). Values given
// through dynamic calls are not bound (the known limit above).
func (g *Graph) valueNode(v *types.Var) int {
	if id, ok := g.valueNodes[v]; ok {
		return id
	}
	if g.valueNodes == nil {
		g.valueNodes = map[*types.Var]int{}
	}
	_, isParam := g.paramOwner[v]
	defs := g.localDefs[v]
	if isParam {
		defs = g.paramArgs[v]
	}
	if !isParam && len(defs) == 0 {
		g.valueNodes[v] = -1 // a zero value
		return -1
	}
	kind := "local"
	if isParam {
		kind = "parameter"
	}
	id := g.add(&node{name: "(" + kind + " " + v.Name() + ")", kind: handoffNode, pos: v.Pos()})
	if v.Pkg() != nil {
		g.nodes[id].pkg = v.Pkg().Path()
	}
	g.valueNodes[v] = id
	for _, d := range defs {
		if isParam && !g.run[d.from] {
			continue // a call made at request time: not what start-up passed
		}
		g.valueUses(id, d.node, d.info)
	}
	return id
}

// brokenStartup returns the nodes of the packages that do not
// type-check among those pkg imports, itself included: their start-up
// is not known (one node stands for all their code), so a route served
// by pkg depends on each of them whole, as it depended on their init.
func (g *Graph) brokenStartup(pkg *packages.Package) []int {
	if len(g.pkgs) == 0 || pkg == nil {
		return nil
	}
	var out []int
	for _, p := range g.moduleImports(pkg) {
		if n, broken := g.pkgs[p]; broken {
			out = append(out, n)
		}
	}
	return out
}

// isAssignment reports whether a write site stores a value it computes
// itself (an assignment, a declaration, an element of a composite
// literal), rather than handing an address to a call
// (`cmd.Flags().StringVar(&cfg.Addr, ...)`, where the receiver is no
// part of the value): only those follow their values through locals,
// parameters, variables and fields; the others keep the write-site rule.
func isAssignment(n ast.Node) bool {
	switch n.(type) {
	case *ast.AssignStmt, *ast.ValueSpec, *ast.DeclStmt, *ast.IncDecStmt, *ast.KeyValueExpr:
		return true
	}
	_, isCall := n.(*ast.ExprStmt)
	if _, call := n.(*ast.CallExpr); call {
		isCall = true
	}
	return !isCall
}

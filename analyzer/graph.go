package analyzer

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/blastgate/blastgate/analyzer/detect"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// The symbol graph: a node for every function, method, closure, type,
// struct field, package variable and constant of the module, plus one init
// node per package and one node per interface method the module calls. An
// edge A→B says "A may use B", so a change to B may change what A does.
// Impact walks the edges backwards from the changed nodes to the entries.
//
// Edges that keep impact sound without analysing dependencies:
//   - references: calls, function and method values, uses of types,
//     variables, constants and fields;
//   - writes: a variable or field depends on every function that writes it
//     (assignment, &x, composite literal, pointer-method call, send);
//   - interfaces: an interface method depends on the method of every module
//     type that implements the interface (class hierarchy analysis), and a
//     function that converts a module type to any interface may run all of
//     its methods (dependencies call them: fmt, encoding/json, net/http);
//   - function values: a call through a function value depends on every
//     function and closure of the same signature used as a value;
//   - init: a package's init node depends on its init functions, its
//     blank-variable initializers and the init nodes of what it imports;
//   - hand-offs (graph_sound.go, graph_params.go, graph_channels.go,
//     graph_generic.go): a write site depends on the methods of what it
//     converts to an interface and on what the callers pass as a
//     parameter it stores; a dependency's node on the writes into its
//     package variables; a send of a concrete value on a channel on the
//     code receiving that type; a call through a function value on the
//     values filed under a signature with type parameters it may
//     instantiate.

type nodeKind int

const (
	funcNode nodeKind = iota
	closureNode
	methodNode   // an interface method
	typeNode     // a named type
	fieldNode    // a field of a named struct type
	varNode      // a package-level variable
	constNode    // a package-level constant
	initNode     // a package's initialization
	packageNode  // a whole package that did not type-check
	siteNode     // a statement that writes a variable or field
	externalNode // something outside the Go code: go.mod
	depNode      // a package of a dependency (or of the standard library)
	handoffNode  // a value handed over at run time, named for the trace (graph_sound.go)
)

type node struct {
	name string
	kind nodeKind
	pkg  string
	pos  token.Pos
	out  []edge
}

type edge struct {
	to  int
	pos token.Pos
}

// Graph is the symbol graph of a Program. BuildGraph fills it and, once
// it returns, the Graph is read-only (doc.go): the stages that read it
// keep what they compute in state of their own, and may run at once on
// one Graph. Its fields, by who reads them:
//
//   - the graph, read by every stage: nodes (with their edges), byObj,
//     byLit, byName, inits, initRuns, pkgs, module, fields, declared,
//     deps, sites, and active (the detectors that run, chosen at build);
//   - for credit and proof: calls (static calls), methods and dyn
//     (function values and the calls through them), creates and takes,
//     chanHandoffs, funcValueNodes;
//   - build-time working state that nothing reads after BuildGraph:
//     convs, initCount, siteOf, depUses, conversions, handoffs, binds,
//     paramOwners, paramNodes, genericSigs, genericHits, sends,
//     receives, funcFieldWrites, resolvedFields, depFields, funcArgs,
//     funcParamNodes, nodeFuncs;
//   - memos of what is on disk or in the types, filled on demand and
//     safe for concurrent use: rpcFiles and depRegs (memo.go), held
//     (under heldMu).
//
// What is not here: the features' own state (Feature.Holes, the command
// trees in cliFeature.scan), change mapping's (ChangeSet, with the
// AssetRules it is given), and the test side's (credit, one per pass).
type Graph struct {
	// ctx is the build's context, for the go commands it runs; nil once
	// built.
	ctx   context.Context
	prog  *Program
	nodes []*node

	byObj  map[types.Object]int
	byLit  map[*ast.FuncLit]int
	byName map[string]int
	// rpcFiles are the generated gRPC and Connect files read, by name
	// (detect/rpc_generated.go): a memo of files, filled on demand (memo.go).
	rpcFiles *memo[string, *detect.GeneratedFile]
	// depRegs are the services dependency functions register
	// (detect/rpc_depregister.go): a memo of the dependencies' code (memo.go).
	depRegs *memo[string, []detect.DepRegistered]
	inits   map[string]int // package path -> init node
	// initRuns are the package-level variables whose initializers call
	// something, by package: code a program runs at start-up.
	initRuns map[string][]int
	pkgs     map[string]int // broken package path -> package node
	module   int            // the go.mod node
	fields   map[*types.Var]int
	methods  typeutil.Map // signature without receiver -> []int, functions used as values
	dyn      []dynCall
	convs    map[convKey]bool
	// decls maps each top-level declaration's nodes, for change mapping.
	declared  map[string][]int // package path -> nodes declared in it
	initCount map[string]int
	siteOf    map[ast.Node]int
	calls     map[int][]int   // static calls, for test evidence
	deps      map[string]int  // dependency package path -> its node
	depUses   map[[2]int]bool // (user, dependency) edges already made
	sites     []writeSite
	// held maps a type to the methods its values hold (methodsHeldBy):
	// a memo, filled at build and by discovery under heldMu.
	held   typeutil.Map
	heldMu sync.Mutex

	// creates and takes record, per code node, the module types it
	// creates and the functions and closures whose values it takes
	// (proof.go).
	creates map[int][]creation
	takes   map[int][]int

	// conversions are the module values converted to an interface, by
	// position (graph_sound.go).
	conversions []conversion
	handoffs    map[string]int // hand-off node by name
	// binds are the arguments of static calls of module functions, by
	// the parameter of interface type they are passed as; paramNodes the
	// node standing for what callers pass as a parameter
	// (graph_params.go).
	binds       map[*types.Var][]argBind
	paramOwners map[*types.Var]*types.Func
	paramNodes  map[*types.Var]int
	// genericSigs are the signatures mentioning type parameters under
	// which function values are filed (graph_generic.go); nil: not yet
	// computed.
	genericSigs []*types.Signature
	genericHits typeutil.Map // call signature -> []int, genericTargets' answers
	// sends and receives are the channel operations on values of
	// concrete types (graph_channels.go).
	sends, receives []chanOp
	// chanHandoffs are the hand-off nodes of channels, which proof does
	// not cross: the receiving worker may not run under a test.
	chanHandoffs map[int]bool
	// funcFieldWrites are the writes of the module's function-typed
	// fields; resolvedFields whether each one's values are all known
	// (graph_funcfields.go).
	funcFieldWrites map[*types.Var][]funcFieldWrite
	resolvedFields  map[*types.Var]bool
	// resolvingVars are the locals being resolved (graph_funcfields.go).
	resolvingVars map[*types.Var]bool
	// depFields is the build-time state of calls through dependencies'
	// function-typed fields (graph_depfields.go).
	depFields *depFieldState
	// funcValueNodes are the nodes standing for the function values a
	// dependency's field or a parameter holds, by signature, which proof
	// treats as calls through a function value (graph_depfields.go,
	// graph_funcfields_params.go); funcArgs, funcParamNodes and
	// nodeFuncs their build-time state.
	funcValueNodes map[int]*types.Signature
	funcArgs       map[*types.Var][]funcParamArg
	funcParamNodes map[*types.Var]int
	nodeFuncs      map[int]*types.Func
	// active are the detectors that run, chosen at build (detectors.go).
	active []*Detector

	// startup is the node standing for what the programs' start-up
	// leaves behind for request time (startup.go): the roots of routes
	// instead of the packages' init nodes. depCalls, localDefs,
	// paramArgs, paramOwner, deferredLits and valueNodes are its
	// build-time working state.
	startup      int
	depCalls     []depCallAt
	localDefs    map[*types.Var][]valueDef
	paramArgs    map[*types.Var][]valueDef
	paramOwner   map[*types.Var]paramOf
	deferredLits map[int]bool
	valueNodes   map[*types.Var]int
	run          map[int]bool
	// startupHandoffs are the hand-offs of start-up calls, and
	// startupParamNodes what start-up's calls bind to the parameters
	// they read (graph_params_startup.go).
	startupHandoffs   map[int]bool
	startupParamNodes map[*types.Var]int
	// pendingHandoffs wait for linkStartup (startup_handlers.go).
	pendingHandoffs []pendingHandoff
	// programs are the main packages, with their start-up nodes; programOf
	// maps a start-up node to its program (startup_programs.go).
	programs  []program
	programOf map[int]int
}

type dynCall struct {
	from int
	sig  *types.Signature
	pos  token.Pos
	// factory is the module function whose result is called
	// (`wrap(h)(w, r)`), or nil.
	factory *types.Func
	// field is the module field of function type called through
	// (`s.onDone(x)`), or nil (graph_funcfields.go).
	field *types.Var
	// depField is the dependency's field of function type called
	// through, or nil (graph_depfields.go).
	depField *types.Var
}

type convKey struct {
	from int
	t    string
}

// BuildGraph builds the symbol graph of prog. The graph is read-only
// once built: what the stages after it compute lives in their own state
// (doc.go).
func BuildGraph(prog *Program) *Graph { return BuildGraphContext(context.Background(), prog) }

// BuildGraphContext is BuildGraph under ctx: a go command the build runs
// (the import graph of the dependencies, graph_depfields.go) runs under
// it.
func BuildGraphContext(ctx context.Context, prog *Program) *Graph {
	return buildGraphContext(ctx, prog, detectors)
}

// buildGraph builds the graph of prog for a list of detectors (tests
// replace it).
func buildGraph(prog *Program, list []*Detector) *Graph {
	return buildGraphContext(context.Background(), prog, list)
}

func buildGraphContext(ctx context.Context, prog *Program, list []*Detector) *Graph {
	g := &Graph{
		ctx:       ctx,
		prog:      prog,
		byObj:     map[types.Object]int{},
		byLit:     map[*ast.FuncLit]int{},
		byName:    map[string]int{},
		inits:     map[string]int{},
		pkgs:      map[string]int{},
		fields:    map[*types.Var]int{},
		convs:     map[convKey]bool{},
		declared:  map[string][]int{},
		initCount: map[string]int{},
		siteOf:    map[ast.Node]int{},
		calls:     map[int][]int{},
		deps:      map[string]int{},
		initRuns:  map[string][]int{},
		depUses:   map[[2]int]bool{},
		rpcFiles:  &memo[string, *detect.GeneratedFile]{},
		depRegs:   &memo[string, []detect.DepRegistered]{},
	}
	g.module = g.add(&node{name: "go.mod", kind: externalNode})
	g.startup = g.add(&node{name: "(start-up)", kind: handoffNode})
	for _, pkg := range prog.Packages {
		g.inits[pkg.PkgPath] = g.add(&node{name: pkg.PkgPath + ".init", kind: initNode, pkg: pkg.PkgPath})
		g.edge(g.inits[pkg.PkgPath], g.module, token.NoPos)
		if _, broken := prog.Broken[pkg.PkgPath]; broken {
			n := g.add(&node{name: pkg.PkgPath, kind: packageNode, pkg: pkg.PkgPath})
			g.pkgs[pkg.PkgPath] = n
			g.edge(g.inits[pkg.PkgPath], n, token.NoPos)
		}
	}
	for _, pkg := range prog.Packages {
		g.declare(pkg)
	}
	for _, pkg := range prog.Packages {
		for _, f := range pkg.Syntax {
			g.walkFile(pkg, f)
		}
		init := g.inits[pkg.PkgPath]
		for _, imp := range sortedImports(pkg) {
			if to, ok := g.inits[imp]; ok {
				g.edge(init, to, token.NoPos)
			}
			// A broken package may fail to resolve what it uses from the
			// packages it imports: it depends on all of them.
			if from, broken := g.pkgs[pkg.PkgPath]; broken {
				for _, n := range g.declared[imp] {
					g.edge(from, n, token.NoPos)
				}
			}
		}
		// It also depends on the dependency packages it imports: a
		// dependency change may be what broke it. (Without NeedDeps, an
		// import outside the module is known by its path only.)
		if from, broken := g.pkgs[pkg.PkgPath]; broken {
			for _, imp := range slices.Sorted(maps.Keys(importPaths(pkg))) {
				if prog.byPath[imp] == nil {
					g.useDependency(from, imp, token.NoPos)
				}
			}
		}
	}
	g.resolveStartup()
	g.resolveWriteSites()
	g.resolveSiteConversions()
	g.resolveChannels()
	g.resolveInterfaces()
	g.resolveDynamicCalls()
	g.localDefs, g.resolvingVars, g.depFields, g.ctx = nil, nil, nil, nil
	g.funcArgs, g.funcParamNodes, g.nodeFuncs = nil, nil, nil
	g.active = g.chooseDetectors(list)
	g.linkStartup() // startup_handlers.go
	return g
}

// writeSite is code that writes a variable or field: a statement, or the
// value of one element of a composite literal.
type writeSite struct {
	id   int
	node ast.Node
	info *types.Info
	encl int // the code node whose code it is
}

// resolveWriteSites links each write site to the code it runs to compute
// the value: functions, closures, constants and types it uses. Values it
// copies from other variables and fields are not followed further: data
// flow is tracked one write deep, so a changed constructor reaches the
// handler that reads what it set, without every field copied along the
// way connecting every page to every change.
func (g *Graph) resolveWriteSites() {
	for _, s := range g.sites {
		ast.Inspect(s.node, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if id := g.nodeOf(s.info.Uses[n]); id >= 0 && g.nodes[id].kind != fieldNode && g.nodes[id].kind != varNode {
					g.edge(s.id, id, n.Pos())
				}
			case *ast.FuncLit:
				if id, ok := g.byLit[n]; ok {
					g.edge(s.id, id, n.Pos())
				}
				return false
			}
			return true
		})
	}
}

// importPaths returns the paths pkg imports, as keys.
func importPaths(pkg *packages.Package) map[string]bool {
	paths := map[string]bool{}
	for path := range pkg.Imports {
		paths[path] = true
	}
	return paths
}

func sortedImports(pkg *packages.Package) []string {
	var paths []string
	for _, imp := range pkg.Imports {
		paths = append(paths, imp.PkgPath)
	}
	sort.Strings(paths)
	return paths
}

func (g *Graph) add(n *node) int {
	g.nodes = append(g.nodes, n)
	id := len(g.nodes) - 1
	if _, dup := g.byName[n.name]; !dup {
		g.byName[n.name] = id
	}
	return id
}

func (g *Graph) edge(from, to int, pos token.Pos) {
	if from == to || from < 0 || to < 0 {
		return
	}
	g.nodes[from].out = append(g.nodes[from].out, edge{to: to, pos: pos})
}

// inModule reports whether obj belongs to one of the loaded packages.
func (g *Graph) inModule(obj types.Object) bool {
	return obj != nil && obj.Pkg() != nil && g.prog.byPath[obj.Pkg().Path()] != nil
}

// declare creates the nodes for the package-level declarations of pkg.
func (g *Graph) declare(pkg *packages.Package) {
	if pkg.TypesInfo == nil {
		return
	}
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if obj, ok := pkg.TypesInfo.Defs[d.Name].(*types.Func); ok {
					g.declareObj(pkg, obj, funcNode)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						obj, ok := pkg.TypesInfo.Defs[s.Name].(*types.TypeName)
						if !ok {
							continue
						}
						g.declareObj(pkg, obj, typeNode)
						if st, ok := obj.Type().Underlying().(*types.Struct); ok && !obj.IsAlias() {
							for i := 0; i < st.NumFields(); i++ {
								fld := st.Field(i)
								id := g.add(&node{name: obj.Pkg().Path() + "." + obj.Name() + "." + fld.Name(), kind: fieldNode, pkg: pkg.PkgPath, pos: fld.Pos()})
								g.fields[fld] = id
							}
						}
					case *ast.ValueSpec:
						kind := varNode
						if d.Tok == token.CONST {
							kind = constNode
						}
						for _, name := range s.Names {
							if name.Name == "_" {
								continue
							}
							if obj := pkg.TypesInfo.Defs[name]; obj != nil {
								g.declareObj(pkg, obj, kind)
							}
						}
					}
				}
			}
		}
	}
}

func (g *Graph) declareObj(pkg *packages.Package, obj types.Object, kind nodeKind) int {
	if n, broken := g.pkgs[pkg.PkgPath]; broken {
		g.byObj[obj] = n
		return n
	}
	id := g.add(&node{name: objName(obj), kind: kind, pkg: pkg.PkgPath, pos: obj.Pos()})
	g.byObj[obj] = id
	g.declared[pkg.PkgPath] = append(g.declared[pkg.PkgPath], id)
	if kind == funcNode && obj.Name() == "init" && obj.(*types.Func).Signature().Recv() == nil {
		g.initCount[pkg.PkgPath]++
		g.nodes[id].name = fmt.Sprintf("%s.init#%d", obj.Pkg().Path(), g.initCount[pkg.PkgPath])
		g.edge(g.inits[pkg.PkgPath], id, obj.Pos())
	}
	return id
}

// nodeOf returns the node for a used object, creating nodes for interface
// methods on first use. It returns -1 for objects the graph does not track:
// locals, and everything of dependencies but their interface methods.
func (g *Graph) nodeOf(obj types.Object) int {
	if obj == nil {
		return -1
	}
	if id, ok := g.byObj[obj]; ok {
		return id
	}
	switch o := obj.(type) {
	case *types.Func:
		o = o.Origin()
		if id, ok := g.byObj[o]; ok {
			return id
		}
		sig := o.Signature()
		if sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
			id := g.add(&node{name: objName(o), kind: methodNode, pos: o.Pos()})
			if o.Pkg() != nil {
				g.nodes[id].pkg = o.Pkg().Path()
			}
			g.byObj[o] = id
			return id
		}
		if g.inModule(o) {
			if n, broken := g.pkgs[o.Pkg().Path()]; broken {
				return n
			}
		}
	case *types.Var:
		if o.IsField() {
			if id, ok := g.fields[o.Origin()]; ok {
				return id
			}
		}
		if g.inModule(o) {
			if n, broken := g.pkgs[o.Pkg().Path()]; broken {
				return n
			}
		}
	case *types.TypeName, *types.Const:
		if g.inModule(o) {
			if n, broken := g.pkgs[o.Pkg().Path()]; broken {
				return n
			}
		}
	}
	return -1
}

// methodsHeldBy returns the type and method nodes of the module types
// whose values a value of type t holds: t itself, what it points to, its
// elements and fields. Code that receives such a value as an interface
// (fmt, encoding/json, net/http) may call any of the methods and read the
// layout of every type by reflection.
func (g *Graph) methodsHeldBy(t types.Type) []int {
	if ids, ok := g.held.At(t).([]int); ok {
		return ids
	}
	g.held.Set(t, []int{}) // cycles
	var ids []int
	switch t := t.(type) {
	case *types.Named:
		if id, ok := g.byObj[t.Obj()]; ok {
			ids = append(ids, id) // reflection reads its layout
		}
		if g.inModule(t.Obj()) {
			mset := types.NewMethodSet(types.NewPointer(t))
			for i := 0; i < mset.Len(); i++ {
				if id := g.nodeOf(mset.At(i).Obj()); id >= 0 {
					ids = append(ids, id)
				} else if fn, ok := mset.At(i).Obj().(*types.Func); ok {
					if id, ok := g.byObj[fn.Origin()]; ok {
						ids = append(ids, id)
					}
				}
			}
		}
		for i := 0; i < t.TypeArgs().Len(); i++ {
			ids = append(ids, g.methodsHeldBy(t.TypeArgs().At(i))...)
		}
		if g.inModule(t.Obj()) {
			ids = append(ids, g.methodsHeldBy(t.Underlying())...)
		}
	case *types.Alias:
		ids = g.methodsHeldBy(types.Unalias(t))
	case *types.Pointer:
		ids = g.methodsHeldBy(t.Elem())
	case *types.Slice:
		ids = g.methodsHeldBy(t.Elem())
	case *types.Array:
		ids = g.methodsHeldBy(t.Elem())
	case *types.Chan:
		ids = g.methodsHeldBy(t.Elem())
	case *types.Map:
		ids = append(g.methodsHeldBy(t.Key()), g.methodsHeldBy(t.Elem())...)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			ids = append(ids, g.methodsHeldBy(t.Field(i).Type())...)
		}
	}
	g.held.Set(t, ids)
	return ids
}

// resolveInterfaces links every interface method the module uses to the
// methods of the module types that implement its interface.
func (g *Graph) resolveInterfaces() {
	var named []*types.Named
	for obj, id := range g.byObj {
		tn, ok := obj.(*types.TypeName)
		if !ok || tn.IsAlias() || g.nodes[id].kind != typeNode {
			continue
		}
		if n, ok := tn.Type().(*types.Named); ok && !types.IsInterface(n) {
			named = append(named, n)
		}
	}
	sort.Slice(named, func(i, j int) bool { return named[i].Obj().Pos() < named[j].Obj().Pos() })
	idx := newMethodIndex(named)
	var implementers typeutil.Map // interface -> []*types.Named
	for obj, id := range g.byObj {
		fn, ok := obj.(*types.Func)
		if !ok || g.nodes[id].kind != methodNode {
			continue
		}
		iface := fn.Signature().Recv().Type()
		impls, ok := implementers.At(iface).([]*types.Named)
		if !ok {
			impls = implementing(iface, idx.candidates(iface, named))
			implementers.Set(iface, impls)
		}
		for _, t := range impls {
			sel := types.NewMethodSet(types.NewPointer(t)).Lookup(fn.Pkg(), fn.Name())
			if sel == nil {
				continue
			}
			if m, ok := g.byObj[sel.Obj().(*types.Func).Origin()]; ok {
				g.edge(id, m, token.NoPos)
			}
		}
	}
}

// methodIndex maps each method (its name, and its signature up to
// types.Identical, receiver left out) to the non-generic types whose
// pointer method set has it, so that an interface is checked against the
// types having its rarest method rather than against every type of the
// module.
type methodIndex struct {
	byName  map[string]*typeutil.Map // method name -> signature -> []*types.Named
	generic []*types.Named           // matched by method names alone, always candidates
}

func newMethodIndex(named []*types.Named) *methodIndex {
	idx := &methodIndex{byName: map[string]*typeutil.Map{}}
	for _, t := range named {
		if t.TypeParams().Len() > 0 {
			idx.generic = append(idx.generic, t)
			continue
		}
		mset := types.NewMethodSet(types.NewPointer(t))
		for i := 0; i < mset.Len(); i++ {
			fn := mset.At(i).Obj().(*types.Func)
			sigs := idx.byName[fn.Name()]
			if sigs == nil {
				sigs = &typeutil.Map{}
				idx.byName[fn.Name()] = sigs
			}
			sig := withoutRecv(fn.Signature())
			ts, _ := sigs.At(sig).([]*types.Named)
			sigs.Set(sig, append(ts, t))
		}
	}
	return idx
}

func (idx *methodIndex) having(m *types.Func) []*types.Named {
	sigs := idx.byName[m.Name()]
	if sigs == nil {
		return nil
	}
	ts, _ := sigs.At(withoutRecv(m.Signature())).([]*types.Named)
	return ts
}

// candidates returns the types that may implement iface: those having
// its rarest method, and the generic ones; every type for a generic or
// empty interface.
func (idx *methodIndex) candidates(iface types.Type, all []*types.Named) []*types.Named {
	it, ok := iface.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return all
	}
	if n, ok := iface.(*types.Named); ok && n.TypeParams().Len() > 0 {
		return all
	}
	var best []*types.Named
	for i := 0; i < it.NumMethods(); i++ {
		m := it.Method(i)
		c := idx.having(m)
		if i == 0 || len(c) < len(best) {
			best = c
		}
	}
	if len(idx.generic) == 0 {
		return best
	}
	out := append(append([]*types.Named{}, best...), idx.generic...)
	sort.Slice(out, func(i, j int) bool { return out[i].Obj().Pos() < out[j].Obj().Pos() })
	return out
}

// implementing returns the types among named whose values or pointers
// implement iface. Generic interfaces and types are matched by method
// names alone, which over-approximates.
func implementing(iface types.Type, named []*types.Named) []*types.Named {
	it, ok := iface.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	generic := false
	if n, ok := iface.(*types.Named); ok && n.TypeParams().Len() > 0 {
		generic = true
	}
	var out []*types.Named
	for _, t := range named {
		if generic || t.TypeParams().Len() > 0 {
			if hasMethodNames(t, it) {
				out = append(out, t)
			}
			continue
		}
		if types.Implements(t, it) || types.Implements(types.NewPointer(t), it) {
			out = append(out, t)
		}
	}
	return out
}

func hasMethodNames(t *types.Named, it *types.Interface) bool {
	mset := types.NewMethodSet(types.NewPointer(t))
	for i := 0; i < it.NumMethods(); i++ {
		m := it.Method(i)
		if mset.Lookup(m.Pkg(), m.Name()) == nil {
			return false
		}
	}
	return it.NumMethods() > 0
}

// resolveDynamicCalls links each call through a function value to every
// function and closure of an identical signature used as a value.
func (g *Graph) resolveDynamicCalls() {
	closures := map[*types.Func]int{}
	for _, call := range g.dyn {
		// The result of a factory that always returns the same closure
		// runs that closure.
		if call.factory != nil {
			id, seen := closures[call.factory]
			if !seen {
				id = g.returnedClosure(call.factory)
				closures[call.factory] = id
			}
			if id >= 0 {
				g.edge(call.from, id, call.pos)
				continue
			}
		}
		if call.field != nil && g.fieldResolved(call.field) {
			continue // the field's writes answer for it
		}
		if call.depField != nil {
			if id := g.depFieldNode(call.depField); id >= 0 {
				g.edge(call.from, id, call.pos)
				continue // what the module hands over answers for it
			}
		}
		ids, _ := g.methods.At(withoutRecv(call.sig)).([]int)
		for _, id := range ids {
			g.edge(call.from, id, call.pos)
		}
		for _, id := range g.genericTargets(withoutRecv(call.sig)) {
			g.edge(call.from, id, call.pos)
		}
	}
}

// Warnings says which packages are analysed at package level and why,
// and, with tests loaded, which testify suites get no credit.
func (g *Graph) Warnings() []string { return g.newCredit().Warnings() }

// Warnings are the graph's warnings and the suites' of this pass.
func (c *credit) Warnings() []string { return append(c.buildWarnings(), c.suiteWarnings()...) }

// buildWarnings say which packages are analysed at package level and why.
func (g *Graph) buildWarnings() []string {
	out := append([]string(nil), g.prog.Warnings...)
	for _, pkg := range g.prog.Packages {
		if msg, broken := g.prog.Broken[pkg.PkgPath]; broken {
			out = append(out, fmt.Sprintf("%s does not type-check (%s): its impact is computed at package level", pkg.PkgPath, msg))
		}
	}
	return out
}

// HasPackage reports whether path is one of the module's packages.
func (g *Graph) HasPackage(path string) bool { return g.prog.byPath[path] != nil }

// PackagePaths lists the import paths of the module's packages, sorted.
func (g *Graph) PackagePaths() []string {
	out := make([]string, 0, len(g.prog.byPath))
	for path := range g.prog.byPath {
		out = append(out, path)
	}
	sort.Strings(out)
	return out
}

// useDependency records that node from uses the dependency package path:
// a change to the module that provides it (a version bump, a replace)
// reaches from.
func (g *Graph) useDependency(from int, path string, pos token.Pos) {
	id, ok := g.deps[path]
	if !ok {
		id = g.add(&node{name: path, kind: depNode})
		g.deps[path] = id
	}
	if key := [2]int{from, id}; !g.depUses[key] {
		g.depUses[key] = true
		g.edge(from, id, pos)
	}
}

package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/analyzer/evidence"
	"github.com/blastgate/blastgate/analyzer/impact"
	"github.com/blastgate/blastgate/report"
)

// Static proof (DESIGN.md "proof"): a credited test proves a feature for
// a change when there is a path from the test, through the feature's
// roots, to a changed node, on which interface method calls and calls
// through function values resolve only to the types and functions the
// test's own reachable code creates.
//
// What the test's code reaches is a rapid type analysis (RTA), to a fixed
// point, over the module's symbol graph and the test files' code (an
// overlay: the graph holds no test file), from the test function, its
// setup (TestMain, the test files' variable initializers, a suite's
// Setup* methods) and the initialization of the packages its binary
// imports:
//
//   - a reached function reaches what it calls statically, the types,
//     variables, constants and fields it uses, the closures it defines
//     and the functions whose values it takes (a dependency it hands
//     them to may call them);
//   - the types it creates (composite literals, new, conversions T(x),
//     conversions to an interface) are created; the methods of a type
//     converted to an interface are reached (a dependency may call them);
//   - an interface method call reaches the method of each created type
//     that implements the interface, and nothing else;
//   - a call through a function value reaches nothing by itself: what it
//     may call is what the code took the value of, reached already.
//
// The proof is then a walk from the feature's roots (those the test
// reaches) under the same rules: an interface call resolves to the
// created types, a call through a function value to the functions taken,
// a variable or field to the statements writing it only when the test
// reaches the code around them. When no changed node is reached, the
// first blocked dynamic call on the shortest way from the roots to the
// change names the double the test set up in place of the production
// implementation (Test.Double).

// creation is a module type a code node creates.
type creation struct {
	typ  int // its type node
	pos  token.Pos
	conv bool // converted to an interface: dependencies may call its methods
}

func (g *Graph) recordTake(from, id int) {
	if from < 0 || id < 0 {
		return
	}
	if g.takes == nil {
		g.takes = map[int][]int{}
	}
	g.takes[from] = append(g.takes[from], id)
}

func (g *Graph) recordCreate(from int, t types.Type, pos token.Pos, conv bool) {
	if from < 0 || t == nil {
		return
	}
	for _, n := range namedIn(t, conv) {
		id, ok := g.byObj[n.Obj()]
		if !ok || g.nodes[id].kind != typeNode {
			continue
		}
		if g.creates == nil {
			g.creates = map[int][]creation{}
		}
		dup := false
		for i, c := range g.creates[from] {
			if c.typ == id {
				dup = true
				g.creates[from][i].conv = c.conv || conv
			}
		}
		if !dup {
			g.creates[from] = append(g.creates[from], creation{typ: id, pos: pos, conv: conv})
		}
	}
}

// namedIn returns the named non-interface types a value of type t is (or
// points to); deep, also those its slices, arrays, maps and channels hold
// and a generic type's arguments.
func namedIn(t types.Type, deep bool) []*types.Named {
	var out []*types.Named
	seen := map[types.Type]bool{}
	var visit func(t types.Type)
	visit = func(t types.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		switch x := types.Unalias(t).(type) {
		case *types.Named:
			if !types.IsInterface(x) {
				out = append(out, x.Origin())
			}
			if deep {
				for i := 0; i < x.TypeArgs().Len(); i++ {
					visit(x.TypeArgs().At(i))
				}
			}
		case *types.Pointer:
			visit(x.Elem())
		case *types.Slice:
			if deep {
				visit(x.Elem())
			}
		case *types.Array:
			if deep {
				visit(x.Elem())
			}
		case *types.Map:
			if deep {
				visit(x.Key())
				visit(x.Elem())
			}
		case *types.Chan:
			if deep {
				visit(x.Elem())
			}
		}
	}
	visit(t)
	return out
}

// Prove sets the static proof of every credited test of every impacted
// feature (impacted as Impact reports them, with their tests credited):
// Test.Proof is report.ProofStatic or report.ProofNone, and Test.Double
// names the test double that stood in, when the analysis can tell. A
// test whose proof is already set (coverage) keeps it. It never fails: a
// test or feature it cannot resolve gets proof none, and the warnings
// say so.
func (g *Graph) Prove(features []Feature, cs *ChangeSet, impacted []report.Feature) (warnings []string) {
	defer func() {
		if r := recover(); r != nil {
			warnings = append(warnings, fmt.Sprintf("static proof failed (%v): the credited tests count as not proving the change", r))
			for i := range impacted {
				for j := range impacted[i].Tests {
					if impacted[i].Tests[j].Proof == "" {
						impacted[i].Tests[j].Proof = report.ProofNone
					}
				}
			}
		}
	}()
	needed := false
	for _, rf := range impacted {
		for _, t := range rf.Tests {
			needed = needed || t.Proof == ""
		}
	}
	if !needed {
		return nil
	}
	p := g.newProver(features, cs)
	byKey := map[string]int{}
	for i, f := range features {
		byKey[f.Kind+"\x00"+f.ID+"\x00"+f.Entry] = i
	}
	// One test at a time, over every feature it is credited for: what a
	// test reaches is kept only while its proofs are computed.
	type pair struct{ feature, test, fi int }
	byTest := map[TestRef][]pair{}
	var refs []TestRef
	for i := range impacted {
		rf := &impacted[i]
		fi, ok := byKey[rf.Kind+"\x00"+rf.ID+"\x00"+rf.Entry]
		for j := range rf.Tests {
			t := &rf.Tests[j]
			if t.Proof != "" {
				continue
			}
			t.Proof, t.Double = report.ProofNone, nil
			if !ok {
				continue
			}
			ref := TestRef{Package: t.Package, Name: t.Name}
			if _, seen := byTest[ref]; !seen {
				refs = append(refs, ref)
			}
			byTest[ref] = append(byTest[ref], pair{feature: i, test: j, fi: fi})
		}
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].String() < refs[j].String() })
	for _, ref := range refs {
		tp := p.test(ref)
		delete(p.tests, ref)
		if tp == nil {
			warnings = append(warnings, fmt.Sprintf("%s: its test function is not among the test packages that type-check: it proves no change statically", ref))
			continue
		}
		for _, pr := range byTest[ref] {
			t := &impacted[pr.feature].Tests[pr.test]
			if p.proves(tp, pr.fi) || (t.Evidence == report.EvidenceDeclared && p.runsReached(tp, impacted[pr.feature])) {
				t.Proof = report.ProofStatic
			} else {
				t.Double = p.double(tp, pr.fi)
			}
		}
	}
	return warnings
}

// prover holds what the proofs of one change share.
type prover struct {
	g        *Graph
	n        int
	cs       *ChangeSet
	features []Feature
	handlers map[int]bool
	dist     []int // unrestricted distances to a change
	distStop []int // the same, commands stopping at route handlers

	objOf    map[int]types.Object
	anyTaken map[int]bool
	dynSigs  map[int][]string // node -> the signatures it calls function values of
	sigOf    map[int][]string // node -> the signatures its value is taken as
	methods  map[int]map[string]method
	binaries map[string]*overlay
	tests    map[TestRef]*testProof
}

// method is a method of a type: its node (unified id) and signature.
type method struct {
	target int
	sig    string
}

func (g *Graph) newProver(features []Feature, cs *ChangeSet) *prover {
	p := &prover{
		g: g, n: len(g.nodes), cs: cs, features: features,
		handlers: map[int]bool{},
		objOf:    map[int]types.Object{},
		anyTaken: map[int]bool{},
		dynSigs:  map[int][]string{},
		sigOf:    map[int][]string{},
		methods:  map[int]map[string]method{},
		binaries: map[string]*overlay{},
		tests:    map[TestRef]*testProof{},
	}
	for obj, id := range g.byObj {
		switch g.nodes[id].kind {
		case funcNode, methodNode, typeNode:
			if _, isFunc := obj.(*types.Func); isFunc || g.nodes[id].kind == typeNode {
				p.objOf[id] = obj
			}
		}
	}
	g.methods.Iterate(func(key types.Type, v any) {
		s := sigKey(key.(*types.Signature))
		for _, id := range v.([]int) {
			p.anyTaken[id] = true
			if l := p.sigOf[id]; len(l) == 0 || l[len(l)-1] != s {
				p.sigOf[id] = append(l, s)
			}
		}
	})
	for _, d := range g.dyn {
		p.dynSigs[d.from] = append(p.dynSigs[d.from], sigKey(d.sig))
	}
	// A dependency's field or a parameter holds what was handed over:
	// a call through a function value (graph_depfields.go,
	// graph_funcfields_params.go).
	for id, sig := range g.funcValueNodes {
		p.dynSigs[id] = append(p.dynSigs[id], sigKey(sig))
	}
	// Route and RPC handlers, and subcommands' run functions.
	p.handlers = impact.Stops(impactFeatures(features))
	p.dist, p.distStop = impact.Distances(impactView{g}, cs.IDs(), p.handlers)
	return p
}

// dynOnly reports whether the edge u→v (v a function or closure) can only
// be a call through a function value: u neither calls v statically nor
// takes its value.
func (p *prover) dynOnly(u, v int) bool {
	if len(p.dynSigs[u]) == 0 {
		return false
	}
	if _, value := p.g.funcValueNodes[u]; value {
		return true // only function values: what was handed over
	}
	if !p.anyTaken[v] {
		return false
	}
	for _, c := range p.g.calls[u] {
		if c == v {
			return false
		}
	}
	for _, t := range p.g.takes[u] {
		if t == v {
			return false
		}
	}
	return true
}

// typeMethods is the pointer method set of a module type node, by method
// key.
func (p *prover) typeMethods(id int) map[string]method {
	if m, ok := p.methods[id]; ok {
		return m
	}
	m := map[string]method{}
	if tn, ok := p.objOf[id].(*types.TypeName); ok {
		mset := types.NewMethodSet(types.NewPointer(tn.Type()))
		for i := 0; i < mset.Len(); i++ {
			fn, ok := mset.At(i).Obj().(*types.Func)
			if !ok {
				continue
			}
			target := -1
			if t, ok := p.g.byObj[fn.Origin()]; ok {
				target = t
			}
			m[methodKey(fn)] = method{target: target, sig: sigString(fn)}
		}
	}
	p.methods[id] = m
	return m
}

func methodKey(fn *types.Func) string {
	if fn.Exported() || fn.Pkg() == nil {
		return fn.Name()
	}
	return fn.Pkg().Path() + "." + fn.Name()
}

func sigString(fn *types.Func) string { return sigKey(fn.Signature()) }

// sigKey prints a signature without its receiver and parameter names:
// identical signatures of the test's packages and of the module's
// (type-checked apart) print the same.
func sigKey(sig *types.Signature) string {
	var b strings.Builder
	tuple := func(t *types.Tuple, variadic bool) {
		b.WriteByte('(')
		for i := 0; i < t.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			typ := t.At(i).Type()
			if variadic && i == t.Len()-1 {
				if s, ok := typ.(*types.Slice); ok {
					b.WriteString("...")
					typ = s.Elem()
				}
			}
			b.WriteString(types.TypeString(typ, nil))
		}
		b.WriteByte(')')
	}
	b.WriteString("func")
	tuple(sig.Params(), sig.Variadic())
	switch res := sig.Results(); res.Len() {
	case 0:
	case 1:
		b.WriteString(" " + types.TypeString(res.At(0).Type(), nil))
	default:
		b.WriteByte(' ')
		tuple(res, false)
	}
	return b.String()
}

// implements reports whether a type with the methods ms implements the
// interface whose method fn is, by method names and signatures (the
// test's packages and the module's are type-checked apart); by names
// alone when either is generic.
func implements(ms map[string]method, fn *types.Func, loose bool) bool {
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	it, ok := recv.Type().Underlying().(*types.Interface)
	if !ok {
		return false
	}
	if n, ok := types.Unalias(recv.Type()).(*types.Named); ok && n.TypeParams().Len() > 0 {
		loose = true
	}
	for i := 0; i < it.NumMethods(); i++ {
		m := it.Method(i)
		got, ok := ms[methodKey(m)]
		if !ok || (!loose && got.sig != sigString(m)) {
			return false
		}
	}
	return it.NumMethods() > 0
}

// overlay is the test files' code of one test binary, as nodes numbered
// after the graph's.
type overlay struct {
	base   int
	nodes  []*onode
	byName map[string]int // objName -> unified id
	types  []*otype
	typeBy map[string]int // objName -> index in types
	// roots of every test of the binary: TestMain, the test files'
	// variable initializers, the inits of the packages it imports.
	setup []int
	tests map[string][]int // test function name -> its nodes
	pkgs  []*packages.Package
	decls map[string]*ast.FuncDecl // test function name -> declaration
	declP map[string]*packages.Package
}

type onode struct {
	name    string
	pos     token.Pos
	sig     string // the signature its value has (functions and closures)
	calls   []int
	takes   []otake
	creates []ocreate
	icalls  []*types.Func // interface methods called that no module code calls
	dcalls  []string      // signatures of function values called
}

type otake struct {
	id  int
	pos token.Pos
}

// ocreate is a type test code creates: a module type node, or a test
// type (test >= 0, an index in overlay.types).
type ocreate struct {
	typ, test int
	pos       token.Pos
	conv      bool
}

type otype struct {
	name    string
	obj     *types.TypeName
	methods map[string]method
}

// overlay builds (once) the overlay of the test binary of package under.
func (p *prover) overlay(under string) *overlay {
	if ov, ok := p.binaries[under]; ok {
		return ov
	}
	ov := &overlay{base: p.n, byName: map[string]int{}, typeBy: map[string]int{}, tests: map[string][]int{}, decls: map[string]*ast.FuncDecl{}, declP: map[string]*packages.Package{}}
	p.binaries[under] = ov
	g := p.g
	isTestFile := func(f *ast.File) bool {
		return strings.HasSuffix(g.prog.Fset.File(f.Pos()).Name(), "_test.go")
	}
	type body struct {
		pkg  *packages.Package
		id   int
		node ast.Node
		sig  *types.Signature
	}
	var bodies []body
	inits := map[string]bool{under: true}
	for _, pkg := range g.prog.TestPackages {
		if evidence.PackageUnderTest(pkg) != under || pkg.TypesInfo == nil {
			continue
		}
		ov.pkgs = append(ov.pkgs, pkg)
		for path := range pkg.Imports {
			inits[path] = true
		}
		varInit := -1
		for _, f := range pkg.Syntax {
			if !isTestFile(f) {
				continue
			}
			for _, decl := range f.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					obj, ok := pkg.TypesInfo.Defs[d.Name].(*types.Func)
					if !ok || d.Body == nil {
						continue
					}
					id := ov.add(&onode{name: objName(obj), pos: d.Name.Pos(), sig: sigString(obj)})
					ov.byName[objName(obj)] = id
					bodies = append(bodies, body{pkg: pkg, id: id, node: d.Body, sig: obj.Signature()})
					if d.Recv == nil && (evidence.IsTestName(d.Name.Name) || d.Name.Name == "TestMain") {
						ov.tests[d.Name.Name] = append(ov.tests[d.Name.Name], id)
						ov.decls[d.Name.Name], ov.declP[d.Name.Name] = d, pkg
					}
					if d.Recv == nil && d.Name.Name == "TestMain" {
						ov.setup = append(ov.setup, id)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch s := spec.(type) {
						case *ast.TypeSpec:
							if tn, ok := pkg.TypesInfo.Defs[s.Name].(*types.TypeName); ok {
								ov.typeBy[objName(tn)] = len(ov.types)
								ov.types = append(ov.types, &otype{name: objName(tn), obj: tn})
							}
						case *ast.ValueSpec:
							if d.Tok != token.VAR || len(s.Values) == 0 {
								continue
							}
							if varInit < 0 {
								varInit = ov.add(&onode{name: pkg.PkgPath + ".init", pos: s.Pos()})
								ov.setup = append(ov.setup, varInit)
							}
							for _, v := range s.Values {
								bodies = append(bodies, body{pkg: pkg, id: varInit, node: v})
							}
							if s.Type != nil {
								t := pkg.TypesInfo.TypeOf(s.Type)
								for _, v := range s.Values {
									bodies = append(bodies, body{pkg: pkg, id: varInit, node: &convNode{to: t, from: v}})
								}
							}
						}
					}
				}
			}
		}
	}
	for _, path := range slices.Sorted(maps.Keys(inits)) {
		if id, ok := g.inits[path]; ok {
			ov.setup = append(ov.setup, id)
		}
	}
	for _, b := range bodies {
		w := &owalk{p: p, ov: ov, pkg: b.pkg, info: b.pkg.TypesInfo, cur: b.id, sig: b.sig, callees: map[*ast.Ident]bool{}, called: map[*ast.FuncLit]bool{}, lits: map[int]int{}}
		if c, ok := b.node.(*convNode); ok {
			w.conv(c.to, c.from)
			w.walk(c.from)
			continue
		}
		w.walk(b.node)
	}
	for _, t := range ov.types {
		t.methods = map[string]method{}
		mset := types.NewMethodSet(types.NewPointer(t.obj.Type()))
		for i := 0; i < mset.Len(); i++ {
			fn, ok := mset.At(i).Obj().(*types.Func)
			if !ok {
				continue
			}
			t.methods[methodKey(fn)] = method{target: p.target(ov, fn), sig: sigString(fn)}
		}
	}
	return ov
}

// convNode stands for the conversion of a test-file variable's value to
// its declared type.
type convNode struct {
	ast.Node
	to   types.Type
	from ast.Expr
}

func (ov *overlay) add(n *onode) int {
	ov.nodes = append(ov.nodes, n)
	return ov.base + len(ov.nodes) - 1
}

func (ov *overlay) node(id int) *onode { return ov.nodes[id-ov.base] }

// target is the unified id of a function or method a test calls or takes:
// its test file's, else the module's; -1 for a dependency's.
func (p *prover) target(ov *overlay, fn *types.Func) int {
	name := objName(fn.Origin())
	if id, ok := ov.byName[name]; ok {
		return id
	}
	if id, ok := p.g.byName[name]; ok {
		switch p.g.nodes[id].kind {
		case funcNode, closureNode, methodNode, packageNode:
			return id
		}
	}
	return -1
}

// owalk walks test-file code into overlay nodes.
type owalk struct {
	p       *prover
	ov      *overlay
	pkg     *packages.Package
	info    *types.Info
	cur     int
	sig     *types.Signature
	callees map[*ast.Ident]bool
	called  map[*ast.FuncLit]bool
	lits    map[int]int
}

func (w *owalk) walk(n ast.Node) { ast.Inspect(n, w.visit) }

func (w *owalk) cur_() *onode { return w.ov.node(w.cur) }

func (w *owalk) create(t types.Type, pos token.Pos, conv bool) {
	if t == nil {
		return
	}
	for _, n := range namedIn(t, conv) {
		name := objName(n.Obj())
		c := ocreate{typ: -1, test: -1, pos: pos, conv: conv}
		if i, ok := w.ov.typeBy[name]; ok {
			c.test = i
		} else if id, ok := w.p.g.byName[name]; ok && w.p.g.nodes[id].kind == typeNode {
			c.typ = id
		} else {
			continue
		}
		w.cur_().creates = append(w.cur_().creates, c)
	}
}

// conv records a value of expression e converted to type to.
func (w *owalk) conv(to types.Type, e ast.Expr) {
	if to == nil || e == nil || !types.IsInterface(to) {
		return
	}
	if t := w.info.TypeOf(e); t != nil && !types.IsInterface(t) {
		w.create(t, e.Pos(), true)
	}
}

func (w *owalk) visit(n ast.Node) bool {
	info := w.info
	switch x := n.(type) {
	case *ast.FuncLit:
		parent := w.cur_()
		w.lits[w.cur]++
		sig, _ := info.TypeOf(x).(*types.Signature)
		s := ""
		if sig != nil {
			s = sigKey(sig)
		}
		id := w.ov.add(&onode{name: fmt.Sprintf("%s$%d", parent.name, w.lits[w.cur]), pos: x.Pos(), sig: s})
		if w.called[x] {
			parent.calls = append(parent.calls, id)
		} else {
			parent.takes = append(parent.takes, otake{id: id, pos: x.Pos()})
		}
		save, saveSig := w.cur, w.sig
		w.cur, w.sig = id, sig
		w.walk(x.Body)
		w.cur, w.sig = save, saveSig
		return false
	case *ast.CallExpr:
		fun := calledExpr(x)
		switch f := fun.(type) {
		case *ast.Ident:
			w.callees[f] = true
		case *ast.SelectorExpr:
			w.callees[f.Sel] = true
		case *ast.FuncLit:
			w.called[f] = true
		}
		tv := info.Types[x.Fun]
		if tv.IsType() {
			w.create(tv.Type, x.Pos(), false)
			if len(x.Args) == 1 {
				w.conv(tv.Type, x.Args[0])
			}
			return true
		}
		if tv.IsBuiltin() {
			if id, ok := fun.(*ast.Ident); ok && id.Name == "new" && len(x.Args) == 1 {
				w.create(info.TypeOf(x.Args[0]), x.Pos(), false)
			}
			return true
		}
		sig, ok := typeUnder[*types.Signature](tv.Type)
		if !ok {
			return true
		}
		for i, arg := range x.Args {
			w.conv(paramType(sig, x, i), arg)
		}
		switch fn := typeutil.Callee(info, x).(type) {
		case *types.Func:
			if isAbstract(fn) {
				w.icall(fn)
			} else if id := w.p.target(w.ov, fn); id >= 0 {
				w.cur_().calls = append(w.cur_().calls, id)
			}
		default:
			if _, lit := fun.(*ast.FuncLit); !lit {
				w.cur_().dcalls = append(w.cur_().dcalls, sigKey(sig))
			}
		}
	case *ast.Ident:
		if fn, ok := info.Uses[x].(*types.Func); ok && !w.callees[x] {
			if isAbstract(fn) {
				w.icall(fn) // a method value of an interface: called later
			} else if id := w.p.target(w.ov, fn); id >= 0 {
				w.cur_().takes = append(w.cur_().takes, otake{id: id, pos: x.Pos()})
			}
		}
	case *ast.CompositeLit:
		t := info.TypeOf(x)
		w.create(t, x.Pos(), false)
		if t == nil {
			return true
		}
		switch u := t.Underlying().(type) {
		case *types.Struct:
			for i, elt := range x.Elts {
				if kv, ok := elt.(*ast.KeyValueExpr); ok {
					if key, ok := kv.Key.(*ast.Ident); ok {
						if fld, ok := info.Uses[key].(*types.Var); ok {
							w.conv(fld.Type(), kv.Value)
						}
					}
				} else if i < u.NumFields() {
					w.conv(u.Field(i).Type(), elt)
				}
			}
		case *types.Slice, *types.Array, *types.Map:
			var elem types.Type
			switch u := u.(type) {
			case *types.Slice:
				elem = u.Elem()
			case *types.Array:
				elem = u.Elem()
			case *types.Map:
				elem = u.Elem()
			}
			for _, elt := range x.Elts {
				if kv, ok := elt.(*ast.KeyValueExpr); ok {
					elt = kv.Value
				}
				w.conv(elem, elt)
			}
		}
	case *ast.AssignStmt:
		if x.Tok == token.ASSIGN && len(x.Lhs) == len(x.Rhs) {
			for i, lhs := range x.Lhs {
				w.conv(info.TypeOf(lhs), x.Rhs[i])
			}
		}
	case *ast.ValueSpec:
		if x.Type != nil {
			for _, v := range x.Values {
				w.conv(info.TypeOf(x.Type), v)
			}
		}
	case *ast.ReturnStmt:
		if w.sig != nil && len(x.Results) == w.sig.Results().Len() {
			for i, r := range x.Results {
				w.conv(w.sig.Results().At(i).Type(), r)
			}
		}
	case *ast.SendStmt:
		if ch, ok := typeUnder[*types.Chan](info.TypeOf(x.Chan)); ok {
			w.conv(ch.Elem(), x.Value)
		}
	}
	return true
}

// icall records a call of interface method fn: a call of the module's
// interface method node when module code calls it too.
func (w *owalk) icall(fn *types.Func) {
	if id, ok := w.p.g.byName[objName(fn.Origin())]; ok && w.p.g.nodes[id].kind == methodNode {
		w.cur_().calls = append(w.cur_().calls, id)
		return
	}
	w.cur_().icalls = append(w.cur_().icalls, fn)
}

// testProof is what one test's code reaches and creates.
type testProof struct {
	ov      *overlay
	reach   []bool // by unified id
	created map[ckey]token.Pos
	order   []ckey // created, in the order found
	taken   map[int]token.Pos
	ifaces  map[string]*types.Func // interface methods called, by name
	// what reaches a change under the test's rules (by unified id),
	// without and with the commands' stop at route handlers
	toChange, toChangeStop []int32
	resolved               map[string][]resolvedTarget
	bySig                  map[string][]int // taken, by signature
}

// ckey is a created type: a module type node (test < 0) or a test type.
type ckey struct{ typ, test int }

type resolvedTarget struct {
	id  int
	typ ckey
}

func (p *prover) methodsOfKey(ov *overlay, k ckey) map[string]method {
	if k.test >= 0 {
		return ov.types[k.test].methods
	}
	return p.typeMethods(k.typ)
}

func (p *prover) nameOfKey(ov *overlay, k ckey) string {
	if k.test >= 0 {
		return ov.types[k.test].name
	}
	return p.g.nodes[k.typ].name
}

// test computes (once) what test ref reaches, or nil when its function
// is not found.
func (p *prover) test(ref TestRef) *testProof {
	if tp, ok := p.tests[ref]; ok {
		return tp
	}
	p.tests[ref] = nil
	ov := p.overlay(ref.Package)
	name, method, suite := strings.Cut(ref.Name, "/")
	roots := ov.tests[name]
	if len(roots) == 0 {
		return nil
	}
	roots = append(roots, ov.setup...)
	if suite {
		roots = append(roots, p.suiteRoots(ov, name, method)...)
	}
	tp := &testProof{ov: ov, reach: make([]bool, p.n+len(ov.nodes)), created: map[ckey]token.Pos{}, taken: map[int]token.Pos{}, ifaces: map[string]*types.Func{}, resolved: map[string][]resolvedTarget{}}
	p.rta(tp, roots)
	p.tests[ref] = tp
	return tp
}

// suiteRoots are the methods testify runs for suite method m of the
// suite test function name runs: its Setup* methods and m.
func (p *prover) suiteRoots(ov *overlay, name, m string) []int {
	d, pkg := ov.decls[name], ov.declP[name]
	if d == nil || pkg == nil {
		return nil
	}
	var out []int
	ast.Inspect(d.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || !evidence.IsSuiteRun(pkg.TypesInfo, call) {
			return true
		}
		methods, setup, reason := evidence.Suite(pkg, d, call, p.g.HasPackage)
		if reason != "" {
			return true
		}
		for _, fn := range []*types.Func{setup.Suite, setup.Test, setup.Before, setup.SubTest} {
			if fn != nil {
				out = append(out, p.target(ov, fn))
			}
		}
		for _, fn := range methods {
			if fn.Name() == m {
				out = append(out, p.target(ov, fn))
			}
		}
		return true
	})
	return out
}

// rta reaches, from roots, what the test's code runs, to a fixed point.
func (p *prover) rta(tp *testProof, roots []int) {
	g, ov := p.g, tp.ov
	var queue []int
	visit := func(id int) {
		if id >= 0 && id < len(tp.reach) && !tp.reach[id] {
			tp.reach[id] = true
			queue = append(queue, id)
		}
	}
	var create func(k ckey, pos token.Pos, conv bool)
	resolveNew := func(k ckey) {
		ms := p.methodsOfKey(ov, k)
		for _, key := range sortedKeysAny(tp.ifaces) {
			fn := tp.ifaces[key]
			if implements(ms, fn, false) {
				visit(ms[methodKey(fn)].target)
			}
		}
	}
	create = func(k ckey, pos token.Pos, conv bool) {
		if _, ok := tp.created[k]; !ok {
			tp.created[k] = pos
			tp.order = append(tp.order, k)
			resolveNew(k)
		}
		if conv {
			// Dependencies may call the methods of what they are handed.
			ms := p.methodsOfKey(ov, k)
			for _, key := range sortedKeysAny(ms) {
				visit(ms[key].target)
			}
		}
	}
	iface := func(fn *types.Func) {
		key := objName(fn.Origin())
		if _, ok := tp.ifaces[key]; ok {
			return
		}
		tp.ifaces[key] = fn
		for _, k := range tp.order {
			ms := p.methodsOfKey(ov, k)
			if implements(ms, fn, false) {
				visit(ms[methodKey(fn)].target)
			}
		}
	}
	take := func(id int, pos token.Pos) {
		if id < 0 {
			return
		}
		if _, ok := tp.taken[id]; !ok {
			tp.taken[id] = pos
		}
		visit(id)
	}
	for _, r := range roots {
		visit(r)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if u >= p.n {
			n := ov.node(u)
			for _, c := range n.creates {
				create(ckey{typ: c.typ, test: c.test}, c.pos, c.conv)
			}
			for _, t := range n.takes {
				take(t.id, t.pos)
			}
			for _, c := range n.calls {
				visit(c)
			}
			for _, fn := range n.icalls {
				iface(fn)
			}
			continue
		}
		n := g.nodes[u]
		if g.chanHandoffs[u] {
			continue // the receiving worker may not run under the test
		}
		if n.kind == methodNode {
			if fn, ok := p.objOf[u].(*types.Func); ok {
				iface(fn)
			}
			continue
		}
		for _, c := range g.creates[u] {
			create(ckey{typ: c.typ, test: -1}, c.pos, c.conv)
		}
		for _, t := range g.takes[u] {
			take(t, n.pos)
		}
		for _, e := range n.out {
			v := e.to
			switch k := g.nodes[v].kind; {
			case k == siteNode:
				continue
			case (k == funcNode || k == closureNode) && p.dynOnly(u, v):
				continue
			}
			visit(v)
		}
	}
}

func sortedKeysAny[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// resolve returns the methods an interface method node (or a test's
// interface method) resolves to under the test: those of the types it
// created that implement the interface.
func (p *prover) resolve(tp *testProof, fn *types.Func) []resolvedTarget {
	key := objName(fn.Origin())
	if r, ok := tp.resolved[key]; ok {
		return r
	}
	var out []resolvedTarget
	for _, k := range tp.order {
		ms := p.methodsOfKey(tp.ov, k)
		if implements(ms, fn, false) {
			if t := ms[methodKey(fn)].target; t >= 0 {
				out = append(out, resolvedTarget{id: t, typ: k})
			}
		}
	}
	tp.resolved[key] = out
	return out
}

// succ calls f for each step the test's rules allow from u; blocked
// reports the dynamic steps they do not allow (u's interface method
// resolving elsewhere, or u's call through a function value).
func (p *prover) succ(tp *testProof, u int, f func(v int), blocked func(v int)) {
	g, ov := p.g, tp.ov
	if u >= p.n {
		n := ov.node(u)
		for _, c := range n.calls {
			f(c)
		}
		for _, t := range n.takes {
			f(t.id)
		}
		for _, fn := range n.icalls {
			for _, r := range p.resolve(tp, fn) {
				f(r.id)
			}
		}
		for _, s := range n.dcalls {
			p.takenOfSig(tp, s, f)
		}
		return
	}
	n := g.nodes[u]
	if g.chanHandoffs[u] {
		return // the receiving worker may not run under the test
	}
	if n.kind == methodNode {
		fn, ok := p.objOf[u].(*types.Func)
		if !ok {
			return
		}
		allowed := map[int]bool{}
		for _, r := range p.resolve(tp, fn) {
			allowed[r.id] = true
			f(r.id)
		}
		if blocked != nil {
			for _, e := range n.out {
				if !allowed[e.to] {
					blocked(e.to)
				}
			}
		}
		return
	}
	for _, e := range n.out {
		v := e.to
		switch k := g.nodes[v].kind; {
		case k == siteNode:
			// A write counts when the test runs the code around it.
			if owner, ok := g.byName[g.nodes[v].name]; ok && owner < len(tp.reach) && tp.reach[owner] {
				f(v)
			}
			continue
		case (k == funcNode || k == closureNode) && p.dynOnly(u, v):
			if _, ok := tp.taken[v]; ok || p.dispatchable(tp, v) {
				f(v)
			} else if blocked != nil {
				blocked(v)
			}
			continue
		}
		f(v)
	}
	for _, s := range p.dynSigs[u] {
		p.takenOfSig(tp, s, func(v int) {
			if v >= p.n {
				f(v)
			}
		})
	}
}

// takenOfSig calls f for each function or closure the test took the
// value of that has signature s.
func (p *prover) takenOfSig(tp *testProof, s string, f func(int)) {
	if tp.bySig == nil {
		tp.bySig = map[string][]int{}
		for _, id := range sortedIntKeys(tp.taken) {
			if id >= p.n {
				sig := tp.ov.node(id).sig
				tp.bySig[sig] = append(tp.bySig[sig], id)
				continue
			}
			for _, ts := range p.sigOf[id] {
				tp.bySig[ts] = append(tp.bySig[ts], id)
			}
		}
	}
	for _, id := range tp.bySig[s] {
		f(id)
	}
}

func sortedIntKeys[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// dispatchable reports whether module method v belongs to a type the
// test created.
func (p *prover) dispatchable(tp *testProof, v int) bool {
	fn, ok := p.objOf[v].(*types.Func)
	if !ok || fn.Signature().Recv() == nil {
		return false
	}
	n, ok := types.Unalias(derefType(fn.Signature().Recv().Type())).(*types.Named)
	if !ok {
		return false
	}
	id, ok := p.g.byObj[n.Origin().Obj()]
	if !ok {
		return false
	}
	_, created := tp.created[ckey{typ: id, test: -1}]
	return created
}

// toChange returns, by unified id, the distance to a changed node under
// the test's rules (-1: none), computed once per variant.
func (p *prover) toChange(tp *testProof, stop bool) []int32 {
	if stop && tp.toChangeStop != nil {
		return tp.toChangeStop
	}
	if !stop && tp.toChange != nil {
		return tp.toChange
	}
	size := len(tp.reach)
	rev := make([][]int32, size)
	var extra []int // site nodes stepped to
	seenExtra := map[int]bool{}
	add := func(u int) func(int) {
		return func(v int) {
			if v < 0 || v >= size {
				return
			}
			rev[v] = append(rev[v], int32(u))
			if !tp.reach[v] && !seenExtra[v] {
				seenExtra[v] = true
				extra = append(extra, v)
			}
		}
	}
	for u := 0; u < size; u++ {
		if tp.reach[u] {
			p.succ(tp, u, add(u), nil)
		}
	}
	for i := 0; i < len(extra); i++ {
		u := extra[i]
		if p.g.nodes[u].kind == siteNode {
			p.succ(tp, u, add(u), nil)
		}
	}
	dist := make([]int32, size)
	for i := range dist {
		dist[i] = -1
	}
	var queue []int
	for _, id := range p.cs.IDs() {
		if id < size && (tp.reach[id] || seenExtra[id]) {
			dist[id] = 0
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if stop && p.handlers[id] {
			continue
		}
		for _, from := range rev[id] {
			if dist[from] < 0 {
				dist[from] = dist[id] + 1
				queue = append(queue, int(from))
			}
		}
	}
	if stop {
		tp.toChangeStop = dist
	} else {
		tp.toChange = dist
	}
	return dist
}

// proves reports whether the test proves feature fi statically.
func (p *prover) proves(tp *testProof, fi int) bool {
	f := p.features[fi]
	stop := f.Kind == report.KindCommand && len(p.handlers) > 0
	dist := p.toChange(tp, stop)
	for _, r := range f.Roots {
		if r >= 0 && r < len(tp.reach) && tp.reach[r] && dist[r] >= 0 {
			return true
		}
	}
	// A change to the registration alone: the test runs it.
	if sp, ok := p.g.touchedReg(p.cs, f); ok && sp.encl >= 0 && sp.encl < len(tp.reach) && tp.reach[sp.encl] {
		return true
	}
	return false
}

// runsReached reports whether the test's own code, under its rules,
// reaches a changed node that the feature reaches. It is the proof of a
// declared test: the configuration says the test stands for the feature,
// so it need not run the feature's entry (a command's main, which a test
// cannot run) but must run the changed code the feature depends on, with
// what it sets up itself.
func (p *prover) runsReached(tp *testProof, rf report.Feature) bool {
	reached := map[string]bool{}
	for _, d := range rf.Reaches {
		reached[d.Symbol] = true
	}
	for _, id := range p.cs.IDs() {
		if id < len(tp.reach) && tp.reach[id] && reached[p.g.nodes[id].name] {
			return true
		}
	}
	return false
}

// double finds the first dynamic call on the shortest way from the
// feature's roots to a change that the test's rules block, and what the
// test set up there instead.
func (p *prover) double(tp *testProof, fi int) *report.Double {
	f := p.features[fi]
	dist := p.dist
	if f.Kind == report.KindCommand && len(p.handlers) > 0 {
		dist = p.distStop
	}
	depth := map[int]int{}
	var queue []int
	for _, r := range f.Roots {
		if r >= 0 && r < len(tp.reach) && tp.reach[r] {
			if _, ok := depth[r]; !ok {
				depth[r] = 0
				queue = append(queue, r)
			}
		}
	}
	best, bestScore, bestFrom := -1, -1, -1
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if bestScore >= 0 && depth[u] >= bestScore {
			break
		}
		p.succ(tp, u, func(v int) {
			if _, ok := depth[v]; !ok && v >= 0 {
				depth[v] = depth[u] + 1
				queue = append(queue, v)
			}
		}, func(v int) {
			if v < 0 || v >= p.n || dist[v] < 0 {
				return
			}
			score := depth[u] + 1 + dist[v]
			if bestScore < 0 || score < bestScore || (score == bestScore && p.g.nodes[v].name < p.g.nodes[best].name) {
				best, bestScore, bestFrom = v, score, u
			}
		})
	}
	if best < 0 {
		return nil
	}
	d := &report.Double{Instead: p.g.nodes[best].name}
	u := p.g.nodes[bestFrom]
	var name string
	var pos token.Pos
	if u.kind == methodNode {
		d.Call = u.name
		fn, _ := p.objOf[bestFrom].(*types.Func)
		if fn == nil {
			return nil
		}
		targets := p.resolve(tp, fn)
		// The test's own types first, then by name.
		sort.SliceStable(targets, func(i, j int) bool {
			a, b := targets[i].typ, targets[j].typ
			if (a.test >= 0) != (b.test >= 0) {
				return a.test >= 0
			}
			return p.nameOfKey(tp.ov, a) < p.nameOfKey(tp.ov, b)
		})
		if len(targets) == 0 {
			return nil
		}
		name, pos = p.nameOfKey(tp.ov, targets[0].typ), tp.created[targets[0].typ]
	} else {
		sigs := p.sigOf[best]
		var cands []int
		for _, s := range sigs {
			p.takenOfSig(tp, s, func(v int) { cands = append(cands, v) })
			if len(cands) > 0 {
				d.Call = s
				break
			}
		}
		if len(cands) == 0 {
			return nil
		}
		sort.SliceStable(cands, func(i, j int) bool {
			if (cands[i] >= p.n) != (cands[j] >= p.n) {
				return cands[i] >= p.n
			}
			return p.nodeName(tp, cands[i]) < p.nodeName(tp, cands[j])
		})
		name, pos = p.nodeName(tp, cands[0]), tp.taken[cands[0]]
	}
	d.Name = name
	d.Position.File, d.Position.Line = p.g.prog.Rel(pos)
	return d
}

func (p *prover) nodeName(tp *testProof, id int) string {
	if id >= p.n {
		return tp.ov.node(id).name
	}
	return p.g.nodes[id].name
}

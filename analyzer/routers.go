package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Route discovery for every router: net/http's ServeMux, chi, gin,
// gorilla/mux, echo, fiber.
//
// Each router library has a detector (routers_<name>.go) that looks at a
// call, identified by the function it calls (typeutil.Callee and
// FullName, interface methods included), and says what it does: register
// a route, derive a router (a group, a sub-router, a Route closure),
// add middleware, or mount a handler. The machinery here does the rest
// for every library alike:
//
//   - it follows the router a call acts on back to where that router
//     comes from: through local and package variables, struct fields,
//     the closures a derived router is passed to (chi's Route and Group),
//     the parameters of functions (to every caller's argument), and the
//     functions that return a router; the result is a chain of steps from
//     the root router to the router of the call, each with the prefix,
//     middleware and method constraint it adds;
//   - it composes each chain's static prefixes with the route's path
//     (the detector's join, the way the router itself does), so the id is
//     the path the router serves; a sub-router mounted somewhere gets the
//     mount's prefix;
//   - a registration whose path, method or handler comes from the
//     parameters of the function around it (a wrapper) is registered once
//     per call of that function, with the call's arguments, and reported
//     at the call; the values a registration is made from are followed
//     through every call, range loops over tables, struct literals and
//     string building (routers_flow.go);
//   - it makes the route Feature (route in routes.go),
//     with the middleware of the route, of its groups and of the Use calls
//     on them as roots, and the registering call, the calls making its
//     groups and mounts and the Use calls as its registration (regSpan): a
//     change touching them impacts the route.
//
// Router values are followed flow-insensitively and without telling
// callers apart (a function called with two groups registers on both),
// which over-approximates ids only where code reassigns a router
// variable; a prefix given by a caller is bound per call. A part of a
// path or prefix known only at run time keeps its place as <expr>; a path
// with no static text is a dynamic route, named by its position.

// routerDetector is a router library's dialect of the route engine: it
// recognises the library's calls. A new router is one file: its dialect
// and the *Detector holding it (detectors.go), listed in detectors.
type routerDetector interface {
	// pkgs are the import paths of the library's packages that declare
	// the functions op recognises.
	pkgs() []string
	// op says what a call does to routes, or false when nothing.
	op(c routerCall) (routerOp, bool)
	// join composes a prefix and a path the way the router does.
	join(prefix, path string) string
	// clean is the path the router registers for a composed path.
	clean(path string) string
	// isHandler reports whether t is the library's own handler type (for
	// finding the innermost handler under wrappers).
	isHandler(t types.Type) bool
}

// requestMatcher is a dialect's optional hook for the test side: how the
// router matches a request against its patterns when it is not the
// default (a pattern matches its own path only; the most specific
// pattern wins).
type requestMatcher interface {
	matching() routeMatching
}

// routeMatching is how a router matches requests.
type routeMatching struct {
	// subtrees: a pattern ending in "/" matches every path below it
	// (net/http's ServeMux).
	subtrees bool
	// firstMatch: the first registered route that matches wins, not the
	// most specific (gorilla/mux).
	firstMatch bool
}

// matchingOf is how the router of a dialect matches requests.
func matchingOf(d routerDetector) routeMatching {
	if m, ok := d.(requestMatcher); ok {
		defer func() { blame(d, recover()) }()
		return m.matching()
	}
	return routeMatching{}
}

// routerCall is a call a detector looks at.
type routerCall struct {
	fn   *types.Func
	name string // fn.FullName()
	call *ast.CallExpr
	info *types.Info
	scan *routerScan
}

// method returns the name of the method called when the callee is a
// method of one of the receivers, written as FullName writes them:
// "(*example.com/r.Mux)" or "(example.com/r.Router)".
func (c routerCall) method(receivers ...string) (string, bool) {
	for _, r := range receivers {
		if rest, ok := strings.CutPrefix(c.name, r+"."); ok {
			return rest, true
		}
	}
	return "", false
}

// recv is the receiver expression of a method call.
func (c routerCall) recv() ast.Expr {
	if sel, ok := ast.Unparen(c.call.Fun).(*ast.SelectorExpr); ok {
		return sel.X
	}
	return nil
}

func (c routerCall) arg(i int) ast.Expr {
	if i < len(c.call.Args) {
		return c.call.Args[i]
	}
	return nil
}

// one is the argument i as a list of one, or none.
func (c routerCall) one(i int) []ast.Expr {
	if i < len(c.call.Args) {
		return c.call.Args[i : i+1]
	}
	return nil
}

func (c routerCall) args(from int) []ast.Expr {
	if from < len(c.call.Args) {
		return c.call.Args[from:]
	}
	return nil
}

// chainParent returns the call that calls a method on the result of
// call (call.M(...)), or nil.
func (c routerCall) chainParent(call *ast.CallExpr) *ast.CallExpr {
	return c.scan.parent[call]
}

// callee returns the full name of the function a call calls, or "".
func (c routerCall) callee(call *ast.CallExpr) string {
	if fn, ok := typeutil.Callee(c.info, call).(*types.Func); ok {
		return fn.FullName()
	}
	return ""
}

type routerOpKind int

const (
	opNone  routerOpKind = iota
	opRoute              // registers routes on recv
	opGroup              // derives a router from recv: the call's result, and the first parameter of closure
	opUse                // adds middleware to the routes of recv
	opMount              // serves handler under path on recv; a router mounted there gets the prefix
	opSame               // returns recv (a configuration call)
)

// routerOp is what a call does.
type routerOp struct {
	kind routerOpKind
	recv ast.Expr // the router the call acts on; nil when unknown
	// paths are constant path expressions composed in order with join;
	// none is "".
	paths []ast.Expr
	// methods are constant method expressions; none (and no fixed) is
	// any method.
	methods []ast.Expr
	fixed   []string // methods known from the function called
	upper   bool     // the router upper-cases methods
	// rewrite turns the constant relative path into the registered one,
	// and may set the methods (chi's Handle("GET /x", h)).
	rewrite func(path string) (methods []string, rel string)
	handler ast.Expr   // the route's handler (its entry), or the mounted handler
	mws     []ast.Expr // middleware of the route or the derived router
	closure ast.Expr   // the function a derived router is passed to
	chain   bool       // a route or use call that returns its receiver
	dynamic bool       // the detector could not read the route's shape
	// subtree: the route serves every path under its path when that ends
	// in '/' (gorilla/mux's PathPrefix("/static/").Handler(fs)).
	subtree bool
	// embed is the embedded router field a promoted call goes through
	// (set by the machinery, not by detectors).
	embed *types.Var
	// iface: a call of the module's own interface that a router type
	// implements; only chains from routers of the library count.
	iface bool
}

// exprRef is an expression with the package and file it is in.
type exprRef struct {
	pkg  *packages.Package
	file *ast.File
	expr ast.Expr
}

// routerStep is one router on the way from a root router to the router a
// call acts on.
type routerStep struct {
	id      any    // what makes the router value: a call, or an object for a router of unknown origin
	prefix  string // the path it adds
	dynamic bool   // the prefix is not static
	text    bool   // the prefix holds constant text of the program
	methods []string
	mws     []exprRef
	det     routerDetector
	sites   []regSpan // the call that makes it (a group, a mount)
	// unmounted is the router parameter a root stands for when no call
	// of the module gives it.
	unmounted *types.Var
}

// routerChain is a router's steps, the root first.
type routerChain []*routerStep

// paramOwner says which function a parameter belongs to: the keys the
// function is known by (its *types.Func, the *ast.FuncLit, the variable a
// literal is assigned to) and the parameter's index.
type paramOwner struct {
	keys     []any
	index    int
	variadic bool
}

// argUse is a function passed as an argument: calls[call].Args[arg].
type argUse struct{ call, arg int }

type declRef struct {
	pkg  *packages.Package
	file *ast.File
	decl *ast.FuncDecl
}

const (
	maxRouterDepth  = 16  // how far router values are followed
	maxRouterChains = 256 // chains kept per router expression
)

// routerScan holds the indexes the walking machinery uses.
type routerScan struct {
	g *Graph
	// holes are what each placeholder of a route id stands for: the
	// package variables it is read from (evidence_prefix.go).
	holes       routeHoles
	byPkg       map[string][]routerDetector
	calls       []callSite
	site        map[*ast.CallExpr]int
	byCallee    map[types.Object][]int
	parent      map[*ast.CallExpr]*ast.CallExpr
	defs        map[types.Object][]exprRef
	funcArgs    map[any][]argUse
	litCalls    map[*ast.FuncLit][]int // literals called where they are written
	ifaceCalls  map[string][]int       // calls of interface methods, by method name
	params      map[*types.Var]paramOwner
	decls       map[*types.Func]declRef
	rets        map[*types.Func][]exprRef
	ranges      map[*types.Var]rangeVar
	ownerParams map[any][]*types.Var // a function's parameters, by its first key
	impls       map[*types.Func][]*types.Func
	ifaceTypes  map[*types.Func][]routerType
	mine        map[string]bool
	rtypes      []routerType

	ops  map[*ast.CallExpr]*routerOpAt
	memo map[ast.Expr][]routerChain
	// evaluating are the variables whose definitions are being evaluated
	// (p += "/x" refers to p: followed once, not k^depth times).
	evaluating map[*types.Var]bool
	busy       map[ast.Expr]bool
	noMounts   bool
	mounts     map[any][]mountUse // root step id -> the mounts that mount it

	// The test side (evidence_requests.go) evaluates the values tests
	// build requests from with the same machinery, strictly: a variable
	// written other than by a plain assignment (+=, ++, its address
	// taken, a tuple assignment) is not known (tainted), and hole gives
	// the run-time values it knows (an httptest.Server's URL).
	strict  bool
	tainted map[types.Object]bool
	hole    func(r exprRef, env binding) (pathVal, bool)
}

// mountUse is a mount call, with the binding of the wrapper call it is
// made through.
type mountUse struct {
	call int
	env  binding
}

// stepKey identifies a router derived by one call under one binding of
// its prefix (a Route or Group call in a function given the prefix).
type stepKey struct {
	call   *ast.CallExpr
	prefix string
}

type routerOpAt struct {
	routerOp
	det routerDetector
}

// routerRoutes finds the routes registered on third-party routers.
func (g *Graph) routerRoutes() []Feature {
	s := newRouterScan(g)
	if s == nil {
		return nil
	}
	// Where routers are mounted (chi's Mount): a router of known origin
	// mounted under a prefix serves its routes there.
	s.noMounts = true
	mounted := map[int][]any{} // mount call -> the roots it mounts
	type mountArg struct {
		call int
		arg  ast.Expr
	}
	mountedBy := map[mountArg][]any{} // the roots one argument of a mount helper mounts
	for i, cs := range s.calls {
		if op := s.opOf(i); op != nil && op.kind == opMount && op.handler != nil {
			for _, inst := range s.expandAt(cs, append(append([]ast.Expr{}, op.paths...), op.handler)) {
				h := s.bind(s.ref(cs, op.handler), inst.env)
				for _, id := range s.mountedRoots(op.det, h) {
					mountedBy[mountArg{i, h.expr}] = append(mountedBy[mountArg{i, h.expr}], id)
					if !slices.Contains(mounted[i], id) {
						mounted[i] = append(mounted[i], id)
					}
					s.mounts[id] = append(s.mounts[id], mountUse{call: i, env: inst.env})
				}
			}
		}
	}
	s.noMounts = false
	s.memo = map[ast.Expr][]routerChain{}

	type reg struct {
		call   int
		op     *routerOpAt
		chains []routerChain
	}
	var regs []reg
	uses := map[any][]exprRef{}
	useSites := map[any][]regSpan{}
	routed := map[any]bool{}
	for i, cs := range s.calls {
		op := s.opOf(i)
		if op == nil {
			continue
		}
		switch op.kind {
		case opRoute, opMount:
			var chains []routerChain
			if op.recv != nil {
				chains = s.recvChains(s.ref(cs, op.recv), op, nil, 0)
			}
			if op.iface {
				if chains = s.libraryChains(op.det, chains); len(chains) == 0 {
					continue // the interface is implemented by the module's own wrapper
				}
			}
			if len(chains) == 0 {
				chains = []routerChain{{{id: cs.call, dynamic: op.recv == nil}}}
			}
			if op.kind == opRoute {
				for _, c := range chains {
					for _, st := range c {
						routed[st.id] = true
					}
				}
			}
			regs = append(regs, reg{call: i, op: op, chains: chains})
		case opUse:
			if op.recv == nil {
				continue
			}
			chains := s.recvChains(s.ref(cs, op.recv), op, nil, 0)
			if op.iface {
				chains = s.libraryChains(op.det, chains)
			}
			for _, c := range chains {
				last := c[len(c)-1].id
				for _, mw := range op.mws {
					uses[last] = append(uses[last], s.ref(cs, mw))
				}
				useSites[last] = append(useSites[last], callSpan(cs.call, nil, cs.encl, op.mws...))
			}
		}
	}

	var out []Feature
	// One feature per id, entry and place: the instances of a
	// registration that give the same route (two loops reaching one
	// table) are one route.
	index := map[string]int{}
	for _, r := range regs {
		cs, op := s.calls[r.call], r.op
		if op.kind == opMount {
			skip := false
			for _, id := range mounted[r.call] {
				skip = skip || routed[id] // the mounted router's routes stand for it
			}
			if skip && len(s.instances(cs, op)) == 1 {
				continue
			}
		}
		for _, inst := range s.instances(cs, op) {
			if op.kind == opMount && op.handler != nil {
				// Through a helper: the mounts of routers whose routes
				// are seen stand for themselves.
				skip := false
				for _, id := range mountedBy[mountArg{r.call, s.bind(s.ref(cs, op.handler), inst.env).expr}] {
					skip = skip || routed[id]
				}
				if skip {
					continue
				}
			}
			chains := r.chains
			if op.recv != nil && op.embed == nil {
				if recv := s.bind(s.ref(cs, op.recv), inst.env); recv.expr != op.recv {
					if cs := s.chains(recv.exprRef, 0); len(cs) > 0 {
						chains = cs
					}
				}
			}
			seen := map[string]bool{}
			for _, chain := range chains {
				if !s.consistent(chain, inst.env) {
					continue // a prefix another call of the same function gives
				}
				mount := unmountedAt(chain, chains)
				if mount != "" {
					s.noteHole(pathVal{s: mount, ok: true}, "")
				}
				for _, id := range s.routeIDs(cs, inst, op, chain) {
					id = withMount(id, mount)
					if seen[id] {
						continue
					}
					seen[id] = true
					f := s.feature(cs, inst, op, chain, id, uses, useSites)
					f.subtrees = matchingOf(op.det).subtrees
					f.subtrees = f.subtrees || op.subtree
					key := f.ID + "\x00" + f.Entry + "\x00" + f.Position.File + fmt.Sprint(f.Position.Line)
					if j, dup := index[key]; dup {
						out[j].roots = append(out[j].roots, f.roots...)
						out[j].regs = append(out[j].regs, f.regs...)
						continue
					}
					index[key] = len(out)
					out = append(out, f)
				}
			}
		}
	}
	for i := range out {
		out[i].holes = s.holes // what run-time parts of their ids stand for (evidence_prefix.go)
	}
	return out
}

// feature makes the route feature of one registration: reported where
// the registration is (or the outermost call of the wrappers it is
// in), with the handler as its entry and the middleware of the route,
// of its groups and of the Use calls on them as roots.
func (s *routerScan) feature(cs callSite, inst regInstance, op *routerOpAt, chain routerChain, id string, uses map[any][]exprRef, useSites map[any][]regSpan) Feature {
	var f Feature
	if op.handler == nil {
		// No handler at all (gin's `g.OPTIONS("/*any")`): a request runs
		// the middleware of the route's chain (added below) and nothing
		// of the function that registers it, whose other statements are
		// set-up (gotify's router.Create). Its registration still counts
		// (regs): a change of the call impacts the route.
		f = s.g.route(inst.site, id, nil, nil)
		f.roots = slices.DeleteFunc(f.roots, func(r int) bool { return r == inst.site.encl })
	} else {
		h := s.bind(s.ref(cs, op.handler), inst.env)
		var inner []int
		if h.expr == op.handler {
			// A wrapper's own handler around the one it is given
			// (func(w, r) { h.ServeHTTP(w, r) }): the given one is the
			// entry, the wrapper's code runs too.
			v := s.wrapsParam(cs.pkg.TypesInfo, op.handler)
			if p := s.paramOf(cs.pkg.TypesInfo, op.handler); v == nil && p != nil && isHandlerType(p.Type()) {
				if _, isParam := s.params[p]; isParam {
					v = p // a handler parameter nobody gives
				}
			}
			if v != nil {
				inner = s.g.referencedIn(cs.pkg, op.handler)
				if b, ok := inst.env[v]; ok {
					h = s.bind(b.exprRef, b.env)
					if p := s.paramOf(h.pkg.TypesInfo, h.expr); p != nil && isHandlerType(p.Type()) {
						if _, isParam := s.params[p]; isParam {
							h = boundArg{} // a wrapper's parameter nobody gives
						}
					}
				} else {
					h = boundArg{} // given by nobody the module sees
				}
			}
		}
		if h.expr == nil {
			f = s.g.route(inst.site, id, nil, inner)
		} else {
			// The handler is resolved where it is written; the route is
			// registered at the site.
			hs := callSite{pkg: h.pkg, file: h.file, encl: inst.site.encl, call: inst.site.call}
			f = s.g.route(hs, id, h.expr, inner)
		}
		f.roots = append(f.roots, s.g.startup) // startup.go
		f.roots = append(f.roots, s.g.brokenStartup(inst.site.pkg)...)
	}
	mws := make([]exprRef, 0, len(op.mws))
	for _, mw := range op.mws {
		mws = append(mws, s.ref(cs, mw))
	}
	for _, st := range chain {
		mws = append(mws, st.mws...)
		mws = append(mws, uses[st.id]...)
	}
	for _, mw := range mws {
		f.roots = append(f.roots, s.reach(mw)...)
	}
	// Where it is registered: besides the call it is reported at (route
	// adds it), the registration inside wrappers, its groups, mounts and
	// Use calls.
	f.regs = append(f.regs, s.opSpan(cs, op.routerOp))
	for _, st := range chain {
		f.regs = append(f.regs, st.sites...)
		f.regs = append(f.regs, useSites[st.id]...)
	}
	return f
}

// opSpan is the span of a registering call: the call, widened to the
// expressions the detector read from it, without its closure.
func (s *routerScan) opSpan(cs callSite, op routerOp) regSpan {
	exprs := append(append(append([]ast.Expr{op.handler}, op.paths...), op.methods...), op.mws...)
	return callSpan(cs.call, op.closure, cs.encl, exprs...)
}

// mountedRoots are the routers of the library a mounted handler is: the
// roots of its chains, and the routers in the embedded fields of a struct
// it is.
func (s *routerScan) mountedRoots(det routerDetector, h boundArg) []any {
	var out []any
	cs := callSite{pkg: h.pkg, file: h.file}
	for _, c := range s.chains(h.exprRef, 0) {
		if len(c) == 1 && s.sameRouter(det, cs, h.expr, c[0].id) {
			out = append(out, c[0].id)
		}
	}
	for _, f := range embeddedRouters(h.pkg.TypesInfo.TypeOf(h.expr), det) {
		for _, c := range s.fieldChains(f, 0) {
			if len(c) == 1 {
				out = append(out, c[0].id)
			}
		}
	}
	return out
}

// sameRouter reports whether a mounted handler is a router of the
// mounting library (only those serve their routes under the mount's
// prefix: chi's Mount hands a chi sub-router the rest of the path, any
// other handler the whole path): the handler's type, or the type of the
// root it comes from, is one of the library's.
func (s *routerScan) sameRouter(det routerDetector, cs callSite, handler ast.Expr, root any) bool {
	own := func(t types.Type) bool { return t != nil && ownType(t, det) }
	if own(cs.pkg.TypesInfo.TypeOf(handler)) {
		return true
	}
	switch x := root.(type) {
	case *ast.CallExpr:
		if i, ok := s.site[x]; ok {
			return own(s.calls[i].pkg.TypesInfo.TypeOf(x))
		}
	case types.Object:
		return own(x.Type())
	}
	return false
}

// routeIDs are the ids of the routes a registration makes on a router.
func (s *routerScan) routeIDs(cs callSite, inst regInstance, op *routerOpAt, chain routerChain) []string {
	dynamic := op.dynamic
	prefix := ""
	text := false
	var constraint []string
	for _, st := range chain {
		dynamic = dynamic || st.dynamic
		text = text || st.text
		if st.prefix != "" {
			prefix = op.det.join(prefix, st.prefix)
		}
		if st.methods != nil {
			constraint = st.methods
		}
	}
	rel := ""
	for i, p := range op.paths {
		v := s.eval(s.ref(cs, p), inst.env, 0) // <config.Webroot>api/x
		c, ok := v.s, v.ok
		if !ok {
			dynamic = true
			break
		}
		text = text || v.text
		if i == 0 {
			rel = c
		} else {
			rel = op.det.join(rel, c)
		}
	}
	methods := append([]string(nil), op.fixed...)
	for _, m := range op.methods {
		c, ok := s.str(s.ref(cs, m), inst.env, 0)
		if !ok {
			dynamic = true
			break
		}
		methods = append(methods, c)
	}
	if op.rewrite != nil {
		if ms, r := op.rewrite(rel); ms != nil {
			methods, rel = ms, r
		} else {
			rel = r
		}
	}
	if dynamic {
		return []string{dynamicID(s.g, inst.site.call)}
	}
	path := rel
	if op.kind == opMount {
		if strings.HasSuffix(path, "/") {
			path += "*"
		} else {
			path += "/*"
		}
	}
	if path = op.det.join(prefix, path); !strings.HasPrefix(path, "<") {
		path = op.det.clean(path) // a run-time base keeps its place
	}
	if strings.Contains(path, "<") && !text {
		// Nothing of the program's own text: the path names no page.
		return []string{dynamicID(s.g, inst.site.call)}
	}
	if len(methods) == 0 {
		methods = constraint
	}
	if len(methods) == 0 {
		return []string{path}
	}
	var ids []string
	for _, m := range methods {
		if op.upper {
			m = strings.ToUpper(m)
		}
		ids = append(ids, m+" "+path)
	}
	sort.Strings(ids)
	return ids
}

// Wrappers. A registration whose path, method or handler comes from the
// parameters of the function around it (func (s *Server) get(path
// string, h http.HandlerFunc) { s.r.Get(path, h) }) registers what each
// call of that function gives it: one instance per call, reported at the
// call, wrappers of wrappers followed until one is already on the stack.

// binding maps a wrapper's parameters to the arguments of one call.
type binding map[*types.Var]boundArg

// boundArg is an argument, with the binding of the function it is in.
type boundArg struct {
	exprRef
	env binding
}

// regInstance is a registration as one call of its wrappers makes it.
type regInstance struct {
	site callSite // where the route is reported
	env  binding
}

// instances returns the instances of a registration: itself, or one per
// call of the wrapper it is in.
func (s *routerScan) instances(cs callSite, op *routerOpAt) []regInstance {
	uses := append(append([]ast.Expr{}, op.paths...), op.methods...)
	if op.handler != nil && op.handler != cs.call.Fun {
		// A handler given by the callers: a parameter, a row of a table,
		// or what a wrapper's own handler wraps.
		info := cs.pkg.TypesInfo
		if _, isParam := s.params[s.paramOf(info, op.handler)]; isParam || s.usesRange(info, op.handler) || s.wrapsParam(info, op.handler) != nil {
			uses = append(uses, op.handler)
		}
	}
	return s.expandAt(cs, uses)
}

// wrapperInstances binds the parameters the expressions at cs use to the
// arguments of each call of the function they belong to, or returns nil
// when they use none (or nobody calls it).
func (s *routerScan) wrapperInstances(cs callSite, exprs []ast.Expr, stack map[any]bool) []regInstance {
	info := cs.pkg.TypesInfo
	var owner *paramOwner
	var params []*types.Var
	for _, e := range exprs {
		if _, ok := constString(info, e); ok {
			continue
		}
		ast.Inspect(e, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			v, ok := info.Uses[id].(*types.Var)
			if !ok || declaredIn(v, e) {
				return true
			}
			if p, ok := s.params[v]; ok && (owner == nil || owner.keys[0] == p.keys[0]) {
				owner = &p
				params = append(params, v)
			}
			return true
		})
	}
	if owner == nil || stack[owner.keys[0]] || len(stack) > maxFlowDepth {
		return nil
	}
	stack[owner.keys[0]] = true
	defer delete(stack, owner.keys[0])
	var callers []int
	for _, key := range owner.keys {
		if obj, ok := key.(types.Object); ok {
			callers = append(callers, s.byCallee[obj]...)
			callers = append(callers, s.dispatched(obj)...)
		}
		// Handed to functions as a value (Install(r.Handle), and on to
		// installDebug(handle)): the calls of those parameters.
		aliases := []any{key}
		seen := map[any]bool{key: true}
		for len(aliases) > 0 {
			a := aliases[0]
			aliases = aliases[1:]
			for _, use := range s.funcArgs[a] {
				uc := s.calls[use.call]
				fn, ok := typeutil.Callee(uc.pkg.TypesInfo, uc.call).(*types.Func)
				if !ok || fn.Pkg() == nil || isAbstract(fn) {
					continue
				}
				if _, mine := s.decls[fn.Origin()]; !mine {
					continue
				}
				if ps := fn.Origin().Signature().Params(); use.arg < ps.Len() && !seen[ps.At(use.arg)] {
					p := ps.At(use.arg)
					seen[p] = true
					aliases = append(aliases, p)
					callers = append(callers, s.byCallee[p]...)
				}
			}
		}
	}
	if lit, ok := owner.keys[0].(*ast.FuncLit); ok {
		callers = append(callers, s.litCalls[lit]...)
	}
	var out []regInstance
	for _, i := range callers {
		caller := s.calls[i]
		env := binding{}
		var args []ast.Expr
		for _, v := range params {
			p := s.params[v]
			switch {
			case p.index >= len(caller.call.Args):
			case p.variadic && !caller.call.Ellipsis.IsValid():
				// paths ...string: the arguments from there on, a table.
				rest := caller.call.Args[p.index:]
				env[v] = boundArg{exprRef: s.ref(caller, &ast.CompositeLit{Elts: rest})}
				args = append(args, rest...)
			default:
				env[v] = boundArg{exprRef: s.ref(caller, caller.call.Args[p.index])}
				args = append(args, caller.call.Args[p.index])
			}
		}
		// The function's other string parameters too (a prefix its Route
		// call uses): consistent pairs them with the chains.
		for _, v := range s.ownerParams[owner.keys[0]] {
			if p := s.params[v]; env[v].expr == nil && !p.variadic && p.index < len(caller.call.Args) && types.Identical(v.Type().Underlying(), types.Typ[types.String]) {
				env[v] = boundArg{exprRef: s.ref(caller, caller.call.Args[p.index])}
			}
		}
		outer := s.wrapperInstances(caller, args, stack)
		if len(outer) == 0 {
			out = append(out, regInstance{site: caller, env: env})
			continue
		}
		for _, o := range outer {
			e := binding{}
			for v, b := range env {
				e[v] = boundArg{exprRef: b.exprRef, env: o.env}
			}
			out = append(out, regInstance{site: o.site, env: e})
		}
		if len(out) >= maxInstances {
			break
		}
	}
	return out
}

// paramOf is the variable an expression names, or nil.
func (s *routerScan) paramOf(info *types.Info, e ast.Expr) *types.Var {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		v, _ := info.Uses[id].(*types.Var)
		return v
	}
	return nil
}

// newRouterScan indexes the module for the detectors of the router
// libraries it imports, or returns nil when it imports none.
func newRouterScan(g *Graph) *routerScan {
	s := newScan(g)
	// Only a module that imports a router library can build its routers.
	found := false
	for _, pkg := range g.prog.Packages {
		for path := range pkg.Imports {
			_, ok := s.byPkg[path]
			found = found || ok
		}
	}
	if !found {
		return nil
	}
	for _, pkg := range g.prog.Packages {
		if pkg.TypesInfo == nil {
			continue
		}
		for _, f := range pkg.Syntax {
			s.index(pkg, f)
		}
	}
	return s
}

// newScan makes an empty scan with every router library's detectors.
func newScan(g *Graph) *routerScan {
	s := &routerScan{
		g:           g,
		holes:       routeHoles{},
		byPkg:       map[string][]routerDetector{},
		site:        map[*ast.CallExpr]int{},
		byCallee:    map[types.Object][]int{},
		parent:      map[*ast.CallExpr]*ast.CallExpr{},
		defs:        map[types.Object][]exprRef{},
		funcArgs:    map[any][]argUse{},
		litCalls:    map[*ast.FuncLit][]int{},
		ifaceCalls:  map[string][]int{},
		params:      map[*types.Var]paramOwner{},
		decls:       map[*types.Func]declRef{},
		rets:        map[*types.Func][]exprRef{},
		ranges:      map[*types.Var]rangeVar{},
		ownerParams: map[any][]*types.Var{},
		impls:       map[*types.Func][]*types.Func{},
		ifaceTypes:  map[*types.Func][]routerType{},
		ops:         map[*ast.CallExpr]*routerOpAt{},
		memo:        map[ast.Expr][]routerChain{},
		evaluating:  map[*types.Var]bool{},
		busy:        map[ast.Expr]bool{},
		mounts:      map[any][]mountUse{},
		tainted:     map[types.Object]bool{},
	}
	for _, d := range g.routerDialects() {
		for _, p := range d.pkgs() {
			s.byPkg[p] = append(s.byPkg[p], d)
		}
	}
	return s
}

// index records a file's calls, assignments, parameters and functions.
func (s *routerScan) index(pkg *packages.Package, f *ast.File) {
	info := pkg.TypesInfo
	for _, decl := range f.Decls {
		encl := s.g.declNode(pkg, decl)
		var stack []ast.Node
		ast.Inspect(decl, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			switch x := n.(type) {
			case *ast.FuncDecl:
				if fn, ok := info.Defs[x.Name].(*types.Func); ok {
					s.decls[fn] = declRef{pkg: pkg, file: f, decl: x}
					s.addParams(info, x.Type, []any{fn})
				}
			case *ast.FuncLit:
				keys := []any{x}
				if v := litVar(info, stack, x); v != nil {
					keys = append(keys, v)
				}
				s.addParams(info, x.Type, keys)
			case *ast.CallExpr:
				i := len(s.calls)
				s.calls = append(s.calls, callSite{pkg: pkg, file: f, encl: encl, call: x})
				s.site[x] = i
				if obj := calleeObj(info, x); obj != nil {
					s.byCallee[obj] = append(s.byCallee[obj], i)
					if fn, ok := obj.(*types.Func); ok && isAbstract(fn) {
						s.ifaceCalls[fn.Name()] = append(s.ifaceCalls[fn.Name()], i)
					}
				}
				switch fun := ast.Unparen(x.Fun).(type) {
				case *ast.SelectorExpr:
					if inner, ok := ast.Unparen(fun.X).(*ast.CallExpr); ok {
						s.parent[inner] = x
					}
				case *ast.FuncLit:
					s.litCalls[fun] = append(s.litCalls[fun], i)
				}
				for a, arg := range x.Args {
					if key := funcKey(info, arg); key != nil {
						s.funcArgs[key] = append(s.funcArgs[key], argUse{call: i, arg: a})
					}
				}
			case *ast.AssignStmt:
				if (x.Tok != token.DEFINE && x.Tok != token.ASSIGN) || (len(x.Lhs) != len(x.Rhs) && !(len(x.Rhs) == 1 && isJoinPath(info, x.Rhs[0]))) {
					s.taint(info, x.Lhs...) // p += "/x", p, ok = m[k]
				}
				if len(x.Lhs) == 2 && len(x.Rhs) == 1 && isJoinPath(info, x.Rhs[0]) {
					// p, err := url.JoinPath(base, "x")
					if obj := assignee(info, x.Lhs[0]); obj != nil {
						s.defs[obj] = append(s.defs[obj], exprRef{pkg: pkg, file: f, expr: x.Rhs[0]})
					}
				}
				switch {
				case len(x.Lhs) == len(x.Rhs) && (x.Tok == token.DEFINE || x.Tok == token.ASSIGN):
					for i, lhs := range x.Lhs {
						if obj := assignee(info, lhs); obj != nil {
							s.defs[obj] = append(s.defs[obj], exprRef{pkg: pkg, file: f, expr: x.Rhs[i]})
						}
					}
				case len(x.Lhs) == 1 && len(x.Rhs) == 1:
					// p += "/x" is p = p + "/x"; any other operator is
					// a value the evaluator does not know.
					if obj := assignee(info, x.Lhs[0]); obj != nil && isStringVar(obj) {
						op := token.SUB
						if x.Tok == token.ADD_ASSIGN {
							op = token.ADD
						}
						s.defs[obj] = append(s.defs[obj], exprRef{pkg: pkg, file: f, expr: &ast.BinaryExpr{X: x.Lhs[0], OpPos: x.TokPos, Op: op, Y: x.Rhs[0]}})
					}
				case len(x.Rhs) == 1 && !isJoinPath(info, x.Rhs[0]):
					// a, err := f(): each string written by a call of
					// several results is known only at run time.
					for _, lhs := range x.Lhs {
						if obj := assignee(info, lhs); obj != nil && isStringVar(obj) {
							s.defs[obj] = append(s.defs[obj], exprRef{pkg: pkg, file: f, expr: x.Rhs[0]})
						}
					}
				}
			case *ast.UnaryExpr:
				// &p: the string may be written through the pointer.
				if x.Op == token.AND {
					if obj := assignee(info, x.X); obj != nil && isStringVar(obj) {
						s.defs[obj] = append(s.defs[obj], exprRef{pkg: pkg, file: f, expr: x})
					}
					s.taint(info, x.X)
				}
			case *ast.ValueSpec:
				if len(x.Values) == len(x.Names) {
					for i, name := range x.Names {
						if obj := info.Defs[name]; obj != nil {
							s.defs[obj] = append(s.defs[obj], exprRef{pkg: pkg, file: f, expr: x.Values[i]})
						}
					}
				}
			case *ast.IncDecStmt:
				s.taint(info, x.X)
			case *ast.RangeStmt:
				if x.Tok == token.ASSIGN {
					s.taint(info, x.Key, x.Value)
				}
				if x.Tok == token.DEFINE {
					if v, ok := rangeDef(info, x.Key); ok {
						s.ranges[v] = rangeVar{stmt: x, key: true}
					}
					if v, ok := rangeDef(info, x.Value); ok {
						s.ranges[v] = rangeVar{stmt: x}
					}
				}
			case *ast.CompositeLit:
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							if v, ok := info.Uses[id].(*types.Var); ok && v.IsField() {
								s.defs[v.Origin()] = append(s.defs[v.Origin()], exprRef{pkg: pkg, file: f, expr: kv.Value})
							}
						}
					}
				}
			}
			stack = append(stack, n)
			return true
		})
	}
}

// taint marks the variables and fields the expressions write as not
// known from their assignments.
func (s *routerScan) taint(info *types.Info, exprs ...ast.Expr) {
	for _, e := range exprs {
		if e == nil {
			continue
		}
		if obj := assignee(info, e); obj != nil {
			s.tainted[obj] = true
		}
	}
}

func (s *routerScan) addParams(info *types.Info, ft *ast.FuncType, keys []any) {
	if ft.Params == nil {
		return
	}
	i := 0
	for _, field := range ft.Params.List {
		if len(field.Names) == 0 {
			i++
			continue
		}
		_, variadic := field.Type.(*ast.Ellipsis)
		for _, name := range field.Names {
			if v, ok := info.Defs[name].(*types.Var); ok {
				s.params[v] = paramOwner{keys: keys, index: i, variadic: variadic}
				s.ownerParams[keys[0]] = append(s.ownerParams[keys[0]], v)
			}
			i++
		}
	}
}

// funcKey is the function an argument denotes: a literal, a function or
// method (value), or a variable that may hold one.
func funcKey(info *types.Info, arg ast.Expr) any {
	switch x := ast.Unparen(arg).(type) {
	case *ast.FuncLit:
		return x
	case *ast.Ident, *ast.SelectorExpr:
		switch obj := info.Uses[identOf(x)].(type) {
		case *types.Func:
			return obj.Origin()
		case *types.Var:
			if _, isFunc := obj.Type().Underlying().(*types.Signature); isFunc {
				return obj
			}
		}
	}
	return nil
}

func (s *routerScan) ref(cs callSite, e ast.Expr) exprRef {
	return exprRef{pkg: cs.pkg, file: cs.file, expr: e}
}

// opOf classifies calls[i], or returns nil.
func (s *routerScan) opOf(i int) *routerOpAt {
	cs := s.calls[i]
	return s.opOfCall(cs.pkg.TypesInfo, cs.call)
}

func (s *routerScan) opOfCall(info *types.Info, call *ast.CallExpr) *routerOpAt {
	if op, ok := s.ops[call]; ok {
		return op
	}
	s.ops[call] = nil
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil
	}
	dets := s.byPkg[fn.Pkg().Path()]
	if len(dets) == 0 {
		// A method of the module's own interface that a router type
		// implements.
		if isAbstract(fn) {
			if at := s.ifaceOp(info, call, fn); at != nil {
				s.ops[call] = at
				return at
			}
		}
		return nil
	}
	c := routerCall{fn: fn, name: fn.FullName(), call: call, info: info, scan: s}
	for _, d := range dets {
		if op, ok := callOp(d, c); ok && op.kind != opNone {
			at := &routerOpAt{routerOp: op, det: d}
			at.embed = embedded(info, call)
			if at.embed != nil && at.embed.Pkg() != nil && !s.modulePkgs()[at.embed.Pkg().Path()] {
				// A library's own embedding (gin's Engine embeds a
				// RouterGroup: r.GET on an Engine is RouterGroup.GET) is
				// the router the call is made on: the route's chain is
				// the receiver's, the one r.Use adds middleware to. (As a
				// field, its chain was the library's field, which the
				// module never writes: the Engine's middleware was lost.)
				// A module struct embedding the library's router keeps its
				// own field (moduleEmbedded). The test side tells routers
				// apart by the receiver alone.
				at.embed = nil
				if !s.strict {
					at.embed = s.moduleEmbedded(info, call)
				}
			}
			s.ops[call] = at
			return at
		}
	}
	return nil
}

// moduleEmbedded is the innermost field of a module struct on the way
// from a call's receiver to the promoted method it calls
// (`type API struct{ *gin.Engine }`: api.GET is api.Engine's), or nil
// when the receiver is the library's own type.
func (s *routerScan) moduleEmbedded(info *types.Info, call *ast.CallExpr) *types.Var {
	fields, _ := embeddedFields(info, call)
	var f *types.Var
	for _, fld := range fields {
		if fld.Pkg() == nil || !s.modulePkgs()[fld.Pkg().Path()] {
			return f
		}
		f = fld.Origin()
	}
	return f
}

// callOp asks a dialect what a call does; a panic names its detector.
func callOp(d routerDetector, c routerCall) (routerOp, bool) {
	defer func() { blame(d, recover()) }()
	return d.op(c)
}

// chains returns where the router an expression denotes comes from.
func (s *routerScan) chains(r exprRef, depth int) []routerChain {
	e := ast.Unparen(r.expr)
	if cs, ok := s.memo[e]; ok {
		return cs
	}
	if s.busy[e] || depth > maxRouterDepth {
		return nil
	}
	s.busy[e] = true
	out := dedupeChains(s.chains0(r, e, depth))
	delete(s.busy, e)
	if len(out) > maxRouterChains {
		out = out[:maxRouterChains]
	}
	s.memo[e] = out
	return out
}

// dedupeChains drops the chains that repeat an earlier one, step for
// step (a function called many times with the same router).
func dedupeChains(chains []routerChain) []routerChain {
	out := chains[:0:0]
next:
	for _, c := range chains {
		for _, o := range out {
			if sameChain(c, o) {
				continue next
			}
		}
		out = append(out, c)
	}
	return out
}

func sameChain(a, b routerChain) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].id != b[i].id || a[i].prefix != b[i].prefix || a[i].dynamic != b[i].dynamic {
			return false
		}
	}
	return true
}

func (s *routerScan) chains0(r exprRef, e ast.Expr, depth int) []routerChain {
	info := r.pkg.TypesInfo
	switch x := e.(type) {
	case *ast.CallExpr:
		if op := s.opOfCall(info, x); op != nil {
			switch {
			case op.kind == opGroup:
				return s.derived(r, x, op, depth)
			case (op.kind == opSame || op.chain) && op.recv != nil:
				return s.recvChains(exprRef{pkg: r.pkg, file: r.file, expr: op.recv}, op, nil, depth+1)
			}
		}
		// A function of the module that returns a router.
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok {
			var out []routerChain
			for _, ret := range s.returns(fn.Origin()) {
				// A group made from the function's parameters: under this
				// call's arguments.
				if rc, ok := ast.Unparen(ret.expr).(*ast.CallExpr); ok && !isAbstract(fn) {
					if op := s.opOfCall(ret.pkg.TypesInfo, rc); op != nil && op.kind == opGroup && s.pathsFlow(ret.pkg.TypesInfo, op) {
						out = append(out, s.derivedEnv(ret, rc, op, depth+1, s.bindCall(r, x, fn, nil))...)
						continue
					}
				}
				out = append(out, s.chains(ret, depth+1)...)
			}
			if len(out) > 0 {
				return out
			}
		}
		return s.root(x, depth)
	case *ast.Ident, *ast.SelectorExpr:
		v, ok := assignee(info, x).(*types.Var)
		if !ok {
			return s.root(e, depth)
		}
		if p, ok := s.params[v]; ok {
			return s.paramChains(v, p, depth)
		}
		var out []routerChain
		for _, def := range s.defs[v] {
			out = append(out, s.chains(def, depth+1)...)
		}
		if len(out) > 0 {
			return out
		}
		return s.root(v, depth)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return s.chains(exprRef{pkg: r.pkg, file: r.file, expr: x.X}, depth+1)
		}
	case *ast.StarExpr:
		return s.chains(exprRef{pkg: r.pkg, file: r.file, expr: x.X}, depth+1)
	case *ast.TypeAssertExpr:
		return s.chains(exprRef{pkg: r.pkg, file: r.file, expr: x.X}, depth+1)
	}
	return s.root(e, depth)
}

// root is a router made by something the detectors do not derive (a
// constructor, say), identified by id; mounted somewhere, it serves its
// routes under the mount's prefix.
func (s *routerScan) root(id any, depth int) []routerChain {
	if s.noMounts || len(s.mounts[id]) == 0 {
		return []routerChain{{{id: id}}}
	}
	var out []routerChain
	for _, m := range s.mounts[id] {
		cs, op := s.calls[m.call], s.opOf(m.call)
		step := &routerStep{id: id, det: op.det, sites: []regSpan{s.opSpan(cs, op.routerOp)}}
		step.prefix, step.dynamic, step.text = s.constPath(cs, op.paths, op.det, m.env)
		for _, parent := range s.recvChains(s.ref(cs, op.recv), op, m.env, depth+1) {
			out = append(out, append(append(routerChain{}, parent...), step))
		}
	}
	if len(out) == 0 {
		return []routerChain{{{id: id}}}
	}
	return out
}

// derived is the router a group call returns (or passes to its closure).
func (s *routerScan) derived(r exprRef, call *ast.CallExpr, op *routerOpAt, depth int) []routerChain {
	return s.derivedEnv(r, call, op, depth, nil)
}

// derivedEnv is derived, under the binding of a call of the function
// returning the router (func (s *Server) groupAt(p string) *echo.Group
// { return s.Group(p) }) when env is not nil.
func (s *routerScan) derivedEnv(r exprRef, call *ast.CallExpr, op *routerOpAt, depth int, env binding) []routerChain {
	cs := callSite{pkg: r.pkg, file: r.file, call: call, encl: -1}
	if i, ok := s.site[call]; ok {
		cs.encl = s.calls[i].encl
	}
	// A prefix given by the callers of the function around (func api(r
	// chi.Router, prefix string) { r.Route(prefix, ...) }): one router
	// per call, its prefix and parent router from that call.
	insts := []regInstance{{site: cs}}
	split := false
	for _, p := range op.paths {
		split = split || s.usesFlow(r.pkg.TypesInfo, p)
	}
	if split && env != nil {
		insts = []regInstance{{site: cs, env: env}}
	} else if split {
		exprs := append([]ast.Expr{}, op.paths...)
		if op.recv != nil {
			exprs = append(exprs, op.recv)
		}
		insts = s.expandAt(cs, exprs)
	}
	var out []routerChain
	for _, inst := range insts {
		step := &routerStep{id: call, det: op.det}
		step.sites = []regSpan{s.opSpan(cs, op.routerOp)}
		step.prefix, step.dynamic, step.text = s.constPath(cs, op.paths, op.det, inst.env)
		if split {
			step.id = stepKey{call: call, prefix: step.prefix}
		}
		for _, mw := range op.mws {
			step.mws = append(step.mws, s.ref(cs, mw))
		}
		for _, m := range op.methods {
			c, ok := s.str(exprRef{pkg: r.pkg, file: r.file, expr: m}, inst.env, 0)
			if !ok {
				step.dynamic = true
				continue
			}
			if op.upper {
				c = strings.ToUpper(c)
			}
			step.methods = append(step.methods, c)
		}
		step.methods = append(step.methods, op.fixed...)
		var parents []routerChain
		if op.recv != nil {
			parents = s.recvChains(exprRef{pkg: r.pkg, file: r.file, expr: op.recv}, op, inst.env, depth+1)
		}
		if len(parents) == 0 {
			parents = []routerChain{{{id: op.recv, dynamic: op.recv == nil}}}
		}
		for _, p := range parents {
			out = append(out, append(append(routerChain{}, p...), step))
		}
	}
	return out
}

// constPath composes constant path expressions, or reports them dynamic.
func (s *routerScan) constPath(cs callSite, paths []ast.Expr, det routerDetector, env binding) (string, bool, bool) {
	out, text := "", false
	for i, p := range paths {
		v := s.eval(s.ref(cs, p), env, 0)
		c, ok := v.s, v.ok
		if !ok {
			return "", true, false
		}
		text = text || v.text
		if i == 0 {
			out = c
		} else {
			out = det.join(out, c)
		}
	}
	return out, false, text
}

// paramChains follows a parameter to what the function is given: the
// router a group call passes to it as its closure, and the arguments of
// the calls of the function.
func (s *routerScan) paramChains(v *types.Var, p paramOwner, depth int) []routerChain {
	var out []routerChain
	for _, key := range p.keys {
		for _, use := range s.funcArgs[key] {
			cs := s.calls[use.call]
			op := s.opOf(use.call)
			if op != nil && op.kind == opGroup && p.index == 0 && op.closure == cs.call.Args[use.arg] {
				out = append(out, s.derived(s.ref(cs, cs.call), cs.call, op, depth+1)...)
			}
		}
		obj, ok := key.(types.Object)
		if !ok {
			continue
		}
		for _, i := range append(s.byCallee[obj], s.dispatched(obj)...) {
			cs := s.calls[i]
			if p.index < len(cs.call.Args) {
				out = append(out, s.chains(s.ref(cs, cs.call.Args[p.index]), depth+1)...)
			}
		}
	}
	if lit, ok := p.keys[0].(*ast.FuncLit); ok { // func(r Router){...}(router)
		for _, i := range s.litCalls[lit] {
			cs := s.calls[i]
			if p.index < len(cs.call.Args) {
				out = append(out, s.chains(s.ref(cs, cs.call.Args[p.index]), depth+1)...)
			}
		}
	}
	if len(out) == 0 {
		// No call of the module gives the router: the module's own root,
		// unless the same routes are mounted elsewhere (see unmountedAt).
		out = s.root(v, depth)
		for _, c := range out {
			if len(c) == 1 && c[0].id == v {
				c[0].unmounted = v
			}
		}
	}
	return out
}

// unmountedAt names the mount of a chain whose root is a router
// parameter no call of the module gives (a deprecated Route(r) method
// that only other modules call), when the registration's other chains
// mount the same routes under a prefix: where this one is mounted is
// known only at run time, never the root (<r>/new-nonce, not
// /new-nonce beside /acme/new-nonce).
func unmountedAt(chain routerChain, chains []routerChain) string {
	if chain[0].unmounted == nil {
		return ""
	}
	for _, c := range chains {
		if c[0].unmounted != nil {
			continue
		}
		for _, st := range c {
			if st.prefix != "" {
				return "<" + chain[0].unmounted.Name() + ">"
			}
		}
	}
	return ""
}

// withMount puts a mount's run-time part before a route id's path.
func withMount(id, mount string) string {
	if mount == "" || strings.HasPrefix(id, "(") {
		return id
	}
	if m, p, ok := strings.Cut(id, " "); ok {
		return m + " " + mount + p
	}
	return mount + id
}

// dispatched returns the calls of interface methods that a method may
// be running: for modules registering their routes through an interface
// (for _, m := range modules { m.Register(api) }).
func (s *routerScan) dispatched(obj types.Object) []int {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Signature().Recv() == nil || isAbstract(fn) {
		return nil
	}
	recv := fn.Signature().Recv().Type()
	var out []int
	for _, i := range s.ifaceCalls[fn.Name()] {
		cs := s.calls[i]
		m, ok := typeutil.Callee(cs.pkg.TypesInfo, cs.call).(*types.Func)
		if !ok {
			continue
		}
		iface, ok := m.Signature().Recv().Type().Underlying().(*types.Interface)
		if ok && (types.Implements(recv, iface) || types.Implements(types.NewPointer(derefType(recv)), iface)) {
			out = append(out, i)
		}
	}
	return out
}

// returns lists what a function of the module returns, when it returns
// one value.
func (s *routerScan) returns(fn *types.Func) []exprRef {
	if rets, ok := s.rets[fn]; ok {
		return rets
	}
	s.rets[fn] = nil
	d, ok := s.decls[fn]
	if !ok || d.decl.Body == nil || fn.Signature().Results().Len() != 1 {
		return nil
	}
	var rets []exprRef
	ast.Inspect(d.decl.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(x.Results) == 1 {
				rets = append(rets, exprRef{pkg: d.pkg, file: d.file, expr: x.Results[0]})
			}
		}
		return true
	})
	s.rets[fn] = rets
	return rets
}

// reach returns the nodes a middleware expression runs: what it refers
// to, and the definitions of the local variables it names.
func (s *routerScan) reach(mw exprRef) []int {
	r := handlerResolver{g: s.g, pkg: mw.pkg, file: mw.file, seen: map[types.Object]bool{}}
	r.resolve(mw.expr)
	var out []int
	for _, e := range r.visited {
		out = append(out, s.g.referencedIn(mw.pkg, e)...)
		out = append(out, s.g.storageIn(mw.pkg, e)...)
	}
	return out
}

// isRouterHandler reports whether t is the handler type of a supported
// router library (isHandlerType asks, for wrappers around handlers).
func isRouterHandler(t types.Type) bool {
	for _, d := range detectors {
		if d.router != nil && d.router.isHandler(t) {
			return true
		}
	}
	return false
}

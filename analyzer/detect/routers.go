package detect

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
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

// RouterDetector is a router library's dialect of the route engine: it
// recognises the library's calls. A new router is one file here
// (routers_<name>.go): its dialect and the *Router holding it, listed in
// the analyzer's detectors (analyzer/detectors.go).
type RouterDetector interface {
	// Pkgs are the import paths of the library's packages that declare
	// the functions op recognises.
	Pkgs() []string
	// Op says what a call does to routes, or false when nothing.
	Op(c RouterCall) (RouterOp, bool)
	// Join composes a prefix and a path the way the router does.
	Join(prefix, path string) string
	// Clean is the path the router registers for a composed path.
	Clean(path string) string
	// IsHandler reports whether t is the library's own handler type (for
	// finding the innermost handler under wrappers).
	IsHandler(t types.Type) bool
}

// Router is a router library's detector: its name, the imports that
// make it worth running, its doc (docs/detectors.md), and its dialect of
// the route engine. The analyzer lists it among its detectors
// (analyzer/detectors.go).
type Router struct {
	Name    string
	Imports []string
	Doc     string
	Dialect RouterDetector
}

// requestMatcher is a dialect's optional hook for the test side: how the
// router matches a request against its patterns when it is not the
// default (a pattern matches its own path only; the most specific
// pattern wins).
type requestMatcher interface {
	Matching() RouteMatching
}

// RouteMatching is how a router matches requests.
type RouteMatching struct {
	// Subtrees: a pattern ending in "/" matches every path below it
	// (net/http's ServeMux).
	Subtrees bool
	// FirstMatch: the first registered route that matches wins, not the
	// most specific (gorilla/mux).
	FirstMatch bool
}

// MatchingOf is how the router of a dialect matches requests.
func MatchingOf(d RouterDetector) RouteMatching {
	if m, ok := d.(requestMatcher); ok {
		defer func() { Blame(d, recover()) }()
		return m.Matching()
	}
	return RouteMatching{}
}

// RouterCall is a call a detector looks at.
type RouterCall struct {
	fn   *types.Func
	Name string // fn.FullName()
	Call *ast.CallExpr
	Info *types.Info
	scan *RouterScan
}

// Method returns the name of the method called when the callee is a
// method of one of the receivers, written as FullName writes them:
// "(*example.com/r.Mux)" or "(example.com/r.Router)".
func (c RouterCall) Method(receivers ...string) (string, bool) {
	for _, r := range receivers {
		if rest, ok := strings.CutPrefix(c.Name, r+"."); ok {
			return rest, true
		}
	}
	return "", false
}

// Recv is the receiver expression of a method call.
func (c RouterCall) Recv() ast.Expr {
	if sel, ok := ast.Unparen(c.Call.Fun).(*ast.SelectorExpr); ok {
		return sel.X
	}
	return nil
}

func (c RouterCall) Arg(i int) ast.Expr {
	if i < len(c.Call.Args) {
		return c.Call.Args[i]
	}
	return nil
}

// One is the argument i as a list of one, or none.
func (c RouterCall) One(i int) []ast.Expr {
	if i < len(c.Call.Args) {
		return c.Call.Args[i : i+1]
	}
	return nil
}

func (c RouterCall) Args(from int) []ast.Expr {
	if from < len(c.Call.Args) {
		return c.Call.Args[from:]
	}
	return nil
}

// ChainParent returns the call that calls a method on the result of
// call (call.M(...)), or nil.
func (c RouterCall) ChainParent(call *ast.CallExpr) *ast.CallExpr {
	return c.scan.parent[call]
}

// Callee returns the full name of the function a call calls, or "".
func (c RouterCall) Callee(call *ast.CallExpr) string {
	if fn, ok := typeutil.Callee(c.Info, call).(*types.Func); ok {
		return fn.FullName()
	}
	return ""
}

type routerOpKind int

const (
	opNone  routerOpKind = iota
	OpRoute              // registers routes on recv
	OpGroup              // derives a router from recv: the call's result, and the first parameter of closure
	OpUse                // adds middleware to the routes of recv
	OpMount              // serves handler under path on recv; a router mounted there gets the prefix
	OpSame               // returns recv (a configuration call)
)

// RouterOp is what a call does.
type RouterOp struct {
	Kind routerOpKind
	Recv ast.Expr // the router the call acts on; nil when unknown
	// Paths are constant path expressions composed in order with join;
	// none is "".
	Paths []ast.Expr
	// Methods are constant method expressions; none (and no fixed) is
	// any method.
	Methods []ast.Expr
	Fixed   []string // methods known from the function called
	Upper   bool     // the router upper-cases methods
	// Rewrite turns the constant relative path into the registered one,
	// and may set the methods (chi's Handle("GET /x", h)).
	Rewrite func(path string) (methods []string, rel string)
	Handler ast.Expr   // the route's handler (its entry), or the mounted handler
	Mws     []ast.Expr // middleware of the route or the derived router
	Closure ast.Expr   // the function a derived router is passed to
	Chain   bool       // a route or use call that returns its receiver
	Dynamic bool       // the detector could not read the route's shape
	// Subtree: the route serves every path under its path when that ends
	// in '/' (gorilla/mux's PathPrefix("/static/").Handler(fs)).
	Subtree bool
	// embed is the embedded router field a promoted call goes through
	// (set by the machinery, not by detectors).
	embed *types.Var
	// iface: a call of the module's own interface that a router type
	// implements; only chains from routers of the library count.
	iface bool
}

// ExprRef is an expression with the package and file it is in.
type ExprRef struct {
	Pkg  *packages.Package
	File *ast.File
	Expr ast.Expr
}

// routerStep is one router on the way from a root router to the router a
// call acts on.
type routerStep struct {
	ID      any    // what makes the router value: a call, or an object for a router of unknown origin
	Prefix  string // the path it adds
	Dynamic bool   // the prefix is not static
	text    bool   // the prefix holds constant text of the program
	methods []string
	mws     []ExprRef
	det     RouterDetector
	sites   []RegSpan // the call that makes it (a group, a mount)
	// unmounted is the router parameter a root stands for when no call
	// of the module gives it.
	unmounted *types.Var
}

// RouterChain is a router's steps, the root first.
type RouterChain []*routerStep

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

type DeclRef struct {
	Pkg  *packages.Package
	File *ast.File
	Decl *ast.FuncDecl
}

const (
	maxRouterDepth  = 16  // how far router values are followed
	maxRouterChains = 256 // chains kept per router expression
)

// RouterScan holds the indexes the walking machinery uses.
type RouterScan struct {
	g Graph
	// holes are what each placeholder of a route id stands for: the
	// package variables it is read from (analyzer/evidence_prefix.go).
	holes       RouteHoles
	ByPkg       map[string][]RouterDetector
	calls       []CallSite
	site        map[*ast.CallExpr]int
	byCallee    map[types.Object][]int
	parent      map[*ast.CallExpr]*ast.CallExpr
	Defs        map[types.Object][]ExprRef
	funcArgs    map[any][]argUse
	litCalls    map[*ast.FuncLit][]int // literals called where they are written
	ifaceCalls  map[string][]int       // calls of interface methods, by method name
	Params      map[*types.Var]paramOwner
	Decls       map[*types.Func]DeclRef
	rets        map[*types.Func][]ExprRef
	ranges      map[*types.Var]rangeVar
	ownerParams map[any][]*types.Var // a function's parameters, by its first key
	impls       map[*types.Func][]*types.Func
	ifaceTypes  map[*types.Func][]routerType
	mine        map[string]bool
	rtypes      []routerType

	ops  map[*ast.CallExpr]*routerOpAt
	memo map[ast.Expr][]RouterChain
	// evaluating are the variables whose definitions are being evaluated
	// (p += "/x" refers to p: followed once, not k^depth times).
	evaluating map[*types.Var]bool
	busy       map[ast.Expr]bool
	noMounts   bool
	mounts     map[any][]mountUse // root step id -> the mounts that mount it

	// The test side (analyzer/evidence_requests.go) evaluates the values tests
	// build requests from with the same machinery, strictly: a variable
	// written other than by a plain assignment (+=, ++, its address
	// taken, a tuple assignment) is not known (tainted), and hole gives
	// the run-time values it knows (an httptest.Server's URL).
	Strict  bool
	Tainted map[types.Object]bool
	Hole    func(r ExprRef, env Binding) (PathVal, bool)
}

// mountUse is a mount call, with the binding of the wrapper call it is
// made through.
type mountUse struct {
	call int
	env  Binding
}

// stepKey identifies a router derived by one call under one binding of
// its prefix (a Route or Group call in a function given the prefix).
type stepKey struct {
	call   *ast.CallExpr
	prefix string
}

type routerOpAt struct {
	RouterOp
	Det RouterDetector
}

// Routes finds the routes registered on every router: net/http's
// ServeMux is one router dialect among the others.
func Routes(g Graph) []Feature {
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
		if op := s.opOf(i); op != nil && op.Kind == OpMount && op.Handler != nil {
			for _, inst := range s.expandAt(cs, append(append([]ast.Expr{}, op.Paths...), op.Handler)) {
				h := s.Bind(s.ref(cs, op.Handler), inst.Env)
				for _, id := range s.mountedRoots(op.Det, h) {
					mountedBy[mountArg{i, h.Expr}] = append(mountedBy[mountArg{i, h.Expr}], id)
					if !slices.Contains(mounted[i], id) {
						mounted[i] = append(mounted[i], id)
					}
					s.mounts[id] = append(s.mounts[id], mountUse{call: i, env: inst.Env})
				}
			}
		}
	}
	s.noMounts = false
	s.memo = map[ast.Expr][]RouterChain{}

	type reg struct {
		call   int
		op     *routerOpAt
		chains []RouterChain
	}
	var regs []reg
	uses := map[any][]ExprRef{}
	useSites := map[any][]RegSpan{}
	routed := map[any]bool{}
	for i, cs := range s.calls {
		op := s.opOf(i)
		if op == nil {
			continue
		}
		switch op.Kind {
		case OpRoute, OpMount:
			var chains []RouterChain
			if op.Recv != nil {
				chains = s.recvChains(s.ref(cs, op.Recv), op, nil, 0)
			}
			if op.iface {
				if chains = s.libraryChains(op.Det, chains); len(chains) == 0 {
					continue // the interface is implemented by the module's own wrapper
				}
			}
			if len(chains) == 0 {
				chains = []RouterChain{{{ID: cs.Call, Dynamic: op.Recv == nil}}}
			}
			if op.Kind == OpRoute {
				for _, c := range chains {
					for _, st := range c {
						routed[st.ID] = true
					}
				}
			}
			regs = append(regs, reg{call: i, op: op, chains: chains})
		case OpUse:
			if op.Recv == nil {
				continue
			}
			chains := s.recvChains(s.ref(cs, op.Recv), op, nil, 0)
			if op.iface {
				chains = s.libraryChains(op.Det, chains)
			}
			for _, c := range chains {
				last := c[len(c)-1].ID
				for _, mw := range op.Mws {
					uses[last] = append(uses[last], s.ref(cs, mw))
				}
				useSites[last] = append(useSites[last], CallSpan(cs.Call, nil, cs.Encl, op.Mws...))
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
		if op.Kind == OpMount {
			skip := false
			for _, id := range mounted[r.call] {
				skip = skip || routed[id] // the mounted router's routes stand for it
			}
			if skip && len(s.instances(cs, op)) == 1 {
				continue
			}
		}
		for _, inst := range s.instances(cs, op) {
			if op.Kind == OpMount && op.Handler != nil {
				// Through a helper: the mounts of routers whose routes
				// are seen stand for themselves.
				skip := false
				for _, id := range mountedBy[mountArg{r.call, s.Bind(s.ref(cs, op.Handler), inst.Env).Expr}] {
					skip = skip || routed[id]
				}
				if skip {
					continue
				}
			}
			chains := r.chains
			if op.Recv != nil && op.embed == nil {
				if recv := s.Bind(s.ref(cs, op.Recv), inst.Env); recv.Expr != op.Recv {
					if cs := s.Chains(recv.ExprRef, 0); len(cs) > 0 {
						chains = cs
					}
				}
			}
			seen := map[string]bool{}
			for _, chain := range chains {
				if !s.consistent(chain, inst.Env) {
					continue // a prefix another call of the same function gives
				}
				mount := unmountedAt(chain, chains)
				if mount != "" {
					s.noteHole(PathVal{S: mount, OK: true}, "")
				}
				for _, id := range s.RouteIDs(cs, inst, op, chain) {
					id = withMount(id, mount)
					if seen[id] {
						continue
					}
					seen[id] = true
					f := s.feature(cs, inst, op, chain, id, uses, useSites)
					f.Subtrees = MatchingOf(op.Det).Subtrees
					f.Subtrees = f.Subtrees || op.Subtree
					key := f.ID + "\x00" + f.Entry + "\x00" + f.Position.File + fmt.Sprint(f.Position.Line)
					if j, dup := index[key]; dup {
						out[j].Roots = append(out[j].Roots, f.Roots...)
						out[j].Regs = append(out[j].Regs, f.Regs...)
						continue
					}
					index[key] = len(out)
					out = append(out, f)
				}
			}
		}
	}
	for i := range out {
		out[i].Holes = s.holes // what run-time parts of their ids stand for (analyzer/evidence_prefix.go)
	}
	return out
}

// feature makes the route feature of one registration: reported where
// the registration is (or the outermost call of the wrappers it is
// in), with the handler as its entry and the middleware of the route,
// of its groups and of the Use calls on them as roots.
func (s *RouterScan) feature(cs CallSite, inst RegInstance, op *routerOpAt, chain RouterChain, id string, uses map[any][]ExprRef, useSites map[any][]RegSpan) Feature {
	var f Feature
	if op.Handler == nil {
		// No handler at all (gin's `g.OPTIONS("/*any")`): a request runs
		// the middleware of the route's chain (added below) and nothing
		// of the function that registers it, whose other statements are
		// set-up (gotify's router.Create). Its registration still counts
		// (regs): a change of the call impacts the route.
		f = route(s.g, inst.Site, id, nil, nil)
		f.Roots = slices.DeleteFunc(f.Roots, func(r int) bool { return r == inst.Site.Encl })
	} else {
		h := s.Bind(s.ref(cs, op.Handler), inst.Env)
		var inner []int
		if h.Expr == op.Handler {
			// A wrapper's own handler around the one it is given
			// (func(w, r) { h.ServeHTTP(w, r) }): the given one is the
			// entry, the wrapper's code runs too.
			v := s.wrapsParam(cs.Pkg.TypesInfo, op.Handler)
			if p := s.ParamOf(cs.Pkg.TypesInfo, op.Handler); v == nil && p != nil && IsHandlerType(p.Type(), s.g.AllDialects()) {
				if _, isParam := s.Params[p]; isParam {
					v = p // a handler parameter nobody gives
				}
			}
			if v != nil {
				inner = s.g.ReferencedIn(cs.Pkg, op.Handler)
				if b, ok := inst.Env[v]; ok {
					h = s.Bind(b.ExprRef, b.Env)
					if p := s.ParamOf(h.Pkg.TypesInfo, h.Expr); p != nil && IsHandlerType(p.Type(), s.g.AllDialects()) {
						if _, isParam := s.Params[p]; isParam {
							h = BoundArg{} // a wrapper's parameter nobody gives
						}
					}
				} else {
					h = BoundArg{} // given by nobody the module sees
				}
			}
		}
		if h.Expr == nil {
			f = route(s.g, inst.Site, id, nil, inner)
		} else {
			// The handler is resolved where it is written; the route is
			// registered at the site.
			hs := CallSite{Pkg: h.Pkg, File: h.File, Encl: inst.Site.Encl, Call: inst.Site.Call}
			f = route(s.g, hs, id, h.Expr, inner)
		}
		f.Roots = append(f.Roots, s.g.Startup()) // the analyzer's startup.go
		f.Roots = append(f.Roots, s.g.BrokenStartup(inst.Site.Pkg)...)
	}
	mws := make([]ExprRef, 0, len(op.Mws))
	for _, mw := range op.Mws {
		mws = append(mws, s.ref(cs, mw))
	}
	for _, st := range chain {
		mws = append(mws, st.mws...)
		mws = append(mws, uses[st.ID]...)
	}
	for _, mw := range mws {
		f.Roots = append(f.Roots, s.reach(mw)...)
	}
	// Where it is registered: besides the call it is reported at (route
	// adds it), the registration inside wrappers, its groups, mounts and
	// Use calls.
	f.Regs = append(f.Regs, s.opSpan(cs, op.RouterOp))
	for _, st := range chain {
		f.Regs = append(f.Regs, st.sites...)
		f.Regs = append(f.Regs, useSites[st.ID]...)
	}
	return f
}

// opSpan is the span of a registering call: the call, widened to the
// expressions the detector read from it, without its closure.
func (s *RouterScan) opSpan(cs CallSite, op RouterOp) RegSpan {
	exprs := append(append(append([]ast.Expr{op.Handler}, op.Paths...), op.Methods...), op.Mws...)
	return CallSpan(cs.Call, op.Closure, cs.Encl, exprs...)
}

// mountedRoots are the routers of the library a mounted handler is: the
// roots of its chains, and the routers in the embedded fields of a struct
// it is.
func (s *RouterScan) mountedRoots(det RouterDetector, h BoundArg) []any {
	var out []any
	cs := CallSite{Pkg: h.Pkg, File: h.File}
	for _, c := range s.Chains(h.ExprRef, 0) {
		if len(c) == 1 && s.sameRouter(det, cs, h.Expr, c[0].ID) {
			out = append(out, c[0].ID)
		}
	}
	for _, f := range embeddedRouters(h.Pkg.TypesInfo.TypeOf(h.Expr), det) {
		for _, c := range s.fieldChains(f, 0) {
			if len(c) == 1 {
				out = append(out, c[0].ID)
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
func (s *RouterScan) sameRouter(det RouterDetector, cs CallSite, handler ast.Expr, root any) bool {
	own := func(t types.Type) bool { return t != nil && ownType(t, det) }
	if own(cs.Pkg.TypesInfo.TypeOf(handler)) {
		return true
	}
	switch x := root.(type) {
	case *ast.CallExpr:
		if i, ok := s.site[x]; ok {
			return own(s.calls[i].Pkg.TypesInfo.TypeOf(x))
		}
	case types.Object:
		return own(x.Type())
	}
	return false
}

// RouteIDs are the ids of the routes a registration makes on a router.
func (s *RouterScan) RouteIDs(cs CallSite, inst RegInstance, op *routerOpAt, chain RouterChain) []string {
	dynamic := op.Dynamic
	prefix := ""
	text := false
	var constraint []string
	for _, st := range chain {
		dynamic = dynamic || st.Dynamic
		text = text || st.text
		if st.Prefix != "" {
			prefix = op.Det.Join(prefix, st.Prefix)
		}
		if st.methods != nil {
			constraint = st.methods
		}
	}
	rel := ""
	for i, p := range op.Paths {
		v := s.Eval(s.ref(cs, p), inst.Env, 0) // <config.Webroot>api/x
		c, ok := v.S, v.OK
		if !ok {
			dynamic = true
			break
		}
		text = text || v.text
		if i == 0 {
			rel = c
		} else {
			rel = op.Det.Join(rel, c)
		}
	}
	methods := append([]string(nil), op.Fixed...)
	for _, m := range op.Methods {
		c, ok := s.Str(s.ref(cs, m), inst.Env, 0)
		if !ok {
			dynamic = true
			break
		}
		methods = append(methods, c)
	}
	if op.Rewrite != nil {
		if ms, r := op.Rewrite(rel); ms != nil {
			methods, rel = ms, r
		} else {
			rel = r
		}
	}
	if dynamic {
		return []string{dynamicID(s.g, inst.Site.Call)}
	}
	path := rel
	if op.Kind == OpMount {
		if strings.HasSuffix(path, "/") {
			path += "*"
		} else {
			path += "/*"
		}
	}
	if path = op.Det.Join(prefix, path); !strings.HasPrefix(path, "<") {
		path = op.Det.Clean(path) // a run-time base keeps its place
	}
	if strings.Contains(path, "<") && !text {
		// Nothing of the program's own text: the path names no page.
		return []string{dynamicID(s.g, inst.Site.Call)}
	}
	if len(methods) == 0 {
		methods = constraint
	}
	if len(methods) == 0 {
		return []string{path}
	}
	var ids []string
	for _, m := range methods {
		if op.Upper {
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

// Binding maps a wrapper's parameters to the arguments of one call.
type Binding map[*types.Var]BoundArg

// BoundArg is an argument, with the binding of the function it is in.
type BoundArg struct {
	ExprRef
	Env Binding
}

// RegInstance is a registration as one call of its wrappers makes it.
type RegInstance struct {
	Site CallSite // where the route is reported
	Env  Binding
}

// instances returns the instances of a registration: itself, or one per
// call of the wrapper it is in.
func (s *RouterScan) instances(cs CallSite, op *routerOpAt) []RegInstance {
	uses := append(append([]ast.Expr{}, op.Paths...), op.Methods...)
	if op.Handler != nil && op.Handler != cs.Call.Fun {
		// A handler given by the callers: a parameter, a row of a table,
		// or what a wrapper's own handler wraps.
		info := cs.Pkg.TypesInfo
		if _, isParam := s.Params[s.ParamOf(info, op.Handler)]; isParam || s.usesRange(info, op.Handler) || s.wrapsParam(info, op.Handler) != nil {
			uses = append(uses, op.Handler)
		}
	}
	return s.expandAt(cs, uses)
}

// wrapperInstances binds the parameters the expressions at cs use to the
// arguments of each call of the function they belong to, or returns nil
// when they use none (or nobody calls it).
func (s *RouterScan) wrapperInstances(cs CallSite, exprs []ast.Expr, stack map[any]bool) []RegInstance {
	info := cs.Pkg.TypesInfo
	var owner *paramOwner
	var params []*types.Var
	for _, e := range exprs {
		if _, ok := astq.ConstString(info, e); ok {
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
			if p, ok := s.Params[v]; ok && (owner == nil || owner.keys[0] == p.keys[0]) {
				owner = &p
				params = append(params, v)
			}
			return true
		})
	}
	if owner == nil || stack[owner.keys[0]] || len(stack) > MaxFlowDepth {
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
				fn, ok := typeutil.Callee(uc.Pkg.TypesInfo, uc.Call).(*types.Func)
				if !ok || fn.Pkg() == nil || astq.IsAbstract(fn) {
					continue
				}
				if _, mine := s.Decls[fn.Origin()]; !mine {
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
	var out []RegInstance
	for _, i := range callers {
		caller := s.calls[i]
		env := Binding{}
		var args []ast.Expr
		for _, v := range params {
			p := s.Params[v]
			switch {
			case p.index >= len(caller.Call.Args):
			case p.variadic && !caller.Call.Ellipsis.IsValid():
				// paths ...string: the arguments from there on, a table.
				rest := caller.Call.Args[p.index:]
				env[v] = BoundArg{ExprRef: s.ref(caller, &ast.CompositeLit{Elts: rest})}
				args = append(args, rest...)
			default:
				env[v] = BoundArg{ExprRef: s.ref(caller, caller.Call.Args[p.index])}
				args = append(args, caller.Call.Args[p.index])
			}
		}
		// The function's other string parameters too (a prefix its Route
		// call uses): consistent pairs them with the chains.
		for _, v := range s.ownerParams[owner.keys[0]] {
			if p := s.Params[v]; env[v].Expr == nil && !p.variadic && p.index < len(caller.Call.Args) && types.Identical(v.Type().Underlying(), types.Typ[types.String]) {
				env[v] = BoundArg{ExprRef: s.ref(caller, caller.Call.Args[p.index])}
			}
		}
		outer := s.wrapperInstances(caller, args, stack)
		if len(outer) == 0 {
			out = append(out, RegInstance{Site: caller, Env: env})
			continue
		}
		for _, o := range outer {
			e := Binding{}
			for v, b := range env {
				e[v] = BoundArg{ExprRef: b.ExprRef, Env: o.Env}
			}
			out = append(out, RegInstance{Site: o.Site, Env: e})
		}
		if len(out) >= maxInstances {
			break
		}
	}
	return out
}

// ParamOf is the variable an expression names, or nil.
func (s *RouterScan) ParamOf(info *types.Info, e ast.Expr) *types.Var {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		v, _ := info.Uses[id].(*types.Var)
		return v
	}
	return nil
}

// newRouterScan indexes the module for the detectors of the router
// libraries it imports, or returns nil when it imports none.
func newRouterScan(g Graph) *RouterScan {
	s := NewScan(g)
	// Only a module that imports a router library can build its routers.
	found := false
	for _, pkg := range g.Packages() {
		for path := range pkg.Imports {
			_, ok := s.ByPkg[path]
			found = found || ok
		}
	}
	if !found {
		return nil
	}
	for _, pkg := range g.Packages() {
		if pkg.TypesInfo == nil {
			continue
		}
		for _, f := range pkg.Syntax {
			s.Index(pkg, f)
		}
	}
	return s
}

// NewScan makes an empty scan with every router library's detectors.
func NewScan(g Graph) *RouterScan {
	s := &RouterScan{
		g:           g,
		holes:       RouteHoles{},
		ByPkg:       map[string][]RouterDetector{},
		site:        map[*ast.CallExpr]int{},
		byCallee:    map[types.Object][]int{},
		parent:      map[*ast.CallExpr]*ast.CallExpr{},
		Defs:        map[types.Object][]ExprRef{},
		funcArgs:    map[any][]argUse{},
		litCalls:    map[*ast.FuncLit][]int{},
		ifaceCalls:  map[string][]int{},
		Params:      map[*types.Var]paramOwner{},
		Decls:       map[*types.Func]DeclRef{},
		rets:        map[*types.Func][]ExprRef{},
		ranges:      map[*types.Var]rangeVar{},
		ownerParams: map[any][]*types.Var{},
		impls:       map[*types.Func][]*types.Func{},
		ifaceTypes:  map[*types.Func][]routerType{},
		ops:         map[*ast.CallExpr]*routerOpAt{},
		memo:        map[ast.Expr][]RouterChain{},
		evaluating:  map[*types.Var]bool{},
		busy:        map[ast.Expr]bool{},
		mounts:      map[any][]mountUse{},
		Tainted:     map[types.Object]bool{},
	}
	for _, d := range g.Dialects() {
		for _, p := range d.Pkgs() {
			s.ByPkg[p] = append(s.ByPkg[p], d)
		}
	}
	return s
}

// Index records a file's calls, assignments, parameters and functions.
func (s *RouterScan) Index(pkg *packages.Package, f *ast.File) {
	info := pkg.TypesInfo
	for _, decl := range f.Decls {
		encl := s.g.DeclNode(pkg, decl)
		var stack []ast.Node
		ast.Inspect(decl, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			switch x := n.(type) {
			case *ast.FuncDecl:
				if fn, ok := info.Defs[x.Name].(*types.Func); ok {
					s.Decls[fn] = DeclRef{Pkg: pkg, File: f, Decl: x}
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
				s.calls = append(s.calls, CallSite{Pkg: pkg, File: f, Encl: encl, Call: x})
				s.site[x] = i
				if obj := astq.CalleeObj(info, x); obj != nil {
					s.byCallee[obj] = append(s.byCallee[obj], i)
					if fn, ok := obj.(*types.Func); ok && astq.IsAbstract(fn) {
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
					if obj := astq.Assignee(info, x.Lhs[0]); obj != nil {
						s.Defs[obj] = append(s.Defs[obj], ExprRef{Pkg: pkg, File: f, Expr: x.Rhs[0]})
					}
				}
				switch {
				case len(x.Lhs) == len(x.Rhs) && (x.Tok == token.DEFINE || x.Tok == token.ASSIGN):
					for i, lhs := range x.Lhs {
						if obj := astq.Assignee(info, lhs); obj != nil {
							s.Defs[obj] = append(s.Defs[obj], ExprRef{Pkg: pkg, File: f, Expr: x.Rhs[i]})
						}
					}
				case len(x.Lhs) == 1 && len(x.Rhs) == 1:
					// p += "/x" is p = p + "/x"; any other operator is
					// a value the evaluator does not know.
					if obj := astq.Assignee(info, x.Lhs[0]); obj != nil && astq.IsStringVar(obj) {
						op := token.SUB
						if x.Tok == token.ADD_ASSIGN {
							op = token.ADD
						}
						s.Defs[obj] = append(s.Defs[obj], ExprRef{Pkg: pkg, File: f, Expr: &ast.BinaryExpr{X: x.Lhs[0], OpPos: x.TokPos, Op: op, Y: x.Rhs[0]}})
					}
				case len(x.Rhs) == 1 && !isJoinPath(info, x.Rhs[0]):
					// a, err := f(): each string written by a call of
					// several results is known only at run time.
					for _, lhs := range x.Lhs {
						if obj := astq.Assignee(info, lhs); obj != nil && astq.IsStringVar(obj) {
							s.Defs[obj] = append(s.Defs[obj], ExprRef{Pkg: pkg, File: f, Expr: x.Rhs[0]})
						}
					}
				}
			case *ast.UnaryExpr:
				// &p: the string may be written through the pointer.
				if x.Op == token.AND {
					if obj := astq.Assignee(info, x.X); obj != nil && astq.IsStringVar(obj) {
						s.Defs[obj] = append(s.Defs[obj], ExprRef{Pkg: pkg, File: f, Expr: x})
					}
					s.taint(info, x.X)
				}
			case *ast.ValueSpec:
				if len(x.Values) == len(x.Names) {
					for i, name := range x.Names {
						if obj := info.Defs[name]; obj != nil {
							s.Defs[obj] = append(s.Defs[obj], ExprRef{Pkg: pkg, File: f, Expr: x.Values[i]})
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
					if v, ok := RangeDef(info, x.Key); ok {
						s.ranges[v] = rangeVar{stmt: x, key: true}
					}
					if v, ok := RangeDef(info, x.Value); ok {
						s.ranges[v] = rangeVar{stmt: x}
					}
				}
			case *ast.CompositeLit:
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							if v, ok := info.Uses[id].(*types.Var); ok && v.IsField() {
								s.Defs[v.Origin()] = append(s.Defs[v.Origin()], ExprRef{Pkg: pkg, File: f, Expr: kv.Value})
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
func (s *RouterScan) taint(info *types.Info, exprs ...ast.Expr) {
	for _, e := range exprs {
		if e == nil {
			continue
		}
		if obj := astq.Assignee(info, e); obj != nil {
			s.Tainted[obj] = true
		}
	}
}

func (s *RouterScan) addParams(info *types.Info, ft *ast.FuncType, keys []any) {
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
				s.Params[v] = paramOwner{keys: keys, index: i, variadic: variadic}
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
		switch obj := info.Uses[astq.IdentOf(x)].(type) {
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

func (s *RouterScan) ref(cs CallSite, e ast.Expr) ExprRef {
	return ExprRef{Pkg: cs.Pkg, File: cs.File, Expr: e}
}

// opOf classifies calls[i], or returns nil.
func (s *RouterScan) opOf(i int) *routerOpAt {
	cs := s.calls[i]
	return s.OpOfCall(cs.Pkg.TypesInfo, cs.Call)
}

func (s *RouterScan) OpOfCall(info *types.Info, call *ast.CallExpr) *routerOpAt {
	if op, ok := s.ops[call]; ok {
		return op
	}
	s.ops[call] = nil
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil
	}
	dets := s.ByPkg[fn.Pkg().Path()]
	if len(dets) == 0 {
		// A method of the module's own interface that a router type
		// implements.
		if astq.IsAbstract(fn) {
			if at := s.ifaceOp(info, call, fn); at != nil {
				s.ops[call] = at
				return at
			}
		}
		return nil
	}
	c := RouterCall{fn: fn, Name: fn.FullName(), Call: call, Info: info, scan: s}
	for _, d := range dets {
		if op, ok := callOp(d, c); ok && op.Kind != opNone {
			at := &routerOpAt{RouterOp: op, Det: d}
			at.embed = embedded(info, call)
			if at.embed != nil && at.embed.Pkg() != nil && !s.ModulePkgs()[at.embed.Pkg().Path()] {
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
				if !s.Strict {
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
func (s *RouterScan) moduleEmbedded(info *types.Info, call *ast.CallExpr) *types.Var {
	fields, _ := embeddedFields(info, call)
	var f *types.Var
	for _, fld := range fields {
		if fld.Pkg() == nil || !s.ModulePkgs()[fld.Pkg().Path()] {
			return f
		}
		f = fld.Origin()
	}
	return f
}

// callOp asks a dialect what a call does; a panic names its detector.
func callOp(d RouterDetector, c RouterCall) (RouterOp, bool) {
	defer func() { Blame(d, recover()) }()
	return d.Op(c)
}

// Chains returns where the router an expression denotes comes from.
func (s *RouterScan) Chains(r ExprRef, depth int) []RouterChain {
	e := ast.Unparen(r.Expr)
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
func dedupeChains(chains []RouterChain) []RouterChain {
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

func sameChain(a, b RouterChain) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Prefix != b[i].Prefix || a[i].Dynamic != b[i].Dynamic {
			return false
		}
	}
	return true
}

func (s *RouterScan) chains0(r ExprRef, e ast.Expr, depth int) []RouterChain {
	info := r.Pkg.TypesInfo
	switch x := e.(type) {
	case *ast.CallExpr:
		if op := s.OpOfCall(info, x); op != nil {
			switch {
			case op.Kind == OpGroup:
				return s.derived(r, x, op, depth)
			case (op.Kind == OpSame || op.Chain) && op.Recv != nil:
				return s.recvChains(ExprRef{Pkg: r.Pkg, File: r.File, Expr: op.Recv}, op, nil, depth+1)
			}
		}
		// A function of the module that returns a router.
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok {
			var out []RouterChain
			for _, ret := range s.Returns(fn.Origin()) {
				// A group made from the function's parameters: under this
				// call's arguments.
				if rc, ok := ast.Unparen(ret.Expr).(*ast.CallExpr); ok && !astq.IsAbstract(fn) {
					if op := s.OpOfCall(ret.Pkg.TypesInfo, rc); op != nil && op.Kind == OpGroup && s.pathsFlow(ret.Pkg.TypesInfo, op) {
						out = append(out, s.derivedEnv(ret, rc, op, depth+1, s.BindCall(r, x, fn, nil))...)
						continue
					}
				}
				out = append(out, s.Chains(ret, depth+1)...)
			}
			if len(out) > 0 {
				return out
			}
		}
		return s.root(x, depth)
	case *ast.Ident, *ast.SelectorExpr:
		v, ok := astq.Assignee(info, x).(*types.Var)
		if !ok {
			return s.root(e, depth)
		}
		if p, ok := s.Params[v]; ok {
			return s.paramChains(v, p, depth)
		}
		var out []RouterChain
		for _, def := range s.Defs[v] {
			out = append(out, s.Chains(def, depth+1)...)
		}
		if len(out) > 0 {
			return out
		}
		return s.root(v, depth)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return s.Chains(ExprRef{Pkg: r.Pkg, File: r.File, Expr: x.X}, depth+1)
		}
	case *ast.StarExpr:
		return s.Chains(ExprRef{Pkg: r.Pkg, File: r.File, Expr: x.X}, depth+1)
	case *ast.TypeAssertExpr:
		return s.Chains(ExprRef{Pkg: r.Pkg, File: r.File, Expr: x.X}, depth+1)
	}
	return s.root(e, depth)
}

// root is a router made by something the detectors do not derive (a
// constructor, say), identified by id; mounted somewhere, it serves its
// routes under the mount's prefix.
func (s *RouterScan) root(id any, depth int) []RouterChain {
	if s.noMounts || len(s.mounts[id]) == 0 {
		return []RouterChain{{{ID: id}}}
	}
	var out []RouterChain
	for _, m := range s.mounts[id] {
		cs, op := s.calls[m.call], s.opOf(m.call)
		step := &routerStep{ID: id, det: op.Det, sites: []RegSpan{s.opSpan(cs, op.RouterOp)}}
		step.Prefix, step.Dynamic, step.text = s.constPath(cs, op.Paths, op.Det, m.env)
		for _, parent := range s.recvChains(s.ref(cs, op.Recv), op, m.env, depth+1) {
			out = append(out, append(append(RouterChain{}, parent...), step))
		}
	}
	if len(out) == 0 {
		return []RouterChain{{{ID: id}}}
	}
	return out
}

// derived is the router a group call returns (or passes to its closure).
func (s *RouterScan) derived(r ExprRef, call *ast.CallExpr, op *routerOpAt, depth int) []RouterChain {
	return s.derivedEnv(r, call, op, depth, nil)
}

// derivedEnv is derived, under the binding of a call of the function
// returning the router (func (s *Server) groupAt(p string) *echo.Group
// { return s.Group(p) }) when env is not nil.
func (s *RouterScan) derivedEnv(r ExprRef, call *ast.CallExpr, op *routerOpAt, depth int, env Binding) []RouterChain {
	cs := CallSite{Pkg: r.Pkg, File: r.File, Call: call, Encl: -1}
	if i, ok := s.site[call]; ok {
		cs.Encl = s.calls[i].Encl
	}
	// A prefix given by the callers of the function around (func api(r
	// chi.Router, prefix string) { r.Route(prefix, ...) }): one router
	// per call, its prefix and parent router from that call.
	insts := []RegInstance{{Site: cs}}
	split := false
	for _, p := range op.Paths {
		split = split || s.UsesFlow(r.Pkg.TypesInfo, p)
	}
	if split && env != nil {
		insts = []RegInstance{{Site: cs, Env: env}}
	} else if split {
		exprs := append([]ast.Expr{}, op.Paths...)
		if op.Recv != nil {
			exprs = append(exprs, op.Recv)
		}
		insts = s.expandAt(cs, exprs)
	}
	var out []RouterChain
	for _, inst := range insts {
		step := &routerStep{ID: call, det: op.Det}
		step.sites = []RegSpan{s.opSpan(cs, op.RouterOp)}
		step.Prefix, step.Dynamic, step.text = s.constPath(cs, op.Paths, op.Det, inst.Env)
		if split {
			step.ID = stepKey{call: call, prefix: step.Prefix}
		}
		for _, mw := range op.Mws {
			step.mws = append(step.mws, s.ref(cs, mw))
		}
		for _, m := range op.Methods {
			c, ok := s.Str(ExprRef{Pkg: r.Pkg, File: r.File, Expr: m}, inst.Env, 0)
			if !ok {
				step.Dynamic = true
				continue
			}
			if op.Upper {
				c = strings.ToUpper(c)
			}
			step.methods = append(step.methods, c)
		}
		step.methods = append(step.methods, op.Fixed...)
		var parents []RouterChain
		if op.Recv != nil {
			parents = s.recvChains(ExprRef{Pkg: r.Pkg, File: r.File, Expr: op.Recv}, op, inst.Env, depth+1)
		}
		if len(parents) == 0 {
			parents = []RouterChain{{{ID: op.Recv, Dynamic: op.Recv == nil}}}
		}
		for _, p := range parents {
			out = append(out, append(append(RouterChain{}, p...), step))
		}
	}
	return out
}

// constPath composes constant path expressions, or reports them dynamic.
func (s *RouterScan) constPath(cs CallSite, paths []ast.Expr, det RouterDetector, env Binding) (string, bool, bool) {
	out, text := "", false
	for i, p := range paths {
		v := s.Eval(s.ref(cs, p), env, 0)
		c, ok := v.S, v.OK
		if !ok {
			return "", true, false
		}
		text = text || v.text
		if i == 0 {
			out = c
		} else {
			out = det.Join(out, c)
		}
	}
	return out, false, text
}

// paramChains follows a parameter to what the function is given: the
// router a group call passes to it as its closure, and the arguments of
// the calls of the function.
func (s *RouterScan) paramChains(v *types.Var, p paramOwner, depth int) []RouterChain {
	var out []RouterChain
	for _, key := range p.keys {
		for _, use := range s.funcArgs[key] {
			cs := s.calls[use.call]
			op := s.opOf(use.call)
			if op != nil && op.Kind == OpGroup && p.index == 0 && op.Closure == cs.Call.Args[use.arg] {
				out = append(out, s.derived(s.ref(cs, cs.Call), cs.Call, op, depth+1)...)
			}
		}
		obj, ok := key.(types.Object)
		if !ok {
			continue
		}
		for _, i := range append(s.byCallee[obj], s.dispatched(obj)...) {
			cs := s.calls[i]
			if p.index < len(cs.Call.Args) {
				out = append(out, s.Chains(s.ref(cs, cs.Call.Args[p.index]), depth+1)...)
			}
		}
	}
	if lit, ok := p.keys[0].(*ast.FuncLit); ok { // func(r Router){...}(router)
		for _, i := range s.litCalls[lit] {
			cs := s.calls[i]
			if p.index < len(cs.Call.Args) {
				out = append(out, s.Chains(s.ref(cs, cs.Call.Args[p.index]), depth+1)...)
			}
		}
	}
	if len(out) == 0 {
		// No call of the module gives the router: the module's own root,
		// unless the same routes are mounted elsewhere (see unmountedAt).
		out = s.root(v, depth)
		for _, c := range out {
			if len(c) == 1 && c[0].ID == v {
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
func unmountedAt(chain RouterChain, chains []RouterChain) string {
	if chain[0].unmounted == nil {
		return ""
	}
	for _, c := range chains {
		if c[0].unmounted != nil {
			continue
		}
		for _, st := range c {
			if st.Prefix != "" {
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
func (s *RouterScan) dispatched(obj types.Object) []int {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Signature().Recv() == nil || astq.IsAbstract(fn) {
		return nil
	}
	recv := fn.Signature().Recv().Type()
	var out []int
	for _, i := range s.ifaceCalls[fn.Name()] {
		cs := s.calls[i]
		m, ok := typeutil.Callee(cs.Pkg.TypesInfo, cs.Call).(*types.Func)
		if !ok {
			continue
		}
		iface, ok := m.Signature().Recv().Type().Underlying().(*types.Interface)
		if ok && (types.Implements(recv, iface) || types.Implements(types.NewPointer(astq.Deref(recv)), iface)) {
			out = append(out, i)
		}
	}
	return out
}

// Returns lists what a function of the module returns, when it returns
// one value.
func (s *RouterScan) Returns(fn *types.Func) []ExprRef {
	if rets, ok := s.rets[fn]; ok {
		return rets
	}
	s.rets[fn] = nil
	d, ok := s.Decls[fn]
	if !ok || d.Decl.Body == nil || fn.Signature().Results().Len() != 1 {
		return nil
	}
	var rets []ExprRef
	ast.Inspect(d.Decl.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(x.Results) == 1 {
				rets = append(rets, ExprRef{Pkg: d.Pkg, File: d.File, Expr: x.Results[0]})
			}
		}
		return true
	})
	s.rets[fn] = rets
	return rets
}

// reach returns the nodes a middleware expression runs: what it refers
// to, and the definitions of the local variables it names.
func (s *RouterScan) reach(mw ExprRef) []int {
	r := HandlerResolver{G: s.g, Pkg: mw.Pkg, File: mw.File, Seen: map[types.Object]bool{}}
	r.Resolve(mw.Expr)
	var out []int
	for _, e := range r.Visited {
		out = append(out, s.g.ReferencedIn(mw.Pkg, e)...)
		out = append(out, s.g.StorageIn(mw.Pkg, e)...)
	}
	return out
}

// isRouterHandler reports whether t is the handler type of a supported
// router library, of the dialects given (IsHandlerType asks, for
// wrappers around handlers).
func isRouterHandler(t types.Type, routers []RouterDetector) bool {
	for _, d := range routers {
		if d.IsHandler(t) {
			return true
		}
	}
	return false
}

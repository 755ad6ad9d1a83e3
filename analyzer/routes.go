package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/report"
)

// Route discovery. A registration is a call to a net/http registration
// function. When its pattern is a constant, it is a route. When the
// pattern comes from a parameter of the function around it (a router
// wrapper such as `func (r *Router) Handle(route string, h http.Handler)`
// or a local `handle := func(p string, h http.Handler) {...}`), that
// function becomes a registration function in turn, and its callers
// supply the pattern and the handler; wrappers of wrappers are followed
// to a fixed depth.

// maxWrapperDepth bounds how many wrappers deep patterns are followed.
const maxWrapperDepth = 4

// callSite is a call in the module with the context needed to resolve it.
type callSite struct {
	pkg  *packages.Package
	file *ast.File
	encl int          // the node of the enclosing declaration
	fn   *funcContext // the innermost enclosing function, or nil
	call *ast.CallExpr
}

// funcContext is a function declaration or literal: its parameters, and
// the object that names it (the function, or the variable a literal is
// assigned to).
type funcContext struct {
	params *types.Tuple
	obj    types.Object
}

// registrar is a function that registers a route from its parameters.
type registrar struct {
	obj     types.Object // what callers call: a function, or a variable or parameter holding one
	site    callSite     // the registration inside it
	pattern int          // index of the parameter holding the pattern
	before  string       // constant text before the parameter
	after   string       // constant text after it
	handler int          // index of the handler parameter, or -1
	inner   []int        // nodes of the wrapper's own handler expression
	sites   []regSpan    // the registrations inside the wrappers
	depth   int
}

// routes finds every route of the module.
func (g *Graph) routes() []Feature {
	calls := g.callSites()
	var out []Feature
	// One wrapper per function and registration inside it: a function
	// may register several routes through its parameters.
	type wrapperKey struct {
		obj  types.Object
		call *ast.CallExpr
	}
	wrappers := map[wrapperKey]*registrar{}
	var queue []*registrar
	for _, cs := range calls {
		fn, ok := typeutil.Callee(cs.pkg.TypesInfo, cs.call).(*types.Func)
		if !ok || !routeFuncs[fn.FullName()] || len(cs.call.Args) != 2 {
			continue
		}
		info := cs.pkg.TypesInfo
		if id, ok := constString(info, cs.call.Args[0]); ok {
			out = append(out, g.route(cs, RouteID(id), cs.call.Args[1], nil))
			continue
		}
		if w := g.asRegistrar(cs, cs.call.Args[0], cs.call.Args[1], "", "", 1); w != nil {
			if k := (wrapperKey{w.obj, w.site.call}); wrappers[k] == nil {
				wrappers[k] = w
				queue = append(queue, w)
			}
			continue
		}
		out = append(out, g.route(cs, partialID(g, info, cs.call, cs.call.Args[0]), cs.call.Args[1], nil))
	}
	for len(queue) > 0 {
		w := queue[0]
		queue = queue[1:]
		found := false
		for _, cs := range calls {
			// A wrapper handed to another function as a value: calls of
			// that function's parameter are calls of the wrapper.
			for _, alias := range passedAs(cs, w.obj) {
				if k := (wrapperKey{alias, w.site.call}); wrappers[k] == nil {
					a := *w
					a.obj = alias
					wrappers[k] = &a
					queue = append(queue, &a)
				}
				found = true
			}
			if calleeObj(cs.pkg.TypesInfo, cs.call) != w.obj || w.pattern >= len(cs.call.Args) {
				continue
			}
			found = true
			var handler ast.Expr
			if w.handler >= 0 && w.handler < len(cs.call.Args) {
				handler = cs.call.Args[w.handler]
			}
			patternArg := cs.call.Args[w.pattern]
			if c, ok := constString(cs.pkg.TypesInfo, patternArg); ok {
				out = append(out, w.withSites(g.route(cs, RouteID(w.before+c+w.after), handler, w.inner)))
				continue
			}
			if w.depth < maxWrapperDepth {
				if outer := g.asRegistrar(cs, patternArg, handler, w.before, w.after, w.depth+1); outer != nil {
					outer.inner = append(outer.inner, w.inner...)
					outer.sites = append(outer.sites, w.sites...)
					if k := (wrapperKey{outer.obj, outer.site.call}); wrappers[k] == nil {
						wrappers[k] = outer
						queue = append(queue, outer)
					}
					continue
				}
			}
			id := dynamicID(g, cs.call)
			if w.before == "" && w.after == "" {
				id = partialID(g, cs.pkg.TypesInfo, cs.call, patternArg)
			}
			out = append(out, w.withSites(g.route(cs, id, handler, w.inner)))
		}
		if !found { // a wrapper nobody calls: keep its registration
			out = append(out, w.withSites(g.route(w.site, dynamicID(g, w.site.call), nil, w.inner)))
		}
	}
	// Routes of third-party routers (routers.go).
	return append(out, g.routerRoutes()...)
}

// asRegistrar returns the registrar that cs's enclosing function is when
// pattern is a parameter of it (with constant text around), else nil.
func (g *Graph) asRegistrar(cs callSite, pattern, handler ast.Expr, before, after string, depth int) *registrar {
	if cs.fn == nil || cs.fn.obj == nil {
		return nil
	}
	info := cs.pkg.TypesInfo
	param, b, a, ok := template(info, pattern)
	if !ok {
		return nil
	}
	w := &registrar{obj: cs.fn.obj, site: cs, pattern: paramIndex(cs.fn.params, param), before: b + before, after: after + a, handler: -1, depth: depth}
	if w.pattern < 0 {
		return nil
	}
	w.sites = []regSpan{callSpan(cs.call, nil, cs.encl)}
	if handler != nil {
		ast.Inspect(handler, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok && w.handler < 0 && isHandlerType(v.Type()) {
					w.handler = paramIndex(cs.fn.params, v)
				}
			}
			return true
		})
		w.inner = g.referencedIn(cs.pkg, handler)
		if w.handler < 0 { // the handler is the wrapper's own
			r := handlerResolver{g: g, pkg: cs.pkg, file: cs.file, seen: map[types.Object]bool{}}
			if entry, _ := r.resolve(handler); entry >= 0 {
				w.inner = append([]int{entry}, w.inner...)
			}
		}
	}
	return w
}

// withSites adds the registrations inside the wrappers to a route made
// by a call of the wrapper.
func (w *registrar) withSites(f Feature) Feature {
	for _, sp := range w.sites {
		if !slices.Contains(f.regs, sp) {
			f.regs = append(f.regs, sp)
		}
	}
	return f
}

// route makes the route feature registered at cs; handler is resolved in
// cs's package, inner are nodes a wrapper adds around it.
func (g *Graph) route(cs callSite, id string, handler ast.Expr, inner []int) Feature {
	file, line := g.prog.Rel(cs.call.Pos())
	f := Feature{Feature: report.Feature{ID: id, Kind: report.KindRoute, Position: report.Position{File: file, Line: line}, Tests: []report.Test{}}}
	entry, name := -1, ""
	r := handlerResolver{g: g, pkg: cs.pkg, file: cs.file, seen: map[types.Object]bool{}}
	if handler != nil {
		entry, name = r.resolve(handler)
	} else if len(inner) > 0 {
		entry, name = inner[0], g.nodes[inner[0]].name
	}
	if entry < 0 && name == "" {
		entry, name = cs.encl, "(unresolved handler in "+g.nodes[max(cs.encl, 0)].name+")"
	}
	f.Entry = name
	f.registrar = cs.encl
	f.regs = append([]regSpan{callSpan(cs.call, nil, cs.encl)}, g.handlerDefs(cs, r.visited)...)
	if entry >= 0 && entry != cs.encl {
		f.entries = []int{entry}
	}
	f.roots = append(f.roots, entry)
	// Middleware, factories and closures around the handler run too,
	// including those reached through local variables.
	for _, e := range r.visited {
		f.roots = append(f.roots, g.referencedIn(cs.pkg, e)...)
	}
	f.roots = append(f.roots, inner...)
	f.roots = append(f.roots, g.inits[cs.pkg.PkgPath])
	if entry >= 0 && g.nodes[entry].pkg != "" {
		if init, ok := g.inits[g.nodes[entry].pkg]; ok {
			f.roots = append(f.roots, init)
		}
	}
	return f
}

// handlerDefs are the spans of the definitions of local variables a
// route's handler names (guarded := auth(h); mux.Handle(p, guarded)) in
// the declaration of the registration: part of the registration too.
func (g *Graph) handlerDefs(cs callSite, visited []ast.Expr) []regSpan {
	var decl ast.Decl
	for _, d := range cs.file.Decls {
		if d.Pos() <= cs.call.Pos() && cs.call.End() <= d.End() {
			decl = d
		}
	}
	var out []regSpan
	for _, e := range visited {
		if decl != nil && decl.Pos() <= e.Pos() && e.End() <= decl.End() && (e.End() <= cs.call.Pos() || cs.call.End() <= e.Pos()) {
			out = append(out, regSpan{from: e.Pos(), to: e.End(), encl: cs.encl})
		}
	}
	return out
}

// dynamicID names a route whose pattern is only known at run time.
func dynamicID(g *Graph, call *ast.CallExpr) string {
	file, line := g.prog.Rel(call.Pos())
	return fmt.Sprintf("(dynamic route at %s:%d)", file, line)
}

// partialID names a route whose pattern joins constant text with values
// known only at run time, `config.Webroot + "api/v1/messages"`, as
// "<config.Webroot>api/v1/messages"; without constant text, it falls
// back to dynamicID. Such ids never match a request
// (parsePattern refuses '<'), so they get no request evidence.
func partialID(g *Graph, info *types.Info, call *ast.CallExpr, e ast.Expr) string {
	if p, ok := placeholderPath(info, e); ok {
		return RouteID(p)
	}
	return dynamicID(g, call)
}

// placeholderPath renders a string concatenation with its non-constant
// operands as <expression>, when at least one operand is constant text.
func placeholderPath(info *types.Info, e ast.Expr) (string, bool) {
	var b strings.Builder
	text := false
	var walk func(e ast.Expr) bool
	walk = func(e ast.Expr) bool {
		if c, ok := constString(info, e); ok {
			text = text || c != ""
			b.WriteString(c)
			return true
		}
		switch x := ast.Unparen(e).(type) {
		case *ast.BinaryExpr:
			if x.Op != token.ADD {
				return false
			}
			return walk(x.X) && walk(x.Y)
		case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr:
			s := types.ExprString(x)
			if len(s) > 60 || strings.ContainsAny(s, "<> \t\n") {
				return false
			}
			b.WriteString("<" + s + ">")
			return true
		}
		return false
	}
	if !walk(e) || !text {
		return "", false
	}
	return b.String(), true
}

// callSites lists every call of the module with its context.
func (g *Graph) callSites() []callSite {
	var out []callSite
	for _, pkg := range g.prog.Packages {
		if pkg.TypesInfo == nil {
			continue
		}
		for _, f := range pkg.Syntax {
			for _, decl := range f.Decls {
				encl := g.declNode(pkg, decl)
				var stack []ast.Node
				var fns []*funcContext
				ast.Inspect(decl, func(n ast.Node) bool {
					if n == nil {
						top := stack[len(stack)-1]
						stack = stack[:len(stack)-1]
						switch top.(type) {
						case *ast.FuncDecl, *ast.FuncLit:
							fns = fns[:len(fns)-1]
						}
						return true
					}
					switch x := n.(type) {
					case *ast.FuncDecl:
						fc := &funcContext{}
						if obj, ok := pkg.TypesInfo.Defs[x.Name].(*types.Func); ok {
							fc.obj, fc.params = obj, obj.Signature().Params()
						}
						fns = append(fns, fc)
					case *ast.FuncLit:
						fc := &funcContext{obj: litVar(pkg.TypesInfo, stack, x)}
						if sig, ok := pkg.TypesInfo.TypeOf(x).(*types.Signature); ok {
							fc.params = sig.Params()
						}
						fns = append(fns, fc)
					case *ast.CallExpr:
						var fn *funcContext
						if len(fns) > 0 {
							fn = fns[len(fns)-1]
						}
						out = append(out, callSite{pkg: pkg, file: f, encl: encl, fn: fn, call: x})
					}
					stack = append(stack, n)
					return true
				})
			}
		}
	}
	return out
}

// litVar returns the variable a function literal is assigned to when it
// is defined as `name := func...` or `var name = func...`.
func litVar(info *types.Info, stack []ast.Node, lit *ast.FuncLit) types.Object {
	if len(stack) == 0 {
		return nil
	}
	switch parent := stack[len(stack)-1].(type) {
	case *ast.AssignStmt:
		for i, rhs := range parent.Rhs {
			if rhs == lit && i < len(parent.Lhs) && len(parent.Lhs) == len(parent.Rhs) {
				if id, ok := parent.Lhs[i].(*ast.Ident); ok {
					if obj := info.Defs[id]; obj != nil {
						return obj
					}
					return info.Uses[id]
				}
			}
		}
	case *ast.ValueSpec:
		for i, v := range parent.Values {
			if v == lit && i < len(parent.Names) {
				return info.Defs[parent.Names[i]]
			}
		}
	}
	return nil
}

// passedAs returns the parameters of the function cs calls that receive
// obj (a function or a variable holding one) as an argument.
func passedAs(cs callSite, obj types.Object) []types.Object {
	fn, ok := typeutil.Callee(cs.pkg.TypesInfo, cs.call).(*types.Func)
	if !ok {
		return nil
	}
	params := fn.Origin().Signature().Params()
	var out []types.Object
	for i, arg := range cs.call.Args {
		id := identOf(ast.Unparen(arg))
		if id == nil || i >= params.Len() {
			continue
		}
		used := cs.pkg.TypesInfo.Uses[id]
		if f, ok := used.(*types.Func); ok {
			used = f.Origin()
		}
		if used == obj {
			out = append(out, params.At(i))
		}
	}
	return out
}

// calleeObj is the function or variable a call calls.
func calleeObj(info *types.Info, call *ast.CallExpr) types.Object {
	switch obj := typeutil.Callee(info, call).(type) {
	case *types.Func:
		return obj.Origin()
	case *types.Var:
		return obj
	}
	return nil
}

// template matches e against `[const +] param [+ const]`.
func template(info *types.Info, e ast.Expr) (param *types.Var, before, after string, ok bool) {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.Ident:
		v, isVar := info.Uses[x].(*types.Var)
		return v, "", "", isVar
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return nil, "", "", false
		}
		if c, isConst := constString(info, x.X); isConst {
			p, b, a, ok := template(info, x.Y)
			return p, c + b, a, ok
		}
		if c, isConst := constString(info, x.Y); isConst {
			p, b, a, ok := template(info, x.X)
			return p, b, a + c, ok
		}
	}
	return nil, "", "", false
}

func constString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

func paramIndex(params *types.Tuple, v *types.Var) int {
	if params == nil || v == nil {
		return -1
	}
	for i := 0; i < params.Len(); i++ {
		if params.At(i) == v {
			return i
		}
	}
	return -1
}

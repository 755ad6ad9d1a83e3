package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/report"
)

// Route features: what every router dialect (routers.go, routers_*.go,
// net/http's ServeMux included) makes a registration into.

// callSite is a call in the module with the context needed to resolve it.
type CallSite struct {
	Pkg  *packages.Package
	File *ast.File
	Encl int // the node of the enclosing declaration
	Call *ast.CallExpr
}

// routes finds every route of the module: net/http's ServeMux is one
// router dialect among the others (routers_nethttp.go).
func (g *Graph) Routes() []Feature {
	return g.routerRoutes()
}

// route makes the route feature registered at cs; handler is resolved in
// cs's package, inner are nodes a wrapper adds around it.
func (g *Graph) route(cs CallSite, id string, handler ast.Expr, inner []int) Feature {
	file, line := g.prog.Rel(cs.Call.Pos())
	f := Feature{Feature: report.Feature{ID: id, Kind: report.KindRoute, Position: report.Position{File: file, Line: line}, Tests: []report.Test{}}}
	entry, name := -1, ""
	r := HandlerResolver{G: g, Pkg: cs.Pkg, File: cs.File, Seen: map[types.Object]bool{}}
	if handler != nil {
		entry, name = r.Resolve(handler)
	} else if len(inner) > 0 {
		entry, name = inner[0], g.nodes[inner[0]].name
	}
	if entry < 0 && name == "" {
		entry, name = cs.Encl, "(unresolved handler in "+g.nodes[max(cs.Encl, 0)].name+")"
	}
	f.Entry = name
	f.registrar = cs.Encl
	f.regs = append([]RegSpan{CallSpan(cs.Call, nil, cs.Encl)}, g.handlerDefs(cs, r.Visited)...)
	if entry >= 0 && entry != cs.Encl {
		f.entries = []int{entry}
	}
	f.roots = append(f.roots, entry)
	// Middleware, factories and closures around the handler run too,
	// including those reached through local variables.
	for _, e := range r.Visited {
		f.roots = append(f.roots, g.referencedIn(cs.Pkg, e)...)
		f.roots = append(f.roots, g.storageIn(cs.Pkg, e)...)
	}
	f.roots = append(f.roots, inner...)
	// What start-up leaves behind for a request, not the whole init of
	// the packages serving the route (startup.go).
	f.roots = append(f.roots, g.startup)
	f.roots = append(f.roots, g.brokenStartup(cs.Pkg)...)
	if entry >= 0 && g.prog.byPath[g.nodes[entry].pkg] != nil {
		f.roots = append(f.roots, g.brokenStartup(g.prog.byPath[g.nodes[entry].pkg])...)
	}
	f.roots = append(f.roots, g.routerLibrary(cs)...)
	return f
}

// handlerDefs are the spans of the definitions of local variables a
// route's handler names (guarded := auth(h); mux.Handle(p, guarded)) in
// the declaration of the registration: part of the registration too.
func (g *Graph) handlerDefs(cs CallSite, visited []ast.Expr) []RegSpan {
	var decl ast.Decl
	for _, d := range cs.File.Decls {
		if d.Pos() <= cs.Call.Pos() && cs.Call.End() <= d.End() {
			decl = d
		}
	}
	var out []RegSpan
	for _, e := range visited {
		if decl != nil && decl.Pos() <= e.Pos() && e.End() <= decl.End() && (e.End() <= cs.Call.Pos() || cs.Call.End() <= e.Pos()) {
			out = append(out, RegSpan{From: e.Pos(), To: e.End(), Encl: cs.Encl})
		}
	}
	return out
}

// dynamicID names a route whose pattern is only known at run time.
func dynamicID(g *Graph, call *ast.CallExpr) string {
	file, line := g.prog.Rel(call.Pos())
	return fmt.Sprintf("(dynamic route at %s:%d)", file, line)
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

// routerLibrary is the dependency node of the router library whose
// function registers the route at cs, none when the module declares it:
// the library's own dispatch runs on every request the route serves, so a
// change to its module (a version bump) reaches the route even when the
// handler uses nothing of it (a standard library file server, a wrapper
// closure of the library's own). The registering call's walk made the
// node at build.
func (g *Graph) routerLibrary(cs CallSite) []int {
	fn, ok := typeutil.Callee(cs.Pkg.TypesInfo, cs.Call).(*types.Func)
	if !ok || fn.Pkg() == nil || g.inModule(fn) {
		return nil
	}
	if id, ok := g.deps[fn.Pkg().Path()]; ok {
		return []int{id}
	}
	return nil
}

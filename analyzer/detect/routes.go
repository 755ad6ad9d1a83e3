package detect

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

// CallSite is a call in the module with the context needed to resolve it.
type CallSite struct {
	Pkg  *packages.Package
	File *ast.File
	Encl int // the node of the enclosing declaration
	Call *ast.CallExpr
}

// route makes the route feature registered at cs; handler is resolved in
// cs's package, inner are nodes a wrapper adds around it.
func route(g Graph, cs CallSite, id string, handler ast.Expr, inner []int) Feature {
	file, line := g.Rel(cs.Call.Pos())
	f := Feature{Feature: report.Feature{ID: id, Kind: report.KindRoute, Position: report.Position{File: file, Line: line}, Tests: []report.Test{}}}
	entry, name := -1, ""
	r := HandlerResolver{G: g, Pkg: cs.Pkg, File: cs.File, Seen: map[types.Object]bool{}}
	if handler != nil {
		entry, name = r.Resolve(handler)
	} else if len(inner) > 0 {
		entry, name = inner[0], g.NodeName(inner[0])
	}
	if entry < 0 && name == "" {
		entry, name = cs.Encl, "(unresolved handler in "+g.NodeName(max(cs.Encl, 0))+")"
	}
	f.Entry = name
	f.Registrar = cs.Encl
	f.Regs = append([]RegSpan{CallSpan(cs.Call, nil, cs.Encl)}, handlerDefs(cs, r.Visited)...)
	if entry >= 0 && entry != cs.Encl {
		f.Entries = []int{entry}
	}
	f.Roots = append(f.Roots, entry)
	// Middleware, factories and closures around the handler run too,
	// including those reached through local variables.
	for _, e := range r.Visited {
		f.Roots = append(f.Roots, g.ReferencedIn(cs.Pkg, e)...)
		f.Roots = append(f.Roots, g.StorageIn(cs.Pkg, e)...)
	}
	f.Roots = append(f.Roots, inner...)
	// What start-up leaves behind for a request, not the whole init of
	// the packages serving the route (the analyzer's startup.go).
	f.Roots = append(f.Roots, g.Startup())
	f.Roots = append(f.Roots, g.BrokenStartup(cs.Pkg)...)
	if entry >= 0 && g.Package(g.NodePkg(entry)) != nil {
		f.Roots = append(f.Roots, g.BrokenStartup(g.Package(g.NodePkg(entry)))...)
	}
	f.Roots = append(f.Roots, routerLibrary(g, cs)...)
	return f
}

// handlerDefs are the spans of the definitions of local variables a
// route's handler names (guarded := auth(h); mux.Handle(p, guarded)) in
// the declaration of the registration: part of the registration too.
func handlerDefs(cs CallSite, visited []ast.Expr) []RegSpan {
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
func dynamicID(g Graph, call *ast.CallExpr) string {
	file, line := g.Rel(call.Pos())
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
func routerLibrary(g Graph, cs CallSite) []int {
	fn, ok := typeutil.Callee(cs.Pkg.TypesInfo, cs.Call).(*types.Func)
	if !ok || fn.Pkg() == nil || g.InModule(fn) {
		return nil
	}
	if id, ok := g.Dependency(fn.Pkg().Path()); ok {
		return []int{id}
	}
	return nil
}

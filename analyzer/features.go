package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/report"
)

// Feature is a discovered feature and the graph nodes it starts from.
type Feature struct {
	report.Feature
	// roots are the nodes whose reach is the feature's reach: the entry,
	// the middleware and factories around it, and the init of the
	// packages that serve it.
	roots []int
	// entries are the nodes a test must reach to exercise the feature.
	entries []int
	// registrar is the function that registers a route on its router, or -1.
	registrar int
	// subtrees is set when the route's router serves a path ending in '/'
	// as a subtree (net/http's ServeMux); the other routers serve it as
	// the exact path.
	subtrees bool
	// regs are the source spans that register a route: a change that
	// touches one impacts the route even when it changes none of its
	// roots (a path, a method, a middleware swapped in the registration).
	regs []regSpan
	// cli ties a subcommand to its command tree (commands_cli.go).
	cli *cliFeature
	// holes say what the run-time parts of route ids stand for, shared by
	// the routes of one Features call (evidence_prefix.go).
	holes routeHoles
}

// regSpan is a stretch of source that registers a route: the
// registration call with its handler chain, a wrapper's call, or the
// calls that make the route's groups, mount its router and add its
// middleware (without the closures they are handed, which are code of
// their own).
type regSpan struct {
	from, to token.Pos
	encl     int // the node of the declaration the span is in
}

// callSpan is the span of a registering call: from its method's name
// when it is called on the result of another call (r.Group("/v2").Get:
// the Get), else from its start; to its end, or to the closure it is
// handed; widened to the expressions the registration reads (a mux
// route's path, written earlier in its chain).
func callSpan(call *ast.CallExpr, closure ast.Expr, encl int, exprs ...ast.Expr) regSpan {
	sp := regSpan{from: call.Pos(), to: call.End(), encl: encl}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if _, chained := ast.Unparen(sel.X).(*ast.CallExpr); chained {
			sp.from = sel.Sel.Pos()
		}
	}
	if closure != nil {
		sp.to = closure.Pos()
	}
	for _, e := range exprs {
		if e == nil || e == closure || e == call.Fun {
			continue
		}
		sp.from, sp.to = min(sp.from, e.Pos()), max(sp.to, e.End())
	}
	return sp
}

// DeclaredFeature is a feature named in configuration.
type DeclaredFeature struct {
	ID, Entry, Tier string
	Owners          []string
	// Where is "FILE:LINE" of the declaration, for errors.
	Where string
	// Optional: a declaration the code may no longer have (the base's,
	// on a change that deletes or renames what it names) is left out
	// when it names nothing, instead of an error.
	Optional bool
}

// routeFuncs are the net/http registration functions, by their full
// name as go/types prints it.
var routeFuncs = map[string]bool{
	"(*net/http.ServeMux).Handle":     true,
	"(*net/http.ServeMux).HandleFunc": true,
	"net/http.Handle":                 true,
	"net/http.HandleFunc":             true,
}

// Features discovers the routes, RPC methods and commands the detectors
// find (detectors.go), and the declared features of the program, sorted by kind and id.
func (g *Graph) Features(declared []DeclaredFeature) ([]Feature, error) {
	out, err := g.runDetectors() // detectors.go
	if err != nil {
		return nil, err
	}
	g.programStartups(out) // startup_programs.go
	for _, d := range declared {
		if d.Entry == "" { // annotates a discovered feature
			found := false
			for i := range out {
				if out[i].ID == d.ID {
					found = true
					out[i].Owners, out[i].Tier = d.Owners, d.Tier
				}
			}
			if !found && !d.Optional {
				return nil, fmt.Errorf("%s: feature %q: no discovered feature has this id: check it against 'blastgate features', or give it an entry to declare it", d.Where, d.ID)
			}
			continue
		}
		f, err := g.declaredFeature(d)
		if err != nil && d.Optional {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	order := map[string]int{report.KindRoute: 0, report.KindRPC: 1, report.KindCommand: 2, report.KindDeclared: 3}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] < order[b.Kind]
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Position.File != b.Position.File {
			return a.Position.File < b.Position.File
		}
		return a.Position.Line < b.Position.Line
	})
	return out, nil
}

// RouteID turns a net/http pattern into a route id: "POST /token/buy",
// or "/static/" when the route accepts any method.
func RouteID(pattern string) string {
	fields := strings.Fields(pattern)
	switch len(fields) {
	case 0:
		return pattern
	case 1:
		return fields[0]
	default:
		rest := strings.Join(fields[1:], "")
		// Joining the pieces of broken UTF-8 can make a new space
		// ("\xc2" and "\xa0"): remove it too, so that RouteID(RouteID(p))
		// is RouteID(p).
		for strings.ContainsFunc(rest, unicode.IsSpace) {
			rest = strings.Join(strings.Fields(rest), "")
		}
		if rest == "" {
			return fields[0]
		}
		return fields[0] + " " + rest
	}
}

// referencedIn returns the nodes an expression refers to.
func (g *Graph) referencedIn(pkg *packages.Package, e ast.Expr) []int {
	var ids []int
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if id := g.nodeOf(pkg.TypesInfo.Uses[n]); id >= 0 && isCode(g.nodes[id].kind) {
				ids = append(ids, id)
			}
		case *ast.FuncLit:
			if id, ok := g.byLit[n]; ok {
				ids = append(ids, id)
			}
			return false // what the closure uses is its own reach
		case *ast.CompositeLit, *ast.UnaryExpr, *ast.CallExpr:
			// A module value handed to the router (or to middleware) will
			// have its methods called: &Page{}, pageB{}, newPage().
			if t := pkg.TypesInfo.TypeOf(n.(ast.Expr)); t != nil && !types.IsInterface(t) {
				g.heldMu.Lock() // a memo that discovery fills after build
				ids = append(ids, g.methodsHeldBy(t)...)
				g.heldMu.Unlock()
			}
		}
		return true
	})
	return ids
}

func isCode(k nodeKind) bool {
	return k == funcNode || k == closureNode || k == methodNode || k == packageNode
}

// declNode returns the node of a top-level declaration, or the package's
// init node for declarations without one.
func (g *Graph) declNode(pkg *packages.Package, decl ast.Decl) int {
	if n, broken := g.pkgs[pkg.PkgPath]; broken {
		return n
	}
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if id, ok := g.byObj[pkg.TypesInfo.Defs[d.Name]]; ok {
			return id
		}
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			if vs, ok := spec.(*ast.ValueSpec); ok {
				for _, name := range vs.Names {
					if id, ok := g.byObj[pkg.TypesInfo.Defs[name]]; ok {
						return id
					}
				}
			}
		}
	}
	return g.inits[pkg.PkgPath]
}

// handlerResolver finds the innermost handler a route serves.
type handlerResolver struct {
	g    *Graph
	pkg  *packages.Package
	file *ast.File
	seen map[types.Object]bool
	// visited are the expressions resolve looked at: the handler
	// expression and the definitions of the local variables it names.
	visited []ast.Expr
}

// resolve returns the node and name of the handler e denotes, or -1 and
// the name of a dependency's handler, or -1 and "" when unknown.
func (r *handlerResolver) resolve(e ast.Expr) (int, string) {
	info := r.pkg.TypesInfo
	e = ast.Unparen(e)
	r.visited = append(r.visited, e)
	switch x := e.(type) {
	case *ast.FuncLit:
		if id, ok := r.g.byLit[x]; ok {
			return id, r.g.nodes[id].name
		}
	case *ast.Ident, *ast.SelectorExpr:
		id := identOf(x)
		switch obj := info.Uses[id].(type) {
		case *types.Func:
			if n, ok := r.g.byObj[obj.Origin()]; ok {
				return n, r.g.nodes[n].name
			}
			return -1, objName(obj)
		case *types.Var:
			if !obj.IsField() && !r.seen[obj] {
				r.seen[obj] = true
				// Every value the variable is given is part of the route
				// (resolve records them); the first that resolves is the entry.
				entry, name := -1, ""
				for _, def := range r.definitions(obj) {
					if e, n := r.resolve(def); entry < 0 && (e >= 0 || n != "") {
						entry, name = e, n
					}
				}
				if entry >= 0 || name != "" {
					return entry, name
				}
			}
		}
	case *ast.CallExpr:
		tv := info.Types[x.Fun]
		if tv.IsType() && len(x.Args) == 1 { // http.HandlerFunc(f)
			return r.resolve(x.Args[0])
		}
		// Middleware: the handler is the last handler-typed argument.
		for i := len(x.Args) - 1; i >= 0; i-- {
			if isHandlerType(info.TypeOf(x.Args[i])) {
				return r.resolve(x.Args[i])
			}
		}
		// A factory: the closure it returns is what runs.
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok {
			if id, ok := r.g.byObj[fn.Origin()]; ok {
				if lit := r.g.returnedClosure(fn.Origin()); lit >= 0 {
					return lit, r.g.nodes[lit].name
				}
				return id, r.g.nodes[id].name
			}
			return -1, objName(fn)
		}
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return r.resolve(x.X)
		}
	}
	// A value of a type with a ServeHTTP method.
	if t := info.TypeOf(e); t != nil && !types.IsInterface(t) {
		sel := types.NewMethodSet(types.NewPointer(derefType(t))).Lookup(nil, "ServeHTTP")
		if sel != nil {
			if n, ok := r.g.byObj[sel.Obj().(*types.Func).Origin()]; ok {
				return n, r.g.nodes[n].name
			}
			return -1, objName(sel.Obj())
		}
	}
	return -1, ""
}

// definitions finds the expressions a local variable is given in its file.
func (r *handlerResolver) definitions(v *types.Var) []ast.Expr {
	var defs []ast.Expr
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && len(s.Rhs) == len(s.Lhs) &&
					(r.pkg.TypesInfo.Defs[id] == v || r.pkg.TypesInfo.Uses[id] == v) {
					defs = append(defs, s.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range s.Names {
				if r.pkg.TypesInfo.Defs[id] == v && len(s.Values) == len(s.Names) {
					defs = append(defs, s.Values[i])
				}
			}
		}
		return true
	})
	return defs
}

// returnedClosure returns the closure node fn returns when every return
// statement of fn returns the same function literal (directly or
// converted), or -1.
func (g *Graph) returnedClosure(fn *types.Func) int {
	found := -1
	ok := true
	for _, pkg := range g.prog.Packages {
		if pkg.Types != fn.Pkg() {
			continue
		}
		for _, f := range pkg.Syntax {
			for _, decl := range f.Decls {
				d, isFunc := decl.(*ast.FuncDecl)
				if !isFunc || pkg.TypesInfo.Defs[d.Name] != fn || d.Body == nil {
					continue
				}
				ast.Inspect(d.Body, func(n ast.Node) bool {
					if _, lit := n.(*ast.FuncLit); lit {
						return false
					}
					ret, isRet := n.(*ast.ReturnStmt)
					if !isRet {
						return true
					}
					if len(ret.Results) != 1 {
						ok = false
						return false
					}
					e := ast.Unparen(ret.Results[0])
					if call, isCall := e.(*ast.CallExpr); isCall && len(call.Args) == 1 && pkg.TypesInfo.Types[call.Fun].IsType() {
						e = ast.Unparen(call.Args[0])
					}
					lit, isLit := e.(*ast.FuncLit)
					id, known := g.byLit[lit]
					if !isLit || !known || (found >= 0 && found != id) {
						ok = false
						return false
					}
					found = id
					return true
				})
			}
		}
	}
	if !ok {
		return -1
	}
	return found
}

// isHandlerType reports whether t is an http.Handler, an
// http.HandlerFunc or a function taking an http.ResponseWriter first, or
// the handler type of a supported router library.
func isHandlerType(t types.Type) bool {
	if t == nil {
		return false
	}
	if isRouterHandler(t) { // gin's, echo's... (routers.go)
		return true
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" {
		switch n.Obj().Name() {
		case "Handler", "HandlerFunc":
			return true
		}
	}
	if sig, ok := t.Underlying().(*types.Signature); ok && sig.Params().Len() >= 1 {
		if n, ok := types.Unalias(sig.Params().At(0).Type()).(*types.Named); ok && n.Obj().Pkg() != nil &&
			n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "ResponseWriter" {
			return true
		}
	}
	// An interface with ServeHTTP, or a type whose values have it.
	return types.NewMethodSet(t).Lookup(nil, "ServeHTTP") != nil ||
		(!types.IsInterface(t) && types.NewMethodSet(types.NewPointer(derefType(t))).Lookup(nil, "ServeHTTP") != nil)
}

// moduleImports lists the module packages pkg imports, directly or not,
// and pkg itself.
func (g *Graph) moduleImports(pkg *packages.Package) []string {
	seen := map[string]bool{}
	var out []string
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if seen[p.PkgPath] || g.prog.byPath[p.PkgPath] == nil {
			return
		}
		seen[p.PkgPath] = true
		out = append(out, p.PkgPath)
		for _, imp := range p.Imports {
			visit(imp)
		}
	}
	visit(pkg)
	sort.Strings(out)
	return out
}

// command returns the feature of a main package.
func (g *Graph) command(pkg *packages.Package) (Feature, bool) {
	if pkg.Name != "main" {
		return Feature{}, false
	}
	rel, _ := filepathRel(g.prog.Root, pkg.Dir)
	id := rel
	if id == "." || id == "" {
		id = path.Base(pkg.PkgPath)
	}
	f := Feature{Feature: report.Feature{ID: id, Kind: report.KindCommand, Entry: pkg.PkgPath + ".main", Tests: []report.Test{}}, registrar: -1}
	f.roots = []int{g.inits[pkg.PkgPath]}
	if n, broken := g.pkgs[pkg.PkgPath]; broken {
		f.roots = append(f.roots, n)
		if len(pkg.GoFiles) > 0 {
			f.Position = report.Position{File: g.prog.relFile(pkg.GoFiles[0]), Line: 1}
		}
		return f, true
	}
	obj, ok := pkg.Types.Scope().Lookup("main").(*types.Func)
	if !ok {
		return Feature{}, false
	}
	f.roots = append(f.roots, g.byObj[obj])
	// The initializers its packages run at start-up (a template parsed
	// into a variable): a failure there stops the command.
	for _, p := range g.moduleImports(pkg) {
		f.roots = append(f.roots, g.initRuns[p]...)
	}
	f.entries = []int{g.byObj[obj]}
	f.Position.File, f.Position.Line = g.prog.Rel(obj.Pos())
	return f, true
}

// declaredFeature resolves a configured entry: a function or method named
// as in traces, or a package path (every declaration in it is an entry).
func (g *Graph) declaredFeature(d DeclaredFeature) (Feature, error) {
	f := Feature{Feature: report.Feature{ID: d.ID, Kind: report.KindDeclared, Entry: d.Entry, Owners: d.Owners, Tier: d.Tier, Tests: []report.Test{}}, registrar: -1}
	if pkg := g.prog.byPath[d.Entry]; pkg != nil {
		f.roots = append([]int{g.inits[pkg.PkgPath]}, g.declared[pkg.PkgPath]...)
		for _, id := range g.declared[pkg.PkgPath] {
			if isCode(g.nodes[id].kind) {
				f.entries = append(f.entries, id)
			}
		}
		if n, broken := g.pkgs[pkg.PkgPath]; broken {
			f.roots = append(f.roots, n)
		}
		if len(pkg.GoFiles) > 0 {
			f.Position = report.Position{File: g.prog.relFile(pkg.GoFiles[0]), Line: 1}
		}
		return f, nil
	}
	id, ok := g.byName[d.Entry]
	if !ok || !isCode(g.nodes[id].kind) || g.nodes[id].kind == methodNode {
		if pkgPath := g.brokenOwner(d.Entry); pkgPath != "" {
			f.roots = []int{g.pkgs[pkgPath], g.inits[pkgPath]}
			return f, nil
		}
		return Feature{}, fmt.Errorf("%s: feature %q: entry %q is neither a function nor a package of this module: write it as example.com/mod/pkg.Func, example.com/mod/pkg.(*Type).Method or a package path", d.Where, d.ID, d.Entry)
	}
	f.roots = []int{id, g.inits[g.nodes[id].pkg]}
	f.entries = []int{id}
	f.Position.File, f.Position.Line = g.prog.Rel(g.nodes[id].pos)
	return f, nil
}

// brokenOwner returns the broken package a function name belongs to.
func (g *Graph) brokenOwner(name string) string {
	for pkgPath := range g.pkgs {
		if strings.HasPrefix(name, pkgPath+".") && !strings.Contains(strings.TrimPrefix(name, pkgPath+"."), "/") {
			return pkgPath
		}
	}
	return ""
}

// EntryFile returns the repository file that holds the feature's entry,
// or "" when it has none of the module's code.
func (g *Graph) EntryFile(f Feature) string {
	if len(f.entries) == 0 {
		return ""
	}
	file, _ := g.prog.Rel(g.nodes[f.entries[0]].pos)
	return file
}

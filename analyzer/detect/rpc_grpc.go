package detect

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"iter"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/report"
)

// RPC features: each method of a gRPC service registered on a server
// (a generated RegisterXServer(s, impl), or s.RegisterService(&desc,
// impl)) or served through a generated Connect handler (NewXHandler(impl,
// ...)) is a feature of kind rpc, id /package.Service/Method as the
// server's GetServiceInfo names it, entry the implementation's method.
//
// The implementation is the concrete type of impl when the code says it
// statically; when impl is an interface value, every module type that
// implements the service's interface is one (a feature each, sound:
// any of them may be the one registered). A method no module type
// implements (an embedded Unimplemented server of a dependency) keeps
// the dependency's method as its entry, with no module code to reach.

// GRPC finds the RPC methods of grpc-go servers (Connect's are
// rpc_connect.go's).
var GRPC = &Finder{
	Name:    "grpc",
	Kind:    report.KindRPC,
	Imports: []string{grpcPath},
	Doc: `grpc-go: each method of a service registered on a server (a
generated RegisterXServer(s, impl), s.RegisterService(&desc, impl)) is a
feature, id /package.Service/Method as the server's GetServiceInfo names
it, entry the implementation's method. The generated code (in the module
or a dependency) is read from source for the service's methods. When
impl is an interface value, every module type implementing the service's
interface is an implementation (a feature each). Services a dependency
registers for the module (reflection.Register(s), channelz, orca) are
found one level into the dependency's source; a method no module type
implements keeps the dependency's method as its entry. Not seen:
services registered through reflection on descriptors built at run time,
and registration deeper than one dependency call.`,
	Run: func(g Graph) []Feature { return RPCScan{g}.rpcs(false) },
}

// RPCScan finds the RPC methods of a graph; the test side
// (match_rpc.go) matches a test's clients with its
// registrations through it.
type RPCScan struct{ Graph }

// RPCRegistration is a call that registers a service's implementation.
type RPCRegistration struct {
	Site    CallSite
	Service RPCService
	impl    ast.Expr   // the implementation argument
	iface   types.Type // the service's interface (XServer, XHandler), or nil
	// connect: a Connect handler (NewXHandler), not a grpc-go
	// registration.
	connect bool
}

// rpcs finds every RPC method the module's code registers: Connect's
// handlers (connect), or grpc-go's registrations, with the services
// dependencies register.
func (g RPCScan) rpcs(connect bool) []Feature {
	var out []Feature
	var pkgs []*packages.Package
	for _, pkg := range g.Packages() {
		if mayServeRPC(pkg) {
			pkgs = append(pkgs, pkg)
		}
	}
	for _, reg := range g.rpcRegistrations(pkgs) {
		if reg.connect == connect {
			out = append(out, g.rpcFeatures(reg)...)
		}
	}
	if !connect {
		out = append(out, g.dependencyRPCs(pkgs)...)
	}
	return dedupeFeatures(out)
}

// mayServeRPC reports whether a package can register a service: it
// imports grpc-go or Connect, or a package that does (generated code, a
// library that registers its own service).
func mayServeRPC(pkg *packages.Package) bool {
	if pkg.Types == nil {
		return false
	}
	rpc := func(p *types.Package) bool { return p.Path() == grpcPath || p.Path() == connectPath }
	for _, imp := range pkg.Types.Imports() {
		if rpc(imp) {
			return true
		}
		for _, ii := range imp.Imports() {
			if rpc(ii) {
				return true
			}
		}
	}
	return false
}

// rpcRegistrations finds the registering calls in pkgs' syntax.
func (g RPCScan) rpcRegistrations(pkgs []*packages.Package) []RPCRegistration {
	var out []RPCRegistration
	for cs := range g.callSites(pkgs) {
		if reg, ok := g.RPCRegistration(cs.Pkg, cs.decl, cs.Call); ok {
			reg.Site = cs.CallSite
			out = append(out, reg)
		}
	}
	return out
}

// declCall is a call site with the top-level declaration holding it.
type declCall struct {
	CallSite
	decl ast.Decl
}

// callSites yields every call in the syntax of pkgs (type-checked ones),
// with its file, enclosing declaration and its node.
func (g RPCScan) callSites(pkgs []*packages.Package) iter.Seq[declCall] {
	return func(yield func(declCall) bool) {
		for _, pkg := range pkgs {
			if pkg.TypesInfo == nil {
				continue
			}
			for _, file := range pkg.Syntax {
				for _, decl := range file.Decls {
					encl := g.DeclNode(pkg, decl)
					stop := false
					ast.Inspect(decl, func(n ast.Node) bool {
						call, ok := n.(*ast.CallExpr)
						if stop || !ok {
							return !stop
						}
						stop = !yield(declCall{CallSite{Pkg: pkg, File: file, Encl: encl, Call: call}, decl})
						return !stop
					})
					if stop {
						return
					}
				}
			}
		}
	}
}

// RPCRegistration recognises a registering call.
func (g RPCScan) RPCRegistration(pkg *packages.Package, decl ast.Decl, call *ast.CallExpr) (RPCRegistration, bool) {
	fn, ok := typeutil.Callee(pkg.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return RPCRegistration{}, false
	}
	sig := fn.Signature()
	name := fn.Name()
	switch {
	case name == "RegisterService" && sig.Recv() != nil && fn.Pkg().Path() == grpcPath && len(call.Args) == 2:
		// Inside a generated RegisterXServer: its callers are the registrations.
		if d, ok := decl.(*ast.FuncDecl); ok && d.Recv == nil && strings.HasPrefix(d.Name.Name, "Register") && strings.HasSuffix(d.Name.Name, "Server") {
			return RPCRegistration{}, false
		}
		u, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr)
		if !ok || u.Op != token.AND {
			return RPCRegistration{}, false
		}
		desc, ok := pkg.TypesInfo.Uses[astq.IdentOf(ast.Unparen(u.X))].(*types.Var)
		if !ok || desc.Pkg() == nil {
			return RPCRegistration{}, false
		}
		gf := g.GeneratedFileAt(desc)
		if gf == nil {
			return RPCRegistration{}, false
		}
		svc, ok := gf.GRPCService(desc.Name(), desc.Pkg().Scope())
		if !ok {
			return RPCRegistration{}, false
		}
		var iface types.Type
		if tn, ok := desc.Pkg().Scope().Lookup(svc.handlerType).(*types.TypeName); ok {
			iface = tn.Type()
		}
		return RPCRegistration{Service: svc, impl: call.Args[1], iface: iface}, true
	case sig.Recv() == nil && strings.HasPrefix(name, "Register") && strings.HasSuffix(name, "Server") && sig.Params().Len() == 2 && len(call.Args) == 2:
		gf := g.GeneratedFileAt(fn)
		if gf == nil || gf.Registers[name] == "" {
			return RPCRegistration{}, false
		}
		svc, ok := gf.GRPCService(gf.Registers[name], fn.Pkg().Scope())
		if !ok {
			return RPCRegistration{}, false
		}
		return RPCRegistration{Service: svc, impl: call.Args[1], iface: sig.Params().At(1).Type()}, true
	case sig.Recv() == nil && strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Handler") && sig.Params().Len() >= 1 && len(call.Args) >= 1 && sig.Results().Len() == 2:
		gf := g.GeneratedFileAt(fn)
		if gf == nil {
			return RPCRegistration{}, false
		}
		svc, ok := gf.ConnectService(name, fn.Pkg().Scope())
		if !ok {
			return RPCRegistration{}, false
		}
		return RPCRegistration{Service: svc, impl: call.Args[0], iface: sig.Params().At(0).Type(), connect: true}, true
	}
	return RPCRegistration{}, false
}

// grpcPath is grpc-go's import path.
const grpcPath = "google.golang.org/grpc"

// RPCImpls are the concrete types that may be the registered
// implementation: impl's own type, or every module type implementing the
// service's interface when impl is an interface value.
func (g RPCScan) RPCImpls(reg RPCRegistration) []types.Type {
	t := reg.Site.Pkg.TypesInfo.TypeOf(reg.impl)
	if t == nil {
		return nil
	}
	if !types.IsInterface(t) {
		return []types.Type{t}
	}
	iface, ok := types.Unalias(reg.iface).Underlying().(*types.Interface)
	if !ok || reg.iface == nil || !types.IsInterface(reg.iface) {
		iface, ok = t.Underlying().(*types.Interface)
		if !ok {
			return nil
		}
	}
	var out []types.Type
	for _, pkg := range g.Packages() {
		if pkg.Types == nil {
			continue
		}
		scope := pkg.Types.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
				continue
			}
			if named, ok := tn.Type().(*types.Named); ok && named.TypeParams().Len() > 0 {
				continue
			}
			switch {
			case types.Implements(tn.Type(), iface):
				out = append(out, tn.Type())
			case types.Implements(types.NewPointer(tn.Type()), iface):
				out = append(out, types.NewPointer(tn.Type()))
			}
		}
	}
	// Generated Unimplemented servers stand in only when nothing else does.
	var real []types.Type
	for _, c := range out {
		if n, ok := types.Unalias(astq.Deref(c)).(*types.Named); ok && !strings.HasPrefix(n.Obj().Name(), "Unimplemented") {
			real = append(real, c)
		}
	}
	if len(real) > 0 {
		return real
	}
	return out
}

// rpcFeatures makes the features of one registration: one per method and
// possible implementation.
func (g RPCScan) rpcFeatures(reg RPCRegistration) []Feature {
	impls := g.RPCImpls(reg)
	if len(impls) == 0 {
		impls = []types.Type{nil}
	}
	file, line := g.Rel(reg.Site.Call.Pos())
	var out []Feature
	for _, impl := range impls {
		for _, m := range reg.Service.Methods {
			f := Feature{Feature: report.Feature{ID: m.ID, Kind: report.KindRPC, Position: report.Position{File: file, Line: line}, Tests: []report.Test{}}}
			f.Registrar = reg.Site.Encl
			f.Regs = []RegSpan{CallSpan(reg.Site.Call, nil, reg.Site.Encl)}
			entry, name := g.RPCEntry(impl, m, reg)
			f.Entry = name
			if entry >= 0 {
				f.Entries = []int{entry}
				f.Roots = append(f.Roots, entry)
				f.Roots = append(f.Roots, g.BrokenStartup(g.Package(g.NodePkg(entry)))...)
			}
			f.Roots = append(f.Roots, g.rpcImplRefs(reg)...)
			f.Roots = append(f.Roots, g.rpcHandlerNode(reg, m)...)
			// A call runs at request time, as a route's request does: it
			// depends on what start-up leaves behind (the analyzer's startup.go).
			f.Roots = append(f.Roots, g.Startup())
			f.Roots = append(f.Roots, g.BrokenStartup(reg.Site.Pkg)...)
			out = append(out, f)
		}
	}
	return out
}

// RPCEntry finds the Go method serving m on impl: its node (or -1) and name.
func (g RPCScan) RPCEntry(impl types.Type, m rpcMethod, reg RPCRegistration) (int, string) {
	goName := m.GoName
	if goName == "" {
		goName = m.ID[strings.LastIndex(m.ID, "/")+1:]
	}
	if impl == nil {
		t := reg.iface
		if t == nil {
			t = reg.Site.Pkg.TypesInfo.TypeOf(reg.impl)
		}
		if t != nil {
			// The interface's method names the entry; no module code is
			// known to serve it, so there is none to reach.
			if obj, _, _ := types.LookupFieldOrMethod(t, true, nil, goName); obj != nil {
				return -1, astq.ObjName(obj)
			}
		}
		return -1, "(unresolved implementation of " + m.ID + ")"
	}
	obj, _, _ := types.LookupFieldOrMethod(impl, true, nil, goName)
	fn, ok := obj.(*types.Func)
	if !ok {
		// Unexported or renamed: look by package too.
		if n, ok := types.Unalias(astq.Deref(impl)).(*types.Named); ok {
			obj, _, _ = types.LookupFieldOrMethod(impl, true, n.Obj().Pkg(), goName)
			fn, ok = obj.(*types.Func)
		}
		if !ok {
			return -1, "(unresolved implementation of " + m.ID + ")"
		}
	}
	if id, ok := g.Node(fn.Origin()); ok {
		return id, g.NodeName(id)
	}
	return g.NodeOf(fn), astq.ObjName(fn.Origin())
}

// rpcImplRefs are the module functions and variables the implementation
// expression names (a constructor, a factory): they run at registration.
// The implementation's other methods are not roots: each is a feature.
func (g RPCScan) rpcImplRefs(reg RPCRegistration) []int {
	var ids []int
	ast.Inspect(reg.impl, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if id := g.NodeOf(reg.Site.Pkg.TypesInfo.Uses[n]); id >= 0 && g.IsCode(id) {
				ids = append(ids, id)
			}
		case *ast.FuncLit:
			if id, ok := g.Lit(n); ok {
				ids = append(ids, id)
			}
			return false
		}
		return true
	})
	return ids
}

// rpcHandlerNode is the generated handler function of m when it is the
// module's own code.
func (g RPCScan) rpcHandlerNode(reg RPCRegistration, m rpcMethod) []int {
	if m.handler == "" || reg.iface == nil {
		return nil
	}
	n, ok := types.Unalias(reg.iface).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return nil
	}
	if fn, ok := n.Obj().Pkg().Scope().Lookup(m.handler).(*types.Func); ok {
		if id, ok := g.Node(fn); ok {
			return []int{id}
		}
	}
	return nil
}

// dedupeFeatures drops repeats of the same kind, id, entry and position,
// and sorts by id.
func dedupeFeatures(fs []Feature) []Feature {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].ID != fs[j].ID {
			return fs[i].ID < fs[j].ID
		}
		return fs[i].Entry < fs[j].Entry
	})
	seen := map[string]bool{}
	var out []Feature
	for _, f := range fs {
		k := fmt.Sprintf("%s\x00%s\x00%s\x00%s:%d", f.Kind, f.ID, f.Entry, f.Position.File, f.Position.Line)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

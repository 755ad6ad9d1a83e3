package detect

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/report"
)

// Services a dependency registers for the module: reflection.Register(s),
// channelz's RegisterChannelzServiceToServer(s), orca.Register(s, opts).
// The module calls a function of a dependency that imports grpc-go; that
// function's own body (read from source, one level) calls generated
// RegisterXServer functions. Each method is an rpc feature registered at
// the module's call, with the service interface's method as its entry
// name and no module code to reach: the implementation is the
// dependency's. A change of the call impacts them (its registration);
// nothing credits them but declared evidence.

// DepRegistered is one generated registration inside a dependency function.
type DepRegistered struct {
	svc       RPCService
	ifaceName string // the service interface, pkg.XServer
}

// dependencyRegistrations finds the services a call of a dependency
// function registers, or none.
func (g RPCScan) dependencyRegistrations(pkg *packages.Package, call *ast.CallExpr) []DepRegistered {
	fn, ok := typeutil.Callee(pkg.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Signature().Recv() != nil || g.Package(fn.Pkg().Path()) != nil || !importsGRPC(fn.Pkg()) {
		return nil
	}
	return g.DepRegistrationsMemo(fn.Pkg().Path()+"."+fn.Name(), func() []DepRegistered {
		if gf := g.GeneratedFileAt(fn); gf == nil || gf.Registers[fn.Name()] == "" { // generated: rpc_grpc.go reads it
			return g.readDependencyRegistrations(fn)
		}
		return nil
	})
}

func importsGRPC(p *types.Package) bool {
	for _, imp := range p.Imports() {
		if imp.Path() == grpcPath {
			return true
		}
	}
	return false
}

// readDependencyRegistrations parses fn's file and reads the generated
// RegisterXServer calls of its body.
func (g RPCScan) readDependencyRegistrations(fn *types.Func) []DepRegistered {
	name := g.Fset().Position(fn.Pos()).Filename
	src, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	imports := map[string]string{} // local name -> path
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		local := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		imports[local] = p
	}
	var out []DepRegistered
	for _, decl := range f.Decls {
		d, ok := decl.(*ast.FuncDecl)
		if !ok || d.Recv != nil || d.Name.Name != fn.Name() || d.Body == nil {
			continue
		}
		ast.Inspect(d.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			var path, reg string
			switch x := call.Fun.(type) {
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					path, reg = imports[id.Name], x.Sel.Name
				}
			case *ast.Ident:
				path, reg = fn.Pkg().Path(), x.Name
			}
			if path == "" || !strings.HasPrefix(reg, "Register") || !strings.HasSuffix(reg, "Server") {
				return true
			}
			// A dependency's imports are known from export data only in
			// part: the generated package is found by its directory, in
			// the module of fn.
			dir, ok := ImportDir(fn.Pkg().Path(), filepath.Dir(name), path)
			if !ok {
				return true
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
			for _, file := range files {
				if strings.HasSuffix(file, "_test.go") {
					continue
				}
				gf := g.generatedFile(file)
				if gf == nil || gf.Registers[reg] == "" {
					continue
				}
				if svc, ok := gf.GRPCService(gf.Registers[reg], nil); ok {
					out = append(out, DepRegistered{svc: svc, ifaceName: path + "." + svc.handlerType})
				}
				break
			}
			return true
		})
	}
	return out
}

// ImportDir is the directory of the package path, when it is in the
// module of the package pkgPath whose directory is dir.
func ImportDir(pkgPath, dir, path string) (string, bool) {
	root, mod := filepath.ToSlash(dir), pkgPath
	for {
		if strings.HasPrefix(path, mod+"/") || path == mod {
			return filepath.Join(filepath.FromSlash(root), filepath.FromSlash(strings.TrimPrefix(path, mod))), true
		}
		i, j := strings.LastIndex(mod, "/"), strings.LastIndex(root, "/")
		if i < 0 || j < 0 || mod[i:] != root[j:] {
			return "", false
		}
		mod, root = mod[:i], root[:j]
	}
}

// dependencyRPCs makes the features of the services dependencies
// register for the module's calls.
func (g RPCScan) dependencyRPCs(pkgs []*packages.Package) []Feature {
	var out []Feature
	for cs := range g.callSites(pkgs) {
		for _, dr := range g.dependencyRegistrations(cs.Pkg, cs.Call) {
			out = append(out, g.dependencyRPCFeatures(cs.CallSite, dr)...)
		}
	}
	return out
}

func (g RPCScan) dependencyRPCFeatures(cs CallSite, dr DepRegistered) []Feature {
	file, line := g.Rel(cs.Call.Pos())
	var out []Feature
	for _, m := range dr.svc.Methods {
		f := Feature{Feature: report.Feature{ID: m.ID, Kind: report.KindRPC, Position: report.Position{File: file, Line: line}, Tests: []report.Test{}}}
		f.Registrar = cs.Encl
		f.Regs = []RegSpan{CallSpan(cs.Call, nil, cs.Encl)}
		f.Entry = "(registered by " + astq.ObjName(typeutil.Callee(cs.Pkg.TypesInfo, cs.Call)) + ")"
		goName := m.GoName
		if goName == "" {
			goName = m.ID[strings.LastIndex(m.ID, "/")+1:]
		}
		if dr.svc.handlerType != "" {
			f.Entry = dr.ifaceName + "." + goName
		}
		f.Roots = append(f.Roots, g.ReferencedIn(cs.Pkg, cs.Call)...)
		f.Roots = append(f.Roots, g.Startup()) // request time (the analyzer's startup.go)
		f.Roots = append(f.Roots, g.BrokenStartup(cs.Pkg)...)
		out = append(out, f)
	}
	return out
}

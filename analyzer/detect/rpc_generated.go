package detect

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"strconv"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
)

// Reading the code protoc-gen-go-grpc and protoc-gen-connect-go
// generate, so that each RPC method maps to the Go method that serves it
// and to the name the server's GetServiceInfo gives it. The generated
// file is read from source, whether it is in the module or in a
// dependency (its position, from export data, names the file in the
// module cache); it is parsed on its own, without types: generated code
// has one fixed shape.
//
//   - grpc-go: a var of type grpc.ServiceDesc{ServiceName, HandlerType,
//     Methods: []grpc.MethodDesc{{MethodName, Handler}}, Streams:
//     []grpc.StreamDesc{{StreamName, Handler}}}; RegisterXServer(s, srv)
//     calls s.RegisterService(&X_ServiceDesc, srv); each Handler function
//     calls srv.(XServer).Method: that is the Go method.
//   - Connect: NewXHandler(svc, opts...) (string, http.Handler) calls
//     connect.NewUnaryHandler (or a stream variant) with the procedure
//     ("/package.Service/Method", a constant) and svc.Method.

// rpcMethod is one method of a service: its id and the Go method that
// serves it ("" when the generated code does not say).
type rpcMethod struct {
	ID, GoName string
	handler    string // the generated handler function, or ""
}

// RPCService is a service as generated code describes it.
type RPCService struct {
	Methods     []rpcMethod
	handlerType string // the XServer interface's name (grpc-go), or ""
}

// GeneratedFile is what one generated file declares.
type GeneratedFile struct {
	descs     map[string]*ast.CompositeLit // ServiceDesc vars by name
	Registers map[string]string            // RegisterXServer -> its desc var
	handlers  map[string]string            // handler function -> Go method it calls
	connect   map[string][]connectProc     // NewXHandler -> its procedures
}

// connectProc is a procedure a Connect handler constructor serves.
type connectProc struct {
	proc   ast.Expr
	goName string
}

// GeneratedFileAt parses (once) the file that declares obj.
func (g RPCScan) GeneratedFileAt(obj types.Object) *GeneratedFile {
	return g.generatedFile(g.Fset().Position(obj.Pos()).Filename)
}

// generatedFile parses (once) the named file.
func (g RPCScan) generatedFile(name string) *GeneratedFile {
	if name == "" {
		return nil
	}
	return g.GeneratedFileMemo(name, func() *GeneratedFile {
		var gf *GeneratedFile
		if src, err := os.ReadFile(name); err == nil {
			if f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution); err == nil {
				gf = readGenerated(f)
			}
		}
		return gf
	})
}

// readGenerated collects the service descriptions, registration and
// handler functions of a file.
func readGenerated(f *ast.File) *GeneratedFile {
	gf := &GeneratedFile{descs: map[string]*ast.CompositeLit{}, Registers: map[string]string{}, handlers: map[string]string{}, connect: map[string][]connectProc{}}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, v := range vs.Values {
					if lit, ok := v.(*ast.CompositeLit); ok && isSelector(lit.Type, "ServiceDesc") && i < len(vs.Names) {
						gf.descs[vs.Names[i].Name] = lit
					}
				}
			}
		case *ast.FuncDecl:
			if d.Body == nil || d.Recv != nil {
				continue
			}
			name := d.Name.Name
			if desc := registeredDesc(d.Body); desc != "" && strings.HasPrefix(name, "Register") {
				gf.Registers[name] = desc
			}
			if m := assertedMethod(d.Body); m != "" {
				gf.handlers[name] = m
			}
			if procs := connectProcs(d.Body); len(procs) > 0 && strings.HasPrefix(name, "New") {
				gf.connect[name] = procs
			}
		}
	}
	return gf
}

// isSelector reports whether e is X.name (grpc.ServiceDesc).
func isSelector(e ast.Expr, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == name
}

// registeredDesc is the desc var of the body's s.RegisterService(&D, srv).
func registeredDesc(body *ast.BlockStmt) string {
	desc := ""
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || !isSelector(call.Fun, "RegisterService") || len(call.Args) != 2 {
			return true
		}
		if u, ok := call.Args[0].(*ast.UnaryExpr); ok && u.Op == token.AND {
			if id, ok := u.X.(*ast.Ident); ok {
				desc = id.Name
			}
		}
		return true
	})
	return desc
}

// assertedMethod is M of the first srv.(XServer).M in body.
func assertedMethod(body *ast.BlockStmt) string {
	m := ""
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && m == "" {
			if _, ok := ast.Unparen(sel.X).(*ast.TypeAssertExpr); ok {
				m = sel.Sel.Name
			}
		}
		return m == ""
	})
	return m
}

// connectProcs are the connect.New*Handler(PROC, svc.M, ...) calls of body.
func connectProcs(body *ast.BlockStmt) []connectProc {
	var out []connectProc
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !strings.HasPrefix(sel.Sel.Name, "New") || !strings.HasSuffix(sel.Sel.Name, "Handler") {
			return true
		}
		if m, ok := call.Args[1].(*ast.SelectorExpr); ok {
			out = append(out, connectProc{proc: call.Args[0], goName: m.Sel.Name})
		}
		return true
	})
	return out
}

// stringValue evaluates a string literal, or a constant of scope named
// by an identifier.
func stringValue(e ast.Expr, scope *types.Scope) (string, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			s, err := strconv.Unquote(x.Value)
			return s, err == nil
		}
	case *ast.Ident:
		if scope == nil {
			return "", false
		}
		if c, ok := scope.Lookup(x.Name).(*types.Const); ok && c.Val().Kind() == constant.String {
			return constant.StringVal(c.Val()), true
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, ok1 := stringValue(x.X, scope)
			b, ok2 := stringValue(x.Y, scope)
			return a + b, ok1 && ok2
		}
	}
	return "", false
}

// GRPCService reads a ServiceDesc literal: its methods and streams with
// their ids and Go methods.
func (gf *GeneratedFile) GRPCService(desc string, scope *types.Scope) (RPCService, bool) {
	lit := gf.descs[desc]
	if lit == nil {
		return RPCService{}, false
	}
	var svc RPCService
	name, known := "", false
	var entries []*ast.CompositeLit
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return RPCService{}, false
		}
		key, _ := kv.Key.(*ast.Ident)
		if key == nil {
			continue
		}
		switch key.Name {
		case "ServiceName":
			name, known = stringValue(kv.Value, scope)
		case "HandlerType":
			// (*XServer)(nil)
			if call, ok := kv.Value.(*ast.CallExpr); ok {
				if p, ok := ast.Unparen(call.Fun).(*ast.StarExpr); ok {
					if id, ok := p.X.(*ast.Ident); ok {
						svc.handlerType = id.Name
					}
				}
			}
		case "Methods", "Streams":
			list, ok := kv.Value.(*ast.CompositeLit)
			if !ok {
				return RPCService{}, false
			}
			for _, e := range list.Elts {
				m, ok := e.(*ast.CompositeLit)
				if !ok {
					return RPCService{}, false
				}
				entries = append(entries, m)
			}
		}
	}
	if !known {
		return RPCService{}, false
	}
	for _, m := range entries {
		var method, handler string
		for key, kv := range astq.KeyedFields(m) {
			switch key {
			case "MethodName", "StreamName":
				if s, ok := stringValue(kv.Value, scope); ok {
					method = s
				}
			case "Handler":
				if id, ok := kv.Value.(*ast.Ident); ok {
					handler = id.Name
				}
			}
		}
		if method == "" {
			return RPCService{}, false
		}
		svc.Methods = append(svc.Methods, rpcMethod{ID: "/" + name + "/" + method, GoName: gf.handlers[handler], handler: handler})
	}
	return svc, true
}

// ConnectService reads the procedures a Connect handler constructor serves.
func (gf *GeneratedFile) ConnectService(fn string, scope *types.Scope) (RPCService, bool) {
	procs, ok := gf.connect[fn]
	if !ok {
		return RPCService{}, false
	}
	var svc RPCService
	for _, p := range procs {
		id, ok := stringValue(p.proc, scope)
		if !ok || !strings.HasPrefix(id, "/") {
			return RPCService{}, false
		}
		svc.Methods = append(svc.Methods, rpcMethod{ID: id, GoName: p.goName})
	}
	return svc, true
}

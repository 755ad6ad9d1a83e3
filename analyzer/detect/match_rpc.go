package detect

import (
	"go/ast"
	"go/types"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/report"
)

// RPC request evidence: the analogue of an HTTP request for an rpc
// feature. A test sends an RPC when its body, or a helper function of
// its test files it calls, calls a method of a generated client
// (XClient.Method, grpc-go or Connect): the method's id is read from the
// generated code. The RPC is served by a server the test holds: one
// whose registering function the test (or its TestMain) reaches, or one
// the test registers an implementation on itself. The test is evidence
// for the feature when it sends the feature's id and every server it
// holds for that id serves it with the feature's entry: two
// implementations of the service in reach (the application's and a
// fake of the test's own) credit neither, for the call may reach
// either.

// rpcTestInfo is what a test does with RPCs.
type rpcTestInfo struct {
	calls map[string]bool // ids of the methods it calls through clients
	// regs are the entries of the implementations the test registers
	// itself, by id.
	regs map[string]map[string]bool
}

// rpcTest finds (once) the RPCs a test calls and the implementations it
// registers.
func (m *Matcher) rpcTest(t TestFunc) *rpcTestInfo {
	key := t.key()
	if info, ok := m.rpcTests[key]; ok {
		return info
	}
	if m.rpcTests == nil {
		m.rpcTests = map[testKey]*rpcTestInfo{}
	}
	info := &rpcTestInfo{calls: map[string]bool{}, regs: map[string]map[string]bool{}}
	m.rpcTests[key] = info
	if t.Decl == nil || t.Pkg == nil || t.Pkg.TypesInfo == nil {
		return info
	}
	decls := testFileDecls(m.G, t.Pkg)
	bodies := []*ast.FuncDecl{t.Decl}
	if main := decls.main; main != nil {
		bodies = append(bodies, main)
	}
	seen := map[*ast.FuncDecl]bool{}
	for len(bodies) > 0 {
		d := bodies[0]
		bodies = bodies[1:]
		if seen[d] || len(seen) > MaxTestWalks {
			continue
		}
		seen[d] = true
		ast.Inspect(d, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, _ := typeutil.Callee(t.Pkg.TypesInfo, call).(*types.Func)
			if fn == nil {
				return true
			}
			if h, ok := decls.funcs[fn.Origin()]; ok {
				bodies = append(bodies, h)
			}
			if id, ok := m.rpcClientCall(fn); ok {
				info.calls[id] = true
			}
			if reg, ok := m.rpcScan().RPCRegistration(t.Pkg, d, call); ok {
				reg.Site = CallSite{Pkg: t.Pkg, Call: call, Encl: -1}
				m.addTestRegistration(info, reg)
			}
			return true
		})
	}
	return info
}

// addTestRegistration files the entries a test's own registration serves.
func (m *Matcher) addTestRegistration(info *rpcTestInfo, reg RPCRegistration) {
	impls := m.rpcScan().RPCImpls(reg)
	if len(impls) == 0 {
		impls = []types.Type{nil}
	}
	for _, impl := range impls {
		for _, meth := range reg.Service.Methods {
			_, name := m.rpcScan().RPCEntry(impl, meth, reg)
			if info.regs[meth.ID] == nil {
				info.regs[meth.ID] = map[string]bool{}
			}
			info.regs[meth.ID][name] = true
		}
	}
}

// testDecls are the functions of a test package's _test.go files.
type testDecls struct {
	funcs map[types.Object]*ast.FuncDecl
	main  *ast.FuncDecl // TestMain, or nil
}

func testFileDecls(g Graph, pkg *packages.Package) testDecls {
	out := testDecls{funcs: map[types.Object]*ast.FuncDecl{}}
	for _, f := range pkg.Syntax {
		if !strings.HasSuffix(g.Fset().File(f.Pos()).Name(), "_test.go") {
			continue
		}
		for _, decl := range f.Decls {
			d, ok := decl.(*ast.FuncDecl)
			if !ok || d.Body == nil {
				continue
			}
			if obj := pkg.TypesInfo.Defs[d.Name]; obj != nil {
				out.funcs[obj] = d
			}
			if d.Recv == nil && d.Name.Name == "TestMain" {
				out.main = d
			}
		}
	}
	return out
}

// rpcClientCall returns the id of the RPC a call of fn sends when fn is a
// method of a generated client (grpc-go's XClient or *xClient, Connect's
// XClient or *xClient).
func (m *Matcher) rpcClientCall(fn *types.Func) (string, bool) {
	recv := fn.Signature().Recv()
	if recv == nil || fn.Pkg() == nil {
		return "", false
	}
	n, ok := types.Unalias(astq.Deref(recv.Type())).(*types.Named)
	if !ok {
		return "", false
	}
	stem, ok := strings.CutSuffix(n.Obj().Name(), "Client")
	if !ok || stem == "" {
		return "", false
	}
	stem = upperFirst(stem)
	gf := m.rpcScan().GeneratedFileAt(n.Obj())
	if gf == nil {
		return "", false
	}
	scope := fn.Pkg().Scope()
	var svc RPCService
	if desc := gf.Registers["Register"+stem+"Server"]; desc != "" {
		svc, ok = gf.GRPCService(desc, scope)
	} else {
		svc, ok = gf.ConnectService("New"+stem+"Handler", scope)
	}
	if !ok {
		return "", false
	}
	for _, meth := range svc.Methods {
		if meth.GoName == fn.Name() {
			return meth.ID, true
		}
	}
	return "", false
}

func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// SendsRPC reports whether test t sends an RPC that features[i] serves,
// through a server the test holds, and no other implementation of the
// same method it holds may serve instead.
func (m *Matcher) SendsRPC(features []Feature, i int, t TestFunc) bool {
	f := features[i]
	if f.Kind != report.KindRPC || len(f.Entries) == 0 {
		return false
	}
	info := m.rpcTest(t)
	if !info.calls[f.ID] {
		return false
	}
	holds := func(registrar int) bool { return registrar >= 0 && (t.Reach[registrar] || t.Setup[registrar]) }
	serving := map[string]bool{}
	for name := range info.regs[f.ID] {
		serving[name] = true
	}
	for _, other := range features {
		if other.Kind == report.KindRPC && other.ID == f.ID && holds(other.Registrar) {
			serving[other.Entry] = true
		}
	}
	return len(serving) == 1 && serving[f.Entry]
}

// rpcScan is the matcher's graph as the RPC detector reads it.
func (m *Matcher) rpcScan() RPCScan { return RPCScan{Graph: m.G} }

package detect

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path"
	"sort"
	"strings"

	"github.com/blastgate/blastgate/analyzer/astq"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"
)

// Values a registration is made from. Paths, methods and handlers reach
// a registration through the parameters of the functions around it (at
// every call, interface calls included), through the variables of range
// loops over tables (slices, arrays and maps of literals, variadic
// arguments, functions and methods returning such tables), through the
// fields of struct literals, and through fmt.Sprintf, path.Join,
// url.JoinPath and +. A part known only at run time keeps its place as
// <expression>.

const (
	MaxFlowDepth = 64  // how deep one value is followed (a guard: recursion is cut by what is on the stack)
	maxInstances = 512 // instances of one registration
)

// PathVal is an evaluated path: its text, with <expr> for the run-time
// parts.
type PathVal struct {
	S     string
	Exact bool // no run-time part
	OK    bool // representable
	text  bool // some constant text of the program is part of it
}

// Str evaluates a string that must be known exactly.
func (s *RouterScan) Str(r ExprRef, env Binding, depth int) (string, bool) {
	v := s.Eval(r, env, depth)
	return v.S, v.OK && v.Exact
}

// Eval evaluates a path expression under a binding.
func (s *RouterScan) Eval(r ExprRef, env Binding, depth int) PathVal {
	info := r.Pkg.TypesInfo
	if c, ok := astq.ConstString(info, r.Expr); ok {
		return PathVal{S: c, Exact: true, OK: true, text: c != ""}
	}
	if depth > MaxFlowDepth {
		return PathVal{}
	}
	sub := func(e ast.Expr) PathVal { return s.Eval(ExprRef{Pkg: r.Pkg, File: r.File, Expr: e}, env, depth+1) }
	switch x := ast.Unparen(r.Expr).(type) {
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return PathVal{}
		}
		a, b := sub(x.X), sub(x.Y)
		return PathVal{S: a.S + b.S, Exact: a.Exact && b.Exact, OK: a.OK && b.OK, text: a.text || b.text}
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok {
			return PathVal{}
		}
		if s.Strict && s.Tainted[v] {
			return PathVal{}
		}
		if b, ok := env[v]; ok {
			if defs := s.Defs[v]; len(defs) > 0 {
				return s.reassigned(r, v, b, defs, depth)
			}
			return s.Eval(b.ExprRef, b.Env, depth+1)
		}
		_, isParam := s.Params[v]
		_, isRange := s.ranges[v]
		if !isParam && !isRange && !v.IsField() && !s.evaluating[v] {
			s.evaluating[v] = true
			val, ok := s.sameDefs(s.Defs[v], env, depth)
			delete(s.evaluating, v)
			if ok {
				return val
			}
		}
	case *ast.SelectorExpr:
		if base := s.Bind(ExprRef{Pkg: r.Pkg, File: r.File, Expr: x.X}, env); base.Expr != x.X || base.Env != nil {
			if f, lit, ok := s.FieldOf(base, x.Sel.Name); ok {
				return s.Eval(f.ExprRef, f.Env, depth+1)
			} else if lit {
				return PathVal{S: "", Exact: true, OK: true} // a field the literal leaves out
			}
		}
		// A field every write gives the same constant (a.prefix set
		// once), or a package variable.
		if v, ok := astq.Assignee(info, x).(*types.Var); ok && !(s.Strict && s.Tainted[v]) && !s.evaluating[v] {
			if sel := info.Selections[x]; sel == nil || sel.Kind() == types.FieldVal {
				s.evaluating[v] = true
				val, ok := s.sameDefs(s.Defs[v], nil, depth)
				delete(s.evaluating, v)
				if ok && (val.Exact || sel == nil) {
					return val
				}
			}
		}
	case *ast.CallExpr:
		if v, ok := s.evalCall(r, x, env, depth); ok {
			return v
		}
	case *ast.IndexExpr:
		if el, ok := s.indexed(r, x, env); ok {
			return s.Eval(el.ExprRef, el.Env, depth+1)
		}
	}
	if s.Hole != nil {
		if v, ok := s.Hole(r, env); ok {
			return v
		}
	}
	v := placeholderVal(r.Expr)
	s.noteHole(v, PackageVar(info, r.Expr))
	return v
}

// placeholderVal is <expr>, for a part known only at run time.
func placeholderVal(e ast.Expr) PathVal {
	switch ast.Unparen(e).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr:
		str := types.ExprString(e)
		if len(str) > 60 || strings.ContainsAny(str, "<> \t\n") {
			return PathVal{}
		}
		return PathVal{S: "<" + str + ">", OK: true}
	}
	return PathVal{}
}

// reassigned is the value of a parameter bound to an argument that its
// function also writes (p = "/v2" + p, p += "/x"): not the argument. When
// every write only trims or adds slashes (base = strings.Trim(base, "/"),
// base = "/" + base), a run-time argument keeps its name; otherwise the
// value is the parameter's own run-time part.
func (s *RouterScan) reassigned(r ExprRef, v *types.Var, b BoundArg, defs []ExprRef, depth int) PathVal {
	own := func() PathVal {
		p := placeholderVal(r.Expr)
		s.noteHole(p, "")
		return p
	}
	for _, d := range defs {
		if !slashNormalization(d.Pkg.TypesInfo, d.Expr, v) {
			return own()
		}
	}
	arg := s.Eval(b.ExprRef, b.Env, depth+1)
	if arg.OK && !arg.Exact && !arg.text && strings.Count(arg.S, "<") == 1 && strings.HasPrefix(arg.S, "<") && strings.HasSuffix(arg.S, ">") {
		// The argument's name now stands for it normalised: its value
		// alone no longer gives the path (analyzer/evidence_prefix.go).
		s.noteHole(arg, "")
		return arg
	}
	return own()
}

// slashNormalization reports whether e computes v with slashes trimmed or
// added: strings.Trim(v, "/") and its kin, path.Clean(v), "/" + v, v + "/".
func slashNormalization(info *types.Info, e ast.Expr, v *types.Var) bool {
	isV := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.Uses[id] == v
	}
	slashes := func(e ast.Expr) bool {
		c, ok := astq.ConstString(info, e)
		return ok && strings.Trim(c, "/") == ""
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		return x.Op == token.ADD && (isV(x.X) && slashes(x.Y) || slashes(x.X) && isV(x.Y))
	case *ast.CallExpr:
		fn, ok := typeutil.Callee(info, x).(*types.Func)
		if !ok || len(x.Args) == 0 || !isV(x.Args[0]) {
			return false
		}
		switch fn.FullName() {
		case "strings.Trim", "strings.TrimLeft", "strings.TrimRight", "strings.TrimPrefix", "strings.TrimSuffix":
			return len(x.Args) == 2 && slashes(x.Args[1])
		case "strings.TrimSpace", "path.Clean":
			return true
		}
	}
	return false
}

// funcValue resolves what a call calls: a function of the module, or a
// function literal returned by one (a closure, its captured parameters
// bound), through local variables defined once (link := paths.Link,
// prefix := paths.Prefixer(cfg.BasePath)).
func (s *RouterScan) funcValue(r ExprRef, fun ast.Expr, env Binding, depth int) (*types.Func, *ast.FuncLit, ExprRef, Binding, bool) {
	info := r.Pkg.TypesInfo
	for i := 0; i < MaxFlowDepth && depth+i <= MaxFlowDepth; i++ {
		switch x := ast.Unparen(fun).(type) {
		case *ast.FuncLit:
			return nil, x, r, env, true
		case *ast.Ident, *ast.SelectorExpr:
			var obj types.Object
			if id, ok := x.(*ast.Ident); ok {
				obj = info.Uses[id]
			} else {
				sel := x.(*ast.SelectorExpr)
				if s := info.Selections[sel]; s != nil && s.Kind() != types.MethodVal {
					return nil, nil, ExprRef{}, nil, false
				}
				obj = info.Uses[sel.Sel]
			}
			switch o := obj.(type) {
			case *types.Func:
				return o, nil, r, env, true
			case *types.Var:
				if b, ok := env[o]; ok && len(s.Defs[o]) == 0 {
					r, fun, env = b.ExprRef, b.Expr, b.Env
					info = r.Pkg.TypesInfo
					continue
				}
				defs := s.Defs[o]
				if len(defs) != 1 || o.IsField() {
					return nil, nil, ExprRef{}, nil, false
				}
				if _, isParam := s.Params[o]; isParam {
					return nil, nil, ExprRef{}, nil, false
				}
				r, fun, env = defs[0], defs[0].Expr, nil
				info = r.Pkg.TypesInfo
				continue
			}
			return nil, nil, ExprRef{}, nil, false
		case *ast.CallExpr:
			// A function of the module that returns one closure.
			fn, ok := typeutil.Callee(info, x).(*types.Func)
			if !ok || astq.IsAbstract(fn) {
				return nil, nil, ExprRef{}, nil, false
			}
			rets := s.Returns(fn.Origin())
			if len(rets) != 1 {
				return nil, nil, ExprRef{}, nil, false
			}
			env = s.BindCall(r, x, fn, env)
			r, fun = rets[0], rets[0].Expr
			info = r.Pkg.TypesInfo
		default:
			return nil, nil, ExprRef{}, nil, false
		}
	}
	return nil, nil, ExprRef{}, nil, false
}

// litReturns lists what a function literal returns, when it returns one
// value (its nested literals' returns are theirs).
func litReturns(r ExprRef, lit *ast.FuncLit) []ExprRef {
	if lit.Type.Results.NumFields() != 1 {
		return nil
	}
	var rets []ExprRef
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(x.Results) == 1 {
				rets = append(rets, ExprRef{Pkg: r.Pkg, File: r.File, Expr: x.Results[0]})
			}
		}
		return true
	})
	return rets
}

// evalCall evaluates fmt.Sprintf, path.Join, url.JoinPath and the
// module's functions that return one string.
func (s *RouterScan) evalCall(r ExprRef, call *ast.CallExpr, env Binding, depth int) (PathVal, bool) {
	if call.Ellipsis.IsValid() {
		return PathVal{}, false
	}
	fn, ok := typeutil.Callee(r.Pkg.TypesInfo, call).(*types.Func)
	if ok {
		return s.evalFunc(r, call, fn, env, depth)
	}
	fn, lit, litRef, litEnv, ok := s.funcValue(r, call.Fun, env, depth)
	switch {
	case !ok:
		return PathVal{}, false
	case fn != nil:
		return s.evalFunc(r, call, fn, env, depth)
	}
	// A closure: its parameters bound to the call's arguments, what it
	// captures to what the function that made it was given.
	callee := Binding{}
	for k, v := range litEnv {
		callee[k] = v
	}
	i := 0
	for _, field := range lit.Type.Params.List {
		for _, name := range field.Names {
			if v, ok := litRef.Pkg.TypesInfo.Defs[name].(*types.Var); ok && i < len(call.Args) {
				callee[v] = BoundArg{ExprRef: ExprRef{Pkg: r.Pkg, File: r.File, Expr: call.Args[i]}, Env: env}
			}
			i++
		}
	}
	return s.evalReturns(litReturns(litRef, lit), callee, depth)
}

// Formatted is what fmt prints for a value that is not a string: its
// String method's result (evaluated with the value as receiver), or an
// integer constant.
func (s *RouterScan) Formatted(r ExprRef, env Binding, depth int) (PathVal, bool) {
	t := r.Pkg.TypesInfo.TypeOf(r.Expr)
	if t == nil {
		return PathVal{}, false
	}
	if obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "String"); obj != nil {
		m, ok := obj.(*types.Func)
		if !ok || m.Signature().Params().Len() != 0 || m.Signature().Results().Len() != 1 || astq.IsAbstract(m) {
			return PathVal{}, false
		}
		m = m.Origin()
		recv := m.Signature().Recv()
		rets := s.Returns(m)
		if recv == nil || len(rets) == 0 {
			return PathVal{}, false
		}
		return s.evalReturns(rets, Binding{recv: {ExprRef: r, Env: env}}, depth)
	}
	if c := s.constVal(r, env, depth); c != nil && c.Kind() == constant.Int {
		return PathVal{S: c.ExactString(), Exact: true, OK: true, text: true}, true
	}
	return PathVal{}, false
}

// constVal is the constant an expression denotes under a binding: a
// constant, or a parameter bound (and never reassigned) to one.
func (s *RouterScan) constVal(r ExprRef, env Binding, depth int) constant.Value {
	for i := 0; depth+i <= MaxFlowDepth; i++ {
		if tv, ok := r.Pkg.TypesInfo.Types[r.Expr]; ok && tv.Value != nil {
			return tv.Value
		}
		id, ok := ast.Unparen(r.Expr).(*ast.Ident)
		if !ok {
			return nil
		}
		v, ok := r.Pkg.TypesInfo.Uses[id].(*types.Var)
		if !ok || len(s.Defs[v]) > 0 {
			return nil
		}
		b, ok := env[v]
		if !ok {
			return nil
		}
		r, env = b.ExprRef, b.Env
	}
	return nil
}

// evalFunc evaluates a call of fn.
func (s *RouterScan) evalFunc(r ExprRef, call *ast.CallExpr, fn *types.Func, env Binding, depth int) (PathVal, bool) {
	args := make([]PathVal, len(call.Args))
	for i, a := range call.Args {
		args[i] = s.Eval(ExprRef{Pkg: r.Pkg, File: r.File, Expr: a}, env, depth+1)
	}
	all := func(vs []PathVal) (exact, ok bool) {
		exact, ok = true, true
		for _, v := range vs {
			exact, ok = exact && v.Exact, ok && v.OK
		}
		return
	}
	switch fn.FullName() {
	case "fmt.Sprintf":
		if len(args) == 0 || !args[0].Exact {
			return PathVal{}, false
		}
		for i := 1; i < len(args); i++ {
			if v, ok := s.Formatted(ExprRef{Pkg: r.Pkg, File: r.File, Expr: call.Args[i]}, env, depth); ok {
				args[i] = v
			}
		}
		out, ok := Sprintf(args[0].S, args[1:])
		exact, _ := all(args[1:])
		text := false
		for _, a := range args[1:] {
			text = text || a.text
		}
		blank := make([]PathVal, len(args)-1)
		for i := range blank {
			blank[i].OK = true
		}
		literal, _ := Sprintf(args[0].S, blank) // the format without its verbs
		text = text || literal != ""
		return PathVal{S: out, Exact: exact, OK: ok, text: text}, ok
	case "path.Join", "net/url.JoinPath":
		exact, ok := all(args)
		if !ok {
			return PathVal{}, false
		}
		var parts []string
		text := false
		for _, a := range args {
			parts = append(parts, a.S)
			text = text || a.text
		}
		origin := ""
		if fn.FullName() == "net/url.JoinPath" && len(parts) > 0 {
			// JoinPath joins the path of a URL: its scheme and host stay.
			origin, parts[0] = SplitOrigin(parts[0])
		}
		out := path.Join(parts...)
		if fn.FullName() == "net/url.JoinPath" && len(parts) > 0 {
			// JoinPath keeps the base's form and a trailing slash.
			if len(parts) > 1 && strings.HasSuffix(parts[len(parts)-1], "/") && !strings.HasSuffix(out, "/") {
				out += "/"
			}
			if !strings.HasPrefix(parts[0], "/") && origin == "" {
				out = strings.TrimPrefix(out, "/")
			}
		}
		if out == "." {
			out = ""
		}
		if origin != "" && out != "" && !strings.HasPrefix(out, "/") {
			out = "/" + out
		}
		out = origin + out
		return PathVal{S: out, Exact: exact, OK: true, text: text}, true
	}
	// A function of the module that returns one string: its returns, with
	// its parameters bound to the call's arguments.
	rets := s.Returns(fn.Origin())
	if len(rets) == 0 || astq.IsAbstract(fn) {
		return PathVal{}, false
	}
	return s.evalReturns(rets, s.BindCall(r, call, fn, env), depth)
}

// evalReturns is the one value a function's returns give under a
// binding: those a switch on a known value cannot reach left out, the
// rest must agree.
func (s *RouterScan) evalReturns(rets []ExprRef, callee Binding, depth int) (PathVal, bool) {
	var out PathVal
	n := 0
	for _, ret := range rets {
		if !s.mayReturn(ret, callee, depth) {
			continue
		}
		v := s.Eval(ret, callee, depth+1)
		if !v.OK || (n > 0 && v.S != out.S) {
			return PathVal{}, false
		}
		out = v
		n++
	}
	return out, n > 0
}

// mayReturn reports whether a return can run under a binding: false when
// it sits in a case of a switch whose tag and case values are known and
// differ (switch kind { case A: return ...; default: return "" }).
func (s *RouterScan) mayReturn(ret ExprRef, env Binding, depth int) bool {
	path, _ := astutil.PathEnclosingInterval(ret.File, ret.Expr.Pos(), ret.Expr.End())
	for i, n := range path {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return true
		}
		if block, ok := n.(*ast.BlockStmt); ok && i > 0 {
			// After a switch whose matching case returns.
			for _, st := range block.List {
				if st == path[i-1] {
					break
				}
				if sw, ok := st.(*ast.SwitchStmt); ok && s.switchReturns(ret, sw, env, depth) {
					return false
				}
			}
		}
		clause, ok := n.(*ast.CaseClause)
		if !ok || i+2 >= len(path) {
			continue
		}
		sw, ok := path[i+2].(*ast.SwitchStmt) // clause, body, switch
		if !ok {
			continue
		}
		taken, known := s.caseTaken(ret, sw, env, depth)
		if known && taken != clause {
			return false
		}
	}
	return true
}

// switchReturns reports whether the case a switch takes under a binding
// ends in a return.
func (s *RouterScan) switchReturns(ret ExprRef, sw *ast.SwitchStmt, env Binding, depth int) bool {
	c, known := s.caseTaken(ret, sw, env, depth)
	if !known || c == nil || len(c.Body) == 0 {
		return false
	}
	_, isReturn := c.Body[len(c.Body)-1].(*ast.ReturnStmt)
	for _, st := range c.Body {
		ast.Inspect(st, func(n ast.Node) bool {
			if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.BREAK {
				isReturn = false // a break may leave the switch before the return
			}
			return isReturn
		})
	}
	return isReturn
}

// caseTaken is the clause a switch on a known value takes (nil for none),
// and whether that is known.
func (s *RouterScan) caseTaken(ret ExprRef, sw *ast.SwitchStmt, env Binding, depth int) (*ast.CaseClause, bool) {
	if sw.Tag == nil || sw.Init != nil {
		return nil, false
	}
	// The tag and the cases as constants, or as strings.
	sub := func(e ast.Expr) (constant.Value, bool) {
		ref := ExprRef{Pkg: ret.Pkg, File: ret.File, Expr: e}
		if c := s.constVal(ref, env, depth+1); c != nil {
			return c, true
		}
		str, ok := s.Str(ref, env, depth+1)
		return constant.MakeString(str), ok
	}
	tag, ok := sub(sw.Tag)
	if !ok {
		return nil, false
	}
	matches := func(c *ast.CaseClause) (bool, bool) {
		for _, e := range c.List {
			v, ok := sub(e)
			if !ok || v.Kind() != tag.Kind() {
				return false, false
			}
			if constant.Compare(v, token.EQL, tag) {
				return true, true
			}
		}
		return false, true
	}
	var def *ast.CaseClause
	for _, st := range sw.Body.List {
		c, ok := st.(*ast.CaseClause)
		if !ok {
			return nil, false
		}
		if n := len(c.Body); n > 0 {
			if b, ok := c.Body[n-1].(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
				return nil, false // more than one case runs
			}
		}
		if c.List == nil {
			def = c
			continue
		}
		m, known := matches(c)
		if !known {
			return nil, false
		}
		if m {
			return c, true
		}
	}
	return def, true
}

// SplitOrigin splits a URL's scheme and host (or a test server's URL,
// analyzer/evidence_requests.go) from its path.
func SplitOrigin(u string) (origin, rest string) {
	if strings.HasPrefix(u, ServerMarkOpen) {
		if i := strings.IndexByte(u[len(ServerMarkOpen):], ServerMarkClose); i >= 0 {
			n := len(ServerMarkOpen) + i + 1
			return u[:n], u[n:]
		}
	}
	if i := strings.Index(u, "://"); i > 0 && !strings.ContainsAny(u[:i], "/<") {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[:i+3+j], u[i+3+j:]
		}
		return u, ""
	}
	return "", u
}

// BindCall binds the parameters of fn to the arguments of a call of it.
func (s *RouterScan) BindCall(r ExprRef, call *ast.CallExpr, fn *types.Func, env Binding) Binding {
	out := Binding{}
	params := fn.Origin().Signature().Params()
	for i := 0; i < params.Len() && i < len(call.Args); i++ {
		if fn.Signature().Variadic() && i == params.Len()-1 && !call.Ellipsis.IsValid() {
			out[params.At(i)] = BoundArg{ExprRef: ExprRef{Pkg: r.Pkg, File: r.File, Expr: &ast.CompositeLit{Elts: call.Args[i:]}}, Env: env}
			break
		}
		out[params.At(i)] = BoundArg{ExprRef: ExprRef{Pkg: r.Pkg, File: r.File, Expr: call.Args[i]}, Env: env}
	}
	return out
}

// Sprintf formats %s, %v and %d with evaluated arguments.
func Sprintf(format string, args []PathVal) (string, bool) {
	var b strings.Builder
	n := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(format) {
			return "", false
		}
		switch format[i] {
		case '%':
			b.WriteByte('%')
		case 's', 'v', 'd':
			if n >= len(args) || !args[n].OK {
				return "", false
			}
			b.WriteString(args[n].S)
			n++
		default:
			return "", false
		}
	}
	return b.String(), n == len(args)
}

// Bind follows an expression to the value it denotes under a binding: a
// bound parameter or range variable to its argument or element, a field
// of a bound struct literal to the field's value.
func (s *RouterScan) Bind(r ExprRef, env Binding) BoundArg {
	b := BoundArg{ExprRef: r, Env: env}
	for i := 0; i < MaxFlowDepth; i++ {
		switch x := ast.Unparen(b.Expr).(type) {
		case *ast.Ident:
			arg, ok := b.Env[s.ParamOf(b.Pkg.TypesInfo, x)]
			if !ok {
				return b
			}
			b = arg
		case *ast.SelectorExpr:
			base := s.Bind(ExprRef{Pkg: b.Pkg, File: b.File, Expr: x.X}, b.Env)
			if base.Expr == x.X && base.Env == nil {
				return b
			}
			f, _, ok := s.FieldOf(base, x.Sel.Name)
			if !ok {
				return b
			}
			b = f
		default:
			return b
		}
	}
	return b
}

// FieldOf is the value a struct literal (or a module function returning
// one, its parameters bound) gives a field; lit reports a literal that
// leaves the field out.
func (s *RouterScan) FieldOf(b BoundArg, name string) (f BoundArg, lit, ok bool) {
	e := ast.Unparen(b.Expr)
	if u, isAddr := e.(*ast.UnaryExpr); isAddr && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	switch x := e.(type) {
	case *ast.CompositeLit:
		var st *types.Struct
		if t := b.Pkg.TypesInfo.TypeOf(x); t != nil {
			st, _ = astq.Deref(t).Underlying().(*types.Struct)
		}
		for i, el := range x.Elts {
			if kv, isKV := el.(*ast.KeyValueExpr); isKV {
				if id, isID := kv.Key.(*ast.Ident); isID && id.Name == name {
					return BoundArg{ExprRef: ExprRef{Pkg: b.Pkg, File: b.File, Expr: kv.Value}, Env: b.Env}, true, true
				}
			} else if st != nil && i < st.NumFields() && st.Field(i).Name() == name {
				return BoundArg{ExprRef: ExprRef{Pkg: b.Pkg, File: b.File, Expr: el}, Env: b.Env}, true, true
			}
		}
		return BoundArg{}, st != nil, false
	case *ast.CallExpr:
		fn, isFn := typeutil.Callee(b.Pkg.TypesInfo, x).(*types.Func)
		if !isFn || astq.IsAbstract(fn) {
			return BoundArg{}, false, false
		}
		rets := s.Returns(fn.Origin())
		if len(rets) != 1 {
			return BoundArg{}, false, false
		}
		return s.FieldOf(BoundArg{ExprRef: rets[0], Env: s.BindCall(b.ExprRef, x, fn, b.Env)}, name)
	}
	return BoundArg{}, false, false
}

// rangeVar is a variable a range statement defines.
type rangeVar struct {
	stmt *ast.RangeStmt
	key  bool
}

// tableElem is one element of a table: its key (maps) and value.
type tableElem struct {
	Key, Val BoundArg
}

// TableElems lists the elements of the table an expression denotes: a
// literal, a variable or field written with literals (and appended to),
// a bound variadic parameter, a function or method returning a table.
func (s *RouterScan) TableElems(r ExprRef, env Binding, seen map[any]bool) []tableElem {
	b := s.Bind(r, env)
	e := ast.Unparen(b.Expr)
	if seen[e] || len(seen) > MaxFlowDepth {
		return nil
	}
	seen[e] = true
	defer delete(seen, e)
	info := b.Pkg.TypesInfo
	sub := func(x ast.Expr) []tableElem {
		return s.TableElems(ExprRef{Pkg: b.Pkg, File: b.File, Expr: x}, b.Env, seen)
	}
	switch x := e.(type) {
	case *ast.CompositeLit:
		var out []tableElem
		for _, el := range x.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				out = append(out, tableElem{Key: BoundArg{ExprRef: ExprRef{Pkg: b.Pkg, File: b.File, Expr: kv.Key}, Env: b.Env}, Val: BoundArg{ExprRef: ExprRef{Pkg: b.Pkg, File: b.File, Expr: kv.Value}, Env: b.Env}})
			} else {
				out = append(out, tableElem{Val: BoundArg{ExprRef: ExprRef{Pkg: b.Pkg, File: b.File, Expr: el}, Env: b.Env}})
			}
		}
		return out
	case *ast.Ident, *ast.SelectorExpr:
		v, ok := astq.Assignee(info, x).(*types.Var)
		if !ok {
			return nil
		}
		if _, isParam := s.Params[v]; isParam {
			return nil
		}
		// Each variable is expanded once on the way down: what
		// x = append(x, a) adds is a; x's other definitions are already
		// being listed (without this, k appends cost k^depth).
		if seen[v] {
			return nil
		}
		seen[v] = true
		defer delete(seen, v)
		var out []tableElem
		for _, d := range s.Defs[v] {
			out = append(out, s.TableElems(d, nil, seen)...)
		}
		return out
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
			if _, builtin := info.Uses[id].(*types.Builtin); builtin && id.Name == "append" && len(x.Args) > 0 {
				out := sub(x.Args[0])
				if x.Ellipsis.IsValid() && len(x.Args) == 2 {
					return append(out, sub(x.Args[1])...)
				}
				for _, a := range x.Args[1:] {
					out = append(out, tableElem{Val: BoundArg{ExprRef: ExprRef{Pkg: b.Pkg, File: b.File, Expr: a}, Env: b.Env}})
				}
				return out
			}
		}
		fn, ok := typeutil.Callee(info, x).(*types.Func)
		if !ok {
			return nil
		}
		impls := s.implementations(fn)
		if sel, isSel := ast.Unparen(x.Fun).(*ast.SelectorExpr); isSel && astq.IsAbstract(fn) {
			// m.Routes() with m bound to a value of a concrete type.
			if recv := s.Bind(ExprRef{Pkg: b.Pkg, File: b.File, Expr: sel.X}, b.Env); recv.Expr != sel.X {
				if t := recv.Pkg.TypesInfo.TypeOf(recv.Expr); t != nil && !types.IsInterface(t) {
					if m, _, _ := types.LookupFieldOrMethod(t, true, fn.Pkg(), fn.Name()); m != nil {
						if mf, ok := m.(*types.Func); ok {
							impls = []*types.Func{mf.Origin()}
						}
					}
				}
			}
		}
		var out []tableElem
		for _, impl := range impls {
			callee := Binding{}
			if !astq.IsAbstract(fn) {
				callee = s.BindCall(b.ExprRef, x, impl, b.Env)
			}
			for _, ret := range s.Returns(impl) {
				out = append(out, s.TableElems(ret, callee, seen)...)
			}
		}
		return out
	}
	return nil
}

// implementations are the module functions a call of fn may run: fn, or
// for an interface method the methods of the module's types that
// implement the interface.
func (s *RouterScan) implementations(fn *types.Func) []*types.Func {
	if !astq.IsAbstract(fn) {
		return []*types.Func{fn.Origin()}
	}
	if impls, ok := s.impls[fn]; ok {
		return impls
	}
	iface, _ := fn.Signature().Recv().Type().Underlying().(*types.Interface)
	var out []*types.Func
	for m := range s.Decls {
		recv := m.Signature().Recv()
		if m.Name() != fn.Name() || recv == nil || iface == nil {
			continue
		}
		t := recv.Type()
		if types.Implements(t, iface) || types.Implements(types.NewPointer(astq.Deref(t)), iface) {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos() < out[j].Pos() })
	s.impls[fn] = out
	return out
}

// rangesOf returns the range statements whose variables the expressions
// use (outermost first), and the expressions with the ranged tables
// added.
func (s *RouterScan) rangesOf(info *types.Info, exprs []ast.Expr) ([]*ast.RangeStmt, []ast.Expr) {
	var stmts []*ast.RangeStmt
	all := append([]ast.Expr(nil), exprs...)
	seen := map[*ast.RangeStmt]bool{}
	for i := 0; i < len(all); i++ {
		ast.Inspect(all[i], func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			v, ok := info.Uses[id].(*types.Var)
			if !ok || declaredIn(v, all[i]) {
				return true
			}
			if rv, ok := s.ranges[v]; ok && !seen[rv.stmt] {
				seen[rv.stmt] = true
				stmts = append(stmts, rv.stmt)
				all = append(all, rv.stmt.X)
			}
			return true
		})
	}
	sort.Slice(stmts, func(i, j int) bool { return stmts[i].Pos() < stmts[j].Pos() })
	return stmts, all
}

// expandAt returns the instances of a call whose expressions come from
// the parameters of the functions around it and from range loops: one
// per call of the wrappers and per element of the tables.
func (s *RouterScan) expandAt(cs CallSite, exprs []ast.Expr) []RegInstance {
	info := cs.Pkg.TypesInfo
	stmts, all := s.rangesOf(info, exprs)
	out := s.wrapperInstances(cs, all, map[any]bool{})
	if len(out) == 0 {
		out = []RegInstance{{Site: cs}}
	}
	if len(stmts) == 0 {
		return out
	}
	var res []RegInstance
	for _, inst := range out {
		res = s.rangeInstances(cs, stmts, inst, res)
	}
	return res
}

// rangeInstances binds the variables of each range statement to the
// elements of its table, in turn.
func (s *RouterScan) rangeInstances(cs CallSite, stmts []*ast.RangeStmt, inst RegInstance, out []RegInstance) []RegInstance {
	if len(stmts) == 0 || len(out) >= maxInstances {
		return append(out, inst)
	}
	st := stmts[0]
	info := cs.Pkg.TypesInfo
	elems := s.TableElems(s.ref(cs, st.X), inst.Env, map[any]bool{})
	if len(elems) == 0 {
		return s.rangeInstances(cs, stmts[1:], inst, out)
	}
	keyVar, _ := RangeDef(info, st.Key)
	valVar, _ := RangeDef(info, st.Value)
	for _, el := range elems {
		env := Binding{}
		for k, v := range inst.Env {
			env[k] = v
		}
		if keyVar != nil && el.Key.Expr != nil {
			env[keyVar] = el.Key
		}
		if valVar != nil {
			env[valVar] = el.Val
		}
		out = s.rangeInstances(cs, stmts[1:], RegInstance{Site: inst.Site, Env: env}, out)
	}
	return out
}

// RangeDef is the variable a range statement's key or value defines.
func RangeDef(info *types.Info, e ast.Expr) (*types.Var, bool) {
	id, ok := e.(*ast.Ident)
	if !ok {
		return nil, false
	}
	v, ok := info.Defs[id].(*types.Var)
	return v, ok
}

// UsesFlow reports whether an expression names a parameter or a range
// variable (its value then comes from elsewhere).
func (s *RouterScan) UsesFlow(info *types.Info, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && !declaredIn(v, e) {
				_, p := s.Params[v]
				_, r := s.ranges[v]
				found = found || p || r
			}
		}
		return !found
	})
	return found
}

// ifaceOp classifies a call of a method of the module's own interface
// (type Router interface{ MethodFunc(...) }) as the call of the router
// type that implements it.
func (s *RouterScan) ifaceOp(info *types.Info, call *ast.CallExpr, fn *types.Func) *routerOpAt {
	for _, rt := range s.implementers(fn) {
		obj, _, _ := types.LookupFieldOrMethod(rt.t, true, fn.Pkg(), fn.Name())
		m, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		c := RouterCall{fn: m, Name: m.FullName(), Call: call, Info: info, scan: s}
		if op, ok := callOp(rt.det, c); ok && op.Kind != opNone {
			op.iface = true
			return &routerOpAt{RouterOp: op, Det: rt.det}
		}
	}
	return nil
}

// implementers are the router types implementing the module's
// interface that declares fn.
func (s *RouterScan) implementers(fn *types.Func) []routerType {
	if out, ok := s.ifaceTypes[fn]; ok {
		return out
	}
	var out []routerType
	iface, ok := fn.Signature().Recv().Type().Underlying().(*types.Interface)
	if ok && fn.Pkg() != nil && s.ModulePkgs()[fn.Pkg().Path()] {
		for _, rt := range s.routerTypes() {
			if obj, _, _ := types.LookupFieldOrMethod(rt.t, true, fn.Pkg(), fn.Name()); obj != nil && types.Implements(rt.t, iface) {
				out = append(out, rt)
			}
		}
	}
	s.ifaceTypes[fn] = out
	return out
}

// ModulePkgs are the import paths of the module's packages.
func (s *RouterScan) ModulePkgs() map[string]bool {
	if s.mine == nil {
		s.mine = map[string]bool{}
		for _, pkg := range s.g.Packages() {
			s.mine[pkg.PkgPath] = true
		}
	}
	return s.mine
}

type routerType struct {
	t   types.Type
	det RouterDetector
}

// routerTypes are the concrete types of the router libraries the module
// imports (and pointers to them).
func (s *RouterScan) routerTypes() []routerType {
	if s.rtypes != nil {
		return s.rtypes
	}
	s.rtypes = []routerType{}
	done := map[string]bool{}
	for _, pkg := range s.g.Packages() {
		for path, imp := range pkg.Imports {
			dets := s.ByPkg[path]
			if len(dets) == 0 || done[path] || imp.Types == nil {
				continue
			}
			done[path] = true
			scope := imp.Types.Scope()
			for _, name := range scope.Names() {
				tn, ok := scope.Lookup(name).(*types.TypeName)
				if !ok || !tn.Exported() || types.IsInterface(tn.Type()) {
					continue
				}
				for _, d := range dets {
					s.rtypes = append(s.rtypes, routerType{t: types.NewPointer(tn.Type()), det: d}, routerType{t: tn.Type(), det: d})
				}
			}
		}
	}
	return s.rtypes
}

// embedded is the embedded field a promoted method call goes through
// (s.Get on a struct embedding chi.Router), or nil.
func embedded(info *types.Info, call *ast.CallExpr) *types.Var {
	fields, complete := embeddedFields(info, call)
	if !complete || len(fields) == 0 {
		return nil
	}
	return fields[len(fields)-1].Origin()
}

// embeddedFields are the embedded fields a promoted method call goes
// through, outermost first (nil for a method of the receiver's own
// type); complete is false when the path leaves structs before the
// method (a method promoted through an embedded interface's type).
func embeddedFields(info *types.Info, call *ast.CallExpr) (fields []*types.Var, complete bool) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, true
	}
	selection := info.Selections[sel]
	if selection == nil || len(selection.Index()) < 2 {
		return nil, true
	}
	t := selection.Recv()
	for _, i := range selection.Index()[:len(selection.Index())-1] {
		st, ok := astq.Deref(t).Underlying().(*types.Struct)
		if !ok {
			return fields, false
		}
		f := st.Field(i)
		fields = append(fields, f)
		t = f.Type()
	}
	return fields, true
}

// fieldChains are where the router a field holds comes from: what is
// written to it.
func (s *RouterScan) fieldChains(v *types.Var, depth int) []RouterChain {
	var out []RouterChain
	for _, d := range s.Defs[v] {
		out = append(out, s.Chains(d, depth+1)...)
	}
	if len(out) == 0 {
		return s.root(v, depth)
	}
	return out
}

// recvChains are the chains of the router a call acts on.
func (s *RouterScan) recvChains(r ExprRef, op *routerOpAt, env Binding, depth int) []RouterChain {
	if op.embed != nil {
		return s.fieldChains(op.embed, depth)
	}
	if env != nil {
		if b := s.Bind(r, env); b.Expr != r.Expr {
			if cs := s.Chains(b.ExprRef, depth); len(cs) > 0 {
				return cs
			}
		}
	}
	return s.Chains(r, depth)
}

// embeddedRouters are the fields of the library's router types that a
// mounted struct embeds (a handler serving through its embedded router).
func embeddedRouters(t types.Type, det RouterDetector) []*types.Var {
	if t == nil {
		return nil
	}
	st, ok := astq.Deref(t).Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	var out []*types.Var
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if !f.Embedded() {
			continue
		}
		if n, ok := types.Unalias(astq.Deref(f.Type())).(*types.Named); ok && n.Obj().Pkg() != nil {
			for _, p := range det.Pkgs() {
				if n.Obj().Pkg().Path() == p {
					out = append(out, f.Origin())
				}
			}
		}
	}
	return out
}

// isJoinPath reports whether e calls url.JoinPath.
func isJoinPath(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && fn.FullName() == "net/url.JoinPath"
}

// libraryChains drops the chains whose root is a value of a concrete
// type of the module (a wrapper implementing the module's interface: its
// own methods register, and are followed as wrappers).
func (s *RouterScan) libraryChains(det RouterDetector, chains []RouterChain) []RouterChain {
	var out []RouterChain
	for _, c := range chains {
		var t types.Type
		switch x := c[0].ID.(type) {
		case ast.Expr:
			for _, pkg := range s.g.Packages() {
				if pkg.TypesInfo != nil {
					if tv, ok := pkg.TypesInfo.Types[x]; ok {
						t = tv.Type
						break
					}
				}
			}
		case types.Object:
			t = x.Type()
		}
		if t != nil && !types.IsInterface(t) && !ownType(t, det) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// ownType reports whether t is (a pointer to) a type of the library.
func ownType(t types.Type, det RouterDetector) bool {
	n, ok := types.Unalias(astq.Deref(t)).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	for _, p := range det.Pkgs() {
		if n.Obj().Pkg().Path() == p {
			return true
		}
	}
	return false
}

// pathsFlow reports whether an operation's paths come from parameters or
// range variables.
func (s *RouterScan) pathsFlow(info *types.Info, op *routerOpAt) bool {
	for _, p := range op.Paths {
		if s.UsesFlow(info, p) {
			return true
		}
	}
	return false
}

// indexed is the element a constant index selects in a table.
func (s *RouterScan) indexed(r ExprRef, x *ast.IndexExpr, env Binding) (BoundArg, bool) {
	tv, ok := r.Pkg.TypesInfo.Types[x.Index]
	if !ok || tv.Value == nil {
		return BoundArg{}, false
	}
	elems := s.TableElems(ExprRef{Pkg: r.Pkg, File: r.File, Expr: x.X}, env, map[any]bool{})
	if tv.Value.Kind() == constant.String {
		for _, el := range elems {
			if el.Key.Expr != nil {
				if k, ok := s.Str(el.Key.ExprRef, el.Key.Env, 0); ok && k == constant.StringVal(tv.Value) {
					return el.Val, true
				}
			}
		}
		return BoundArg{}, false
	}
	i, ok := constant.Int64Val(constant.ToInt(tv.Value))
	if !ok || i < 0 || int(i) >= len(elems) {
		return BoundArg{}, false
	}
	for _, el := range elems {
		if el.Key.Expr != nil {
			return BoundArg{}, false // indexed literals: not followed
		}
	}
	return elems[i].Val, true
}

// handlerParamIn is the first handler-typed parameter an expression
// names, or nil.
func (s *RouterScan) handlerParamIn(info *types.Info, e ast.Expr) *types.Var {
	var out *types.Var
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && out == nil {
			if v, ok := info.Uses[id].(*types.Var); ok && !declaredIn(v, e) {
				if _, isParam := s.Params[v]; isParam && IsHandlerType(v.Type(), s.g.AllDialects()) {
					out = v
				}
			}
		}
		return out == nil
	})
	return out
}

// consistent reports whether a chain's routers derived per call (a
// Route or Group given its prefix by the callers of the function around
// it) have the prefix that the instance's own binding gives: a function
// given both a prefix and a handler registers each handler under its own
// prefix only.
func (s *RouterScan) consistent(chain RouterChain, env Binding) bool {
	if env == nil {
		return true
	}
	for _, st := range chain {
		k, ok := st.ID.(stepKey)
		if !ok {
			continue
		}
		i, ok := s.site[k.call]
		if !ok {
			continue
		}
		cs, op := s.calls[i], s.opOf(i)
		if op == nil || !s.binds(cs.Pkg.TypesInfo, env, op.Paths) {
			continue
		}
		exact := true
		for _, p := range op.Paths {
			exact = exact && s.Eval(s.ref(cs, p), env, 0).Exact
		}
		if p, dyn, _ := s.constPath(cs, op.Paths, op.Det, env); exact && !dyn && p != k.prefix {
			return false
		}
	}
	return true
}

// binds reports whether a binding gives a parameter the expressions use.
func (s *RouterScan) binds(info *types.Info, env Binding, exprs []ast.Expr) bool {
	found := false
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok {
					_, bound := env[v]
					found = found || bound
				}
			}
			return !found
		})
	}
	return found
}

// sameDefs evaluates a variable from its definitions: all of them the
// same exact string, or its one definition (run-time parts kept).
func (s *RouterScan) sameDefs(defs []ExprRef, env Binding, depth int) (PathVal, bool) {
	if len(defs) == 1 {
		// Its one definition, when that says more than <name> would.
		v := s.Eval(defs[0], env, depth+1)
		return v, v.OK && (v.Exact || v.text)
	}
	out := ""
	for i, d := range defs {
		c, ok := s.Str(d, nil, depth+1)
		if !ok || (i > 0 && c != out) {
			return PathVal{}, false
		}
		out = c
	}
	return PathVal{S: out, Exact: true, OK: true, text: out != ""}, len(defs) > 0
}

// declaredIn reports whether a variable is declared inside an expression
// (a closure's own parameter): its value does not come from outside.
func declaredIn(v *types.Var, e ast.Expr) bool {
	return e.Pos() <= v.Pos() && v.Pos() < e.End()
}

// usesRange reports whether an expression names a range variable.
func (s *RouterScan) usesRange(info *types.Info, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && !declaredIn(v, e) {
				_, found = s.ranges[v]
			}
		}
		return !found
	})
	return found
}

// wrapsParam is the handler parameter a wrapper's own handler (a closure
// or a call around it) wraps, or nil.
func (s *RouterScan) wrapsParam(info *types.Info, e ast.Expr) *types.Var {
	switch ast.Unparen(e).(type) {
	case *ast.FuncLit, *ast.CallExpr:
		return s.handlerParamIn(info, e)
	}
	return nil
}

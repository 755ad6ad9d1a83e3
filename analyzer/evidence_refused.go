package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/blastgate/blastgate/analyzer/astq"
	"github.com/blastgate/blastgate/analyzer/detect"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Refused requests. A request whose response the test asserts to be
// refused (401 Unauthorized or 403 Forbidden) credits nothing: the
// route's guard (an auth middleware, a CORS origin check) answered it, and
// the handler, the feature, may never have run. Removing credit is always
// safe, so where the analysis is unsure which request an assertion
// belongs to, or what status it expects, the request is taken as refused.
//
// An assertion on a response's status is:
//
//   - a comparison with == or != (in an if, in assert.True, anywhere);
//   - testify's Equal, EqualValues, Exactly, NotEqual (and their ...f
//     forms), as functions of assert and require or as methods (a suite's
//     s.Equal, s.Require().Equal, assert.New(t).Equal): the two compared
//     values;
//   - any other call (is.Equal, qt.Assert, a helper of another module)
//     given both the status and the constant 401 or 403;
//   - apitest's and httpexpect's .Status(code) on the chain of a request.
//
// The status is resp.StatusCode, or rec.Code of an
// *httptest.ResponseRecorder, or a variable written with one of them or
// with the result of a test helper that sent requests (_, code =
// get(t, url)). The expected value is a constant (http.StatusUnauthorized,
// 401), a table row's field (tc.want, the row bound as the walk binds
// it; a field the row leaves out is zero), a helper's parameter bound to
// one, or a variable written once with one; a value not known statically
// counts as refused.
//
// The response belongs to the request it was made from: resp of
// client.Do(req) (req's requests), of http.Get(url) and its kin, of a
// dialect's request sender (fiber's app.Test(req)), of rec.Result(); rec
// to the request last handed to ServeHTTP(rec, req) before the
// assertion; a helper's result to every request that helper call built. A local variable written several times
// is the value of its last write before the assertion, in the order the
// test runs its statements and helper calls (a loop's later write is not
// seen); a field (a suite's recorder) is every value written to it.

// refusedCodes are the statuses that say the route's guard refused the
// request.
var refusedCodes = map[int64]bool{401: true, 403: true}

// walkPath orders the facts of one test's walk: the positions of the
// helper calls the walk is in, outermost first, then the fact's own.
type walkPath []token.Pos

func (a walkPath) before(b walkPath) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// respAssign is a write of a variable or field the walk saw.
type respAssign struct {
	rhs  detect.BoundArg
	path walkPath
}

// respServe is ServeHTTP(writer, req).
type respServe struct {
	writer, req detect.BoundArg
	path        walkPath
	env         uintptr // the walk's binding at the call
}

// statusCheck is a comparison or an assertion call: pairs compares its
// two values; any holds a call's arguments, one of which may be the
// status and another the constant refusal.
type statusCheck struct {
	pair []detect.BoundArg // the two compared values (==, !=, Equal)
	any  []detect.BoundArg // a call's arguments
	path walkPath
}

// libStatus is a test library's .Status(code) on a request chain.
type libStatus struct {
	recv, value detect.BoundArg
}

// sendKey names one sending of requests: a Do or fiber Test call under
// a binding (libKey), or a ServeHTTP (serveKey, its index in serveW).
type serveKey int

// sent is what a status expression reads: the requests it answers, and
// the sending it answers them from; whole is set when the sending is not
// told apart (a request call that sends itself, a helper, a test
// library's chain): the requests themselves are refused.
type sentReqs struct {
	key   any
	reqs  []int
	whole bool
}

// sendCall is client.Do(req) or fiber's app.Test(req).
type sendCall struct {
	key libKey
	req detect.BoundArg
}

// refusals collects, during one test's walk, what decides which of its
// requests were refused.
type refusals struct {
	at       []token.Pos // helper calls the walk is in
	assigns  map[types.Object][]respAssign
	serveW   []respServe
	helpers  map[libKey][2]int // requests a helper call built: [from, to)
	byCall   map[*ast.CallExpr][][2]int
	libReqs  map[libKey][]int // requests a test library's chain call read
	checks   []statusCheck
	statuses []libStatus
	sends    []sendCall
}

func (w *testWalk) ref() *refusals {
	if w.refused == nil {
		w.refused = &refusals{assigns: map[types.Object][]respAssign{}, helpers: map[libKey][2]int{}, byCall: map[*ast.CallExpr][][2]int{}, libReqs: map[libKey][]int{}}
	}
	return w.refused
}

func (w *testWalk) pathAt(pos token.Pos) walkPath {
	r := w.ref()
	p := make(walkPath, 0, len(r.at)+1)
	p = append(p, r.at...)
	return append(p, pos)
}

// noteAssign records the variables and fields an assignment writes.
func (w *testWalk) noteAssign(pkg *packages.Package, file *ast.File, lhs, rhs []ast.Expr, pos token.Pos, env detect.Binding) {
	r := w.ref()
	for i, l := range lhs {
		obj := astq.Assignee(pkg.TypesInfo, l)
		if obj == nil {
			continue
		}
		var e ast.Expr
		switch {
		case len(rhs) == len(lhs):
			e = rhs[i]
		case len(rhs) == 1:
			e = rhs[0] // resp, err := client.Do(req); _, code = get(t, u)
		default:
			continue
		}
		r.assigns[obj] = append(r.assigns[obj], respAssign{rhs: detect.BoundArg{ExprRef: detect.ExprRef{Pkg: pkg, File: file, Expr: e}, Env: env}, path: w.pathAt(pos)})
	}
}

// noteCompare records a == or != comparison.
func (w *testWalk) noteCompare(pkg *packages.Package, file *ast.File, x *ast.BinaryExpr, env detect.Binding) {
	if x.Op != token.EQL && x.Op != token.NEQ {
		return
	}
	if !maybeStatus(pkg.TypesInfo, x.X) && !maybeStatus(pkg.TypesInfo, x.Y) {
		return
	}
	ref := func(e ast.Expr) detect.BoundArg {
		return detect.BoundArg{ExprRef: detect.ExprRef{Pkg: pkg, File: file, Expr: e}, Env: env}
	}
	r := w.ref()
	r.checks = append(r.checks, statusCheck{pair: []detect.BoundArg{ref(x.X), ref(x.Y)}, path: w.pathAt(x.Pos())})
}

// testifyEquals are testify's assertions comparing two values.
var testifyEquals = map[string]bool{
	"Equal": true, "Equalf": true, "EqualValues": true, "EqualValuesf": true,
	"Exactly": true, "Exactlyf": true, "NotEqual": true, "NotEqualf": true,
	"NotEqualValues": true, "NotEqualValuesf": true,
}

// noteCall records an assertion call, and a test library's Status.
func (w *testWalk) noteCall(pkg *packages.Package, file *ast.File, call *ast.CallExpr, fn *types.Func, env detect.Binding) {
	ref := func(e ast.Expr) detect.BoundArg {
		return detect.BoundArg{ExprRef: detect.ExprRef{Pkg: pkg, File: file, Expr: e}, Env: env}
	}
	r := w.ref()
	if fn != nil && fn.Name() == "Status" && len(call.Args) == 1 && recvType(fn) == "Response" && (detect.LibPkg(fn, apitestPkg) || detect.LibPkg(fn, httpexpectPkg)) {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			r.statuses = append(r.statuses, libStatus{recv: ref(sel.X), value: ref(call.Args[0])})
		}
		return
	}
	if fn != nil && w.isSendCall(fn, call) {
		r.sends = append(r.sends, sendCall{key: libKey{call, envID(env)}, req: w.rs.s.Bind(ref(call.Args[0]).ExprRef, env)})
	}
	if len(call.Args) == 0 {
		return
	}
	status := false
	for _, a := range call.Args {
		status = status || maybeStatus(pkg.TypesInfo, a)
	}
	if !status {
		return
	}
	c := statusCheck{path: w.pathAt(call.Pos())}
	if fn != nil && testifyEquals[fn.Name()] && fn.Pkg() != nil && isTestifyPkg(fn.Pkg().Path()) {
		args := call.Args
		if fn.Signature().Recv() == nil && len(args) > 0 {
			args = args[1:] // assert.Equal(t, want, got)
		}
		if len(args) >= 2 {
			c.pair = []detect.BoundArg{ref(args[0]), ref(args[1])}
		}
	}
	for _, a := range call.Args {
		c.any = append(c.any, ref(a))
	}
	r.checks = append(r.checks, c)
}

// isSendCall reports whether a call sends the request it is given (its
// first argument) and returns its response: client.Do(req), or a router
// method a dialect names (requestSender: fiber's app.Test(req)).
func (w *testWalk) isSendCall(fn *types.Func, call *ast.CallExpr) bool {
	if fn.Pkg() == nil || len(call.Args) == 0 {
		return false
	}
	if fn.Name() == "Do" && len(call.Args) == 1 && recvType(fn) == "Client" && fn.Pkg().Path() == "net/http" {
		return true
	}
	req, ok := w.rs.g.sentRequest(fn, call)
	return ok && req == call.Args[0]
}

func isTestifyPkg(p string) bool {
	switch p {
	case "github.com/stretchr/testify/assert", "github.com/stretchr/testify/require", "github.com/stretchr/testify/suite":
		return true
	}
	return false
}

// noteServe records ServeHTTP(w, req): what the writer receives.
func (w *testWalk) noteServe(pkg *packages.Package, file *ast.File, call *ast.CallExpr, env detect.Binding) {
	ref := func(e ast.Expr) detect.BoundArg {
		return detect.BoundArg{ExprRef: detect.ExprRef{Pkg: pkg, File: file, Expr: e}, Env: env}
	}
	r := w.ref()
	r.serveW = append(r.serveW, respServe{writer: w.rs.s.Bind(ref(call.Args[0]).ExprRef, env), req: w.rs.s.Bind(ref(call.Args[1]).ExprRef, env), path: w.pathAt(call.Pos()), env: envID(env)})
}

// noteLib records the requests a test library's chain read at call
// built, for each call of the chain below it.
func (w *testWalk) noteLib(b detect.BoundArg, from, to int) {
	var idx []int
	for i := from; i < to; i++ {
		idx = append(idx, i)
	}
	r := w.ref()
	for i := 0; i < detect.MaxFlowDepth && b.Expr != nil; i++ {
		call, ok := ast.Unparen(b.Expr).(*ast.CallExpr)
		if !ok {
			nb, ok := w.follow(b)
			if !ok {
				return
			}
			b = nb
			continue
		}
		k := libKey{call, envID(b.Env)}
		r.libReqs[k] = append(r.libReqs[k], idx...)
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return
		}
		b = sub(b, sel.X)
	}
}

// markRefused marks the requests of the walk whose response the test
// asserts to be refused: every sending of the request (a request sent
// twice, once accepted and once refused, still credits), or the request
// itself where its sending is not told apart.
func (w *testWalk) markRefused() {
	r := w.refused
	if r == nil {
		return
	}
	refusedKeys := map[any]bool{}
	refusedReqs := map[int]bool{}
	mark := func(ss []sentReqs) {
		for _, sr := range ss {
			if sr.whole || sr.key == nil {
				for _, i := range sr.reqs {
					refusedReqs[i] = true
				}
				continue
			}
			refusedKeys[sr.key] = true
			for _, i := range sr.reqs {
				if !refusedReqs[i] {
					refusedReqs[i] = false // refused if every sending is
				}
			}
		}
	}
	for _, c := range r.checks {
		if len(c.pair) == 2 {
			for k := 0; k < 2; k++ {
				ss := w.statusReqs(c.pair[k], c.path, 0)
				if len(ss) == 0 {
					continue
				}
				if v, ok := w.statusConst(c.pair[1-k], c.path, 0); !ok || refusedCodes[v] {
					mark(ss)
				}
			}
			continue
		}
		// Any other call: the constant refusal among its arguments
		// first (cheap), then the statuses it is given.
		refusing := map[int]bool{}
		for j, o := range c.any {
			if v, ok := w.statusConst(o, c.path, 0); ok && refusedCodes[v] {
				refusing[j] = true
			}
		}
		if len(refusing) == 0 {
			continue
		}
		for k, a := range c.any {
			if refusing[k] && len(refusing) == 1 {
				continue // the refusal itself
			}
			mark(w.statusReqs(a, c.path, 0))
		}
	}
	for _, st := range r.statuses {
		if v, ok := w.statusConst(st.value, nil, 0); ok && !refusedCodes[v] {
			continue
		}
		b := st.recv
		for i := 0; i < detect.MaxFlowDepth && b.Expr != nil; i++ {
			if call, ok := ast.Unparen(b.Expr).(*ast.CallExpr); ok {
				if idx, ok := r.libReqs[libKey{call, envID(b.Env)}]; ok {
					mark([]sentReqs{{reqs: idx, whole: true}})
					break
				}
				if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
					b = sub(b, sel.X)
					continue
				}
				break
			}
			nb, ok := w.follow(b)
			if !ok {
				break
			}
			b = nb
		}
	}
	if len(refusedReqs) == 0 {
		return
	}
	// Every sending of each request.
	sendings := map[int][]any{}
	for _, sc := range r.sends {
		for _, i := range w.requestsOf(sc.req) {
			sendings[i] = append(sendings[i], sc.key)
		}
	}
	for n, sv := range r.serveW {
		for _, i := range w.requestsOf(sv.req) {
			sendings[i] = append(sendings[i], serveKey(n))
		}
	}
	for i, whole := range refusedReqs {
		refused := whole
		if !whole {
			refused = true
			for _, k := range sendings[i] {
				refused = refused && refusedKeys[k]
			}
		}
		if refused && i >= 0 && i < len(w.t.requests) {
			w.t.requests[i].Refused = true
		}
	}
}

// statusConst is the integer an expected status denotes, when known.
func (w *testWalk) statusConst(b detect.BoundArg, p walkPath, depth int) (int64, bool) {
	if depth > detect.MaxFlowDepth || b.Expr == nil {
		return 0, false
	}
	s := w.rs.s
	nb := s.Bind(b.ExprRef, b.Env)
	if tv, ok := nb.Pkg.TypesInfo.Types[nb.Expr]; ok && tv.Value != nil {
		iv := constant.ToInt(tv.Value)
		if iv.Kind() != constant.Int {
			return 0, true // not a status: a string, a float
		}
		v, exact := constant.Int64Val(iv)
		return v, exact
	}
	switch x := ast.Unparen(nb.Expr).(type) {
	case *ast.SelectorExpr:
		// A row's field the literal leaves out: zero.
		base := s.Bind(detect.ExprRef{Pkg: nb.Pkg, File: nb.File, Expr: x.X}, nb.Env)
		if base.Expr != x.X || base.Env != nil {
			if _, lit, ok := s.FieldOf(base, x.Sel.Name); !ok && lit {
				return 0, true
			}
		}
	case *ast.Ident:
		v, ok := nb.Pkg.TypesInfo.Uses[x].(*types.Var)
		if !ok || s.Tainted[v] {
			return 0, false
		}
		if _, isParam := s.Params[v]; isParam {
			return 0, false
		}
		if defs := s.Defs[v]; len(defs) == 1 {
			return w.statusConst(detect.BoundArg{ExprRef: defs[0], Env: nb.Env}, p, depth+1)
		}
		// A local written several times (want := 500; ...; want = 200):
		// its last write before the assertion, when the walk saw it.
		if !v.IsField() && len(p) > 0 {
			if last := w.lastAssigns(v, nb, p); len(last) > 0 {
				var val int64
				for i, a := range last {
					c, ok := w.statusConst(a.rhs, a.path, depth+1)
					if !ok || i > 0 && c != val {
						return 0, false
					}
					val = c
				}
				return val, true
			}
		}
	}
	return 0, false
}

// statusReqs are the sendings whose status an expression reads, as
// seen at path p of the walk.
func (w *testWalk) statusReqs(b detect.BoundArg, p walkPath, depth int) []sentReqs {
	if depth > detect.MaxFlowDepth || b.Expr == nil {
		return nil
	}
	b = w.rs.s.Bind(b.ExprRef, b.Env)
	info := b.Pkg.TypesInfo
	switch x := ast.Unparen(b.Expr).(type) {
	case *ast.SelectorExpr:
		t := info.TypeOf(x.X)
		switch {
		case x.Sel.Name == "StatusCode" && astq.IsNamed(t, "net/http", "Response"):
			return w.respReqs(sub(b, x.X), p, depth+1)
		case x.Sel.Name == "Code" && astq.IsNamed(t, "net/http/httptest", "ResponseRecorder"):
			return w.recorderReqs(sub(b, x.X), p, depth+1)
		}
		if obj := astq.Assignee(info, x); obj != nil && isIntVar(obj) {
			return w.assignedReqs(obj, b, p, depth, w.statusReqs)
		}
	case *ast.Ident:
		if obj := astq.Assignee(info, x); obj != nil && isIntVar(obj) {
			return w.assignedReqs(obj, b, p, depth, w.statusReqs)
		}
	case *ast.CallExpr:
		// A helper's result: every request the helper call built.
		if returnsInt(info.TypeOf(x)) {
			return w.helperReqs(b, x)
		}
	}
	return nil
}

// respReqs are the sendings an *http.Response expression answers.
func (w *testWalk) respReqs(b detect.BoundArg, p walkPath, depth int) []sentReqs {
	if depth > detect.MaxFlowDepth || b.Expr == nil {
		return nil
	}
	b = w.rs.s.Bind(b.ExprRef, b.Env)
	info := b.Pkg.TypesInfo
	switch x := ast.Unparen(b.Expr).(type) {
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(info, x).(*types.Func)
		if fn == nil {
			return nil
		}
		sel, _ := ast.Unparen(x.Fun).(*ast.SelectorExpr)
		switch {
		case fn.Name() == "Result" && sel != nil && astq.IsNamed(info.TypeOf(sel.X), "net/http/httptest", "ResponseRecorder"):
			return w.recorderReqs(sub(b, sel.X), p, depth+1)
		case w.isSendCall(fn, x):
			return []sentReqs{{key: libKey{x, envID(b.Env)}, reqs: w.requestsOf(w.rs.s.Bind(sub(b, x.Args[0]).ExprRef, b.Env))}}
		}
		if _, _, _, ok := requestCall(fn, x); ok {
			return []sentReqs{{reqs: w.builtBy(x, b.Env), whole: true}}
		}
		return w.helperReqs(b, x)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return w.respReqs(sub(b, x.X), p, depth+1)
		}
	case *ast.Ident, *ast.SelectorExpr:
		if obj := astq.Assignee(info, x); obj != nil {
			return w.assignedReqs(obj, b, p, depth, w.respReqs)
		}
	}
	return nil
}

// recorderReqs are the sendings served into a recorder: the last
// ServeHTTP(rec, req) before p (every one for a field).
func (w *testWalk) recorderReqs(b detect.BoundArg, p walkPath, depth int) []sentReqs {
	b = w.rs.s.Bind(b.ExprRef, b.Env)
	obj := astq.Assignee(b.Pkg.TypesInfo, ast.Unparen(b.Expr))
	if obj == nil {
		return nil
	}
	field := false
	if v, ok := obj.(*types.Var); ok && v.IsField() {
		field = true
	}
	var last []int
	serves := w.refused.serveW
	for n, sv := range serves {
		if o := astq.Assignee(sv.writer.Pkg.TypesInfo, ast.Unparen(sv.writer.Expr)); o != obj {
			continue
		}
		switch {
		case field:
			last = append(last, n)
		case !sv.path.before(p):
		case len(last) == 0 || serves[last[0]].path.before(sv.path):
			last = []int{n}
		case !sv.path.before(serves[last[0]].path):
			last = append(last, n) // the same call under other bindings
		}
	}
	if !field && len(last) > 1 {
		// One call walked under several bindings: the assertion's own.
		var same []int
		for _, n := range last {
			if serves[n].env == envID(b.Env) {
				same = append(same, n)
			}
		}
		if len(same) > 0 {
			last = same
		}
	}
	var out []sentReqs
	for _, n := range last {
		out = append(out, sentReqs{key: serveKey(n), reqs: w.requestsOf(serves[n].req)})
	}
	if len(out) == 0 && depth <= detect.MaxFlowDepth {
		// A recorder a helper returns (w, err := testRestGet(url)).
		return w.assignedReqs(obj, b, p, depth, w.respReqs)
	}
	return out
}

// assignedReqs follows a variable or field to the values written to it:
// a local's last write before p (under the same binding when there is
// one), every write of a field.
func (w *testWalk) assignedReqs(obj types.Object, b detect.BoundArg, p walkPath, depth int, next func(detect.BoundArg, walkPath, int) []sentReqs) []sentReqs {
	var out []sentReqs
	for _, a := range w.lastAssigns(obj, b, p) {
		out = append(out, next(a.rhs, a.path, depth+1)...)
	}
	return out
}

// lastAssigns are the writes of a variable an expression at p reads: a
// local's last write before p (under the same binding when there is
// one), every write of a field.
func (w *testWalk) lastAssigns(obj types.Object, b detect.BoundArg, p walkPath) []respAssign {
	field := false
	if v, ok := obj.(*types.Var); ok && v.IsField() {
		field = true
	}
	var last []respAssign
	for _, a := range w.refused.assigns[obj] {
		switch {
		case field:
			last = append(last, a)
		case !a.path.before(p):
		case len(last) == 0 || last[0].path.before(a.path):
			last = []respAssign{a}
		case !a.path.before(last[0].path):
			last = append(last, a)
		}
	}
	if !field && len(last) > 1 {
		// One write walked under several bindings: the assertion's own.
		var same []respAssign
		for _, a := range last {
			if envID(a.rhs.Env) == envID(b.Env) {
				same = append(same, a)
			}
		}
		if len(same) > 0 {
			last = same
		}
	}
	return last
}

// builtBy are the requests a request call built under a binding (under
// any, when none is that one).
func (w *testWalk) builtBy(call *ast.CallExpr, env detect.Binding) []int {
	var out, all []int
	for _, br := range w.built[call] {
		all = append(all, br.idx)
		if br.env == envID(env) {
			out = append(out, br.idx)
		}
	}
	if len(out) == 0 {
		return all
	}
	return out
}

// helperReqs are the requests a helper call built (under any binding,
// when not under b's), refused as a whole.
func (w *testWalk) helperReqs(b detect.BoundArg, call *ast.CallExpr) []sentReqs {
	r := w.refused
	var out []int
	if rng, ok := r.helpers[libKey{call, envID(b.Env)}]; ok {
		for i := rng[0]; i < rng[1]; i++ {
			out = append(out, i)
		}
	} else {
		for _, rng := range r.byCall[call] {
			for i := rng[0]; i < rng[1]; i++ {
				out = append(out, i)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return []sentReqs{{reqs: out, whole: true}}
}

// maybeStatus reports whether an expression may read a response's
// status: an integer variable, field or call, a StatusCode or Code.
func maybeStatus(info *types.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if x.Sel.Name == "StatusCode" || x.Sel.Name == "Code" {
			return true
		}
	case *ast.Ident:
	case *ast.CallExpr:
		return returnsInt(info.TypeOf(x))
	default:
		return false
	}
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		return false // a constant
	}
	return returnsInt(info.TypeOf(e))
}

// returnsInt reports whether a call's type is, or its results include,
// an integer.
func returnsInt(t types.Type) bool {
	if tup, ok := t.(*types.Tuple); ok {
		for i := 0; i < tup.Len(); i++ {
			if returnsInt(tup.At(i).Type()) {
				return true
			}
		}
		return false
	}
	b, ok := t.(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// isIntVar reports whether obj is a variable of an integer type.
func isIntVar(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	if !ok {
		return false
	}
	b, ok := v.Type().Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// truthRoute is a route as the router lists it at run time (or as its
// registration literal writes it, for net/http).
type truthRoute struct {
	ID      string
	Handler string // the runtime's function name, or the literal's last name
	Literal bool   // Handler is only the name a registration literal uses
}

// routeScore compares the routes blastgate finds with the truth.
type routeScore struct {
	Truth, Found, RightEntry, Unverifiable, Reported int
	Missing                                          []string
	WrongEntry                                       []string
	// WrongIDs are blastgate's routes whose id names a route the router
	// serves with static parts that differ from the path it serves
	// (wrongID); Unlisted counts those that match no listed route and
	// name none either: routes the lister does not cover.
	WrongIDs []string
	Unlisted int
}

func routeTruth(ctx context.Context, a app, dir, src string, ms *moduleSource) ([]truthRoute, error) {
	if a.Lister == nil {
		return literalRoutes(ms), nil
	}
	return listRoutes(ctx, a, dir, src)
}

const listerPrelude = `
func emitRoute(method, path, handler string) {
	f, err := os.OpenFile(os.Getenv("BLASTGATE_ROUTES"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := json.NewEncoder(f).Encode([3]string{method, path, handler}); err != nil {
		panic(err)
	}
}

func handlerName(h any) string {
	v := reflect.ValueOf(h)
	if v.Kind() == reflect.Func {
		return runtime.FuncForPC(v.Pointer()).Name()
	}
	return reflect.TypeOf(h).String()
}
`

// listRoutes adds a test to the router's package through -overlay (the
// tree is not touched) and runs it: the router lists its own routes.
func listRoutes(ctx context.Context, a app, dir, src string) ([]truthRoute, error) {
	l := a.Lister
	pkgDir := filepath.Join(src, filepath.FromSlash(l.Package))
	name, err := packageName(pkgDir)
	if err != nil {
		return nil, err
	}
	imports := append([]string{"encoding/json", "os", "reflect", "runtime", "testing"}, l.Imports...)
	var b strings.Builder
	writeTestHeader(&b, name, imports)
	fmt.Fprintf(&b, "%s\nfunc TestBlastgateListRoutes(t *testing.T) {\n\t%s\n}\n", listerPrelude, l.Code)
	overlay, err := writeOverlay(dir, "routes", map[string]string{
		filepath.Join(pkgDir, "zz_blastgate_routes_test.go"): b.String(),
	})
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "routes.jsonl")
	os.Remove(out)
	defer git(ctx, src, "clean", "-fdxq") // what the tests wrote
	if _, err := runIn(ctx, src, append([]string{"BLASTGATE_ROUTES=" + out}, a.Env...), "go", "test", "-overlay", overlay,
		"-count=1", "-run", "^TestBlastgateListRoutes$", "./"+filepath.ToSlash(l.Package)); err != nil {
		return nil, err
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, fmt.Errorf("the route lister wrote nothing: %w", err)
	}
	defer f.Close()
	var routes []truthRoute
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r [3]string
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, err
		}
		id := strings.TrimSpace(r[0] + " " + r[1])
		if !seen[id] {
			seen[id] = true
			routes = append(routes, truthRoute{ID: id, Handler: r[2]})
		}
	}
	return routes, sc.Err()
}

// moduleSource is the module's non-test Go files, parsed, and the names
// of its top-level functions.
type moduleSource struct {
	module  string // the module path
	files   []*ast.File
	funcs   map[string]bool // top-level functions
	methods map[string]bool // method names
}

func parseModule(src string) (*moduleSource, error) {
	ms := &moduleSource{funcs: map[string]bool{}, methods: map[string]bool{}}
	gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		return nil, err
	}
	if ms.module = modfile.ModulePath(gomod); ms.module == "" {
		return nil, fmt.Errorf("%s: no module path", filepath.Join(src, "go.mod"))
	}
	fset := token.NewFileSet()
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "vendor" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ms.files = append(ms.files, f)
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fd.Recv == nil {
					ms.funcs[fd.Name.Name] = true
				} else {
					ms.methods[fd.Name.Name] = true
				}
			}
		}
		return nil
	})
	return ms, err
}

// literalRoutes reads net/http registrations with a literal pattern:
// X.HandleFunc("GET /x", h) and X.Handle("GET /x", h).
func literalRoutes(ms *moduleSource) []truthRoute {
	var routes []truthRoute
	seen := map[string]bool{}
	for _, f := range ms.files {
		inScope(f, func(d ast.Node, sc scope) {
			ast.Inspect(d, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 2 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
					return true
				}
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				pattern, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				id := strings.Join(strings.Fields(pattern), " ")
				if !seen[id] {
					seen[id] = true
					routes = append(routes, truthRoute{ID: id, Handler: ms.lastName(sc, call.Args[1]), Literal: true})
				}
				return true
			})
		})
	}
	return routes
}

// scope is what a handler expression's names refer to: the file's
// imports by local name, and the enclosing function's local variables
// assigned exactly once (nil when assigned more than once).
type scope struct {
	imps   map[string]string
	locals map[string]ast.Expr
}

// lastName is the innermost function of the module a handler
// expression names: withAuth(h.token) -> token, http.HandlerFunc(plain)
// -> plain, api.NewHandler(store, pool) -> NewHandler. A function of a
// package the file imports is qualified with its import path, so that it
// is told from a function of the same name elsewhere: apiv1.GetMessage ->
// example.com/m/server/apiv1.GetMessage; one of a dependency
// (http.FileServer) is passed over. A selector on a value names a method
// of the module or nothing (a field: s.fileMux). A local variable
// assigned once names what its value names. What names no function it
// can be checked against is "".
func (ms *moduleSource) lastName(sc scope, e ast.Expr) string {
	return ms.lastNameDepth(sc, e, 0)
}

func (ms *moduleSource) lastNameDepth(sc scope, e ast.Expr, depth int) string {
	if depth > 8 {
		return ""
	}
	switch x := e.(type) {
	case *ast.Ident:
		if v := sc.locals[x.Name]; v != nil {
			return ms.lastNameDepth(sc, v, depth+1)
		}
		if _, local := sc.locals[x.Name]; !local && ms.funcs[x.Name] {
			return x.Name
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && sc.imps[id.Name] != "" {
			if _, shadowed := sc.locals[id.Name]; !shadowed {
				if path := sc.imps[id.Name]; path == ms.module || strings.HasPrefix(path, ms.module+"/") {
					return path + "." + x.Sel.Name
				}
				return ""
			}
		}
		if ms.methods[x.Sel.Name] {
			return x.Sel.Name
		}
	case *ast.CallExpr:
		for i := len(x.Args) - 1; i >= 0; i-- {
			if n := ms.lastNameDepth(sc, x.Args[i], depth+1); n != "" {
				return n
			}
		}
		return ms.lastNameDepth(sc, x.Fun, depth+1)
	case *ast.ParenExpr:
		return ms.lastNameDepth(sc, x.X, depth+1)
	}
	return ""
}

// inScope calls fn with each top-level declaration of f and the scope its
// code sees.
func inScope(f *ast.File, fn func(n ast.Node, sc scope)) {
	imps := fileImports(f)
	for _, d := range f.Decls {
		sc := scope{imps: imps, locals: map[string]ast.Expr{}}
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			assign := func(name *ast.Ident, v ast.Expr) {
				if name.Name == "_" {
					return
				}
				if _, seen := sc.locals[name.Name]; seen {
					v = nil
				}
				sc.locals[name.Name] = v
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.AssignStmt:
					for i, l := range x.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							var v ast.Expr
							if len(x.Rhs) == len(x.Lhs) {
								v = x.Rhs[i]
							}
							assign(id, v)
						}
					}
				case *ast.ValueSpec:
					for i, id := range x.Names {
						var v ast.Expr
						if len(x.Values) == len(x.Names) {
							v = x.Values[i]
						}
						assign(id, v)
					}
				}
				return true
			})
		}
		fn(d, sc)
	}
}

// fileImports maps the local names of a file's imports to their paths.
// An unnamed import is known by its path's last element (before a /vN
// suffix), which is what its package is called by convention.
func fileImports(f *ast.File) map[string]string {
	imps := map[string]string{}
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		name := ""
		if spec.Name != nil {
			name = spec.Name.Name
		} else {
			elems := strings.Split(path, "/")
			name = elems[len(elems)-1]
			if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
				name = elems[len(elems)-2]
			}
		}
		if name != "_" && name != "." {
			imps[name] = path
		}
	}
	return imps
}

func packageName(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.PackageClauseOnly)
			if err == nil {
				return f.Name.Name, nil
			}
		}
	}
	return "", fmt.Errorf("no Go package in %s", dir)
}

// writeOverlay writes the files' contents under dir and the -overlay
// JSON that maps their real paths to them.
func writeOverlay(dir, name string, files map[string]string) (string, error) {
	odir := filepath.Join(dir, "overlay-"+name)
	if err := os.RemoveAll(odir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(odir, 0o755); err != nil {
		return "", err
	}
	replace := map[string]string{}
	i := 0
	for real, content := range files {
		i++
		p := filepath.Join(odir, fmt.Sprintf("%d_%s", i, filepath.Base(real)))
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return "", err
		}
		replace[real] = p
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(odir, "overlay.json")
	return path, os.WriteFile(path, data, 0o644)
}

// foundByID maps a truth route's id to the routes blastgate reports
// under it: blastgate's ids with the application's placeholders given
// the values the lister ran with. Route scoring and edit scoring both
// match truth to blastgate's routes through it.
func foundByID(a app, found []feature) map[string][]feature {
	byID := map[string][]feature{}
	for _, f := range found {
		id := f.ID
		for ph, v := range a.Placeholders {
			id = strings.ReplaceAll(id, ph, v)
		}
		byID[id] = append(byID[id], f)
		// An id without a method serves every method: a router's listing
		// names each (chi.Walk lists a Mount or Handle once per method).
		if strings.HasPrefix(id, "/") {
			for _, m := range anyMethod {
				byID[m+" "+id] = append(byID[m+" "+id], f)
			}
		}
	}
	return byID
}

// anyMethod are the methods a route registered for any method is listed
// with.
var anyMethod = []string{"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}

// scoreRoutes counts the listed routes blastgate finds, and those whose
// entry is the handler the router runs; and blastgate's routes whose id
// is wrong.
func scoreRoutes(a app, truth []truthRoute, found []feature, regs []registration) routeScore {
	byID := foundByID(a, found)
	s := routeScore{Truth: len(truth), Reported: len(found)}
	s.WrongIDs, s.Unlisted = wrongIDs(a, truth, found)
	for _, t := range truth {
		fs := byID[t.ID]
		if len(fs) == 0 {
			s.Missing = append(s.Missing, t.ID)
			continue
		}
		s.Found++
		switch {
		case t.Literal && t.Handler == "":
			s.Unverifiable++ // a local variable: its value is not in the literal
		case entryMatches(t, fs):
			s.RightEntry++
		case strings.Contains(normFunc(t.Handler), "$") || t.Handler == "" || !strings.Contains(t.Handler, "/"):
			// The router holds a closure some middleware made: the
			// handler inside it is not visible at run time; the
			// registration's literal names it. So for a value that is
			// not a function (handlerName gives its type,
			// *http.redirectHandler) or a function of a package without
			// a path (expvar's), which no function of the module
			// names.
			lit := truthRoute{ID: t.ID, Handler: literalHandler(regs, t.ID), Literal: true}
			switch {
			case lit.Handler == "":
				s.Unverifiable++
			case entryMatches(lit, fs):
				s.RightEntry++
			default:
				s.WrongEntry = append(s.WrongEntry, fmt.Sprintf("%s: registers %s, blastgate says %s", t.ID, lit.Handler, fs[0].Entry))
			}
		default:
			s.WrongEntry = append(s.WrongEntry, fmt.Sprintf("%s: runs %s, blastgate says %s", t.ID, t.Handler, fs[0].Entry))
		}
	}
	return s
}

func entryMatches(t truthRoute, fs []feature) bool {
	for _, f := range fs {
		if handles(t, f.Entry) {
			return true
		}
	}
	return false
}

// handles reports whether fn, a function named as blastgate or the
// runtime names it, is the handler t names: the run-time handler itself,
// or for a registration literal the function it names or a closure that
// function returns (a factory). A literal's name qualified with its
// import path must match whole; a bare one (a method value, h.token) is
// the last element of fn.
func handles(t truthRoute, fn string) bool {
	fn = normFunc(fn)
	if !t.Literal {
		return t.Handler != "" && normFunc(t.Handler) == fn
	}
	h := t.Handler
	switch {
	case h == "":
		return false
	case strings.Contains(h, "."):
		return fn == h || strings.HasPrefix(fn, h+"$")
	}
	return strings.HasSuffix(fn, "."+h) || strings.Contains(fn, "."+h+"$")
}

// identify is the handler that tells, on a recorded stack, that a request
// to t was served: the handler the router lists when it is a function of
// the module, or a closure no other listed route holds (an inline
// func literal); the registration literal's function when the router
// holds a closure other routes hold too (middleware made it) or the route
// is a literal. holders counts the listed routes by normalised handler.
// ok is false when no module function identifies the route: a
// dependency's handler (a file server) or a local variable the literal
// does not show; such a route is not checkable.
func identify(t truthRoute, regs []registration, module string, holders map[string]int) (truthRoute, bool) {
	if !t.Literal {
		h := normFunc(t.Handler)
		if h != "" && (!strings.Contains(h, "$") || holders[h] == 1) {
			return t, moduleFunc(h, module)
		}
		t = truthRoute{ID: t.ID, Handler: literalHandler(regs, t.ID), Literal: true}
	}
	if strings.Contains(t.Handler, ".") {
		return t, moduleFunc(t.Handler, module)
	}
	return t, t.Handler != ""
}

// handlerHolders counts the listed routes by normalised handler.
func handlerHolders(truth []truthRoute) map[string]int {
	n := map[string]int{}
	for _, t := range truth {
		if !t.Literal {
			n[normFunc(t.Handler)]++
		}
	}
	return n
}

// moduleFunc reports whether a function belongs to the module itself.
func moduleFunc(fn, module string) bool {
	return strings.HasPrefix(fn, module+"/") || strings.HasPrefix(fn, module+".")
}

// registration is what a router registration chain's literals say:
// r.HandleFunc(config.Webroot+"api/v1/tags", mw(apiv1.GetAllTags)).Methods("GET").
type registration struct {
	suffix  string // the constant end of the path
	methods []string
	handler string // the innermost function named
}

// registrations reads the registration chains of a module's source, to
// name the handler inside a closure that middleware made, which the
// router cannot show at run time.
func registrations(ms *moduleSource) []registration {
	var regs []registration
	for _, f := range ms.files {
		inScope(f, func(d ast.Node, sc scope) {
			ast.Inspect(d, func(n ast.Node) bool {
				stmt, ok := n.(*ast.ExprStmt)
				if !ok {
					return true
				}
				if reg, ok := ms.registration(sc, stmt.X); ok {
					regs = append(regs, reg)
				}
				return true
			})
		})
	}
	return regs
}

// registration reads one registration chain. A call of a plain function
// value with a pattern and a handler, handle("GET /x", h), registers too
// (pkgsite's Install is given its handle func).
func (ms *moduleSource) registration(sc scope, x ast.Expr) (registration, bool) {
	var reg registration
	if call, ok := x.(*ast.CallExpr); ok && len(call.Args) == 2 {
		if _, plain := call.Fun.(*ast.Ident); plain {
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				reg.suffix = constSuffix(lit)
				reg.handler = ms.lastName(sc, call.Args[1])
			}
		}
	}
	for e := x; ; {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			break
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			break
		}
		switch sel.Sel.Name {
		case "HandleFunc", "Handle", "Path", "PathPrefix":
			if len(call.Args) > 0 {
				reg.suffix = constSuffix(call.Args[0])
			}
			if len(call.Args) > 1 {
				reg.handler = ms.lastName(sc, call.Args[1])
			}
		case "Handler", "HandlerFunc":
			if len(call.Args) > 0 {
				reg.handler = ms.lastName(sc, call.Args[0])
			}
		case "Methods":
			for _, a := range call.Args {
				if lit, ok := a.(*ast.BasicLit); ok {
					if m, err := strconv.Unquote(lit.Value); err == nil {
						reg.methods = append(reg.methods, m)
					}
				}
			}
		}
		e = sel.X
	}
	// A net/http pattern carries its method: "GET /x".
	if method, path, ok := strings.Cut(reg.suffix, " "); ok && method != "" && !strings.Contains(method, "/") {
		reg.methods = append(reg.methods, method)
		reg.suffix = strings.TrimSpace(path)
	}
	return reg, reg.suffix != "" && reg.handler != ""
}

// constSuffix is the constant text a path expression ends with.
func constSuffix(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(x.Value); err == nil {
			return s
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			return constSuffix(x.Y)
		}
	}
	return ""
}

// literalHandler names the handler the registration of a listed route
// passes, matched by method and the longest constant path suffix.
func literalHandler(regs []registration, id string) string {
	method, path, ok := strings.Cut(id, " ")
	if !ok {
		method, path = "", id
	}
	best, name := -1, ""
	for _, r := range regs {
		// A bare "/", "/*" or "" would match any route's path (remark42's
		// redirect server's "/*" named the handler of every mount point).
		if len(strings.Trim(r.suffix, "/*")) == 0 || !strings.HasSuffix(path, r.suffix) || len(r.suffix) <= best {
			continue
		}
		if len(r.methods) > 0 && !slices.Contains(r.methods, method) {
			continue
		}
		best, name = len(r.suffix), r.handler
	}
	return name
}

// wrongIDs sorts blastgate's routes that match no listed route by id
// into wrong ids and unlisted ones.
//
// A blastgate route's id (its placeholders given the application's
// values, as foundByID does) that is a listed id is right. Otherwise its
// path is read as a pattern in which every part blastgate could not
// know is a wildcard: a placeholder left (<expr>, any text, slashes
// too), a path parameter in any router's syntax ({id}, {id:re}, :id: one
// segment) and a catch-all (*, {$}: any rest). When that pattern matches
// the path of a listed route with a compatible method (the same, or
// either side without one), the id differs from it only in what cannot
// be known statically (a placeholder's value, a parameter's name): it is
// not wrong, though not found either. When it matches none, its static
// parts differ from every path the router serves: the id is wrong when
// it names a listed route, that is when
//
//   - the listed route's handler is the blastgate route's entry, with a
//     compatible method (the page it means, served at another path: a
//     mount prefix dropped, a segment misspelt); or
//   - the listed route's handler cannot be checked (a closure middleware
//     made, shared by other routes, or none) and its path ends, on a
//     segment boundary, with the blastgate path's pattern, which has a
//     static segment (the page it means, its prefix dropped: GET /album
//     where the router serves GET /rest/album).
//
// A route that names no listed route is unlisted: a page the lister does
// not build (another server, a configuration the lister does not turn
// on), counted but not a target, since the listing says nothing of it.
// A dynamic route (its path not resolved at all) names no path: neither.
func wrongIDs(a app, truth []truthRoute, found []feature) (wrong []string, unlisted int) {
	listed := map[string]bool{}
	for _, t := range truth {
		listed[t.ID] = true
	}
	holders := handlerHolders(truth)
	seen := map[string]bool{}
	for _, f := range found {
		id := f.ID
		for ph, v := range a.Placeholders {
			id = strings.ReplaceAll(id, ph, v)
		}
		if listed[id] || seen[id+"\x00"+f.Entry] || dynamicID(id) {
			continue
		}
		seen[id+"\x00"+f.Entry] = true
		method, path := splitID(id)
		whole, suffix, static := pathPattern(path)
		served := false
		var names []string
		for _, t := range truth {
			tm, tp := splitID(t.ID)
			if method != "" && tm != "" && method != tm {
				continue
			}
			if whole.MatchString(tp) {
				served = true
				break
			}
			checkable := t.Handler != "" && (!strings.Contains(normFunc(t.Handler), "$") || holders[normFunc(t.Handler)] == 1)
			if t.Literal {
				checkable = t.Handler != ""
			}
			switch {
			case f.Entry != "" && checkable && handles(t, f.Entry):
				names = append(names, t.ID)
			case !checkable && static && suffix.MatchString(tp):
				names = append(names, t.ID)
			}
		}
		switch {
		case served:
		case len(names) > 0:
			if len(names) > 3 {
				names = append(names[:3], "...")
			}
			wrong = append(wrong, fmt.Sprintf("%s (the router serves %s)", f.ID, strings.Join(names, ", ")))
		default:
			unlisted++
		}
	}
	slices.Sort(wrong)
	return wrong, unlisted
}

// dynamicID reports whether a route id is blastgate's dynamic route, whose
// path it could not resolve at all: "(dynamic route at file.go:40)". It
// names no path, so it cannot be wrong.
func dynamicID(id string) bool { return strings.HasPrefix(id, "(") }

// splitID splits a route id into its method ("" for any) and its path.
func splitID(id string) (method, path string) {
	if m, p, ok := strings.Cut(id, " "); ok && !strings.HasPrefix(m, "/") && !strings.HasPrefix(m, "<") {
		return m, strings.TrimSpace(p)
	}
	return "", id
}

// pathPattern reads a route path as patterns: whole matches a path it
// may denote (its placeholders, parameters and catch-alls as wildcards,
// see wrongIDs), suffix a path that ends with such a path after a
// non-empty prefix; static says whether the path has a segment of static
// text only. A placeholder may hold slashes (<path.Join(a, "/x")>).
func pathPattern(path string) (whole, suffix *regexp.Regexp, static bool) {
	var b strings.Builder
	segStatic, segEmpty := true, true
	endSegment := func() {
		static = static || (segStatic && !segEmpty)
		segStatic, segEmpty = true, true
	}
	for i := 0; i < len(path); {
		c := path[i]
		switch {
		case c == '/':
			endSegment()
			b.WriteString("/")
			i++
			continue
		case c == '<' || c == '{':
			if j := closing(path, i); j > 0 {
				inner := path[i+1 : j]
				switch {
				case c == '<', strings.HasSuffix(inner, "..."):
					b.WriteString(".*")
				case inner == "$":
				default:
					b.WriteString("[^/]*")
				}
				segStatic, segEmpty = false, false
				i = j + 1
				continue
			}
		case c == ':' && (i == 0 || path[i-1] == '/'), c == '*':
			j := strings.IndexByte(path[i:], '/')
			if j < 0 {
				j = len(path) - i
			}
			if c == '*' {
				b.WriteString(".*")
			} else {
				b.WriteString("[^/]*")
			}
			segStatic, segEmpty = false, false
			i += j
			continue
		}
		b.WriteString(regexp.QuoteMeta(path[i : i+1]))
		segEmpty = false
		i++
	}
	endSegment()
	p := b.String()
	return regexp.MustCompile("^" + p + "$"), regexp.MustCompile("^.+" + p + "$"), static
}

// closing is the index of the bracket that closes the one at path[i]
// (nested ones balanced), or -1.
func closing(path string, i int) int {
	open := path[i]
	closeB := byte('>')
	if open == '{' {
		closeB = '}'
	}
	depth := 0
	for j := i; j < len(path); j++ {
		switch path[j] {
		case open:
			depth++
		case closeB:
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

// writeTestHeader writes the package clause and the import block of a
// test file the bench adds to an application; an import "alias path"
// is written with its alias.
func writeTestHeader(b *strings.Builder, pkg string, imports []string) {
	fmt.Fprintf(b, "package %s\n\nimport (\n", pkg)
	for _, imp := range imports {
		if alias, path, ok := strings.Cut(imp, " "); ok {
			fmt.Fprintf(b, "\t%s %q\n", alias, path)
		} else {
			fmt.Fprintf(b, "\t%q\n", imp)
		}
	}
	b.WriteString(")\n")
}

package main

// Test credit: which tests really exercise which routes, measured from
// what runs, against the tests blastgate credits each route with.
//
// Every package whose tests can reach a route handler is built once as a
// coverage-instrumented test binary (go test -c -cover
// -coverpkg=MODULE/...), and each of its top-level tests runs alone
// (-test.run '^TestX$') with a coverage profile of its own. A test
// exercises a route when it passed and executed at least one statement of
// the route's handler: the function the router's run-time listing names
// (or, for a closure middleware made, the function its registration
// literal names), as the edit truth identifies it (identify). blastgate's
// output never decides what is true.

import (
	"bufio"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// featureTest is a test blastgate credits a feature with.
type featureTest struct {
	Package  string `json:"package"`
	Name     string `json:"name"`
	Evidence string `json:"evidence"`
}

// testKey names a top-level test: its package's import path (an
// external test package's _test suffix dropped) and its name before any
// subtest.
func testKey(pkg, name string) string {
	pkg = strings.TrimSuffix(pkg, "_test")
	name, _, _ = strings.Cut(name, "/")
	return pkg + "." + name
}

// span is a function's body in a coverage profile's terms: the file as
// the profile names it (import path/base name) and the lines and columns
// of its braces.
type span struct {
	File                string
	StartLine, StartCol int
	EndLine, EndCol     int
}

// contains reports whether a coverage block starting at line:col lies in
// the span.
func (s span) contains(file string, line, col int) bool {
	if file != s.File {
		return false
	}
	if line < s.StartLine || line > s.EndLine {
		return false
	}
	if line == s.StartLine && col < s.StartCol {
		return false
	}
	if line == s.EndLine && col > s.EndCol {
		return false
	}
	return true
}

// funcSpans indexes the module's functions by name as normFunc writes the
// runtime's names: pkg.F, pkg.T.M, pkg.(*T).M, closures pkg.F$1 and
// pkg.F$1$2, numbered in source order as the compiler numbers them.
func funcSpans(src, module string) (map[string]span, error) {
	out := map[string]span{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != src && (d.Name() == "vendor" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(src, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := module
		if rel != "." {
			pkg += "/" + filepath.ToSlash(rel)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, data, parser.SkipObjectResolution)
		if err != nil {
			return nil // a file of another build (a stand-in) does not matter here
		}
		indexFile(fset, f, pkg, pkg+"/"+filepath.Base(path), out)
		return nil
	})
	return out, err
}

// indexFile adds a parsed file's functions and closures to out.
func indexFile(fset *token.FileSet, f *ast.File, pkg, file string, out map[string]span) {
	spanOf := func(body *ast.BlockStmt) span {
		s, e := fset.Position(body.Lbrace), fset.Position(body.Rbrace)
		return span{File: file, StartLine: s.Line, StartCol: s.Column, EndLine: e.Line, EndCol: e.Column}
	}
	var closures func(name string, body *ast.BlockStmt)
	closures = func(name string, body *ast.BlockStmt) {
		n := 0
		ast.Inspect(body, func(x ast.Node) bool {
			lit, ok := x.(*ast.FuncLit)
			if !ok {
				return true
			}
			n++
			cname := name + "$" + strconv.Itoa(n)
			out[cname] = spanOf(lit.Body)
			closures(cname, lit.Body)
			return false // its own closures are numbered under it
		})
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || fd.Name.Name == "init" || fd.Name.Name == "_" {
			continue
		}
		name := pkg + "." + fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) > 0 {
			t := fd.Recv.List[0].Type
			if star, ok := t.(*ast.StarExpr); ok {
				name = pkg + ".(*" + recvType(star.X) + ")." + fd.Name.Name
			} else {
				name = pkg + "." + recvType(t) + "." + fd.Name.Name
			}
		}
		out[name] = spanOf(fd.Body)
		closures(name, fd.Body)
	}
}

// handlerSpans are the spans of the functions that identify a route (id,
// from identify): the run-time handler itself; for a registration
// literal, the closures of the function it names when it has some (a
// factory: running it only builds the handler) or the function. ok is
// false when no function or more than one (a bare method name several
// types declare) matches: the route is then not checkable.
func handlerSpans(id truthRoute, funcs map[string]span) ([]span, bool) {
	if !id.Literal {
		s, ok := funcs[normFunc(id.Handler)]
		return []span{s}, ok
	}
	var plain, closures []string
	for fn := range funcs {
		if !handles(id, fn) {
			continue
		}
		if strings.Contains(fn[strings.LastIndex(fn, "/")+1:], "$") {
			closures = append(closures, fn)
		} else {
			plain = append(plain, fn)
		}
	}
	if len(plain) != 1 {
		return nil, false
	}
	var out []span
	for _, fn := range closures {
		if strings.HasPrefix(fn, plain[0]+"$") {
			out = append(out, funcs[fn])
		}
	}
	if len(out) == 0 {
		out = []span{funcs[plain[0]]}
	}
	return out, true
}

// block is a coverage profile block that ran: its file and where it
// starts.
type block struct {
	File      string
	Line, Col int
}

// parseProfile reads a coverage profile (go test -coverprofile) and
// returns the blocks that ran.
func parseProfile(data string) []block {
	var out []block
	for _, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "mode:") {
			continue
		}
		// file:sl.sc,el.ec stmts count
		colon := strings.LastIndex(line, ":")
		if colon < 0 {
			continue
		}
		fields := strings.Fields(line[colon+1:])
		if len(fields) != 3 || fields[2] == "0" {
			continue
		}
		start, _, _ := strings.Cut(fields[0], ",")
		l, c, _ := strings.Cut(start, ".")
		ln, err1 := strconv.Atoi(l)
		cn, err2 := strconv.Atoi(c)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, block{File: line[:colon], Line: ln, Col: cn})
	}
	return out
}

// creditRoute is a listed route whose handler the credit truth can see.
type creditRoute struct {
	ID    string
	Spans []span
}

// exercised is the routes whose handler one of the blocks is in.
func exercised(routes []creditRoute, ran []block) []string {
	var out []string
	for _, r := range routes {
		hit := false
		for _, b := range ran {
			for _, s := range r.Spans {
				if s.contains(b.File, b.Line, b.Col) {
					hit = true
					break
				}
			}
			if hit {
				break
			}
		}
		if hit {
			out = append(out, r.ID)
		}
	}
	return out
}

// testRun is one top-level test's isolated run.
type testRun struct {
	Key       string   // testKey
	Outcome   string   // pass, fail, skip
	Exercised []string // truth route ids, when it passed
}

// creditScore compares the tests blastgate credits with those that
// exercise each route.
type creditScore struct {
	// Measured is false for an application whose tests are not run for
	// the credit truth (NoTruth); Unmeasured says why a run measured
	// nothing.
	Measured   bool
	Unmeasured string
	// Routes is the number of listed routes whose handler can be
	// identified; NotCheckable the others.
	Routes, NotCheckable int
	Packages             int // test binaries run
	Passed, Failed, Skip int // top-level tests
	// NotPassed names the tests that failed or skipped alone ("key (fail)").
	NotPassed []string
	// Exercised are the routes a passing test exercised; CreditedTrue
	// those blastgate credits with at least one of those tests; Uncredited
	// the rest, each with the tests that exercise it.
	Exercised, CreditedTrue []string
	Uncredited              []string
	// FalseCredits are the credited (route, test) pairs where the test
	// passed alone and executed no statement of the route's handler.
	FalseCredits []string
	// Unverified counts credited pairs whose test did not pass alone (it
	// failed, skipped, or was not run): neither true nor false.
	// UnverifiedPairs names them: "route: test (outcome)".
	Unverified      int
	UnverifiedPairs []string
	Duration        time.Duration
}

// scoreCredit compares the runs with blastgate's credits. byID maps a
// truth route id to blastgate's features under it (foundByID).
func scoreCredit(routes []creditRoute, runs []testRun, byID map[string][]featureWithTests) creditScore {
	s := creditScore{Measured: true, Routes: len(routes)}
	outcome := map[string]string{}
	exercisers := map[string]map[string]bool{} // route -> test keys
	for _, r := range runs {
		outcome[r.Key] = r.Outcome
		switch r.Outcome {
		case "pass":
			s.Passed++
		case "skip":
			s.Skip++
		default:
			s.Failed++
		}
		if r.Outcome != "pass" {
			s.NotPassed = append(s.NotPassed, r.Key+" ("+r.Outcome+")")
			continue
		}
		for _, id := range r.Exercised {
			if exercisers[id] == nil {
				exercisers[id] = map[string]bool{}
			}
			exercisers[id][r.Key] = true
		}
	}
	for _, r := range routes {
		credited := map[string]bool{}
		for _, f := range byID[r.ID] {
			for _, t := range f.Tests {
				credited[testKey(t.Package, t.Name)] = true
			}
		}
		ex := exercisers[r.ID]
		if len(ex) > 0 {
			s.Exercised = append(s.Exercised, r.ID)
			hit := false
			for k := range credited {
				hit = hit || ex[k]
			}
			if hit {
				s.CreditedTrue = append(s.CreditedTrue, r.ID)
			} else {
				tests := sortedKeys(ex)
				if len(tests) > 3 {
					tests = append(tests[:3], fmt.Sprintf("and %d more", len(ex)-3))
				}
				s.Uncredited = append(s.Uncredited, fmt.Sprintf("%s (exercised by %s)", r.ID, strings.Join(tests, ", ")))
			}
		}
		for _, k := range sortedKeys(credited) {
			switch {
			case outcome[k] != "pass":
				s.Unverified++
				o := outcome[k]
				if o == "" {
					o = "not run"
				}
				s.UnverifiedPairs = append(s.UnverifiedPairs, fmt.Sprintf("%s: %s (%s)", r.ID, k, o))
			case !ex[k]:
				s.FalseCredits = append(s.FalseCredits, fmt.Sprintf("%s credited to %s, which passed alone without executing a statement of its handler",
					r.ID, k))
			}
		}
	}
	return s
}

// featureWithTests is a blastgate feature with its credited tests.
type featureWithTests struct {
	ID    string
	Tests []featureTest
}

// creditRoutes are the listed routes whose handler can be identified and
// found in the module's source, and the number of those that cannot.
func creditRoutes(truth []truthRoute, regs []registration, module string, funcs map[string]span) ([]creditRoute, int) {
	var out []creditRoute
	notCheckable := 0
	holders := handlerHolders(truth)
	for _, t := range truth {
		id, ok := identify(t, regs, module, holders)
		if _, known := funcs[normFunc(id.Handler)]; ok && !id.Literal && !known {
			// A name the source does not declare: a closure of a
			// middleware the compiler inlined into the registering
			// function (apiRoutes.middleWareFunc.func2), one per route
			// but the same source code for all: the registration
			// literal names the handler inside it.
			id = truthRoute{ID: t.ID, Handler: literalHandler(regs, t.ID), Literal: true}
			ok = id.Handler != ""
		}
		var spans []span
		if ok {
			spans, ok = handlerSpans(id, funcs)
		}
		if !ok {
			notCheckable++
			continue
		}
		out = append(out, creditRoute{ID: t.ID, Spans: spans})
	}
	return out, notCheckable
}

// testPackage is a package whose tests the credit truth runs.
type testPackage struct {
	ImportPath, Dir string
}

// creditPackages are the module's packages with tests whose test binary
// depends on a package that declares a route handler, or that holds a
// test blastgate credits; NoTest packages left out.
func creditPackages(ctx context.Context, a app, src string, handlerPkgs, creditedPkgs map[string]bool) ([]testPackage, error) {
	args := []string{"list", "-e", "-test"}
	if len(a.Tags) > 0 {
		args = append(args, "-tags", strings.Join(a.Tags, ","))
	}
	args = append(args, "-f", "{{.ImportPath}}|{{.Dir}}|{{len .TestGoFiles}}|{{len .XTestGoFiles}}|{{join .Deps \" \"}}", "./...")
	out, err := runIn(ctx, src, nil, "go", args...)
	if err != nil {
		return nil, err
	}
	dirs := map[string]string{}
	hasTests := map[string]bool{}
	reaches := map[string]bool{}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 5)
		if len(parts) < 5 {
			continue
		}
		ip := parts[0]
		switch {
		case strings.HasSuffix(ip, ".test"):
			pkg := strings.TrimSuffix(ip, ".test")
			for _, d := range strings.Fields(parts[4]) {
				if handlerPkgs[d] {
					reaches[pkg] = true
					break
				}
			}
		case !strings.Contains(ip, " "):
			dirs[ip] = parts[1]
			order = append(order, ip)
			hasTests[ip] = parts[2] != "0" || parts[3] != "0"
			if handlerPkgs[ip] {
				reaches[ip] = true
			}
		}
	}
	var pkgs []testPackage
	for _, ip := range order {
		rel, err := filepath.Rel(src, dirs[ip])
		if err != nil {
			return nil, err
		}
		if _, skip := a.NoTest[filepath.ToSlash(rel)]; skip || !hasTests[ip] || !(reaches[ip] || creditedPkgs[ip]) {
			continue
		}
		pkgs = append(pkgs, testPackage{ImportPath: ip, Dir: dirs[ip]})
	}
	return pkgs, nil
}

// measureCredit builds and runs the tests and scores blastgate's credits.
func measureCredit(ctx context.Context, a app, dir, src, module string, truth []truthRoute, regs []registration, features []feature, testTimeout time.Duration) (creditScore, error) {
	start := time.Now()
	funcs, err := funcSpans(src, module)
	if err != nil {
		return creditScore{}, err
	}
	routes, notCheckable := creditRoutes(truth, regs, module, funcs)
	handlerPkgs := map[string]bool{}
	for _, r := range routes {
		for _, s := range r.Spans {
			handlerPkgs[filepath.ToSlash(filepath.Dir(s.File))] = true
		}
	}
	creditedPkgs := map[string]bool{}
	for _, f := range features {
		for _, t := range f.Tests {
			creditedPkgs[strings.TrimSuffix(t.Package, "_test")] = true
		}
	}
	pkgs, err := creditPackages(ctx, a, src, handlerPkgs, creditedPkgs)
	if err != nil {
		return creditScore{}, err
	}
	logf("credit: %d routes with an identified handler (%d not checkable), %d test packages to run", len(routes), notCheckable, len(pkgs))
	binDir := filepath.Join(dir, "credit-bin")
	profDir := filepath.Join(dir, "credit-profiles")
	for _, d := range []string{binDir, profDir} {
		os.RemoveAll(d)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return creditScore{}, err
		}
	}
	skip := map[string]bool{}
	for name := range a.SkipTests {
		skip[name] = true
	}
	var runs []testRun
	built := 0
	for i, p := range pkgs {
		bin := filepath.Join(binDir, fmt.Sprintf("%d.test", i))
		args := []string{"test", "-c", "-cover", "-covermode=set", "-coverpkg=" + module + "/...", "-o", bin}
		if len(a.Tags) > 0 {
			args = append(args, "-tags", strings.Join(a.Tags, ","))
		}
		if _, err := runIn(ctx, src, a.Env, "go", append(args, p.ImportPath)...); err != nil {
			logf("credit: %s does not build, its tests are not run: %s", p.ImportPath, firstLines(err.Error(), 2))
			continue
		}
		if _, err := os.Stat(bin); err != nil {
			continue // no test files for this build
		}
		built++
		out, _ := runTestBinary(ctx, p.Dir, a.Env, bin, testTimeout, "-test.list", ".*")
		var names []string
		for _, n := range strings.Fields(out) {
			if strings.HasPrefix(n, "Test") && !skip[n] {
				names = append(names, n)
			}
		}
		pkgStart := time.Now()
		pkgRuns, err := runTests(ctx, p, a.Env, bin, names, routes, filepath.Join(profDir, strconv.Itoa(i)), testTimeout)
		if err != nil {
			return creditScore{}, err
		}
		runs = append(runs, pkgRuns...)
		logf("credit: %s: %d tests in %s", p.ImportPath, len(names), time.Since(pkgStart).Round(time.Second))
		if err := git(ctx, src, "clean", "-fdxq"); err != nil { // what the tests wrote
			return creditScore{}, err
		}
		os.Remove(bin)
	}
	byID := map[string][]featureWithTests{}
	for id, fs := range foundByID(a, features) {
		for _, f := range fs {
			byID[id] = append(byID[id], featureWithTests{ID: f.ID, Tests: f.Tests})
		}
	}
	s := scoreCredit(routes, runs, byID)
	s.NotCheckable = notCheckable
	s.Packages = built
	s.Duration = time.Since(start)
	switch {
	case s.Passed == 0:
		s.Unmeasured = fmt.Sprintf("no test passed alone (%d packages, %d tests failed, %d skipped)", built, s.Failed, s.Skip)
	case len(s.Exercised) == 0:
		s.Unmeasured = fmt.Sprintf("no passing test executed a route handler (%d passed)", s.Passed)
	}
	logf("credit: %d tests passed, %d failed, %d skipped; %d routes exercised, %d credited with a true test, %d false credits, %d credits unverified, in %s",
		s.Passed, s.Failed, s.Skip, len(s.Exercised), len(s.CreditedTrue), len(s.FalseCredits), s.Unverified, s.Duration.Round(time.Second))
	return s, nil
}

// runTests runs each named top-level test of a package's test binary
// (built with -cover) alone, and reads the routes each exercised from its
// own coverage profile. Each run has a coverage directory of its own
// under work: the profile is made from every counter file in the
// directory, and a shared one would add the earlier runs' coverage to
// this one's.
func runTests(ctx context.Context, p testPackage, env []string, bin string, names []string, routes []creditRoute, work string, timeout time.Duration) ([]testRun, error) {
	var runs []testRun
	for _, n := range names {
		covDir := filepath.Join(work, n+".d")
		if err := os.MkdirAll(covDir, 0o755); err != nil {
			return nil, err
		}
		prof := filepath.Join(work, n+".out")
		out, runErr := runTestBinary(ctx, p.Dir, env, bin, timeout, "-test.run", "^"+regexp.QuoteMeta(n)+"$", "-test.count=1",
			"-test.v", "-test.timeout="+timeout.String(), "-test.coverprofile="+prof, "-test.gocoverdir="+covDir)
		r := testRun{Key: testKey(p.ImportPath, n), Outcome: outcomeOf(out, n, runErr)}
		if r.Outcome == "pass" {
			data, err := os.ReadFile(prof)
			if err != nil {
				r.Outcome = "fail" // no profile: nothing to measure it by
			} else {
				r.Exercised = exercised(routes, parseProfile(string(data)))
			}
		}
		os.Remove(prof)
		os.RemoveAll(covDir)
		runs = append(runs, r)
	}
	return runs, nil
}

// runTestBinary runs a test binary in its package's directory, as go test
// does, and returns its combined output.
func runTestBinary(ctx context.Context, dir string, env []string, bin string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// outcomeOf reads a -test.v run of one top-level test: pass only when it
// says so and the binary exited 0.
func outcomeOf(out, name string, err error) string {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	result := ""
	for sc.Scan() {
		line := sc.Text()
		for _, o := range []string{"PASS", "FAIL", "SKIP"} {
			if strings.HasPrefix(line, "--- "+o+": "+name+" ") {
				result = strings.ToLower(o)
			}
		}
	}
	switch {
	case result == "pass" && err != nil:
		return "fail"
	case result == "":
		return "fail"
	}
	return result
}

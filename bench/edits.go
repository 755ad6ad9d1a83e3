package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// editScore compares the routes blastgate impacts with those whose
// handler reached the edited code while the tests ran.
type editScore struct {
	Edit edit
	// True are the router's routes (truth ids) whose handler was on a
	// recorded stack; NotCheckable counts the routes no module function
	// identifies on a stack (identify), left out of the truth.
	True         []string
	NotCheckable int
	Impacted     []string // routes blastgate impacts (blastgate's ids)
	ByRequest    []string // those whose trace does not pass a package init
	Recalled     int      // true routes blastgate impacts
	// Missed are the true routes blastgate does not impact, or does not
	// report at all ("(not found)").
	Missed []string
	Stacks int // distinct stacks recorded through the edited code
	// Unmeasured says why the edit measured nothing: its instrumented test
	// run failed, or recorded no stack.
	Unmeasured string
	// NoTruth is the application's NoTruth: no stack was recorded, and
	// only impacted / package level is measured.
	NoTruth bool
	// PackageLevel counts the routes a package-level tool impacts, taking
	// a route's package to be where it is registered (as gta's package
	// list is read); HandlerPackageLevel, where its handler is (stricter).
	PackageLevel, HandlerPackageLevel int
	// Driver is the truth from the tests and from the route driver apart
	// (driver.go), when the routes were driven: True is then both's.
	Driver       *driverScore
	DriverStacks int
}

// applyEdit commits the edit on top of the base and returns which
// packages it changes.
func applyEdit(ctx context.Context, src, modPath string, e edit) (func(string) bool, error) {
	if e.Require != "" {
		mod, _, _ := strings.Cut(e.Require, "@")
		if _, err := runIn(ctx, src, []string{"GOFLAGS=-mod=mod"}, "go", "get", e.Require); err != nil {
			return nil, err
		}
		if err := git(ctx, src, "commit", "-q", "-am", "bump "+e.Require); err != nil {
			return nil, err
		}
		return func(p string) bool { return p == mod || strings.HasPrefix(p, mod+"/") }, nil
	}
	path := filepath.Join(src, filepath.FromSlash(e.File))
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	edited, err := insertInFunc(path, data, map[string]string{e.Func: `_ = "blastgate bench edit"`})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		return nil, err
	}
	if err := git(ctx, src, "commit", "-q", "-am", "edit "+e.Name); err != nil {
		return nil, err
	}
	pkg := modPath + "/" + filepath.ToSlash(filepath.Dir(e.File))
	return func(p string) bool { return p == pkg }, nil
}

// insertInFunc inserts a statement at the start of each named function
// (Name, or Recv.Name for a method); "*" names every function.
func insertInFunc(path string, data []byte, stmts map[string]string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, data, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	type insertion struct {
		at   int
		stmt string
	}
	var ins []insertion
	found := map[string]bool{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) > 0 {
			name = recvType(fd.Recv.List[0].Type) + "." + name
		}
		stmt, ok := stmts[name]
		if !ok {
			stmt, ok = stmts["*"]
		}
		if !ok {
			continue
		}
		found[name] = true
		ins = append(ins, insertion{fset.Position(fd.Body.Lbrace).Offset + 1, stmt})
	}
	for name := range stmts {
		if name != "*" && !found[name] {
			return nil, fmt.Errorf("%s: no function %s", path, name)
		}
	}
	out := append([]byte(nil), data...)
	for i := len(ins) - 1; i >= 0; i-- {
		at := ins[i].at
		out = append(out[:at], append([]byte(" "+ins[i].stmt+";"), out[at:]...)...)
	}
	return out, nil
}

func recvType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return recvType(x.X)
	case *ast.IndexExpr:
		return recvType(x.X)
	case *ast.IndexListExpr:
		return recvType(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

const recorderSource = `package %s

import (
	"os"
	"runtime"
	"strings"
	"sync"
)

var blastgateSeen sync.Map

// blastgateRecord appends its caller's stack, once per distinct stack, to
// $BLASTGATE_RECORD. (0644, not 0o644: a bumped dependency's go.mod may
// say go 1.12, which has no 0o literals.)
func blastgateRecord(tag string) {
	pcs := make([]uintptr, 256)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var b strings.Builder
	b.WriteString(tag)
	for {
		f, more := frames.Next()
		b.WriteString("\t" + f.Function)
		if !more {
			break
		}
	}
	line := b.String()
	if _, dup := blastgateSeen.LoadOrStore(line, true); dup {
		return
	}
	f, err := os.OpenFile(os.Getenv("BLASTGATE_RECORD"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0644)
	if err != nil {
		return
	}
	f.WriteString(line + "\n")
	f.Close()
}
`

// record runs the application's tests with the edited functions (or
// every function of a bumped dependency) recording their callers, through
// -overlay, and returns the recorded stacks by edit name. testErr is the
// failure of the test run itself: the stacks it recorded are then not the
// truth (a test that failed before reaching a route hides it), and the
// caller reports the edits as not measured.
func record(ctx context.Context, a app, dir, src string, fnEdits []edit, dep *edit, timeout time.Duration) (stacks map[string][][]string, testErr, err error) {
	return recordWith(ctx, a, dir, src, fnEdits, dep, timeout, nil)
}

// recordWith is record, running the route driver's test (driver.go)
// instead of the application's tests when drv is not nil.
func recordWith(ctx context.Context, a app, dir, src string, fnEdits []edit, dep *edit, timeout time.Duration, drv *driveRun) (stacks map[string][][]string, testErr, err error) {
	files := map[string]string{} // real path -> instrumented content
	pkgDirs := map[string]bool{} // directories that need the recorder
	byFile := map[string]map[string]string{}
	for _, e := range fnEdits {
		path := filepath.Join(src, filepath.FromSlash(e.File))
		if byFile[path] == nil {
			byFile[path] = map[string]string{}
		}
		byFile[path][e.Func] = fmt.Sprintf("blastgateRecord(%q)", e.Name)
	}
	name := "functions"
	// The go command refuses overlays of the module cache: a bumped
	// dependency is copied, replaced by its copy through -modfile (the
	// tree's go.mod is untouched), and instrumented there.
	var modfile string
	if dep != nil {
		name = "dependency"
		mod, _, _ := strings.Cut(dep.Require, "@")
		out, err := runIn(ctx, src, nil, "go", "list", "-m", "-f", "{{.Dir}}", mod)
		if err != nil {
			return nil, nil, err
		}
		modDir := strings.TrimSpace(string(out))
		copyDir := filepath.Join(dir, "dependency-copy")
		os.RemoveAll(copyDir)
		if _, err := runIn(ctx, dir, nil, "cp", "-R", modDir, copyDir); err != nil {
			return nil, nil, err
		}
		if _, err := runIn(ctx, dir, nil, "chmod", "-R", "u+w", copyDir); err != nil {
			return nil, nil, err
		}
		// A module from before modules (go-units v0.4.0) has no go.mod,
		// which a replacement directory needs.
		if _, err := os.Stat(filepath.Join(copyDir, "go.mod")); os.IsNotExist(err) {
			if err := os.WriteFile(filepath.Join(copyDir, "go.mod"), []byte("module "+mod+"\n"), 0o644); err != nil {
				return nil, nil, err
			}
		}
		if modfile, err = replacingModfile(dir, src, mod, copyDir); err != nil {
			return nil, nil, err
		}
		out, err = runIn(ctx, src, nil, "go", "list", "-deps", "-test", "-f",
			"{{if .Module}}{{.Module.Path}}|{{.Dir}}|{{join .GoFiles \"|\"}}{{end}}", "./...")
		if err != nil {
			return nil, nil, err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			parts := strings.Split(line, "|")
			if len(parts) < 3 || parts[0] != mod {
				continue
			}
			rel, err := filepath.Rel(modDir, parts[1])
			if err != nil {
				return nil, nil, err
			}
			for _, f := range parts[2:] {
				byFile[filepath.Join(copyDir, rel, f)] = map[string]string{"*": fmt.Sprintf("blastgateRecord(%q)", dep.Name)}
			}
		}
		if len(byFile) == 0 {
			return nil, nil, fmt.Errorf("no package of %s is built with the application", mod)
		}
	}
	for path, stmts := range byFile {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, err
		}
		edited, err := insertInFunc(path, data, stmts)
		if err != nil {
			return nil, nil, err
		}
		files[path] = string(edited)
		pkgDirs[filepath.Dir(path)] = true
	}
	for d := range pkgDirs {
		pkg, err := packageName(d)
		if err != nil {
			return nil, nil, err
		}
		files[filepath.Join(d, "zz_blastgate_record.go")] = fmt.Sprintf(recorderSource, pkg)
	}
	if drv != nil {
		files[drv.file] = drv.source
		name = "drive-" + name
	}
	args := []string{"test", "-count=1", "-timeout", timeout.String()}
	if len(a.Tags) > 0 {
		args = append(args, "-tags", strings.Join(a.Tags, ","))
	}
	if len(a.SkipTests) > 0 {
		args = append(args, "-skip", "^("+strings.Join(sortedKeys(a.SkipTests), "|")+")$")
	}
	if modfile != "" {
		for path, content := range files {
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				return nil, nil, err
			}
		}
		args = append(args, "-modfile", modfile)
	} else {
		overlay, err := writeOverlay(dir, name, files)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, "-overlay", overlay)
	}
	pkgs, err := testedPackages(ctx, a, src)
	if err != nil {
		return nil, nil, err
	}
	if drv != nil {
		pkgs = []string{drv.pkg}
		args = append(args, "-run", "^TestBlastgateDriveRoutes$")
	}
	out := filepath.Join(dir, "record-"+name+".txt")
	os.Remove(out)
	start := time.Now()
	env := append([]string{"BLASTGATE_RECORD=" + out}, a.Env...)
	if drv != nil {
		env = append(env, drv.env...)
	}
	stdout, testErr := runIn(ctx, src, env, "go", append(args, pkgs...)...)
	if cerr := git(ctx, src, "clean", "-fdxq"); cerr != nil { // what the tests wrote
		return nil, nil, cerr
	}
	// A flaky test gets one more run of the packages that failed: the
	// truth needs every test to have passed once, and both runs' stacks
	// are real calls.
	if failed := failedPackages(stdout); testErr != nil && len(failed) > 0 {
		logf("the instrumented tests failed in %s: running those packages again", strings.Join(failed, " "))
		stdout, testErr = runIn(ctx, src, env, "go", append(args, failed...)...)
		if cerr := git(ctx, src, "clean", "-fdxq"); cerr != nil {
			return nil, nil, cerr
		}
	}
	if testErr != nil {
		// Without the command line, which lists every package.
		if f := failures(stdout); f != "" {
			_, stderr, _ := strings.Cut(testErr.Error(), "\n")
			testErr = errors.New(strings.TrimSuffix(f+firstLines(stderr, 2), "; "))
		}
		logf("the instrumented tests failed: %.600s", strings.ReplaceAll(testErr.Error(), "\n", " | "))
	}
	logf("tests ran in %s", time.Since(start).Round(time.Second))
	stacks = map[string][][]string{}
	f, err := os.Open(out)
	if os.IsNotExist(err) {
		return stacks, testErr, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	seen := map[string]bool{} // each test process writes its own distinct stacks
	for sc.Scan() {
		if seen[sc.Text()] {
			continue
		}
		seen[sc.Text()] = true
		fields := strings.Split(sc.Text(), "\t")
		stacks[fields[0]] = append(stacks[fields[0]], fields[1:])
	}
	return stacks, testErr, sc.Err()
}

// failedPackages are the packages go test reports as failed (FAIL\tpkg),
// except those that did not build, which a second run would not help.
func failedPackages(stdout []byte) []string {
	var pkgs []string
	for _, line := range strings.Split(string(stdout), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "FAIL" && !strings.Contains(line, "[build failed]") && !strings.Contains(line, "[setup failed]") {
			pkgs = append(pkgs, fields[1])
		}
	}
	return pkgs
}

// testedPackages are the packages the instrumented run tests: ./...
// without the application's NoTest packages.
func testedPackages(ctx context.Context, a app, src string) ([]string, error) {
	if len(a.NoTest) == 0 {
		return []string{"./..."}, nil
	}
	// With the tags: a package whose files all need one (perses's
	// end-to-end tests) is not listed without them.
	out, err := runIn(ctx, src, nil, "go", "list", "-e", "-tags", strings.Join(a.Tags, ","), "-f", "{{.Dir}}", "./...")
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, d := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(src, d)
		if err != nil {
			return nil, err
		}
		if _, skip := a.NoTest[filepath.ToSlash(rel)]; !skip {
			pkgs = append(pkgs, "./"+filepath.ToSlash(rel))
		}
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("NoTest leaves no package to test")
	}
	return pkgs, nil
}

// failures lists what go test says failed on its standard output (the
// error carries only its standard error): "FAIL pkg; --- FAIL: TestX; ".
func failures(stdout []byte) string {
	var b strings.Builder
	n := 0
	for _, line := range strings.Split(string(stdout), "\n") {
		if strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(strings.TrimSpace(line), "--- FAIL") {
			if n++; n > 12 {
				b.WriteString("...; ")
				break
			}
			b.WriteString(strings.Join(strings.Fields(line), " ") + "; ")
		}
	}
	return b.String()
}

// scoreEdit labels true the routes of the router's listing (truth) whose
// identifying handler (identify) is on a recorded stack, maps each to the
// routes blastgate reports under its id (foundByID, as scoreRoutes does),
// and compares them with what blastgate impacts: a true route blastgate
// does not report, or reports but does not impact, is a miss.
func scoreEdit(e edit, a app, module string, truth []truthRoute, regs []registration, found, impacted []feature, stacks [][]string) editScore {
	// A dependency's function (a ServeMux, a file server) is on the
	// stack of requests to other routes too: only the module's own
	// functions tell which route a stack served.
	var frames []string
	seen := map[string]bool{}
	for _, st := range stacks {
		for _, fn := range st {
			if fn = normFunc(fn); moduleFunc(fn, module) && !seen[fn] {
				seen[fn] = true
				frames = append(frames, fn)
			}
		}
	}
	s := editScore{Edit: e, Stacks: len(stacks)}
	trueSet := map[string]bool{}
	holders := handlerHolders(truth)
	for _, t := range truth {
		id, ok := identify(t, regs, module, holders)
		if !ok {
			s.NotCheckable++
			continue
		}
		for _, fn := range frames {
			if handles(id, fn) {
				trueSet[t.ID] = true
				break
			}
		}
	}
	impactedSet, byRequest := map[string]bool{}, map[string]bool{}
	for _, r := range impacted {
		impactedSet[r.ID] = true
		if !r.throughInit() {
			byRequest[r.ID] = true
		}
	}
	s.True, s.Impacted, s.ByRequest = sortedKeys(trueSet), sortedKeys(impactedSet), sortedKeys(byRequest)
	byID := foundByID(a, found)
	for _, id := range s.True {
		fs := byID[id]
		hit := false
		for _, f := range fs {
			hit = hit || impactedSet[f.ID]
		}
		switch {
		case hit:
			s.Recalled++
		case len(fs) == 0:
			s.Missed = append(s.Missed, id+" (not found)")
		default:
			s.Missed = append(s.Missed, id)
		}
	}
	return s
}

// replacingModfile writes a copy of the tree's go.mod (and go.sum) that
// replaces mod with dir, for -modfile.
func replacingModfile(work, src, mod, dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		return "", err
	}
	sum, err := os.ReadFile(filepath.Join(src, "go.sum"))
	if err != nil {
		return "", err
	}
	path := filepath.Join(work, "replacing.mod")
	data = append(data, fmt.Sprintf("\nreplace %s => %s\n", mod, dir)...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	return path, os.WriteFile(strings.TrimSuffix(path, ".mod")+".sum", sum, 0o644)
}

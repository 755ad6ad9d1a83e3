package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// feature is the part of blastgate's JSON report the benchmark reads.
type feature struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Entry    string `json:"entry"`
	Position struct {
		File string `json:"file"`
	} `json:"position"`
	Trace []struct {
		Function string `json:"function"`
	} `json:"trace"`
	Tests []featureTest `json:"tests"`
}

// throughInit reports whether an impacted feature's trace passes through
// a package's initialisation or start-up: the change runs before any
// request (a route's roots hold the start-up node, "(start-up)", and
// what start-up leaves behind; a command's, the inits of its packages).
func (f feature) throughInit() bool {
	for _, t := range f.Trace {
		if strings.HasPrefix(t.Function, "(start-up") {
			return true
		}
		name := t.Function[strings.LastIndex(t.Function, "/")+1:]
		if _, fn, ok := strings.Cut(name, "."); ok && (fn == "init" || strings.HasPrefix(fn, "init#")) {
			return true
		}
	}
	return false
}

type reportJSON struct {
	Features []feature `json:"features"`
	Impacted []feature `json:"impacted"`
}

// setup is what every measurement of an application starts from: its
// source fetched from the module proxy, the routes blastgate finds, and
// the routes its router lists with their registrations.
type setup struct {
	src    string
	routes []feature
	ms     *moduleSource
	truth  []truthRoute
	regs   []registration
}

// setUp fetches the application into dir/src and lists its routes.
func setUp(ctx context.Context, a app, dir string, tools *toolset) (*setup, error) {
	st := &setup{src: filepath.Join(dir, "src")}
	if err := fetch(ctx, a, dir, st.src); err != nil {
		return nil, err
	}
	features, err := blastgateReport(ctx, tools, st.src, "features")
	if err != nil {
		return nil, err
	}
	st.routes = routesOf(features.Features)
	if st.ms, err = parseModule(st.src); err != nil {
		return nil, err
	}
	if st.truth, err = routeTruth(ctx, a, dir, st.src, st.ms); err != nil {
		return nil, err
	}
	st.regs = registrations(st.ms)
	return st, nil
}

// measure runs every measurement on one application.
func measure(ctx context.Context, a app, dir string, tools *toolset, skipCost, skipCredit, skipProof bool, testTimeout time.Duration) (*appResult, error) {
	st, err := setUp(ctx, a, dir, tools)
	if err != nil {
		return nil, err
	}
	src, routes, ms, truth, regs := st.src, st.routes, st.ms, st.truth, st.regs
	res := &appResult{app: a}
	res.routes = scoreRoutes(a, truth, routes, regs)
	logf("routes: %d listed by the router, %d found, %d with the right entry (%d not checkable), %d wrong ids, %d not in the listing",
		res.routes.Truth, res.routes.Found, res.routes.RightEntry, res.routes.Unverifiable, len(res.routes.WrongIDs), res.routes.Unlisted)
	if !skipCredit && a.NoTruth == "" {
		cs, err := measureCredit(ctx, a, dir, src, ms.module, truth, regs, routes, testTimeout)
		if err != nil {
			return nil, fmt.Errorf("credit: %w", err)
		}
		res.credit = &cs
	}

	modPath, err := runIn(ctx, src, nil, "go", "list", "-m")
	if err != nil {
		return nil, err
	}
	deps, err := reverseDeps(ctx, src)
	if err != nil {
		return nil, err
	}
	// Callers recorded while the application's tests run, at the base
	// for the function edits.
	var fnEdits []edit
	for _, e := range a.Edits {
		if e.Func != "" {
			fnEdits = append(fnEdits, e)
		}
	}
	var recorded map[string][][]string
	var fnTestErr error
	if a.NoTruth == "" {
		logf("running the application's tests with %d edited functions recording their callers", len(fnEdits))
		if recorded, fnTestErr, err = record(ctx, a, dir, src, fnEdits, nil, testTimeout); err != nil {
			return nil, err
		}
	} else {
		logf("no edit truth: %s", a.NoTruth)
	}
	_, driven := drivers[a.Name]
	driven = driven && driveRoutes && a.NoTruth == ""
	var drivenStacks map[string][][]string
	var driveErr error
	if driven {
		logf("driving every listed route with %d edited functions recording their callers", len(fnEdits))
		var stats driveStats
		if drivenStacks, stats, driveErr, err = drive(ctx, a, dir, src, truth, fnEdits, nil, testTimeout); err != nil {
			return nil, err
		}
		res.driven = stats.String()
		logf("driver: %s", res.driven)
	}
	for i, e := range a.Edits {
		changedPkgs, err := applyEdit(ctx, src, strings.TrimSpace(string(modPath)), e)
		if err != nil {
			return nil, fmt.Errorf("edit %s: %w", e.Name, err)
		}
		impact, err := blastgateReport(ctx, tools, src, "impact", "--base", "HEAD~1")
		if err != nil {
			return nil, fmt.Errorf("edit %s: %w", e.Name, err)
		}
		stacks, testErr := recorded[e.Name], fnTestErr
		if e.Require != "" && a.NoTruth == "" {
			// The new version's code records its callers, at the head.
			dep, depTestErr, err := record(ctx, a, dir, src, nil, &e, testTimeout)
			if err != nil {
				return nil, err
			}
			stacks, testErr = dep[e.Name], depTestErr
			if driven {
				var depDriven map[string][][]string
				if depDriven, _, driveErr, err = drive(ctx, a, dir, src, truth, nil, &e, testTimeout); err != nil {
					return nil, err
				}
				drivenStacks = map[string][][]string{e.Name: depDriven[e.Name]}
			}
		}
		mod := strings.TrimSpace(string(modPath))
		registeredIn := func(f feature) string {
			if dir := path.Dir(f.Position.File); dir != "." {
				return mod + "/" + dir
			}
			return mod
		}
		handledIn := func(f feature) string { return entryPackage(f.Entry) }
		s := scoreEdit(e, a, mod, truth, regs, routes, routesOf(impact.Impacted), stacks)
		if driven {
			s = mergeDriver(func(st [][]string) editScore {
				return scoreEdit(e, a, mod, truth, regs, routes, routesOf(impact.Impacted), st)
			}, stacks, drivenStacks[e.Name])
		}
		if a.NoTruth != "" {
			s.NoTruth = true
		} else {
			all := stacks
			if driven {
				all = append(append([][]string{}, stacks...), drivenStacks[e.Name]...)
			}
			s.Unmeasured = unmeasured(testErr, all)
			if s.Unmeasured == "" && driven && driveErr != nil {
				s.Unmeasured = "the route driver failed: " + firstLines(driveErr.Error(), 3)
			}
		}
		s.PackageLevel = packageLevel(routes, deps, changedPkgs, registeredIn)
		s.HandlerPackageLevel = packageLevel(routes, deps, changedPkgs, handledIn)
		logf("edit %s: %d stacks recorded, %d routes reach it in the tests (%d not checkable), blastgate impacts %d (recall %d/%d), package level %d",
			e.Name, s.Stacks, len(s.True), s.NotCheckable, len(s.Impacted), s.Recalled, len(s.True), s.PackageLevel)
		res.edits = append(res.edits, s)
		if i == 0 && !skipCost {
			if res.cost, err = measureCost(ctx, dir, src, tools); err != nil {
				return nil, err
			}
		}
		if i == 0 && !skipProof {
			res.proof = measureProofCost(ctx, src, tools, testTimeout)
			res.unproven = &unprovenEdit{Edit: e.Name, Verdict: res.proof.Verdict, Statuses: res.proof.Statuses, Example: res.proof.Unproven, Unmeasured: res.proof.Unmeasured}
		} else if !skipProof && res.unproven != nil && res.unproven.Example == "" {
			// Until an edit leaves a feature unproven (a double, a
			// branch its test never takes), each edit's verdict under run.
			if u := measureUnproven(ctx, src, tools, testTimeout, e.Name); u.Example != "" {
				res.unproven = u
			}
		}
		if err := git(ctx, src, "reset", "-q", "--hard", "HEAD~1"); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// unmeasured says why an edit measured nothing: the failure of its
// instrumented test run, or no stack recorded through it; "" when it was
// measured.
func unmeasured(testErr error, stacks [][]string) string {
	switch {
	case testErr != nil:
		return "its instrumented test run failed: " + firstLines(testErr.Error(), 3)
	case len(stacks) == 0:
		return "the tests recorded no stack through it"
	}
	return ""
}

// firstLines is the first n lines of an error message, on one line.
func firstLines(msg string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(msg), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, " | ")
}

// fetch downloads the module and commits it as the base of a new git
// repository in src.
func fetch(ctx context.Context, a app, dir, src string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	env := []string{"GOFLAGS=-mod=mod"}
	if a.NoSumDB != "" {
		mod, _, _ := strings.Cut(a.Module, "@")
		env = append(env, "GONOSUMDB="+mod)
	}
	out, err := runIn(ctx, dir, env, "go", "mod", "download", "-json", a.Module)
	if err != nil {
		return err
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s: %s", a.Module, info.Error)
	}
	if _, err := runIn(ctx, dir, nil, "cp", "-R", info.Dir, src); err != nil {
		return err
	}
	if _, err := runIn(ctx, dir, nil, "chmod", "-R", "u+w", src); err != nil {
		return err
	}
	for _, p := range a.Remove {
		if err := os.RemoveAll(filepath.Join(src, filepath.FromSlash(p))); err != nil {
			return err
		}
	}
	for _, p := range a.Prepare {
		f := filepath.Join(src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f, []byte("<!-- built by npm in the real application -->\n"), 0o644); err != nil {
			return err
		}
	}
	for p, content := range a.Generate {
		f := filepath.Join(src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			return err
		}
	}
	if err := git(ctx, src, "init", "-q"); err != nil {
		return err
	}
	// Everything, the files .gitignore names too (zincsearch's web/dist):
	// the runs clean what the tests wrote, ignored or not (their data/
	// directories), and must not clean the application away.
	if err := git(ctx, src, "add", "-A", "-f"); err != nil {
		return err
	}
	return git(ctx, src, "commit", "-q", "-m", "base: "+a.Module)
}

func blastgateReport(ctx context.Context, tools *toolset, src string, args ...string) (*reportJSON, error) {
	out, err := runIn(ctx, src, nil, tools.blastgate, append([]string{"--format", "json"}, args...)...)
	if err != nil {
		return nil, err
	}
	var r reportJSON
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("blastgate %s: %v", args[0], err)
	}
	return &r, nil
}

func routesOf(fs []feature) []feature {
	var out []feature
	for _, f := range fs {
		if f.Kind == "route" {
			out = append(out, f)
		}
	}
	return out
}

// reverseDeps maps each package of the module to the packages it
// depends on, tests included, as `go list -deps -test` sees them.
func reverseDeps(ctx context.Context, src string) (map[string]map[string]bool, error) {
	out, err := runIn(ctx, src, nil, "go", "list", "-test", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "./...")
	if err != nil {
		return nil, err
	}
	deps := map[string]map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		p := fields[0]
		if i := strings.Index(p, " ["); i >= 0 {
			p = p[:i]
		}
		if deps[p] == nil {
			deps[p] = map[string]bool{}
		}
		for _, d := range fields[1:] {
			deps[p][d] = true
		}
	}
	return deps, nil
}

// packageLevel counts the routes a package-level tool (gta, ripples)
// reports: those whose package (pkgOf: where the route is registered,
// or where its handler is) is a changed package or imports one, directly
// or not.
func packageLevel(routes []feature, deps map[string]map[string]bool, changed func(string) bool, pkgOf func(feature) string) int {
	n := 0
	for _, r := range routes {
		p := pkgOf(r)
		if changed(p) {
			n++
			continue
		}
		for d := range deps[p] {
			if changed(d) {
				n++
				break
			}
		}
	}
	return n
}

// entryPackage is the import path of a function name as blastgate and
// the runtime print it: example.com/m/pkg.(*T).M -> example.com/m/pkg.
func entryPackage(name string) string {
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return name
	}
	return name[:slash+1+dot]
}

// normFunc writes a function name the way blastgate does: closures as
// F$1 rather than F.func1, method values without their -fm wrapper.
func normFunc(name string) string {
	name = strings.TrimSuffix(name, "-fm")
	parts := strings.Split(name, ".")
	for i := 1; i < len(parts); i++ {
		if n, ok := strings.CutPrefix(parts[i], "func"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			parts[i] = "$" + n
		} else if parts[i] != "" && strings.Trim(parts[i], "0123456789") == "" && i > 1 && strings.HasPrefix(parts[i-1], "$") {
			parts[i] = "$" + parts[i]
		}
	}
	out := parts[0]
	for _, p := range parts[1:] {
		if strings.HasPrefix(p, "$") {
			out += p
		} else {
			out += "." + p
		}
	}
	return out
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

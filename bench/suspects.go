package main

// The suspects benchmark (-suspects, issue 17): on each application, a
// synthetic first-parent history of merges, `blastgate suspects ROUTE`
// on three routes checked against which merges really reach them, and
// its time against the same number of `blastgate impact` runs.
//
// The history: from the downloaded module (the commit --since names),
// suspectsMerges merges, each `git merge --no-ff` of a branch with one
// change: in turn one of the application's function edits (edits.go),
// an edit to the handler of another page (a route's entry blastgate
// finds), and a change to a file that is not Go (README.md, a doc page,
// a YAML file). A Go edit inserts a statement at the start of the
// function, as the precision bench does; a function edited twice gets a
// second statement.
//
// The truth is the precision bench's: every edited function records the
// stacks that pass through it while the application's own tests run
// (record, one run for all of them), and a route is truly reached by an
// edit when its identifying handler is on one of them (scoreEdit). A
// merge truly reaches a route when its edit does; a merge that changes
// no Go file reaches none. Functions the tests never run are not edited
// (their truth is unknown), and neither is a dependency bump (it would
// need a test run of its own at each version).
//
// The routes: the blastgate routes some merge truly reaches, sorted by
// how many merges reach them, then by id; the first, the middle and the
// last of that order (the widest reached, a median one, the narrowest).
//
// The targets, per route: recall 100% (every truly reaching merge is
// listed, as a suspect or as not analysed), listed / true <= 1.5; per
// application, the wall time of the first route's suspects run, from an
// empty cache directory, over that of one `blastgate impact --base P
// --head M` run per merge without one, <= 1.2 (both warm: the module and
// build caches filled by an impact run before). The other two routes'
// runs reuse the cache the first filled (their times are printed,
// marked cached, and not held to a target).

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

const (
	suspectsMerges  = 50
	suspectsRoutes  = 3
	maxListedOfTrue = 1.5 // listed suspects / true suspects, per route
	maxSuspectsTime = 1.2 // suspects time / impact time over the same merges
	// suspectsPages is how many other pages' handlers are candidates for
	// the edits to other pages (those the tests run are kept).
	suspectsPages = 16
)

// defaultSuspectsApps are the applications -suspects measures without
// -apps: small ones with a route lister whose tests give the truth.
var defaultSuspectsApps = "gotify,mailpit"

// merge is one merge of the synthetic history.
type merge struct {
	SHA, Parent string
	Change      string          // what its branch changed
	Go          bool            // whether it changed Go code
	True        map[string]bool // blastgate route ids its edit truly reaches
}

// suspectsRoute is one route's suspects, scored.
type suspectsRoute struct {
	ID        string
	True      int      // merges that truly reach it
	Listed    int      // merges suspects lists (suspect or not analysed)
	Recalled  int      // true merges listed
	Missed    []string // true merges not listed
	Extra     int      // listed merges that do not truly reach it
	Time      time.Duration
	Cached    bool // run with the cache the first route's run filled
	ExitError string
}

// suspectsResult is one application's measurement.
type suspectsResult struct {
	app        app
	merges     []merge
	goMerges   int
	edited     []string // the functions edited, by edit name
	dropped    []string // candidate functions the tests never ran
	routes     []suspectsRoute
	impactTime time.Duration // one impact run per merge, in total
	unmeasured string
}

func runSuspectsBench(only, work string, reportOnly bool, testTimeout time.Duration) error {
	ctx := context.Background()
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "cmd", "blastgate")); err != nil {
		return fmt.Errorf("run it from the blastgate repository root: go run ./bench -suspects")
	}
	if only == "" {
		only = defaultSuspectsApps
	}
	selected, err := selectApps(apps, only, false)
	if err != nil {
		return err
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "blastgate-bench-suspects-"); err != nil {
			return err
		}
	}
	tools := &toolset{blastgate: filepath.Join(work, "bin", "blastgate")}
	logf("building blastgate into %s", tools.blastgate)
	if _, err := runIn(ctx, repo, nil, "go", "build", "-o", tools.blastgate, "./cmd/blastgate"); err != nil {
		return err
	}
	var results []*suspectsResult
	for _, a := range selected {
		if a.NoTruth != "" {
			return fmt.Errorf("%s: its tests give no truth (%s): measure suspects on another", a.Name, a.NoTruth)
		}
		logf("== %s (%s, %s)", a.Name, a.Module, a.Router)
		r, err := measureSuspects(ctx, a, filepath.Join(work, a.Name), tools, testTimeout)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		results = append(results, r)
	}
	v := suspectsChecks(results)
	printSuspects(os.Stdout, results, v)
	return v.err(reportOnly)
}

func measureSuspects(ctx context.Context, a app, dir string, tools *toolset, testTimeout time.Duration) (*suspectsResult, error) {
	st, err := setUp(ctx, a, dir, tools)
	if err != nil {
		return nil, err
	}
	src, routes, ms, truth, regs := st.src, st.routes, st.ms, st.truth, st.regs
	res := &suspectsResult{app: a}

	// The candidate edits: the application's function edits, and the
	// handlers of other pages.
	var candidates []edit
	for _, e := range a.Edits {
		if e.Func != "" {
			candidates = append(candidates, e)
		}
	}
	candidates = append(candidates, pageEdits(src, ms, routes, candidates)...)
	logf("running the application's tests with %d edited functions recording their callers", len(candidates))
	stacks, testErr, err := record(ctx, a, dir, src, candidates, nil, testTimeout)
	if err != nil {
		return nil, err
	}
	if testErr != nil {
		res.unmeasured = "the instrumented test run failed: " + firstLines(testErr.Error(), 3)
		return res, nil
	}
	byID := foundByID(a, routes)
	var appEdits, pages []edit
	reaches := map[string]map[string]bool{} // edit name -> blastgate route ids
	for _, e := range candidates {
		if len(stacks[e.Name]) == 0 {
			res.dropped = append(res.dropped, e.Name)
			continue
		}
		s := scoreEdit(e, a, ms.module, truth, regs, routes, nil, stacks[e.Name])
		ids := map[string]bool{}
		for _, t := range s.True {
			for _, f := range byID[t] {
				ids[f.ID] = true
			}
		}
		reaches[e.Name] = ids
		res.edited = append(res.edited, e.Name)
		if e.Kind == "page" {
			pages = append(pages, e)
		} else {
			appEdits = append(appEdits, e)
		}
	}
	if len(appEdits) == 0 && len(pages) == 0 {
		res.unmeasured = "the tests ran none of the candidate functions"
		return res, nil
	}
	if len(appEdits) == 0 {
		appEdits = pages
	}
	if len(pages) == 0 {
		pages = appEdits
	}
	logf("edits the tests run: %s; not run: %s", strings.Join(res.edited, ", "), strings.Join(res.dropped, ", "))

	since, err := revParse(ctx, src, "HEAD")
	if err != nil {
		return nil, err
	}
	if res.merges, err = buildHistory(ctx, src, appEdits, pages, reaches); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, m := range res.merges {
		if m.Go {
			res.goMerges++
		}
	}

	// The routes: those some merge truly reaches, by how many do.
	count := map[string]int{}
	for _, m := range res.merges {
		for id := range m.True {
			count[id]++
		}
	}
	ids := sortedKeys(count)
	sort.SliceStable(ids, func(i, j int) bool { return count[ids[i]] > count[ids[j]] })
	var picked []string
	for _, i := range []int{0, len(ids) / 2, len(ids) - 1} {
		if i >= 0 && i < len(ids) && !slices.Contains(picked, ids[i]) {
			picked = append(picked, ids[i])
		}
	}
	for _, id := range ids {
		if len(picked) < min(suspectsRoutes, len(ids)) && !slices.Contains(picked, id) {
			picked = append(picked, id)
		}
	}
	if len(picked) == 0 {
		res.unmeasured = "no merge truly reaches a route blastgate finds"
		return res, nil
	}

	// Warm: the module and build caches, and the page cache, by one
	// impact of the whole history.
	if _, err := runIn(ctx, src, []string{cacheDirEnv + "="}, tools.blastgate, "--format", "json", "impact", "--base", since, "--head", "HEAD"); err != nil {
		return nil, fmt.Errorf("warm-up impact: %w", err)
	}
	start := time.Now()
	for _, m := range res.merges {
		if _, err := runIn(ctx, src, []string{cacheDirEnv + "="}, tools.blastgate, "--format", "json", "impact", "--base", m.Parent, "--head", m.SHA); err != nil {
			return nil, fmt.Errorf("impact of %s: %w", m.Change, err)
		}
	}
	res.impactTime = time.Since(start)
	logf("%d impact runs: %s", len(res.merges), res.impactTime.Round(time.Millisecond))

	// The first route's suspects start from an empty cache directory
	// (timed against the impact runs); the others reuse what it cached,
	// as an on-call engineer asking about a second page does.
	cacheDir := filepath.Join(dir, "suspects-cache")
	if err := os.RemoveAll(cacheDir); err != nil {
		return nil, err
	}
	for i, id := range picked {
		res.routes = append(res.routes, scoreSuspects(ctx, src, tools, id, since, cacheDir, res.merges))
		r := res.routes[len(res.routes)-1]
		r.Cached = i > 0
		res.routes[len(res.routes)-1] = r
		logf("suspects %q: %d true, %d listed, recall %d/%d, %s (%s of the impact runs; cached: %v)", id, r.True, r.Listed, r.Recalled, r.True,
			r.Time.Round(time.Millisecond), ratioF(r.Time.Seconds(), res.impactTime.Seconds()), r.Cached)
	}
	return res, nil
}

// cacheDirEnv is blastgate's cache directory variable, set empty for
// the impact runs: none reuses an earlier run's results.
const cacheDirEnv = "BLASTGATE_CACHE_DIR"

// suspectsJSON is the part of suspects' JSON the benchmark reads.
type suspectsJSON struct {
	Suspects    []struct{ Commit string } `json:"suspects"`
	NotAnalysed []struct {
		Commit, Reason string
	} `json:"not_analysed"`
}

func scoreSuspects(ctx context.Context, src string, tools *toolset, id, since, cacheDir string, merges []merge) suspectsRoute {
	r := suspectsRoute{ID: id}
	start := time.Now()
	out, err := runIn(ctx, src, []string{cacheDirEnv + "=" + cacheDir}, tools.blastgate, "--format", "json", "suspects", id, "--since", since)
	r.Time = time.Since(start)
	var s suspectsJSON
	if err == nil {
		err = json.Unmarshal(out, &s)
	}
	if err != nil {
		r.ExitError = firstLines(err.Error(), 3)
	}
	listed := map[string]bool{}
	for _, x := range s.Suspects {
		listed[x.Commit] = true
	}
	for _, x := range s.NotAnalysed {
		listed[x.Commit] = true
	}
	r.Listed = len(listed)
	for _, m := range merges {
		switch {
		case m.True[id] && listed[m.SHA]:
			r.True++
			r.Recalled++
		case m.True[id]:
			r.True++
			r.Missed = append(r.Missed, m.Change)
		case listed[m.SHA]:
			r.Extra++
		}
	}
	return r
}

// buildHistory commits suspectsMerges merges on the current branch, in
// turn an application edit, another page's edit, and a change that is
// not Go.
func buildHistory(ctx context.Context, src string, appEdits, pages []edit, reaches map[string]map[string]bool) ([]merge, error) {
	mainBranch, err := runIn(ctx, src, nil, "git", "rev-parse", "--abbrev-ref", "HEAD")
	if err != nil {
		return nil, err
	}
	branch := strings.TrimSpace(string(mainBranch))
	nonGo := []string{"README.md", "docs/operations.md", "deploy/values.yaml"}
	var merges []merge
	for i := 0; i < suspectsMerges; i++ {
		parent, err := revParse(ctx, src, "HEAD")
		if err != nil {
			return nil, err
		}
		topic := fmt.Sprintf("change-%02d", i)
		if err := git(ctx, src, "checkout", "-q", "-b", topic); err != nil {
			return nil, err
		}
		m := merge{Parent: parent, True: map[string]bool{}}
		var e *edit
		switch i % 3 {
		case 0:
			e = &appEdits[(i/3)%len(appEdits)]
		case 1:
			e = &pages[(i/3)%len(pages)]
		default:
			f := nonGo[(i/3)%len(nonGo)]
			m.Change = "edit " + f
			if err := appendLine(filepath.Join(src, filepath.FromSlash(f)), fmt.Sprintf("change %d", i)); err != nil {
				return nil, err
			}
			if err := git(ctx, src, "add", "-f", f); err != nil {
				return nil, err
			}
		}
		if e != nil {
			m.Change, m.Go = "edit "+e.Name, true
			m.True = reaches[e.Name]
			path := filepath.Join(src, filepath.FromSlash(e.File))
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			edited, err := insertInFunc(path, data, map[string]string{e.Func: fmt.Sprintf(`_ = "blastgate bench change %d"`, i)})
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, edited, 0o644); err != nil {
				return nil, err
			}
		}
		if err := git(ctx, src, "commit", "-q", "-am", fmt.Sprintf("%s (%d)", m.Change, i)); err != nil {
			return nil, err
		}
		if err := git(ctx, src, "checkout", "-q", branch); err != nil {
			return nil, err
		}
		if err := git(ctx, src, "merge", "-q", "--no-ff", "-m", fmt.Sprintf("Merge pull request #%d from bench/%s", i+1, topic), topic); err != nil {
			return nil, err
		}
		if m.SHA, err = revParse(ctx, src, "HEAD"); err != nil {
			return nil, err
		}
		merges = append(merges, m)
	}
	return merges, nil
}

func appendLine(path, line string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(f, line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func revParse(ctx context.Context, dir, rev string) (string, error) {
	out, err := runIn(ctx, dir, nil, "git", "rev-parse", rev)
	return strings.TrimSpace(string(out)), err
}

// pageEdits are edits to the handlers of other pages: the entries of
// blastgate's routes that are named functions or methods of the module
// (not closures), found in its source, other than the edits already
// chosen; at most suspectsPages, in order of entry.
func pageEdits(src string, ms *moduleSource, routes []feature, chosen []edit) []edit {
	taken := map[string]bool{}
	for _, e := range chosen {
		taken[e.File+":"+e.Func] = true
	}
	entries := map[string]bool{}
	for _, r := range routes {
		if moduleFunc(r.Entry, ms.module) && !strings.Contains(r.Entry, "$") {
			entries[r.Entry] = true
		}
	}
	var out []edit
	for _, entry := range sortedKeys(entries) {
		if len(out) == suspectsPages {
			break
		}
		pkg := entryPackage(entry)
		name := strings.TrimPrefix(entry, pkg+".")
		recv, fn, isMethod := strings.Cut(name, ".")
		if isMethod {
			recv = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(recv, "("), "*"), ")")
			name = recv + "." + fn
		}
		if strings.ContainsAny(name, "[]()*") {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, ms.module), "/")
		file := findFunc(filepath.Join(src, filepath.FromSlash(rel)), name)
		if file == "" {
			continue
		}
		if rel != "" {
			file = rel + "/" + file
		}
		if taken[file+":"+name] {
			continue
		}
		taken[file+":"+name] = true
		out = append(out, edit{Name: "page " + filepath.Base(pkg) + "." + name, Kind: "page", File: file, Func: name})
	}
	return out
}

// findFunc is the file of dir (not a test) that declares the function
// (Name, or Recv.Name), "" if none does.
func findFunc(dir, name string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	fset := token.NewFileSet()
	for _, de := range entries {
		if !strings.HasSuffix(de.Name(), ".go") || strings.HasSuffix(de.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, de.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				n = recvType(fd.Recv.List[0].Type) + "." + n
			}
			if n == name {
				return de.Name()
			}
		}
	}
	return ""
}

// suspectsChecks holds the figures to their targets.
func suspectsChecks(results []*suspectsResult) verdict {
	var v verdict
	v.Targets = []string{
		"recall 100% for each route: every merge whose edit truly reaches it is listed",
		fmt.Sprintf("listed / true <= %.1fx for each route", maxListedOfTrue),
		fmt.Sprintf("suspects' wall time, from an empty cache directory, <= %.1fx that of one impact run per merge (without one), for each application's first route (warm Go caches)", maxSuspectsTime),
	}
	miss := func(format string, args ...any) { v.Missed = append(v.Missed, fmt.Sprintf(format, args...)) }
	for _, r := range results {
		name := r.app.Name
		if r.unmeasured != "" {
			v.Unmeasured = append(v.Unmeasured, name+": "+r.unmeasured)
			continue
		}
		if len(r.routes) < suspectsRoutes {
			miss("%s: only %d routes truly reached by a merge, target %d", name, len(r.routes), suspectsRoutes)
		}
		for _, rt := range r.routes {
			route := name + ": " + rt.ID
			if rt.ExitError != "" {
				v.Unmeasured = append(v.Unmeasured, route+": suspects failed: "+rt.ExitError)
				continue
			}
			if len(rt.Missed) > 0 {
				miss("%s: recall %d of %d, target 100%%; not listed: %s", route, rt.Recalled, rt.True, strings.Join(rt.Missed, ", "))
			}
			if float64(rt.Listed) > maxListedOfTrue*float64(rt.True) {
				miss("%s: listed / true %d / %d = %s, target <= %.1fx", route, rt.Listed, rt.True, ratio(rt.Listed, rt.True), maxListedOfTrue)
			}
		}
		if len(r.routes) > 0 && r.routes[0].Time.Seconds() > maxSuspectsTime*r.impactTime.Seconds() {
			miss("%s: suspects %s (empty cache) against %s for the %d impact runs: %s, target <= %.1fx", name,
				r.routes[0].Time.Round(time.Millisecond), r.impactTime.Round(time.Millisecond), len(r.merges),
				ratioF(r.routes[0].Time.Seconds(), r.impactTime.Seconds()), maxSuspectsTime)
		}
	}
	return v
}

func printSuspects(w io.Writer, results []*suspectsResult, v verdict) {
	fmt.Fprintf(w, "Machine: %s/%s, %d CPUs, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(w, "| application | merges (Go) | route | true suspects | listed | recall | listed / true | suspects | %d impact runs | time ratio |\n", suspectsMerges)
	fmt.Fprintln(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		if r.unmeasured != "" {
			fmt.Fprintf(w, "| %s | | not measured: %s | | | | | | | |\n", r.app.Name, r.unmeasured)
			continue
		}
		for _, rt := range r.routes {
			cached := ""
			if rt.Cached {
				cached = " (cached)"
			}
			fmt.Fprintf(w, "| %s | %d (%d) | `%s` | %d | %d | %s | %s | %.1f s%s | %.1f s | %s |\n", r.app.Name, len(r.merges), r.goMerges,
				rt.ID, rt.True, rt.Listed, pct(rt.Recalled, rt.True), ratio(rt.Listed, rt.True),
				rt.Time.Seconds(), cached, r.impactTime.Seconds(), ratioF(rt.Time.Seconds(), r.impactTime.Seconds()))
		}
	}
	fmt.Fprintln(w)
	for _, r := range results {
		if len(r.edited) > 0 {
			fmt.Fprintf(w, "- %s: functions edited (the tests run them): %s", r.app.Name, strings.Join(r.edited, ", "))
			if len(r.dropped) > 0 {
				fmt.Fprintf(w, "; candidates the tests never run, not edited: %s", strings.Join(r.dropped, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)
	printVerdict(w, v)
}

package main

// The cold-start bench (go run ./bench -coldstart): blastgate impact on
// a fresh runner, whose build cache is empty and whose module cache is
// filled, against go vet ./... on the same tree, also cold; then the
// warm run against go list -deps -test. All measured back to back in
// one run, since the machine's load moves every figure but not much
// their ratios.
//
// Targets (issue 16): cold impact <= 0.2x cold go vet; warm impact <=
// 2x go list -deps -test. It also runs the export-data load cold
// (BLASTGATE_DEPS=export, the load before dependencies could come from
// source) for the before figure, and checks that impact and features
// print the same JSON with the dependencies from source and from
// export data.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

const (
	coldstartApp    = "miniflux"
	coldstartFile   = "internal/reader/sanitizer/sanitizer.go"
	coldstartAnchor = "func findAllowedIframeSourceDomain(iframeSourceURL string) (string, bool) {\n"
	coldColdTarget  = 0.2
	coldWarmTarget  = 2.0
	// coldWarmRuns is how many times the warm runs are repeated, alternated.
	coldWarmRuns = 5
)

func runColdstart(work string, reportOnly, warmOnly bool) error {
	ctx := context.Background()
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "cmd", "blastgate")); err != nil {
		return fmt.Errorf("run it from the blastgate repository root: go run ./bench -coldstart")
	}
	var a *app
	for i := range apps {
		if apps[i].Name == coldstartApp {
			a = &apps[i]
		}
	}
	if a == nil {
		return fmt.Errorf("no application %s in apps.go", coldstartApp)
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "blastgate-coldstart-"); err != nil {
			return err
		}
	}
	bg := filepath.Join(work, "bin", "blastgate")
	logf("building blastgate into %s", bg)
	if _, err := runIn(ctx, repo, nil, "go", "build", "-o", bg, "./cmd/blastgate"); err != nil {
		return err
	}
	src := filepath.Join(work, a.Name, "src")
	logf("fetching %s", a.Module)
	if err := fetch(ctx, *a, filepath.Join(work, a.Name), src); err != nil {
		return err
	}
	// The module cache filled, as on a runner after go mod download.
	if _, err := runIn(ctx, src, nil, "go", "mod", "download"); err != nil {
		return err
	}
	file := filepath.Join(src, filepath.FromSlash(coldstartFile))
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if !bytes.Contains(text, []byte(coldstartAnchor)) {
		return fmt.Errorf("%s: no %q to edit", coldstartFile, strings.TrimSpace(coldstartAnchor))
	}
	text = bytes.Replace(text, []byte(coldstartAnchor), []byte(coldstartAnchor+"\t_ = 0 // the cold-start edit\n"), 1)
	if err := os.WriteFile(file, text, 0o644); err != nil {
		return err
	}
	if err := git(ctx, src, "commit", "-q", "-a", "-m", "edit: "+coldstartFile); err != nil {
		return err
	}

	// Build caches are large (1-2 GB each): removed however the run ends.
	var caches []string
	defer func() {
		for _, c := range caches {
			os.RemoveAll(c)
		}
	}()
	freshCache := func() (string, error) {
		c, err := os.MkdirTemp(work, "gocache-")
		caches = append(caches, c)
		return c, err
	}
	impactArgs := []string{"--format", "json", "impact", "--base", "HEAD~1"}
	var coldImpact, coldVet, coldExport cost
	var warmImpact, warmCached, goList timing
	// Warm: the build cache the export-data run filled (with -warm-only,
	// the user's).
	var warm []string
	if !warmOnly {
		logf("cold blastgate impact (empty build cache)")
		c1, err := freshCache()
		if err != nil {
			return err
		}
		if coldImpact, _, err = coldTimed(ctx, src, []string{"GOCACHE=" + c1}, bg, impactArgs...); err != nil {
			return err
		}
		logf("cold go vet ./... (empty build cache)")
		c2, err := freshCache()
		if err != nil {
			return err
		}
		if coldVet, _, err = coldTimed(ctx, src, []string{"GOCACHE=" + c2}, "go", "vet", "./..."); err != nil {
			return err
		}
		logf("cold blastgate impact, BLASTGATE_DEPS=export (the load before)")
		c3, err := freshCache()
		if err != nil {
			return err
		}
		if coldExport, _, err = coldTimed(ctx, src, []string{"GOCACHE=" + c3, "BLASTGATE_DEPS=export"}, bg, impactArgs...); err != nil {
			return err
		}
		os.RemoveAll(c1)
		os.RemoveAll(c2)
		warm = []string{"GOCACHE=" + c3}
	} else {
		// The user's build cache lacks the module's own packages (a new
		// directory): one export-data run compiles them, as the cold
		// one does otherwise.
		logf("warming the build cache (BLASTGATE_DEPS=export)")
		if _, _, err := coldTimed(ctx, src, []string{"BLASTGATE_DEPS=export"}, bg, impactArgs...); err != nil {
			return err
		}
	}

	// With --cache-dir: the dependencies' types kept by module version,
	// filled by a first run; each timed run finds no analysed change
	// (the entries are removed), so it loads and analyses in full.
	typesDir := filepath.Join(work, "cache-dir")
	os.RemoveAll(typesDir)
	defer os.RemoveAll(typesDir)
	cachedArgs := append([]string{"--cache-dir", typesDir}, impactArgs...)
	if _, _, err := coldTimed(ctx, src, warm, bg, cachedArgs...); err != nil {
		return err
	}

	// coldWarmRuns of each, alternated, and their medians (the
	// machine's load moves single runs by a factor of two).
	logf("warm blastgate impact (without and with --cache-dir) and go list -deps -test, %d times each, alternated", coldWarmRuns)
	var lists, impacts, cached []timing
	var uncachedOut, cachedOut []byte
	for i := 0; i < coldWarmRuns; i++ {
		l, _, err := coldTimedCPU(ctx, src, warm, "go", "list", "-deps", "-test", "./...")
		if err != nil {
			return err
		}
		b, out, err := coldTimedCPU(ctx, src, warm, bg, impactArgs...)
		if err != nil {
			return err
		}
		uncachedOut = out
		if err := removeAnalyses(typesDir); err != nil {
			return err
		}
		c, out, err := coldTimedCPU(ctx, src, warm, bg, cachedArgs...)
		if err != nil {
			return err
		}
		cachedOut = out
		lists, impacts, cached = append(lists, l), append(impacts, b), append(cached, c)
	}
	goList, warmImpact, warmCached = medianTiming(lists), medianTiming(impacts), medianTiming(cached)

	logf("impact and features: dependencies from source against export data")
	var same []string
	if !bytes.Equal(uncachedOut, cachedOut) {
		same = append(same, "impact: the JSON differs with the dependencies' types from --cache-dir")
	}
	for _, args := range [][]string{impactArgs, {"--format", "json", "features"}} {
		_, fromSource, err := coldTimed(ctx, src, append(warm, "BLASTGATE_DEPS=source"), bg, args...)
		if err != nil {
			return err
		}
		_, fromExport, err := coldTimed(ctx, src, append(warm, "BLASTGATE_DEPS=export"), bg, args...)
		if err != nil {
			return err
		}
		if !bytes.Equal(fromSource, fromExport) {
			same = append(same, fmt.Sprintf("%s: the JSON differs between BLASTGATE_DEPS=source and =export", args[2]))
		}
	}
	if !warmOnly {
		os.RemoveAll(strings.TrimPrefix(warm[0], "GOCACHE="))
	}

	coldRatio := coldImpact.Wall.Seconds() / coldVet.Wall.Seconds()
	warmRatio := warmImpact.Wall.Seconds() / goList.Wall.Seconds()
	cachedRatio := warmCached.Wall.Seconds() / goList.Wall.Seconds()
	fmt.Printf("## Cold start: %s, one-line edit in %s\n\n", a.Module, coldstartFile)
	fmt.Printf("| run | time | peak RSS |\n|---|---|---|\n")
	row := func(name string, c cost) { fmt.Printf("| %s | %.2f s | %d MB |\n", name, c.Wall.Seconds(), c.RSS>>20) }
	if !warmOnly {
		row("cold `blastgate impact`", coldImpact)
		row("cold `go vet ./...`", coldVet)
		row("cold `blastgate impact`, BLASTGATE_DEPS=export (before)", coldExport)
	}
	warmRow := func(name string, t timing) {
		fmt.Printf("| %s, median of %d | %.2f s (CPU %.2f s) | %d MB |\n", name, coldWarmRuns, t.Wall.Seconds(), t.CPU.Seconds(), t.RSS>>20)
	}
	warmRow("warm `blastgate impact`", warmImpact)
	warmRow("warm `blastgate impact --cache-dir` (types cached)", warmCached)
	warmRow("warm `go list -deps -test ./...`", goList)
	fmt.Println()
	if !warmOnly {
		fmt.Printf("cold impact / cold go vet: %.2fx (target <= %.1fx; before: %.2fx)\n", coldRatio, coldColdTarget, coldExport.Wall.Seconds()/coldVet.Wall.Seconds())
	}
	fmt.Printf("warm impact / go list -deps -test: %.2fx (target <= %.1fx); in CPU time %.2fx\n", warmRatio, coldWarmTarget, warmImpact.CPU.Seconds()/goList.CPU.Seconds())
	fmt.Printf("warm impact --cache-dir / go list -deps -test: %.2fx (target <= %.1fx); in CPU time %.2fx\n", cachedRatio, coldWarmTarget, warmCached.CPU.Seconds()/goList.CPU.Seconds())
	fmt.Printf("warm runs (wall, s): impact %s; impact --cache-dir %s; go list %s\n", walls(impacts), walls(cached), walls(lists))
	if len(same) == 0 {
		fmt.Println("impact and features JSON: identical with dependencies from source, from export data and from --cache-dir")
	}
	if len(same) > 0 {
		return fmt.Errorf("outputs differ (a load bug):\n  %s", strings.Join(same, "\n  "))
	}
	var missed []string
	if !warmOnly && coldRatio > coldColdTarget {
		missed = append(missed, fmt.Sprintf("cold impact %.2fx cold go vet (target <= %.1fx)", coldRatio, coldColdTarget))
	}
	if min(warmRatio, cachedRatio) > coldWarmTarget {
		missed = append(missed, fmt.Sprintf("warm impact %.2fx go list -deps -test, %.2fx with --cache-dir (target <= %.1fx)", warmRatio, cachedRatio, coldWarmTarget))
	}
	if len(missed) > 0 && !reportOnly {
		return fmt.Errorf("target missed (-report-only reports them without failing):\n  %s", strings.Join(missed, "\n  "))
	}
	return nil
}

// coldTimed runs a command in dir with env added, and returns its cost and
// standard output; BLASTGATE_CACHE_DIR is emptied so that no analysis
// cache is read.
func coldTimed(ctx context.Context, dir string, env []string, name string, args ...string) (cost, []byte, error) {
	return timedRun(ctx, dir, env, nil, name, args...)
}

// timedRun is coldTimed, and sets *cpu (when not nil) to the command's
// CPU time.
func timedRun(ctx context.Context, dir string, env []string, cpu *time.Duration, name string, args ...string) (cost, []byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "BLASTGATE_CACHE_DIR="), env...)
	var stdout bytes.Buffer
	var stderr strings.Builder
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return cost{}, nil, fmt.Errorf("%s %s: %v\n%.2000s", name, strings.Join(args, " "), err, stderr.String())
	}
	c := cost{Wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		c.RSS = ru.Maxrss * 1024
	}
	if cpu != nil {
		*cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return c, stdout.Bytes(), nil
}

// timing is a run's cost with its CPU time (user and system, its
// children's included).
type timing struct {
	cost
	CPU time.Duration
}

// coldTimedCPU is coldTimed with the CPU time of the command.
func coldTimedCPU(ctx context.Context, dir string, env []string, name string, args ...string) (timing, []byte, error) {
	var cpu time.Duration
	c, out, err := timedRun(ctx, dir, env, &cpu, name, args...)
	return timing{cost: c, CPU: cpu}, out, err
}

// medianTiming is the median of each measure of ts (taken apart: the
// median wall time and the median CPU time may be different runs'); ts
// is not empty and has an odd length.
func medianTiming(ts []timing) timing {
	median := func(get func(timing) int64) int64 {
		vs := make([]int64, len(ts))
		for i, t := range ts {
			vs[i] = get(t)
		}
		slices.Sort(vs)
		return vs[len(vs)/2]
	}
	return timing{
		cost: cost{
			Wall: time.Duration(median(func(t timing) int64 { return int64(t.Wall) })),
			RSS:  median(func(t timing) int64 { return t.RSS }),
		},
		CPU: time.Duration(median(func(t timing) int64 { return int64(t.CPU) })),
	}
}

// walls lists the runs' wall times, in seconds, in the order they ran.
func walls(ts []timing) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, fmt.Sprintf("%.2f", t.Wall.Seconds()))
	}
	return strings.Join(parts, " ")
}

// removeAnalyses empties a --cache-dir of its analysed changes and
// keeps the dependencies' types (its types directory), so that the next
// run analyses in full with the types cached.
func removeAnalyses(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != "types" {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

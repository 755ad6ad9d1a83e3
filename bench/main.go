// Command bench measures blastgate on real open-source Go web applications
// downloaded from the Go module proxy: the routes it finds against the
// router's own run-time listing, the routes a realistic edit impacts
// against the callers the edited code records while the application's own
// tests run, and its cost against `go list -deps -test` and the VTA call
// graph of golang.org/x/tools/cmd/callgraph, side by side in one run.
//
//	go run ./bench                 # every application
//	go run ./bench -apps mailpit   # one
//
// Nothing it downloads is committed: the work directory defaults to a
// temporary one.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	only := flag.String("apps", "", "comma-separated application names (default: all)")
	work := flag.String("work", "", "work directory (default: a new temporary directory)")
	skipCost := flag.Bool("skip-cost", false, "skip the cost comparison (callgraph -algo=vta is slow)")
	testTimeout := flag.Duration("test-timeout", 15*time.Minute, "limit for each run of an application's tests")
	flag.Parse()
	if err := run(*only, *work, *skipCost, *testTimeout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(only, work string, skipCost bool, testTimeout time.Duration) error {
	ctx := context.Background()
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "cmd", "blastgate")); err != nil {
		return fmt.Errorf("run it from the blastgate repository root: go run ./bench")
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "blastgate-bench-"); err != nil {
			return err
		}
	}
	bin := filepath.Join(work, "bin")
	tools := &toolset{
		blastgate: filepath.Join(bin, "blastgate"),
		callgraph: filepath.Join(bin, "callgraph"),
	}
	logf("building blastgate and callgraph into %s", bin)
	if _, err := runIn(ctx, repo, nil, "go", "build", "-o", tools.blastgate, "./cmd/blastgate"); err != nil {
		return err
	}
	if !skipCost {
		if _, err := runIn(ctx, repo, nil, "go", "build", "-o", tools.callgraph, "golang.org/x/tools/cmd/callgraph"); err != nil {
			return err
		}
	}
	var results []*appResult
	for _, a := range apps {
		if only != "" && !slices.Contains(strings.Split(only, ","), a.Name) {
			continue
		}
		logf("== %s (%s, %s)", a.Name, a.Module, a.Router)
		r, err := measure(ctx, a, filepath.Join(work, a.Name), tools, skipCost, testTimeout)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		results = append(results, r)
	}
	if len(results) == 0 {
		return fmt.Errorf("-apps %q names no application", only)
	}
	printReport(os.Stdout, results)
	return regressions(results)
}

// regressions fails the run on what must never regress: a route the
// router lists that blastgate misses (below 95%), and a route that
// reached an edit in the tests that blastgate does not impact.
func regressions(results []*appResult) error {
	var bad []string
	for _, r := range results {
		if r.routes.Truth > 0 && r.routes.Found*100 < 95*r.routes.Truth {
			bad = append(bad, fmt.Sprintf("%s: %d of %d routes found", r.app.Name, r.routes.Found, r.routes.Truth))
		}
		for _, e := range r.edits {
			if len(e.Missed) > 0 {
				bad = append(bad, fmt.Sprintf("%s: %s misses %s", r.app.Name, e.Edit.Name, strings.Join(e.Missed, ", ")))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("regression:\n  %s", strings.Join(bad, "\n  "))
	}
	return nil
}

// toolset are the binaries measured.
type toolset struct{ blastgate, callgraph string }

// appResult is everything measured on one application.
type appResult struct {
	app    app
	routes routeScore
	edits  []editScore
	cost   *costScore
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

// runIn runs a command in dir and returns its standard output; the error
// carries its standard error.
func runIn(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := stderr.String()
		if len(msg) > 4000 {
			msg = msg[len(msg)-4000:]
		}
		return out, fmt.Errorf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, msg)
	}
	return out, nil
}

func git(ctx context.Context, dir string, args ...string) error {
	_, err := runIn(ctx, dir, []string{"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com"}, "git", args...)
	return err
}

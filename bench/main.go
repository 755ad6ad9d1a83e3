// Command bench measures blastgate on real open-source Go web applications
// downloaded from the Go module proxy: the routes it finds against the
// router's own run-time listing, the routes a realistic edit impacts
// against the callers the edited code records while the application's own
// tests run, and its cost against `go list -deps -test` and the VTA call
// graph of golang.org/x/tools/cmd/callgraph, side by side in one run.
//
//	go run ./bench                 # every application, every target
//	go run ./bench -apps mailpit   # one (-skip-cost: without the VTA call graph)
//	go run ./bench -smoke          # mailpit, a helper and a handler edit, no cost: a few minutes
//	go run ./bench -report-only    # report missed targets without failing
//	go run ./bench -driver         # also request every listed route under the app's test setup (driver.go)
//	go run ./bench -grpc           # only gRPC servers: methods found against GetServiceInfo (grpc.go)
//	go run ./bench -cli            # CLI subcommands against run-time command trees (cli.go)
//	go run ./bench -suspects -apps gotify,mailpit   # suspects over 50 merges against the truth (suspects.go)
//	go run ./bench -coldstart      # cold impact against cold go vet, on an empty build cache (coldstart.go)
//
// The truth is never blastgate's own output. An edit's true routes are
// the routes the router lists (the lister's run-time handlers; for
// net/http without a lister, the registration literals the bench parses)
// whose identifying function was on a stack recorded through the edited
// code while the tests ran: the handler the router holds when it is a
// function of the module or a closure only that route holds, else the
// module function its registration literal names (middleware's closure
// is shared by every route it wraps). A route no module function
// identifies (a file server) is not checkable and left out. Each true
// route is matched to blastgate's routes as the route scoring matches
// them; one blastgate did not report, or did not impact, is a miss.
//
// The test-credit truth (credit.go; -skip-credit leaves it out, -smoke
// never runs it) runs each top-level test of the application alone under
// coverage of the whole module: a test exercises a route when it passed
// and executed a statement of the route's handler, identified as above.
// Credit recall is the share of the routes some test exercises that
// blastgate credits with at least one of those tests (target >= 90%, per
// application); a false credit is a (route, test) pair blastgate credits
// where the test passed alone without executing the handler: it fails the
// run even with -report-only, since it is a gate bug.
//
// The run fails (exit 1) when it could not measure, -report-only or not:
// an application whose router listed no route, an edit whose instrumented
// test run failed (after one more run of the packages that failed, for
// flaky tests) or recorded no stack through it. What an application's
// tests cannot run here is declared in apps.go with its reason (NoTest
// packages, SkipTests), and so is an application whose tests reach no
// handler at all (NoTruth: miniflux's need PostgreSQL): its edits measure
// only impacted / package level, and the report says so.
//
// It fails too, unless -report-only, when a target printed is missed;
// every target printed is checked, and a figure that is not checked is
// printed without one:
//
//   - routes found >= 95% of those listed, and the right entry for >= 95%
//     of the found routes whose entry can be checked, per application;
//   - no wrong id, per application: no blastgate route whose id names a
//     route the router serves (by its handler, or by a dropped prefix)
//     with static parts that differ from the path it serves, placeholders
//     and path parameters read as wildcards (wrongIDs in routes.go);
//   - recall 100% per edit: every true route impacted (an edit with no
//     true route misses it: recall was not measured);
//   - impacted <= 1.5x true and <= 0.2x package level, each summed over
//     the run's edits (impacted / true over those with a true route). The
//     true set is only what the tests happen to request, so one edit's
//     ratio says as much about its tests as about blastgate, and the sum
//     over the sum weighs every route alike rather than letting the edit
//     with the fewest true routes decide. -smoke does not hold them: two
//     edits are not the benchmark's sample;
//   - time and memory <= 0.5x callgraph -algo=vta's, and a cached re-run
//     <= 1.5x go list's time, per application (not with -skip-cost or
//     -smoke, which do not measure the cost).
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
	reportOnly := flag.Bool("report-only", false, "report missed targets without failing (a measurement that could not be made still fails)")
	smoke := flag.Bool("smoke", false, "a few minutes' end-to-end run: "+smokeApp+", edits "+strings.Join(smokeEdits, " and ")+", no cost step")
	skipCredit := flag.Bool("skip-credit", false, "skip the test-credit truth (every top-level test run alone under coverage: slow)")
	skipProof := flag.Bool("skip-proof", false, "skip the proof cost (blastgate run with proof against go test -json on the first edit)")
	testTimeout := flag.Duration("test-timeout", 15*time.Minute, "limit for each run of an application's tests (for the credit truth: of each test run alone)")
	grpc := flag.Bool("grpc", false, "only the gRPC benchmark (grpc.go): RPC methods found against each server's GetServiceInfo")
	cli := flag.Bool("cli", false, "measure CLI subcommands instead (cli.go): the tools in cliApps against their command trees walked at run time")
	suspects := flag.Bool("suspects", false, "measure suspects instead (suspects.go): a history of "+fmt.Sprint(suspectsMerges)+" merges per application (default -apps "+defaultSuspectsApps+"), three routes against the truth, and the time against impact")
	flag.BoolVar(&driveRoutes, "driver", false, "also drive every listed route once under the application's test setup (driver.go): the true set is the tests' and the driver's")
	coldstart := flag.Bool("coldstart", false, "measure the cold start instead (coldstart.go): impact and go vet on an empty build cache, miniflux")
	warmOnly := flag.Bool("warm-only", false, "with -coldstart: only the warm runs, on the user's build cache")
	flag.Parse()
	if *coldstart {
		if err := runColdstart(*work, *reportOnly, *warmOnly); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *suspects {
		if err := runSuspectsBench(*only, *work, *reportOnly, *testTimeout); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *grpc {
		if err := runGRPC(context.Background(), *work, *only); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *cli {
		if err := runCLIBench(*only, *work, *reportOnly); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *smoke {
		if *only != "" || *skipCost || *skipCredit || *skipProof {
			fmt.Fprintln(os.Stderr, "bench: -smoke chooses its application and skips the cost, credit and proof steps: no -apps, -skip-cost, -skip-credit or -skip-proof with it")
			os.Exit(2)
		}
	}
	if err := run(*only, *work, *skipCost, *skipCredit, *skipProof, *reportOnly, *smoke, *testTimeout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// The smoke run: the smallest application with a route lister, and the
// function edits its tests reach, without the cost step.
const smokeApp = "mailpit"

var smokeEdits = []string{"storage.GetMessage", "apiv1.Search"}

func run(only, work string, skipCost, skipCredit, skipProof, reportOnly, smoke bool, testTimeout time.Duration) error {
	ctx := context.Background()
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "cmd", "blastgate")); err != nil {
		return fmt.Errorf("run it from the blastgate repository root: go run ./bench")
	}
	selected, err := selectApps(apps, only, smoke)
	if err != nil {
		return err
	}
	if smoke {
		skipCost, skipCredit, skipProof = true, true, true
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
	for _, a := range selected {
		logf("== %s (%s, %s)", a.Name, a.Module, a.Router)
		r, err := measure(ctx, a, filepath.Join(work, a.Name), tools, skipCost, skipCredit, skipProof, testTimeout)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		results = append(results, r)
	}
	v := checks(results, !smoke)
	driverChecks(results, &v)
	printReport(os.Stdout, results, v)
	return v.err(reportOnly)
}

// selectApps is the applications -apps names (all by default); for
// -smoke, the smoke application with only its smoke edits.
func selectApps(all []app, only string, smoke bool) ([]app, error) {
	if smoke {
		only = smokeApp
	}
	var out []app
	for _, a := range all {
		if only != "" && !slices.Contains(strings.Split(only, ","), a.Name) {
			continue
		}
		if smoke {
			var edits []edit
			for _, e := range a.Edits {
				if slices.Contains(smokeEdits, e.Name) {
					edits = append(edits, e)
				}
			}
			if len(edits) != len(smokeEdits) {
				return nil, fmt.Errorf("-smoke: %s has not the edits %s", a.Name, strings.Join(smokeEdits, ", "))
			}
			a.Edits = edits
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-apps %q names no application", only)
	}
	return out, nil
}

// toolset are the binaries measured.
type toolset struct{ blastgate, callgraph string }

// appResult is everything measured on one application.
type appResult struct {
	app    app
	routes routeScore
	edits  []editScore
	cost   *costScore
	// credit is the test-credit score; nil when not measured (-skip-credit,
	// -smoke, or an application whose tests give no truth).
	credit *creditScore
	// proof is blastgate run's cost with proof on the first edit; nil
	// when not measured (-skip-proof, -smoke).
	proof *proofCost
	// unproven is the first edit that run leaves with an unproven feature
	// (else the first edit's verdict); nil when not measured.
	unproven *unprovenEdit
	// driven is what the route driver requested (driver.go), "" when not run.
	driven string
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

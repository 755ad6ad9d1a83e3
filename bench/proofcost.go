package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxRunVsGoTest is issue 13's target: blastgate run, recording proof,
// against go test -json -run of the same tests without coverage.
const maxRunVsGoTest = 1.3

// proofCost is run's wall time with proof against go test -json -run
// of the same tests without coverage, on the first edit's tree.
type proofCost struct {
	Tests          int           // planned tests
	GoTest, Run    time.Duration // each after a warm-up run of both
	Analysis       time.Duration // blastgate plan: the analysis run does before any test
	Reruns         int           // tests run again alone for attribution
	CoverPackages  int           // packages coverage measured (-coverpkg)
	Unmeasured     string        // why not, when it was not measured
	Verdict, Proof string        // run's verdict; proofs of its credited tests, "coverage 3, none 1"
	Statuses       string        // the impacted features' statuses, "covered 30, unproven 2"
	Unproven       string        // the first unproven feature and why, "GET /x: TestX passed with the test double ..."
}

// measureProofCost times, on the edited tree at src, go test -count=1
// -json -run RUN PKGS (the plan's tests, no coverage) and blastgate run
// --base HEAD~1 (the same tests, with coverage recorded per test, reruns
// and the verdict included), each once after a warm-up of both, so that
// neither pays for compiling what the other already compiled.
func measureProofCost(ctx context.Context, src string, tools *toolset, timeout time.Duration) *proofCost {
	var pc proofCost
	out, _, err := timed(ctx, src, timeout, tools.blastgate, "--format", "json", "plan", "--base", "HEAD~1")
	if err != nil {
		pc.Unmeasured = "plan: " + firstLines(err.Error(), 3)
		return &pc
	}
	var plan struct {
		Tests    []json.RawMessage
		Commands []struct {
			Packages []string
			Run      string
		}
	}
	if err := json.Unmarshal(out, &plan); err != nil {
		pc.Unmeasured = fmt.Sprintf("plan: %v", err)
		return &pc
	}
	pc.Tests = len(plan.Tests)
	if pc.Tests == 0 {
		pc.Unmeasured = "the edit plans no test"
		return &pc
	}
	if len(plan.Commands) != 1 {
		pc.Unmeasured = fmt.Sprintf("plan: %d commands, not one", len(plan.Commands))
		return &pc
	}
	goTest := append([]string{"test", "-count=1", "-json", "-run", plan.Commands[0].Run}, plan.Commands[0].Packages...)
	run := []string{"--format", "json", "run", "--base", "HEAD~1"}
	var report []byte
	var stderr string
	for i := range 2 { // a warm-up, then the measurement
		var goErr, runErr error
		_, pc.GoTest, goErr = timed(ctx, src, timeout, "go", goTest...)
		_, pc.Analysis, _ = timed(ctx, src, timeout, tools.blastgate, "--format", "json", "plan", "--base", "HEAD~1")
		report, pc.Run, runErr = timed(ctx, src, timeout, tools.blastgate, run...)
		if runErr != nil {
			stderr = runErr.Error()
		}
		if i == 0 && (isStartError(goErr) || !gateExit(runErr)) {
			pc.Unmeasured = "blastgate run: " + firstLines(fmt.Sprint(runErr, goErr), 3)
			return &pc
		}
	}
	logf("proof cost: %d tests: go test -json -run %s, blastgate run with proof %s", pc.Tests, pc.GoTest, pc.Run)
	pc.Reruns, pc.CoverPackages, pc.Verdict, pc.Proof = summarizeRun(report, stderr)
	pc.Statuses, pc.Unproven = summarizeStatuses(report)
	return &pc
}

// timed runs a command in dir, returning its standard output, its wall
// time and its error (an *exec.ExitError carries its standard error).
func timed(ctx context.Context, dir string, timeout time.Duration, name string, args ...string) ([]byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		err = fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes(), wall, err
}

// isStartError reports whether the command could not run at all (not a
// test failure, which go test reports with exit status 1).
func isStartError(err error) bool {
	var ee *exec.ExitError
	return err != nil && !errors.As(err, &ee)
}

// gateExit reports whether blastgate run exited 0 or 1 (the gate
// decided), not 2 (an error).
func gateExit(err error) bool {
	var ee *exec.ExitError
	return err == nil || (errors.As(err, &ee) && ee.ExitCode() == 1)
}

var (
	rerunsRE   = regexp.MustCompile(`(?m)^proof: (\d+) tests? rerun alone`)
	coverpkgRE = regexp.MustCompile(`-coverpkg=(\S+)`)
)

// summarizeRun reads what run said: its reruns and -coverpkg on stderr,
// its verdict and the proofs of the credited tests in its JSON report.
func summarizeRun(report []byte, stderr string) (reruns, coverPkgs int, verdict, proofs string) {
	if m := rerunsRE.FindStringSubmatch(stderr); m != nil {
		reruns, _ = strconv.Atoi(m[1])
	}
	if m := coverpkgRE.FindStringSubmatch(stderr); m != nil {
		coverPkgs = len(strings.Split(strings.Trim(m[1], "'"), ","))
	}
	var r struct {
		Verdict  string
		Impacted []struct {
			Tests []struct{ Proof, Result string }
		}
	}
	if json.Unmarshal(report, &r) != nil {
		return reruns, coverPkgs, "", ""
	}
	count := map[string]int{}
	for _, f := range r.Impacted {
		for _, t := range f.Tests {
			if t.Result != "" && t.Result != "not-run" {
				count[cmpOr(t.Proof, "unset")]++
			}
		}
	}
	var parts []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range count {
			if !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, fmt.Sprintf("%s %d", k, count[k]))
	}
	return reruns, coverPkgs, r.Verdict, strings.Join(parts, ", ")
}

// summarizeStatuses counts the impacted features' statuses in run's JSON
// report and quotes the first unproven one with its reason.
func summarizeStatuses(report []byte) (statuses, unproven string) {
	var r struct {
		Impacted []struct{ ID, Status, Reason string }
	}
	if json.Unmarshal(report, &r) != nil {
		return "", ""
	}
	count := map[string]int{}
	for _, f := range r.Impacted {
		count[f.Status]++
		if f.Status == "unproven" && unproven == "" {
			unproven = f.ID + ": " + f.Reason
		}
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(count)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, count[k]))
	}
	return strings.Join(parts, ", "), unproven
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// printProofCost writes the proof cost table, when it was measured.
func printProofCost(w io.Writer, results []*appResult) {
	if !slices.ContainsFunc(results, func(r *appResult) bool { return r.proof != nil }) {
		return
	}
	fmt.Fprintf(w, "| application | planned tests | go test -json -run (no coverage) | blastgate run with proof | run / go test (target <= %.1fx) | of which the analysis (plan) | run without the analysis / go test | coverpkg packages | tests rerun alone | verdict | proofs of the tests that ran |\n", maxRunVsGoTest)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
	for _, r := range results {
		if r.proof == nil {
			continue
		}
		p := r.proof
		if p.Unmeasured != "" {
			fmt.Fprintf(w, "| %s | %d | not measured: %s | | | | | | | | |\n", r.app.Name, p.Tests, strings.ReplaceAll(p.Unmeasured, "\n", " "))
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %d | %d | %s | %s |\n", r.app.Name, p.Tests, p.GoTest.Round(10*time.Millisecond), p.Run.Round(10*time.Millisecond),
			ratioF(p.Run.Seconds(), p.GoTest.Seconds()), p.Analysis.Round(10*time.Millisecond), ratioF((p.Run-p.Analysis).Seconds(), p.GoTest.Seconds()),
			p.CoverPackages, p.Reruns, p.Verdict, p.Proof)
	}
	fmt.Fprintln(w)
	for _, r := range results {
		if u := r.unproven; u != nil && u.Unmeasured == "" {
			fmt.Fprintf(w, "- %s, edit %s: %s (%s)", r.app.Name, u.Edit, u.Verdict, u.Statuses)
			if u.Example != "" {
				fmt.Fprintf(w, "; unproven: %s", u.Example)
			} else {
				fmt.Fprintf(w, "; no edit left a feature unproven")
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)
}

// proofCostMisses lists the applications whose run with proof took more
// than maxRunVsGoTest times go test's time.
func proofCostMisses(results []*appResult) (missed, unmeasured []string) {
	for _, r := range results {
		if r.proof == nil {
			continue
		}
		p := r.proof
		switch {
		case p.Unmeasured != "":
			unmeasured = append(unmeasured, r.app.Name+": proof cost: "+p.Unmeasured)
		case p.Run.Seconds() > maxRunVsGoTest*p.GoTest.Seconds():
			missed = append(missed, fmt.Sprintf("%s: blastgate run with proof took %s, %s go test -json -run's %s, target <= %.1fx", r.app.Name,
				p.Run.Round(10*time.Millisecond), ratioF(p.Run.Seconds(), p.GoTest.Seconds()), p.GoTest.Round(10*time.Millisecond), maxRunVsGoTest))
		}
	}
	return missed, unmeasured
}

// unprovenEdit is an edit's verdict under blastgate run: the statuses of
// its impacted features and, when one is unproven (a credited test passed
// with a double in place of the changed code, or never ran it), that
// feature and why.
type unprovenEdit struct {
	Edit, Verdict, Statuses, Example, Unmeasured string
}

// measureUnproven runs blastgate run --base HEAD~1 on the edited tree at
// src and reads its verdict.
func measureUnproven(ctx context.Context, src string, tools *toolset, timeout time.Duration, edit string) *unprovenEdit {
	u := &unprovenEdit{Edit: edit}
	report, _, err := timed(ctx, src, timeout, tools.blastgate, "--format", "json", "run", "--base", "HEAD~1")
	if err != nil && !gateExit(err) {
		u.Unmeasured = firstLines(err.Error(), 3)
		return u
	}
	var r struct{ Verdict string }
	_ = json.Unmarshal(report, &r)
	u.Verdict = r.Verdict
	u.Statuses, u.Example = summarizeStatuses(report)
	logf("edit %s under run: %s (%s) %s", edit, u.Verdict, u.Statuses, u.Example)
	return u
}

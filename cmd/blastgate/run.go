package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/report"
	"github.com/blastgate/blastgate/results"
)

// planOptions are the command line of plan.
type planOptions struct {
	cmdBase
	rv     revisions
	shards int
}

func parsePlan(g *globals, args []string, s streams) (*planOptions, error) {
	o := &planOptions{cmdBase: cmdBase{g, s}}
	if err := parseCommand(g, "plan", args, s.err, func(fs *flag.FlagSet) {
		o.rv.define(fs)
		fs.IntVar(&o.shards, "shards", 0, "split the tests into `N` balanced groups and print a GitHub Actions matrix")
	}); err != nil {
		return nil, err
	}
	if err := o.rv.check("plan"); err != nil {
		return nil, err
	}
	if o.shards < 0 {
		return nil, usagef("plan: --shards must be positive")
	}
	return o, nil
}

func runPlan(ctx context.Context, o *planOptions) error {
	g, rv, shards, stdout := o.g, o.rv, o.shards, o.s.out
	c, err := openChange(ctx, g, rv, true, nil)
	if err != nil {
		return err
	}
	defer c.close()
	plan := gate.MakePlan(c.report, c.policy(), c.pkgArg, max(shards, 1))
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	switch {
	case shards > 0:
		return enc.Encode(plan.Matrix())
	case g.format == "json":
		return enc.Encode(plan)
	}
	return gate.WritePlanText(stdout, plan, len(c.report.Impacted))
}

// pkgArg turns an import path into a go test argument relative to the
// module root: example.com/shop/prepaid -> ./prepaid. A package of
// another module of a workspace keeps its import path (go test finds it
// through the repository's go.work).
func (c *change) pkgArg(path string) string {
	if c.module == "" {
		return path
	}
	if path == c.module {
		return "."
	}
	if rest, ok := strings.CutPrefix(path, c.module+"/"); ok {
		return "./" + rest
	}
	return path
}

// runOptions are the command line of run.
type runOptions struct {
	cmdBase
	rv  revisions
	out string
	sh  shardFlag
	// extra are the go test flags after --.
	extra []string
}

func parseRun(g *globals, args []string, s streams) (*runOptions, error) {
	o := &runOptions{cmdBase: cmdBase{g, s}}
	fs, err := parseCommandArgs(g, "run", args, s.err, func(fs *flag.FlagSet) {
		o.rv.define(fs)
		fs.StringVar(&o.out, "results-out", "", "keep the raw go test -json output in `FILE` (default: a new file in the temporary directory)")
		fs.Var(&o.sh, "shard", "run only shard `K/N` of plan --shards N, record its proof next to --results-out, and leave the verdict to check")
	})
	if err != nil {
		return nil, err
	}
	if err := o.rv.check("run"); err != nil {
		return nil, err
	}
	if o.sh.n > 0 && o.out == "" {
		return nil, usagef("run: --shard needs --results-out FILE: check --results reads the shards' files (and the proof recorded next to each)")
	}
	o.extra = fs.Args() // go test flags, after --
	for _, a := range o.extra {
		if a == "-json" || strings.HasPrefix(a, "-run") || strings.HasPrefix(a, "-test.run") {
			return nil, usagef("run: %s is blastgate's to set; pass other go test flags after --", a)
		}
	}
	return o, nil
}

func runRun(ctx context.Context, o *runOptions) error {
	g, rv, out, sh, extra, stdout, stderr := o.g, o.rv, o.out, o.sh, o.extra, o.s.out, o.s.err
	c, err := openChange(ctx, g, rv, true, nil)
	if err != nil {
		return err
	}
	defer c.close()
	if out != "" {
		// run never overwrites a file the repository tracks.
		head, err := c.headCommit(ctx)
		if err != nil {
			return err
		}
		if err := head.notTracked(ctx, out); err != nil {
			return usagef("run: --results-out: %v", err)
		}
	}
	plan := gate.MakePlan(c.report, c.policy(), c.pkgArg, 1)
	if sh.n > 0 {
		if plan, err = sh.of(c, plan); err != nil {
			return err
		}
	}
	set := results.NewSet()
	if len(plan.Tests) > 0 {
		proof, err := c.startProof(extra, stderr)
		if err != nil {
			return err
		}
		defer proof.close()
		args := extra
		if proof != nil {
			args = append(slices.Clip(proof.args), extra...)
		}
		path, err := c.runTests(ctx, plan, args, out, stderr)
		if err != nil {
			return err
		}
		// The stamp binds the results to the head (DESIGN.md: run
		// stamps the results it writes; check refuses another commit's).
		if err := c.stampResults(ctx, path); err != nil {
			return err
		}
		if set, err = results.ReadFiles(path); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "results: %s\n", path)
		var rec recorded
		if proof != nil {
			if rec, err = proof.record(ctx, c, set, stderr); err != nil {
				return err
			}
		}
		if sh.n > 0 {
			return writeShardProof(c, path, rec, sh, stderr)
		}
	} else {
		fmt.Fprintln(stderr, "no credited test to run")
	}
	return c.decide(ctx, set, g, stdout)
}

// runTests runs the planned tests with go test -json in the analysed
// tree, showing progress on stderr and keeping the raw output.
func (c *change) runTests(ctx context.Context, plan gate.Plan, extra []string, out string, stderr io.Writer) (string, error) {
	var f *os.File
	var err error
	if out == "" {
		f, err = os.CreateTemp("", "blastgate-results-*.json")
	} else {
		f, err = os.Create(out)
	}
	if err != nil {
		return "", fmt.Errorf("creating the results file: %w", err)
	}
	defer f.Close()
	cmd := plan.Commands[0]
	args := cmd.Args(append([]string{"-json"}, extra...)...)
	fmt.Fprintf(stderr, "$ go %s\n", strings.Join(shellQuote(args), " "))
	dir, err := c.moduleDir(ctx)
	if err != nil {
		return "", err
	}
	goCmd := exec.CommandContext(ctx, "go", args...)
	goCmd.Dir = dir
	goCmd.Stderr = stderr
	pipe, err := goCmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := goCmd.Start(); err != nil {
		return "", fmt.Errorf("starting go test: %w", err)
	}
	p := newProgress(stderr, plan.Tests)
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if _, err := f.Write(append(line, '\n')); err != nil {
			return "", fmt.Errorf("writing %s: %w", f.Name(), err)
		}
		p.event(line)
	}
	waitErr := goCmd.Wait()
	p.done()
	if ctx.Err() != nil {
		// Interrupted: no half-written results are left to be checked.
		f.Close()
		os.Remove(f.Name())
		return "", ctx.Err()
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !asExitError(waitErr, &exitErr) {
		return "", fmt.Errorf("go test: %w", waitErr)
	}
	if exitErr != nil {
		if err := checkGoTestExit(f.Name(), exitErr.ExitCode()); err != nil {
			return "", err
		}
	}
	abs, _ := filepath.Abs(f.Name())
	return abs, f.Sync()
}

func asExitError(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

// shellQuote quotes each argument that a POSIX shell would not take as
// it is, so that a printed command line can be copied.
func shellQuote(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@+,%~") != "" {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}

// progress shows test results as go test reports them: each finished
// top-level test, or planned subtest (a suite method, TestX/TestM) in
// place of its parent, a count and the elapsed time. A parent that fails
// with no planned subtest failed (its suite's setup failed) shows too.
type progress struct {
	w                  io.Writer
	start              time.Time
	subtests, parents  map[string]bool // planned subtests and their parents
	subFailed          map[[2]string]bool
	passed, failed, sk int
}

func newProgress(w io.Writer, planned []gate.PlannedTest) *progress {
	p := &progress{w: w, start: time.Now(), subtests: map[string]bool{}, parents: map[string]bool{}, subFailed: map[[2]string]bool{}}
	for _, t := range planned {
		if parent, _, ok := strings.Cut(t.Name, "/"); ok {
			p.subtests[t.Name] = true
			p.parents[parent] = true
		}
	}
	for _, t := range planned {
		delete(p.parents, t.Name) // planned whole: shown whole
	}
	return p
}

func (p *progress) event(line []byte) {
	var e struct{ Action, Package, Test string }
	if json.Unmarshal(line, &e) != nil || e.Test == "" {
		return
	}
	if strings.Contains(e.Test, "/") {
		if !p.subtests[e.Test] {
			return
		}
		if e.Action == "fail" {
			parent, _, _ := strings.Cut(e.Test, "/")
			p.subFailed[[2]string{e.Package, parent}] = true
		}
	} else if p.parents[e.Test] && (e.Action != "fail" || p.subFailed[[2]string{e.Package, e.Test}]) {
		return
	}
	mark := ""
	switch e.Action {
	case "pass":
		p.passed++
		mark = "ok  "
	case "fail":
		p.failed++
		mark = "FAIL"
	case "skip":
		p.sk++
		mark = "skip"
	default:
		return
	}
	fmt.Fprintf(p.w, "%s %s (%s)  [%d done, %s]\n", mark, e.Test, e.Package, p.passed+p.failed+p.sk, time.Since(p.start).Round(100*time.Millisecond))
}

func (p *progress) done() {
	fmt.Fprintf(p.w, "%d passed, %d failed, %d skipped in %s\n", p.passed, p.failed, p.sk, time.Since(p.start).Round(100*time.Millisecond))
}

var _ = report.SchemaVersion

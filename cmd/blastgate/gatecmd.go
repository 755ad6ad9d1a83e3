package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/report"
	"github.com/blastgate/blastgate/results"
)

// filesFlag collects repeated file flags.
type filesFlag []string

func (f *filesFlag) String() string     { return "" }
func (f *filesFlag) Set(v string) error { *f = append(*f, v); return nil }

// checkOptions are the command line of check.
type checkOptions struct {
	cmdBase
	rv       revisions
	files    filesFlag
	coverage coverageFlag
}

func parseCheck(g *globals, args []string, s streams) (*checkOptions, error) {
	o := &checkOptions{cmdBase: cmdBase{g, s}}
	fs, err := parseCommandArgs(g, "check", args, s.err, func(fs *flag.FlagSet) {
		o.rv.define(fs)
		fs.Var(&o.files, "results", "test results `FILE`: go test -json output or JUnit XML (repeatable; more files may follow the flags)")
		fs.Var(&o.coverage, "coverage", "a per-test coverage profile, as `PKG.TestName=FILE` (repeatable)")
	})
	if err != nil {
		return nil, err
	}
	o.files = append(o.files, fs.Args()...)
	if err := o.rv.check("check"); err != nil {
		return nil, err
	}
	if len(o.files) == 0 {
		return nil, usagef("check: --results FILE is required: the go test -json output (or JUnit XML) of the tests that ran")
	}
	return o, nil
}

func runCheck(ctx context.Context, o *checkOptions) error {
	g, rv, files, coverage, stdout := o.g, o.rv, o.files, o.coverage, o.s.out
	if err := notSidecarFiles(files); err != nil {
		return err
	}
	set, err := results.ReadFiles(files...)
	if err != nil {
		return err
	}
	// Evidence of another commit, or of the pull request's own making,
	// is refused before the analysis.
	head, err := resolveHead(ctx, g, rv)
	if err != nil {
		return err
	}
	unstamped, err := head.checkResultsOrigin(ctx, files)
	if err != nil {
		return err
	}
	if err := head.checkProfileStamps(ctx, coverage); err != nil {
		return err
	}
	c, err := openChange(ctx, g, rv, true, coverage)
	if err != nil {
		return err
	}
	defer c.close()
	if err := c.checkProfileContent(coverage); err != nil {
		return err
	}
	if err := c.unstamped(unstamped, len(files)); err != nil {
		return err
	}
	if err := c.matchResults(set); err != nil {
		return err
	}
	if err := c.applyShardProof(files); err != nil {
		return err
	}
	if err := c.applyProfiles(coverage); err != nil {
		return err
	}
	return c.decide(ctx, set, g, stdout)
}

// decide credits tests, applies the results and writes the verdict.
func (c *change) decide(ctx context.Context, set *results.Set, g *globals, stdout io.Writer) error {
	res, policy := resultsOf{set: set, keep: c.hasPackage}, c.policy()
	gate.Decide(c.report, res, policy)
	gate.Explain(c.report, res, policy)
	if c.report.Verdict != report.VerdictPass {
		c.report.NextCommand = rerunCommand(g, c.rv)
	}
	if err := writeReport(ctx, stdout, c.report, g); err != nil {
		return err
	}
	if c.report.Verdict != report.VerdictPass {
		return errGateFailed
	}
	return nil
}

// rerunCommand is the blastgate run command line that runs what this
// check needs, with the revisions and the global flags as the user gave
// them.
func rerunCommand(g *globals, rv revisions) string {
	args := []string{"blastgate"}
	if g.dirArg != "" && g.dirArg != "." {
		args = append(args, "-C", g.dirArg)
	}
	if g.config != "" {
		args = append(args, "--config", g.config)
	}
	args = append(args, "run", "--base", rv.base)
	if rv.head != "" && rv.head != "HEAD" {
		args = append(args, "--head", rv.head)
	}
	return strings.Join(shellQuote(args), " ")
}

// matchResults fails when the results mention none of the module's
// packages: they are probably another repository's.
func (c *change) matchResults(set *results.Set) error {
	for pkg := range set.Packages {
		if c.hasPackage(pkg) {
			return nil
		}
	}
	return fmt.Errorf("the results in %v mention none of this module's packages (%s): pass the results of this repository's tests", set.Files, strings.Join(c.modules, ", "))
}

// resultsOf adapts a results.Set to the gate. keep tells the packages
// whose failures the gate lists (the module's: a failure of another
// module's test run alongside is none of this gate's business).
type resultsOf struct {
	set  *results.Set
	keep func(pkg string) bool
}

func (r resultsOf) Result(pkg, name string) (string, bool, bool) {
	t, ok := r.set.Result(pkg, name)
	return t.Result, t.Flaky, ok
}

func (r resultsOf) Why(pkg, name string) string {
	t, _ := r.set.Result(pkg, name)
	return t.Reason
}

func (r resultsOf) Failures() []gate.Failure {
	var out []gate.Failure
	for _, f := range r.set.Failures() {
		if r.keep == nil || r.keep(f.Package) {
			out = append(out, gate.Failure{Package: f.Package, Name: f.Name, Reason: f.Reason})
		}
	}
	return out
}

// writeReport draws a report in the chosen format, with colour on a
// terminal. It draws the whole report first and writes it at once, and
// not at all once the run was interrupted: a report is whole or absent.
func writeReport(ctx context.Context, w io.Writer, r *report.Report, g *globals) error {
	analyzer.ReportProgress(ctx, "", 0) // the analysis is over: no progress line under the report
	var buf bytes.Buffer
	var err error
	if g.format == "text" {
		err = gate.WriteTextOptions(&buf, r, gate.TextOptions{Color: isTerminal(w)})
	} else {
		err = gate.Write(&buf, r, g.format)
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// renderOptions are the command line of render: the global flags only.
type renderOptions struct{ cmdBase }

func parseRender(g *globals, args []string, s streams) (*renderOptions, error) {
	if err := parseCommand(g, "render", args, s.err, nil); err != nil {
		return nil, err
	}
	return &renderOptions{cmdBase{g, s}}, nil
}

func runRender(ctx context.Context, o *renderOptions) error {
	g, stdin, stdout := o.g, o.s.in, o.s.out
	r, err := readReport("", stdin)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return writeReport(ctx, stdout, r, g)
}

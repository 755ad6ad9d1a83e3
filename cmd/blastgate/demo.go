package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/blastgate/blastgate/internal/example"
)

// runDemo tells the postpaid/prepaid story on the bundled shop, for real:
// it makes the shop a git repository in a temporary directory, takes the
// branch that edits the shared fee code for the postpaid page, runs the
// postpaid tests as its author did and checks them (the gate fails, naming
// the token page and the test that would cover it), then lets blastgate
// run what the change needs (the token test runs and passes, but prices
// with a test double: the gate fails, unproven, naming the double), and
// last takes the branch that adds a token test through the real billing
// service (the gate passes).
// demoOptions are the command line of demo.
type demoOptions struct {
	cmdBase
	keep string
}

func parseDemo(g *globals, args []string, s streams) (*demoOptions, error) {
	o := &demoOptions{cmdBase: cmdBase{g, s}}
	if err := parseCommand(g, "demo", args, s.err, func(fs *flag.FlagSet) {
		fs.StringVar(&o.keep, "keep", "", "materialize the shop in `DIR` (new) and keep it")
	}); err != nil {
		return nil, err
	}
	if g.format != "text" {
		return nil, usagef("demo: tells its story as text; run check or run with --format %s on the kept shop instead", g.format)
	}
	return o, nil
}

func runDemo(ctx context.Context, o *demoOptions) error {
	g, keep, stdout, stderr := o.g, o.keep, o.s.out, o.s.err
	work, err := os.MkdirTemp("", "blastgate-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	dir := keep
	if dir == "" {
		dir = filepath.Join(work, "shop")
	}
	if err := example.Materialize(ctx, dir); err != nil {
		return err
	}
	if out, err := exec.CommandContext(ctx, "git", "-C", dir, "checkout", "-q", "shared-change").CombinedOutput(); err != nil {
		return fmt.Errorf("demo: git checkout: %v: %s", err, out)
	}
	demo := *g
	demo.dir = dir

	fmt.Fprintf(stdout, "The shop (%s): a postpaid bill page and a prepaid token page share package billing.\n"+
		"Branch shared-change edits billing.Fee for the postpaid page.\n\n", dir)

	fmt.Fprintf(stdout, "1. Its author runs the postpaid tests, as they did on their machine:\n\n"+
		"$ go test -json ./postpaid/... > postpaid.json\n"+
		"$ blastgate check --base main --results postpaid.json\n\n")
	partial := filepath.Join(work, "postpaid.json")
	if err := goTestJSON(ctx, dir, partial, "./postpaid/..."); err != nil {
		return err
	}
	err = execCheck(ctx, &demo, []string{"--base", "main", "--results", partial}, streams{out: stdout, err: stderr})
	if !errors.Is(err, errGateFailed) {
		return fmt.Errorf("demo: the gate should have failed on the postpaid tests alone: %v", err)
	}

	fmt.Fprintf(stdout, "\n2. blastgate runs the tests the change needs:\n\n"+
		"$ blastgate run --base main\n\n")
	demo = *g
	demo.dir = dir
	err = execRun(ctx, &demo, []string{"--base", "main", "--results-out", filepath.Join(work, "run.json")}, streams{out: stdout, err: stdout})
	if !errors.Is(err, errGateFailed) {
		return fmt.Errorf("demo: the gate should have failed: the token test prices with a test double: %v", err)
	}

	fmt.Fprintf(stdout, "\n3. Branch shared-change-proved adds a token test through the real billing service:\n\n"+
		"$ git checkout shared-change-proved\n"+
		"$ blastgate run --base main\n\n")
	if out, err := exec.CommandContext(ctx, "git", "-C", dir, "checkout", "-q", "shared-change-proved").CombinedOutput(); err != nil {
		return fmt.Errorf("demo: git checkout: %v: %s", err, out)
	}
	demo = *g
	demo.dir = dir
	if err := execRun(ctx, &demo, []string{"--base", "main", "--results-out", filepath.Join(work, "proved.json")}, streams{out: stdout, err: stdout}); err != nil {
		return fmt.Errorf("demo: the gate should pass once a test runs the changed fee through the token page: %w", err)
	}
	if keep != "" {
		fmt.Fprintf(stdout, "\nThe shop is in %s; try blastgate impact --base main there.\n", keep)
	}
	return nil
}

// goTestJSON runs go test -json in dir and writes its output to path; test
// failures are results, not errors.
func goTestJSON(ctx context.Context, dir, path string, pkgs ...string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-json"}, pkgs...)...)
	cmd.Dir, cmd.Stdout = dir, f
	var exitErr *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exitErr) {
		return fmt.Errorf("go test: %w", err)
	}
	return nil
}

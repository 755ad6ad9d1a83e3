package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blastgate/blastgate/gate"
)

const usage = `blastgate: no pull request should break a page its author never looked at.

Usage:
  blastgate [-C DIR] [--config FILE] [--format text|json|markdown] COMMAND [flags]

Commands:
  features                         every feature, its entry, its credited tests
  impact  --base REV [--head REV]  changed symbols, impacted features, traces
  plan    --base REV [--head REV]  the tests to run (go test command lines)
          [--shards N]             ... split into N groups, as a GitHub Actions matrix
  check   --base REV [--head REV] --results FILE...   the verdict
          [--coverage PKG.TestName=FILE]              per-test coverage evidence
  run     --base REV [--head REV] [-- GO TEST FLAGS]  plan, run go test -json, check
          [--results-out FILE]                        where to keep the raw results
  render  --format F               re-render a saved JSON report from stdin
  annotate [--report FILE] [--outputs FILE]   GitHub annotations (and action outputs) for a saved report
  comment --report FILE            post or update the pull request's impact comment
  hook    install [--force] | uninstall        the local pre-push check
          run pre-push REMOTE [URL]            what the installed hook runs
  demo    [--keep DIR]             the postpaid/prepaid story, end to end

Flags:
  -C DIR           run in DIR (the module root) instead of the current directory
  --config FILE    the configuration file (default: .blastgate.yaml at the repository root)
  --format FORMAT  text (default), json or markdown

Exit codes: 0 success, 1 the gate failed, 2 usage error, bad input or failed analysis.
`

// globals are the flags every command takes, before or after its name.
type globals struct {
	dir    string
	config string
	format string
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.dir, "C", g.dir, "run in `DIR`")
	fs.StringVar(&g.config, "config", g.config, "configuration `FILE`")
	fs.StringVar(&g.format, "format", g.format, "output format: text, json or markdown")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g := &globals{dir: ".", format: "text"}
	fs := newFlagSet("blastgate", stderr)
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		return flagError(err, stdout)
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "features":
		return runFeatures(ctx, g, rest, stdout, stderr)
	case "impact":
		return runImpact(ctx, g, rest, stdout, stderr)
	case "demo":
		return runDemo(ctx, g, rest, stdout, stderr)
	case "plan":
		return runPlan(ctx, g, rest, stdout, stderr)
	case "check":
		return runCheck(ctx, g, rest, stdout, stderr)
	case "run":
		return runRun(ctx, g, rest, stdout, stderr)
	case "render":
		return runRender(ctx, g, rest, os.Stdin, stdout, stderr)
	case "annotate":
		return runAnnotate(ctx, g, rest, os.Stdin, stdout, stderr)
	case "comment":
		return runComment(ctx, g, rest, os.Stdin, stdout, stderr)
	case "hook":
		return runHook(ctx, g, rest, os.Stdin, stdout, stderr)
	}
	return usagef("unknown command %q", cmd)
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func flagError(err error, stdout io.Writer) error {
	if err == flag.ErrHelp {
		fmt.Fprint(stdout, usage)
		return errHelp
	}
	return usagef("%v", err)
}

// parseCommand parses a command's flags, which may repeat the globals;
// it takes no arguments.
func parseCommand(g *globals, name string, args []string, stderr io.Writer, define func(*flag.FlagSet)) error {
	fs, err := parseCommandArgs(g, name, args, stderr, define)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", name, fs.Arg(0))
	}
	return nil
}

// parseCommandArgs parses a command's flags and leaves its arguments in
// the returned flag set.
func parseCommandArgs(g *globals, name string, args []string, stderr io.Writer, define func(*flag.FlagSet)) (*flag.FlagSet, error) {
	fs := newFlagSet(name, stderr)
	g.register(fs)
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, usagef("see 'blastgate help'")
		}
		return nil, usagef("%s: %v", name, err)
	}
	if !slices.Contains(gate.Formats, g.format) {
		return nil, usagef("unknown format %q: use %s", g.format, strings.Join(gate.Formats, ", "))
	}
	abs, err := filepath.Abs(g.dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("-C %s: no such directory", g.dir)
	}
	g.dir = abs
	return fs, nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blastgate/blastgate/gate"
)

const usage = `blastgate: no pull request should break a page its author never looked at.

Usage:
  blastgate [-C DIR] [--config FILE] [--format text|json|markdown] [--cache-dir DIR] COMMAND [flags]

Commands:
  features                         every feature, its entry, its credited tests
  impact  --base REV [--head REV]  changed symbols, impacted features, traces
  plan    --base REV [--head REV]  the tests to run (go test command lines)
          [--shards N]             ... split into N groups, as a GitHub Actions matrix
  check   --base REV [--head REV] --results FILE...   the verdict
          [--coverage PKG.TestName=FILE]              per-test coverage: evidence and proof
  run     --base REV [--head REV] [-- GO TEST FLAGS]  plan, run go test -json, check
          [--results-out FILE]                        where to keep the raw results
          [--shard K/N]                               shard K of plan --shards N, proof recorded, no verdict
  cover   [--head REV] PKG.TestName=FILE [-- GO TEST FLAGS]  record one test's coverage (and its stamp) for check --coverage
  render  --format F               re-render a saved JSON report from stdin
  annotate [--report FILE] [--outputs FILE]   GitHub annotations (and action outputs) for a saved report
  comment --report FILE            post or update the pull request's impact comment
  hook    install [--force] | uninstall        the local pre-push check
          run pre-push REMOTE [URL]            what the installed hook runs
  suspects FEATURE|REQUEST --since REV [--until REV]
                                   the merged changes that reach a feature, newest first
  demo    [--keep DIR]             the postpaid/prepaid story, end to end

Flags:
  -C DIR           run in DIR (the module root) instead of the current directory
  --config FILE    the configuration file (default: .blastgate.yaml at the repository root)
  --format FORMAT  text (default), json or markdown
  --timeout D      give up after D (e.g. 10m): exit 2
  --cache-dir DIR  keep analysed changes in DIR: a re-run on the same commits reads them
                   (default $BLASTGATE_CACHE_DIR; empty: no cache)

Exit codes: 0 success, 1 the gate failed, 2 usage error, bad input or failed analysis.
`

// globals are the flags every command takes, before or after its name.
type globals struct {
	// dir is -C made absolute; dirArg is -C as given.
	dir, dirArg string
	config      string
	format      string
	timeout     time.Duration
	// cacheDir is --cache-dir: where analysed changes are kept; "" keeps
	// none.
	cacheDir string
	// stderr is where warnings go.
	stderr io.Writer
	// onTimeout starts the --timeout clock (set by withTimeout).
	onTimeout func(time.Duration)
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.dir, "C", g.dir, "run in `DIR`")
	fs.StringVar(&g.config, "config", g.config, "configuration `FILE`")
	fs.StringVar(&g.format, "format", g.format, "output format: text, json or markdown")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "give up after `DURATION` (exit 2), e.g. 10m")
	fs.StringVar(&g.cacheDir, "cache-dir", g.cacheDir, "keep analysed changes in `DIR` (default $"+cacheDirEnv+"; empty: no cache)")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g, cmd, rest, err := parseGlobals(args, stdout, stderr)
	if err != nil {
		return err
	}
	// Command flags may set --timeout too: the deadline is applied by
	// withTimeout once they are parsed.
	ctx, stopProgress := withProgressLine(ctx, stderr)
	defer stopProgress()
	return withTimeout(ctx, g, func(ctx context.Context) error {
		return dispatch(ctx, g, cmd, rest, streams{in: os.Stdin, out: stdout, err: stderr})
	})
}

// parseGlobals parses the flags before the command's name, and returns
// the name and the arguments after it.
func parseGlobals(args []string, stdout, stderr io.Writer) (*globals, string, []string, error) {
	g := &globals{dir: ".", format: "text", cacheDir: os.Getenv(cacheDirEnv), stderr: stderr}
	fs := newFlagSet("blastgate", stderr)
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, "", nil, flagError(err, stdout)
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return nil, "", nil, usagef("no command given")
	}
	return g, fs.Arg(0), fs.Args()[1:], nil
}

// withTimeout runs fn under --timeout, and says so when it ran out.
func withTimeout(ctx context.Context, g *globals, fn func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timedOut atomic.Bool
	var timer *time.Timer
	g.onTimeout = func(d time.Duration) {
		if timer == nil && d > 0 {
			timer = time.AfterFunc(d, func() { timedOut.Store(true); cancel() })
		}
	}
	if g.timeout > 0 {
		g.onTimeout(g.timeout)
	}
	err := fn(ctx)
	if timer != nil {
		timer.Stop()
	}
	if err != nil && timedOut.Load() && !errors.Is(err, errGateFailed) {
		return fmt.Errorf("timed out after %s (--timeout): raise it, or see what is slow with a smaller change: %w", g.timeout, err)
	}
	return err
}

// dispatch parses the command's flags into its options, then runs it.
func dispatch(ctx context.Context, g *globals, cmd string, rest []string, s streams) error {
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(s.out, usage)
		return nil
	}
	o, err := parseLine(g, cmd, rest, s)
	if err != nil {
		return err
	}
	return o.run(ctx)
}

// parseLine parses the arguments of command cmd into its options.
func parseLine(g *globals, cmd string, rest []string, s streams) (options, error) {
	parse, ok := commands[cmd]
	if !ok {
		return nil, usagef("unknown command %q", cmd)
	}
	return parse(g, rest, s)
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
	if g.dirArg == "" {
		// The first parse keeps -C as given (the demo parses again, in
		// the shop it tells the story of).
		g.dirArg = g.dir
	}
	g.dir = abs
	if g.onTimeout != nil {
		g.onTimeout(g.timeout)
	}
	return fs, nil
}

package main

import (
	"context"
	"io"
)

// Each command is two steps, as gh's are: parseXxx fills an xxxOptions
// from the command line (every usage error is found there, before
// anything runs), and runXxx(ctx, opts) runs it. The table test
// (options_test.go) checks the first step; the scripts check the second.

// streams are a command's standard files.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// cmdBase is what every command's options hold: the global flags (which
// a command's flags may repeat) and the streams.
type cmdBase struct {
	g *globals
	s streams
}

func (b *cmdBase) base() *cmdBase { return b }

// options are a command's parsed command line, ready to run.
type options interface {
	base() *cmdBase
	run(ctx context.Context) error
}

// parseFunc parses a command's arguments (after its name) into its
// options.
type parseFunc func(g *globals, args []string, s streams) (options, error)

// optionsParser adapts a command's parseXxx to a parseFunc.
func optionsParser[O options](parse func(*globals, []string, streams) (O, error)) parseFunc {
	return func(g *globals, args []string, s streams) (options, error) {
		o, err := parse(g, args, s)
		if err != nil {
			return nil, err
		}
		return o, nil
	}
}

// commands are blastgate's commands by name (help is dispatch's).
var commands = map[string]parseFunc{
	"features": optionsParser(parseFeatures),
	"impact":   optionsParser(parseImpact),
	"plan":     optionsParser(parsePlan),
	"check":    optionsParser(parseCheck),
	"run":      optionsParser(parseRun),
	"cover":    optionsParser(parseCover),
	"render":   optionsParser(parseRender),
	"annotate": optionsParser(parseAnnotate),
	"comment":  optionsParser(parseComment),
	"hook":     optionsParser(parseHook),
	"suspects": optionsParser(parseSuspects),
	"demo":     optionsParser(parseDemo),
}

func (o *featuresOptions) run(ctx context.Context) error { return runFeatures(ctx, o) }
func (o *impactOptions) run(ctx context.Context) error   { return runImpact(ctx, o) }
func (o *planOptions) run(ctx context.Context) error     { return runPlan(ctx, o) }
func (o *checkOptions) run(ctx context.Context) error    { return runCheck(ctx, o) }
func (o *runOptions) run(ctx context.Context) error      { return runRun(ctx, o) }
func (o *coverOptions) run(ctx context.Context) error    { return runCover(ctx, o) }
func (o *renderOptions) run(ctx context.Context) error   { return runRender(ctx, o) }
func (o *annotateOptions) run(ctx context.Context) error { return runAnnotate(ctx, o) }
func (o *commentOptions) run(ctx context.Context) error  { return runComment(ctx, o) }
func (o *hookOptions) run(ctx context.Context) error     { return runHook(ctx, o) }
func (o *suspectsOptions) run(ctx context.Context) error { return runSuspects(ctx, o) }
func (o *demoOptions) run(ctx context.Context) error     { return runDemo(ctx, o) }

// execCheck and execRun parse and run check and run, for the commands
// that run them (demo, hook run).
func execCheck(ctx context.Context, g *globals, args []string, s streams) error {
	o, err := parseCheck(g, args, s)
	if err != nil {
		return err
	}
	return runCheck(ctx, o)
}

func execRun(ctx context.Context, g *globals, args []string, s streams) error {
	o, err := parseRun(g, args, s)
	if err != nil {
		return err
	}
	return runRun(ctx, o)
}

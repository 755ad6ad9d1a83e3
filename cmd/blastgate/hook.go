package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/blastgate/blastgate/internal/prepush"
)

// hookOptions are the command line of hook: install [--force],
// uninstall, or run pre-push REMOTE [URL].
type hookOptions struct {
	cmdBase
	sub    string
	force  bool
	remote string
}

func parseHook(g *globals, args []string, s streams) (*hookOptions, error) {
	if len(args) == 0 {
		return nil, usagef("hook: install, uninstall or run")
	}
	o := &hookOptions{cmdBase: cmdBase{g, s}, sub: args[0]}
	rest := args[1:]
	switch o.sub {
	case "install":
		if err := parseCommand(g, "hook install", rest, s.err, func(fs *flag.FlagSet) {
			fs.BoolVar(&o.force, "force", false, "replace a pre-push hook blastgate did not write (it is kept as pre-push.legacy and still runs first)")
		}); err != nil {
			return nil, err
		}
	case "uninstall":
		if err := parseCommand(g, "hook uninstall", rest, s.err, nil); err != nil {
			return nil, err
		}
	case "run":
		fs, err := parseCommandArgs(g, "hook run", rest, s.err, nil)
		if err != nil {
			return nil, err
		}
		if fs.NArg() < 2 || fs.Arg(0) != "pre-push" {
			return nil, usagef("hook run: usage: blastgate hook run pre-push REMOTE [URL] (git's pre-push hook calls it)")
		}
		o.remote = fs.Arg(1)
	default:
		return nil, usagef("hook: unknown subcommand %q: use install, uninstall or run", o.sub)
	}
	return o, nil
}

// runHook installs, removes or runs the pre-push hook.
func runHook(ctx context.Context, o *hookOptions) error {
	g, stdin, stdout, stderr := o.g, o.s.in, o.s.out, o.s.err
	switch o.sub {
	case "install":
		path, err := prepush.Install(ctx, g.dir, o.force)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "installed the pre-push hook at %s: git push now runs the tests the push needs (bypass once with git push --no-verify)\n", path)
		return nil
	case "uninstall":
		msg, err := prepush.Uninstall(ctx, g.dir)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, msg)
		return nil
	}
	return prepush.Run(ctx, g.dir, o.remote, stdin, stderr, func(ctx context.Context, r prepush.Range) error {
		check := *g
		return execRun(ctx, &check, []string{"--base", r.Base, "--head", r.Head}, streams{out: stderr, err: stderr})
	})
}

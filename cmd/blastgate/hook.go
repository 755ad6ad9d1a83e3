package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/blastgate/blastgate/internal/prepush"
)

// runHook installs, removes or runs the pre-push hook.
func runHook(ctx context.Context, g *globals, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("hook: install, uninstall or run")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "install":
		var force bool
		if err := parseCommand(g, "hook install", rest, stderr, func(fs *flag.FlagSet) {
			fs.BoolVar(&force, "force", false, "replace a pre-push hook blastgate did not write (it is kept as pre-push.legacy and still runs first)")
		}); err != nil {
			return err
		}
		path, err := prepush.Install(ctx, g.dir, force)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "installed the pre-push hook at %s: git push now runs the tests the push needs (bypass once with git push --no-verify)\n", path)
		return nil
	case "uninstall":
		if err := parseCommand(g, "hook uninstall", rest, stderr, nil); err != nil {
			return err
		}
		msg, err := prepush.Uninstall(ctx, g.dir)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, msg)
		return nil
	case "run":
		fs, err := parseCommandArgs(g, "hook run", rest, stderr, nil)
		if err != nil {
			return err
		}
		if fs.NArg() < 2 || fs.Arg(0) != "pre-push" {
			return usagef("hook run: usage: blastgate hook run pre-push REMOTE [URL] (git's pre-push hook calls it)")
		}
		remote := fs.Arg(1)
		return prepush.Run(ctx, g.dir, remote, stdin, stderr, func(ctx context.Context, r prepush.Range) error {
			check := *g
			return runRun(ctx, &check, []string{"--base", r.Base, "--head", r.Head}, stderr, stderr)
		})
	}
	return usagef("hook: unknown subcommand %q: use install, uninstall or run", sub)
}

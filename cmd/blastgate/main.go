// Command blastgate is the deployment safety gate for Go repositories: it
// maps a change to every user-facing feature it can reach, and (later)
// fails the pull request unless tests that exercise each of them passed.
//
// Usage:
//
//	blastgate [-C DIR] [--config FILE] [--format text|json|markdown] COMMAND [flags]
//
// See ../../README.md and DESIGN.md for the commands and the exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes, fixed by DESIGN.md.
const (
	exitOK     = 0 // pass, or success
	exitFailed = 1 // the gate failed
	exitError  = 2 // usage error, bad input or failed analysis
)

// Main runs blastgate with args and returns its exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == coverExecCommand {
		return coverExec(args[1:], stderr) // go test -exec, while run records proof
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, args, stdout, stderr)
	code := exitCode(err)
	if code != exitError {
		return code
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("interrupted: %w", err)
	}
	fmt.Fprintf(stderr, "blastgate: %v\n", err)
	var u usageError
	if errors.As(err, &u) {
		fmt.Fprintf(stderr, "run 'blastgate help' for usage\n")
	}
	return code
}

// exitCode is the one place a command's error becomes its exit code:
// nil and help 0, the gate's verdict fail 1, any other error (usage,
// bad input, failed analysis, interrupted) 2. An error never exits 0.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errGateFailed):
		return exitFailed
	case errors.Is(err, errHelp):
		return exitOK
	}
	return exitError
}

// errGateFailed means the verdict was fail: exit 1, the report says why.
var errGateFailed = errors.New("gate failed")

// errHelp means help was asked for and printed.
var errHelp = errors.New("help")

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

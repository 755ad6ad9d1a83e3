package evidence

import (
	"github.com/blastgate/blastgate/report"
)

// Func is a function of the module a test may call or hold: where it is
// declared.
type Func struct {
	File    string // its repository file
	Package string // its package's import path
	Name    string // its name, as the suggestion shows it
}

// Invocation is how a test reaches a feature through the code that
// serves it, as request evidence counts it: a request sent to a router,
// an RPC to a server, arguments to a root command.
type Invocation struct {
	// Kind is report.SuggestRequest, report.SuggestRPC or
	// report.SuggestArgs.
	Kind string
	// Request is an example request the route serves ("GET /a"), RPC
	// the method (/pkg.Service/Method), Args the arguments that select
	// the subcommand: the one Kind says.
	Request, RPC string
	Args         []string
	// Via is the function that builds the router, registers the
	// service on a server, or builds the root command.
	Via Func
}

// Suggest says what a test of feature id must do to be credited, and
// where it belongs: call entry (nil: none a test can call by name),
// invoke the feature through the code that serves it (nil: no invocation
// a test can write with constants), or declare the feature.
func Suggest(id string, entry *Func, inv *Invocation) *report.Suggestion {
	var tests []report.SuggestedTest
	if entry != nil {
		tests = append(tests, report.SuggestedTest{Kind: report.SuggestCall, File: TestFileFor(entry.File), Package: entry.Package, Function: entry.Name})
	}
	if inv != nil {
		t := report.SuggestedTest{Kind: inv.Kind, File: TestFileFor(inv.Via.File), Package: inv.Via.Package}
		switch inv.Kind {
		case report.SuggestRequest:
			t.Request, t.Router = inv.Request, inv.Via.Name
		case report.SuggestRPC:
			t.RPC, t.Server = inv.RPC, inv.Via.Name
		case report.SuggestArgs:
			t.Args, t.Command = inv.Args, inv.Via.Name
		}
		tests = append(tests, t)
	}
	tests = append(tests, report.SuggestedTest{Kind: report.SuggestDeclared, Feature: id})
	return &report.Suggestion{Tests: tests}
}

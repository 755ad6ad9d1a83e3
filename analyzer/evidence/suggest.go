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

// Suggest says what a test of feature id must do to be credited, and
// where it belongs: call entry (nil: none a test can call by name),
// send request (a request the feature serves, "" for none) to the router
// that router registers the feature on, or declare the feature.
func Suggest(id string, entry *Func, request string, router Func) *report.Suggestion {
	var tests []report.SuggestedTest
	if entry != nil {
		tests = append(tests, report.SuggestedTest{Kind: report.SuggestCall, File: TestFileFor(entry.File), Package: entry.Package, Function: entry.Name})
	}
	if request != "" {
		tests = append(tests, report.SuggestedTest{Kind: report.SuggestRequest, File: TestFileFor(router.File), Package: router.Package, Request: request, Router: router.Name})
	}
	tests = append(tests, report.SuggestedTest{Kind: report.SuggestDeclared, Feature: id})
	return &report.Suggestion{Tests: tests}
}

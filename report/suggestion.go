package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Kinds of suggested test (SuggestedTest.Kind): what the test does.
const (
	// SuggestCall: a test in File that calls Function, the feature's
	// entry (static evidence).
	SuggestCall = "call"
	// SuggestRequest: a test in File that sends Request through the
	// router Router builds (request evidence).
	SuggestRequest = "request"
	// SuggestRPC: a test in File that calls RPC through the generated
	// client, over a connection to a server that Server registers the
	// service on (request evidence for an rpc feature).
	SuggestRPC = "rpc"
	// SuggestArgs: a test in File that runs the root command Command
	// builds with the arguments Args (request evidence for a subcommand).
	SuggestArgs = "args"
	// SuggestDeclared: a test named under Feature's tests: in
	// .blastgate.yaml, or one that calls t.Attr("feature", Feature)
	// (declared evidence).
	SuggestDeclared = "declared"
	// SuggestProduction: a test of Feature that sets up Instead, the
	// production implementation, in place of the test double Double; or
	// make Test, which uses the double, do so (an unproven feature).
	SuggestProduction = "production"
	// SuggestChangedLines: a test of Feature that runs Function, a
	// changed declaration the feature reaches, or a case of Test that
	// takes the changed lines (an unproven feature).
	SuggestChangedLines = "changed-lines"
	// SuggestChangedCode: a test of Feature that runs the changed code
	// (an unproven feature, when nothing more is known).
	SuggestChangedCode = "changed-code"
)

// Suggestion says what test would let a feature pass the gate: where a
// test belongs and what it must do to be credited (a feature without a
// credited test), or what would prove the change (an unproven feature).
// It is built once, as data, where the report is made; every renderer
// draws it.
//
// In JSON it is two fields of the feature: suggestion, its words as one
// string ("add a test in ...; or a test ..."), as in every earlier
// report, and suggested_tests, its Tests as objects. A report written
// before suggested_tests existed is read back with the words alone.
type Suggestion struct {
	// Tests are the alternatives, the most direct first: any one of
	// them would do.
	Tests []SuggestedTest
	// words is the suggestion of a report read without suggested_tests:
	// its words, as written.
	words string
}

// SuggestedTest is one test that would let a feature pass the gate.
// Which fields are set depends on Kind (the Suggest* constants).
type SuggestedTest struct {
	// Kind is one of the Suggest* kinds.
	Kind string `json:"kind"`
	// Feature is the feature's id (declared, production, changed-lines,
	// changed-code).
	Feature string `json:"feature,omitempty"`
	// File is the test file the test belongs in, beside the entry or the
	// router's code (call, request).
	File string `json:"file,omitempty"`
	// Package is the import path of the package File belongs to (call,
	// request).
	Package string `json:"package,omitempty"`
	// Function is the function to call (call: the feature's entry) or the
	// changed declaration to run (changed-lines), fully qualified.
	Function string `json:"function,omitempty"`
	// Request is an example request the feature serves, as
	// "GET /account" (request).
	Request string `json:"request,omitempty"`
	// Router is the function that builds the router serving Request
	// (request).
	Router string `json:"router,omitempty"`
	// RPC is the method to call, as /package.Service/Method (rpc).
	RPC string `json:"rpc,omitempty"`
	// Server is the function that registers the service on a server
	// (rpc).
	Server string `json:"server,omitempty"`
	// Args are the arguments that select the subcommand (args).
	Args []string `json:"args,omitempty"`
	// Command is the function that builds the root command (args).
	Command string `json:"command,omitempty"`
	// Test is the credited test that passed without proving the change
	// (production, changed-lines).
	Test string `json:"test,omitempty"`
	// Double is the test double Test sets up and Instead the production
	// implementation it stands in for (production), fully qualified.
	Double  string `json:"double,omitempty"`
	Instead string `json:"instead,omitempty"`
}

// Text is what the suggestion says to add, without the leading "add":
// "a test in web/routes_test.go that sends GET /account through the
// router example.com/shop/web.NewMux builds; or ...". Text of nil is "".
func (s *Suggestion) Text() string {
	if s == nil {
		return ""
	}
	if len(s.Tests) == 0 {
		return strings.TrimPrefix(s.words, "add ")
	}
	parts := make([]string, len(s.Tests))
	for i, t := range s.Tests {
		parts[i] = t.Text()
	}
	return strings.Join(parts, "; or ")
}

// Words is the suggestion as the JSON field suggestion has it: "add "
// and Text (for a report read without suggested_tests, its words as
// written). Words of nil is "".
func (s *Suggestion) Words() string {
	switch {
	case s == nil:
		return ""
	case len(s.Tests) == 0:
		return s.words
	}
	return "add " + s.Text()
}

// Text says what the test does, as a phrase: "a test in
// web/routes_test.go that calls example.com/shop/web.accountPage".
func (t SuggestedTest) Text() string {
	switch t.Kind {
	case SuggestCall:
		return fmt.Sprintf("a test in %s that calls %s", t.File, t.Function)
	case SuggestRequest:
		return fmt.Sprintf("a test in %s that sends %s through the router %s builds", t.File, t.Request, t.Router)
	case SuggestRPC:
		return fmt.Sprintf("a test in %s that calls %s through the generated client, on a server %s registers the service on", t.File, t.RPC, t.Server)
	case SuggestArgs:
		return fmt.Sprintf("a test in %s that runs the root command %s builds with the arguments %s", t.File, t.Command, quoteArgs(t.Args))
	case SuggestDeclared:
		return fmt.Sprintf("a test named under this feature's tests: in .blastgate.yaml, or that calls t.Attr(\"feature\", %q)", t.Feature)
	case SuggestProduction:
		return fmt.Sprintf("a test of %s that sets up %s (the production implementation) instead of %s, or make %s do so",
			t.Feature, shortName(t.Instead), shortName(t.Double), t.Test)
	case SuggestChangedLines:
		return fmt.Sprintf("a test of %s that runs %s, or a case of %s that takes the changed lines", t.Feature, shortName(t.Function), t.Test)
	case SuggestChangedCode:
		return fmt.Sprintf("a test of %s that runs the changed code", t.Feature)
	}
	return fmt.Sprintf("a test of kind %q", t.Kind)
}

// quoteArgs writes arguments as a Go string slice literal would:
// ["invoice" "send"].
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// shortName drops the module path from a qualified name:
// example.com/shop/billing.(*Service).TokenFee -> billing.(*Service).TokenFee.
func shortName(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

// MarshalJSON writes the suggestion's words as a JSON string (the
// feature's suggestion field; Feature.MarshalJSON adds suggested_tests).
func (s *Suggestion) MarshalJSON() ([]byte, error) {
	return marshal(s.Words())
}

// UnmarshalJSON reads the words of the suggestion field;
// Feature.UnmarshalJSON then takes the data from suggested_tests.
func (s *Suggestion) UnmarshalJSON(data []byte) error {
	*s = Suggestion{}
	return json.Unmarshal(data, &s.words)
}

// plainFeature is Feature without its JSON methods.
type plainFeature Feature

// featureJSON is a feature as JSON: its fields, then the data of its
// suggestion beside the words.
type featureJSON struct {
	plainFeature
	// SuggestedTests is Suggestion.Tests.
	SuggestedTests []SuggestedTest `json:"suggested_tests,omitempty"`
}

// MarshalJSON writes f's fields, its suggestion as words (suggestion)
// and as data (suggested_tests). HTML characters are not escaped.
func (f Feature) MarshalJSON() ([]byte, error) {
	j := featureJSON{plainFeature: plainFeature(f)}
	if f.Suggestion != nil {
		j.SuggestedTests = f.Suggestion.Tests
	}
	return marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes, and a feature of a report
// written before suggested_tests existed: its suggestion is then words
// alone.
func (f *Feature) UnmarshalJSON(data []byte) error {
	var j featureJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*f = Feature(j.plainFeature)
	if len(j.SuggestedTests) > 0 {
		f.Suggestion = &Suggestion{Tests: j.SuggestedTests}
	}
	return nil
}

// marshal is json.Marshal without HTML escaping.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

package evidence

import (
	"sort"

	"github.com/blastgate/blastgate/report"
)

// Test credit is a must-analysis: a test counts for a feature only with
// evidence that it exercises it (DESIGN.md). Never credit a guess.
//
//   - static: the test reaches the feature's entry through static calls,
//     from its own body, its closures and the helpers in test files it
//     calls;
//   - request: the test sends a request, an RPC or a command line that
//     the feature serves, through a router, server or command tree it
//     holds;
//   - declared: .blastgate.yaml names the test for the feature, or the test
//     calls t.Attr("feature", ID);
//   - coverage: a coverage profile recorded for the test alone shows a
//     statement of the entry ran.
//
// A testify suite method is a test of its own, TestX/TestM, under the same
// rules (suite.go).

// TestRef names a test function as go test reports it.
type TestRef struct {
	// Package is the package under test (for an external _test package,
	// the package it tests), as go test -json reports it.
	Package string
	// Name is the test function's name, or TestX/TestM for the method
	// TestM of a testify suite that TestX runs.
	Name string
}

func (t TestRef) String() string { return t.Package + "." + t.Name }

// CoverageProfile is a coverage profile recorded while only Test ran.
type CoverageProfile struct {
	Test TestRef
	Path string
}

// Options adds evidence from outside the code.
type Options struct {
	// Declared maps feature ids to the tests configuration names for them.
	Declared map[string][]TestRef
	// Coverage are per-test coverage profiles.
	Coverage []CoverageProfile
	// Attr, when set, says which t.Attr("feature", ID) declarations
	// count (nil: all of them).
	Attr func(test TestRef, feature string) bool
}

// rank orders evidence from the strongest.
var rank = map[string]int{
	report.EvidenceRequest:  4,
	report.EvidenceCoverage: 3,
	report.EvidenceStatic:   2,
	report.EvidenceDeclared: 1,
}

// Ledger is the evidence the tests have for one feature: for each test,
// the strongest kind given to it. A test is in it only once given
// evidence.
type Ledger map[TestRef]string

// Give records evidence of kind (report.EvidenceRequest, ...) for test
// ref, kept when it is stronger than what ref has.
func (l Ledger) Give(ref TestRef, kind string) {
	if rank[kind] > rank[l[ref]] {
		l[ref] = kind
	}
}

// Tests are the credited tests, sorted by package and name, never nil.
func (l Ledger) Tests() []report.Test {
	out := []report.Test{}
	for ref, kind := range l {
		out = append(out, report.Test{Package: ref.Package, Name: ref.Name, Evidence: kind})
	}
	sort.Slice(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if x.Package != y.Package {
			return x.Package < y.Package
		}
		return x.Name < y.Name
	})
	return out
}

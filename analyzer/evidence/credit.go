package evidence

import (
	"fmt"

	"github.com/blastgate/blastgate/report"
)

// Feature is what the credit rule reads of a feature.
type Feature struct {
	// ID is the feature's id, as configuration and t.Attr name it.
	ID string
	// Entries are the graph nodes of its entries (its handler, method or
	// run function).
	Entries []int
}

// Test is a test function (or a suite's method) and what the analyzer
// found it reaches.
type Test struct {
	Ref TestRef
	// Reach are the graph nodes the test reaches through static calls.
	Reach map[int]bool
	// Attrs are its t.Attr("feature", ID) values.
	Attrs []string
}

// Facts is what Credit asks the analyzer about the graph and about what
// the detectors' matchers make of a test's invocations. Features and
// tests are named by their index in Credit's arguments.
type Facts interface {
	Extents
	// Whole reports whether graph node id stands for a whole package
	// (one that does not type-check): reaching it shows no particular
	// function ran.
	Whole(id int) bool
	// RunsField reports whether test calls the feature's run function
	// itself on a command it builds (newSendCmd().RunE(...)): static
	// evidence that reach alone does not show.
	RunsField(feature, test int) bool
	// Sends reports whether test sends an invocation the feature serves:
	// an HTTP request that the router it holds routes to the feature, an
	// RPC to a server that registers it, a command line that selects it.
	Sends(feature, test int) bool
}

// Credit returns, for each feature, the evidence each test has for it:
// static (the test reaches an entry), request (Facts.Sends), declared
// (opts.Declared, or a t.Attr that opts.Attr lets count) and coverage
// (a profile of opts.Coverage shows an entry ran). A test configuration
// names that does not exist is an error, as is a profile that cannot be
// read (a *ProfileError).
func Credit(features []Feature, tests []Test, opts Options, modules []Module, facts Facts) ([]Ledger, error) {
	known := map[TestRef]bool{}
	for _, t := range tests {
		known[t.Ref] = true
	}
	for id, refs := range opts.Declared {
		for _, ref := range refs {
			if !known[ref] {
				return nil, fmt.Errorf("feature %q: configured test %s does not exist: name it as example.com/mod/pkg.TestName", id, ref)
			}
		}
	}
	entries := make([][]int, len(features))
	for i, f := range features {
		entries[i] = f.Entries
	}
	covered, err := Coverage(opts.Coverage, modules, entries, facts)
	if err != nil {
		return nil, err
	}
	out := make([]Ledger, len(features))
	for i, f := range features {
		l := Ledger{}
		for j, t := range tests {
			for _, e := range f.Entries {
				// A package that does not type-check is one node: reaching
				// it shows no particular handler ran (never credit a guess).
				if t.Reach[e] && !facts.Whole(e) {
					l.Give(t.Ref, report.EvidenceStatic)
					break
				}
			}
			if facts.RunsField(i, j) {
				l.Give(t.Ref, report.EvidenceStatic)
			}
			if facts.Sends(i, j) {
				l.Give(t.Ref, report.EvidenceRequest)
			}
			for _, a := range t.Attrs {
				if a == f.ID && (opts.Attr == nil || opts.Attr(t.Ref, a)) {
					l.Give(t.Ref, report.EvidenceDeclared)
				}
			}
		}
		for _, ref := range opts.Declared[f.ID] {
			l.Give(ref, report.EvidenceDeclared)
		}
		for _, ref := range covered[i] {
			l.Give(ref, report.EvidenceCoverage)
		}
		out[i] = l
	}
	return out, nil
}

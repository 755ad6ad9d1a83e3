package analyzer

import (
	"github.com/blastgate/blastgate/analyzer/evidence"
)

// Test evidence's contract and rules live in package evidence; these
// names keep the analyzer's API (and its own code) unchanged, and the
// methods below are the views of the Graph that package reads, the
// analyzer's side of the contract. Data flows one way: evidence imports
// nothing of the analyzer (TestLayering).

// TestRef names a test function as go test reports it (see
// evidence.TestRef).
type TestRef = evidence.TestRef

// CoverageProfile is a coverage profile recorded while only Test ran
// (see evidence.CoverageProfile).
type CoverageProfile = evidence.CoverageProfile

// EvidenceOptions adds evidence from outside the code (see
// evidence.Options).
type EvidenceOptions = evidence.Options

// ProfileError is a coverage profile that cannot be read (see
// evidence.ProfileError).
type ProfileError = evidence.ProfileError

// evidenceModules are the main modules, for evidence to place the files
// of coverage profiles.
func (g *Graph) evidenceModules() []evidence.Module {
	modules := make([]evidence.Module, len(g.prog.Modules))
	for i, m := range g.prog.Modules {
		modules[i] = evidence.Module{Path: m.Path, Dir: m.Dir}
	}
	return modules
}

// evidenceFeatures are the features as the credit rule reads them.
func evidenceFeatures(features []Feature) []evidence.Feature {
	out := make([]evidence.Feature, len(features))
	for i, f := range features {
		out[i] = evidence.Feature{ID: f.ID, Entries: f.Entries}
	}
	return out
}

// evidenceTests are the tests as the credit rule reads them.
func evidenceTests(tests []*testFunc) []evidence.Test {
	out := make([]evidence.Test, len(tests))
	for i, t := range tests {
		out[i] = evidence.Test{Ref: t.ref, Reach: t.reach, Attrs: t.attrs}
	}
	return out
}

// creditFacts is a credit pass as evidence.Facts: the graph, and the
// matchers of the test side (detect.Matcher) over the features and
// tests of one Credit call.
type creditFacts struct {
	g        *credit
	features []Feature
	tests    []*testFunc
}

// Extent returns the repository file and the first and last line of
// function or closure node id (Start 0 when it has no body found).
func (c creditFacts) Extent(id int) evidence.Extent {
	start, end := c.g.extent(id)
	file, _ := c.g.prog.Rel(c.g.nodes[id].pos)
	return evidence.Extent{File: file, Start: start, End: end}
}

// Whole reports whether node id is a package that does not type-check.
func (c creditFacts) Whole(id int) bool { return c.g.nodes[id].kind == packageNode }

// RunsField reports whether the test calls the feature's command's run
// field itself (detect.Matcher.RunsField).
func (c creditFacts) RunsField(feature, test int) bool {
	return c.g.match.RunsField(c.features[feature], c.tests[test].detectTest())
}

// Sends reports whether the test sends the feature a command line, an
// HTTP request (to the application's router, to a router of its own, or
// to one it mounted the application's routes on) or an RPC
// (detect.Matcher.Sends), the run-time parts of route ids given the
// values the test gives them (testPattern).
func (c creditFacts) Sends(feature, test int) bool {
	g, t := c.g, c.tests[test]
	return g.match.Sends(c.features, feature, t.detectTest(), func(f Feature) (routePattern, bool) { return g.testPattern(f, t) })
}

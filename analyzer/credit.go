package analyzer

import "github.com/blastgate/blastgate/analyzer/detect"

// credit is the state of one pass of test evidence (Credit, Tests,
// FeatureAttrs, the suites' warnings): the test functions found and
// what each does, and the test side's evaluators, computed on demand.
// It reads its Graph and never writes it: the Graph is read-only after
// BuildGraph, so passes over one Graph may run concurrently, each with
// its own credit.
type credit struct {
	*Graph

	tests    []*testFunc
	reqScan  *requestScan // the test side's evaluator (evidence_requests.go)
	prefixes *prefixState // what run-time parts of route ids stand for (evidence_prefix.go)
	// suiteWarns are the testify suites that get no credit
	// (evidence_suite.go).
	suiteWarns []string
	// match is the pass's test side in package detect: the matchers
	// that have moved there (command lines, RPCs).
	match *detect.Matcher
}

// newCredit starts a pass of test evidence over g.
func (g *Graph) newCredit() *credit {
	return &credit{Graph: g, match: detect.NewMatcher(detectView{g})}
}

// Tests lists the module's test functions, sorted.
func (g *Graph) Tests() []TestRef { return g.newCredit().Tests() }

// FeatureAttrs lists every t.Attr("feature", ID) declaration of the
// loaded tests, sorted by test and feature. It needs a program loaded
// with tests.
func (g *Graph) FeatureAttrs() []AttrDecl { return g.newCredit().FeatureAttrs() }

// Credit fills in the tests credited for each feature, with the strongest
// evidence each has. It needs a program loaded with tests. Each call is
// a pass of its own: calls may run concurrently on one Graph, each on
// features of its own.
func (g *Graph) Credit(features []Feature, opts EvidenceOptions) error {
	return g.newCredit().Credit(features, opts)
}

// detectTest is test t as detect's matchers read it.
func (t *testFunc) detectTest() detect.TestFunc {
	return detect.TestFunc{Decl: t.decl, Pkg: t.pkg, Reach: t.reach, Setup: t.setup, Requests: t.requests, Served: t.served, Mounted: t.mounted}
}

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

// coverageEvidence returns, per feature, the tests whose coverage profile
// shows a statement of the feature's entry ran.
func (g *Graph) coverageEvidence(features []Feature, profiles []CoverageProfile) (map[int][]TestRef, error) {
	modules := make([]evidence.Module, len(g.prog.Modules))
	for i, m := range g.prog.Modules {
		modules[i] = evidence.Module{Path: m.Path, Dir: m.Dir}
	}
	entries := make([][]int, len(features))
	for i, f := range features {
		entries[i] = f.entries
	}
	return evidence.Coverage(profiles, modules, entries, extents{g})
}

// extents is the Graph as evidence.Extents.
type extents struct{ g *Graph }

// Extent returns the repository file and the first and last line of
// function or closure node id (Start 0 when it has no body found).
func (x extents) Extent(id int) evidence.Extent {
	start, end := x.g.extent(id)
	file, _ := x.g.prog.Rel(x.g.nodes[id].pos)
	return evidence.Extent{File: file, Start: start, End: end}
}

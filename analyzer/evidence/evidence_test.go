package evidence

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"

	"github.com/blastgate/blastgate/report"
)

// TestLedger checks that a test keeps its strongest evidence, whatever
// the order it is given in, and that the credited tests come sorted.
func TestLedger(t *testing.T) {
	a := TestRef{Package: "example.com/m/b", Name: "TestA"}
	b := TestRef{Package: "example.com/m/a", Name: "TestZ"}
	c := TestRef{Package: "example.com/m/a", Name: "TestB"}
	l := Ledger{}
	l.Give(a, report.EvidenceDeclared)
	l.Give(a, report.EvidenceRequest)
	l.Give(a, report.EvidenceStatic)
	l.Give(b, report.EvidenceStatic)
	l.Give(b, report.EvidenceCoverage)
	l.Give(b, report.EvidenceDeclared)
	l.Give(c, report.EvidenceDeclared)
	l.Give(c, "guess") // not a kind of evidence: no credit
	require.Equal(t, []report.Test{
		{Package: "example.com/m/a", Name: "TestB", Evidence: report.EvidenceDeclared},
		{Package: "example.com/m/a", Name: "TestZ", Evidence: report.EvidenceCoverage},
		{Package: "example.com/m/b", Name: "TestA", Evidence: report.EvidenceRequest},
	}, l.Tests())
	require.NotNil(t, Ledger{}.Tests(), "no credit is an empty list, not null, in the JSON")
	l2 := Ledger{}
	l2.Give(a, "guess")
	require.Empty(t, l2.Tests(), "an unknown kind is no evidence")
}

// extents maps node ids to extents for Coverage.
type extents map[int]Extent

func (x extents) Extent(id int) Extent { return x[id] }

func TestCoverage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	// The innermost module owns a file: example.com/m/sub is the module
	// in sub/, not the package sub of example.com/m.
	modules := []Module{{Path: "example.com/m", Dir: "."}, {Path: "example.com/m/sub", Dir: "sub"}}
	g := extents{
		1: {File: "api/h.go", Start: 10, End: 20},
		2: {File: "sub/x.go", Start: 3, End: 8},
		3: {File: "api/h.go", Start: 30, End: 40},
		4: {}, // a node with no body found: never ran
	}
	ran := write("a.out", "mode: set\n"+
		"example.com/m/api/h.go:11.2,12.3 1 1\n"+ // inside node 1
		"example.com/m/api/h.go:31.2,32.3 1 0\n"+ // node 3, did not run
		"example.com/m/sub/x.go:4.2,5.3 1 1\n") // node 2
	ta := TestRef{Package: "example.com/m/api", Name: "TestA"}
	got, err := Coverage([]CoverageProfile{{Test: ta, Path: ran}}, modules, [][]int{{3, 1}, {3}, {2}, {4}}, g)
	require.NoError(t, err)
	require.Equal(t, map[int][]TestRef{0: {ta}, 2: {ta}}, got)

	_, err = Coverage([]CoverageProfile{{Test: ta, Path: write("empty.out", "")}}, modules, nil, g)
	var pe *ProfileError
	require.True(t, errors.As(err, &pe), "%v", err)
	require.ErrorContains(t, err, "the file is empty")
	_, err = Coverage([]CoverageProfile{{Test: ta, Path: filepath.Join(dir, "missing.out")}}, modules, nil, g)
	require.True(t, errors.As(err, &pe), "%v", err)
}

func TestTestNames(t *testing.T) {
	for name, want := range map[string]bool{"Test": true, "TestX": true, "Test_x": true, "Test1": true, "Testing": false, "test": false, "BenchmarkX": false, "TestÉ": true, "Testé": false} {
		require.Equal(t, want, IsTestName(name), name)
	}
	for id, want := range map[string]string{
		"example.com/m/p":                             "example.com/m/p",
		"example.com/m/p [example.com/m/p.test]":      "example.com/m/p",
		"example.com/m/p_test [example.com/m/p.test]": "example.com/m/p",
	} {
		require.Equal(t, want, PackageUnderTest(&packages.Package{ID: id, PkgPath: "example.com/m/p"}), id)
	}
	require.Equal(t, "api/h_test.go", TestFileFor("api/h.go"))
}

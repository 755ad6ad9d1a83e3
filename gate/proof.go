package gate

import (
	"path"
	"slices"
	"strings"

	"golang.org/x/tools/cover"

	"github.com/blastgate/blastgate/report"
)

// TestCoverage is the coverage recorded while one test ran, and no other
// test of its binary: the profiles of that run, as go test -coverprofile
// writes them (file names IMPORTPATH/base.go).
type TestCoverage struct {
	Package, Name string
	Profiles      []*cover.Profile
	// Setup is the coverage of a run of the same test binary that ran no
	// test (package initialization, TestMain): a block that ran there
	// may have run before the test did, so it shows nothing about the
	// test. Nil when there was no such run.
	Setup []*cover.Profile
}

// ApplyCoverage turns recorded coverage into proof (DESIGN.md "proof"):
// each credited test of an impacted feature that has coverage gets
// report.ProofCoverage when a changed Code declaration the feature
// reaches ran while it ran (under p.ProofLines, a changed line of one),
// and report.ProofNone, with the declarations that did not run in
// NotRan (in the order of Reaches), when none did. Coverage cannot tell about a feature whose
// Reaches holds no Code declaration (a type, a constant, a dependency),
// nor about declarations the profile does not measure (their package
// was not instrumented): then the test keeps the proof it had (static
// proof from the analysis). A test without coverage keeps its proof too.
func ApplyCoverage(r *report.Report, cov []TestCoverage, p Policy) {
	byTest := map[[2]string][]*cover.Profile{}
	setup := map[[2]string][]*cover.Profile{}
	for _, c := range cov {
		k := [2]string{c.Package, c.Name}
		byTest[k] = append(byTest[k], c.Profiles...)
		setup[k] = append(setup[k], c.Setup...)
	}
	if len(byTest) == 0 {
		return
	}
	for i := range r.Impacted {
		f := &r.Impacted[i]
		for j := range f.Tests {
			t := &f.Tests[j]
			profiles, ok := byTest[[2]string{t.Package, t.Name}]
			if !ok {
				continue
			}
			proof, notRan := CoverageProof(*f, profiles, setup[[2]string{t.Package, t.Name}], p.ProofLines)
			switch proof {
			case report.ProofCoverage:
				t.Proof, t.NotRan, t.Double = proof, nil, nil
			case report.ProofNone:
				t.Proof, t.NotRan = proof, notRan
			}
		}
	}
}

// CoverageProof returns what profiles recorded while a test ran tell
// about feature f: report.ProofCoverage when one of the changed Code
// declarations of f.Reaches ran (with lines, one of its changed Lines:
// a block that ran covers it), report.ProofNone and the declarations
// that did not run when none did, and "" when coverage cannot tell (no
// Code declaration, or none that the profiles measure).
//
// A declaration is measured when the profiles hold a block inside it
// (for lines, a block covering one of its changed lines; a declaration
// whose changed lines no block covers, such as a changed comment, is
// judged whole). A declaration that is not measured leaves the answer
// open: when no measured one ran, the result is "" rather than none.
// So does a block that ran in setup (the binary's run of no test): it
// shows neither that the test ran it nor that it did not.
func CoverageProof(f report.Feature, profiles, setup []*cover.Profile, lines bool) (string, []string) {
	blocks := map[string][]cover.ProfileBlock{} // IMPORTPATH/base.go -> blocks
	for _, p := range profiles {
		blocks[p.FileName] = append(blocks[p.FileName], p.Blocks...)
	}
	inSetup := map[blockKey]bool{}
	for _, p := range setup {
		for _, b := range p.Blocks {
			if b.Count > 0 {
				inSetup[keyOf(p.FileName, b)] = true
			}
		}
	}
	var notRan []string
	code, unmeasured := false, false
	for _, d := range f.Reaches {
		if !d.Code || d.Package == "" || d.Position.File == "" {
			continue
		}
		code = true
		end := max(d.EndLine, d.Position.Line)
		inside := func(b cover.ProfileBlock) bool { return b.StartLine >= d.Position.Line && b.EndLine <= end }
		covers := func(b cover.ProfileBlock) bool {
			for _, l := range d.Lines {
				if b.StartLine <= l && l <= b.EndLine && inside(b) {
					return true
				}
			}
			return false
		}
		match := inside
		if lines {
			for _, b := range blocks[d.Package+"/"+path.Base(d.Position.File)] {
				if covers(b) {
					match = covers
					break
				}
			}
		}
		file := d.Package + "/" + path.Base(d.Position.File)
		measured, ran, ambiguous := false, false, false
		for _, b := range blocks[file] {
			if !match(b) {
				continue
			}
			measured = true
			switch {
			case b.Count > 0 && inSetup[keyOf(file, b)]:
				ambiguous = true
			case b.Count > 0:
				ran = true
			}
		}
		switch {
		case ran:
			return report.ProofCoverage, nil
		case ambiguous:
			unmeasured = true
		case measured:
			if !slices.Contains(notRan, d.Symbol) {
				notRan = append(notRan, d.Symbol)
			}
		default:
			unmeasured = true
		}
	}
	if !code || unmeasured || len(notRan) == 0 {
		return "", nil
	}
	return report.ProofNone, notRan
}

// GroupCoverage is the coverage recorded while several tests ran in one
// test binary: a package's planned tests, run together.
type GroupCoverage struct {
	Package string
	// Tests are the tests that ran, as go test names them ("TestX",
	// "TestX/TestM"), parents and subtests alike.
	Tests    []string
	Profiles []*cover.Profile
	// Setup is the binary's run of no test, as TestCoverage.Setup.
	Setup []*cover.Profile
}

// ApplyGroupCoverage draws from a group's coverage only what stays exact
// for each test: when none of a feature's changed code ran in the whole
// group, it did not run under any test of it (proof none for each of
// them); when the group ran one test (with its parents and subtests
// only), the group's coverage is that test's own. What a group of several
// tests shows ran cannot be credited to one of them: those tests keep
// their proof, for a run of the test alone (ApplyCoverage) to decide.
func ApplyGroupCoverage(r *report.Report, groups []GroupCoverage, p Policy) {
	for _, g := range groups {
		for i := range r.Impacted {
			f := &r.Impacted[i]
			for j := range f.Tests {
				t := &f.Tests[j]
				if t.Package != g.Package || !slices.Contains(g.Tests, t.Name) {
					continue
				}
				proof, notRan := CoverageProof(*f, g.Profiles, g.Setup, p.ProofLines)
				switch {
				case proof == report.ProofNone:
					t.Proof, t.NotRan = proof, notRan
				case proof == report.ProofCoverage && SoleTest(g.Tests, t.Name):
					t.Proof, t.NotRan, t.Double = proof, nil, nil
				}
			}
		}
	}
}

// SoleTest reports whether every test in ran is name, one of its parents
// or one of its subtests: a run of them is a run of name alone.
func SoleTest(ran []string, name string) bool {
	for _, n := range ran {
		if n != name && !strings.HasPrefix(name, n+"/") && !strings.HasPrefix(n, name+"/") {
			return false
		}
	}
	return true
}

// blockKey identifies a block of a profile.
type blockKey struct {
	file                                 string
	startLine, startCol, endLine, endCol int
}

func keyOf(file string, b cover.ProfileBlock) blockKey {
	return blockKey{file, b.StartLine, b.StartCol, b.EndLine, b.EndCol}
}

package gate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/cover"

	"github.com/blastgate/blastgate/report"
)

// profile parses a go test -coverprofile text (the mode line added).
func profile(t *testing.T, lines ...string) []*cover.Profile {
	t.Helper()
	ps, err := cover.ParseProfilesFromReader(strings.NewReader("mode: set\n" + strings.Join(lines, "\n") + "\n"))
	require.NoError(t, err)
	return ps
}

// fee is billing.Fee, lines 10-17 of billing/fee.go, changed on line 12;
// tokenFee is billing.(*Service).TokenFee, lines 40-42; feeBasis is a
// changed constant.
var (
	fee      = report.Declaration{Symbol: "example.com/shop/billing.Fee", Package: "example.com/shop/billing", Position: report.Position{File: "billing/fee.go", Line: 10}, EndLine: 17, Code: true, Lines: []int{12}}
	tokenFee = report.Declaration{Symbol: "example.com/shop/billing.(*Service).TokenFee", Package: "example.com/shop/billing", Position: report.Position{File: "billing/fee.go", Line: 40}, EndLine: 42, Code: true, Lines: []int{41}}
	feeBasis = report.Declaration{Symbol: "example.com/shop/billing.feeBasisPoints", Package: "example.com/shop/billing", Position: report.Position{File: "billing/fee.go", Line: 6}, EndLine: 6}
)

// Blocks of billing/fee.go: Fee's body (10-12 and the branch 13-15),
// TokenFee's (40-42).
const (
	feeBody     = "example.com/shop/billing/fee.go:10.33,12.17 2 "
	feeBranch   = "example.com/shop/billing/fee.go:12.17,14.3 1 "
	feeReturn   = "example.com/shop/billing/fee.go:15.2,15.12 1 "
	tokenBody   = "example.com/shop/billing/fee.go:40.50,42.2 1 "
	otherFile   = "example.com/shop/billing/nightly.go:10.30,15.2 3 1"
	ran, notRan = "1", "0"
)

func token(reaches ...report.Declaration) report.Feature {
	return report.Feature{ID: "POST /token/buy", Kind: report.KindRoute, Reaches: reaches, Tests: []report.Test{
		{Package: "example.com/shop/prepaid", Name: "TestBuyToken", Evidence: "static", Proof: report.ProofStatic},
		{Package: "example.com/shop/web", Name: "TestRoutes", Evidence: "request", Proof: report.ProofNone},
	}}
}

func TestApplyCoverage(t *testing.T) {
	for _, c := range []struct {
		name    string
		f       report.Feature
		profile []string
		lines   bool
		proof   string // TestBuyToken's
		notRan  []string
	}{
		{"a changed function ran", token(fee, tokenFee), []string{feeBody + ran, feeBranch + notRan, feeReturn + ran, tokenBody + ran}, false, report.ProofCoverage, nil},
		{"one of two changed functions ran", token(fee, tokenFee), []string{feeBody + notRan, feeBranch + notRan, feeReturn + notRan, tokenBody + ran}, false, report.ProofCoverage, nil},
		{"no changed function ran (a double stood in)", token(fee, tokenFee), []string{feeBody + notRan, feeBranch + notRan, feeReturn + notRan, tokenBody + notRan, otherFile}, false, report.ProofNone, []string{fee.Symbol, tokenFee.Symbol}},
		{"only a type or constant changed: coverage cannot tell", token(feeBasis), []string{feeBody + notRan}, false, report.ProofStatic, nil},
		{"nothing reached yet: coverage cannot tell", token(), []string{feeBody + notRan}, false, report.ProofStatic, nil},
		{"the changed package was not measured", token(fee), []string{otherFile}, false, report.ProofStatic, nil},
		{"one measured and not run, one not measured", token(fee, report.Declaration{Symbol: "example.com/other.F", Package: "example.com/other", Position: report.Position{File: "other/f.go", Line: 3}, EndLine: 5, Code: true}), []string{feeBody + notRan}, false, report.ProofStatic, nil},
		{"lines: the function ran, its changed line did not", token(fee), []string{feeBody + ran, feeBranch + notRan, feeReturn + ran}, true, report.ProofCoverage, nil},
		{"lines: the changed branch was never taken", token(report.Declaration{Symbol: fee.Symbol, Package: fee.Package, Position: fee.Position, EndLine: fee.EndLine, Code: true, Lines: []int{13}}), []string{feeBody + ran, feeBranch + notRan, feeReturn + ran}, true, report.ProofNone, []string{fee.Symbol}},
		{"lines: the changed branch ran", token(report.Declaration{Symbol: fee.Symbol, Package: fee.Package, Position: fee.Position, EndLine: fee.EndLine, Code: true, Lines: []int{13}}), []string{feeBody + ran, feeBranch + ran, feeReturn + ran}, true, report.ProofCoverage, nil},
		{"declaration granularity: the branch not taken still proves", token(report.Declaration{Symbol: fee.Symbol, Package: fee.Package, Position: fee.Position, EndLine: fee.EndLine, Code: true, Lines: []int{13}}), []string{feeBody + ran, feeBranch + notRan, feeReturn + ran}, false, report.ProofCoverage, nil},
		{"lines: only a comment line changed: judged whole", token(report.Declaration{Symbol: fee.Symbol, Package: fee.Package, Position: fee.Position, EndLine: fee.EndLine, Code: true, Lines: []int{16}}), []string{feeBody + ran, feeBranch + notRan, feeReturn + ran}, true, report.ProofCoverage, nil},
		{"lines: no changed line recorded: judged whole", token(report.Declaration{Symbol: fee.Symbol, Package: fee.Package, Position: fee.Position, EndLine: fee.EndLine, Code: true}), []string{feeBody + notRan, feeReturn + notRan}, true, report.ProofNone, []string{fee.Symbol}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &report.Report{Impacted: []report.Feature{c.f}}
			ApplyCoverage(r, []TestCoverage{{Package: "example.com/shop/prepaid", Name: "TestBuyToken", Profiles: profile(t, c.profile...)}}, Policy{ProofLines: c.lines})
			got := r.Impacted[0].Tests
			assert.Equal(t, c.proof, got[0].Proof)
			assert.Equal(t, c.notRan, got[0].NotRan)
			// TestRoutes has no profile: it keeps the proof it had.
			assert.Equal(t, report.ProofNone, got[1].Proof)
			assert.Nil(t, got[1].NotRan)
		})
	}
}

func TestApplyCoverageDouble(t *testing.T) {
	// Static proof none with the double the analysis found; coverage that
	// shows the change ran (through another path) proves it, and the
	// double no longer explains anything.
	f := token(fee)
	f.Tests[0].Proof = report.ProofNone
	f.Tests[0].Double = &report.Double{Name: "example.com/shop/prepaid.flatFee"}
	r := &report.Report{Impacted: []report.Feature{f}}
	ApplyCoverage(r, []TestCoverage{{Package: "example.com/shop/prepaid", Name: "TestBuyToken", Profiles: profile(t, feeBody+ran)}}, Policy{})
	assert.Equal(t, report.ProofCoverage, r.Impacted[0].Tests[0].Proof)
	assert.Nil(t, r.Impacted[0].Tests[0].Double)

	// Coverage that shows it did not run keeps the double: it says why.
	r = &report.Report{Impacted: []report.Feature{f}}
	f.Tests[0].Double = &report.Double{Name: "example.com/shop/prepaid.flatFee"}
	ApplyCoverage(r, []TestCoverage{{Package: "example.com/shop/prepaid", Name: "TestBuyToken", Profiles: profile(t, feeBody+notRan)}}, Policy{})
	assert.Equal(t, report.ProofNone, r.Impacted[0].Tests[0].Proof)
	assert.Equal(t, []string{fee.Symbol}, r.Impacted[0].Tests[0].NotRan)
	assert.NotNil(t, r.Impacted[0].Tests[0].Double)
}

func TestApplyCoveragePerFeature(t *testing.T) {
	// One profile, two features: the bill page reaches Fee (ran), the
	// token page TokenFee (did not run).
	bill := report.Feature{ID: "GET /bill/{account}", Reaches: []report.Declaration{fee}, Tests: []report.Test{{Package: "p", Name: "TestAll", Proof: report.ProofStatic}}}
	tok := report.Feature{ID: "POST /token/buy", Reaches: []report.Declaration{tokenFee}, Tests: []report.Test{{Package: "p", Name: "TestAll", Proof: report.ProofStatic}}}
	r := &report.Report{Impacted: []report.Feature{bill, tok}}
	ApplyCoverage(r, []TestCoverage{{Package: "p", Name: "TestAll", Profiles: profile(t, feeBody+ran, tokenBody+notRan)}}, Policy{})
	assert.Equal(t, report.ProofCoverage, r.Impacted[0].Tests[0].Proof)
	assert.Equal(t, report.ProofNone, r.Impacted[1].Tests[0].Proof)
	assert.Equal(t, []string{tokenFee.Symbol}, r.Impacted[1].Tests[0].NotRan)
}

func TestApplyGroupCoverage(t *testing.T) {
	const pkg = "example.com/shop/prepaid"
	tests := func() []report.Test {
		return []report.Test{
			{Package: pkg, Name: "TestBuyToken", Proof: report.ProofStatic},
			{Package: pkg, Name: "TestSuite/TestBuy", Proof: report.ProofStatic},
			{Package: "example.com/shop/web", Name: "TestRoutes", Proof: report.ProofStatic},
		}
	}
	for _, c := range []struct {
		name   string
		ran    []string
		lines  []string
		proofs [3]string
	}{
		{"nothing changed ran in the group: none for each test of it", []string{"TestBuyToken", "TestSuite", "TestSuite/TestBuy"}, []string{feeBody + notRan}, [3]string{report.ProofNone, report.ProofNone, report.ProofStatic}},
		{"it ran, under one of several tests: undecided", []string{"TestBuyToken", "TestSuite", "TestSuite/TestBuy"}, []string{feeBody + ran}, [3]string{report.ProofStatic, report.ProofStatic, report.ProofStatic}},
		{"it ran, under the only test: exact", []string{"TestBuyToken"}, []string{feeBody + ran}, [3]string{report.ProofCoverage, report.ProofStatic, report.ProofStatic}},
		{"a suite method alone, with its parent: exact", []string{"TestSuite", "TestSuite/TestBuy"}, []string{feeBody + ran}, [3]string{report.ProofStatic, report.ProofCoverage, report.ProofStatic}},
		{"two methods of a suite: undecided", []string{"TestSuite", "TestSuite/TestBuy", "TestSuite/TestRefund"}, []string{feeBody + ran}, [3]string{report.ProofStatic, report.ProofStatic, report.ProofStatic}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &report.Report{Impacted: []report.Feature{{ID: "POST /token/buy", Reaches: []report.Declaration{fee}, Tests: tests()}}}
			ApplyGroupCoverage(r, []GroupCoverage{{Package: pkg, Tests: c.ran, Profiles: profile(t, c.lines...)}}, Policy{})
			for i, want := range c.proofs {
				assert.Equal(t, want, r.Impacted[0].Tests[i].Proof, r.Impacted[0].Tests[i].Name)
			}
		})
	}
}

func TestApplyCoverageSetup(t *testing.T) {
	// Fee's body ran, but it ran in the binary's run of no test too
	// (TestMain warmed the page up): it shows nothing about the test.
	apply := func(recorded, setup []string, lines bool) report.Test {
		r := &report.Report{Impacted: []report.Feature{token(fee)}}
		ApplyCoverage(r, []TestCoverage{{Package: "example.com/shop/prepaid", Name: "TestBuyToken", Profiles: profile(t, recorded...), Setup: profile(t, setup...)}}, Policy{ProofLines: lines})
		return r.Impacted[0].Tests[0]
	}
	got := apply([]string{feeBody + ran, feeBranch + notRan, feeReturn + ran}, []string{feeBody + ran, feeBranch + notRan, feeReturn + ran}, false)
	assert.Equal(t, report.ProofStatic, got.Proof, "ran only where setup ran it: cannot tell")
	got = apply([]string{feeBody + ran, feeBranch + ran, feeReturn + ran}, []string{feeBody + ran, feeBranch + notRan, feeReturn + ran}, false)
	assert.Equal(t, report.ProofCoverage, got.Proof, "the branch setup never took ran under the test")
	got = apply([]string{feeBody + notRan, feeReturn + notRan}, []string{feeBody + notRan, feeReturn + notRan}, false)
	assert.Equal(t, report.ProofNone, got.Proof, "nothing ran at all")

	// A group whose only run of Fee was in setup decides nothing either.
	r := &report.Report{Impacted: []report.Feature{token(fee)}}
	ApplyGroupCoverage(r, []GroupCoverage{{Package: "example.com/shop/prepaid", Tests: []string{"TestBuyToken"}, Profiles: profile(t, feeBody+ran), Setup: profile(t, feeBody+ran)}}, Policy{})
	assert.Equal(t, report.ProofStatic, r.Impacted[0].Tests[0].Proof)
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/example"
	"github.com/blastgate/blastgate/report"
	"github.com/blastgate/blastgate/results"
)

// TestRunRecordsProof runs the shop's planned tests the way run does,
// with real go test, on the branch with a token test through the real
// billing service (shared-change-proved), and checks the proof each
// credited test gets. The changed declarations each feature reaches are
// filled in by hand (the analysis fills Feature.Reaches), so that this
// checks the recording and its attribution alone: TestBuyToken and
// TestBuyTokenPricing run together in prepaid, so which of them ran
// billing.Fee is decided by rerunning them alone.
func TestRunRecordsProof(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	require.NoError(t, example.Materialize(ctx, dir))
	git(t, dir, "checkout", "-q", "shared-change-proved")

	c, rec, stderr, fee, tokenFee := runWithProof(t, dir)
	defer c.close()
	proofs := map[string]report.Test{}
	for _, f := range c.report.Impacted {
		for _, tt := range f.Tests {
			proofs[f.ID+" "+tt.Name] = tt
		}
	}
	buy := proofs["POST /token/buy TestBuyToken"]
	assert.Equal(t, report.ProofNone, buy.Proof, stderr.String())
	assert.Equal(t, []string{fee.Symbol, tokenFee.Symbol}, buy.NotRan)
	assert.Equal(t, report.ProofCoverage, proofs["POST /token/buy TestBuyTokenPricing"].Proof, stderr.String())
	assert.Equal(t, report.ProofCoverage, proofs["GET /bill/{account} TestBill"].Proof)
	assert.Equal(t, report.ProofCoverage, proofs["nightly-invoices TestRunNightlyInvoices"].Proof)
	assert.Contains(t, stderr.String(), "proof: TestBuyTokenPricing (example.com/shop/prepaid) rerun alone")
	// The reruns were of prepaid's two tests only: each other package
	// ran one planned test, so its profile is that test's own.
	var alone []string
	for _, a := range rec.alone {
		alone = append(alone, a.Name)
	}
	assert.ElementsMatch(t, []string{"TestBuyToken", "TestBuyTokenPricing"}, alone)

	// Nothing of the user's repository was written.
	assert.Empty(t, git(t, dir, "status", "--porcelain"))
}

// runWithProof analyses the shop in dir against main, fills in Reaches
// by hand (every feature reaches billing.Fee; the token page also
// billing.(*Service).TokenFee, the bill page billing.PostpaidBill),
// forgets the static proof, and runs the planned tests recording proof,
// as run does.
func runWithProof(t *testing.T, dir string) (*change, recorded, *bytes.Buffer, report.Declaration, report.Declaration) {
	t.Helper()
	ctx := context.Background()
	// -exec runs blastgate: the test binary under the name testscript
	// gives it on PATH.
	t.Cleanup(func(arg0 string) func() { return func() { os.Args[0] = arg0 } }(os.Args[0]))
	os.Args[0] = "blastgate"

	g := &globals{dir: dir, dirArg: dir, format: "text"}
	c, err := openChange(ctx, g, revisions{base: "main", head: "HEAD"}, true, nil)
	require.NoError(t, err)
	fee := declaration(t, dir, "example.com/shop/billing.Fee", "func Fee(")
	tokenFee := declaration(t, dir, "example.com/shop/billing.(*Service).TokenFee", "func (s *Service) TokenFee(")
	postpaid := declaration(t, dir, "example.com/shop/billing.PostpaidBill", "func PostpaidBill(")
	for i := range c.report.Impacted {
		f := &c.report.Impacted[i]
		switch f.ID {
		case "POST /token/buy":
			f.Reaches = []report.Declaration{fee, tokenFee}
		case "GET /bill/{account}":
			f.Reaches = []report.Declaration{fee, postpaid}
		default:
			f.Reaches = []report.Declaration{fee}
		}
		for j := range f.Tests {
			f.Tests[j].Proof = "" // as if the analysis could prove nothing
		}
	}

	plan := gate.MakePlan(c.report, c.policy(), c.pkgArg, 1)
	var stderr bytes.Buffer
	proof, err := c.startProof([]string{"-v"}, &stderr)
	require.NoError(t, err)
	require.NotNil(t, proof)
	t.Cleanup(proof.close)
	assert.Contains(t, proof.args, "-coverpkg=example.com/shop/billing")
	path, err := c.runTests(ctx, plan, append(proof.args, "-v"), "", &stderr)
	require.NoError(t, err, stderr.String())
	t.Cleanup(func() { os.Remove(path) })
	set, err := results.ReadFiles(path)
	require.NoError(t, err)
	rec, err := proof.record(ctx, c, set, &stderr)
	require.NoError(t, err, stderr.String())

	return c, rec, &stderr, fee, tokenFee
}

// declaration finds a function of billing/fee.go in the shop: its first
// line (the one starting with prefix) and its last (the closing brace).
func declaration(t *testing.T, dir, symbol, prefix string) report.Declaration {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "billing", "fee.go"))
	require.NoError(t, err)
	defer f.Close()
	d := report.Declaration{Symbol: symbol, Package: "example.com/shop/billing", Position: report.Position{File: "billing/fee.go"}, Code: true}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		switch {
		case strings.HasPrefix(sc.Text(), prefix):
			d.Position.Line = n
		case d.Position.Line > 0 && d.EndLine == 0 && sc.Text() == "}":
			d.EndLine = n
		}
	}
	require.NotZero(t, d.EndLine, "%s not found", prefix)
	return d
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

func TestShardFlag(t *testing.T) {
	var s shardFlag
	require.NoError(t, s.Set("2/3"))
	assert.Equal(t, shardFlag{2, 3}, s)
	assert.Equal(t, "2/3", s.String())
	for _, bad := range []string{"0/3", "4/3", "3", "a/b", "1/0", "-1/2"} {
		assert.Error(t, new(shardFlag).Set(bad), bad)
	}
}

func TestAlonePattern(t *testing.T) {
	assert.Equal(t, "^TestX$", alonePattern("TestX"))
	assert.Equal(t, "^TestX$/^TestM$", alonePattern("TestX/TestM"))
	// go test matches each level of a name separately, a subtest name's
	// own slashes included.
	assert.Equal(t, `^TestX$/^GET_$/^items$/^\{id\}$`, alonePattern("TestX/GET_/items/{id}"))
}

func TestExecQuote(t *testing.T) {
	assert.Equal(t, "/usr/bin/blastgate", execQuote("/usr/bin/blastgate"))
	assert.Equal(t, "'/my tools/blastgate'", execQuote("/my tools/blastgate"))
	assert.Equal(t, `"/it's/blastgate"`, execQuote("/it's/blastgate"))
}

func TestStartProofFlags(t *testing.T) {
	c := &change{report: &report.Report{Impacted: []report.Feature{{ID: "A", Reaches: []report.Declaration{{Symbol: "m/p.F", Package: "m/p", Code: true}}}}}}
	var stderr bytes.Buffer
	p, err := c.startProof([]string{"-race", "-v"}, &stderr)
	require.NoError(t, err)
	defer p.close()
	assert.Contains(t, p.args, "-covermode=atomic", "-race needs atomic")
	assert.Contains(t, p.args, "-count=1", "a cached result records no coverage")
	p2, err := c.startProof([]string{"-count=3"}, &stderr)
	require.NoError(t, err)
	defer p2.close()
	assert.NotContains(t, p2.args, "-count=1")
	p3, err := c.startProof([]string{"-coverprofile=c.out"}, &stderr)
	require.NoError(t, err)
	assert.Nil(t, p3)
	assert.Contains(t, stderr.String(), "run records no coverage proof")
	// After -args, flags are the test binary's.
	p4, err := c.startProof([]string{"-args", "-exec=x"}, &stderr)
	require.NoError(t, err)
	defer p4.close()
	assert.NotNil(t, p4)
	// Nothing reached that coverage can see: no recording.
	p5, err := (&change{report: &report.Report{}}).startProof(nil, &stderr)
	require.NoError(t, err)
	assert.Nil(t, p5)
}

// TestRunProofSetup: code that runs in TestMain, before any test, proves
// nothing about the tests: prepaid's TestMain prices a payment with
// billing.Fee, so prepaid's run shows Fee ran, but its run of no test
// shows it too: TestBuyToken (which prices with a double) gets no
// coverage proof (it keeps the proof it had), where a profile read
// naively would have credited it.
func TestRunProofSetup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	dir := filepath.Join(t.TempDir(), "shop")
	require.NoError(t, example.Materialize(context.Background(), dir))
	git(t, dir, "checkout", "-q", "shared-change")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prepaid", "main_test.go"), []byte(`package prepaid

import (
	"os"
	"testing"

	"example.com/shop/billing"
)

func TestMain(m *testing.M) {
	if billing.Fee(10000) <= 0 { // warm up the pricing
		os.Exit(3)
	}
	os.Exit(m.Run())
}
`), 0o644))
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "prepaid: TestMain warms up the pricing")

	c, _, stderr, _, _ := runWithProof(t, dir)
	defer c.close()
	for _, f := range c.report.Impacted {
		for _, tt := range f.Tests {
			if tt.Name == "TestBuyToken" {
				assert.Equal(t, "", tt.Proof, "%s: %s", f.ID, stderr)
				assert.Nil(t, tt.NotRan)
			}
		}
	}
}

package gate

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

func rel(pkg string) string { return "./" + strings.TrimPrefix(pkg, "m/") }

func TestPlanChoosesFewestTests(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{
		{ID: "GET /bill", Tests: []report.Test{{Package: "m/post", Name: "TestBill", Evidence: "static", Proof: "static"}, {Package: "m/web", Name: "TestRoutes", Evidence: "request", Proof: "static"}}},
		{ID: "cmd/shopd", Tests: []report.Test{{Package: "m/web", Name: "TestRoutes", Evidence: "declared", Proof: "static"}}},
		{ID: "POST /token", Tests: []report.Test{{Package: "m/pre", Name: "TestBuyToken", Evidence: "static", Proof: "static"}}},
		{ID: "GET /account"},
	}}
	plan := MakePlan(r, Policy{}, rel, 1)
	var names []string
	for _, tt := range plan.Tests {
		names = append(names, tt.Name)
	}
	assert.Equal(t, []string{"TestBuyToken", "TestRoutes"}, names, "TestRoutes covers both the bill page and the command")
	assert.Equal(t, []string{"GET /account"}, plan.Untested)
	require.Len(t, plan.Commands, 1)
	assert.Equal(t, "go test -json -run '^(TestBuyToken|TestRoutes)$' ./pre ./web", plan.Commands[0].String())
	assert.Equal(t, []string{"test", "-run", "^(TestBuyToken|TestRoutes)$", "./pre", "./web", "-json"}, plan.Commands[0].Args("-json"))

	var out bytes.Buffer
	require.NoError(t, WritePlanText(&out, plan, len(r.Impacted)))
	assert.Equal(t, "# 2 tests cover 3 of 4 impacted features\n"+
		"go test -json -run '^(TestBuyToken|TestRoutes)$' ./pre ./web\n"+
		"# untested: GET /account has no credited test: add one (blastgate check names where)\n", out.String())
}

// A feature with a statically proving test needs only that one; one
// without needs every credited test to run, since coverage recorded while
// one runs may prove the change and which is not known before.
func TestPlanProof(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{
		{ID: "POST /token", Tests: []report.Test{
			{Package: "m/pre", Name: "TestBuyToken", Evidence: "static", Proof: "none"},
			{Package: "m/pre", Name: "TestBuyTokenReal", Evidence: "static", Proof: "static"},
			{Package: "m/web", Name: "TestRoutes", Evidence: "request", Proof: "static"},
		}},
		{ID: "GET /bill", Tests: []report.Test{
			{Package: "m/post", Name: "TestBill", Evidence: "static", Proof: "none"},
			{Package: "m/web", Name: "TestRoutes", Evidence: "request", Proof: "none"},
		}},
	}}
	plan := MakePlan(r, Policy{}, rel, 1)
	got := map[string][]string{}
	for _, tt := range plan.Tests {
		got[tt.Name] = tt.Features
	}
	assert.Equal(t, map[string][]string{
		"TestBill":   {"GET /bill"},
		"TestRoutes": {"GET /bill", "POST /token"},
	}, got, "the double's test is left out; both unproven tests of the bill page run, and TestRoutes, run anyway, proves the token page")
	var out bytes.Buffer
	require.NoError(t, WritePlanText(&out, plan, len(r.Impacted)))
	assert.Contains(t, out.String(), "# 2 tests cover 2 of 2 impacted features\n")

	r.Impacted[0].Tests[2].Proof = "none"
	plan = MakePlan(r, Policy{}, rel, 1)
	got = map[string][]string{}
	for _, tt := range plan.Tests {
		got[tt.Name] = tt.Features
	}
	assert.Equal(t, map[string][]string{
		"TestBuyTokenReal": {"POST /token"},
		"TestBill":         {"GET /bill"},
		"TestRoutes":       {"GET /bill"},
	}, got)
}

func TestPlanPolicyAndWaivers(t *testing.T) {
	crit := report.Feature{ID: "POST /token", Tier: report.TierCritical, Tests: []report.Test{
		{Package: "m/pre", Name: "TestBuyToken", Evidence: "static"},
		{Package: "m/web", Name: "TestTokenRoute", Evidence: "request"},
	}}
	waived := report.Feature{ID: "GET /account", Tests: []report.Test{{Package: "m/acc", Name: "TestProfile", Evidence: "static"}}}
	r := &report.Report{Impacted: []report.Feature{crit, waived}}
	p := Policy{
		CriticalEvidence: []string{"request"},
		Waivers:          []Waiver{{Feature: "GET /account", Reason: "r", Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}},
		Now:              time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
	}
	plan := MakePlan(r, p, rel, 1)
	require.Len(t, plan.Tests, 1)
	assert.Equal(t, "TestTokenRoute", plan.Tests[0].Name, "critical features need request evidence; waived ones need nothing")
	assert.Empty(t, plan.Untested)
}

func TestPlanShards(t *testing.T) {
	var tests []report.Test
	for _, n := range []string{"TestA", "TestB", "TestC", "TestD", "TestE"} {
		tests = append(tests, report.Test{Package: "m/p" + n[4:], Name: n, Evidence: "static"})
	}
	var features []report.Feature
	for i, tt := range tests {
		features = append(features, report.Feature{ID: string(rune('a' + i)), Tests: []report.Test{tt}})
	}
	plan := MakePlan(&report.Report{Impacted: features}, Policy{}, rel, 2)
	require.Len(t, plan.Commands, 2)
	assert.Equal(t, 3, plan.Commands[0].Tests)
	assert.Equal(t, 2, plan.Commands[1].Tests)
	m := plan.Matrix()
	require.Len(t, m.Include, 2)
	assert.Equal(t, MatrixEntry{Shard: 1, Packages: "./pA ./pC ./pE", Run: "^(TestA|TestC|TestE)$", Tests: 3, Shards: 2}, m.Include[0])

	// More shards than tests: no empty shard.
	plan = MakePlan(&report.Report{Impacted: features[:1]}, Policy{}, rel, 4)
	assert.Len(t, plan.Commands, 1)
	// Nothing impacted: nothing to run.
	plan = MakePlan(&report.Report{}, Policy{}, rel, 3)
	assert.Empty(t, plan.Commands)
	assert.Empty(t, plan.Matrix().Include)
}

// Suite methods (TestX/TestM) are selected as subtests of their suite's
// test, each suite an alternative of its own; a test credited whole runs
// whole.
func TestPlanSuiteMethods(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{
		{ID: "GET /items/{id}", Tests: []report.Test{{Package: "m/web", Name: "TestItems/TestGetItem", Evidence: "request"}}},
		{ID: "GET /healthz", Tests: []report.Test{{Package: "m/web", Name: "TestItems/TestHealth", Evidence: "request"}}},
		{ID: "GET /cart", Tests: []report.Test{{Package: "m/web", Name: "TestCart/TestCartSub", Evidence: "request"}}},
		{ID: "POST /token", Tests: []report.Test{{Package: "m/pre", Name: "TestBuyToken", Evidence: "static"}}},
	}}
	plan := MakePlan(r, Policy{}, rel, 1)
	require.Len(t, plan.Commands, 1)
	assert.Equal(t, "^(TestBuyToken)$|^TestCart$/^(TestCartSub)$|^TestItems$/^(TestGetItem|TestHealth)$", plan.Commands[0].Run)
	assert.Equal(t, 4, plan.Commands[0].Tests)

	// Only suite methods: no alternative for top-level tests.
	plan = MakePlan(&report.Report{Impacted: r.Impacted[:2]}, Policy{}, rel, 1)
	assert.Equal(t, "go test -json -run '^TestItems$/^(TestGetItem|TestHealth)$' ./web", plan.Commands[0].String())

	// TestItems is credited whole for another feature (a t.Run closure
	// of its own, say): filtering its subtests would skip that, so it
	// runs whole.
	whole := append(r.Impacted[:2:2], report.Feature{ID: "GET /search", Tests: []report.Test{{Package: "m/other", Name: "TestItems", Evidence: "request"}}})
	plan = MakePlan(&report.Report{Impacted: whole}, Policy{}, rel, 1)
	assert.Equal(t, "^(TestItems)$", plan.Commands[0].Run)

	// A subtest name with a further '/' cannot be one element: whole.
	assert.Equal(t, "^(TestPass)$", runPattern([]string{"TestPass/GET_/items"}, nil))

	// Shards split a suite's methods; each shard selects its own.
	plan = MakePlan(&report.Report{Impacted: r.Impacted[:2]}, Policy{}, rel, 2)
	require.Len(t, plan.Commands, 2)
	assert.Equal(t, "^TestItems$/^(TestGetItem)$", plan.Commands[0].Run)
	assert.Equal(t, "^TestItems$/^(TestHealth)$", plan.Commands[1].Run)
}

// TestPlanShardsAgain: splitting again into as many shards as the matrix
// has (run --shard K/SHARDS) gives the same shards, also when more were
// asked for than there are tests.
func TestPlanShardsAgain(t *testing.T) {
	rel := func(p string) string { return "./" + p }
	var features []report.Feature
	for i := range 7 {
		name := string(rune('A' + i))
		features = append(features, report.Feature{ID: name, Tests: []report.Test{{Package: "p" + name, Name: "Test" + name, Proof: report.ProofStatic}}})
	}
	for _, asked := range []int{2, 3, 7, 10} {
		r := &report.Report{Impacted: features}
		m := MakePlan(r, Policy{}, rel, asked).Matrix()
		again := MakePlan(r, Policy{}, rel, m.Include[0].Shards)
		require.Len(t, again.Commands, len(m.Include))
		for i, e := range m.Include {
			assert.Equal(t, e.Run, again.Commands[i].Run)
			assert.Equal(t, e.Packages, strings.Join(again.Commands[i].Packages, " "))
		}
	}
}

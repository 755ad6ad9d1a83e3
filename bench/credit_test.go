package main

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTestKey(t *testing.T) {
	assert.Equal(t, "example.com/m/api.TestSuite", testKey("example.com/m/api", "TestSuite/TestCreate"))
	assert.Equal(t, "example.com/m/api.TestX", testKey("example.com/m/api_test", "TestX"), "an external test package is its package's")
}

const indexSrc = `package api

func Plain() {
	_ = 1
}

func (h *Handler) Get(w, r any) {
	f := func() {
		g := func() { _ = 2 }
		g()
	}
	f()
	_ = func() { _ = 3 }
}

func (h Handler) Value() { _ = 4 }

func Factory(dep any) func() {
	return func() { _ = dep }
}
`

func indexed(t *testing.T) map[string]span {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "api.go", indexSrc, parser.SkipObjectResolution)
	require.NoError(t, err)
	out := map[string]span{}
	indexFile(fset, f, "example.com/m/api", "example.com/m/api/api.go", out)
	return out
}

func TestIndexFileNamesFunctionsAsTheRuntime(t *testing.T) {
	funcs := indexed(t)
	assert.Equal(t, span{"example.com/m/api/api.go", 3, 14, 5, 1}, funcs["example.com/m/api.Plain"])
	assert.Equal(t, span{"example.com/m/api/api.go", 7, 33, 14, 1}, funcs["example.com/m/api.(*Handler).Get"])
	assert.Equal(t, 8, funcs["example.com/m/api.(*Handler).Get$1"].StartLine)
	assert.Equal(t, 9, funcs["example.com/m/api.(*Handler).Get$1$1"].StartLine, "a closure's closure is numbered under it")
	assert.Equal(t, 13, funcs["example.com/m/api.(*Handler).Get$2"].StartLine, "the next closure of the function is $2")
	assert.Contains(t, funcs, "example.com/m/api.Handler.Value")
	assert.Contains(t, funcs, "example.com/m/api.Factory$1")
	assert.Len(t, funcs, 8)
	// The runtime's names, normalised, find them.
	assert.Contains(t, funcs, normFunc("example.com/m/api.(*Handler).Get.func1.1"))
	assert.Contains(t, funcs, normFunc("example.com/m/api.(*Handler).Get-fm"))
}

func TestSpanContains(t *testing.T) {
	s := span{"m/a.go", 7, 33, 14, 1}
	assert.True(t, s.contains("m/a.go", 7, 34))
	assert.True(t, s.contains("m/a.go", 10, 1))
	assert.False(t, s.contains("m/a.go", 7, 20), "before the brace on its line")
	assert.False(t, s.contains("m/a.go", 14, 2), "after the closing brace")
	assert.False(t, s.contains("m/a.go", 15, 1))
	assert.False(t, s.contains("m/b.go", 10, 1), "another file")
}

func TestHandlerSpans(t *testing.T) {
	funcs := indexed(t)
	// The run-time handler, a method value.
	spans, ok := handlerSpans(truthRoute{Handler: "example.com/m/api.(*Handler).Get-fm"}, funcs)
	require.True(t, ok)
	assert.Equal(t, []span{funcs["example.com/m/api.(*Handler).Get"]}, spans)
	// A registration literal naming a factory: its closures serve, not the
	// factory, which runs when the router is built.
	spans, ok = handlerSpans(truthRoute{Handler: "example.com/m/api.Factory", Literal: true}, funcs)
	require.True(t, ok)
	assert.Equal(t, []span{funcs["example.com/m/api.Factory$1"]}, spans)
	// A bare method name: one type declares it.
	spans, ok = handlerSpans(truthRoute{Handler: "Value", Literal: true}, funcs)
	require.True(t, ok)
	assert.Equal(t, []span{funcs["example.com/m/api.Handler.Value"]}, spans)
	// Unknown, or declared by two types: not checkable.
	_, ok = handlerSpans(truthRoute{Handler: "example.com/m/api.Gone"}, funcs)
	assert.False(t, ok)
	funcs["example.com/m/web.(*Other).Value"] = span{File: "example.com/m/web/w.go"}
	_, ok = handlerSpans(truthRoute{Handler: "Value", Literal: true}, funcs)
	assert.False(t, ok, "a bare name two types declare identifies no handler")
}

func TestCreditRoutesInlinedMiddlewareUsesTheLiteral(t *testing.T) {
	funcs := indexed(t)
	regs := []registration{{suffix: "/plain", methods: []string{"GET"}, handler: "example.com/m/api.Plain"}}
	truth := []truthRoute{
		// mw inlined into routes: a name the source does not declare.
		{ID: "GET /plain", Handler: "example.com/m/api.routes.mw.func1"},
		{ID: "GET /get", Handler: "example.com/m/api.(*Handler).Get-fm"},
		{ID: "GET /files/", Handler: "net/http.(*fileHandler).ServeHTTP"},
	}
	routes, notCheckable := creditRoutes(truth, regs, "example.com/m", funcs)
	assert.Equal(t, 1, notCheckable, "a dependency's handler is not checkable")
	require.Len(t, routes, 2)
	assert.Equal(t, creditRoute{ID: "GET /plain", Spans: []span{funcs["example.com/m/api.Plain"]}}, routes[0])
	assert.Equal(t, "GET /get", routes[1].ID)
}

func TestParseProfileAndExercised(t *testing.T) {
	prof := `mode: set
example.com/m/api/api.go:3.14,5.2 1 1
example.com/m/api/api.go:7.33,12.5 2 0
example.com/m/api/api.go:13.14,13.22 1 1
example.com/m/other/x.go:1.1,2.2 1 1
`
	ran := parseProfile(prof)
	assert.Equal(t, []block{{"example.com/m/api/api.go", 3, 14}, {"example.com/m/api/api.go", 13, 14},
		{"example.com/m/other/x.go", 1, 1}}, ran, "blocks that did not run are left out")
	funcs := indexed(t)
	routes := []creditRoute{
		{ID: "GET /plain", Spans: []span{funcs["example.com/m/api.Plain"]}},
		{ID: "GET /get", Spans: []span{funcs["example.com/m/api.(*Handler).Get"]}},
		{ID: "GET /value", Spans: []span{funcs["example.com/m/api.Handler.Value"]}},
	}
	// Get's own blocks did not run, but a closure inside it did: its code ran.
	assert.Equal(t, []string{"GET /plain", "GET /get"}, exercised(routes, ran))
	assert.Empty(t, exercised(routes, parseProfile("mode: set\nexample.com/m/api/api.go:3.14,5.2 1 0\n")))
}

func TestOutcomeOf(t *testing.T) {
	assert.Equal(t, "pass", outcomeOf("=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n", "TestA", nil))
	assert.Equal(t, "fail", outcomeOf("--- PASS: TestA (0.00s)\n", "TestA", assert.AnError), "a binary that exits non-zero did not pass")
	assert.Equal(t, "skip", outcomeOf("--- SKIP: TestA (0.00s)\n", "TestA", nil))
	assert.Equal(t, "fail", outcomeOf("    --- PASS: TestA/sub (0.00s)\n--- FAIL: TestA (0.00s)\n", "TestA", assert.AnError))
	assert.Equal(t, "fail", outcomeOf("--- PASS: TestAB (0.00s)\n", "TestA", nil), "another test's line")
	assert.Equal(t, "fail", outcomeOf("panic: boom\n", "TestA", assert.AnError))
}

func TestScoreCredit(t *testing.T) {
	routes := []creditRoute{{ID: "GET /a"}, {ID: "GET /b"}, {ID: "GET /c"}, {ID: "GET /d"}, {ID: "GET /e"}}
	runs := []testRun{
		{Key: "m/api.TestA", Outcome: "pass", Exercised: []string{"GET /a", "GET /b"}},
		{Key: "m/api.TestB", Outcome: "pass", Exercised: []string{"GET /b"}},
		{Key: "m/api.TestNone", Outcome: "pass"},
		// A failed test's coverage is no truth, whatever it ran.
		{Key: "m/api.TestFailed", Outcome: "fail", Exercised: []string{"GET /c"}},
		{Key: "m/api.TestSkipped", Outcome: "skip"},
	}
	byID := map[string][]featureWithTests{
		// Credited with a test that exercises it (as a suite method).
		"GET /a": {{ID: "GET /a", Tests: []featureTest{{Package: "m/api_test", Name: "TestA/TestGet"}}}},
		// Credited only with a test that did not exercise it: not
		// credited with a true test, and a false credit.
		"GET /b": {{ID: "GET /b", Tests: []featureTest{{Package: "m/api", Name: "TestNone"}}}},
		// Credited with tests that failed or skipped alone, or that did
		// not run: unverified, neither true nor false.
		"GET /c": {{ID: "GET /c", Tests: []featureTest{{Package: "m/api", Name: "TestFailed"}, {Package: "m/api", Name: "TestSkipped"}}}},
		"GET /d": {{ID: "GET /d", Tests: []featureTest{{Package: "m/other", Name: "TestElsewhere"}}}},
	}
	s := scoreCredit(routes, runs, byID)
	assert.Equal(t, []string{"GET /a", "GET /b"}, s.Exercised, "only passing tests' coverage is truth")
	assert.Equal(t, []string{"GET /a"}, s.CreditedTrue)
	assert.Equal(t, []string{"GET /b (exercised by m/api.TestA, m/api.TestB)"}, s.Uncredited)
	require.Len(t, s.FalseCredits, 1)
	assert.Contains(t, s.FalseCredits[0], "GET /b credited to m/api.TestNone")
	assert.Equal(t, 3, s.Unverified)
	assert.Equal(t, []string{"GET /c: m/api.TestFailed (fail)", "GET /c: m/api.TestSkipped (skip)", "GET /d: m/other.TestElsewhere (not run)"},
		s.UnverifiedPairs)
	assert.Equal(t, 3, s.Passed)
	assert.Equal(t, 1, s.Failed)
	assert.Equal(t, 1, s.Skip)
	assert.Equal(t, []string{"m/api.TestFailed (fail)", "m/api.TestSkipped (skip)"}, s.NotPassed)

	// A route blastgate reports under two features: a true test on either
	// credits it.
	byID["GET /b"] = append(byID["GET /b"], featureWithTests{ID: "GET <base>/b", Tests: []featureTest{{Package: "m/api", Name: "TestB"}}})
	s = scoreCredit(routes, runs, byID)
	assert.Equal(t, []string{"GET /a", "GET /b"}, s.CreditedTrue)
	assert.Len(t, s.FalseCredits, 1, "TestNone is still a false credit")
}

func TestChecksFalseCreditFailsEvenReportOnly(t *testing.T) {
	r := goodResult()
	r.credit.FalseCredits = []string{"GET /b credited to m/api.TestNone, which passed alone without executing a statement of its handler"}
	v := checks([]*appResult{r}, true)
	assert.Empty(t, v.Missed)
	assert.Equal(t, []string{"app: GET /b credited to m/api.TestNone, which passed alone without executing a statement of its handler"}, v.FalseCredits)
	for _, reportOnly := range []bool{false, true} {
		err := v.err(reportOnly)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "false credits (a gate bug)")
	}
}

// TestRunTestsIsolatesEachTest builds a small module's test binary with
// coverage, as measureCredit does, and runs its tests one by one: each
// test's routes are those its own run executed, never an earlier run's
// (a coverage directory shared between runs would add them), and a test
// that fails or skips is no truth. Only the local go command is used.
func TestRunTestsIsolatesEachTest(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"api/api.go": `package api

func A() int { return 1 }

func B() int { return 2 }

func C() int { return 3 }
`,
		"api/api_test.go": `package api

import "testing"

func TestA(t *testing.T) { A() }

func TestB(t *testing.T) { B() }

func TestNone(t *testing.T) {}

func TestFails(t *testing.T) { C(); t.Fatal("no") }

func TestSkips(t *testing.T) { C(); t.Skip("no") }
`,
	}
	for name, content := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	bin := filepath.Join(t.TempDir(), "api.test")
	ctx := context.Background()
	_, err := runIn(ctx, src, []string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}, "go", "test", "-c", "-cover", "-covermode=set",
		"-coverpkg=example.com/m/...", "-o", bin, "./api")
	require.NoError(t, err)
	funcs, err := funcSpans(src, "example.com/m")
	require.NoError(t, err)
	routes := []creditRoute{
		{ID: "GET /a", Spans: []span{funcs["example.com/m/api.A"]}},
		{ID: "GET /b", Spans: []span{funcs["example.com/m/api.B"]}},
		{ID: "GET /c", Spans: []span{funcs["example.com/m/api.C"]}},
	}
	runs, err := runTests(ctx, testPackage{ImportPath: "example.com/m/api", Dir: filepath.Join(src, "api")}, nil, bin,
		[]string{"TestA", "TestB", "TestNone", "TestFails", "TestSkips"}, routes, t.TempDir(), time.Minute)
	require.NoError(t, err)
	assert.Equal(t, []testRun{
		{Key: "example.com/m/api.TestA", Outcome: "pass", Exercised: []string{"GET /a"}},
		{Key: "example.com/m/api.TestB", Outcome: "pass", Exercised: []string{"GET /b"}},
		{Key: "example.com/m/api.TestNone", Outcome: "pass"},
		{Key: "example.com/m/api.TestFails", Outcome: "fail"},
		{Key: "example.com/m/api.TestSkips", Outcome: "skip"},
	}, runs)
}

package main

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormFunc(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/m/web.NewMux.func1":     "example.com/m/web.NewMux$1",
		"example.com/m/web.NewMux.func1.2":   "example.com/m/web.NewMux$1$2",
		"example.com/m/web.(*H).Token-fm":    "example.com/m/web.(*H).Token",
		"example.com/m/web.(*H).Token":       "example.com/m/web.(*H).Token",
		"example.com/m/v2/internal/ui.Serve": "example.com/m/v2/internal/ui.Serve",
		"example.com/m/web.function":         "example.com/m/web.function",
	} {
		assert.Equal(t, want, normFunc(in), in)
	}
}

func TestEntryPackage(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/m/web.(*H).Token":  "example.com/m/web",
		"miniflux.app/v2/internal/ui.x": "miniflux.app/v2/internal/ui",
		"example.com/m.main":            "example.com/m",
	} {
		assert.Equal(t, want, entryPackage(in), in)
	}
}

func TestInsertInFunc(t *testing.T) {
	src := "package p\n\ntype T struct{}\n\nfunc (t *T) M() int { return 1 }\n\nfunc F() {}\n\nfunc G() {}\n"
	out, err := insertInFunc("p.go", []byte(src), map[string]string{"T.M": "a()", "F": "b()"})
	require.NoError(t, err)
	assert.Contains(t, string(out), "func (t *T) M() int { a(); return 1 }")
	assert.Contains(t, string(out), "func F() { b();}")
	assert.Contains(t, string(out), "func G() {}")
	_, err = parser.ParseFile(token.NewFileSet(), "p.go", out, 0)
	require.NoError(t, err, "the edited file must still parse")

	all, err := insertInFunc("p.go", []byte(src), map[string]string{"*": "c()"})
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(all), "c();"))

	_, err = insertInFunc("p.go", []byte(src), map[string]string{"Missing": "x()"})
	assert.ErrorContains(t, err, "no function Missing")
}

func TestRegistrationsAndLiteralHandler(t *testing.T) {
	src := `package server

import (
	"net/http"

	"example.com/m/server/apiv1"
)

func routes(r *Router) {
	r.HandleFunc(config.Webroot+"api/v1/tags", mw(apiv1.GetAllTags)).Methods("GET")
	r.HandleFunc(config.Webroot+"api/v1/tags", mw(apiv1.SetTags)).Methods("PUT")
	r.PathPrefix(config.Webroot + "dist/").Handler(mw(embedController))
	r.Handle(prefix+"/", http.FileServer(fsys))
	h := newHandler()
	r.HandleFunc("/local", h)
	mux.Handle("/*", redirect())
}

func embedController() {}

func redirect() {}
`
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	ms := &moduleSource{module: "example.com/m", files: []*ast.File{f}, funcs: map[string]bool{"embedController": true, "routes": true, "redirect": true}}
	regs := registrations(ms)
	assert.Equal(t, "example.com/m/server/apiv1.GetAllTags", literalHandler(regs, "GET /api/v1/tags"))
	assert.Equal(t, "example.com/m/server/apiv1.SetTags", literalHandler(regs, "PUT /api/v1/tags"))
	assert.Equal(t, "embedController", literalHandler(regs, "/dist/"))
	assert.Equal(t, "", literalHandler(regs, "GET /other/"), "a bare / suffix names no registration")
	assert.Equal(t, "", literalHandler(regs, "/local"), "a local variable names no function")
	assert.Equal(t, "", literalHandler(regs, "GET /auth/*"), "a bare /* suffix names no registration")
}

func TestScoreEditTruthComesFromTheListing(t *testing.T) {
	truth := []truthRoute{
		{ID: "GET /a", Handler: "example.com/m/web.a"},
		{ID: "GET /files/", Handler: "net/http.(*fileHandler).ServeHTTP"}, // a dependency's handler
		{ID: "GET /b", Handler: "example.com/m/web.b"},
		{ID: "GET /c", Handler: "example.com/m/web.c-fm"}, // blastgate never found it
	}
	found := []feature{
		{ID: "GET /a", Kind: "route", Entry: "example.com/m/web.a"},
		{ID: "GET /files/", Kind: "route", Entry: "net/http.(*ServeMux).ServeHTTP"},
		{ID: "GET /b", Kind: "route", Entry: "example.com/m/web.b"},
	}
	stacks := [][]string{
		{"example.com/m/store.Get", "example.com/m/web.a", "net/http.(*ServeMux).ServeHTTP"},
		{"example.com/m/store.Get", "example.com/m/web.c", "net/http.(*fileHandler).ServeHTTP"},
	}
	s := scoreEdit(edit{Name: "store.Get"}, app{}, "example.com/m", truth, nil, found, found[:1], stacks)
	assert.Equal(t, []string{"GET /a", "GET /c"}, s.True, "only the module's own handlers identify a route")
	assert.Equal(t, 1, s.NotCheckable, "the file server's route is left out of the truth")
	assert.Equal(t, 1, s.Recalled)
	assert.Equal(t, []string{"GET /c (not found)"}, s.Missed, "a true route blastgate never found is a miss")
	assert.Equal(t, 2, s.Stacks)

	s = scoreEdit(edit{Name: "store.Get"}, app{}, "example.com/m", truth, nil, found, nil, stacks)
	assert.Equal(t, []string{"GET /a", "GET /c (not found)"}, s.Missed, "a true route blastgate does not impact is a miss")
}

func TestScoreEditMapsTruthToBlastgateIDs(t *testing.T) {
	a := app{Placeholders: map[string]string{"<config.Webroot>": "/"}}
	truth := []truthRoute{{ID: "GET /api/x", Handler: "example.com/m/web.x"}}
	found := []feature{{ID: "GET <config.Webroot>api/x", Kind: "route", Entry: "example.com/m/web.x"}}
	stacks := [][]string{{"example.com/m/store.Get", "example.com/m/web.x"}}
	s := scoreEdit(edit{Name: "store.Get"}, a, "example.com/m", truth, nil, found, found, stacks)
	assert.Equal(t, []string{"GET /api/x"}, s.True)
	assert.Equal(t, 1, s.Recalled, "the placeholder is matched as scoreRoutes matches it")
	assert.Empty(t, s.Missed)
}

func TestScoreEditMiddlewareClosureUsesTheLiteral(t *testing.T) {
	src := `package server

import "example.com/m/server/apiv1"

func routes(r *Router) {
	r.HandleFunc(config.Webroot+"api/v1/x", mw(apiv1.X)).Methods("GET")
	r.HandleFunc(config.Webroot+"api/v1/y", mw(apiv1.Y)).Methods("GET")
}
`
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	regs := registrations(&moduleSource{module: "example.com/m", files: []*ast.File{f}, funcs: map[string]bool{}})
	// Every route holds the same closure the middleware made.
	truth := []truthRoute{
		{ID: "GET /api/v1/x", Handler: "example.com/m/server.mw.func1"},
		{ID: "GET /api/v1/y", Handler: "example.com/m/server.mw.func1"},
	}
	found := []feature{
		{ID: "GET /api/v1/x", Kind: "route", Entry: "example.com/m/server/apiv1.X"},
		{ID: "GET /api/v1/y", Kind: "route", Entry: "example.com/m/server/apiv1.Y"},
	}
	// storage.X has the name of /x's handler, but is another package's.
	stacks := [][]string{{"example.com/m/storage.X", "example.com/m/server/apiv1.Y", "example.com/m/server.mw.func1"}}
	s := scoreEdit(edit{Name: "storage.X"}, app{}, "example.com/m", truth, regs, found, found[1:], stacks)
	assert.Equal(t, []string{"GET /api/v1/y"}, s.True)
	assert.Empty(t, s.Missed)
	assert.Zero(t, s.NotCheckable)

	// A closure only one route holds (a func literal at the
	// registration) identifies it; a shared one with no literal does not.
	truth = append(truth,
		truthRoute{ID: "GET /inline", Handler: "example.com/m/server.routes.func3"},
		truthRoute{ID: "GET /p", Handler: "example.com/m/server.wrap.func1"},
		truthRoute{ID: "GET /q", Handler: "example.com/m/server.wrap.func1"})
	stacks = append(stacks, []string{"example.com/m/storage.X", "example.com/m/server.routes.func3"},
		[]string{"example.com/m/storage.X", "example.com/m/server.wrap.func1"})
	s = scoreEdit(edit{Name: "storage.X"}, app{}, "example.com/m", truth, regs, found, found[1:], stacks)
	assert.Equal(t, []string{"GET /api/v1/y", "GET /inline"}, s.True)
	assert.Equal(t, 2, s.NotCheckable)
}

func TestScoreEditLiteralMethodValue(t *testing.T) {
	truth := []truthRoute{
		{ID: "GET /starred", Handler: "showStarredPage", Literal: true},
		{ID: "GET /local", Handler: "", Literal: true}, // a local variable
	}
	stacks := [][]string{{"example.com/m/model.(*User).UseTimezone", "example.com/m/ui.(*handler).showStarredPage"}}
	s := scoreEdit(edit{Name: "UseTimezone"}, app{}, "example.com/m", truth, nil, nil, nil, stacks)
	assert.Equal(t, []string{"GET /starred"}, s.True)
	assert.Equal(t, []string{"GET /starred (not found)"}, s.Missed)
	assert.Equal(t, 1, s.NotCheckable)
}

func TestRegistrationsPlainHandleAndLocals(t *testing.T) {
	src := `package frontend

import (
	"net/http"

	"example.com/m/internal/api"
)

func (s *Server) Install(handle func(string, http.Handler)) {
	searchHandler := s.errorHandler(s.serveSearch)
	handle("GET /search", searchHandler)
	handle("GET /v1/search", s.apiHandler(api.ServeSearch))
	h := a()
	h = b()
	handle("GET /twice", h)
	handle("GET /files/", http.StripPrefix("/files", s.fileMux))
	handle("/sitemap/", http.StripPrefix("/sitemap/", http.FileServer(http.Dir("private/sitemap"))))
	handle("GET /v1/vulns/", s.apiHandler(api.ServeVulnerabilities(s.vulnClient)))
}
`
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	regs := registrations(&moduleSource{module: "example.com/m", files: []*ast.File{f},
		funcs: map[string]bool{"a": true, "b": true}, methods: map[string]bool{"serveSearch": true, "errorHandler": true, "apiHandler": true}})
	assert.Equal(t, "serveSearch", literalHandler(regs, "GET /search"), "a local assigned once names its value's function")
	assert.Equal(t, "example.com/m/internal/api.ServeSearch", literalHandler(regs, "GET /v1/search"), "qualified by its import")
	assert.Equal(t, "", literalHandler(regs, "POST /search"), "the pattern's method is the registration's")
	assert.Equal(t, "", literalHandler(regs, "GET /twice"), "a local assigned twice names nothing")
	assert.Equal(t, "", literalHandler(regs, "GET /files/"), "a field names nothing")
	assert.Equal(t, "", literalHandler(regs, "/sitemap/"), "a dependency's function names nothing")
	assert.Equal(t, "example.com/m/internal/api.ServeVulnerabilities", literalHandler(regs, "GET /v1/vulns/"), "a factory past a field")
}

func TestUnmeasured(t *testing.T) {
	assert.Contains(t, unmeasured(errors.New("FAIL example.com/m/web; exit status 1"), [][]string{{"x"}}), "test run failed")
	assert.Contains(t, unmeasured(nil, nil), "no stack")
	assert.Equal(t, "", unmeasured(nil, [][]string{{"x"}}))
}

// goodResult meets every target.
func goodResult() *appResult {
	return &appResult{
		app:    app{Name: "app"},
		routes: routeScore{Truth: 20, Found: 20, RightEntry: 18, Unverifiable: 2, Reported: 21},
		edits: []editScore{
			{Edit: edit{Name: "e1"}, Stacks: 3, True: []string{"GET /a", "GET /b"}, Recalled: 2,
				Impacted: []string{"GET /a", "GET /b", "GET /c"}, PackageLevel: 20},
			{Edit: edit{Name: "e2"}, Stacks: 1, True: []string{"GET /d"}, Recalled: 1,
				Impacted: []string{"GET /d"}, PackageLevel: 20},
		},
		cost: &costScore{
			GoList:    cost{Wall: time.Second, RSS: 40 << 20},
			Blastgate: cost{Wall: 2 * time.Second, RSS: 60 << 20},
			Cached:    cost{Wall: time.Second / 10, RSS: 16 << 20},
			VTA:       cost{Wall: 10 * time.Second, RSS: 2000 << 20},
			HasCache:  true,
		},
		proof: &proofCost{Tests: 3, GoTest: 10 * time.Second, Run: 12 * time.Second},
		credit: &creditScore{Measured: true, Routes: 20, Passed: 10,
			Exercised: []string{"GET /a", "GET /b"}, CreditedTrue: []string{"GET /a", "GET /b"}},
	}
}

func TestChecksPassWhenEveryTargetIsMet(t *testing.T) {
	v := checks([]*appResult{goodResult()}, true)
	assert.Empty(t, v.Unmeasured)
	assert.Empty(t, v.Missed)
	assert.Empty(t, v.NotChecked)
	assert.Len(t, v.Targets, 11)
	require.NoError(t, v.err(false))
}

// TestChecksFailEachTarget breaks one figure at a time: each printed
// target has a case that misses it, and a miss fails the run unless
// -report-only.
func TestChecksFailEachTarget(t *testing.T) {
	for name, c := range map[string]struct {
		target int // index in Targets
		breaks func(r *appResult)
		want   string
	}{
		"route not found": {0, func(r *appResult) { r.routes.Found, r.routes.Missing = 18, []string{"GET /x", "GET /y"} }, "routes found 18 of 20"},
		"wrong entry": {1, func(r *appResult) {
			r.routes.RightEntry, r.routes.WrongEntry = 16, []string{"GET /x: runs a, blastgate says b"}
		}, "right entry 16 of 18"},
		"wrong id": {2, func(r *appResult) {
			r.routes.WrongIDs = []string{"GET /album (the router serves GET /rest/album)"}
		}, "1 wrong ids, target 0: GET /album (the router serves GET /rest/album)"},
		"no checkable entry": {1, func(r *appResult) { r.routes.RightEntry, r.routes.Unverifiable = 0, 20 }, "right entry not measured"},
		"recall miss": {3, func(r *appResult) {
			r.edits[0].Recalled, r.edits[0].Missed = 1, []string{"GET /b"}
		}, "edit e1: recall 1 of 2, target 100%; not impacted: GET /b"},
		"true route not found": {3, func(r *appResult) {
			r.edits[0].Recalled, r.edits[0].Missed = 1, []string{"GET /b (not found)"}
		}, "not impacted: GET /b (not found)"},
		"no true route": {3, func(r *appResult) {
			r.edits[1].True, r.edits[1].Recalled = nil, 0
		}, "edit e2: recall not measured"},
		"impacted / true": {4, func(r *appResult) {
			r.edits[1].Impacted = []string{"GET /d", "GET /e", "GET /f"}
		}, "6 impacted for 3 true (2.00x)"},
		"impacted / package level":  {5, func(r *appResult) { r.edits[0].PackageLevel, r.edits[1].PackageLevel = 5, 5 }, "4 impacted for 10 at package level (0.40x)"},
		"time vs VTA":               {6, func(r *appResult) { r.cost.Blastgate.Wall = 6 * time.Second }, "blastgate impact took 6s"},
		"memory vs VTA":             {6, func(r *appResult) { r.cost.Blastgate.RSS = 1200 << 20 }, "blastgate impact used 1200 MB"},
		"cached vs go list":         {7, func(r *appResult) { r.cost.Cached.Wall = 2 * time.Second }, "cached re-run took 2s"},
		"no cache":                  {7, func(r *appResult) { r.cost.HasCache = false }, "cached re-run not measured"},
		"run with proof vs go test": {8, func(r *appResult) { r.proof.Run = 20 * time.Second }, "blastgate run with proof took 20s, 2.00x go test -json -run's 10s"},
		"credit recall": {9, func(r *appResult) {
			r.credit.Exercised = append(r.credit.Exercised, "GET /c")
			r.credit.Uncredited = []string{"GET /c (exercised by m.TestC)"}
		}, "app: credit recall 2 of 3 routes the tests exercise (67%), target >= 90%; credited with no test that exercises them: GET /c (exercised by m.TestC)"},
	} {
		t.Run(name, func(t *testing.T) {
			r := goodResult()
			c.breaks(r)
			v := checks([]*appResult{r}, true)
			assert.Empty(t, v.Unmeasured)
			require.Len(t, v.Missed, 1)
			assert.Contains(t, v.Missed[0], c.want)
			assert.Less(t, c.target, len(v.Targets))
			err := v.err(false)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NoError(t, v.err(true), "-report-only reports a missed target without failing")
		})
	}
}

func TestChecksFailWhenNothingWasMeasured(t *testing.T) {
	for name, c := range map[string]struct {
		breaks func(r *appResult)
		want   string
	}{
		"empty route truth": {func(r *appResult) { r.routes = routeScore{Reported: 20} }, "app: the route truth is empty"},
		"failed test run": {func(r *appResult) {
			r.edits[0].Unmeasured = unmeasured(errors.New("FAIL example.com/m/web"), [][]string{{"x"}})
		}, "app: edit e1: its instrumented test run failed"},
		"no stack": {func(r *appResult) {
			r.edits[1] = editScore{Edit: edit{Name: "e2"}, Unmeasured: unmeasured(nil, nil)}
		}, "app: edit e2: the tests recorded no stack"},
		"proof cost not measured": {func(r *appResult) {
			r.proof = &proofCost{Unmeasured: "the edit plans no test"}
		}, "app: proof cost: the edit plans no test"},
		"no credit truth": {func(r *appResult) {
			r.credit = &creditScore{Measured: true, Unmeasured: "no test passed alone"}
		}, "app: test credit: no test passed alone"},
	} {
		t.Run(name, func(t *testing.T) {
			r := goodResult()
			c.breaks(r)
			v := checks([]*appResult{r}, true)
			require.Len(t, v.Unmeasured, 1)
			assert.Contains(t, v.Unmeasured[0], c.want)
			for _, reportOnly := range []bool{false, true} {
				err := v.err(reportOnly)
				require.Error(t, err, "a measurement that could not be made fails even with -report-only")
				assert.Contains(t, err.Error(), c.want)
			}
		})
	}
}

func TestChecksPrintOnlyWhatTheyCheck(t *testing.T) {
	r := goodResult()
	r.cost, r.credit = nil, nil
	r.edits[0].PackageLevel = 1 // would miss impacted / package level
	v := checks([]*appResult{r}, false)
	assert.Len(t, v.Targets, 4, "no aggregate, cost or credit target in a smoke run")
	assert.Len(t, v.NotChecked, 3)
	assert.Empty(t, v.Missed)
	var b strings.Builder
	printVerdict(&b, v)
	assert.NotContains(t, b.String(), "package level <=")
	assert.NotContains(t, b.String(), "VTA")
	assert.Contains(t, b.String(), "Every target checked is met.")

	r.routes.Found = 10
	v = checks([]*appResult{r}, false)
	b.Reset()
	printVerdict(&b, v)
	assert.Contains(t, b.String(), "MISSED app: routes found 10 of 20")
}

func TestSelectApps(t *testing.T) {
	got, err := selectApps(apps, "", true)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, smokeApp, got[0].Name)
	require.Len(t, got[0].Edits, len(smokeEdits))
	for _, e := range got[0].Edits {
		assert.NotEmpty(t, e.Func, "smoke edits are function edits: one test run records them all")
	}
	got, err = selectApps(apps, "pkgsite,miniflux", false)
	require.NoError(t, err)
	assert.Len(t, got, 2)
	_, err = selectApps(apps, "nope", false)
	assert.Error(t, err)
}

func TestPackageLevelAndInit(t *testing.T) {
	routes := []feature{
		{ID: "GET /a", Entry: "example.com/m/web.a"},
		{ID: "GET /b", Entry: "example.com/m/admin.b"},
	}
	deps := map[string]map[string]bool{
		"example.com/m/web":   {"example.com/m/store": true},
		"example.com/m/admin": {},
	}
	changed := func(p string) bool { return p == "example.com/m/store" }
	handled := func(f feature) string { return entryPackage(f.Entry) }
	assert.Equal(t, 1, packageLevel(routes, deps, changed, handled))
	registered := func(feature) string { return "example.com/m/web" }
	assert.Equal(t, 2, packageLevel(routes, deps, changed, registered))

	var f feature
	require.NoError(t, json.Unmarshal([]byte(`{"trace":[{"function":"example.com/m/routes.init"},{"function":"example.com/m/core.init#2"}]}`), &f))
	assert.True(t, f.throughInit())
	require.NoError(t, json.Unmarshal([]byte(`{"trace":[{"function":"(start-up)"},{"function":"(start-up call of sql.Register)"}]}`), &f))
	assert.True(t, f.throughInit())
	require.NoError(t, json.Unmarshal([]byte(`{"trace":[{"function":"example.com/m/web.initPage"}]}`), &f))
	assert.False(t, f.throughInit())
}

func TestChecksNoTruthApplication(t *testing.T) {
	r := goodResult()
	nt := &appResult{
		app:    app{Name: "nt", NoTruth: "its handlers' tests need PostgreSQL"},
		routes: routeScore{Truth: 10, Found: 10, RightEntry: 10},
		edits:  []editScore{{Edit: edit{Name: "x"}, NoTruth: true, Impacted: []string{"GET /a"}, PackageLevel: 10}},
	}
	v := checks([]*appResult{r, nt}, true)
	assert.Empty(t, v.Unmeasured, "an edit without truth is not an edit that failed to measure")
	assert.Empty(t, v.Missed)
	require.Len(t, v.NotChecked, 1)
	assert.Contains(t, v.NotChecked[0], "nt: recall and impacted / true are not measured on its 1 edits: its handlers' tests need PostgreSQL")

	// Its impacted / package level still counts.
	nt.edits[0].Impacted = make([]string, 20)
	v = checks([]*appResult{r, nt}, true)
	require.Len(t, v.Missed, 1)
	assert.Contains(t, v.Missed[0], "24 impacted for 50 at package level")

	// Without NoTruth, the same edit with no stack fails the run.
	nt.app.NoTruth, nt.edits[0].NoTruth, nt.edits[0].Unmeasured = "", false, unmeasured(nil, nil)
	v = checks([]*appResult{r, nt}, true)
	require.Len(t, v.Unmeasured, 1)
}

func TestFailedPackagesAndFailures(t *testing.T) {
	out := []byte("ok  \texample.com/m/a\t0.1s\n--- FAIL: TestX (0.00s)\nFAIL\nFAIL\texample.com/m/b\t0.2s\n" +
		"FAIL\texample.com/m/c [build failed]\nFAIL\texample.com/m/d [setup failed]\n")
	assert.Equal(t, []string{"example.com/m/b"}, failedPackages(out), "a package that did not build is not run again")
	assert.Equal(t, "--- FAIL: TestX (0.00s); FAIL example.com/m/b 0.2s; FAIL example.com/m/c [build failed]; FAIL example.com/m/d [setup failed]; ", failures(out))
}

func TestPathPattern(t *testing.T) {
	for _, c := range []struct {
		path   string
		match  []string
		differ []string
		static bool
	}{
		{"/rest/album", []string{"/rest/album"}, []string{"/album", "/rest/album/", "/rest/albums"}, true},
		// A placeholder left is any text, slashes and nothing included.
		{"<cfg.BasePath>/rest/album", []string{"/rest/album", "/music/rest/album"}, []string{"/rest/song", "/album"}, true},
		{`<path.Join(base, "/x")>/y`, []string{"/a/x/y"}, []string{"/a/x/z"}, true},
		// Parameters in any router's syntax are one segment.
		{"/users/{id}", []string{"/users/:id", "/users/{userID}", "/users/{id:[0-9]+}"}, []string{"/users", "/users/1/x"}, true},
		{"/users/{id:[0-9]{1,3}}/x", []string{"/users/{id}/x"}, []string{"/users/{id}/y"}, true},
		{"/users/:id", []string{"/users/{id}"}, []string{"/users/{id}/x"}, true},
		{"/files/*", []string{"/files/*", "/files/a/b"}, []string{"/file/a"}, true},
		{"/files/{path...}", []string{"/files/a/b"}, []string{"/f/a"}, true},
		{"/{$}", []string{"/"}, []string{"/x"}, false},
		{"/{id}", []string{"/x"}, []string{"/x/y"}, false},
		{"/ümlaut", []string{"/ümlaut"}, []string{"/umlaut"}, true},
	} {
		whole, _, static := pathPattern(c.path)
		assert.Equal(t, c.static, static, c.path)
		for _, p := range c.match {
			assert.True(t, whole.MatchString(p), "%s should match %s", c.path, p)
		}
		for _, p := range c.differ {
			assert.False(t, whole.MatchString(p), "%s should not match %s", c.path, p)
		}
	}
	_, suffix, _ := pathPattern("/album")
	assert.True(t, suffix.MatchString("/rest/album"))
	assert.False(t, suffix.MatchString("/album"), "a suffix needs a prefix")
	assert.False(t, suffix.MatchString("/rest/getalbum"), "on a segment boundary")
}

func TestWrongIDs(t *testing.T) {
	truth := []truthRoute{
		{ID: "GET /rest/album", Handler: "example.com/m/api.getAlbum"},
		{ID: "GET /rest/song/{id}", Handler: "example.com/m/api.getSong"},
		// A closure middleware made, held by both routes: not checkable.
		{ID: "POST /acme/new-order", Handler: "example.com/m/acme.route.func1"},
		{ID: "POST /acme/new-account", Handler: "example.com/m/acme.route.func1"},
		{ID: "GET /perses/api/v1/projects", Handler: "example.com/m/project.(*endpoint).List-fm"},
	}
	a := app{Placeholders: map[string]string{"<a.apiPrefix>": "/perses"}}
	route := func(id, entry string) feature { return feature{ID: id, Entry: entry} }
	wrong, unlisted := wrongIDs(a, truth, []feature{
		// Right: listed ids, a placeholder given its value.
		route("GET /rest/album", "example.com/m/api.getAlbum"),
		route("GET <a.apiPrefix>/api/v1/projects", "example.com/m/project.(*endpoint).List"),
		// Not found, not wrong: only a parameter's name or a placeholder
		// without a value differ.
		route("GET /rest/song/{songID}", "example.com/m/api.getSong"),
		route("GET <cfg.Base>/album", "example.com/m/api.getAlbum"),
		// Wrong: the mount prefix dropped, named by the handler...
		route("GET /album", "example.com/m/api.getAlbum"),
		route("GET /album", "example.com/m/api.getAlbum"), // once
		// ...or, for a handler the router hides, by the path's end.
		route("POST /new-order", "example.com/m/acme.NewOrder"),
		// ...a method that differs is not the same page.
		// Unlisted: names no listed route.
		route("POST /album", "example.com/m/api.getAlbum"),
		route("GET /metrics", "example.com/m/metrics.Handler"),
		route("GET /{id}", "example.com/m/x.Other"),
		// Dynamic: no path at all.
		route("(dynamic route at route.go:40)", "(unresolved handler)"),
	})
	assert.Equal(t, []string{
		"GET /album (the router serves GET /rest/album)",
		"POST /new-order (the router serves POST /acme/new-order)",
	}, wrong)
	assert.Equal(t, 3, unlisted)

	// A listed route whose handler is checkable is not named by a path's
	// end alone: another handler at /x/health is another page.
	wrong, unlisted = wrongIDs(app{}, []truthRoute{{ID: "GET /admin/health", Handler: "example.com/m/admin.Health"}},
		[]feature{route("GET /health", "example.com/m/api.Health")})
	assert.Empty(t, wrong)
	assert.Equal(t, 1, unlisted)
}

func TestScoreRoutesHandlerThatIsNoFunction(t *testing.T) {
	// The router holds a value of a dependency's type (an
	// http.RedirectHandler): no function of the module names it, so its
	// entry cannot be checked, and it is not a wrong entry.
	truth := []truthRoute{{ID: "/", Handler: "*http.redirectHandler"}}
	s := scoreRoutes(app{}, truth, []feature{{ID: "/", Entry: "net/http.RedirectHandler"}}, nil)
	assert.Equal(t, 1, s.Found)
	assert.Equal(t, 1, s.Unverifiable)
	assert.Empty(t, s.WrongEntry)
}

func TestScoreRoutesAnyMethod(t *testing.T) {
	// chi.Walk lists a Mount once per method; blastgate's id for a route
	// that serves any method has none: it is found for each, and a route
	// with a method is not found for another method.
	truth := []truthRoute{
		{ID: "GET /auth/*", Handler: "example.com/m/auth.Handler.ServeHTTP"},
		{ID: "POST /auth/*", Handler: "example.com/m/auth.Handler.ServeHTTP"},
		{ID: "DELETE /items", Handler: "example.com/m/web.deleteItem"},
	}
	s := scoreRoutes(app{}, truth, []feature{
		{ID: "/auth/*", Entry: "example.com/m/auth.Handler.ServeHTTP"},
		{ID: "GET /items", Entry: "example.com/m/web.items"},
	}, nil)
	assert.Equal(t, 2, s.Found)
	assert.Equal(t, []string{"DELETE /items"}, s.Missing)
}

func TestRecorderBuildsInOldModules(t *testing.T) {
	// The recorder is added to a bumped dependency's packages too, whose
	// go.mod may say go 1.12 (gorilla/mux v1.8.0): no 0o literals.
	assert.NotContains(t, recorderSource, ", 0o")
	_, err := parser.ParseFile(token.NewFileSet(), "r.go", strings.Replace(recorderSource, "%s", "p", 1), 0)
	require.NoError(t, err)
}

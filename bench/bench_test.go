package main

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

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

func routes(r *Router) {
	r.HandleFunc(config.Webroot+"api/v1/tags", mw(apiv1.GetAllTags)).Methods("GET")
	r.HandleFunc(config.Webroot+"api/v1/tags", mw(apiv1.SetTags)).Methods("PUT")
	r.PathPrefix(config.Webroot + "dist/").Handler(mw(embedController))
	r.Handle(prefix+"/", http.FileServer(fsys))
	h := newHandler()
	r.HandleFunc("/local", h)
}

func embedController() {}
`
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	ms := &moduleSource{files: []*ast.File{f}, funcs: map[string]bool{"embedController": true, "routes": true}}
	regs := registrations(ms)
	assert.Equal(t, "GetAllTags", literalHandler(regs, "GET /api/v1/tags"))
	assert.Equal(t, "SetTags", literalHandler(regs, "PUT /api/v1/tags"))
	assert.Equal(t, "embedController", literalHandler(regs, "/dist/"))
	assert.Equal(t, "", literalHandler(regs, "GET /other/"), "a bare / suffix names no registration")
	assert.Equal(t, "", literalHandler(regs, "/local"), "a local variable names no function")
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
	regs := registrations(&moduleSource{files: []*ast.File{f}, funcs: map[string]bool{}})
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
}
`
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	regs := registrations(&moduleSource{files: []*ast.File{f}, funcs: map[string]bool{"a": true, "b": true}})
	assert.Equal(t, "serveSearch", literalHandler(regs, "GET /search"), "a local assigned once names its value's function")
	assert.Equal(t, "example.com/m/internal/api.ServeSearch", literalHandler(regs, "GET /v1/search"), "qualified by its import")
	assert.Equal(t, "", literalHandler(regs, "POST /search"), "the pattern's method is the registration's")
	assert.Equal(t, "", literalHandler(regs, "GET /twice"), "a local assigned twice names nothing")
}

func TestUnmeasured(t *testing.T) {
	assert.Contains(t, unmeasured(errors.New("FAIL example.com/m/web; exit status 1"), [][]string{{"x"}}), "test run failed")
	assert.Contains(t, unmeasured(nil, nil), "no stack")
	assert.Equal(t, "", unmeasured(nil, [][]string{{"x"}}))
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
	require.NoError(t, json.Unmarshal([]byte(`{"trace":[{"function":"example.com/m/web.initPage"}]}`), &f))
	assert.False(t, f.throughInit())
}

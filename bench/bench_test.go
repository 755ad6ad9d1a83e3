package main

import (
	"encoding/json"
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

func TestScoreEditLabelsOnlyModuleEntries(t *testing.T) {
	routes := []feature{
		{ID: "GET /a", Kind: "route", Entry: "example.com/m/web.a"},
		{ID: "GET /files/", Kind: "route", Entry: "net/http.(*ServeMux).ServeHTTP"},
		{ID: "GET /b", Kind: "route", Entry: "example.com/m/web.b"},
	}
	stacks := [][]string{{"example.com/m/store.Get", "example.com/m/web.a", "net/http.(*ServeMux).ServeHTTP"}}
	s := scoreEdit(edit{Name: "store.Get"}, "example.com/m", routes, routes[:1], stacks)
	assert.Equal(t, []string{"GET /a"}, s.True)
	assert.Equal(t, 1, s.Recalled)
	assert.Empty(t, s.Missed)

	s = scoreEdit(edit{Name: "store.Get"}, "example.com/m", routes, nil, stacks)
	assert.Equal(t, []string{"GET /a"}, s.Missed, "a true route blastgate does not impact is a miss")
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

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPageEdits: the handlers of other pages are the routes' entries that
// are named functions or methods of the module, found in its source; a
// closure, a dependency's function and an edit already chosen are not.
func TestPageEdits(t *testing.T) {
	src := t.TempDir()
	write := func(name, content string) {
		path := filepath.Join(src, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	write("go.mod", "module example.com/m\n")
	write("api/app.go", "package api\n\ntype API struct{}\n\nfunc (a *API) List() {}\n\nfunc Health() {}\n")
	write("api/app_test.go", "package api\n\nfunc Other() {}\n")
	ms, err := parseModule(src)
	require.NoError(t, err)
	routes := []feature{
		{ID: "GET /apps", Entry: "example.com/m/api.(*API).List"},
		{ID: "GET /health", Entry: "example.com/m/api.Health"},
		{ID: "GET /x", Entry: "example.com/m/api.Health$1"},
		{ID: "GET /y", Entry: "example.com/other.Handler"},
		{ID: "GET /z", Entry: "example.com/m/api.Other"},
	}
	chosen := []edit{{Name: "api.Health", File: "api/app.go", Func: "Health"}}
	got := pageEdits(src, ms, routes, chosen)
	assert.Equal(t, []edit{{Name: "page api.API.List", Kind: "page", File: "api/app.go", Func: "API.List"}}, got)
}

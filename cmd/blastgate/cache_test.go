package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/analyzer"
)

func TestLocalReplacesInside(t *testing.T) {
	for _, tc := range []struct {
		rel, replace string
		ok           bool
	}{
		{".", "", true},
		{".", "example.com/x => example.com/y v1.0.0", true},
		{".", "example.com/x => ./third_party/x", true},
		{"svc", "example.com/x => ../lib", true},
		{".", "example.com/x => ../x", false},
		{"svc", "example.com/x => ../../x", false},
		{".", "example.com/x => /opt/x", false},
		{".", "example.com/x v1.2.0 => ../x", false},
	} {
		gomod := "module example.com/m\n\ngo 1.22\n"
		if tc.replace != "" {
			gomod += "replace " + tc.replace + "\n"
		}
		err := localReplacesInside("go.mod", []byte(gomod), tc.rel)
		if tc.ok {
			assert.NoError(t, err, "%s in %s", tc.replace, tc.rel)
		} else {
			assert.ErrorContains(t, err, "outside the repository", "%s in %s", tc.replace, tc.rel)
		}
	}
}

func TestBinaryIdentity(t *testing.T) {
	id, err := binaryIdentity()
	require.NoError(t, err)
	require.NotEmpty(t, id)
	exe, err := os.Executable()
	require.NoError(t, err)
	buildID, err := goBuildID(exe)
	require.NoError(t, err)
	if runtime.GOOS == "linux" {
		assert.NotEmpty(t, buildID, "the test binary has a Go build ID")
	}
	if buildID != "" {
		assert.Contains(t, id, buildID)
	}
	// A file without a build ID has none (and is then hashed).
	plain := filepath.Join(t.TempDir(), "plain")
	require.NoError(t, os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o755))
	buildID, err = goBuildID(plain)
	require.NoError(t, err)
	assert.Empty(t, buildID)
}

// TestChangeKey: every input of the key changes it.
func TestChangeKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "a.yaml")
	cover := filepath.Join(dir, "cover.out")
	require.NoError(t, os.WriteFile(cfg, []byte("features: []\n"), 0o644))
	require.NoError(t, os.WriteFile(cover, []byte("mode: set\n"), 0o644))
	g := &globals{dir: dir}
	in := changeInputs{baseTree: "b", mergeBaseTree: "m", headTree: "h", rel: "."}
	key := func(g *globals, in changeInputs) string {
		t.Helper()
		k, err := changeKey(ctx, g, in)
		require.NoError(t, err)
		return k.String()
	}
	base := key(g, in)
	assert.Equal(t, base, key(g, in), "the same inputs, the same key")

	seen := map[string]string{base: "base"}
	distinct := func(name, k string) {
		t.Helper()
		if prev, dup := seen[k]; dup {
			t.Errorf("%s gives the key of %s", name, prev)
		}
		seen[k] = name
	}
	for name, change := range map[string]func(*changeInputs){
		"base tree":       func(in *changeInputs) { in.baseTree = "x" },
		"merge base tree": func(in *changeInputs) { in.mergeBaseTree = "x" },
		"head tree":       func(in *changeInputs) { in.headTree = "x" },
		"module dir":      func(in *changeInputs) { in.rel = "svc" },
		"tests":           func(in *changeInputs) { in.tests = true },
		"coverage": func(in *changeInputs) {
			in.coverage = coverageFlag{{Test: analyzer.TestRef{Package: "example.com/m", Name: "TestX"}, Path: cover}}
		},
	} {
		in := in
		change(&in)
		distinct(name, key(g, in))
	}
	distinct("config", key(&globals{dir: dir, config: cfg}, in))
	require.NoError(t, os.WriteFile(cfg, []byte("features: [] # edited\n"), 0o644))
	distinct("config content", key(&globals{dir: dir, config: cfg}, in))
	t.Setenv("GOFLAGS", "-tags=blastgatetest")
	distinct("GOFLAGS", key(g, in))
	t.Setenv("GOFLAGS", "")
	t.Setenv("CGO_ENABLED", "0")
	distinct("CGO_ENABLED", key(g, in))

	// What cannot be read is not keyed: the run is not cached.
	_, err := changeKey(ctx, &globals{dir: dir, config: filepath.Join(dir, "missing.yaml")}, in)
	assert.Error(t, err)
	t.Setenv("GOWORK", filepath.Join(dir, "go.work"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.work"), []byte("go 1.22\n"), 0o644))
	_, err = changeKey(ctx, g, in)
	assert.ErrorContains(t, err, "workspace")
}

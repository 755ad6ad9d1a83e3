package analyzer

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

// TestFuncValueNodes: a call through a dependency's
// function-typed field reaches, through its node, what the module writes
// into the field (a closure, a local, a parameter, a composite literal
// element) and what it hands to a package that imports the field's
// (procs.SetCancel), and not what it hands to other packages (group.Go)
// or keeps; a parameter's node reaches what the static calls of its
// function pass, through their own parameters.
func TestFuncValueNodes(t *testing.T) {
	t.Setenv("GOWORK", "off")
	for _, tc := range []struct {
		file, node string
		want       []string
	}{
		{"depfields-exec-cancel", "(dependency field os/exec.Cmd.Cancel)", []string{
			"example.com/m/web.NewRunner$1", "example.com/m/web.viaDep", "example.com/m/web.viaLocal",
		}},
		{"depfields-handed", "(dependency field net/http.Server.ConnState)", []string{
			"example.com/m/web.onLocal", "example.com/m/web.onState",
		}},
		{"depfields-escapes", "(dependency field os/exec.Cmd.Cancel)", []string{
			"example.com/m/web.viaAny", "example.com/m/web.viaReturn", "example.com/m/web.viaSend",
		}},
		{"depfields-param", "(dependency field os/exec.Cmd.Cancel)", []string{
			"(argument f of example.com/m/web.setCancel)",
		}},
		{"depfields-param", "(argument f of example.com/m/web.setCancel)", []string{
			"example.com/m/web.viaParam",
		}},
		{"func-fields-params", "(argument f of example.com/m/web.NewHandler)", []string{
			"(argument f of example.com/m/web.NewApp)", "example.com/m/web.a", "example.com/m/web.b",
		}},
		{"func-fields-params", "(argument f of example.com/m/web.NewApp)", []string{
			"example.com/m/web.c",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := writeImpactModule(t, tc.file)
			prog, err := Load(context.Background(), dir, dir, false)
			require.NoError(t, err)
			g := BuildGraph(prog)
			var got []string
			found := false
			for _, n := range g.nodes {
				if n.name != tc.node {
					continue
				}
				found = true
				for _, e := range n.out {
					got = append(got, g.nodes[e.to].name)
				}
			}
			require.True(t, found, "no node %s", tc.node)
			sort.Strings(got)
			require.Equal(t, tc.want, got, strings.Join(got, "\n"))
		})
	}
}

// TestDepFieldsUnderContext: the import graph the dependency-field rule
// reads is listed under the build's context; when that listing cannot
// run (here: the context is canceled), every handed value may be in the
// field (the rule falls back, never narrows on no knowledge).
func TestDepFieldsUnderContext(t *testing.T) {
	t.Setenv("GOWORK", "off")
	dir := writeImpactModule(t, "depfields-exec-cancel")
	targets := func(g *Graph) []string {
		var got []string
		for _, n := range g.nodes {
			if n.name == "(dependency field os/exec.Cmd.Cancel)" {
				for _, e := range n.out {
					got = append(got, g.nodes[e.to].name)
				}
			}
		}
		sort.Strings(got)
		return got
	}
	// Two loads: a program keeps its listing once made.
	load := func() *Program {
		prog, err := Load(context.Background(), dir, dir, false)
		require.NoError(t, err)
		return prog
	}
	listed := targets(BuildGraphContext(context.Background(), load()))
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	unlisted := targets(BuildGraphContext(canceled, load()))
	require.Subset(t, unlisted, listed)
	require.Greater(t, len(unlisted), len(listed), "a canceled listing must widen the field's targets: %v", unlisted)
}

// writeImpactModule writes the module of testdata/impact/NAME.txtar
// (every file but its want and env sections) to a new directory.
func writeImpactModule(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata/impact", name+".txtar"))
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range ar.Files {
		if f.Name != "want" && f.Name != "env" {
			writeFile(t, dir, f.Name, f.Data)
		}
	}
	return dir
}

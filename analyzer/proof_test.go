package analyzer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// TestProof checks static proof on testdata/proof/*.txtar: a module whose
// changed lines end in "// changed"; the "want" section lists each
// impacted feature with the changed declarations it reaches and each
// credited test with its evidence, its proof and the double that stood
// in.
func TestProof(t *testing.T) {
	files, err := filepath.Glob("testdata/proof/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			checkWant(t, file, ar, runProof(t, ar))
		})
	}
}

func runProof(t *testing.T, ar *txtar.Archive) string {
	t.Helper()
	dir := t.TempDir()
	var diff []gitrepo.FileChange
	for _, f := range ar.Files {
		if f.Name == "want" {
			continue
		}
		writeFile(t, dir, f.Name, f.Data)
		if lines := changedLines(f.Data); len(lines) > 0 {
			diff = append(diff, gitrepo.FileChange{OldPath: f.Name, NewPath: f.Name, Status: gitrepo.Modified, NewLines: lines})
		}
	}
	prog, err := Load(context.Background(), dir, dir, true)
	require.NoError(t, err)
	g := BuildGraph(prog)
	features, err := g.Features(nil)
	require.NoError(t, err)
	cs, err := g.MapChanges(diff, nil)
	require.NoError(t, err)
	impact := g.Impact(features, cs)
	require.NoError(t, g.Credit(features, EvidenceOptions{}))
	for i := range impact.Impacted {
		for _, f := range features {
			if f.Kind == impact.Impacted[i].Kind && f.ID == impact.Impacted[i].ID && f.Entry == impact.Impacted[i].Entry {
				impact.Impacted[i].Tests = f.Tests
			}
		}
	}
	warnings := g.Prove(features, cs, impact.Impacted)
	var b strings.Builder
	for _, f := range impact.Impacted {
		fmt.Fprintf(&b, "impacted %s\n", f.ID)
		for _, d := range f.Reaches {
			fmt.Fprintf(&b, "  reaches %s %s:%d-%d code=%v lines=%v\n", d.Symbol, d.Position.File, d.Position.Line, d.EndLine, d.Code, d.Lines)
		}
		for _, tt := range f.Tests {
			fmt.Fprintf(&b, "  test %s.%s %s proof=%s\n", tt.Package, tt.Name, tt.Evidence, tt.Proof)
			if d := tt.Double; d != nil {
				fmt.Fprintf(&b, "    double %s at %s:%d instead of %s (call %s)\n", d.Name, d.Position.File, d.Position.Line, d.Instead, d.Call)
			}
		}
	}
	for _, w := range warnings {
		fmt.Fprintf(&b, "warning %s\n", w)
	}
	return b.String()
}

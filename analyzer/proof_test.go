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
		if f.Name == "want" || f.Name == "declared" {
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
	// A "declared" file names tests for features, one "ID<TAB>pkg.TestName"
	// a line, as .blastgate.yaml's tests: do.
	opts := EvidenceOptions{Declared: map[string][]TestRef{}}
	for _, f := range ar.Files {
		if f.Name != "declared" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			id, test, ok := strings.Cut(line, "\t")
			require.True(t, ok, "declared: %q", line)
			i := strings.LastIndexByte(test, '.')
			opts.Declared[id] = append(opts.Declared[id], TestRef{Package: test[:i], Name: test[i+1:]})
		}
	}
	require.NoError(t, g.Credit(features, opts))
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

// TestReachesDeclarations: an embedded file's change is its variable (no
// code); a changed line inside a closure is the closure's; lines removed
// from a function stand at the line that follows them.
func TestReachesDeclarations(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "go.mod", []byte("module example.com/m\n\ngo 1.22\n"))
	writeFile(t, dir, "web/page.html", []byte("<p>hi</p>\n"))
	src := `package web

import (
	_ "embed"
	"net/http"
)

//go:embed page.html
var page string

func handler(w http.ResponseWriter, r *http.Request) {
	write := func(s string) {
		w.Write([]byte(s))
	}
	write(page)
	total := 0
	_ = total
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /", handler)
}
`
	writeFile(t, dir, "web/web.go", []byte(src))
	prog, err := Load(context.Background(), dir, dir, false)
	require.NoError(t, err)
	g := BuildGraph(prog)
	features, err := g.Features(nil)
	require.NoError(t, err)
	cs, err := g.MapChanges([]gitrepo.FileChange{
		{OldPath: "web/page.html", NewPath: "web/page.html", Status: gitrepo.Modified, NewLines: []gitrepo.LineRange{{Start: 1, End: 1}}},
		{OldPath: "web/web.go", NewPath: "web/web.go", Status: gitrepo.Modified,
			NewLines: []gitrepo.LineRange{{Start: 13, End: 13}},
			OldLines: []gitrepo.LineRange{{Start: 13, End: 13}, {Start: 16, End: 17}}},
	}, func(string) ([]byte, error) { return []byte(src), nil })
	require.NoError(t, err)
	got := g.Impact(features, cs).Impacted
	require.Len(t, got, 1)
	var lines []string
	for _, d := range got[0].Reaches {
		lines = append(lines, fmt.Sprintf("%s %s %s:%d-%d code=%v %v", d.Symbol, d.Package, d.Position.File, d.Position.Line, d.EndLine, d.Code, d.Lines))
	}
	require.Equal(t, []string{
		"example.com/m/web.page example.com/m/web web/web.go:9-9 code=false []",
		"example.com/m/web.handler example.com/m/web web/web.go:11-18 code=true [13 16]",
		"example.com/m/web.handler$1 example.com/m/web web/web.go:12-14 code=true [13]",
	}, lines)
}

package analyzer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// TestRouters checks route discovery for third-party routers on
// testdata/routers/*.txtar. Each case is a module that requires the real
// router, with a complete go.sum (loading downloads from the module
// proxy, never writes go.mod). The "want" section lists every feature
// (kind, id, entry, position) with its credited tests, then, for each tag
// T of the lines marked "// changed:T", the features a change of those
// lines alone impacts, with their traces.
func TestRouters(t *testing.T) {
	files, err := filepath.Glob("testdata/routers/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			dir := t.TempDir()
			tagged := map[string][]gitrepo.FileChange{}
			for _, f := range ar.Files {
				if f.Name == "want" {
					continue
				}
				writeFile(t, dir, f.Name, f.Data)
				for tag, lines := range taggedLines(f.Data) {
					tagged[tag] = append(tagged[tag], gitrepo.FileChange{OldPath: f.Name, NewPath: f.Name, Status: gitrepo.Modified, NewLines: lines})
				}
			}
			prog, err := Load(context.Background(), dir, dir, true)
			require.NoError(t, err)
			require.Empty(t, prog.Broken, "the fixture must type-check")
			g := BuildGraph(prog)
			features, err := g.Features(nil)
			require.NoError(t, err)
			require.NoError(t, g.Credit(features, EvidenceOptions{}))
			var b strings.Builder
			for _, f := range features {
				var tests []string
				for _, tt := range f.Tests {
					tests = append(tests, tt.Name+"="+tt.Evidence)
				}
				fmt.Fprintf(&b, "%s %q %s %s:%d", f.Kind, f.ID, f.Entry, f.Position.File, f.Position.Line)
				if len(tests) > 0 {
					fmt.Fprintf(&b, " tests: %s", strings.Join(tests, " "))
				}
				b.WriteString("\n")
			}
			var tags []string
			for tag := range tagged {
				tags = append(tags, tag)
			}
			sort.Strings(tags)
			for _, tag := range tags {
				cs, err := g.MapChanges(tagged[tag], func(p string) ([]byte, error) {
					return nil, fmt.Errorf("no old version of %s", p)
				})
				require.NoError(t, err)
				fmt.Fprintf(&b, "\nchange %s:", tag)
				for _, c := range cs.Changes {
					fmt.Fprintf(&b, " %s", strings.Join(c.Symbols, " "))
				}
				b.WriteString("\n")
				for _, f := range g.Impact(features, cs).Impacted {
					var steps []string
					for _, fr := range f.Trace {
						steps = append(steps, fr.Function)
					}
					fmt.Fprintf(&b, "impacted %s: %s\n", f.ID, strings.Join(steps, " -> "))
				}
			}
			got := b.String()
			checkWant(t, file, ar, got)
		})
	}
}

// taggedLines returns the lines of data that end in "// changed:TAG", by
// tag.
func taggedLines(data []byte) map[string][]gitrepo.LineRange {
	out := map[string][]gitrepo.LineRange{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.LastIndex(line, "// changed:"); i >= 0 {
			tag := strings.TrimPrefix(line[i:], "// changed:")
			out[tag] = append(out[tag], gitrepo.LineRange{Start: n, End: n})
		}
	}
	return out
}

func TestRouterPatterns(t *testing.T) {
	for _, c := range []struct {
		pattern, method, path string
		want                  bool
	}{
		// gin and echo
		{"GET /api/v1/users/:id", "GET", "/api/v1/users/42", true},
		{"GET /api/v1/users/:id", "GET", "/api/v1/users/", false},
		{"GET /api/v1/users/:id", "GET", "/api/v1/users/42/x", false},
		{"GET /files/*filepath", "GET", "/files/a/b.css", true},
		{"GET /files/*filepath", "GET", "/files/", true},
		{"GET /files/*filepath", "GET", "/files", false},
		{"/static/*", "POST", "/static/x", true},
		// fiber
		{"GET /files/+", "GET", "/files/a/b.txt", true},
		{"GET /files/+", "GET", "/files/a", true},
		{"GET /files/+", "GET", "/files/", false},
		{"GET /files/+", "GET", "/files", false},
		// chi and gorilla/mux
		{"GET /users/{id}", "GET", "/users/42", true},
		{"DELETE /items/{id:[0-9]+}", "DELETE", "/items/7", true},
		{"DELETE /items/{id:[0-9]+}", "DELETE", "/items/abc", false},
		{"GET /reports/{month}-{year}", "GET", "/reports/01-2024", true},
		{"GET /reports/{month}-{year}", "GET", "/reports/012024", false},
		{"GET /code/{c:[a-z]{3}}", "GET", "/code/abc", true},
		{"GET /code/{c:[a-z]{3}}", "GET", "/code/abcd", false},
		{"GET /file.{ext}", "GET", "/file.json", true},
		// a '*' that is not last, and an unbalanced brace: literal text
		{"GET /a/*/b", "GET", "/a/x/b", false},
		{"GET /a/*/b", "GET", "/a/*/b", true},
		{"GET /{x", "GET", "/{x", true},
	} {
		p, ok := parsePattern(c.pattern)
		require.True(t, ok, c.pattern)
		require.Equal(t, c.want, p.Match(c.method, "example.com", c.path), "%s vs %s %s", c.pattern, c.method, c.path)
		ex := p.Example()
		m, rest, _ := strings.Cut(ex, " ")
		require.True(t, p.Match(m, "example.com", rest), "%s must match its example %s", c.pattern, ex)
	}
	for _, c := range []struct{ winner, loser string }{
		{"GET /users/new", "GET /users/:id"},
		{"GET /users/:id", "GET /users/*rest"},
		{"GET /items/{id:[0-9]+}", "GET /items/*"},
	} {
		w, _ := parsePattern(c.winner)
		l, _ := parsePattern(c.loser)
		require.True(t, w.MoreSpecific(l), "%s should beat %s", c.winner, c.loser)
		require.False(t, l.MoreSpecific(w), "%s should not beat %s", c.loser, c.winner)
	}
	_, ok := parsePattern("GET /items/{id:[0-9+}")
	require.False(t, ok, "a regexp that does not compile matches nothing")
	for _, id := range []string{"GET /users/:id<int>", "GET /flights/:from-:to"} {
		_, ok := parsePattern(id)
		require.False(t, ok, "%s: a fiber constraint or a segment of two parameters matches nothing", id)
	}
}

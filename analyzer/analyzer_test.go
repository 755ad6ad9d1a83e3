package analyzer

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/report"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/impact/*.txtar")

// TestImpact runs every testdata/impact/*.txtar case. A case is a module
// whose changed lines end in a "// changed" comment; a "changed" section
// lists other changed files (path, or path:deleted). The "want" section
// is the impacted features, each with its trace. An "env" section sets
// environment variables (GOWORK=off: the module alone, its local
// replacements as dependencies). A "builds" section lists build
// configurations, one a line ("GOOS=windows", "tags=integration,x").
// An "assets" section maps files, one mapping a line: "GLOB -> package
// PATH" or "GLOB -> feature ID".
func TestImpact(t *testing.T) {
	files, err := filepath.Glob("testdata/impact/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			dir := t.TempDir()
			var diff []gitrepo.FileChange
			var builds []BuildConfig
			var assets []Asset
			old := map[string][]byte{}
			for _, f := range ar.Files {
				switch {
				case f.Name == "want":
					continue
				case f.Name == "builds":
					builds = parseBuilds(t, f.Data)
					continue
				case f.Name == "assets":
					assets = parseAssets(t, f.Data)
					continue
				case f.Name == "env":
					for _, kv := range strings.Fields(string(f.Data)) {
						k, v, _ := strings.Cut(kv, "=")
						t.Setenv(k, v)
					}
					continue
				case f.Name == "changed":
					diff = append(diff, parseChanged(t, f.Data, old)...)
					continue
				case strings.HasPrefix(f.Name, "old/"):
					old[strings.TrimPrefix(f.Name, "old/")] = f.Data
					continue
				}
				writeFile(t, dir, f.Name, f.Data)
				if lines := changedLines(f.Data); len(lines) > 0 {
					diff = append(diff, gitrepo.FileChange{OldPath: f.Name, NewPath: f.Name, Status: gitrepo.Modified, NewLines: lines})
				}
			}
			got := runImpact(t, dir, diff, old, builds, assets...)
			checkWant(t, file, ar, got)
		})
	}
}

// parseBuilds reads build configurations, one a line: GOOS=, GOARCH=
// and tags= fields.
func parseBuilds(t *testing.T, data []byte) []BuildConfig {
	var out []BuildConfig
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var c BuildConfig
		for _, field := range strings.Fields(line) {
			k, v, _ := strings.Cut(field, "=")
			switch k {
			case "GOOS":
				c.GOOS = v
			case "GOARCH":
				c.GOARCH = v
			case "tags":
				c.Tags = strings.Split(v, ",")
			default:
				t.Fatalf("builds: unknown field %q", field)
			}
		}
		out = append(out, c)
	}
	return out
}

// parseAssets reads "GLOB -> package PATH" and "GLOB -> feature ID"
// lines.
func parseAssets(t *testing.T, data []byte) []Asset {
	var out []Asset
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		glob, target, ok := strings.Cut(line, " -> ")
		kind, name, ok2 := strings.Cut(target, " ")
		require.True(t, ok && ok2, "assets line %q", line)
		a := Asset{Files: []string{glob}, Where: fmt.Sprintf("assets:%d", i+1)}
		switch kind {
		case "package":
			a.Packages = []string{name}
		case "feature":
			a.Features = []string{name}
		default:
			t.Fatalf("assets line %q: package or feature", line)
		}
		out = append(out, a)
	}
	return out
}

func runImpact(t *testing.T, dir string, diff []gitrepo.FileChange, old map[string][]byte, builds []BuildConfig, assets ...Asset) string {
	t.Helper()
	ctx := context.Background()
	analyse := func(c BuildConfig) (Analysed, error) {
		prog, err := LoadBuild(ctx, dir, dir, false, c)
		if err != nil {
			return Analysed{}, err
		}
		g := BuildGraph(prog)
		features, err := g.Features(nil)
		rules, uerr := g.ResolveAssets(assets, features)
		if err == nil && c.GOOS == "" && c.GOARCH == "" && len(c.Tags) == 0 {
			err = uerr // as the CLI: only the default build validates them
		}
		return Analysed{Graph: g, Features: features, Assets: rules}, err
	}
	def, err := analyse(BuildConfig{})
	require.NoError(t, err)
	cs, result, err := Builds(ctx, def, builds, diff, func(p string) ([]byte, error) {
		if data, ok := old[p]; ok {
			return data, nil
		}
		return nil, fmt.Errorf("no old/%s in the case", p)
	}, analyse)
	require.NoError(t, err)
	var b strings.Builder
	for _, c := range cs.Changes {
		fmt.Fprintf(&b, "changed %s: %s\n", c.File, strings.Join(c.Symbols, " "))
		if strings.Contains(c.Note, "analysed under") || packageFileNote(c.Note) {
			fmt.Fprintf(&b, "note %s: %s\n", c.File, c.Note)
		}
	}
	for _, f := range result.Impacted {
		var steps []string
		for _, fr := range f.Trace {
			steps = append(steps, fr.Function)
		}
		fmt.Fprintf(&b, "impacted %s: %s\n", f.ID, strings.Join(steps, " -> "))
	}
	for _, p := range result.Packages {
		if p.Precision != "symbol" {
			fmt.Fprintf(&b, "package-level %s\n", p.Path)
		}
	}
	for _, u := range cs.Unmapped {
		fmt.Fprintf(&b, "unmapped %s: %s\n", u.File, u.Why)
	}
	for _, w := range cs.Warnings {
		fmt.Fprintf(&b, "warning %s\n", strings.ReplaceAll(w, dir, "$WORK"))
	}
	return b.String()
}

// packageFileNote reports whether a change's note is about a package's
// non-Go file, a cgo preamble or assets:, which the impact cases show.
func packageFileNote(note string) bool {
	for _, kind := range packageFileKinds {
		if strings.HasPrefix(note, kind) {
			return true
		}
	}
	return strings.Contains(note, "cgo preamble") || strings.Contains(note, "read at run time")
}

// changedLines returns the lines of data that end in "// changed".
func changedLines(data []byte) []gitrepo.LineRange {
	var out []gitrepo.LineRange
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if strings.HasSuffix(strings.TrimSpace(sc.Text()), "// changed") {
			out = append(out, gitrepo.LineRange{Start: n, End: n})
		}
	}
	return out
}

// parseChanged reads "path", "path:deleted" or "path:old:L1-L2" lines.
func parseChanged(t *testing.T, data []byte, old map[string][]byte) []gitrepo.FileChange {
	var out []gitrepo.FileChange
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.Split(strings.TrimSpace(line), ":")
		fc := gitrepo.FileChange{OldPath: parts[0], NewPath: parts[0], Status: gitrepo.Modified, NewLines: []gitrepo.LineRange{{Start: 1, End: 1 << 20}}}
		if len(parts) > 1 && parts[1] == "deleted" {
			fc = gitrepo.FileChange{OldPath: parts[0], Status: gitrepo.Deleted}
		}
		if len(parts) > 2 && parts[1] == "old" {
			a, b, _ := strings.Cut(parts[2], "-")
			start, err1 := strconv.Atoi(a)
			end, err2 := strconv.Atoi(b)
			require.NoError(t, err1)
			require.NoError(t, err2)
			fc.NewLines = nil
			fc.OldLines = []gitrepo.LineRange{{Start: start, End: end}}
		}
		out = append(out, fc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path() < out[j].Path() })
	return out
}

// TestFeatures checks discovery on testdata/features/*.txtar: the "want"
// section lists each feature's kind, id, entry and position.
func TestFeatures(t *testing.T) {
	files, err := filepath.Glob("testdata/features/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			dir := t.TempDir()
			for _, f := range ar.Files {
				if f.Name == "want" {
					continue
				}
				writeFile(t, dir, f.Name, f.Data)
			}
			prog, err := Load(context.Background(), dir, dir, false)
			require.NoError(t, err)
			features, err := BuildGraph(prog).Features(nil)
			require.NoError(t, err)
			var b strings.Builder
			for _, f := range features {
				fmt.Fprintf(&b, "%s %q %s %s:%d\n", f.Kind, f.ID, f.Entry, f.Position.File, f.Position.Line)
			}
			got := b.String()
			checkWant(t, file, ar, got)
		})
	}
}

func TestRouteID(t *testing.T) {
	for pattern, want := range map[string]string{
		"POST /token/buy":        "POST /token/buy",
		"get\t/items/{id}":       "get /items/{id}", // methods are case-sensitive
		"/static/{path...}":      "/static/{path...}",
		"/{$}":                   "/{$}",
		"GET example.com/a/{b}":  "GET example.com/a/{b}",
		"  DELETE   /items/{id}": "DELETE /items/{id}",
	} {
		require.Equal(t, want, RouteID(pattern), pattern)
	}
}

// TestEvidence checks test credit on testdata/evidence/*.txtar: the "want"
// section lists each feature with its credited tests and evidence.
func TestEvidence(t *testing.T) {
	files, err := filepath.Glob("testdata/evidence/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			warnings := false
			for _, f := range ar.Files {
				warnings = warnings || f.Name == "warnings"
			}
			g, features := loadEvidenceCase(t, ar)
			require.NoError(t, g.Credit(features, EvidenceOptions{}))
			var b strings.Builder
			for _, f := range features {
				var tests []string
				for _, tt := range f.Tests {
					tests = append(tests, tt.Package+"."+tt.Name+"="+tt.Evidence)
				}
				fmt.Fprintf(&b, "%s: %s\n", f.ID, strings.Join(tests, " "))
			}
			got := b.String()
			if warnings {
				// A case with a "warnings" section checks the warnings too.
				var w strings.Builder
				for _, line := range g.Warnings() {
					fmt.Fprintln(&w, line)
				}
				checkSection(t, file, ar, "warnings", w.String())
			}
			if warnings {
				// A case with a "warnings" section checks the warnings too.
				var w strings.Builder
				for _, line := range g.Warnings() {
					fmt.Fprintln(&w, line)
				}
				checkSection(t, file, ar, "warnings", w.String())
			}
			checkWant(t, file, ar, got)
		})
	}
}

// TestCoverageEvidence records real per-test coverage profiles: the test
// whose profile shows the handler ran gets coverage evidence, the other
// does not, although both build the same router.
func TestCoverageEvidence(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"web/web.go": `package web

import "net/http"

func token(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("token"))
}

func other(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("other"))
}

func NewMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token/buy", token)
	mux.HandleFunc("GET /other", other)
	return mux
}
`,
		"web/web_test.go": `package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func serve(method, path string) {
	NewMux().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, nil))
}

func TestJoined(t *testing.T) {
	serve("POST", strings.Join([]string{"", "token", "buy"}, "/"))
}

func TestOther(t *testing.T) { serve("GET", "/other") }
`,
	}
	for name, data := range files {
		writeFile(t, dir, name, []byte(data))
	}
	var profiles []CoverageProfile
	for _, name := range []string{"TestJoined", "TestOther"} {
		out := filepath.Join(t.TempDir(), name+".out")
		cmd := exec.Command("go", "test", "-run", "^"+name+"$", "-coverprofile="+out, "./web")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, string(b))
		profiles = append(profiles, CoverageProfile{Test: TestRef{Package: "example.com/m/web", Name: name}, Path: out})
	}
	prog, err := Load(context.Background(), dir, dir, true)
	require.NoError(t, err)
	g := BuildGraph(prog)
	features, err := g.Features(nil)
	require.NoError(t, err)
	require.NoError(t, g.Credit(features, EvidenceOptions{Coverage: profiles}))
	got := map[string][]string{}
	for _, f := range features {
		for _, tt := range f.Tests {
			got[f.ID] = append(got[f.ID], tt.Name+"="+tt.Evidence)
		}
	}
	// The path TestJoined requests is only known at run time: only its
	// coverage shows it reached the token page.
	require.Equal(t, []string{"TestJoined=coverage"}, got["POST /token/buy"])
	require.Equal(t, []string{"TestOther=request"}, got["GET /other"], "request evidence outranks the coverage it also has")

	err = g.Credit(features, EvidenceOptions{Coverage: []CoverageProfile{{Test: TestRef{Package: "example.com/m/web", Name: "TestJoined"}, Path: filepath.Join(dir, "go.mod")}}})
	require.ErrorContains(t, err, "pass a file written by go test -coverprofile")

	err = g.Credit(features, EvidenceOptions{Declared: map[string][]TestRef{"GET /other": {{Package: "example.com/m/web", Name: "TestGhost"}}}})
	require.ErrorContains(t, err, `configured test example.com/m/web.TestGhost does not exist`)
}

// writeFile writes a case's file under dir.
func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// checkWant compares got with the case's "want" section, or rewrites
// the section with -update.
func checkWant(t *testing.T, file string, ar *txtar.Archive, got string) {
	t.Helper()
	checkSection(t, file, ar, "want", got)
}

// checkSection compares got with the case's section name, or rewrites
// the section with -update.
func checkSection(t *testing.T, file string, ar *txtar.Archive, name, got string) {
	t.Helper()
	if *update {
		for i := range ar.Files {
			if ar.Files[i].Name == name {
				ar.Files[i].Data = []byte(got)
			}
		}
		require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o644))
		return
	}
	var want []byte
	for _, f := range ar.Files {
		if f.Name == name {
			want = f.Data
		}
	}
	require.Equal(t, string(want), got, "section %s", name)
}

// TestRegistrationTrace checks that a route impacted through its
// registration is traced to the line the registration starts on.
func TestRegistrationTrace(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "go.mod", []byte("module example.com/m\n\ngo 1.22\n"))
	src := `package web

import "net/http"

func logged(next http.Handler) http.Handler { return next }
func a(w http.ResponseWriter, r *http.Request) {}
func b(w http.ResponseWriter, r *http.Request) {}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /a", a)
	mux.Handle("GET /b",
		logged(http.HandlerFunc(b)))
}
`
	writeFile(t, dir, "web/web.go", []byte(src))
	prog, err := Load(context.Background(), dir, dir, false)
	require.NoError(t, err)
	g := BuildGraph(prog)
	features, err := g.Features(nil)
	require.NoError(t, err)
	cs, err := g.MapChanges([]gitrepo.FileChange{{OldPath: "web/web.go", NewPath: "web/web.go", Status: gitrepo.Modified, NewLines: []gitrepo.LineRange{{Start: 12, End: 12}}}}, nil)
	require.NoError(t, err)
	got := g.Impact(features, cs).Impacted
	require.Len(t, got, 1)
	require.Equal(t, "GET /b", got[0].ID)
	require.Len(t, got[0].Trace, 1)
	require.Equal(t, "example.com/m/web.Routes", got[0].Trace[0].Function)
	require.Equal(t, "web/web.go", got[0].Trace[0].Position.File)
	require.Equal(t, 11, got[0].Trace[0].Position.Line)
}

// loadEvidenceCase writes an evidence case's module (every file but its
// want and warnings sections) and loads it with its tests.
func loadEvidenceCase(t *testing.T, ar *txtar.Archive) (*Graph, []Feature) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		if f.Name != "want" && f.Name != "warnings" {
			writeFile(t, dir, f.Name, f.Data)
		}
	}
	prog, err := Load(context.Background(), dir, dir, true)
	require.NoError(t, err)
	g := BuildGraph(prog)
	features, err := g.Features(nil)
	require.NoError(t, err)
	return g, features
}

// TestSuiteDeclared: the configuration names a suite method as go test
// does, TestX/TestM; a method that does not exist is an error.
func TestSuiteDeclared(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/evidence/suites.txtar")
	require.NoError(t, err)
	g, features := loadEvidenceCase(t, ar)
	orders := TestRef{Package: "example.com/m/web", Name: "TestOrdersSuite/TestOrders"}
	require.Contains(t, g.Tests(), orders)
	require.NoError(t, g.Credit(features, EvidenceOptions{Declared: map[string][]TestRef{"GET /orders": {orders}}}))
	for _, f := range features {
		if f.ID == "GET /orders" {
			require.Equal(t, []report.Test{{Package: orders.Package, Name: orders.Name, Evidence: report.EvidenceDeclared}}, f.Tests)
		}
	}
	missing := TestRef{Package: "example.com/m/web", Name: "TestOrdersSuite/TestMissing"}
	require.ErrorContains(t, g.Credit(features, EvidenceOptions{Declared: map[string][]TestRef{"GET /orders": {missing}}}), "TestOrdersSuite/TestMissing does not exist")
}

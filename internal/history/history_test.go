package history

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=a@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=a@example.com",
		"GIT_AUTHOR_DATE=2024-05-02T12:00:00+00:00", "GIT_COMMITTER_DATE=2024-05-02T12:00:00+00:00",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func commit(t *testing.T, dir, msg string, files map[string]string) string {
	t.Helper()
	write(t, dir, files)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return git(t, dir, "rev-parse", "HEAD")
}

// TestFirstParent: the first-parent chain after since, newest first,
// merges as one commit each (the side branch's commits are not walked);
// a since off that chain is a RangeError.
func TestFirstParent(t *testing.T) {
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	root := commit(t, dir, "root", map[string]string{"a.txt": "a"})
	git(t, dir, "checkout", "-q", "-b", "side")
	side := commit(t, dir, "side work", map[string]string{"b.txt": "b"})
	git(t, dir, "checkout", "-q", "main")
	plain := commit(t, dir, "plain", map[string]string{"c.txt": "c"})
	git(t, dir, "merge", "-q", "--no-ff", "side", "-m", "Merge side")
	merge := git(t, dir, "rev-parse", "HEAD")
	ctx := context.Background()

	commits, err := FirstParent(ctx, dir, root, merge)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range commits {
		got = append(got, c.Subject)
	}
	if strings.Join(got, ",") != "Merge side,plain" {
		t.Fatalf("walked %v, want the merge then plain", got)
	}
	if commits[0].Parent != plain || commits[0].SHA != merge || commits[0].Author != "Ada" || commits[0].Date != "2024-05-02T12:00:00+00:00" {
		t.Errorf("merge commit read as %+v", commits[0])
	}
	if c, err := FirstParent(ctx, dir, merge, merge); err != nil || len(c) != 0 {
		t.Errorf("an empty range: %v, %v", c, err)
	}
	for _, since := range []string{side, merge} {
		until := merge
		if since == merge {
			until = root // until before since
		}
		_, err := FirstParent(ctx, dir, since, until)
		var re *RangeError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "not an ancestor of --until") {
			t.Errorf("since %s until %s: %v, want a RangeError", since[:7], until[:7], err)
		}
	}
}

// TestMustLoad: a commit is decided without loading packages only when
// no changed file can map to code.
func TestMustLoad(t *testing.T) {
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	// The repository's own settings do not change what git grep prints.
	for _, kv := range [][2]string{{"color.ui", "always"}, {"color.grep", "always"}, {"grep.lineNumber", "true"}, {"grep.fullName", "false"}, {"grep.patternType", "perl"}} {
		git(t, dir, "config", kv[0], kv[1])
	}
	base := commit(t, dir, "base", map[string]string{
		"go.mod":             "module example.com/m\n",
		"web/web.go":         "package web\n\nimport _ \"embed\"\n\n//go:embed static/page.html\nvar page string\n",
		"web/static/x.css":   "",
		"cfg/load.go":        "package cfg\n\nimport \"os\"\n\nfunc Load() ([]byte, error) { return os.ReadFile(\"config/prices.json\") }\n",
		"cfg/load_test.go":   "package cfg\n\nvar _ = \"testonly\"\n",
		"docs/guide.md":      "",
		"cmd/main.go":        "// Package main: see README.md and guide.md.\npackage main\n\nvar readme = 1 // README\nvar _ = \"ParseGlob\"\nvar _ = \"the runbooks say\"\nvar _ = `notes`\n",
		"web/static/page.md": "",
	})
	ctx := context.Background()
	none := func(string) string { return "" }
	cases := []struct {
		file, want string
		configured func(string) string
	}{
		{"docs/guide.md", "", none},
		{"docs/runbooks.md", "", none}, // a word of a sentence
		{"docs/notes.txt", "may be read at run time (cmd/main.go names it)", none}, // a whole literal
		{"README.md", "", none},
		{"docs/testonly.md", "", none}, // named only by test code
		{"docs/README.md", "", none},   // in a comment and an identifier only
		{"docs/guide.md", "", none},
		{"docs/runbooks.md", "", none}, // a word of a sentence
		{"docs/notes.txt", "may be read at run time (cmd/main.go names it)", none}, // a whole literal
		{"web/web.go", "Go code", none},
		{"sub/go.sum", "a module file", none},
		{"vendor/modules.txt", "vendored code", none},
		{"asm/add_amd64.s", "a package's assembly", none},
		{"web/static/page.html", "may be embedded (//go:embed in web)", none},
		{"config/prices.json", "may be read at run time (cfg/load.go names it)", none},
		{"data/tariffs.csv", "in assets: (data/*.csv)", func(p string) string {
			if strings.HasSuffix(p, ".csv") {
				return "in assets: (data/*.csv)"
			}
			return ""
		}},
	}
	for _, c := range cases {
		got, err := MustLoad(ctx, dir, base, []File{{Path: c.file, OldMode: "100644", NewMode: "100644"}}, c.configured)
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if c.want != "" {
			want = c.file + ": " + c.want
		}
		if got != want {
			t.Errorf("%s: %q, want %q", c.file, got, want)
		}
	}
	got, _ := MustLoad(ctx, dir, base, []File{{Path: "lib", OldMode: "000000", NewMode: "160000"}}, none)
	if got != "lib: a submodule or symlink" {
		t.Errorf("a submodule: %q", got)
	}
	glob := commit(t, dir, "glob", map[string]string{"tpl/tpl.go": "package tpl\n\nimport \"html/template\"\n\nvar T = template.Must(template.ParseGlob(\"templates/*.html\"))\n"})
	if got, _ := MustLoad(ctx, dir, glob, []File{{Path: "docs/guide.md"}}, none); !strings.Contains(got, "parses templates by glob") {
		t.Errorf("with ParseGlob in the code: %q", got)
	}
}

// TestChangedFiles: both paths of a rename, with modes.
func TestChangedFiles(t *testing.T) {
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	a := commit(t, dir, "a", map[string]string{"old.txt": "x\n", "keep.txt": "k"})
	git(t, dir, "mv", "old.txt", "new name.txt")
	b := commit(t, dir, "b", map[string]string{"keep.txt": "k2"})
	files, err := ChangedFiles(context.Background(), dir, a, b)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Path+":"+f.OldMode+">"+f.NewMode)
	}
	want := "keep.txt:100644>100644,new name.txt:000000>100644,old.txt:100644>000000"
	if strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

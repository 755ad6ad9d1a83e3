package synth

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSmall generates the small repository, checks its counts against
// the size with go/parser, builds it, and checks that Edit changes one
// function body and still builds.
func TestSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100-package module")
	}
	dir := t.TempDir()
	if err := Generate(dir, Small); err != nil {
		t.Fatal(err)
	}
	stats, err := Describe(Small)
	if err != nil {
		t.Fatal(err)
	}

	pkgs, funcs, files := countDir(t, dir)
	if pkgs != Packages(Small) || stats.Packages != pkgs {
		t.Errorf("%d packages, Packages(Small) = %d, Describe says %d", pkgs, Packages(Small), stats.Packages)
	}
	if funcs != stats.Funcs || files != stats.Files {
		t.Errorf("parsed %d funcs in %d files, Describe says %d in %d", funcs, files, stats.Funcs, stats.Files)
	}
	if want := Small.FuncsPerPackage * Packages(Small); funcs < want*9/10 || funcs > want*11/10 {
		t.Errorf("%d funcs, want about %d", funcs, want)
	}
	if stats.Routes != Routes(Small) || Routes(Small) != 50 {
		t.Errorf("Describe says %d routes, Routes(Small) = %d, want 50", stats.Routes, Routes(Small))
	}
	if got := countRoutes(t, dir); got != Routes(Small) {
		t.Errorf("found %d route registrations in internal/web, want %d", got, Routes(Small))
	}
	if len(stats.EditCallers) != editCallers {
		t.Errorf("edit callers %v, want %d", stats.EditCallers, editCallers)
	}

	goBuild(t, dir)

	before, err := os.ReadFile(filepath.Join(dir, stats.EditFile))
	if err != nil {
		t.Fatal(err)
	}
	file, err := Edit(dir, Small)
	if err != nil {
		t.Fatal(err)
	}
	if file != stats.EditFile {
		t.Errorf("Edit changed %s, Describe says %s", file, stats.EditFile)
	}
	after, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	if changed := changedLines(before, after); len(changed) != 1 || !strings.Contains(changed[0], "currency, cents/100") {
		t.Errorf("Edit changed lines %q, want Price's return statement", changed)
	}
	if _, err := Edit(dir, Small); err == nil {
		t.Error("a second Edit succeeded; want an error (the body is already edited)")
	}
	goBuild(t, dir)
}

// TestDeterministic checks that a size always gives the same repository.
func TestDeterministic(t *testing.T) {
	a, err := build(Small)
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(Small)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.order) != len(b.order) {
		t.Fatalf("%d files, then %d", len(a.order), len(b.order))
	}
	for i, name := range a.order {
		if b.order[i] != name || !bytes.Equal(a.files[name], b.files[name]) {
			t.Fatalf("%s differs between two runs", name)
		}
	}
	other := Small
	other.Seed++
	c, err := build(other)
	if err != nil {
		t.Fatal(err)
	}
	same := true
	for _, name := range a.order {
		same = same && bytes.Equal(a.files[name], c.files[name])
	}
	if same {
		t.Error("another seed gave the same repository")
	}
}

// TestSizes checks the counts and file names of every size without
// writing or building.
func TestSizes(t *testing.T) {
	// A name such as mount_plan9.go would carry a build constraint.
	fileName := regexp.MustCompile(`^[a-z0-9]+(_mount)?\.go$|^go\.mod$`)
	for _, size := range []Size{Small, Medium, Large} {
		if testing.Short() && size.Name != "small" {
			continue
		}
		r, err := build(size)
		if err != nil {
			t.Fatalf("%s: %v", size.Name, err)
		}
		stats := r.stats
		for _, name := range r.order {
			if !fileName.MatchString(path.Base(name)) {
				t.Errorf("%s: file name %s may carry a build constraint", size.Name, name)
			}
		}
		want := size.FuncsPerPackage * Packages(size)
		if stats.Funcs < want*9/10 || stats.Funcs > want*11/10 {
			t.Errorf("%s: %d funcs, want about %d", size.Name, stats.Funcs, want)
		}
		if stats.Routes != size.Routes {
			t.Errorf("%s: %d routes, want %d", size.Name, stats.Routes, size.Routes)
		}
		t.Logf("%s: %+v", size.Name, stats)
	}
}

func TestBadSize(t *testing.T) {
	if _, err := Describe(Size{Name: "tiny", Domains: 2, Utils: 1, Routes: 2, FuncsPerPackage: 5}); err == nil {
		t.Error("a size with fewer domains than edit callers was accepted")
	}
	if err := Generate(t.TempDir(), Size{}); err == nil {
		t.Error("the zero size was accepted")
	}
}

// countDir counts the packages (directories with Go files), function
// declarations and Go files under dir.
func countDir(t *testing.T, dir string) (pkgs, funcs, files int) {
	t.Helper()
	dirs := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		dirs[filepath.Dir(path)] = true
		for _, d := range f.Decls {
			if _, ok := d.(*ast.FuncDecl); ok {
				funcs++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return len(dirs), funcs, files
}

// countRoutes counts the route registrations of internal/web: calls of
// HandleFunc, Handle, Get and Post with a constant pattern.
func countRoutes(t *testing.T, dir string) int {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := filepath.Glob(filepath.Join(dir, "internal", "web", "*_mount.go"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range pkgs {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				switch sel.Sel.Name {
				case "HandleFunc", "Handle", "Get", "Post":
					n++
				}
			}
			return true
		})
	}
	return n
}

// goBuild builds every package of the module in dir, offline.
func goBuild(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./...: %v\n%s", err, out)
	}
}

// changedLines returns the lines of after that differ from before, for
// files with the same number of lines.
func changedLines(before, after []byte) []string {
	b, a := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	if len(a) != len(b) {
		return []string{"(line count changed)"}
	}
	var out []string
	for i := range a {
		if a[i] != b[i] {
			out = append(out, strings.TrimSpace(a[i]))
		}
	}
	return out
}

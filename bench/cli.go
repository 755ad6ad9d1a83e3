package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The CLI benchmark (go run ./bench -cli): real command-line tools from
// the module proxy, their subcommands as blastgate finds them against
// the command tree the tool builds at run time. A test dropped into the
// package that builds the root (after blastgate has read the code)
// builds it as main does and walks Commands(), listing every runnable
// command below the root with the function its RunE (else Run) holds.
// Targets, per tool: found >= 95% of the runnable commands, the right
// entry for >= 95% of those found.

// cliApp is a command-line tool measured by the CLI benchmark.
type cliApp struct {
	Name   string
	Module string // module@version
	// Dir is the package (relative directory) the walking test is
	// dropped into; Root the expression there that builds the root
	// command as main does; Main the id of the main package's feature.
	Dir, Root, Main string
	// Lib is the command library: cobra (default), urfave-v2 (Root an
	// *cli.App) or urfave-v3.
	Lib string
}

var cliApps = []cliApp{
	{Name: "lefthook", Module: "github.com/evilmartians/lefthook@v1.13.6", Dir: "cmd", Root: "newRootCmd()", Main: "lefthook"},
	{Name: "delve", Module: "github.com/go-delve/delve@v1.27.2", Dir: "cmd/dlv/cmds", Root: "New(true)", Main: "cmd/dlv"}, // New(true): the tree its docs list, replay included (main adds it when rr is installed)
	{Name: "ctr", Module: "github.com/containerd/containerd/v2@v2.4.2", Dir: "cmd/ctr/app", Root: "New()", Main: "cmd/ctr", Lib: "urfave-v3"},
	{Name: "yq", Module: "github.com/mikefarah/yq/v4@v4.54.3", Dir: "cmd", Root: "New()", Main: "v4"}, // the main package is the module root: its id is the path's last element,
}

// cliTruthTest is the dropped-in test that walks the tree; %s: the
// package name and the root expression.
const cliTruthTest = `package %s

import (
	"encoding/json"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestBlastgateCommandTree(t *testing.T) {
	out, err := os.Create(os.Getenv("BLASTGATE_TREE"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if len(path) > 0 && c.Runnable() {
			fn := reflect.ValueOf(c.RunE)
			if c.RunE == nil {
				fn = reflect.ValueOf(c.Run)
			}
			f := runtime.FuncForPC(fn.Pointer())
			file, line := f.FileLine(fn.Pointer())
			enc.Encode(map[string]any{"path": strings.Join(path, " "), "run": f.Name(), "file": file, "line": line})
		}
		for _, ch := range c.Commands() {
			walk(ch, append(append([]string(nil), path...), ch.Name()))
		}
	}
	walk(%s, nil)
}
`

// urfaveTruthTest walks an urfave/cli tree: %s the package name, the
// import path, the root expression and how its commands are reached.
const urfaveTruthTest = `package %s

import (
	"encoding/json"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"%s"
)

func TestBlastgateCommandTree(t *testing.T) {
	out, err := os.Create(os.Getenv("BLASTGATE_TREE"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	var walk func(cs []*cli.Command, path []string)
	walk = func(cs []*cli.Command, path []string) {
		for _, c := range cs {
			p := append(append([]string(nil), path...), c.Name)
			if c.Action != nil {
				fn := reflect.ValueOf(c.Action)
				f := runtime.FuncForPC(fn.Pointer())
				file, line := f.FileLine(fn.Pointer())
				enc.Encode(map[string]any{"path": strings.Join(p, " "), "run": f.Name(), "file": file, "line": line})
			}
			walk(c.%s, p)
		}
	}
	walk(%s.Commands, nil)
}
`

// truthSource is the walking test for a tool's library.
func truthSource(a cliApp, pkgName string) string {
	switch a.Lib {
	case "urfave-v2":
		return fmt.Sprintf(urfaveTruthTest, pkgName, "github.com/urfave/cli/v2", "Subcommands", a.Root)
	case "urfave-v3":
		return fmt.Sprintf(urfaveTruthTest, pkgName, "github.com/urfave/cli/v3", "Commands", a.Root)
	}
	return fmt.Sprintf(cliTruthTest, pkgName, a.Root)
}

// cliScore is one tool's result.
type cliScore struct {
	app            cliApp
	truth, found   int
	rightEntry     int
	missed, wrong  []string // commands not found; found with another entry
	extra          []string // subcommand features the tree does not have
	mainFeatureHas bool
}

// runCLI measures every CLI tool and prints the report; it fails when a
// target is missed (unless reportOnly) or a tool could not be measured.
func runCLI(ctx context.Context, tools *toolset, work string, only string, reportOnly bool, w io.Writer) error {
	var scores []cliScore
	for _, a := range cliApps {
		if only != "" && !containsName(strings.Split(only, ","), a.Name) {
			continue
		}
		logf("== %s (%s, %s)", a.Name, a.Module, cmp.Or(a.Lib, "cobra"))
		s, err := measureCLI(ctx, a, filepath.Join(work, a.Name), tools)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		scores = append(scores, s)
	}
	if len(scores) == 0 {
		return fmt.Errorf("-apps %q names no CLI tool", only)
	}
	return printCLI(w, scores, reportOnly)
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

// measureCLI fetches a tool, lists blastgate's subcommands, then walks
// the real tree.
func measureCLI(ctx context.Context, a cliApp, dir string, tools *toolset) (cliScore, error) {
	s := cliScore{app: a}
	src := filepath.Join(dir, "src")
	if err := fetch(ctx, app{Name: a.Name, Module: a.Module}, dir, src); err != nil {
		return s, err
	}
	rep, err := blastgateReport(ctx, tools, src, "features")
	if err != nil {
		return s, err
	}
	found := map[string]string{} // id -> entry
	for _, f := range rep.Features {
		if f.Kind == "command" && strings.HasPrefix(f.ID, a.Main+" ") {
			found[f.ID] = f.Entry
		}
		s.mainFeatureHas = s.mainFeatureHas || (f.Kind == "command" && f.ID == a.Main)
	}
	truth, err := cliTruth(ctx, a, src)
	if err != nil {
		return s, err
	}
	if len(truth) == 0 {
		return s, fmt.Errorf("the tree walk listed no runnable command: cannot measure")
	}
	s.truth = len(truth)
	for _, path := range sortedKeys(truth) {
		id := a.Main + " " + path
		entry, ok := found[id]
		if !ok {
			s.missed = append(s.missed, id)
			continue
		}
		s.found++
		if want := normFunc(uninlined(truth[path])); want == entry {
			s.rightEntry++
		} else {
			s.wrong = append(s.wrong, fmt.Sprintf("%s: %s, run-time %s", id, entry, want))
		}
	}
	for _, id := range sortedKeys(found) {
		if _, ok := truth[strings.TrimPrefix(id, a.Main+" ")]; !ok {
			s.extra = append(s.extra, id)
		}
	}
	return s, nil
}

// varClosure names a closure of a package variable's initializer as
// blastgate does, VAR$k (the k-th function literal of the initializer,
// in source order), where the runtime names it pkg.init.funcN; other
// names are returned as they are.
func varClosure(name, file string, line int) string {
	pkg, rest, ok := strings.Cut(name, ".init.func")
	if !ok || strings.Trim(rest, "0123456789") != "" {
		return name
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		return name
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			k := 0
			found := ""
			for _, v := range vs.Values {
				ast.Inspect(v, func(n ast.Node) bool {
					lit, ok := n.(*ast.FuncLit)
					if !ok || found != "" {
						return found == ""
					}
					k++
					if fset.Position(lit.Pos()).Line <= line && line <= fset.Position(lit.End()).Line {
						found = fmt.Sprintf("%s.%s$%d", pkg, vs.Names[0].Name, k)
					}
					return false
				})
			}
			if found != "" {
				return found
			}
		}
	}
	return name
}

// uninlined names a closure of a value method as its source does: the
// runtime names the copy inlined into the compiler's pointer wrapper
// pkg.(*T).M.T.M.func1, for the closure pkg.T.M.func1.
func uninlined(name string) string {
	i := strings.Index(name, ".(*")
	if i < 0 {
		return name
	}
	pkg, rest := name[:i], name[i+3:]
	typ, rest, ok := strings.Cut(rest, ").")
	if !ok {
		return name
	}
	method, rest, ok := strings.Cut(rest, ".")
	if inner, ok2 := strings.CutPrefix(rest, typ+"."+method+"."); ok && ok2 {
		return pkg + "." + typ + "." + method + "." + inner
	}
	return name
}

// cliTruth drops the walking test into the tool's package and runs it:
// the runnable commands by path, with their run functions.
func cliTruth(ctx context.Context, a cliApp, src string) (map[string]string, error) {
	pkgDir := filepath.Join(src, filepath.FromSlash(a.Dir))
	pkgName, err := goPackageName(pkgDir)
	if err != nil {
		return nil, err
	}
	test := filepath.Join(pkgDir, "zz_blastgate_tree_test.go")
	if err := os.WriteFile(test, []byte(truthSource(a, pkgName)), 0o644); err != nil {
		return nil, err
	}
	defer os.Remove(test)
	out := filepath.Join(filepath.Dir(src), "tree.json")
	env := []string{"GOFLAGS=-mod=mod", "BLASTGATE_TREE=" + out}
	if _, err := runIn(ctx, src, env, "go", "test", "-count=1", "-run", "^TestBlastgateCommandTree$", "./"+a.Dir); err != nil {
		return nil, err
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	truth := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row struct {
			Path, Run, File string
			Line            int
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return nil, err
		}
		truth[row.Path] = varClosure(row.Run, row.File, row.Line)
	}
	return truth, sc.Err()
}

// goPackageName reads the package clause of the first Go file of dir.
func goPackageName(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("%s: no Go files", dir)
	}
	sort.Strings(files)
	data, err := os.ReadFile(files[0])
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "package "); ok {
			return strings.TrimSpace(name), nil
		}
	}
	return "", fmt.Errorf("%s: no package clause", files[0])
}

// printCLI prints the per-tool table and checks the targets.
func printCLI(w io.Writer, scores []cliScore, reportOnly bool) error {
	fmt.Fprintln(w, "CLI subcommands (truth: the command tree walked at run time)")
	fmt.Fprintf(w, "%-10s %8s %8s %8s %12s %6s\n", "tool", "runnable", "found", "found%", "right entry", "extra")
	var missed []string
	for _, s := range scores {
		foundPct := 100 * float64(s.found) / float64(s.truth)
		rightPct := 100.0
		if s.found > 0 {
			rightPct = 100 * float64(s.rightEntry) / float64(s.found)
		}
		fmt.Fprintf(w, "%-10s %8d %8d %7.1f%% %11.1f%% %6d\n", s.app.Name, s.truth, s.found, foundPct, rightPct, len(s.extra))
		for _, m := range s.missed {
			fmt.Fprintf(w, "  not found: %s\n", m)
		}
		for _, m := range s.wrong {
			fmt.Fprintf(w, "  wrong entry: %s\n", m)
		}
		for _, m := range s.extra {
			fmt.Fprintf(w, "  not in the tree: %s\n", m)
		}
		if foundPct < 95 {
			missed = append(missed, fmt.Sprintf("%s: found %.1f%% < 95%%", s.app.Name, foundPct))
		}
		if rightPct < 95 {
			missed = append(missed, fmt.Sprintf("%s: right entry %.1f%% < 95%%", s.app.Name, rightPct))
		}
		if !s.mainFeatureHas {
			missed = append(missed, fmt.Sprintf("%s: no main feature %q", s.app.Name, s.app.Main))
		}
	}
	for _, m := range missed {
		fmt.Fprintln(w, "MISSED", m)
	}
	if len(missed) > 0 && !reportOnly {
		return fmt.Errorf("%d CLI target(s) missed", len(missed))
	}
	return nil
}

// runCLIBench builds blastgate and runs the CLI benchmark.
func runCLIBench(only, work string, reportOnly bool) error {
	ctx := context.Background()
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "cmd", "blastgate")); err != nil {
		return fmt.Errorf("run it from the blastgate repository root: go run ./bench -cli")
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "blastgate-bench-cli-"); err != nil {
			return err
		}
	}
	tools := &toolset{blastgate: filepath.Join(work, "bin", "blastgate")}
	if _, err := runIn(ctx, repo, nil, "go", "build", "-o", tools.blastgate, "./cmd/blastgate"); err != nil {
		return err
	}
	return runCLI(ctx, tools, work, only, reportOnly, os.Stdout)
}

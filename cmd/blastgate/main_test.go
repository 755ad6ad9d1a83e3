package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/example"
	"github.com/blastgate/blastgate/report"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/script/*.txtar")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"blastgate": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI cases in testdata/script: each is a real git
// repository, the real go toolchain and the real binary.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			goEnv, err := hostGoEnv()
			if err != nil {
				return err
			}
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("PATH", os.Getenv("PATH"))
			// A home of the script's own: nothing of the host's ~/.gitconfig,
			// ~/.config/go/env or XDG configuration reaches git or go.
			home := filepath.Join(env.WorkDir, "home")
			gitconfig := filepath.Join(home, ".gitconfig")
			if err := os.MkdirAll(filepath.Join(home, ".config"), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(gitconfig, []byte(scriptGitconfig), 0o644); err != nil {
				return err
			}
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("GOENV", "off")
			env.Setenv("GOTOOLCHAIN", "local")
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_CONFIG_GLOBAL", gitconfig)
			env.Setenv("GIT_AUTHOR_NAME", "t")
			env.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
			env.Setenv("GIT_COMMITTER_NAME", "t")
			env.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exits N PROG [ARGS...] runs PROG as exec does and fails
			// unless its exit status is exactly N; its stdout and stderr
			// are kept for the assertions that follow. ("! exec" accepts
			// any failure: exit 1, the gate failed, as well as exit 2, an
			// error.)
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits N PROG [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: exit status %q is not a number", args[0])
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("exits: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
			// jsonarrays features|change checks the JSON report on stdout
			// against DESIGN.md's "every array shown is always present
			// ([] when empty)": the arrays of a features report, or of an
			// impact or check report, and no null anywhere.
			"jsonarrays": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 || (args[0] != "features" && args[0] != "change" && args[0] != "suspects") {
					ts.Fatalf("usage: jsonarrays features|change|suspects")
				}
				var doc map[string]any
				if err := json.Unmarshal([]byte(ts.ReadFile("stdout")), &doc); err != nil {
					ts.Fatalf("stdout is not a JSON object: %v", err)
				}
				if problems := arrayProblems(doc, args[0]); len(problems) > 0 {
					ts.Fatalf("%s", strings.Join(problems, "\n"))
				}
			},
			// shop DIR materializes the bundled shop as a git repository
			// with one branch per scenario.
			"shop": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: shop DIR")
				}
				err := example.Materialize(context.Background(), ts.MkAbs(args[0]))
				if neg != (err != nil) {
					ts.Fatalf("shop: %v", err)
				}
			},
			// cachecorrupt DIR damages every entry of the cache in DIR
			// (cuts each in half) and fails when there is none.
			"cachecorrupt": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: cachecorrupt DIR")
				}
				entries, err := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), "??", "*"))
				ts.Check(err)
				if len(entries) == 0 {
					ts.Fatalf("no cache entry in %s", args[0])
				}
				for _, e := range entries {
					data, err := os.ReadFile(e)
					ts.Check(err)
					ts.Check(os.WriteFile(e, data[:len(data)/2], 0o644))
				}
			},
		},
	})
}

// arrayProblems lists where doc, a JSON report of the given kind
// ("features", or "change" for impact and check), breaks DESIGN.md's
// "every array shown is always present ([] when empty)".
func arrayProblems(doc map[string]any, kind string) []string {
	var problems []string
	array := func(where string, obj any, key string) []any {
		m, ok := obj.(map[string]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s is not an object", where))
			return nil
		}
		v, ok := m[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s.%s is missing", where, key))
			return nil
		}
		arr, ok := v.([]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s.%s is %v, not an array", where, key, v))
		}
		return arr
	}
	switch kind {
	case "features":
		for i, f := range array("$", doc, "features") {
			array(fmt.Sprintf("$.features[%d]", i), f, "tests")
		}
	case "suspects":
		suspectArrays(doc, array)
	case "change":
		for i, c := range array("$", doc, "changes") {
			array(fmt.Sprintf("$.changes[%d]", i), c, "symbols")
		}
		array("$", doc, "packages")
		array("$", doc, "policy_changes")
		array("$", doc, "unmapped")
		for i, f := range array("$", doc, "impacted") {
			array(fmt.Sprintf("$.impacted[%d]", i), f, "trace")
			array(fmt.Sprintf("$.impacted[%d]", i), f, "tests")
		}
	}
	var walk func(string, any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			problems = append(problems, path+" is null")
		case map[string]any:
			for k, e := range v {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("$", doc)
	return problems
}

// suspectArrays checks the arrays of a suspects report.
func suspectArrays(doc map[string]any, array func(string, any, string) []any) {
	array("$", doc, "features")
	array("$", doc, "not_analysed")
	array("$", doc, "commits")
	for i, s := range array("$", doc, "suspects") {
		array(fmt.Sprintf("$.suspects[%d]", i), s, "trace")
		for j, c := range array(fmt.Sprintf("$.suspects[%d]", i), s, "changes") {
			array(fmt.Sprintf("$.suspects[%d].changes[%d]", i, j), c, "symbols")
		}
	}
}

// scriptGitconfig is every script's global git configuration: git's
// defaults, with main as the first branch of a new repository.
const scriptGitconfig = `[init]
	defaultBranch = main
`

// hostGoVars are the go settings scripts take from the host, as the go
// command there resolves them (environment and go env file): the shared
// module and build caches (not downloaded again per script), the module
// proxy and checksum database, GOFLAGS.
var hostGoVars = []string{"GOPATH", "GOMODCACHE", "GOCACHE", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOINSECURE", "GOFLAGS"}

var hostGoEnv = sync.OnceValues(func() (map[string]string, error) {
	out, err := exec.Command("go", append([]string{"env", "-json"}, hostGoVars...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	var all map[string]string
	if err := json.Unmarshal(out, &all); err != nil {
		return nil, fmt.Errorf("go env -json: %w", err)
	}
	env := map[string]string{}
	for k, v := range all {
		if v != "" {
			env[k] = v
		}
	}
	return env, nil
})

// TestOwnRepository runs features and impact on blastgate itself.
func TestOwnRepository(t *testing.T) {
	if _, err := os.Stat("../../.git"); err != nil {
		t.Skip("not a git checkout")
	}
	var out, errOut bytes.Buffer
	code := Main([]string{"-C", "../..", "--format", "json", "features"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	var r report.Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r))
	var ids []string
	for _, f := range r.Features {
		ids = append(ids, f.Kind+" "+f.ID+" "+f.Entry)
	}
	require.Contains(t, ids, "command cmd/blastgate github.com/blastgate/blastgate/cmd/blastgate.main")

	out.Reset()
	code = Main([]string{"-C", "../..", "--format", "json", "impact", "--base", "HEAD", "--head", "HEAD"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	require.NoError(t, json.Unmarshal(out.Bytes(), &r))
	require.Empty(t, r.Impacted, "no change reaches nothing")
}

// TestScriptsAssertExactExitCodes keeps the scripts honest: "! exec
// blastgate" passes on exit 1 (the gate failed) and on exit 2 (an error)
// alike, so every script says which one it expects with "exits N".
func TestScriptsAssertExactExitCodes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "-- ") {
				break // the script ends where its files begin
			}
			fields := strings.Fields(line)
			if len(fields) >= 3 && fields[0] == "!" && fields[1] == "exec" && fields[2] == "blastgate" {
				t.Errorf("%s:%d: %q: write exits 1 (the gate failed) or exits 2 (an error)", file, i+1, line)
			}
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
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
			// The go command needs a home and the module cache of the host.
			for _, k := range []string{"HOME", "GOPATH", "GOMODCACHE", "GOCACHE", "GOPROXY", "GOFLAGS", "PATH", "GOTOOLCHAIN"} {
				if v, ok := os.LookupEnv(k); ok {
					env.Setenv(k, v)
				}
			}
			if env.Getenv("GOMODCACHE") == "" || env.Getenv("GOCACHE") == "" {
				for _, k := range []string{"GOMODCACHE", "GOCACHE"} {
					out, err := exec.Command("go", "env", k).Output()
					if err != nil {
						return err
					}
					env.Setenv(k, string(trimNL(out)))
				}
			}
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_AUTHOR_NAME", "t")
			env.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
			env.Setenv("GIT_COMMITTER_NAME", "t")
			env.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
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

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

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

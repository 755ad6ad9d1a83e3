package results

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/testenv"
)

// ---- real go test -json output ----

// module is a test module whose packages cover every outcome.
var module = map[string]string{
	"go.mod": "module example.com/r\n\ngo 1.22\n",
	"pass/pass_test.go": `package pass

import "testing"

func TestPass(t *testing.T) {
	t.Run("GET /items/{id}", func(t *testing.T) {})
}
`,
	"fail/fail_test.go": `package fail

import "testing"

func TestFail(t *testing.T) { t.Fatal("boom") }

func TestAlsoRuns(t *testing.T) {}
`,
	"skip/skip_test.go": `package skip

import "testing"

func TestSkip(t *testing.T) { t.Skip("later") }
`,
	"broken/broken_test.go": `package broken

import "testing"

func TestBroken(t *testing.T) { var x int = "s"; _ = x }
`,
	"panics/panics_test.go": `package panics

import "testing"

func TestPanic(t *testing.T) { panic("kaboom") }

func TestAfter(t *testing.T) {}
`,
	// usesbad's tests compile, but a package they import does not.
	"libbad/lib.go": "package libbad\n\nfunc F() int { return \"x\" }\n",
	"usesbad/uses_test.go": `package usesbad

import (
	"testing"

	"example.com/r/libbad"
)

func TestUses(t *testing.T) { _ = libbad.F() }
`,
	// setup imports a package no module provides.
	"setup/setup_test.go": `package setup

import (
	"testing"

	_ "example.com/missing/pkg"
)

func TestSetup(t *testing.T) {}
`,
	// subskip's TestAllSkip passes only because every subtest skipped.
	"subskip/subskip_test.go": `package subskip

import "testing"

func TestAllSkip(t *testing.T) {
	t.Run("a", func(t *testing.T) { t.Skip("later") })
	t.Run("b", func(t *testing.T) {
		t.Run("1", func(t *testing.T) { t.Skip("later") })
	})
}

func TestSomeSkip(t *testing.T) {
	t.Run("a", func(t *testing.T) { t.Skip("later") })
	t.Run("b", func(t *testing.T) {})
}
`,
	// suite runs subtests as testify's suite.Run runs a suite's methods
	// (TestX/TestM), around a parent that may fail or skip on its own
	// (SetupSuite with require, with assert, with Skip).
	"suite/suite_test.go": `package suite

import "testing"

func TestSuite(t *testing.T) {
	t.Run("TestA", func(t *testing.T) {})
	t.Run("TestB", func(t *testing.T) { t.Error("B broke") })
}

func TestSetupFatal(t *testing.T) {
	t.Fatal("SetupSuite: no database")
	t.Run("TestA", func(t *testing.T) {})
}

func TestSetupError(t *testing.T) {
	t.Error("SetupSuite: the fixture did not load")
	t.Run("TestA", func(t *testing.T) {})
}

func TestSetupSkip(t *testing.T) {
	t.Skip("SetupSuite: no database")
	t.Run("TestA", func(t *testing.T) {})
}

func TestTeardownFails(t *testing.T) {
	t.Cleanup(func() { t.Error("TearDownSuite failed") })
	t.Run("TestA", func(t *testing.T) {})
}
`,
	// mainexit's tests pass, then its TestMain exits 1: the test binary
	// failed.
	"mainexit/mainexit_test.go": `package mainexit

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	m.Run()
	os.Exit(1)
}

func TestOK(t *testing.T) {}
`,
	// flaky fails until the marker file exists.
	"flaky/flaky_test.go": `package flaky

import (
	"os"
	"testing"
)

func TestFlaky(t *testing.T) {
	marker := os.Getenv("RESULTS_FLAKY_MARKER")
	if marker == "" {
		t.Skip("RESULTS_FLAKY_MARKER is not set")
	}
	if _, err := os.Stat(marker); err != nil {
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Fatal("fails on the first run")
	}
}
`,
}

// writeModule writes the test module to a new directory.
func writeModule(t *testing.T) string {
	t.Helper()
	testenv.NeedTool(t, "runs go test -json", "go")
	dir := t.TempDir()
	for name, content := range module {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	return dir
}

// goTest runs go test with args in dir and returns its standard output
// (with standard error too when combined). Failing tests make go test
// exit 1: that is expected.
func goTest(t *testing.T, dir string, env []string, combined bool, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"test"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if combined {
		cmd.Stderr = &stdout
	}
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("go test %v: %v\n%s", args, err, stderr.Bytes())
	}
	require.NotEmpty(t, stdout.Bytes(), "go test %v wrote nothing: %s", args, stderr.Bytes())
	return stdout.Bytes()
}

// writeFile writes content to a new file in t's temporary directory.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, content, 0o644))
	return path
}

// read reads literal files, named a, b, ... in order.
func read(t *testing.T, contents ...string) (*Set, error) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, c := range contents {
		path := filepath.Join(dir, string(rune('a'+i))+".out")
		require.NoError(t, os.WriteFile(path, []byte(c), 0o644))
		paths = append(paths, path)
	}
	return ReadFiles(paths...)
}

func mustRead(t *testing.T, contents ...string) *Set {
	t.Helper()
	s, err := read(t, contents...)
	require.NoError(t, err)
	return s
}

func result(t *testing.T, s *Set, pkg, name string) Test {
	t.Helper()
	got, ok := s.Result(pkg, name)
	require.True(t, ok, "no result for %s %s", pkg, name)
	return got
}

func TestRealGoTestJSON(t *testing.T) {
	dir := writeModule(t)
	out := goTest(t, dir, nil, false, "-json", "./...")
	path := writeFile(t, "all.json", out)
	s, err := ReadFiles(path)
	require.NoError(t, err, "%s", out)
	assert.Equal(t, []string{path}, s.Files)
	assert.Empty(t, s.Notes)

	const r = "example.com/r/"
	t.Run("pass and subtest with a space", func(t *testing.T) {
		assert.Equal(t, Test{Package: r + "pass", Name: "TestPass", Result: Pass, Runs: 1}, result(t, s, r+"pass", "TestPass"))
		sub := result(t, s, r+"pass", "TestPass/GET_/items/{id}")
		assert.Equal(t, Pass, sub.Result)
		spaced := result(t, s, r+"pass", "TestPass/GET /items/{id}")
		assert.Equal(t, Skip, spaced.Result, "go test prints spaces as underscores: no subtest of that name ran under TestPass")
		assert.Equal(t, Pass, s.Packages[r+"pass"])
	})
	t.Run("fail", func(t *testing.T) {
		assert.Equal(t, Fail, result(t, s, r+"fail", "TestFail").Result)
		assert.Equal(t, Fail, s.Packages[r+"fail"])
	})
	t.Run("skip", func(t *testing.T) {
		assert.Equal(t, Skip, result(t, s, r+"skip", "TestSkip").Result)
		assert.Equal(t, Pass, s.Packages[r+"skip"])
		assert.Equal(t, Skip, result(t, s, r+"flaky", "TestFlaky").Result, "without its marker the flaky test skips")
	})
	t.Run("build failed", func(t *testing.T) {
		assert.Contains(t, s.BuildFailed[r+"broken"], `cannot use "s"`)
		assert.Equal(t, Fail, s.Packages[r+"broken"])
		got, ok := s.Result(r+"broken", "TestBroken")
		assert.True(t, ok)
		assert.Equal(t, Fail, got.Result)
		assert.NotContains(t, s.Tests, Key{r + "broken", "TestBroken"})
	})
	t.Run("dependency failed to build", func(t *testing.T) {
		// The build events name libbad, the package that did not
		// compile; usesbad's fail event points at them with FailedBuild.
		assert.Contains(t, s.BuildFailed[r+"usesbad"], `cannot use "x"`)
		assert.Contains(t, s.BuildFailed, r+"libbad")
		assert.Equal(t, Fail, result(t, s, r+"usesbad", "TestUses").Result)
	})
	t.Run("setup failed", func(t *testing.T) {
		assert.Contains(t, s.BuildFailed[r+"setup"], "no required module provides package example.com/missing/pkg")
		assert.Equal(t, Fail, result(t, s, r+"setup", "TestSetup").Result)
	})
	t.Run("panic", func(t *testing.T) {
		got := result(t, s, r+"panics", "TestPanic")
		assert.Equal(t, Fail, got.Result)
		assert.True(t, got.Panicked)
		_, ok := s.Result(r+"panics", "TestAfter")
		assert.False(t, ok, "the test after a panic never ran")
		assert.Equal(t, Fail, s.Packages[r+"panics"])
		assert.NotContains(t, s.BuildFailed, r+"panics")
	})
	t.Run("test binary failed after its tests passed", func(t *testing.T) {
		assert.Equal(t, Pass, s.Tests[Key{r + "mainexit", "TestOK"}].Result, "the test itself passed")
		assert.Equal(t, Fail, s.Packages[r+"mainexit"])
		assert.Equal(t, Fail, result(t, s, r+"mainexit", "TestOK").Result, "its package's test binary failed")
		assert.Equal(t, Pass, result(t, s, r+"fail", "TestAlsoRuns").Result, "a test failure explains its package's failure")
	})
	t.Run("every subtest skipped", func(t *testing.T) {
		assert.Equal(t, Pass, s.Tests[Key{r + "subskip", "TestAllSkip"}].Result, "go test says pass")
		assert.Equal(t, Skip, result(t, s, r+"subskip", "TestAllSkip").Result)
		assert.Equal(t, Skip, result(t, s, r+"subskip", "TestAllSkip/b").Result)
		assert.Equal(t, Pass, result(t, s, r+"subskip", "TestSomeSkip").Result)
		assert.Equal(t, Pass, result(t, s, r+"subskip", "TestSomeSkip/b").Result)
		assert.Equal(t, Pass, result(t, s, r+"pass", "TestPass").Result, "a passing subtest")
	})
	t.Run("suite methods", func(t *testing.T) {
		// Each method has its own result: B failing does not fail A.
		assert.Equal(t, Pass, result(t, s, r+"suite", "TestSuite/TestA").Result)
		assert.Equal(t, Fail, result(t, s, r+"suite", "TestSuite/TestB").Result)
		assert.Equal(t, Fail, result(t, s, r+"suite", "TestSuite").Result)
		c := result(t, s, r+"suite", "TestSuite/TestC")
		assert.Equal(t, Skip, c.Result, "a method that never ran, under a parent that ran (and failed for a sibling): skipped")
		assert.Equal(t, "TestSuite ran but did not run this subtest", c.Reason)
		// A parent that failed on its own fails its methods, run or not.
		assert.Equal(t, Fail, result(t, s, r+"suite", "TestSetupFatal/TestA").Result, "setup failed: the method never ran")
		assert.Equal(t, Fail, s.Tests[Key{r + "suite", "TestSetupError"}].Result)
		assert.Equal(t, Pass, s.Tests[Key{r + "suite", "TestSetupError/TestA"}].Result, "go test says the method passed")
		assert.Equal(t, Fail, result(t, s, r+"suite", "TestSetupError/TestA").Result, "its setup failed")
		assert.Equal(t, Fail, result(t, s, r+"suite", "TestTeardownFails/TestA").Result, "its teardown failed")
		// A parent that skipped before any method skips them.
		assert.Equal(t, Skip, result(t, s, r+"suite", "TestSetupSkip/TestA").Result)
	})
	t.Run("unknown", func(t *testing.T) {
		_, ok := s.Result(r+"pass", "TestNothing")
		assert.False(t, ok)
		_, ok = s.Result("example.com/other", "TestPass")
		assert.False(t, ok)
	})

	t.Run("rerun with -count", func(t *testing.T) {
		rerun := goTest(t, dir, nil, false, "-json", "-count=2", "-run", "TestPass", "./pass")
		s, err := ReadFiles(writeFile(t, "both.json", append(append([]byte{}, out...), rerun...)))
		require.NoError(t, err)
		got := result(t, s, r+"pass", "TestPass")
		assert.Equal(t, 3, got.Runs)
		assert.Equal(t, Pass, got.Result)
		assert.False(t, got.Flaky)
		assert.Equal(t, 3, result(t, s, r+"pass", "TestPass/GET_/items/{id}").Runs)
	})

	t.Run("the same file twice", func(t *testing.T) {
		s, err := ReadFiles(path, path)
		require.NoError(t, err)
		assert.Equal(t, 1, result(t, s, r+"pass", "TestPass").Runs)
		assert.Equal(t, []string{path, path}, s.Files)
	})
}

func TestRealFlaky(t *testing.T) {
	dir := writeModule(t)
	env := []string{"RESULTS_FLAKY_MARKER=" + filepath.Join(t.TempDir(), "marker")}
	first := goTest(t, dir, env, false, "-json", "-count=1", "./flaky")
	second := goTest(t, dir, env, false, "-json", "-count=1", "./flaky")
	const pkg = "example.com/r/flaky"

	t.Run("concatenated", func(t *testing.T) {
		s, err := ReadFiles(writeFile(t, "flaky.json", append(append([]byte{}, first...), second...)))
		require.NoError(t, err)
		assert.Equal(t, Test{Package: pkg, Name: "TestFlaky", Result: Pass, Flaky: true, Runs: 2}, result(t, s, pkg, "TestFlaky"))
		assert.Equal(t, Pass, s.Packages[pkg])
	})
	t.Run("two files", func(t *testing.T) {
		// Across files (shards, a matrix's platforms) a pass is no rerun
		// of a failure: in either order, the failure decides.
		for _, files := range [][]string{
			{writeFile(t, "first.json", first), writeFile(t, "second.json", second)},
			{writeFile(t, "second.json", second), writeFile(t, "first.json", first)},
		} {
			s, err := ReadFiles(files...)
			require.NoError(t, err)
			got := result(t, s, pkg, "TestFlaky")
			assert.Equal(t, Fail, got.Result)
			assert.False(t, got.Flaky)
			assert.Equal(t, Fail, s.Packages[pkg])
			assert.Equal(t, []Failure{{Package: pkg, Name: "TestFlaky"}}, s.Failures())
		}
	})
	t.Run("only the first run", func(t *testing.T) {
		s, err := ReadFiles(writeFile(t, "first.json", first))
		require.NoError(t, err)
		got := result(t, s, pkg, "TestFlaky")
		assert.Equal(t, Fail, got.Result)
		assert.False(t, got.Flaky)
	})
	t.Run("rerun in one test binary", func(t *testing.T) {
		// -count=2: the package fails for the first run's failure, which
		// the test's own failed run explains: its binary did not fail.
		env := []string{"RESULTS_FLAKY_MARKER=" + filepath.Join(t.TempDir(), "marker")}
		both := goTest(t, dir, env, false, "-json", "-count=2", "./flaky")
		s, err := ReadFiles(writeFile(t, "count2.json", both))
		require.NoError(t, err)
		assert.Equal(t, Fail, s.Packages[pkg])
		got := result(t, s, pkg, "TestFlaky")
		assert.Equal(t, Pass, got.Result)
		assert.True(t, got.Flaky)
	})
}

func TestRealOldStyleBuildFailure(t *testing.T) {
	dir := writeModule(t)
	env := []string{"GODEBUG=gotestjsonbuildtext=1"}
	const r = "example.com/r/"

	t.Run("standard output only", func(t *testing.T) {
		out := goTest(t, dir, env, false, "-json", "./broken", "./usesbad", "./pass")
		s, err := ReadFiles(writeFile(t, "old.json", out))
		require.NoError(t, err, "%s", out)
		assert.Contains(t, s.BuildFailed, r+"broken")
		assert.Contains(t, s.BuildFailed, r+"usesbad")
		assert.NotContains(t, s.BuildFailed, r+"pass")
		assert.Equal(t, Fail, result(t, s, r+"broken", "TestBroken").Result)
		assert.Equal(t, Pass, result(t, s, r+"pass", "TestPass").Result)
	})
	t.Run("standard error merged", func(t *testing.T) {
		// The build errors arrive as plain text lines: "# pkg" and the
		// compiler's messages.
		out := goTest(t, dir, env, true, "-json", "./broken", "./pass")
		require.Contains(t, string(out), "# example.com/r/broken")
		s, err := ReadFiles(writeFile(t, "merged.json", out))
		require.NoError(t, err, "%s", out)
		assert.Contains(t, s.BuildFailed[r+"broken"], `cannot use "s"`)
		assert.NotEmpty(t, s.Notes)
		assert.Equal(t, Pass, result(t, s, r+"pass", "TestPass").Result)
	})
}

// ---- literal go test -json ----

const (
	t1 = "2026-01-01T10:00:00.000000001Z"
	t2 = "2026-01-01T10:00:00.000000002Z"
	t3 = "2026-01-01T10:00:00.000000003Z"
)

// ev writes one event line.
func ev(time, action, pkg, test string) string {
	line := `{"Action":"` + action + `","Package":"` + pkg + `"`
	if time != "" {
		line = `{"Time":"` + time + `",` + line[1:]
	}
	if test != "" {
		line += `,"Test":"` + test + `"`
	}
	return line + "}\n"
}

func TestTruncatedLastLine(t *testing.T) {
	content := ev(t1, "fail", "p", "TestA") + ev(t2, "pass", "p", "TestA") + `{"Time":"` + t3 + `","Action":"fa`
	_, err := read(t, content)
	require.Error(t, err)
	assert.Regexp(t, `a\.out:3: truncated go test -json event \(was the run killed\?\): rerun the tests$`, err.Error())

	// A truncated line that happens to look like a note is no better.
	_, err = read(t, ev(t1, "pass", "p", "TestA")+"FAIL\tp [bui")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.out:2: truncated")

	// A complete event without the final newline is fine.
	s := mustRead(t, strings.TrimSuffix(ev(t1, "pass", "p", "TestA"), "\n"))
	assert.Equal(t, Pass, result(t, s, "p", "TestA").Result)
}

func TestNotAnEvent(t *testing.T) {
	for _, line := range []string{
		"hello world",
		"=== RUN   TestA",
		"--- FAIL: TestA (0.00s)",
		"null",
		`[{"Action":"pass"}]`,
		`"pass"`,
		`{}`,
		`{"Action":"pass","Package":"p"} trailing`,
		`{"Action":"pass","Package":"p"`,
		`{"Time":"yesterday","Action":"pass","Package":"p"}`,
		`{"Action":1}`,
	} {
		t.Run(line, func(t *testing.T) {
			_, err := read(t, ev(t1, "start", "p", "")+"\n"+line+"\n"+ev(t2, "pass", "p", ""))
			require.Error(t, err)
			assert.Regexp(t, `a\.out:3: not a go test -json event: `, err.Error())
		})
	}
}

func TestNoteLines(t *testing.T) {
	content := "go: downloading example.com/dep v1.0.0\n" +
		"# example.com/b [example.com/b.test]\n" +
		"b/b_test.go:3:1: syntax error: unexpected }\n" +
		"\tmore detail\n" +
		ev(t1, "start", "example.com/b", "") +
		`{"Time":"` + t2 + `","Action":"output","Package":"example.com/b","Output":"FAIL\texample.com/b [build failed]\n"}` + "\n" +
		ev(t3, "fail", "example.com/b", "") +
		"FAIL\texample.com/b [build failed]\n" +
		"ok  \texample.com/a\t0.01s\n" +
		"?   \texample.com/c\t[no test files]\n" +
		"\n" +
		"FAIL\n"
	s := mustRead(t, content)
	assert.Len(t, s.Notes, 8)
	assert.True(t, strings.HasSuffix(s.Notes[0], ".out:1: go: downloading example.com/dep v1.0.0"), s.Notes[0])
	assert.Equal(t, "b/b_test.go:3:1: syntax error: unexpected }", s.BuildFailed["example.com/b"])
	assert.Equal(t, Fail, s.Packages["example.com/b"])

	// The lines after a "# pkg" note end at the next event: other text
	// after it is an error again.
	_, err := read(t, "# example.com/b\nb.go:1: bad\n"+ev(t1, "start", "example.com/b", "")+"b.go:1: bad\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.out:4: not a go test -json event")
}

func TestNoEvents(t *testing.T) {
	// go test without -json: only the go command's summary lines.
	_, err := read(t, "ok  \texample.com/a\t0.01s\nFAIL\texample.com/b\t0.02s\n")
	require.Error(t, err)
	assert.Regexp(t, `a\.out has no go test -json events`, err.Error())
}

func TestEmpty(t *testing.T) {
	for _, content := range []string{"", " \n\t\r\n  "} {
		_, err := read(t, content)
		require.Error(t, err)
		assert.Regexp(t, `a\.out is empty: the test run wrote no results$`, err.Error())
	}
	_, err := ReadFiles(filepath.Join(t.TempDir(), "missing.json"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.json")
}

func TestNeitherFormat(t *testing.T) {
	for _, content := range []string{"hello", "=== RUN   TestA\n--- PASS: TestA\n", "\n\n  PASS\n", "\x00\x01binary"} {
		_, err := read(t, content)
		require.Error(t, err)
		assert.Regexp(t, `a\.out is neither go test -json output nor JUnit XML: pass the file written by go test -json or gotestsum --junitfile$`, err.Error())
	}
}

func TestErrorLineNumbersCountLeadingBlankLines(t *testing.T) {
	_, err := read(t, "\n\n"+ev(t1, "pass", "p", "TestA")+"oops\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.out:4: not a go test -json event")
}

func TestDuplicateEventsCountOnce(t *testing.T) {
	shard := ev(t1, "run", "p", "TestA") + ev(t2, "pass", "p", "TestA") + ev(t3, "pass", "p", "")
	// Overlapping shards: b repeats a's events and adds its own.
	s := mustRead(t, shard, shard+ev(t1, "pass", "q", "TestB"))
	assert.Equal(t, 1, result(t, s, "p", "TestA").Runs)
	assert.Equal(t, Pass, result(t, s, "q", "TestB").Result)

	// Without a Time, identical events may be distinct runs: they are not
	// merged, and a later fail is not lost.
	s = mustRead(t, ev("", "fail", "p", "TestA")+ev("", "pass", "p", "TestA")+ev("", "fail", "p", "TestA"))
	got := result(t, s, "p", "TestA")
	assert.Equal(t, 3, got.Runs)
	assert.Equal(t, Fail, got.Result)
	assert.True(t, got.Flaky)
}

func TestAcrossFilesAnyFailureFails(t *testing.T) {
	// Times do not order files: a pass in one file does not override a
	// failure in another, whichever came later and in either order.
	for _, files := range [][]string{
		{ev(t2, "pass", "p", "TestA"), ev(t1, "fail", "p", "TestA")},
		{ev(t1, "fail", "p", "TestA"), ev(t2, "pass", "p", "TestA")},
		{ev(t1, "pass", "p", "TestA"), ev(t2, "fail", "p", "TestA"), ev(t3, "pass", "p", "TestA")},
	} {
		assert.Equal(t, Test{Package: "p", Name: "TestA", Result: Fail, Runs: len(files)}, result(t, mustRead(t, files...), "p", "TestA"))
	}
	// Undated files too.
	s := mustRead(t, ev("", "fail", "p", "TestA"), ev("", "pass", "p", "TestA"))
	assert.Equal(t, Fail, result(t, s, "p", "TestA").Result)
	// Across files, a pass beats a skip (skipped on one platform, passed
	// on another), in either order.
	for _, files := range [][]string{
		{ev(t1, "skip", "p", "TestA"), ev(t2, "pass", "p", "TestA")},
		{ev(t2, "pass", "p", "TestA"), ev(t1, "skip", "p", "TestA")},
	} {
		assert.Equal(t, Pass, result(t, mustRead(t, files...), "p", "TestA").Result)
	}
	// The package's result too: a failed package in any file fails.
	s = mustRead(t, ev(t1, "fail", "p", ""), ev(t2, "pass", "p", ""))
	assert.Equal(t, Fail, s.Packages["p"])
}

func TestInFileRerunIsFlakyPass(t *testing.T) {
	// One file is one run: a rerun in it (-count, gotestsum --rerun-fails)
	// that passed last passes, flaky; one that failed last fails.
	s := mustRead(t, ev(t1, "fail", "p", "TestA")+ev(t2, "pass", "p", "TestA"))
	assert.Equal(t, Test{Package: "p", Name: "TestA", Result: Pass, Flaky: true, Runs: 2}, result(t, s, "p", "TestA"))
	s = mustRead(t, ev(t1, "pass", "p", "TestA")+ev(t2, "fail", "p", "TestA"))
	assert.Equal(t, Test{Package: "p", Name: "TestA", Result: Fail, Runs: 2}, result(t, s, "p", "TestA"))
	// A flaky pass in one file and a pass in another: flaky, passed.
	s = mustRead(t, ev(t1, "fail", "p", "TestA")+ev(t2, "pass", "p", "TestA"), ev(t3, "pass", "p", "TestA"))
	assert.Equal(t, Test{Package: "p", Name: "TestA", Result: Pass, Flaky: true, Runs: 3}, result(t, s, "p", "TestA"))
}

func TestFutureEventsRefused(t *testing.T) {
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC) }
	// Within the clock skew: fine.
	mustRead(t, ev("2026-01-01T10:04:00Z", "pass", "p", "TestA"))
	// Beyond it: refused, naming the file and line, whatever the event.
	_, err := read(t, ev("2026-01-01T09:00:00Z", "fail", "p", "TestA")+ev("2026-01-01T11:00:00Z", "pass", "p", "TestA"))
	require.Error(t, err)
	assert.Regexp(t, `a\.out:2: event dated 2026-01-01T11:00:00Z, in the future \(the clock says 2026-01-01T10:00:00Z\): these are not the results of a real run; rerun the tests$`, err.Error())
	_, err = read(t, ev("2099-01-01T00:00:00Z", "output", "p", "TestA"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.out:1: event dated 2099-01-01T00:00:00Z, in the future")
}

func TestMixedTimedAndUntimedRefused(t *testing.T) {
	// In one file: a hand-written undated pass after a dated failure.
	_, err := read(t, ev(t1, "fail", "p", "TestA")+ev(t2, "output", "p", "TestA")+ev("", "pass", "p", "TestA"))
	require.Error(t, err)
	assert.Regexp(t, `a\.out:3: a result without a Time, while \S*a\.out:1 has one: .*rerun the tests and pass only their output$`, err.Error())
	// Across files, in either order.
	_, err = read(t, ev(t1, "fail", "p", "TestA"), ev("", "pass", "p", "TestA"))
	require.Error(t, err)
	assert.Regexp(t, `b\.out:1: a result without a Time, while \S*a\.out:1 has one`, err.Error())
	_, err = read(t, ev("", "pass", "p", "TestA"), ev("", "output", "p", "TestA")+ev(t1, "fail", "p", "TestA"))
	require.Error(t, err)
	assert.Regexp(t, `b\.out:2: a dated result, while \S*a\.out:1 has none`, err.Error())
	// Undated events that are not results, and wholly undated results,
	// are fine.
	mustRead(t, ev("", "output", "p", "TestA")+ev(t1, "pass", "p", "TestA"))
	mustRead(t, ev("", "pass", "p", "TestA"), ev("", "pass", "p", "TestB"))
}

func TestEveryProblemAtOnce(t *testing.T) {
	// Several bad lines in one file and a bad file: one error, one
	// problem per line, each with its file and line.
	_, err := read(t,
		ev(t1, "pass", "p", "TestA")+"oops\n"+`{"Time":"soon","Action":"pass","Package":"p"}`+"\n"+ev(t2, "pass", "p", "TestB"),
		"neither\n",
		ev(t1, "pass", "p", "TestC")+"bad again\n",
	)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 5, err.Error())
	assert.Equal(t, "4 problems in the test results; fix each, or rerun the tests:", lines[0])
	assert.Regexp(t, `^  \S*a\.out:2: not a go test -json event: "oops"`, lines[1])
	assert.Regexp(t, `^  \S*a\.out:3: not a go test -json event: bad Time "soon"`, lines[2])
	assert.Regexp(t, `^  \S*b\.out is neither go test -json output nor JUnit XML`, lines[3])
	assert.Regexp(t, `^  \S*c\.out:2: not a go test -json event: "bad again"`, lines[4])

	// Many problems: the first maxProblems, then a count of the rest.
	_, err = read(t, ev(t1, "pass", "p", "TestA")+strings.Repeat("oops\n", maxProblems+5))
	require.Error(t, err)
	lines = strings.Split(err.Error(), "\n")
	require.Len(t, lines, maxProblems+2)
	assert.Equal(t, "  ... and 5 more", lines[len(lines)-1])
}

func TestReadMerges(t *testing.T) {
	s := NewSet()
	require.NoError(t, s.Read("one", strings.NewReader(ev(t2, "pass", "p", "TestA"))))
	assert.Equal(t, Pass, result(t, s, "p", "TestA").Result)
	require.NoError(t, s.Read("two", strings.NewReader(ev(t3, "fail", "p", "TestA"))))
	assert.Equal(t, Fail, result(t, s, "p", "TestA").Result)
	assert.Equal(t, []string{"one", "two"}, s.Files)

	var zero Set
	require.NoError(t, zero.Read("zero", strings.NewReader(ev(t1, "pass", "p", "TestA"))))
	assert.Equal(t, Pass, result(t, &zero, "p", "TestA").Result)
}

func TestIgnoredActions(t *testing.T) {
	content := ev(t1, "start", "p", "") +
		`{"Time":"` + t1 + `","Action":"attr","Package":"p","Test":"TestA","Key":"feature","Value":"x"}` + "\n" +
		`{"Time":"` + t1 + `","Action":"artifacts","Package":"p","Test":"TestA","Path":"/tmp/x"}` + "\n" +
		ev(t1, "pause", "p", "TestA") + ev(t1, "cont", "p", "TestA") + ev(t1, "bench", "p", "TestA") +
		ev(t1, "teleport", "p", "TestA") +
		ev(t2, "pass", "p", "TestA") + ev(t2, "pass", "p", "")
	s := mustRead(t, content)
	assert.Equal(t, Test{Package: "p", Name: "TestA", Result: Pass, Runs: 1}, result(t, s, "p", "TestA"))
	assert.Len(t, s.Tests, 1)

	// A test with only non-terminal events did not finish.
	s = mustRead(t, ev(t1, "run", "p", "TestA")+ev(t1, "output", "p", "TestA"))
	_, ok := s.Result("p", "TestA")
	assert.False(t, ok)
	assert.Contains(t, s.Packages, "p")
	assert.Equal(t, "", s.Packages["p"])
}

func TestBuildFailureWins(t *testing.T) {
	// One shard ran the test, another could not build its package.
	built := ev(t1, "pass", "m/b", "TestB")
	broken := `{"ImportPath":"m/b [m/b.test]","Action":"build-output","Output":"# m/b [m/b.test]\n"}` + "\n" +
		`{"ImportPath":"m/b [m/b.test]","Action":"build-output","Output":"b/b_test.go:1:1: expected 'package'\n"}` + "\n" +
		`{"ImportPath":"m/b [m/b.test]","Action":"build-fail"}` + "\n" +
		`{"Time":"` + t2 + `","Action":"fail","Package":"m/b","FailedBuild":"m/b [m/b.test]"}` + "\n"
	s := mustRead(t, built, broken)
	assert.Equal(t, "b/b_test.go:1:1: expected 'package'", s.BuildFailed["m/b"])
	got, ok := s.Result("m/b", "TestB")
	assert.True(t, ok)
	assert.Equal(t, Fail, got.Result)
	assert.Equal(t, 1, got.Runs)
	assert.Equal(t, Pass, s.Tests[Key{"m/b", "TestB"}].Result, "Tests keeps the test's own result")
}

func TestOldStyleBuildFailureNeedsNoTests(t *testing.T) {
	// A test printing the go command's words does not make its package a
	// build failure.
	content := ev(t1, "run", "p", "TestA") + ev(t1, "fail", "p", "TestA") +
		`{"Time":"` + t2 + `","Action":"output","Package":"p","Output":"FAIL\tp [build failed]\n"}` + "\n" +
		ev(t3, "fail", "p", "")
	s := mustRead(t, content)
	assert.Empty(t, s.BuildFailed)
	assert.Equal(t, Fail, s.Packages["p"])
}

func TestCRLFAndBOM(t *testing.T) {
	content := "\xEF\xBB\xBF" + strings.ReplaceAll(ev(t1, "pass", "p", "TestA")+ev(t2, "pass", "p", ""), "\n", "\r\n")
	s := mustRead(t, content)
	assert.Equal(t, Pass, result(t, s, "p", "TestA").Result)
}

// ---- JUnit XML ----

const junit = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="6" failures="2" errors="0" time="0.100000">
	<testsuite tests="0" failures="0" time="0.000000" name="example.com/r/badmain" timestamp="2026-01-01T10:00:00Z">
		<properties>
			<property name="go.version" value="go1.26.8 linux/amd64"></property>
		</properties>
		<testcase classname="" name="TestMain" time="0.000000">
			<failure message="Failed" type="">sometimes main can exit 2&#xA;FAIL&#x9;example.com/r/badmain&#x9;0.010s&#xA;</failure>
		</testcase>
	</testsuite>
	<testsuite tests="5" failures="2" skipped="1" time="0.020000" name="example.com/r/good" timestamp="2026-01-01T10:00:00Z">
		<testcase classname="example.com/r/good" name="TestFailed" time="0.000000">
			<failure message="Failed" type="">=== RUN   TestFailed&#xA;--- FAIL: TestFailed (0.00s)&#xA;</failure>
		</testcase>
		<testcase classname="example.com/r/good" name="TestErrored" time="0.000000">
			<error message="Errored" type=""></error>
		</testcase>
		<testcase classname="example.com/r/good" name="TestSkipped" time="0.000000">
			<skipped message="=== RUN   TestSkipped&#xA;--- SKIP: TestSkipped (0.00s)&#xA;"></skipped>
		</testcase>
		<testcase classname="example.com/r/good" name="TestPassed" time="0.000000"></testcase>
		<testcase classname="example.com/r/good" name="TestH/GET_/items/{id}" time="0.010000"></testcase>
	</testsuite>
	<testsuite tests="0" failures="0" time="0.000000" name="example.com/r/empty" timestamp="2026-01-01T10:00:00Z">
	</testsuite>
</testsuites>
`

func TestJUnit(t *testing.T) {
	s := mustRead(t, junit)
	const g = "example.com/r/good"
	assert.Equal(t, Fail, result(t, s, g, "TestFailed").Result)
	assert.Equal(t, Fail, result(t, s, g, "TestErrored").Result)
	assert.Equal(t, Skip, result(t, s, g, "TestSkipped").Result)
	assert.Equal(t, Test{Package: g, Name: "TestPassed", Result: Pass, Runs: 1}, result(t, s, g, "TestPassed"))
	assert.Equal(t, Pass, result(t, s, g, "TestH/GET_/items/{id}").Result)

	// TestMain (with gotestsum's empty classname) fails its package.
	assert.Equal(t, Fail, s.Packages["example.com/r/badmain"])
	assert.NotContains(t, s.Tests, Key{"example.com/r/badmain", "TestMain"})
	assert.Empty(t, s.BuildFailed)
	assert.Equal(t, Fail, s.Packages[g])
	assert.Equal(t, "", s.Packages["example.com/r/empty"])
	assert.Len(t, s.Tests, 5)
}

func TestJUnitBuildFailure(t *testing.T) {
	s := mustRead(t, `<testsuites>
	<testsuite name="example.com/r/broken" tests="0">
		<testcase classname="example.com/r/broken" name="TestMain" time="0">
			<failure message="Failed"># example.com/r/broken [example.com/r/broken.test]&#xA;broken/b_test.go:5:45: cannot use &quot;s&quot;&#xA;FAIL&#x9;example.com/r/broken [build failed]&#xA;</failure>
		</testcase>
	</testsuite>
	<testsuite name="example.com/r/setup">
		<testcase classname="example.com/r/setup" name="" time="0">
			<failure message="FAIL example.com/r/setup [setup failed]"></failure>
		</testcase>
	</testsuite>
</testsuites>`)
	assert.Equal(t, map[string]string{
		"example.com/r/broken": `broken/b_test.go:5:45: cannot use "s"`,
		"example.com/r/setup":  "",
	}, s.BuildFailed)
	assert.Equal(t, Fail, result(t, s, "example.com/r/broken", "TestBroken").Result)
}

func TestJUnitSingleSuite(t *testing.T) {
	s := mustRead(t, `<testsuite name="example.com/r/p"><testcase name="TestA"/></testsuite>`)
	assert.Equal(t, Pass, result(t, s, "example.com/r/p", "TestA").Result, "the suite name stands in for a missing classname")
}

func TestJUnitReruns(t *testing.T) {
	// gotestsum --rerun-fails writes a case per run, grouped by outcome,
	// so the order of runs is lost: any failure fails the test (fail
	// closed), flagged flaky when a run passed.
	s := mustRead(t, `<testsuites><testsuite name="p">
		<testcase classname="p" name="TestA"><failure message="Failed"/></testcase>
		<testcase classname="p" name="TestA"><failure message="Failed"/></testcase>
		<testcase classname="p" name="TestA"/>
		<testcase classname="p" name="TestB"/>
		<testcase classname="p" name="TestB"><failure message="Failed"/></testcase>
	</testsuite></testsuites>`)
	assert.Equal(t, Test{Package: "p", Name: "TestA", Result: Fail, Flaky: true, Runs: 3}, result(t, s, "p", "TestA"))
	assert.Equal(t, Test{Package: "p", Name: "TestB", Result: Fail, Flaky: true, Runs: 2}, result(t, s, "p", "TestB"))
}

func TestJUnitMalformed(t *testing.T) {
	for name, content := range map[string]string{
		"unclosed":        `<testsuites><testsuite name="p"><testcase name="TestA">`,
		"truncated":       `<testsuites><testsuite name="p"><testcase name="TestA"/></testsuite></testsu`,
		"mismatched":      `<testsuites><testsuite name="p"></testcase></testsuites>`,
		"second root":     `<testsuites></testsuites><testsuites></testsuites>`,
		"trailing text":   `<testsuites></testsuites> PASS`,
		"bad attribute":   `<testsuites><testsuite name=p></testsuite></testsuites>`,
		"not even a tag":  `< hello`,
		"only a prologue": `<?xml version="1.0"?>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := read(t, content)
			require.Error(t, err)
			assert.Regexp(t, `a\.out is not valid JUnit XML \(.*\): pass the complete file written by gotestsum --junitfile$`, err.Error())
		})
	}
	_, err := read(t, `<html><body>hello</body></html>`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.out is XML but not JUnit XML (its root is <html>")
}

func TestMergeJSONAndJUnit(t *testing.T) {
	s := mustRead(t,
		ev(t1, "pass", "example.com/r/a", "TestA")+ev(t2, "pass", "example.com/r/a", ""),
		`<testsuites><testsuite name="example.com/r/b"><testcase classname="example.com/r/b" name="TestB"><failure/></testcase></testsuite></testsuites>`,
		// TestA failed in another file: across files the failure decides
		// (no rerun: not flaky).
		`<testsuite name="example.com/r/a"><testcase classname="example.com/r/a" name="TestA"><failure/></testcase></testsuite>`,
	)
	assert.Equal(t, Fail, result(t, s, "example.com/r/b", "TestB").Result)
	assert.Equal(t, Test{Package: "example.com/r/a", Name: "TestA", Result: Fail, Runs: 2}, result(t, s, "example.com/r/a", "TestA"))
	assert.Equal(t, map[string]string{"example.com/r/a": Fail, "example.com/r/b": Fail}, s.Packages)
	assert.Len(t, s.Files, 3)
}

// ---- fuzzing ----

func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"",
		"hello",
		ev(t1, "pass", "p", "TestA"),
		ev(t1, "fail", "p", "TestA") + ev(t2, "pass", "p", "TestA") + `{"Action":"fa`,
		"# p\nerr\n" + ev(t1, "fail", "p", ""),
		`{"ImportPath":"m/b [m/b.test]","Action":"build-fail"}` + "\n" + `{"Action":"fail","Package":"m/b","FailedBuild":"m/b [m/b.test]"}`,
		`{"Time":"2026-01-01T10:00:00Z","Action":"output","Package":"p","Test":"T","Output":"panic: x\n"}`,
		junit,
		`<testsuite name="p"><testcase name="TestA"><skipped/></testcase></testsuite>`,
		`<testsuites><testsuite name="p"><testcase`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSet()
		var err error
		require.NotPanics(t, func() { err = s.Read("fuzz", bytes.NewReader(data)) })
		if err != nil {
			return
		}
		for k, test := range s.Tests {
			assert.Contains(t, []string{Pass, Fail, Skip}, test.Result)
			assert.Positive(t, test.Runs)
			assert.Equal(t, k, Key{test.Package, test.Name})
			got, ok := s.Result(k.Package, k.Name)
			assert.True(t, ok)
			assert.NotEmpty(t, got.Result)
		}
	})
}

package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readJUnitFile reads testdata/junit/NAME as the only results file.
func readJUnitFile(t *testing.T, name string) (*Set, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "junit", name))
	require.NoError(t, err)
	return read(t, string(data))
}

// TestJUnitNested: suites in suites, at any depth, are read; a case
// without a classname belongs to its innermost suite.
func TestJUnitNested(t *testing.T) {
	s, err := readJUnitFile(t, "nested.xml")
	require.NoError(t, err)
	assert.Equal(t, Pass, result(t, s, "example.com/r/a", "TestA").Result)
	assert.Equal(t, Fail, result(t, s, "example.com/r/a", "TestB").Result)
	assert.Equal(t, Fail, result(t, s, "example.com/r/b", "TestC").Result, "three suites deep")
	assert.Equal(t, Pass, result(t, s, "example.com/r/b", "TestD").Result)
	assert.Equal(t, Fail, s.Packages["example.com/r/a"])
	assert.Equal(t, Fail, s.Packages["example.com/r/b"])
}

// TestJUnitStatus: a status attribute decides where no element does, and
// a failure element fails the case whatever its status says.
func TestJUnitStatus(t *testing.T) {
	s, err := readJUnitFile(t, "status.xml")
	require.NoError(t, err)
	for name, want := range map[string]string{
		"TestFailed": Fail, "TestFail": Fail, "TestError": Fail, "TestUpper": Fail,
		"TestSkipped": Skip, "TestDisabled": Skip,
		"TestPassed": Pass, "TestRun": Pass,
		"TestPassedButFailure": Fail, "TestSkippedButError": Fail,
	} {
		assert.Equal(t, want, result(t, s, "p", name).Result, name)
	}
	assert.Equal(t, Fail, s.Packages["p"])
}

func TestJUnitUnknownStatus(t *testing.T) {
	_, err := readJUnitFile(t, "status-unknown.xml")
	require.Error(t, err)
	assert.Regexp(t, `a\.out: suite "p", test case "TestB": status="notrun" is none of failed, fail, error, skipped, disabled, passed, run: pass gotestsum's JUnit or go test -json output$`, err.Error())
}

// TestJUnitSurefireReruns: flaky* passes the case, marked flaky (it failed,
// then passed on a rerun); rerun* fails it (every rerun failed).
func TestJUnitSurefireReruns(t *testing.T) {
	s, err := readJUnitFile(t, "surefire.xml")
	require.NoError(t, err)
	assert.Equal(t, Test{Package: "p", Name: "TestFlakyFailure", Result: Pass, Flaky: true, Runs: 2}, result(t, s, "p", "TestFlakyFailure"))
	assert.Equal(t, Test{Package: "p", Name: "TestFlakyError", Result: Pass, Flaky: true, Runs: 2}, result(t, s, "p", "TestFlakyError"))
	assert.Equal(t, Fail, result(t, s, "p", "TestRerunFailure").Result)
	assert.Equal(t, Fail, result(t, s, "p", "TestRerunError").Result)
	assert.Equal(t, Fail, result(t, s, "p", "TestRerunOnly").Result, "a failed rerun alone still fails")
}

// TestJUnitFlakyAcrossFiles: a flaky pass in one file does not override
// the same test's failure in another (gotestsum's, unordered).
func TestJUnitFlakyAcrossFiles(t *testing.T) {
	s := mustRead(t,
		`<testsuite name="p"><testcase name="TestA"><flakyFailure/></testcase></testsuite>`,
		`<testsuite name="p" failures="1"><testcase name="TestA"><failure/></testcase></testsuite>`)
	assert.Equal(t, Fail, result(t, s, "p", "TestA").Result)
}

// TestJUnitSuiteCounts: a suite that counts more failures (and errors)
// than its cases show is refused, never read as a pass; one that counts
// fewer is read (nothing is hidden); nested suites' counts add up.
func TestJUnitSuiteCounts(t *testing.T) {
	_, err := readJUnitFile(t, "suite-count.xml")
	require.Error(t, err)
	assert.Regexp(t, `/a\.out: suite "example\.com/r/p" says 1 failures, 0 found: a failing test case is missing or unreadable; pass the complete JUnit file \(or go test -json output\)$`, err.Error())

	for name, doc := range map[string]string{
		"errors count":               `<testsuite name="p" errors="2"><testcase name="TestA"><error/></testcase></testsuite>`,
		"failures and errors":        `<testsuite name="p" failures="1" errors="1"><testcase name="TestA"><failure/></testcase></testsuite>`,
		"a flaky case is no failure": `<testsuite name="p" failures="1"><testcase name="TestA"><flakyFailure/></testcase></testsuite>`,
		"the root counts too":        `<testsuites failures="3"><testsuite name="p" failures="1"><testcase name="TestA"><failure/></testcase></testsuite></testsuites>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := read(t, doc)
			require.Error(t, err)
			assert.Regexp(t, `says \d failures, \d found`, err.Error())
		})
	}
	s := mustRead(t, `<testsuites failures="1"><testsuite name="p"><testcase name="TestA"><failure/></testcase><testcase name="TestB"><failure/></testcase></testsuite></testsuites>`)
	assert.Equal(t, Fail, result(t, s, "p", "TestB").Result)

	// gotestsum's root errors count the go command's output lines it could
	// tie to no test (a build failure's errors): not test cases.
	s = mustRead(t, `<testsuites tests="0" failures="0" errors="3"><testsuite name="p" tests="0" failures="0">
		<testcase classname="p" name="TestMain"><failure message="Failed"># p&#xA;p/a_test.go:3: undefined: x&#xA;FAIL p [build failed]</failure></testcase>
	</testsuite></testsuites>`)
	assert.Contains(t, s.BuildFailed, "p")

	_, err = read(t, `<testsuite name="p" failures="one"><testcase name="TestA"/></testsuite>`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `a.out: suite "p": failures="one" is not a count`)
}

// TestJUnitUnknownElements: an element where outcomes live that blastgate
// does not read, or a case outside any suite, refuses the file, every
// problem on its own line; properties and output are read past.
func TestJUnitUnknownElements(t *testing.T) {
	_, err := readJUnitFile(t, "unknown-element.xml")
	require.Error(t, err)
	msg := err.Error()
	head, rest, _ := strings.Cut(msg, "\n")
	assert.Equal(t, "3 problems in the test results; fix each, or rerun the tests:", head)
	var lines []string
	for _, l := range strings.Split(rest, "\n") {
		lines = append(lines, filepath.Base(strings.TrimSpace(l)))
	}
	assert.Equal(t, []string{
		`a.out: <testsuites> holds a <testcase> outside any <testsuite>: pass gotestsum's JUnit or go test -json output`,
		`a.out: suite "p" has an element <test> blastgate does not read: a failure could hide in it; pass gotestsum's JUnit or go test -json output`,
		`a.out: suite "p", test case "TestA": an element <failed> blastgate does not read: a failure could hide in it; pass gotestsum's JUnit or go test -json output`,
	}, sortedLines(lines))

	_, err = read(t, `<testsuite name="p"><testcase name="TestA"><skipped/><flakyFailure/></testcase></testsuite>`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `test case "TestA": both skipped and a flaky rerun`)

	s := mustRead(t, `<testsuite name="p"><properties/><system-out>x</system-out><testcase name="TestA"><system-out>o</system-out><system-err>e</system-err><properties/></testcase></testsuite>`)
	assert.Equal(t, Pass, result(t, s, "p", "TestA").Result)
}

func sortedLines(lines []string) []string {
	out := append([]string(nil), lines...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestJUnitRealGotestsum reads what gotestsum v1.13.0 wrote for a module
// with a failing subtest, a skip, a package that does not build and a
// TestMain that exits 3: its counts reconcile (the root's errors="1" is
// the build error's output line, no test case).
func TestJUnitRealGotestsum(t *testing.T) {
	s, err := readJUnitFile(t, "gotestsum.xml")
	require.NoError(t, err)
	assert.Equal(t, Fail, result(t, s, "example.com/m/a", "TestFail/sub").Result)
	assert.Equal(t, Fail, result(t, s, "example.com/m/a", "TestFail").Result)
	assert.Equal(t, Skip, result(t, s, "example.com/m/a", "TestSkip").Result)
	assert.Equal(t, Pass, result(t, s, "example.com/m/a", "TestPass").Result)
	assert.Equal(t, map[string]string{"example.com/m/b": ""}, s.BuildFailed)
	assert.Equal(t, Fail, s.Packages["example.com/m/c"], "TestMain exited 3")
}

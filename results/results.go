// Package results reads test results: `go test -json` output (test2json
// events, Go 1.24+ build-fail events included) and JUnit XML as gotestsum
// writes it, from one file or several shards, detecting the format from
// the content.
//
// The reader fails closed: input it cannot read completely is an error,
// never a partial result, so a lost "fail" can not leave an earlier "pass"
// standing.
package results

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Result values (same strings as the report schema).
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip"
)

// Test is the outcome of one test function: a top-level test or a subtest,
// named as go test prints it (spaces become underscores), e.g. "TestX" or
// "TestX/GET_/items/{id}".
type Test struct {
	Package string
	Name    string
	// Result is Pass, Fail or Skip: the last terminal result (a rerun decides).
	Result string
	// Flaky is set when the test failed (or panicked) at least once and
	// passed later.
	Flaky bool
	// Runs is the number of terminal results seen, after de-duplication.
	Runs int
	// Panicked is set when the test's output contained "panic: ".
	Panicked bool
	// Reason says why Result is not the test's own last result, as Set.Result
	// derives it: its package failed to build, its test binary failed after
	// its tests passed, every subtest it ran skipped, its parent failed or
	// skipped around it or never ran it. "" when Result is the test's own.
	Reason string
}

// Key identifies a test.
type Key struct{ Package, Name string }

// Set is the merged results of one or more files.
type Set struct {
	// Tests holds every test with a terminal event (pass, fail or skip).
	Tests map[Key]*Test
	// BuildFailed lists the packages whose test binary (or a package it
	// needs) failed to build, with the first build error line ("" when the
	// results do not carry it). Their tests did not pass. Sources: Go 1.24+
	// build-fail events, FailedBuild on a package's fail event, and a
	// package fail with "[build failed]" or "[setup failed]" output and no
	// test events (GODEBUG=gotestjsonbuildtext=1, JUnit TestMain cases).
	BuildFailed map[string]string
	// Packages lists every package the results mention, with its
	// package-level result: Pass, Fail, Skip, or "" when none was seen.
	Packages map[string]string
	// Files lists the files read, in order.
	Files []string
	// Notes holds the lines of go command output found between the
	// go test -json events (e.g. "# pkg" and its build errors), as
	// "FILE:LINE: text".
	Notes []string

	seq         int               // orders results in reading order
	stream      int               // the stream (file) being read, from 1
	timing      timing            // which terminal events carried a Time
	seen        map[event]bool    // timed terminal events already read
	runs        map[Key][]run     // terminal results per test, reading order
	pkgRuns     map[string][]run  // package-level terminal results
	panicked    map[Key]bool      // tests whose output contained "panic: "
	buildErrors map[string]string // build-output ImportPath -> first error line
	incomplete  map[string]string // package -> the file where its results end early
}

// run is one terminal result.
type run struct {
	result string
	time   time.Time // zero when the event had no Time
	seq    int
	// stream is the file (one go test run) the result was read from: a
	// pass overrides a fail only within the same stream (a rerun).
	stream int
	// unordered marks a JUnit case: gotestsum groups a suite's cases by
	// outcome, not by run, so reruns in JUnit cannot be ordered.
	unordered bool
}

// NewSet returns an empty Set.
func NewSet() *Set {
	s := &Set{}
	s.init()
	return s
}

// init makes the maps of a Set, so that a zero Set can read too.
func (s *Set) init() {
	if s.seen != nil {
		return
	}
	s.Tests = map[Key]*Test{}
	s.BuildFailed = map[string]string{}
	s.Packages = map[string]string{}
	s.seen = map[event]bool{}
	s.runs = map[Key][]run{}
	s.pkgRuns = map[string][]run{}
	s.panicked = map[Key]bool{}
	s.buildErrors = map[string]string{}
	s.incomplete = map[string]string{}
}

// Result returns the result of test name in package pkg: its own result
// when it has one, and Fail when its package failed to build (even if
// another file says the test passed: a build failure anywhere in the
// results is not evidence that the code works). A test that passed or
// skipped is Fail too when its package's test binary failed for no test's
// failure (TestMain exited non-zero, the binary crashed after the tests
// ran): DESIGN.md counts that as failed. A test that passed only because
// every subtest it ran skipped is Skip: DESIGN.md counts it as skipped. ok
// is false when the results never mention the test: it did not run.
//
// A subtest ("TestX/TestM", as a testify suite method runs) has its own
// result, whatever its siblings did: a failing sibling fails the parent,
// not it. But a parent that failed on its own (no subtest of it failed:
// a suite's SetupSuite or TearDownSuite, code around t.Run) fails each of
// its subtests, run or not; and a parent that skipped before running any
// subtest skips the subtests it never ran.
func (s *Set) Result(pkg, name string) (t Test, ok bool) {
	own, ok := s.Tests[Key{pkg, name}]
	if ok {
		t = *own
	} else {
		t = Test{Package: pkg, Name: name}
	}
	if line, failed := s.BuildFailed[pkg]; failed {
		t.Result, t.Reason = Fail, buildReason(pkg, line)
		return t, true
	}
	switch file, cut := s.incomplete[pkg]; {
	case ok && cut:
		t.Result, t.Reason = Fail, incompleteReason(pkg, file)
	case ok && s.binaryFailed(pkg):
		t.Result, t.Reason = Fail, binaryReason(pkg)
	case ok && t.Result == Pass && s.subtestsAllSkipped(pkg, name):
		t.Result, t.Reason = Skip, "every subtest it ran skipped"
	}
	for parent := name; strings.Contains(parent, "/"); {
		parent = parent[:strings.LastIndexByte(parent, '/')]
		p, has := s.Tests[Key{pkg, parent}]
		switch {
		case !has:
		case p.Result == Fail && !s.descendantFailed(pkg, parent):
			t.Result = Fail
			t.Reason = fmt.Sprintf("%s failed outside its subtests (a suite's setup or teardown, code around t.Run)", parent)
			return t, true
		case !ok && p.Result == Skip && !s.hasDescendants(pkg, parent):
			t.Result, t.Reason = Skip, fmt.Sprintf("%s skipped before it ran its subtests", parent)
			return t, true
		case !ok:
			// The parent ran and finished without running this subtest
			// (DESIGN.md: a test whose selected subtests did not run is
			// skipped): a testify suite that has no such method, a
			// -testify.m filter, a t.Run that was never reached.
			t.Result = Skip
			t.Reason = fmt.Sprintf("%s ran but did not run this subtest", parent)
			if s.binaryFailed(pkg) {
				t.Result, t.Reason = Fail, binaryReason(pkg)
			}
			return t, true
		}
	}
	return t, ok
}

// descendantFailed reports whether a run of a subtest of test name, at
// any depth, failed: that explains the test's own failure.
func (s *Set) descendantFailed(pkg, name string) bool {
	prefix := name + "/"
	for k, runs := range s.runs {
		if k.Package != pkg || !strings.HasPrefix(k.Name, prefix) {
			continue
		}
		for _, r := range runs {
			if r.result == Fail {
				return true
			}
		}
	}
	return false
}

// hasDescendants reports whether any subtest of test name has a result.
func (s *Set) hasDescendants(pkg, name string) bool {
	prefix := name + "/"
	for k := range s.Tests {
		if k.Package == pkg && strings.HasPrefix(k.Name, prefix) {
			return true
		}
	}
	return false
}

// binaryFailed reports whether package pkg's last package-level result is
// a failure that no failed test of the package explains: no run of any of
// its tests failed (a flaky test's failed run, rerun with -count, explains
// it too).
func (s *Set) binaryFailed(pkg string) bool {
	if s.Packages[pkg] != Fail {
		return false
	}
	for k, runs := range s.runs {
		if k.Package != pkg {
			continue
		}
		for _, r := range runs {
			if r.result == Fail {
				return false
			}
		}
	}
	return true
}

// subtestsAllSkipped reports whether test name ran subtests and every
// innermost one skipped.
func (s *Set) subtestsAllSkipped(pkg, name string) bool {
	prefix := name + "/"
	sub := map[string]string{}
	for k, t := range s.Tests {
		if k.Package == pkg && strings.HasPrefix(k.Name, prefix) {
			sub[k.Name] = t.Result
		}
	}
	parents := map[string]bool{}
	for n := range sub {
		parents[n[:strings.LastIndexByte(n, '/')]] = true
	}
	leaves := 0
	for n, result := range sub {
		if parents[n] {
			continue
		}
		if result != Skip {
			return false
		}
		leaves++
	}
	return leaves > 0
}

// ReadFiles reads and merges the files. Each file's format is detected
// from its content: go test -json output (the first non-blank byte is '{',
// or the file starts with go command output such as "# pkg") or JUnit XML
// (the first non-blank byte is '<'). Anything else, an empty file and an
// unreadable one are errors. Every file is read even after a problem, and
// the error lists every problem found, one per line ("FILE:LINE: ...").
func ReadFiles(paths ...string) (*Set, error) {
	s := NewSet()
	var errs problemList
	for _, path := range paths {
		errs.add(s.readFile(path))
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Set) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading test results: %w: pass the file written by go test -json (or gotestsum --junitfile)", err)
	}
	defer f.Close()
	return s.Read(path, f)
}

// Read reads one stream of go test -json output or JUnit XML into s,
// merging it with what s already holds; name is used in messages and
// recorded in s.Files. After an error s may hold part of the stream and
// should be discarded.
func (s *Set) Read(name string, r io.Reader) error {
	s.init()
	s.Files = append(s.Files, name)
	s.stream++
	br := bufio.NewReader(r)
	first, blankLines, err := skipBlank(br)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	switch {
	case first == endOfInput:
		return fmt.Errorf("%s is empty: the test run wrote no results", name)
	case first == '{' || startsWithNote(br):
		err = s.readJSON(name, br, blankLines+1)
	case first == '<':
		err = s.readJUnit(name, br)
	default:
		return fmt.Errorf("%s is neither go test -json output nor JUnit XML: pass the file written by go test -json or gotestsum --junitfile", name)
	}
	s.update()
	return err
}

// endOfInput is what skipBlank returns for input with nothing but blanks.
const endOfInput = -1

// skipBlank consumes leading white space and a UTF-8 byte order mark. It
// returns the first other byte (left unread; endOfInput when there is
// none) and the number of newlines consumed.
func skipBlank(br *bufio.Reader) (first int, newlines int, err error) {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	for {
		b, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return endOfInput, newlines, nil
		}
		if err != nil {
			return endOfInput, newlines, err
		}
		switch b {
		case '\n':
			newlines++
		case ' ', '\t', '\r':
		default:
			return int(b), newlines, br.UnreadByte()
		}
	}
}

// startsWithNote reports whether the unread input starts with a line of
// go command output, as when stderr is merged into go test -json output.
func startsWithNote(br *bufio.Reader) bool {
	head, _ := br.Peek(8)
	return isNote(string(head))
}

// update recomputes the tests and package results from the runs read.
func (s *Set) update() {
	for k, runs := range s.runs {
		t := &Test{Package: k.Package, Name: k.Name, Runs: len(runs), Panicked: s.panicked[k]}
		t.Result, t.Flaky = combine(runs)
		s.Tests[k] = t
	}
	for pkg, runs := range s.pkgRuns {
		s.Packages[pkg], _ = combine(runs)
	}
}

// addRun records a terminal result of test k (a package-level one when
// k.Name is "").
func (s *Set) addRun(k Key, result string, t time.Time) {
	s.addRunOrdered(k, result, t, false)
}

func (s *Set) addRunOrdered(k Key, result string, t time.Time, unordered bool) {
	s.seq++
	r := run{result: result, time: t, seq: s.seq, stream: s.stream, unordered: unordered}
	if k.Name == "" {
		s.pkgRuns[k.Package] = append(s.pkgRuns[k.Package], r)
		return
	}
	s.runs[k] = append(s.runs[k], r)
}

// mention records that the results mention package pkg.
func (s *Set) mention(pkg string) {
	if _, ok := s.Packages[pkg]; !ok && pkg != "" {
		s.Packages[pkg] = ""
	}
}

// buildFailed records that package pkg failed to build, keeping the first
// error line known.
func (s *Set) buildFailed(pkg, line string) {
	if pkg == "" {
		return
	}
	s.mention(pkg)
	if s.BuildFailed[pkg] == "" {
		s.BuildFailed[pkg] = line
	}
}

// isBuildFailure reports whether text is the go command's summary of a
// package that could not be built or set up.
func isBuildFailure(text string) bool {
	return strings.Contains(text, "[build failed]") || strings.Contains(text, "[setup failed]")
}

// firstErrorLine returns the first line of build output that says what is
// wrong: not a "# pkg" header, not a FAIL summary, not blank.
func firstErrorLine(text string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "FAIL") {
			continue
		}
		return line
	}
	return ""
}

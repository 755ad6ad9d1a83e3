package results

import (
	"fmt"
	"sort"
	"strings"
)

// buildReason explains the failure of a test whose package did not build.
func buildReason(pkg, line string) string {
	if line == "" {
		return fmt.Sprintf("%s failed to build", pkg)
	}
	return fmt.Sprintf("%s failed to build: %s", pkg, line)
}

// binaryReason explains the failure of a test that passed in a package
// whose test binary failed for no test's failure.
func binaryReason(pkg string) string {
	return fmt.Sprintf("the test binary of %s failed after its tests passed (TestMain, a leak check)", pkg)
}

// Failure is a failure the results hold: a test that failed (Name set),
// or a package that failed outside its tests (Name ""): it did not build,
// or its test binary failed after every test passed.
type Failure struct {
	Package, Name string
	// Reason says why, when the test's own result does not ("" for a
	// test that failed itself).
	Reason string
}

// Failures lists every failure of the results, once each and in order of
// package and name: each failed test that no failed subtest explains (a
// test that failed itself, or a parent that failed around its subtests;
// TestX is left out when TestX/a failed), and each package that failed
// to build or whose test binary failed after its tests passed. A flaky
// test whose last run passed is no failure.
func (s *Set) Failures() []Failure {
	var out []Failure
	for pkg, line := range s.BuildFailed {
		out = append(out, Failure{Package: pkg, Reason: buildReason(pkg, line)})
	}
	for pkg := range s.Packages {
		if _, built := s.BuildFailed[pkg]; built {
			continue
		}
		if file, cut := s.incomplete[pkg]; cut {
			out = append(out, Failure{Package: pkg, Reason: incompleteReason(pkg, file)})
		} else if s.binaryFailed(pkg) {
			reason := binaryReason(pkg)
			if !s.hasTests(pkg) {
				reason = fmt.Sprintf("the test binary of %s failed before any test reported a result (a panic in init or TestMain)", pkg)
			}
			out = append(out, Failure{Package: pkg, Reason: reason})
		}
	}
	for k, t := range s.Tests {
		if _, built := s.BuildFailed[k.Package]; built || t.Result != Fail || s.subtestFailed(k.Package, k.Name) {
			continue
		}
		out = append(out, Failure{Package: k.Package, Name: k.Name})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// subtestFailed reports whether a subtest of test name, at any depth,
// ended failed.
func (s *Set) subtestFailed(pkg, name string) bool {
	prefix := name + "/"
	for k, t := range s.Tests {
		if k.Package == pkg && strings.HasPrefix(k.Name, prefix) && t.Result == Fail {
			return true
		}
	}
	return false
}

// HasFailure reports whether the results hold any failure: a failed run
// of a test (flaky ones included), a failed package, a build failure.
func (s *Set) HasFailure() bool {
	if len(s.BuildFailed) > 0 {
		return true
	}
	for _, result := range s.Packages {
		if result == Fail {
			return true
		}
	}
	for _, runs := range s.runs {
		for _, r := range runs {
			if r.result == Fail {
				return true
			}
		}
	}
	return false
}

// CheckExit fails closed on a go test run that exited with a failure
// (exitCode not 0) its output does not show: no test, package or build
// failed in the results. The go command was killed, or failed before or
// after the tests in a way only its standard error tells; a gate that
// read only the events would pass on it.
func (s *Set) CheckExit(exitCode int) error {
	if exitCode == 0 || s.HasFailure() {
		return nil
	}
	if exitCode < 0 {
		return fmt.Errorf("go test was killed (no exit status) and its output in %s shows no failure: its results are incomplete; rerun the tests", strings.Join(s.Files, ", "))
	}
	return fmt.Errorf("go test exited with status %d but its output in %s shows no failed test or package: see its standard error above, fix the cause and rerun", exitCode, strings.Join(s.Files, ", "))
}

// incompleteReason explains the failure of a test whose package's results
// end early.
func incompleteReason(pkg, file string) string {
	return fmt.Sprintf("the results of %s in %s end before its package's result (was go test killed?): rerun its tests", pkg, file)
}

// track records the package-level events of a go test -json stream:
// "start" (go test -json writes it first for each package since Go 1.20)
// and the package's result (pass, fail or skip), the last event it writes
// for the package, whatever its tests and TestMain did.
func (st *jsonStream) track(e event) {
	if e.Test != "" || e.Package == "" {
		return
	}
	switch e.Action {
	case "start":
		st.started[e.Package] = true
	case Pass, Fail, Skip:
		st.ended[e.Package] = true
	}
}

// cutShort records the packages a stream started and never ended: the
// run was cut short (killed, out of memory, a CI timeout) after their
// last complete line, so a failure of theirs, or of their TestMain, may
// be missing. Their tests count as failed (fail closed). Streams without
// "start" events (before Go 1.20, hand-written) are not judged.
func (s *Set) cutShort(st *jsonStream) {
	for pkg := range st.started {
		if !st.ended[pkg] {
			s.mention(pkg)
			if _, ok := s.incomplete[pkg]; !ok {
				s.incomplete[pkg] = st.name
			}
		}
	}
}

// hasTests reports whether any test of package pkg has a result.
func (s *Set) hasTests(pkg string) bool {
	for k := range s.Tests {
		if k.Package == pkg {
			return true
		}
	}
	return false
}

package results

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below check that the reader never panics and that it
// fails closed: whatever input it accepts, a test (or package) comes out
// passed only when the input holds a pass for it that nothing later
// overrides. The expected results are computed here from the input
// independently of the reader's own bookkeeping.

// route reports the format Read picks for data: 'j' for go test -json, 'x'
// for JUnit XML, 0 for neither.
func route(data []byte) byte {
	rest := bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	rest = bytes.TrimLeft(rest, " \t\r\n")
	switch {
	case len(rest) == 0:
		return 0
	case rest[0] == '{' || isNote(string(rest[:min(len(rest), 8)])):
		return 'j'
	case rest[0] == '<':
		return 'x'
	}
	return 0
}

func FuzzReadJSON(f *testing.F) {
	for _, seed := range []string{
		"",
		" \n\t\n",
		"\xEF\xBB\xBF" + ev(t1, "pass", "p", "TestA"),
		ev(t1, "pass", "p", "TestA") + ev(t2, "pass", "p", ""),
		ev("", "run", "p", "TestA") + ev("", "fail", "p", "TestA") + ev("", "pass", "p", "TestA"),
		ev(t2, "fail", "p", "TestA") + ev(t1, "pass", "p", "TestA") + ev(t3, "fail", "p", ""),
		ev(t1, "pass", "p", "TestA") + ev(t1, "pass", "p", "TestA") + ev(t2, "skip", "p", "TestB"),
		ev(t1, "fail", "p", "TestA") + ev(t2, "pass", "p", "TestA") + `{"Action":"fa`,
		ev(t1, "pass", "p", "TestA") + "\r\n" + ev(t2, "fail", "p", "TestA/sub"),
		"# p\nerr\n" + ev(t1, "fail", "p", ""),
		ev("", "pass", "p", "TestA") + "# p\n " + ev("", "fail", "p", "TestA"),
		ev("", "pass", "p", "TestA") + "# p\n\t\u00a0" + ev("", "fail", "p", "TestA"),
		"# p [p.test]\n./x_test.go:1:1: syntax error\nFAIL\tp [build failed]\n" + ev("", "output", "p", "") + ev("", "fail", "p", ""),
		`{"Action":"output","Package":"p","Output":"FAIL\tp [build failed]\n"}` + "\n" + ev("", "fail", "p", ""),
		`{"ImportPath":"m/b [m/b.test]","Action":"build-output","Output":"b.go:1: bad\n"}` + "\n" +
			`{"ImportPath":"m/b [m/b.test]","Action":"build-fail"}` + "\n" +
			`{"Action":"fail","Package":"m/b","FailedBuild":"m/b [m/b.test]"}` + "\n" +
			ev("", "pass", "m/b", "TestB"),
		`{"Time":"2026-01-01T10:00:00Z","Action":"output","Package":"p","Test":"T","Output":"panic: x\n"}` + "\n" + ev("", "fail", "p", "T"),
		`{"Action":"attr","Package":"p","Test":"T","Key":"feature","Value":"GET /x"}` + "\n" + ev("", "pass", "p", "T"),
		`{"Action":"p\u0061ss","Package":"p","Test":"T"}`,
		`{"action":"pass","package":"p","test":"T"}`,
		`{"Action":"pass","Action":null,"Package":"p","Test":"T"}`,
		`{"Action":"pass","Package":"p","Test":"T","Elapsed":"slow"}`,
		`{"Time":"yesterday","Action":"pass","Package":"p","Test":"T"}`,
		`{"Action":""}`,
		`{}`,
		`{"Action":"pass"} trailing`,
		"ok  \tp\t0.01s\n",
		"FAIL\n",
		"PASS\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSet()
		err := s.Read("fuzz.json", bytes.NewReader(data))
		if err != nil || route(data) != 'j' {
			return
		}
		want := expectedJSON(data)
		checkSet(t, s, want, true)
		if !bytes.Contains(data, []byte(Pass)) && !bytes.Contains(data, []byte(`\u`)) {
			for k, test := range s.Tests {
				if test.Result == Pass {
					t.Fatalf("%v passed but the input has no %q", k, Pass)
				}
			}
		}
	})
}

// jsonEventLine is the part of a go test -json event the check needs.
type jsonEventLine struct {
	Time, Action, Package, Test string
}

// expectedJSON returns the result each test and package must have: that
// of its last terminal event in line order (one file is one run: a rerun
// in it decides). Every line that, stripped of blanks, decodes as
// an event counts.
func expectedJSON(data []byte) map[Key]string {
	type terminal struct {
		result string
		time   time.Time
	}
	events := map[Key][]terminal{}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var e jsonEventLine
		if json.Unmarshal([]byte(line), &e) != nil {
			continue
		}
		switch e.Action {
		case Pass, Fail, Skip:
		default:
			continue
		}
		var tm time.Time
		if e.Time != "" {
			tm, _ = time.Parse(time.RFC3339Nano, e.Time)
		}
		k := Key{e.Package, e.Test}
		events[k] = append(events[k], terminal{e.Action, tm})
	}
	want := map[Key]string{}
	for k, evs := range events {
		// One stream: the last terminal event in line order decides.
		want[k] = evs[len(evs)-1].result
	}
	return want
}

// checkSet checks s against the results the input calls for. A test may
// come out failed where want says otherwise (a build failure, an unordered
// JUnit rerun), never passed.
func checkSet(t *testing.T, s *Set, want map[Key]string, packages bool) {
	t.Helper()
	for k, test := range s.Tests {
		if k != (Key{test.Package, test.Name}) || test.Runs < 1 {
			t.Fatalf("bad test %v: %+v", k, test)
		}
		if test.Result == Pass && want[k] != Pass {
			t.Fatalf("%v passed, but the input's last result for it is %q", k, want[k])
		}
		if got, ok := s.Result(k.Package, k.Name); !ok || got.Result == Pass && (want[k] != Pass || hasKey(s.BuildFailed, k.Package)) {
			t.Fatalf("%v: Result = %+v, %v; want %q, build failed %v", k, got, ok, want[k], hasKey(s.BuildFailed, k.Package))
		}
	}
	for k, result := range want {
		if k.Name == "" {
			if got := s.Packages[k.Package]; got == Pass && result != Pass {
				t.Fatalf("package %q passed, but the input's last result for it is %q", k.Package, result)
			}
			continue
		}
		test, ok := s.Tests[k]
		if !ok {
			t.Fatalf("%v has result %q in the input but is missing", k, result)
		}
		if result == Fail && test.Result != Fail {
			t.Fatalf("%v failed last in the input but came out %q", k, test.Result)
		}
	}
	for pkg, result := range s.Packages {
		if packages && result == Pass && want[Key{Package: pkg}] != Pass {
			t.Fatalf("package %q passed without a pass for it", pkg)
		}
	}
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func FuzzReadJUnit(f *testing.F) {
	for _, seed := range []string{
		junit,
		`<testsuite name="p"><testcase name="TestA"/></testsuite>`,
		`<testsuite name="p"><testcase name="TestA"><skipped/></testcase></testsuite>`,
		`<?xml version="1.0"?><testsuites><testsuite name="p"><testcase classname="q" name="TestA"><failure message="x">boom</failure></testcase><testcase classname="q" name="TestA"/></testsuite></testsuites>`,
		`<testsuites><testsuite name="p"><testcase name="TestA"><error/></testcase></testsuite><testsuite name="p"><testcase name="TestA"/></testsuite></testsuites>`,
		`<testsuites><testsuite name="p"><testcase classname="p" name="TestMain"><failure>FAIL p [build failed]</failure></testcase><testcase classname="p" name="TestB"/></testsuite></testsuites>`,
		`<testsuites><testsuite name="p"><testcase name=""><failure>[setup failed]</failure></testcase></testsuite></testsuites>`,
		`<j:testsuites xmlns:j="urn:x"><j:testsuite name="p"><j:testcase j:name="TestA"><j:failure/></j:testcase></j:testsuite></j:testsuites>`,
		`<testsuites><testcase name="TestLoose"/><testsuite name="p"><testsuite name="q"><testcase name="TestNested"/></testsuite></testsuite></testsuites>`,
		`<testsuite name="p"><testcase name="TestA" name="TestB"/></testsuite>`,
		`<testsuite name="p &amp; q"><testcase name="Test&#x41;"/></testsuite><!-- done -->` + "\n",
		`<testsuites><testsuite name="p"><testcase`,
		`<testsuites></testsuites><testsuites></testsuites>`,
		`<testsuites></testsuites> PASS`,
		`<html><body>pass</body></html>`,
		`<?xml version="1.0" encoding="latin1"?><testsuite name="p"><testcase name="TestA"/></testsuite>`,
		`<!DOCTYPE x [<!ENTITY e "TestA">]><testsuite name="p"><testcase name="&e;"/></testsuite>`,
		"<",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSet()
		err := s.Read("fuzz.xml", bytes.NewReader(data))
		if err != nil || route(data) != 'x' {
			return
		}
		want, ok := expectedJUnit(data)
		if !ok {
			t.Fatalf("Read accepted XML that does not decode: %q", data)
		}
		checkSet(t, s, want, false)
		if !bytes.Contains(data, []byte("testcase")) && len(s.Tests) > 0 {
			t.Fatalf("tests %v from input without a testcase", s.Tests)
		}
	})
}

// expectedJUnit returns the result each test must have, from the
// <testcase> children of the <testsuite>s at any depth under a
// <testsuites> or <testsuite> root, in the innermost named suite's
// package: Fail when any of its cases has a
// <failure> or <error> child (JUnit reruns have no order: a failure
// decides), else Pass when one of them has no <skipped> child, else Skip.
func expectedJUnit(data []byte) (map[Key]string, bool) {
	want := map[Key]string{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var (
		stack     []string // local names of the open elements
		caseDepth int      // len(stack) inside the case being read; 0 outside
		suiteName string
		kase      struct{ classname, name, result string }
	)
	lastAttr := func(attrs []xml.Attr, name string) string {
		v := ""
		for _, a := range attrs {
			if a.Name.Local == name {
				v = a.Value
			}
		}
		return v
	}
	// isSuite reports whether the elements open are a suite the reader
	// reads: a <testsuites> or <testsuite> root, and <testsuite>s nested
	// in it at any depth.
	isSuite := func(open []string) bool {
		if len(open) == 0 || open[0] != "testsuites" && open[0] != "testsuite" {
			return false
		}
		for _, name := range open[1:] {
			if name != "testsuite" {
				return false
			}
		}
		return true
	}
	// suiteNames[i] is the package of the cases in the suite open at
	// depth i+1: the innermost named <testsuite>'s name.
	var suiteNames []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return want, true
		}
		if err != nil {
			return nil, false
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			switch {
			case caseDepth == 0 && tok.Name.Local == "testcase" && isSuite(stack[:len(stack)-1]):
				caseDepth = len(stack)
				kase.classname, kase.name, kase.result = lastAttr(tok.Attr, "classname"), lastAttr(tok.Attr, "name"), Pass
			case caseDepth > 0 && len(stack) == caseDepth+1:
				switch tok.Name.Local {
				case "failure", "error":
					kase.result = Fail
				case "skipped":
					if kase.result == Pass {
						kase.result = Skip
					}
				}
			}
			inherited := ""
			if len(suiteNames) > 0 {
				inherited = suiteNames[len(suiteNames)-1]
			}
			if name := lastAttr(tok.Attr, "name"); tok.Name.Local == "testsuite" && isSuite(stack) && name != "" {
				inherited = name
			}
			suiteNames = append(suiteNames, inherited)
			suiteName = inherited
		case xml.EndElement:
			if caseDepth > 0 && len(stack) == caseDepth {
				caseDepth = 0
				pkg := kase.classname
				if pkg == "" {
					pkg = suiteName
				}
				k := Key{pkg, kase.name}
				if kase.name != "" && kase.name != "TestMain" {
					switch {
					case want[k] == Fail || kase.result == Fail:
						want[k] = Fail
					case want[k] == Pass || kase.result == Pass:
						want[k] = Pass
					default:
						want[k] = Skip
					}
				}
			}
			stack = stack[:len(stack)-1]
			suiteNames = suiteNames[:len(suiteNames)-1]
			if len(suiteNames) > 0 {
				suiteName = suiteNames[len(suiteNames)-1]
			}
		}
	}
}

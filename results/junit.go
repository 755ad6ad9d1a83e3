package results

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// junitSuite is a <testsuites> document, or a <testsuite> at any depth:
// gotestsum (internal/junitxml/report.go) writes one level, other tools
// nest suites in suites. Maven surefire marks reruns on the case.
type junitSuite struct {
	XMLName  xml.Name
	Name     string       `xml:"name,attr"`
	Failures string       `xml:"failures,attr"`
	Errors   string       `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
	Cases    []junitCase  `xml:"testcase"`
	Other    []junitOther `xml:",any"`
}

type junitCase struct {
	Classname string `xml:"classname,attr"`
	Name      string `xml:"name,attr"`
	// Status is the outcome some writers (JUnit 5, Ant, CTest) put on
	// the case instead of, or beside, a child element.
	Status  string         `xml:"status,attr"`
	Failure []junitMessage `xml:"failure"`
	Error   []junitMessage `xml:"error"`
	Skipped []junitMessage `xml:"skipped"`
	// Surefire's reruns: rerun* are failed reruns of a test that failed
	// and failed again every time; flaky* are failed runs of a test that
	// passed on a rerun.
	RerunFailure []junitMessage `xml:"rerunFailure"`
	RerunError   []junitMessage `xml:"rerunError"`
	FlakyFailure []junitMessage `xml:"flakyFailure"`
	FlakyError   []junitMessage `xml:"flakyError"`
	Other        []junitOther   `xml:",any"`
}

type junitMessage struct {
	Message  string `xml:"message,attr"`
	Contents string `xml:",chardata"`
}

// junitOther is an element the fields above do not name.
type junitOther struct {
	XMLName xml.Name
}

// Elements that carry no outcome, allowed beside the named ones.
var (
	junitSuiteExtras = map[string]bool{"properties": true, "system-out": true, "system-err": true}
	junitCaseExtras  = map[string]bool{"properties": true, "system-out": true, "system-err": true}
)

// junitStatuses maps a case's status attribute (lower-cased) to a result.
var junitStatuses = map[string]string{
	"failed": Fail, "fail": Fail, "error": Fail,
	"skipped": Skip, "disabled": Skip,
	"passed": Pass, "run": Pass,
}

// junitOutcome is what one case says.
type junitOutcome struct {
	result string
	flaky  bool // failed, then passed on a rerun (surefire's flaky*)
}

// readJUnit reads a JUnit XML document. A document whose structure could
// hide a failure is refused whole: an unknown status, an element blastgate
// does not know where outcomes live, a suite claiming more failures than
// its cases show.
func (s *Set) readJUnit(name string, r io.Reader) error {
	dec := xml.NewDecoder(r)
	var root junitSuite
	if err := dec.Decode(&root); err != nil {
		return junitError(name, err)
	}
	if err := junitTrailer(name, dec); err != nil {
		return err
	}
	switch root.XMLName.Local {
	case "testsuites", "testsuite":
	default:
		return fmt.Errorf("%s is XML but not JUnit XML (its root is <%s>, not <testsuites> or <testsuite>): pass the file written by gotestsum --junitfile", name, root.XMLName.Local)
	}
	var problems []error
	checkJUnitSuite(name, root, "", &problems)
	if len(problems) > 0 {
		var all problemList
		for _, err := range problems {
			all.add(err)
		}
		return all.err()
	}
	s.applyJUnitSuite(root, "")
	return nil
}

// junitTrailer checks that nothing but white space, comments and
// processing instructions follows the root element.
func junitTrailer(name string, dec *xml.Decoder) error {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return junitError(name, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			return junitError(name, fmt.Errorf("a second root element <%s>", tok.Name.Local))
		case xml.CharData:
			if strings.TrimSpace(string(tok)) != "" {
				return junitError(name, errors.New("text after the root element"))
			}
		}
	}
}

func junitError(name string, err error) error {
	return fmt.Errorf("%s is not valid JUnit XML (%v): pass the complete file written by gotestsum --junitfile", name, err)
}

// checkJUnitSuite appends to problems what in suite (and the suites in it)
// blastgate cannot read without risking a lost failure, and returns how
// many failing cases the suite holds. parent names the enclosing suite.
func checkJUnitSuite(file string, suite junitSuite, parent string, problems *[]error) (failing int) {
	label := junitSuiteLabel(suite, parent)
	for _, o := range suite.Other {
		if !junitSuiteExtras[o.XMLName.Local] {
			*problems = append(*problems, fmt.Errorf("%s: suite %s has an element <%s> blastgate does not read: a failure could hide in it; pass gotestsum's JUnit or go test -json output", file, label, o.XMLName.Local))
		}
	}
	if suite.XMLName.Local == "testsuites" && len(suite.Cases) > 0 {
		*problems = append(*problems, fmt.Errorf("%s: <testsuites> holds a <testcase> outside any <testsuite>: pass gotestsum's JUnit or go test -json output", file))
	}
	for _, c := range suite.Cases {
		o, err := c.outcome()
		if err != nil {
			*problems = append(*problems, fmt.Errorf("%s: suite %s, test case %q: %v", file, label, c.Name, err))
			continue
		}
		if o.result == Fail {
			failing++
		}
	}
	for _, child := range suite.Suites {
		failing += checkJUnitSuite(file, child, label, problems)
	}
	claimed, err := junitClaimed(suite)
	if err != nil {
		*problems = append(*problems, fmt.Errorf("%s: suite %s: %v", file, label, err))
	} else if claimed > failing {
		*problems = append(*problems, fmt.Errorf("%s: suite %s says %d failures, %d found: a failing test case is missing or unreadable; pass the complete JUnit file (or go test -json output)", file, label, claimed, failing))
	}
	return failing
}

// junitSuiteLabel names a suite in messages: its name, quoted, or its
// place when it has none.
func junitSuiteLabel(suite junitSuite, parent string) string {
	if suite.Name != "" {
		return strconv.Quote(suite.Name)
	}
	if parent != "" {
		return "<" + suite.XMLName.Local + "> in " + parent
	}
	return "<" + suite.XMLName.Local + ">"
}

// junitClaimed is the failures and errors a suite's attributes count. On
// <testsuites>, errors is not counted: gotestsum puts there the lines of
// go command output it could not tie to a test (build errors), which are
// no test cases; its suites' counts are checked one by one.
func junitClaimed(suite junitSuite) (int, error) {
	counts := []struct{ name, value string }{{"failures", suite.Failures}, {"errors", suite.Errors}}
	if suite.XMLName.Local == "testsuites" {
		counts = counts[:1]
	}
	total := 0
	for _, a := range counts {
		v := strings.TrimSpace(a.value)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s=%q is not a count: pass gotestsum's JUnit or go test -json output", a.name, a.value)
		}
		total += n
	}
	return total, nil
}

// outcome is the case's result: any failure, error, failed rerun or
// failing status fails it; a flaky* element alone passes it, marked flaky.
func (c junitCase) outcome() (junitOutcome, error) {
	for _, o := range c.Other {
		if !junitCaseExtras[o.XMLName.Local] {
			return junitOutcome{}, fmt.Errorf("an element <%s> blastgate does not read: a failure could hide in it; pass gotestsum's JUnit or go test -json output", o.XMLName.Local)
		}
	}
	status := ""
	if v := strings.TrimSpace(c.Status); v != "" {
		var ok bool
		if status, ok = junitStatuses[strings.ToLower(v)]; !ok {
			return junitOutcome{}, fmt.Errorf("status=%q is none of failed, fail, error, skipped, disabled, passed, run: pass gotestsum's JUnit or go test -json output", c.Status)
		}
	}
	flaky := len(c.FlakyFailure)+len(c.FlakyError) > 0
	switch {
	case status == Fail || len(c.Failure)+len(c.Error)+len(c.RerunFailure)+len(c.RerunError) > 0:
		return junitOutcome{result: Fail}, nil
	case flaky && (status == Skip || len(c.Skipped) > 0):
		return junitOutcome{}, errors.New("both skipped and a flaky rerun: pass gotestsum's JUnit or go test -json output")
	case status == Skip || len(c.Skipped) > 0:
		return junitOutcome{result: Skip}, nil
	}
	return junitOutcome{result: Pass, flaky: flaky}, nil
}

// fault is the case's first failure or error, nil when it has none.
func (c junitCase) fault() *junitMessage {
	for _, ms := range [][]junitMessage{c.Failure, c.Error, c.RerunFailure, c.RerunError} {
		if len(ms) > 0 {
			return &ms[0]
		}
	}
	return nil
}

// applyJUnitSuite applies a checked suite and the suites in it; a case
// without a classname belongs to the innermost named suite.
func (s *Set) applyJUnitSuite(suite junitSuite, pkg string) {
	if suite.XMLName.Local == "testsuite" {
		if suite.Name != "" {
			pkg = suite.Name
		}
		s.junitCases(suite.Cases, pkg)
	}
	for _, child := range suite.Suites {
		s.applyJUnitSuite(child, pkg)
	}
}

// junitCases applies the cases of one <testsuite>. JUnit has no
// package-level result: a package fails when one of its cases fails and
// passes when it has cases and none failed.
func (s *Set) junitCases(cases []junitCase, suiteName string) {
	s.mention(suiteName)
	failed := map[string]bool{}
	for _, c := range cases {
		pkg := c.Classname
		if pkg == "" {
			pkg = suiteName
		}
		s.mention(pkg)
		if _, ok := failed[pkg]; !ok {
			failed[pkg] = false
		}
		o, _ := c.outcome() // checked before
		if c.Name == "" || c.Name == "TestMain" {
			// gotestsum's report of a package that failed outside its
			// tests: TestMain, a panic in init, a build failure.
			if o.result == Fail {
				failed[pkg] = true
				if f := c.fault(); f != nil && isBuildFailure(f.Message+"\n"+f.Contents) {
					s.buildFailed(pkg, firstErrorLine(f.Contents))
				}
			}
			continue
		}
		if o.result == Fail {
			failed[pkg] = true
		}
		k := Key{pkg, c.Name}
		if o.flaky {
			// Surefire: the runs failed, then one passed, in this order.
			s.addRunOrdered(k, Fail, time.Time{}, false)
			s.addRunOrdered(k, Pass, time.Time{}, false)
			continue
		}
		s.addRunOrdered(k, o.result, time.Time{}, true)
	}
	for pkg, f := range failed {
		result := Pass
		if f {
			result = Fail
		}
		s.addRun(Key{Package: pkg}, result, time.Time{})
	}
}

package results

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// junitRoot is a <testsuites> document or a single <testsuite>, as
// gotestsum (internal/junitxml/report.go) writes them.
type junitRoot struct {
	XMLName    xml.Name
	Suites     []junitSuite `xml:"testsuite"` // <testsuites>
	junitSuite              // <testsuite>
}

type junitSuite struct {
	Name  string      `xml:"name,attr"`
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitMessage `xml:"failure"`
	Error     *junitMessage `xml:"error"`
	Skipped   *junitMessage `xml:"skipped"`
}

type junitMessage struct {
	Message  string `xml:"message,attr"`
	Contents string `xml:",chardata"`
}

// readJUnit reads a JUnit XML document.
func (s *Set) readJUnit(name string, r io.Reader) error {
	dec := xml.NewDecoder(r)
	var root junitRoot
	if err := dec.Decode(&root); err != nil {
		return junitError(name, err)
	}
	// Nothing but white space, comments and processing instructions may
	// follow the root element.
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
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

	var suites []junitSuite
	switch root.XMLName.Local {
	case "testsuites":
		suites = root.Suites
	case "testsuite":
		suites = []junitSuite{root.junitSuite}
	default:
		return fmt.Errorf("%s is XML but not JUnit XML (its root is <%s>, not <testsuites> or <testsuite>): pass the file written by gotestsum --junitfile", name, root.XMLName.Local)
	}
	for _, suite := range suites {
		s.junitSuite(suite)
	}
	return nil
}

func junitError(name string, err error) error {
	return fmt.Errorf("%s is not valid JUnit XML (%v): pass the complete file written by gotestsum --junitfile", name, err)
}

// junitSuite applies one <testsuite>. JUnit has no package-level result:
// a package fails when one of its cases fails and passes when it has
// cases and none failed.
func (s *Set) junitSuite(suite junitSuite) {
	s.mention(suite.Name)
	failed := map[string]bool{}
	for _, c := range suite.Cases {
		pkg := c.Classname
		if pkg == "" {
			pkg = suite.Name
		}
		s.mention(pkg)
		if _, ok := failed[pkg]; !ok {
			failed[pkg] = false
		}
		fault := c.Failure
		if fault == nil {
			fault = c.Error
		}
		if c.Name == "" || c.Name == "TestMain" {
			// gotestsum's report of a package that failed outside its
			// tests: TestMain, a panic in init, a build failure.
			if fault != nil {
				failed[pkg] = true
				text := fault.Message + "\n" + fault.Contents
				if isBuildFailure(text) {
					s.buildFailed(pkg, firstErrorLine(fault.Contents))
				}
			}
			continue
		}
		result := Pass
		switch {
		case fault != nil:
			result = Fail
			failed[pkg] = true
		case c.Skipped != nil:
			result = Skip
		}
		s.addRunOrdered(Key{pkg, c.Name}, result, time.Time{}, true)
	}
	for pkg, f := range failed {
		result := Pass
		if f {
			result = Fail
		}
		s.addRun(Key{Package: pkg}, result, time.Time{})
	}
}

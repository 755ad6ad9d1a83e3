package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// parser collects every problem found in one file.
type parser struct {
	file string
	errs []*Error
}

func (p *parser) errorf(line int, fix, format string, args ...any) *Error {
	return &Error{File: p.file, Line: line, Problem: fmt.Sprintf(format, args...), Fix: fix}
}

// fail records a problem; parsing goes on, to report every one at once.
func (p *parser) fail(e *Error) {
	p.errs = append(p.errs, e)
}

// mark is how many problems have been found so far; failedSince(m)
// reports whether any was found after mark m.
func (p *parser) mark() int { return len(p.errs) }

func (p *parser) failedSince(m int) bool { return len(p.errs) > m }

// err is nil without problems, the *Error itself with one, and with
// several an error listing each on its own line, sorted by line: its
// message is "N problems in FILE:" followed by one "FILE:LINE: problem;
// fix" a line. errors.As finds an *Error in it either way; Problems
// lists them all.
func (p *parser) err() error {
	switch len(p.errs) {
	case 0:
		return nil
	case 1:
		return p.errs[0]
	}
	sorted := append([]*Error(nil), p.errs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Line < sorted[j].Line })
	m := &multierror.Error{ErrorFormat: problemList}
	for _, e := range sorted {
		m.Errors = append(m.Errors, e)
	}
	return m
}

// problemList formats several problems of one file, one a line.
func problemList(errs []error) string {
	var b strings.Builder
	file := ""
	var ce *Error
	if errors.As(errs[0], &ce) {
		file = " in " + ce.File
	}
	fmt.Fprintf(&b, "%d problems%s:", len(errs), file)
	for _, e := range errs {
		b.WriteString("\n" + e.Error())
	}
	return b.String()
}

// Problems lists the config problems in err: every *Error a parse or load
// error holds, in the order of its message (nil when it holds none).
func Problems(err error) []*Error {
	var m *multierror.Error
	if errors.As(err, &m) {
		var out []*Error
		for _, e := range m.Errors {
			out = append(out, Problems(e)...)
		}
		return out
	}
	var ce *Error
	if errors.As(err, &ce) {
		return []*Error{ce}
	}
	return nil
}

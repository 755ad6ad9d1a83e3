// Package gate decides and draws: it turns a report into the verdict and
// into text, markdown or JSON. It never sees go/packages or the graph:
// analysis reaches it as report data.
package gate

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blastgate/blastgate/report"
)

// Formats are the output formats.
var Formats = []string{"text", "json", "markdown"}

// Write draws r in the given format.
func Write(w io.Writer, r *report.Report, format string) error {
	switch format {
	case "json":
		return WriteJSON(w, r)
	case "markdown":
		return WriteMarkdown(w, r)
	case "text", "":
		return WriteText(w, r)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// dynamicRoutesLine counts the routes whose path is known only at run
// time (listed by position) and those with run-time parts (<expr>), so
// that none goes unnoticed; "" when there are none.
func dynamicRoutesLine(features []report.Feature) string {
	dynamic, partial := 0, 0
	for _, f := range features {
		switch {
		case f.Kind != report.KindRoute:
		case strings.HasPrefix(f.ID, "(dynamic route at "):
			dynamic++
		case strings.Contains(f.ID, "<"):
			partial++
		}
	}
	if dynamic == 0 && partial == 0 {
		return ""
	}
	return fmt.Sprintf("%d dynamic routes (path known only at run time, named by position), %d routes with run-time parts (<expr>)", dynamic, partial)
}

// featureSummary counts the features and those with a credited test:
// where a team adopting the gate stands.
func featureSummary(fs []report.Feature) string {
	tested := 0
	for _, f := range fs {
		if len(f.Tests) > 0 {
			tested++
		}
	}
	return fmt.Sprintf("%d %s: %d with a credited test, %d without", len(fs), plural(len(fs), "feature"), tested, len(fs)-tested)
}

// nextStep says what would satisfy a failing gate: what to do first, from
// the statuses of the features that fail it, then the command that runs
// the tests and checks again. It is empty when the report has no command.
func nextStep(r *report.Report) string {
	if r.Verdict != report.VerdictFail || r.NextCommand == "" {
		return ""
	}
	has := map[string]bool{}
	for _, f := range r.Impacted {
		if failing(f) {
			has[f.Status] = true
		}
	}
	var todo []string
	if has[report.StatusFailed] {
		todo = append(todo, "fix the failed tests")
	}
	if has[report.StatusSkipped] {
		todo = append(todo, "make the skipped tests run")
	}
	if has[report.StatusUntested] {
		todo = append(todo, "add a test for each untested feature")
	}
	if has[report.StatusUnproven] {
		todo = append(todo, "make a test run the changed code through each unproven feature")
	}
	if len(todo) == 0 {
		return "run " + r.NextCommand
	}
	return strings.Join(todo, ", ") + ", then run " + r.NextCommand
}

// statusCount counts the impacted features of a check report.
type statusCount struct {
	total, lacking, waived int
}

func countStatuses(r *report.Report) statusCount {
	c := statusCount{total: len(r.Impacted)}
	for _, f := range r.Impacted {
		switch {
		case f.Status == report.StatusCovered:
		case f.Waiver != nil:
			c.waived++
		default:
			c.lacking++
		}
	}
	return c
}

// verdictSentence says how many impacted features lack a passing test.
func verdictSentence(r *report.Report, c statusCount) string {
	var s string
	switch {
	case c.total == 0:
		s = "this change reaches no feature"
	case c.lacking == 0 && c.total == 1:
		s = "the 1 impacted feature has a passing test"
	case c.lacking == 0:
		s = fmt.Sprintf("all %d impacted features have a passing test", c.total)
	case c.lacking == 1:
		s = fmt.Sprintf("1 of %d impacted %s lacks a passing test", c.total, plural(c.total, "feature"))
	default:
		s = fmt.Sprintf("%d of %d impacted features lack a passing test", c.lacking, c.total)
	}
	if c.waived > 0 {
		s += fmt.Sprintf(" (%d waived)", c.waived)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// shownStatus is the status word drawn for a feature: its status, or
// "waived" when a waiver lets it pass.
func shownStatus(f report.Feature) string {
	switch {
	case f.Status != report.StatusCovered && f.Waiver != nil:
		return "waived"
	case f.Status == "":
		return "-"
	}
	return clean(f.Status)
}

// clean escapes control characters, so that names from the analysed code
// cannot move the cursor or forge lines on a terminal.
func clean(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// shorten cuts s to at most n runes, ending in "…" when cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pos(p report.Position) string {
	if p.File == "" {
		return "-"
	}
	return fmt.Sprintf("%s:%d", clean(p.File), p.Line)
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

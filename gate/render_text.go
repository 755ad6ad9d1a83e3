package gate

// The text renderer: for a terminal, with or without colour.

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/blastgate/blastgate/report"
)

// TextOptions tune the text renderer.
type TextOptions struct {
	// Color draws status and verdict words in ANSI colours (for a
	// terminal).
	Color bool
}

// WriteText writes r for a terminal, without colour: a features listing
// when r has features, the verdict when r is a check report, else the
// change and what it reaches.
func WriteText(w io.Writer, r *report.Report) error {
	return WriteTextOptions(w, r, TextOptions{})
}

// WriteTextOptions is WriteText with options.
func WriteTextOptions(w io.Writer, r *report.Report, opts TextOptions) error {
	if err := CheckSHAs(r); err != nil {
		return err
	}
	ew := &errWriter{w: w}
	switch {
	case r.Features != nil:
		writeFeaturesText(ew, r)
	case r.Verdict != "":
		writeCheckText(ew, r, opts)
	default:
		writeImpactText(ew, r)
	}
	return ew.err
}

func writeFeaturesText(w io.Writer, r *report.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range r.Features {
		tests := make([]string, 0, len(f.Tests))
		for _, t := range f.Tests {
			tests = append(tests, fmt.Sprintf("%s (%s)", clean(t.Name), clean(t.Evidence)))
		}
		list := strings.Join(tests, ", ")
		if list == "" {
			list = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", clean(f.Kind), clean(f.ID), clean(f.Entry), pos(f.Position), list)
	}
	tw.Flush()
	fmt.Fprintln(w, featureSummary(r.Features))
	if line := dynamicRoutesLine(r.Features); line != "" {
		fmt.Fprintln(w, line)
	}
	writeWarnings(w, r)
}

func writeImpactText(w io.Writer, r *report.Report) {
	fmt.Fprintf(w, "change %s...%s\n", short(r.Base), short(r.Head))
	unique := map[string]bool{}
	for _, c := range r.Changes {
		for _, s := range c.Symbols {
			unique[s] = true
		}
	}
	symbols := len(unique)
	fmt.Fprintf(w, "\n%d changed files, %d changed symbols\n", len(r.Changes), symbols)
	for _, c := range r.Changes {
		line := "  " + clean(c.File)
		if len(c.Symbols) > 0 {
			line += ": " + clean(strings.Join(c.Symbols, ", "))
		}
		if c.Note != "" {
			line += " (" + clean(c.Note) + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "\n%d impacted features\n", len(r.Impacted))
	for _, f := range r.Impacted {
		fmt.Fprintf(w, "  %s %s\n", clean(f.Kind), clean(f.ID))
		writeTraceText(w, "      ", f.Trace)
	}
	writeUnmappedText(w, r)
	writePolicyChangesText(w, r)
	writeWarnings(w, r)
}

// writeTraceText writes a trace, entry first, one frame a line.
func writeTraceText(w io.Writer, indent string, trace []report.Frame) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, fr := range trace {
		arrow := "   "
		if i > 0 {
			arrow = "-> "
		}
		fmt.Fprintf(tw, "%s%s%s\t%s\n", indent, arrow, clean(fr.Function), pos(fr.Position))
	}
	tw.Flush()
}

// writeCheckText writes a check report: the verdict on the first line,
// then a block per impacted feature in the order given.
func writeCheckText(w io.Writer, r *report.Report, opts TextOptions) {
	c := countStatuses(r)
	fmt.Fprintf(w, "%s  %s\n", paint(opts, verdictColor(r.Verdict), strings.ToUpper(clean(r.Verdict))), verdictSentence(r, c))
	width := 0
	for _, f := range r.Impacted {
		width = max(width, utf8.RuneCountInString(shownStatus(f)))
	}
	indent := strings.Repeat(" ", 2+width+2)
	for i, f := range r.Impacted {
		if i == 0 {
			fmt.Fprintln(w)
		}
		st := shownStatus(f)
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(st))
		fmt.Fprintf(w, "  %s%s  %s\n", paint(opts, statusColor(f), st), pad, clean(f.ID))
		if f.Reason != "" {
			fmt.Fprintf(w, "%s%s\n", indent, clean(f.Reason))
		}
		if f.Suggestion.Words() != "" {
			fmt.Fprintf(w, "%sadd: %s\n", indent, clean(f.Suggestion.Text()))
		}
		if f.Waiver != nil {
			fmt.Fprintf(w, "%s%s\n", indent, clean(waiverText(f.Waiver)))
		}
		if len(f.Owners) > 0 {
			fmt.Fprintf(w, "%sowners: %s\n", indent, clean(strings.Join(f.Owners, " ")))
		}
		if f.Monitor != "" {
			fmt.Fprintf(w, "%swatch: %s\n", indent, clean(f.Monitor))
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, t := range f.Tests {
			flaky := ""
			if t.Flaky {
				flaky = " flaky"
			}
			proof := ""
			if t.Proof != "" {
				proof = "\tproof: " + clean(t.Proof)
			}
			fmt.Fprintf(tw, "%s%s\t%s\t%s%s%s\n", indent, clean(t.Name), clean(t.Evidence), clean(t.Result), flaky, proof)
		}
		tw.Flush()
		if f.Status != report.StatusCovered && f.Waiver == nil {
			writeTraceText(w, indent, f.Trace)
		}
	}
	if next := nextStep(r); next != "" {
		fmt.Fprintf(w, "\nto pass: %s\n", clean(next))
	}
	writeUnmappedText(w, r)
	writePolicyChangesText(w, r)
	if len(r.Warnings) > 0 {
		fmt.Fprintln(w)
	}
	writeWarnings(w, r)
}

func waiverText(w *report.Waiver) string {
	return fmt.Sprintf("waived until %s: %s", w.Expires, w.Reason)
}

// ANSI colours.
const (
	ansiGreen  = "\x1b[32m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

func statusColor(f report.Feature) string {
	switch shownStatus(f) {
	case report.StatusCovered:
		return ansiGreen
	case report.StatusFailed, report.StatusUntested, report.StatusNotRun, report.StatusUnproven:
		return ansiRed
	case report.StatusSkipped, "waived":
		return ansiYellow
	}
	return ""
}

func verdictColor(v string) string {
	switch v {
	case report.VerdictPass:
		return ansiBold + ansiGreen
	case report.VerdictFail:
		return ansiBold + ansiRed
	}
	return ""
}

// paint wraps s, already cleaned, in a colour when opts ask for colour.
func paint(opts TextOptions, color, s string) string {
	if !opts.Color || color == "" {
		return s
	}
	return color + s + ansiReset
}

func writeWarnings(w io.Writer, r *report.Report) {
	for _, m := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", clean(m))
	}
}

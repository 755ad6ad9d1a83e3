// Package gate decides and draws: it turns a report into the verdict and
// into text, markdown or JSON. It never sees go/packages or the graph:
// analysis reaches it as report data.
package gate

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

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

// WriteJSON writes r as indented schema_version 1 JSON.
func WriteJSON(w io.Writer, r *report.Report) error {
	r.SchemaVersion = report.SchemaVersion
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes r for a terminal: a features listing when r has
// features, else the change and what it reaches.
func WriteText(w io.Writer, r *report.Report) error {
	ew := &errWriter{w: w}
	if r.Features != nil {
		tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
		for _, f := range r.Features {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Kind, clean(f.ID), clean(f.Entry), pos(f.Position))
		}
		tw.Flush()
		fmt.Fprintf(ew, "%d features\n", len(r.Features))
		writeWarnings(ew, r)
		return ew.err
	}
	fmt.Fprintf(ew, "change %s...%s\n", short(r.Base), short(r.Head))
	unique := map[string]bool{}
	for _, c := range r.Changes {
		for _, s := range c.Symbols {
			unique[s] = true
		}
	}
	symbols := len(unique)
	fmt.Fprintf(ew, "\n%d changed files, %d changed symbols\n", len(r.Changes), symbols)
	for _, c := range r.Changes {
		line := "  " + clean(c.File)
		if len(c.Symbols) > 0 {
			line += ": " + clean(strings.Join(c.Symbols, ", "))
		}
		if c.Note != "" {
			line += " (" + clean(c.Note) + ")"
		}
		fmt.Fprintln(ew, line)
	}
	fmt.Fprintf(ew, "\n%d impacted features\n", len(r.Impacted))
	for _, f := range r.Impacted {
		fmt.Fprintf(ew, "  %s %s\n", f.Kind, clean(f.ID))
		tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
		for i, fr := range f.Trace {
			arrow := "   "
			if i > 0 {
				arrow = "-> "
			}
			fmt.Fprintf(tw, "      %s%s\t%s\n", arrow, clean(fr.Function), pos(fr.Position))
		}
		tw.Flush()
	}
	writeWarnings(ew, r)
	return ew.err
}

func writeWarnings(w io.Writer, r *report.Report) {
	for _, m := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", clean(m))
	}
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

// WriteMarkdown writes r for a pull request comment or step summary.
func WriteMarkdown(w io.Writer, r *report.Report) error {
	ew := &errWriter{w: w}
	if r.Features != nil {
		fmt.Fprintf(ew, "| kind | feature | entry | position |\n|---|---|---|---|\n")
		for _, f := range r.Features {
			fmt.Fprintf(ew, "| %s | %s | %s | %s |\n", f.Kind, code(f.ID), code(f.Entry), pos(f.Position))
		}
		return ew.err
	}
	fmt.Fprintf(ew, "**blastgate**: this change reaches %d features.\n\n", len(r.Impacted))
	if len(r.Impacted) > 0 {
		fmt.Fprintf(ew, "| feature | kind | trace |\n|---|---|---|\n")
		for _, f := range r.Impacted {
			var steps []string
			for _, fr := range f.Trace {
				steps = append(steps, code(fr.Function))
			}
			fmt.Fprintf(ew, "| %s | %s | <details><summary>%d steps</summary>%s</details> |\n", code(f.ID), f.Kind, len(f.Trace), strings.Join(steps, " → "))
		}
	}
	for _, m := range r.Warnings {
		fmt.Fprintf(ew, "\n> warning: %s\n", escapeMarkdown(m))
	}
	return ew.err
}

// code renders s as inline code that cannot break out of its cell.
func code(s string) string {
	s = strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(s)
	return "`" + s + "`"
}

func escapeMarkdown(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "@", "@\u200b", "\n", " ").Replace(s)
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

package gate

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/blastgate/blastgate/report"
)

// The renderers of `blastgate suspects`: the commits whose change
// reaches a feature, newest first. Text is for a terminal; markdown is
// ready to paste into an incident document, every string from the
// repository (subjects, authors, files, symbols) escaped as the impact
// comment escapes it.

// WriteSuspects draws s in the given format.
func WriteSuspects(w io.Writer, s *report.Suspects, format string) error {
	ew := &errWriter{w: w}
	switch format {
	case "json":
		s.SchemaVersion = report.SchemaVersion
		enc := json.NewEncoder(ew)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			return err
		}
	case "markdown":
		io.WriteString(ew, suspectsMarkdown(s))
	case "text", "":
		writeSuspectsText(ew, s)
	default:
		return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	return ew.err
}

// suspectsSummary is the line under the heading: the range and counts.
func suspectsSummary(s *report.Suspects) string {
	commits := map[string]bool{}
	for _, x := range s.Suspects {
		commits[x.Commit] = true
	}
	line := fmt.Sprintf("%d %s walked after %s up to %s: %d %s",
		len(s.Commits), plural(len(s.Commits), "commit"), short(s.Since), short(s.Until),
		len(commits), plural(len(commits), "suspect"))
	if len(s.NotAnalysed) > 0 {
		line += fmt.Sprintf(", %d not analysed", len(s.NotAnalysed))
	}
	return line
}

func featureLine(f report.SuspectFeature) string {
	return fmt.Sprintf("%s %s (%s)", clean(f.Kind), clean(f.ID), clean(f.Entry))
}

// writeSuspectsText writes the report for a terminal.
func writeSuspectsText(w io.Writer, s *report.Suspects) {
	fmt.Fprintf(w, "suspects for %q: %s\n", clean(s.Query), featureLine(s.Feature))
	for _, f := range s.Features[min(1, len(s.Features)):] {
		fmt.Fprintf(w, "  and %s\n", featureLine(f))
	}
	fmt.Fprintf(w, "%s\n", suspectsSummary(s))
	for _, x := range s.Suspects {
		fmt.Fprintf(w, "\n%s  %s  %s  %s\n", short(x.Commit), clean(x.Date), clean(x.Author), clean(x.Subject))
		if x.PullRequest != nil {
			fmt.Fprintf(w, "  pull request #%d: %s  %s\n", x.PullRequest.Number, clean(x.PullRequest.Title), clean(x.PullRequest.URL))
		}
		fmt.Fprintf(w, "  reaches %s %s\n", clean(x.Feature.Kind), clean(x.Feature.ID))
		for _, c := range x.Changes {
			fmt.Fprintf(w, "  %s: %s\n", clean(c.File), clean(strings.Join(c.Symbols, ", ")))
		}
		writeTraceText(w, "      ", x.Trace)
		for _, m := range x.Warnings {
			fmt.Fprintf(w, "  note: %s\n", clean(m))
		}
	}
	if len(s.NotAnalysed) > 0 {
		fmt.Fprintf(w, "\nnot analysed (each may be a suspect too):\n")
		for _, n := range s.NotAnalysed {
			fmt.Fprintf(w, "  %s  %s  %s  %s\n      %s\n", short(n.Commit), clean(n.Date), clean(n.Author), clean(n.Subject), clean(n.Reason))
		}
	}
	if len(s.Commits) > 0 {
		fmt.Fprintf(w, "\ncommits walked, newest first:\n")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, c := range s.Commits {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", short(c.Commit), clean(c.Outcome), clean(c.Subject))
		}
		tw.Flush()
	}
	writeSuspectsWarnings(w, s.Warnings)
}

func writeSuspectsWarnings(w io.Writer, warnings []string) {
	for _, m := range warnings {
		fmt.Fprintf(w, "warning: %s\n", clean(m))
	}
}

// suspectsMarkdown is the report as markdown for an incident document.
func suspectsMarkdown(s *report.Suspects) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Suspects for %s\n\n", code(s.Feature.ID))
	var named []string
	for _, f := range s.Features {
		named = append(named, code(f.Kind+" "+f.ID)+" ("+code(f.Entry)+")")
	}
	fmt.Fprintf(&b, "%s names %s\n\n", code(s.Query), mdJoin(named, ", "))
	fmt.Fprintf(&b, "%s, newest first.\n\n", mdText(suspectsSummary(s)))
	if len(s.Suspects) > 0 {
		b.WriteString("| commit | date | author | subject | reaches | changes | trace |\n|---|---|---|---|---|---|---|\n")
		for _, x := range s.Suspects {
			commit := code(short(x.Commit))
			if pr := x.PullRequest; pr != nil && safeURL(pr.URL) {
				commit += fmt.Sprintf(" [#%d](%s)", pr.Number, pr.URL)
			}
			var changes []string
			for _, c := range x.Changes {
				changes = append(changes, code(c.File)+": "+mdJoin(codes(c.Symbols), ", "))
			}
			b.WriteString(mdRow(commit, mdText(x.Date), mdText(x.Author), mdText(x.Subject),
				code(x.Feature.ID), mdJoin(changes, "<br>"), mdTrace(x.Trace)+mdNotes(x.Warnings)))
		}
	}
	if len(s.NotAnalysed) > 0 {
		b.WriteString("\n**Not analysed** (each may be a suspect too)\n\n")
		for _, n := range s.NotAnalysed {
			fmt.Fprintf(&b, "- %s %s, %s: %s\n", code(short(n.Commit)), mdText(n.Subject), mdText(n.Author), mdText(n.Reason))
		}
	}
	b.WriteString(mdWarnings(s.Warnings))
	return b.String()
}

func codes(items []string) []string {
	var out []string
	for _, s := range items {
		out = append(out, code(s))
	}
	return out
}

// mdNotes are a suspect's warnings, under its trace.
func mdNotes(warnings []string) string {
	var b strings.Builder
	for i, m := range warnings {
		if i == mdMaxWarnings {
			fmt.Fprintf(&b, "<br>…and %d more notes", len(warnings)-i)
			break
		}
		b.WriteString("<br>note: " + mdText(m))
	}
	return b.String()
}

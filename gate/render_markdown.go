package gate

// The markdown renderer: the pull request comment and the step summary,
// every string from the analysed repository escaped.

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/blastgate/blastgate/report"
)

// untestedByOwner groups the features without a credited test by owner
// (a feature with several owners is listed under each; "" holds those
// with none), owners sorted, ownerless last.
func untestedByOwner(fs []report.Feature) (owners []string, byOwner map[string][]string) {
	byOwner = map[string][]string{}
	for _, f := range fs {
		if len(f.Tests) > 0 {
			continue
		}
		keys := f.Owners
		if len(keys) == 0 {
			keys = []string{""}
		}
		for _, o := range keys {
			if _, ok := byOwner[o]; !ok {
				owners = append(owners, o)
			}
			byOwner[o] = append(byOwner[o], f.ID)
		}
	}
	slices.SortFunc(owners, func(a, b string) int {
		if (a == "") != (b == "") {
			if a == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	return owners, byOwner
}

// Markdown limits: GitHub refuses comments over 65,536 characters; the
// whole markdown output stays under mdLimit bytes (hence characters), and
// each string from the report is shortened so that one row stays small.
const (
	mdLimit       = 60000
	mdMaxName     = 200 // feature ids, functions, files, test names
	mdMaxText     = 400 // reasons, suggestions, waivers, warnings
	mdMaxLabel    = 80  // mermaid node labels
	mdMaxFrames   = 9   // trace frames drawn: the first mdHeadFrames and the last ones
	mdHeadFrames  = 6
	mdMaxTests    = 8  // credited tests drawn per feature
	mdMaxUntested = 50 // untested features listed per owner
	mdMaxWarnings = 10
	mdMaxEdges    = 25   // the mermaid graph is drawn only up to this size
	mdMaxGraph    = 8000 // and this length
)

// WriteMarkdown writes r for a pull request comment or step summary: the
// verdict on the first line, a table of impacted features, a graph from
// changed symbols to features when it is small, and the warnings. It
// stays under 60,000 characters: rows that do not fit are counted on a
// last row that points at the JSON report.
func WriteMarkdown(w io.Writer, r *report.Report) error {
	return WriteMarkdownOptions(w, r, MarkdownOptions{})
}

// WriteMarkdownOptions is WriteMarkdown with options.
func WriteMarkdownOptions(w io.Writer, r *report.Report, opts MarkdownOptions) error {
	if err := CheckSHAs(r); err != nil {
		return err
	}
	var b strings.Builder
	if r.Features != nil {
		writeFeaturesMarkdown(&b, r)
	} else {
		writeImpactMarkdown(&b, r, opts)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFeaturesMarkdown(b *strings.Builder, r *report.Report) {
	tail := mdAdoption(r.Features) + mdWarnings(r.Warnings)
	t := mdTable{
		header: "| kind | feature | entry | position | tests |\n|---|---|---|---|---|\n",
		budget: mdLimit - len(tail),
	}
	for _, f := range r.Features {
		if t.full() {
			continue
		}
		tests := make([]string, 0, len(f.Tests))
		for i, tc := range f.Tests {
			if i == mdMaxTests {
				tests = append(tests, fmt.Sprintf("and %d more", len(f.Tests)-i))
				break
			}
			tests = append(tests, fmt.Sprintf("%s (%s)", code(tc.Name), mdText(tc.Evidence)))
		}
		t.add(mdRow(mdText(f.Kind), code(f.ID), code(f.Entry), mdPos(f.Position), mdJoin(tests, ", ")))
	}
	t.writeTo(b, 5)
	if line := dynamicRoutesLine(r.Features); line != "" {
		b.WriteString("\n" + mdText(line) + "\n")
	}
	b.WriteString(tail)
}

// mdAdoption is the features summary and the untested features by owner,
// so that a team can plan its first tests.
func mdAdoption(fs []report.Feature) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n**%s**\n", mdText(featureSummary(fs)))
	owners, byOwner := untestedByOwner(fs)
	if len(owners) > 0 {
		b.WriteString("\nWithout a credited test, by owner:\n\n")
	}
	for _, o := range owners {
		ids := byOwner[o]
		var cells []string
		for i, id := range ids {
			if i == mdMaxUntested {
				cells = append(cells, fmt.Sprintf("and %d more", len(ids)-i))
				break
			}
			cells = append(cells, code(id))
		}
		name := "no owner"
		if o != "" {
			name = mdText(o)
		}
		fmt.Fprintf(&b, "- %s (%d): %s\n", name, len(ids), strings.Join(cells, ", "))
	}
	return b.String()
}

func writeImpactMarkdown(b *strings.Builder, r *report.Report, opts MarkdownOptions) {
	check := r.Verdict != ""
	if check {
		c := countStatuses(r)
		mark := ""
		switch r.Verdict {
		case report.VerdictPass:
			mark = "✅ "
		case report.VerdictFail:
			mark = "❌ "
		}
		fmt.Fprintf(b, "### %sblastgate: %s — %s\n", mark, mdText(r.Verdict), verdictSentence(r, c))
	} else {
		fmt.Fprintf(b, "### blastgate: this change reaches %d %s\n", len(r.Impacted), plural(len(r.Impacted), "feature"))
	}
	if len(r.Impacted) == 0 {
		b.WriteString(mdUnmapped(r) + mdPolicyChanges(r) + mdWarnings(r.Warnings))
		return
	}
	tail := mdNextStep(r) + mdGraph(r) + mdUnmapped(r) + mdPolicyChanges(r) + mdWarnings(r.Warnings)
	t := mdTable{budget: mdLimit - b.Len() - len(tail)}
	if check {
		t.header = "\n| status | feature | tier | tests | trace |\n|---|---|---|---|---|\n"
	} else {
		t.header = "\n| feature | kind | tier | tests | trace |\n|---|---|---|---|---|\n"
	}
	for _, f := range r.Impacted {
		if t.full() {
			continue
		}
		var cells []string
		if check {
			cells = append(cells, mdStatus(f), mdFeatureCell(f, opts))
		} else {
			cells = append(cells, mdFeatureCell(f, opts), mdText(f.Kind))
		}
		cells = append(cells, mdTier(f.Tier), mdTestsCell(f, check), mdTrace(f.Trace))
		t.add(mdRow(cells...))
	}
	t.writeTo(b, 5)
	b.WriteString(tail)
}

// mdNextStep is nextStep as a paragraph, the command as code.
func mdNextStep(r *report.Report) string {
	next := nextStep(r)
	if next == "" {
		return ""
	}
	todo, _ := strings.CutSuffix(next, r.NextCommand)
	return fmt.Sprintf("\n**To pass:** %s%s\n", mdText(todo), code(r.NextCommand))
}

// mdFeatureCell is the feature's id, its owners (mentioned, so that they
// are pulled in) and the dashboard to watch after deploy; for an untrusted
// report, owners as plain text and no link.
func mdFeatureCell(f report.Feature, opts MarkdownOptions) string {
	cell := code(f.ID)
	var owners []string
	for _, o := range f.Owners {
		if ownerRE.MatchString(o) && !opts.Untrusted {
			owners = append(owners, o) // a team or user: mention it
		} else {
			owners = append(owners, mdText(o))
		}
	}
	if len(owners) > 0 {
		cell += "<br>owners: " + strings.Join(owners, " ")
	}
	if safeURL(f.Monitor) && !opts.Untrusted {
		cell += "<br>[📈 dashboard](" + f.Monitor + ")"
	}
	return cell
}

// ownerRE matches the owners GitHub mentions: @user or @org/team.
var ownerRE = regexp.MustCompile(`^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)?$`)

// safeURL reports whether u is an http(s) URL that can sit in a markdown
// link as it is.
func safeURL(u string) bool {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return false
	}
	return !strings.ContainsAny(u, " \t\r\n()<>[]`|\"'")
}

// mdTable gathers whole rows while they fit in the budget, then counts
// the rest on a last row.
type mdTable struct {
	header string
	budget int // bytes left for the header and the rows
	rows   strings.Builder
	more   int
}

// mdMoreRowMax bounds the length of the row that counts what did not fit.
const mdMoreRowMax = 120

// full counts one more row left out once a row did not fit, so that the
// caller need not draw it.
func (t *mdTable) full() bool {
	if t.more > 0 {
		t.more++
		return true
	}
	return false
}

func (t *mdTable) add(row string) {
	if t.more > 0 || len(t.header)+t.rows.Len()+len(row)+mdMoreRowMax >= t.budget {
		t.more++
		return
	}
	t.rows.WriteString(row)
}

func (t *mdTable) writeTo(b *strings.Builder, columns int) {
	b.WriteString(t.header)
	b.WriteString(t.rows.String())
	if t.more > 0 {
		cells := make([]string, columns)
		cells[1] = fmt.Sprintf("…and %d more %s: see the JSON report", t.more, plural(t.more, "feature"))
		b.WriteString(mdRow(cells...))
	}
}

func mdRow(cells ...string) string {
	return "| " + strings.Join(cells, " | ") + " |\n"
}

func mdJoin(items []string, sep string) string {
	if len(items) == 0 {
		return "-"
	}
	return strings.Join(items, sep)
}

func mdStatus(f report.Feature) string {
	if m := mdMark(f); m != "" {
		return m + " " + mdText(shownStatus(f))
	}
	return mdText(shownStatus(f))
}

// mdMark is the emoji for a feature's status.
func mdMark(f report.Feature) string {
	switch shownStatus(f) {
	case report.StatusCovered:
		return "✅"
	case report.StatusFailed, report.StatusUntested, report.StatusNotRun, report.StatusUnproven:
		return "❌"
	case report.StatusSkipped, "waived":
		return "⚠️"
	}
	return ""
}

func mdTier(tier string) string {
	switch tier {
	case "":
		return report.TierStandard
	case report.TierCritical:
		return "**critical**"
	}
	return mdText(tier)
}

// mdTestsCell lists the credited tests with their evidence and result;
// for a feature that fails the gate, the reason and the suggestion; for a
// waived one, the waiver.
func mdTestsCell(f report.Feature, check bool) string {
	var lines []string
	if len(f.Tests) > 0 {
		tests := make([]string, 0, len(f.Tests))
		for i, t := range f.Tests {
			if i == mdMaxTests {
				tests = append(tests, fmt.Sprintf("and %d more", len(f.Tests)-i))
				break
			}
			about := []string{mdText(t.Evidence)}
			if t.Result != "" {
				about = append(about, mdText(t.Result))
			}
			if t.Flaky {
				about = append(about, "flaky")
			}
			if t.Proof != "" && check {
				about = append(about, "proof: "+mdText(t.Proof))
			}
			tests = append(tests, fmt.Sprintf("%s (%s)", code(t.Name), strings.Join(about, ", ")))
		}
		lines = append(lines, strings.Join(tests, ", "))
	}
	if check && f.Status != report.StatusCovered && f.Reason != "" {
		lines = append(lines, mdText(f.Reason))
	}
	if f.Suggestion.Words() != "" {
		lines = append(lines, "add: "+mdText(f.Suggestion.Text()))
	}
	if f.Waiver != nil {
		lines = append(lines, "waived until "+mdText(f.Waiver.Expires)+": "+mdText(f.Waiver.Reason))
	}
	return mdJoin(lines, "<br>")
}

// mdTrace draws a trace in a collapsed cell, entry first; a long trace
// keeps its first and last frames.
func mdTrace(trace []report.Frame) string {
	if len(trace) == 0 {
		return "-"
	}
	var steps []string
	for i, fr := range trace {
		if len(trace) > mdMaxFrames && i == mdHeadFrames {
			skip := len(trace) - mdMaxFrames
			steps = append(steps, fmt.Sprintf("… %d more …", skip))
		}
		if len(trace) > mdMaxFrames && i >= mdHeadFrames && i < mdHeadFrames+len(trace)-mdMaxFrames {
			continue
		}
		steps = append(steps, code(fr.Function)+" "+mdPos(fr.Position))
	}
	return fmt.Sprintf("<details><summary>%d %s</summary>%s</details>", len(trace), plural(len(trace), "step"), strings.Join(steps, " → "))
}

func mdPos(p report.Position) string {
	if p.File == "" {
		return "-"
	}
	return mdText(fmt.Sprintf("%s:%d", shorten(p.File, mdMaxName), p.Line))
}

// mdGraph draws a mermaid graph from changed symbols (the last frame of
// each trace) to the features they reach, when it has at most mdMaxEdges
// edges.
func mdGraph(r *report.Report) string {
	type edge struct{ from, to string }
	var symbols []string
	symbolIDs := map[string]string{}
	var edges []edge
	var features []string
	for i, f := range r.Impacted {
		if len(f.Trace) == 0 {
			continue
		}
		sym := f.Trace[len(f.Trace)-1].Function
		id, ok := symbolIDs[sym]
		if !ok {
			id = fmt.Sprintf("s%d", len(symbols))
			symbolIDs[sym] = id
			symbols = append(symbols, fmt.Sprintf("  %s[\"%s\"]\n", id, mermaidLabel(shortFunc(sym))))
		}
		label := mermaidLabel(f.ID)
		if m := mdMark(f); r.Verdict != "" && m != "" {
			label = m + " " + label
		}
		fid := fmt.Sprintf("f%d", i)
		features = append(features, fmt.Sprintf("  %s[\"%s\"]\n", fid, label))
		edges = append(edges, edge{id, fid})
		if len(edges) > mdMaxEdges {
			return ""
		}
	}
	if len(edges) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n```mermaid\nflowchart LR\n")
	for _, s := range symbols {
		b.WriteString(s)
	}
	for _, f := range features {
		b.WriteString(f)
	}
	for _, e := range edges {
		fmt.Fprintf(&b, "  %s --> %s\n", e.from, e.to)
	}
	b.WriteString("```\n")
	if b.Len() > mdMaxGraph {
		return ""
	}
	return b.String()
}

// mermaidLabel makes s safe inside a quoted mermaid label: no quote, line
// break, backtick or angle bracket can end the label, start a markdown
// string or HTML, or close the code fence, and no entity code (#lt;) can
// be spelled.
func mermaidLabel(s string) string {
	s = shorten(s, mdMaxLabel)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '`' || r == '<' || r == '>' || unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.NewReplacer("#", "#35;", `"`, "#quot;", "&", "#amp;").Replace(s)
}

// shortFunc drops the package path's directories from a function name:
// "example.com/shop/billing.(*Service).Fee" is "billing.(*Service).Fee".
func shortFunc(s string) string {
	end := strings.IndexAny(s, "([")
	if end < 0 {
		end = len(s)
	}
	return s[strings.LastIndex(s[:end], "/")+1:]
}

func mdWarnings(warnings []string) string {
	if len(warnings) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n**warnings**\n\n")
	for i, m := range warnings {
		if i == mdMaxWarnings {
			fmt.Fprintf(&b, "- …and %d more %s: see the JSON report\n", len(warnings)-i, plural(len(warnings)-i, "warning"))
			break
		}
		fmt.Fprintf(&b, "- %s\n", mdText(shorten(m, mdMaxText)))
	}
	return b.String()
}

// code renders s as inline code that cannot break out of its table cell
// or span lines: no backtick, unescaped pipe, line break or control
// character survives.
func code(s string) string {
	s = shorten(s, mdMaxName)
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	s = strings.NewReplacer("`", "'", "|", "\\|").Replace(clean(s))
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return "`" + s + "`"
}

// mdText renders s as plain text in a table cell or list item: no HTML,
// @-mention, link, image, emphasis or line break survives. Every ASCII
// punctuation character markdown gives meaning to is backslash-escaped,
// angle brackets and ampersands become entities, and a zero-width space
// breaks @-mentions, #-references and autolinks.
func mdText(s string) string {
	s = shorten(s, mdMaxText)
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	s = clean(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '~', '[', ']', '(', ')', '|', '!':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '@', '#':
			b.WriteByte(c)
			b.WriteString("\u200b")
		case ':':
			b.WriteByte(c)
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteString("\u200b")
			}
		case '.':
			if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
				b.WriteString("\u200b")
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

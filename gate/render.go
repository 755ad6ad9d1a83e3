// Package gate decides and draws: it turns a report into the verdict and
// into text, markdown or JSON. It never sees go/packages or the graph:
// analysis reaches it as report data.
package gate

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
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

// WriteJSON writes r as indented schema_version 1 JSON.
func WriteJSON(w io.Writer, r *report.Report) error {
	r.SchemaVersion = report.SchemaVersion
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

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

// clean escapes control characters, so that names from the analysed code
// cannot move the cursor or forge lines on a terminal.
func clean(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
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

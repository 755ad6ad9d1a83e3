package gate

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/blastgate/blastgate/report"
)

// MaxAnnotations is how many annotations of one kind GitHub shows for a
// step; more are dropped, so the rest are counted in one last warning.
const MaxAnnotations = 10

// WriteAnnotations writes GitHub Actions workflow commands that annotate
// the changed code: for a check report, an error at each changed symbol
// that reaches a feature failing the gate; for an impact report, a notice
// at each changed symbol that reaches a feature.
func WriteAnnotations(w io.Writer, r *report.Report) error {
	type site struct {
		file string
		line int
		fn   string
	}
	reaches := map[site][]string{}
	for _, f := range r.Impacted {
		if len(f.Trace) == 0 {
			continue
		}
		if r.Verdict != "" && !failing(f) {
			continue
		}
		last := f.Trace[len(f.Trace)-1]
		if last.Position.File == "" {
			continue
		}
		s := site{last.Position.File, last.Position.Line, last.Function}
		what := f.ID
		if f.Status != "" {
			what += " (" + f.Status + ")"
		}
		reaches[s] = append(reaches[s], what)
	}
	sites := make([]site, 0, len(reaches))
	for s := range reaches {
		sites = append(sites, s)
	}
	sort.Slice(sites, func(i, j int) bool {
		if sites[i].file != sites[j].file {
			return sites[i].file < sites[j].file
		}
		return sites[i].line < sites[j].line
	})
	kind, verb, rest := "notice", "reaches", "reach features"
	if r.Verdict != "" {
		kind, verb, rest = "error", "reaches features that lack a passing test:", "reach features that lack a passing test"
	}
	ew := &errWriter{w: w}
	for i, s := range sites {
		if i == MaxAnnotations {
			fmt.Fprintf(ew, "::warning title=blastgate::%s\n", escapeData(fmt.Sprintf("%d more changed symbols %s: see the step summary", len(sites)-i, rest)))
			break
		}
		msg := fmt.Sprintf("%s %s %s", shortFunc(s.fn), verb, strings.Join(reaches[s], ", "))
		fmt.Fprintf(ew, "::%s file=%s,line=%d,title=%s::%s\n", kind, escapeProperty(s.file), s.line, escapeProperty("blastgate"), escapeData(msg))
	}
	return ew.err
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

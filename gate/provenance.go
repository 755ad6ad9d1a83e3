package gate

import (
	"fmt"
	"regexp"

	"github.com/blastgate/blastgate/report"
)

// shaRE matches a full git commit id: SHA-1 (40) or SHA-256 (64) lowercase
// hex digits, as git rev-parse prints them.
var shaRE = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)

// CheckSHAs refuses a report whose base, head or merge base is set but is
// not a full commit id. blastgate writes them from git rev-parse, so any
// other value means the report was written by something else or altered;
// renderers print these values outside escaped spans, so they are checked
// before anything is drawn.
func CheckSHAs(r *report.Report) error {
	for _, c := range []struct{ name, sha string }{
		{"base", r.Base}, {"head", r.Head}, {"merge_base", r.MergeBase},
	} {
		if c.sha == "" || shaRE.MatchString(c.sha) {
			continue
		}
		return fmt.Errorf("the report's %s %s is not a commit SHA (40 or 64 hex digits): the report is not blastgate's or was altered; pass the JSON report blastgate check (or run, impact) wrote",
			c.name, quoteShort(c.sha))
	}
	return nil
}

// quoteShort quotes s, cut to 80 runes, with control characters escaped:
// safe on one line of a log or a workflow command.
func quoteShort(s string) string {
	return fmt.Sprintf("%q", shorten(s, 80))
}

package gate

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/blastgate/blastgate/report"
)

// policyHeading introduces the policy changes in every format.
const policyHeading = "policy changes, applied after merge (blastgate reads the policy from the base revision)"

// mdMaxPolicyChanges is how many policy changes a comment lists.
const mdMaxPolicyChanges = 20

// writePolicyChangesText lists the policy changes of the report, one a
// line: change, kind, subject and detail.
func writePolicyChangesText(w io.Writer, r *report.Report) {
	if len(r.PolicyChanges) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", policyHeading)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range r.PolicyChanges {
		detail := ""
		if c.Detail != "" {
			detail = "\t" + clean(c.Detail)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", clean(c.Change), clean(c.Kind), clean(c.Subject), detail)
	}
	tw.Flush()
}

// mdPolicyChanges is the policy changes as a table; every string from
// the pull request is escaped text or code.
func mdPolicyChanges(r *report.Report) string {
	if len(r.PolicyChanges) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n**Policy changes, applied after merge** (blastgate reads the policy from the base revision)\n\n| change | kind | subject | detail |\n|---|---|---|---|\n")
	for i, c := range r.PolicyChanges {
		if i == mdMaxPolicyChanges {
			fmt.Fprintf(&b, "| … | | and %d more | see the JSON report |\n", len(r.PolicyChanges)-i)
			break
		}
		detail := mdText(shorten(c.Detail, mdMaxText))
		if detail == "" {
			detail = "-"
		}
		b.WriteString(mdRow(mdText(c.Change), mdText(c.Kind), code(c.Subject), detail))
	}
	return b.String()
}

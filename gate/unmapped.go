package gate

import (
	"fmt"
	"io"
	"strings"

	"github.com/blastgate/blastgate/report"
)

// Changed files that map to nothing (report.Unmapped) are drawn by every
// renderer, so that a file the code reads at run time is never dropped
// silently. They do not change the verdict.

// unmappedHint says how to map such a file.
const unmappedHint = "map files the code reads at run time with assets: in .blastgate.yaml"

// textMaxUnmapped is how many unmapped files the text renderers list.
const textMaxUnmapped = 20

// unmappedHeading is the line above the list.
func unmappedHeading(n int) string {
	if n == 1 {
		return "1 changed file reaches no feature"
	}
	return fmt.Sprintf("%d changed files reach no feature", n)
}

// writeUnmappedText lists the unmapped files for a terminal, after a
// blank line, with the hint; nothing when there are none.
func writeUnmappedText(w io.Writer, r *report.Report) {
	if len(r.Unmapped) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%s):\n", unmappedHeading(len(r.Unmapped)), unmappedHint)
	for i, u := range r.Unmapped {
		if i == textMaxUnmapped {
			fmt.Fprintf(w, "  …and %d more: see the JSON report\n", len(r.Unmapped)-i)
			break
		}
		fmt.Fprintf(w, "  %s: %s\n", clean(u.File), clean(u.Why))
	}
}

// writePlanUnmapped lists the unmapped files as comments of a plan.
func writePlanUnmapped(w io.Writer, unmapped []report.Unmapped) {
	for i, u := range unmapped {
		if i == textMaxUnmapped {
			fmt.Fprintf(w, "# unmapped: …and %d more: see plan --format json\n", len(unmapped)-i)
			break
		}
		fmt.Fprintf(w, "# unmapped: %s reaches no feature (%s)\n", clean(u.File), clean(u.Why))
	}
	if len(unmapped) > 0 {
		fmt.Fprintf(w, "# %s\n", unmappedHint)
	}
}

// mdUnmapped is the markdown section listing the unmapped files, or "".
func mdUnmapped(r *report.Report) string {
	if len(r.Unmapped) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n**%s** (%s)\n\n", mdText(unmappedHeading(len(r.Unmapped))), mdText(unmappedHint))
	for i, u := range r.Unmapped {
		if i == mdMaxWarnings {
			fmt.Fprintf(&b, "- …and %d more: see the JSON report\n", len(r.Unmapped)-i)
			break
		}
		fmt.Fprintf(&b, "- %s: %s\n", code(u.File), mdText(u.Why))
	}
	return b.String()
}

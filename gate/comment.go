package gate

import (
	"fmt"
	"io"

	"github.com/blastgate/blastgate/report"
)

// MarkdownOptions tune the markdown renderer.
type MarkdownOptions struct {
	// Untrusted marks a report that a job running the pull request's code
	// wrote (the fork-safe flow's artifact): anything in it may be forged,
	// so owners are not mentioned (no one is pinged on its word) and no
	// dashboard link is drawn; everything else is escaped as always.
	Untrusted bool
}

// WriteComment writes the body of the pull request comment for r, without
// the marker: the markdown report and a footer naming the commits compared.
// A report whose commits are not SHAs is refused (CheckSHAs).
func WriteComment(w io.Writer, r *report.Report, opts MarkdownOptions) error {
	if err := WriteMarkdownOptions(w, r, opts); err != nil {
		return err
	}
	if r.Head == "" {
		return nil
	}
	_, err := fmt.Fprintf(w, "\n<sub>blastgate · %s...%s</sub>\n", short(r.Base), short(r.Head))
	return err
}

package results

import (
	"fmt"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// maxProblems bounds the problems one error lists.
const maxProblems = 20

// problems collects every problem found while reading results, so that
// one error reports them all, one per line.
type problemList struct{ all *multierror.Error }

// add records err, when it is not nil; an error that holds several
// problems adds each.
func (p *problemList) add(err error) {
	if err != nil {
		p.all = multierror.Append(p.all, err)
	}
}

// err returns nil without problems; else one error whose text is the one
// problem, or every problem on a line of its own.
func (p *problemList) err() error {
	if p.all == nil {
		return nil
	}
	p.all.ErrorFormat = listProblems
	return p.all.ErrorOrNil()
}

// listProblems writes one problem as it is, several one per line, under
// a line that counts them.
func listProblems(errs []error) string {
	if len(errs) == 1 {
		return errs[0].Error()
	}
	lines := []string{fmt.Sprintf("%d problems in the test results; fix each, or rerun the tests:", len(errs))}
	for i, err := range errs {
		if i == maxProblems {
			lines = append(lines, fmt.Sprintf("  ... and %d more", len(errs)-maxProblems))
			break
		}
		lines = append(lines, "  "+err.Error())
	}
	return strings.Join(lines, "\n")
}

// Package owners finds who owns a feature: the CODEOWNERS rules GitHub
// applies to the feature's files, read from the base revision the way
// GitHub reads them for a pull request (a pull request cannot make itself
// the owner of what it changes).
package owners

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/hmarr/codeowners"
)

// Locations are where GitHub looks for CODEOWNERS, in its order.
var Locations = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// Rules are a repository's CODEOWNERS rules; the zero value owns nothing.
type Rules struct {
	// Path is the file they were read from ("" when there is none).
	Path  string
	rules codeowners.Ruleset
}

// Load reads the first CODEOWNERS file that exists; read returns an
// error for a missing file. A file that does not parse is an error
// naming it.
func Load(read func(path string) ([]byte, error)) (*Rules, error) {
	for _, path := range Locations {
		data, err := read(path)
		if err != nil {
			continue
		}
		rs, err := codeowners.ParseFile(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %v: fix the file (GitHub ignores it too)", path, err)
		}
		return &Rules{Path: path, rules: rs}, nil
	}
	return &Rules{}, nil
}

// For returns the owners of the given repository paths, in order, each
// once. The last matching rule decides for each path, as on GitHub; a rule
// with no owners leaves a path unowned.
func (r *Rules) For(paths ...string) []string {
	var out []string
	for _, p := range paths {
		if p == "" || r.rules == nil {
			continue
		}
		rule, err := r.rules.Match(p)
		if err != nil || rule == nil {
			continue
		}
		for _, o := range rule.Owners {
			if s := o.String(); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

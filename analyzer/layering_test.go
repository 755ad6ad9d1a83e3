package analyzer

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const modulePath = "github.com/blastgate/blastgate"

// layers are the packages split out of the analyzer (issue 15), each
// with the only packages of this module it may import, directly or not.
// The dependencies run one way: a stage never imports the analyzer, the
// gate or a command, nor the report contract beyond its own types where
// its API returns them, so it can be read, tested and replaced on its
// own. A new split adds its row.
var layers = []struct {
	pkg     string   // relative to the module
	allowed []string // packages of the module it may depend on
}{
	{pkg: "analyzer/load", allowed: nil},
	// The shared AST and type helpers: every layer may use them, so they
	// use nothing of the module.
	{pkg: "analyzer/astq", allowed: nil},
	// A ChangeSet lists its files as the report contract's own types
	// (report.Change, report.Unmapped), which import nothing.
	{pkg: "analyzer/changes", allowed: []string{"analyzer/load", "report", "internal/gitrepo", "internal/glob"}},
	{pkg: "analyzer/evidence", allowed: []string{"report"}},
	// Impact reads the change through a view of its own (impact.Changes),
	// not package changes; it returns the report contract's types.
	{pkg: "analyzer/impact", allowed: []string{"report"}},
	// Discovery's own code: the detectors read the graph through a view
	// they declare, never package analyzer.
	{pkg: "analyzer/detect", allowed: []string{"analyzer/astq", "report"}},
}

// TestLayering checks the split packages' dependencies, as go list -deps
// sees them (build dependencies, tests left out), against layers.
func TestLayering(t *testing.T) {
	for _, l := range layers {
		t.Run(l.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", modulePath+"/"+l.pkg).Output()
			require.NoError(t, err, "go list -deps %s", l.pkg)
			var bad []string
			for _, dep := range strings.Fields(string(out)) {
				rel, ok := strings.CutPrefix(dep, modulePath+"/")
				if !ok || rel == l.pkg || slices.Contains(l.allowed, rel) {
					continue
				}
				bad = append(bad, rel)
			}
			require.Empty(t, bad, "%s must not import these packages of the module (directly or not): its dependencies run one way, see layers", l.pkg)
		})
	}
}

package analyzer_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/internal/example"
	"github.com/blastgate/blastgate/report"
)

// TestAnalyze calls blastgate as a library: the shop's shared-change
// edits the fee both pages use, and reaches the token page.
func TestAnalyze(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a module")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	require.NoError(t, example.Materialize(ctx, dir))
	var stages []string
	a, err := analyzer.Analyze(ctx, analyzer.Options{
		Dir:      dir,
		Base:     "main",
		Head:     "shared-change",
		Tests:    true,
		Progress: func(stage string, n int) { stages = append(stages, stage) },
	})
	require.NoError(t, err)
	defer a.Close()
	assert.Equal(t, "example.com/shop", a.Module)
	assert.Equal(t, a.Revisions.Head, a.Report.Head)
	assert.NotEmpty(t, stages)
	ids := []string{}
	for _, f := range a.Report.Impacted {
		ids = append(ids, f.ID)
	}
	assert.Contains(t, ids, "POST /token/buy")
	i := slices.IndexFunc(a.Report.Impacted, func(f report.Feature) bool { return f.ID == "POST /token/buy" })
	assert.NotEmpty(t, a.Report.Impacted[i].Trace)

	// A canceled context stops it: every git and go command runs under
	// it.
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = analyzer.Analyze(canceled, analyzer.Options{Dir: dir, Base: "main", Head: "shared-change"})
	assert.ErrorContains(t, err, "context canceled")
}

// TestAnalyzeOptionErrors: a library caller learns which Options field
// was wrong, in its own terms, not in the command line's flags.
func TestAnalyzeOptionErrors(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	require.NoError(t, example.Materialize(ctx, dir))
	for _, tc := range []struct {
		name  string
		opts  analyzer.Options
		field string
	}{
		{"base", analyzer.Options{Dir: dir, Base: "no-such-base"}, "Base"},
		{"head", analyzer.Options{Dir: dir, Base: "main", Head: "no-such-head"}, "Head"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := analyzer.Analyze(ctx, tc.opts)
			var oe *analyzer.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, tc.field, oe.Field)
			assert.ErrorContains(t, err, "Options."+tc.field+": ")
			assert.NotContains(t, err.Error(), "--")
		})
	}
}

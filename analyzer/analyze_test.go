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

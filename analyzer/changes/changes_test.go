package changes

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/report"
)

func TestRemovalPoints(t *testing.T) {
	r := func(a, b int) gitrepo.LineRange { return gitrepo.LineRange{Start: a, End: b} }
	for _, c := range []struct {
		old, new []gitrepo.LineRange
		want     []int
	}{
		{nil, []gitrepo.LineRange{r(3, 4)}, nil},
		// old line 5 removed: new line 5 follows where it was
		{[]gitrepo.LineRange{r(5, 5)}, nil, []int{5}},
		// two lines added at 2-3, then old line 7 (new 9) removed
		{[]gitrepo.LineRange{r(7, 7)}, []gitrepo.LineRange{r(2, 3)}, []int{9}},
		// old 4-5 replaced by new 4-6, old 10 removed (new 11)
		{[]gitrepo.LineRange{r(4, 5), r(10, 10)}, []gitrepo.LineRange{r(4, 6)}, []int{4, 11}},
	} {
		require.Equal(t, c.want, removalPoints(c.old, c.new), "%v %v", c.old, c.new)
	}
}

// TestMerge: a configured build's change set adds its symbols to the
// files both map, adds the files only it maps, notes the build on the
// files only such builds include, and adds its warnings once, named.
func TestMerge(t *testing.T) {
	dst := &ChangeSet{
		Changes:  []report.Change{{File: "b.go", Symbols: []string{"m.B"}}, {File: "d.go", Symbols: []string{}}},
		Warnings: []string{"under GOOS=windows: w"},
	}
	src := &ChangeSet{
		Changes:  []report.Change{{File: "b.go", Symbols: []string{"m.A", "m.B"}}, {File: "a_windows.go", Symbols: []string{"m.W"}, Note: "n"}},
		Warnings: []string{"w", "v"},
	}
	dst.Merge(src, "GOOS=windows", func(file string) bool { return file == "a_windows.go" })
	require.Equal(t, []report.Change{
		{File: "a_windows.go", Symbols: []string{"m.W"}, Note: "n; analysed under GOOS=windows"},
		{File: "b.go", Symbols: []string{"m.A", "m.B"}},
		{File: "d.go", Symbols: []string{}},
	}, dst.Changes)
	require.Equal(t, []string{"under GOOS=windows: w", "under GOOS=windows: v"}, dst.Warnings)
}

package evidence

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// facts answers Credit's questions from tables.
type facts struct {
	extents
	whole     map[int]bool
	runsField map[[2]int]bool // feature, test
	sends     map[[2]int]bool
}

func (f facts) Whole(id int) bool                { return f.whole[id] }
func (f facts) RunsField(feature, test int) bool { return f.runsField[[2]int{feature, test}] }
func (f facts) Sends(feature, test int) bool     { return f.sends[[2]int{feature, test}] }

// TestCredit checks the credit rule on facts given directly: each kind
// of evidence, the strongest winning, a whole package's node crediting
// nothing, t.Attr filtered by Options.Attr, and a configured test that
// does not exist failing.
func TestCredit(t *testing.T) {
	ref := func(name string) TestRef { return TestRef{Package: "example.com/m", Name: name} }
	features := []Feature{
		{ID: "GET /a", Entries: []int{1}},
		{ID: "GET /b", Entries: []int{2}},
		{ID: "GET /c", Entries: []int{3}}, // node 3: a package that does not type-check
		{ID: "cmd/tool send", Entries: []int{4}},
	}
	tests := []Test{
		{Ref: ref("TestStatic"), Reach: map[int]bool{1: true, 3: true}},
		{Ref: ref("TestRequest"), Reach: map[int]bool{1: true}},
		{Ref: ref("TestAttr"), Attrs: []string{"GET /b", "GET /c"}},
		{Ref: ref("TestRunE")},
	}
	f := facts{
		whole:     map[int]bool{3: true},
		runsField: map[[2]int]bool{{3, 3}: true},
		sends:     map[[2]int]bool{{0, 1}: true},
	}
	opts := Options{
		Declared: map[string][]TestRef{"GET /b": {ref("TestStatic")}},
		Attr:     func(test TestRef, feature string) bool { return feature != "GET /c" },
	}
	got, err := Credit(features, tests, opts, nil, f)
	require.NoError(t, err)
	var tests4 [][]report.Test
	for _, l := range got {
		tests4 = append(tests4, l.Tests())
	}
	require.Equal(t, [][]report.Test{
		{
			{Package: "example.com/m", Name: "TestRequest", Evidence: report.EvidenceRequest},
			{Package: "example.com/m", Name: "TestStatic", Evidence: report.EvidenceStatic},
		},
		{
			{Package: "example.com/m", Name: "TestAttr", Evidence: report.EvidenceDeclared},
			{Package: "example.com/m", Name: "TestStatic", Evidence: report.EvidenceDeclared},
		},
		{}, // reaching a broken package's node, an Attr that does not count: no credit
		{{Package: "example.com/m", Name: "TestRunE", Evidence: report.EvidenceStatic}},
	}, tests4)

	opts.Declared = map[string][]TestRef{"GET /a": {ref("TestGone")}}
	_, err = Credit(features, tests, opts, nil, f)
	require.ErrorContains(t, err, `feature "GET /a": configured test example.com/m.TestGone does not exist`)
}

package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decode marshals r and decodes it as untyped JSON.
func decode(t *testing.T, r *Report) map[string]any {
	t.Helper()
	data, err := json.Marshal(r)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc), string(data))
	return doc
}

// requireArray fails unless obj[key] is present and a JSON array (not
// null), and returns it.
func requireArray(t *testing.T, obj map[string]any, key string) []any {
	t.Helper()
	v, ok := obj[key]
	require.True(t, ok, "%q is missing from %v", key, obj)
	arr, ok := v.([]any)
	require.True(t, ok, "%q is %#v, not an array", key, v)
	return arr
}

// noNull fails on any null in v.
func noNull(t *testing.T, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case nil:
		t.Errorf("%s is null", path)
	case map[string]any:
		for k, e := range v {
			noNull(t, path+"."+k, e)
		}
	case []any:
		for _, e := range v {
			noNull(t, path+"[]", e)
		}
	}
}

// DESIGN.md: every array shown is always present ([] when empty).
func TestEmptyArraysArePresent(t *testing.T) {
	t.Run("features report", func(t *testing.T) {
		for _, r := range []*Report{
			{},
			{Features: []Feature{}},
			{Features: []Feature{{ID: "GET /a", Kind: KindRoute}}},
		} {
			doc := decode(t, r)
			noNull(t, "$", doc)
			features := requireArray(t, doc, "features")
			for _, f := range features {
				requireArray(t, f.(map[string]any), "tests")
			}
			for _, key := range []string{"changes", "packages", "impacted", "verdict"} {
				assert.NotContains(t, doc, key, "a features report is about no change")
			}
		}
	})
	t.Run("impact and check reports", func(t *testing.T) {
		for _, r := range []*Report{
			{Base: "a", Head: "b"},
			{Base: "a", Head: "a", Verdict: VerdictPass},
			{Verdict: VerdictFail},
			{Base: "a", Head: "b", Changes: []Change{{File: "notes.txt", Note: "not Go code"}},
				Impacted: []Feature{{ID: "GET /a", Kind: KindRoute, Status: StatusUntested}}},
		} {
			doc := decode(t, r)
			noNull(t, "$", doc)
			for _, c := range requireArray(t, doc, "changes") {
				requireArray(t, c.(map[string]any), "symbols")
			}
			requireArray(t, doc, "packages")
			for _, f := range requireArray(t, doc, "impacted") {
				requireArray(t, f.(map[string]any), "trace")
				requireArray(t, f.(map[string]any), "tests")
			}
			assert.NotContains(t, doc, "features", "an impact report lists impacted features, not all")
		}
	})
}

func TestMarshalJSONKeepsTheReportAndItsText(t *testing.T) {
	r := &Report{Base: "a", Head: "b", Changes: []Change{{File: "web/a<b>.go"}},
		Impacted: []Feature{{ID: "GET /x<img>", Kind: KindRoute}}}
	// As gate.WriteJSON writes it: an encoder that escapes no HTML.
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(r))
	data := buf.String()
	assert.Contains(t, data, `"web/a<b>.go"`, "HTML is not escaped")
	assert.Contains(t, data, `"GET /x<img>"`)
	assert.Nil(t, r.Changes[0].Symbols, "the report itself is not modified")
	assert.Nil(t, r.Impacted[0].Tests)
	assert.Nil(t, r.Packages)

	var back Report
	require.NoError(t, json.Unmarshal([]byte(data), &back))
	assert.Equal(t, "web/a<b>.go", back.Changes[0].File)
	assert.Equal(t, []string{}, back.Changes[0].Symbols)
}

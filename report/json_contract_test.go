package report_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/report"
)

// contractDoc is the page that documents every JSON field.
const contractDoc = "../docs/json.md"

// documents are the Go types of the JSON documents blastgate writes
// (docs/json.md "Which command writes which document").
var documents = []any{report.Report{}, report.Suspects{}, gate.Plan{}, gate.Matrix{}}

// written lists the fields a type's MarshalJSON writes beyond its tagged
// fields, with the type of each; TestFeatureJSONKeys checks it against
// what Feature.MarshalJSON writes.
var written = map[reflect.Type]map[string]reflect.Type{
	reflect.TypeFor[report.Feature](): {"suggested_tests": reflect.TypeFor[[]report.SuggestedTest]()},
}

// objects walks the documents' types by reflection and returns, by type
// name ("report.Feature"), the JSON fields of each object type reached.
func objects(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		name := typeName(typ)
		if _, ok := out[name]; ok {
			return
		}
		out[name] = nil
		var fields func(reflect.Type)
		fields = func(s reflect.Type) {
			for f := range s.Fields() {
				tag := f.Tag.Get("json")
				key, _, _ := strings.Cut(tag, ",")
				if key == "-" || (!f.IsExported() && !f.Anonymous) {
					continue
				}
				if f.Anonymous && key == "" {
					fields(f.Type) // promoted fields
					continue
				}
				if key == "" {
					key = f.Name
				}
				out[name] = append(out[name], key)
				if !writesString(f.Type) {
					walk(f.Type)
				}
			}
		}
		fields(typ)
		for key, ft := range written[typ] {
			out[name] = append(out[name], key)
			walk(ft)
		}
		slices.Sort(out[name])
	}
	for _, d := range documents {
		walk(reflect.TypeOf(d))
	}
	return out
}

// writesString reports whether a field of type typ is written as a JSON
// string by its own MarshalJSON (report.Suggestion: its words).
func writesString(typ reflect.Type) bool {
	return typ == reflect.TypeFor[*report.Suggestion]() || typ == reflect.TypeFor[report.Suggestion]()
}

func typeName(typ reflect.Type) string {
	pkg := typ.PkgPath()
	return pkg[strings.LastIndexByte(pkg, '/')+1:] + "." + typ.Name()
}

// documented reads docs/json.md: by the type its section's heading names
// ("## Feature (`report.Feature`)"), the fields of its table rows.
func documented(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(contractDoc)
	require.NoError(t, err)
	heading := regexp.MustCompile("^#+ .*\\(`(\\w+\\.\\w+)`\\)\\s*$")
	row := regexp.MustCompile("^\\| `([^`]+)` \\|")
	out := map[string][]string{}
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "#") {
			section = ""
			if m := heading.FindStringSubmatch(line); m != nil {
				section = m[1]
				require.NotContains(t, out, section, "%s:%d: %s documented twice", contractDoc, i+1, section)
				out[section] = []string{}
			}
			continue
		}
		m := row.FindStringSubmatch(line)
		if m == nil || section == "" {
			continue
		}
		require.NotContains(t, out[section], m[1], "%s:%d: %s.%s documented twice", contractDoc, i+1, section, m[1])
		out[section] = append(out[section], m[1])
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// TestJSONContractDocumented fails when a JSON field of a document's types
// is not documented in docs/json.md, or when the page documents a field or
// an object no type has: the contract cannot drift from the code.
func TestJSONContractDocumented(t *testing.T) {
	code, doc := objects(t), documented(t)
	require.NotEmpty(t, doc, "no sections in %s", contractDoc)
	for _, name := range slices.Sorted(maps.Keys(code)) {
		fields, ok := doc[name]
		if !assert.True(t, ok, "%s: no section documents %s: add \"## %s (`%s`)\" with a row per field", contractDoc, name, name[strings.IndexByte(name, '.')+1:], name) {
			continue
		}
		for _, f := range code[name] {
			assert.Contains(t, fields, f, "%s: %s writes %q, which it does not document", contractDoc, name, f)
		}
		for _, f := range fields {
			assert.Contains(t, code[name], f, "%s documents %s.%s, which %s does not have", contractDoc, name, f, name)
		}
	}
	for name := range doc {
		assert.Contains(t, code, name, "%s documents %s, which no JSON document has", contractDoc, name)
	}
}

// TestFeatureJSONKeys: the fields Feature.MarshalJSON writes, with every
// field set, are its tagged fields and those of written, so that the walk
// of TestJSONContractDocumented sees every one.
func TestFeatureJSONKeys(t *testing.T) {
	f := report.Feature{
		ID: "GET /a", Kind: report.KindRoute, Entry: "p.F", Owners: []string{"@o"}, Tier: report.TierCritical,
		Trace: []report.Frame{{Function: "p.F"}}, Tests: []report.Test{{Name: "TestA"}},
		Status: report.StatusUntested, Reason: "r", Waiver: &report.Waiver{Reason: "w"}, Monitor: "https://m",
		Reaches:    []report.Declaration{{Symbol: "p.G"}},
		Suggestion: &report.Suggestion{Tests: []report.SuggestedTest{{Kind: report.SuggestDeclared, Feature: "GET /a"}}},
	}
	data, err := json.Marshal(f)
	require.NoError(t, err)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, objects(t)["report.Feature"], slices.Sorted(maps.Keys(got)))
	var words string
	require.NoError(t, json.Unmarshal(got["suggestion"], &words), "suggestion is a string")
}

// TestSchemaVersion: the documents say schema_version 1, the version of
// DESIGN.md's contract.
func TestSchemaVersion(t *testing.T) {
	require.Equal(t, 1, report.SchemaVersion)
	check := func(t *testing.T, data []byte) {
		t.Helper()
		var doc struct {
			SchemaVersion *int `json:"schema_version"`
		}
		require.NoError(t, json.Unmarshal(data, &doc), string(data))
		require.NotNil(t, doc.SchemaVersion, "schema_version is missing: %s", data)
		require.Equal(t, 1, *doc.SchemaVersion)
	}
	t.Run("features", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, gate.WriteJSON(&b, &report.Report{Features: []report.Feature{}}))
		check(t, b.Bytes())
	})
	t.Run("check", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, gate.WriteJSON(&b, &report.Report{Base: strings.Repeat("a", 40), Head: strings.Repeat("b", 40), Verdict: report.VerdictPass}))
		check(t, b.Bytes())
	})
	t.Run("suspects", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, gate.WriteSuspects(&b, &report.Suspects{}, "json"))
		check(t, b.Bytes())
	})
	t.Run("plan", func(t *testing.T) {
		data, err := json.Marshal(gate.MakePlan(&report.Report{}, gate.Policy{}, func(p string) string { return p }, 1))
		require.NoError(t, err)
		check(t, data)
	})
}

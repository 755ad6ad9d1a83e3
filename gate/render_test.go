package gate

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestRender draws testdata/impact.json in every format and compares the
// result with testdata/impact.golden.FORMAT.
func TestRender(t *testing.T) {
	data, err := os.ReadFile("testdata/impact.json")
	require.NoError(t, err)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var r report.Report
			require.NoError(t, json.Unmarshal(data, &r))
			var out bytes.Buffer
			require.NoError(t, Write(&out, &r, format))
			golden := filepath.Join("testdata", "impact.golden."+format)
			if *update {
				require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			require.Equal(t, string(want), out.String())
		})
	}
}

// TestJSONRoundTrip: what WriteJSON writes reads back unchanged.
func TestJSONRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/impact.json")
	require.NoError(t, err)
	var r report.Report
	require.NoError(t, json.Unmarshal(data, &r))
	var out bytes.Buffer
	require.NoError(t, WriteJSON(&out, &r))
	require.JSONEq(t, string(data), out.String())
}

func TestMarkdownCannotBreakOut(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{{ID: "GET /x|y`z\n@everyone", Kind: "route"}}}
	var out bytes.Buffer
	require.NoError(t, WriteMarkdown(&out, r))
	require.NotContains(t, out.String(), "\n@everyone")
	require.Contains(t, out.String(), "`GET /x\\|y'z @everyone`")
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, &report.Report{}, "yaml")
	require.ErrorContains(t, err, `unknown format "yaml"`)
}

func TestTextEscapesControlCharacters(t *testing.T) {
	r := &report.Report{Impacted: []report.Feature{{ID: "GET /x\n\x1b[2Jforged", Kind: "route"}}}
	var out bytes.Buffer
	require.NoError(t, WriteText(&out, r))
	require.Contains(t, out.String(), `route GET /x\n\x1b[2Jforged`)
	require.NotContains(t, out.String(), "\x1b")
}

package gate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// TestJSONGoldens draws the golden cases as JSON.
func TestJSONGoldens(t *testing.T) {
	testGoldens(t, "json", WriteJSON)
}

// TestJSONRoundTrip: what WriteJSON writes reads back unchanged, for an
// impact, a check and a features report.
func TestJSONRoundTrip(t *testing.T) {
	for _, name := range []string{"impact", "check", "features", "policy"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			require.NoError(t, err)
			var r report.Report
			require.NoError(t, json.Unmarshal(data, &r))
			var out bytes.Buffer
			require.NoError(t, WriteJSON(&out, &r))
			require.JSONEq(t, string(data), out.String())
		})
	}
}

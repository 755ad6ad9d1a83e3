package gate

// The JSON renderer: the schema_version 1 contract of docs/json.md.

import (
	"encoding/json"
	"io"

	"github.com/blastgate/blastgate/report"
)

// WriteJSON writes r as indented schema_version 1 JSON.
func WriteJSON(w io.Writer, r *report.Report) error {
	r.SchemaVersion = report.SchemaVersion
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

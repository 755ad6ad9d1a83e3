package results

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStrict runs the cases of testdata/strict: each archive holds
// results files (*.json, *.xml: real go test -json output and gotestsum
// JUnit, trimmed) read together as shards, in archive order, and a "want"
// file of lines:
//
//	result PKG NAME RESULT [flaky] [# REASON]   Set.Result, Reason containing REASON ("" when no #)
//	notrun PKG NAME                             Set.Result says it never ran
//	failure PKG NAME|- [# REASON]               Set.Failures, all of them, in order
//	exit CODE ok|# ERROR                        Set.CheckExit(CODE)
func TestStrict(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "strict", "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			var contents []string
			var want string
			for _, f := range ar.Files {
				if f.Name == "want" {
					want = string(f.Data)
					continue
				}
				contents = append(contents, string(f.Data))
			}
			require.NotEmpty(t, contents, "no results file")
			require.NotEmpty(t, want, "no want file")
			s := mustRead(t, contents...)
			var wantFailures, gotFailures []string
			for _, f := range s.Failures() {
				name := f.Name
				if name == "" {
					name = "-"
				}
				gotFailures = append(gotFailures, f.Package+" "+name+" # "+f.Reason)
			}
			for i, line := range strings.Split(want, "\n") {
				line, reason, hasReason := strings.Cut(line, "#")
				reason = strings.TrimSpace(reason)
				fields := strings.Fields(line)
				if len(fields) == 0 {
					continue
				}
				where := file + ":want:" + strconv.Itoa(i+1)
				switch fields[0] {
				case "result":
					require.Len(t, fields, 4+boolInt(len(fields) == 5), where)
					got, ok := s.Result(fields[1], fields[2])
					require.True(t, ok, "%s: no result", where)
					assert.Equal(t, fields[3], got.Result, where)
					assert.Equal(t, len(fields) == 5 && fields[4] == "flaky", got.Flaky, "%s: flaky", where)
					if hasReason {
						assert.Contains(t, got.Reason, reason, where)
					} else {
						assert.Empty(t, got.Reason, where)
					}
				case "notrun":
					_, ok := s.Result(fields[1], fields[2])
					assert.False(t, ok, where)
				case "failure":
					wantFailures = append(wantFailures, fields[1]+" "+fields[2]+" # "+reason)
				case "exit":
					code, err := strconv.Atoi(fields[1])
					require.NoError(t, err, where)
					err = s.CheckExit(code)
					if fields[len(fields)-1] == "ok" {
						assert.NoError(t, err, where)
					} else if assert.Error(t, err, where) {
						assert.Contains(t, err.Error(), reason, where)
					}
				default:
					t.Fatalf("%s: unknown line %q", where, line)
				}
			}
			require.Len(t, gotFailures, len(wantFailures), "failures: %q", gotFailures)
			for i, w := range wantFailures {
				wantHead, wantReason, _ := strings.Cut(w, " # ")
				gotHead, gotReason, _ := strings.Cut(gotFailures[i], " # ")
				assert.Equal(t, wantHead, gotHead, "failure %d", i)
				if wantReason == "" {
					assert.Empty(t, gotReason, "failure %d", i)
				} else {
					assert.Contains(t, gotReason, wantReason, "failure %d", i)
				}
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

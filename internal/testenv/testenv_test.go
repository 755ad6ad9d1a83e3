package testenv

import (
	"testing"
)

// recorder is a testing.TB that records how a check ended.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped = true
	r.msg = args[0].(string)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	r.msg = format
}

func TestNeedTool(t *testing.T) {
	for _, c := range []struct {
		ci                    string
		tool                  string
		wantSkip, wantFailure bool
	}{
		{"", "go", false, false},
		{"true", "go", false, false},
		{"", "blastgate-no-such-tool", true, false},
		{"true", "blastgate-no-such-tool", false, true},
	} {
		t.Setenv("CI", c.ci)
		r := &recorder{TB: t}
		NeedTool(r, "testing", c.tool)
		if r.skipped != c.wantSkip || r.failed != c.wantFailure {
			t.Errorf("CI=%q %s: skipped %v, failed %v (%s); want skipped %v, failed %v", c.ci, c.tool, r.skipped, r.failed, r.msg, c.wantSkip, c.wantFailure)
		}
	}
}

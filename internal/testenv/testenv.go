// Package testenv lets a test say which tools it needs from the machine.
// Outside CI a missing tool skips the test, as on a developer's laptop
// without it; under CI=true (GitHub Actions and .ci/run set it) it fails
// the test, so a CI machine that lacks a tool cannot pass by skipping.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// NeedTool skips t, or fails it under CI, unless each named program is on
// PATH. why says what the test needs it for.
func NeedTool(t testing.TB, why string, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			Missing(t, name+" is not installed ("+why+")")
		}
	}
}

// Missing skips t, or fails it under CI, because of what msg says is
// missing from the machine.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s; CI=true: install it (see .ci/run)", msg)
		return
	}
	t.Skip(msg)
}

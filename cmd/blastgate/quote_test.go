package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestShellQuote checks that printed command lines can be pasted into a
// shell: what a shell would read otherwise is quoted, quotes included.
func TestShellQuote(t *testing.T) {
	got := shellQuote([]string{"test", "-json", "-run", "^(TestA|TestB)$", "./billing", "-tags=a,b", "main", "it's", "", "a b", "^TestX"})
	assert.Equal(t, []string{"test", "-json", "-run", "'^(TestA|TestB)$'", "./billing", "-tags=a,b", "main", `'it'\''s'`, "''", "'a b'", "'^TestX'"}, got)
}

package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyRequireStampedResults(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("policy:\n  proof: lines\n"))
	require.NoError(t, err)
	assert.False(t, cfg.RequireStampedResults, "unstamped results are a warning by default")

	cfg, err = Parse("c.yaml", []byte("policy:\n  require_stamped_results: true\n"))
	require.NoError(t, err)
	assert.True(t, cfg.RequireStampedResults)

	cfg, err = Parse("c.yaml", []byte("policy:\n  require_stamped_results: false\n"))
	require.NoError(t, err)
	assert.False(t, cfg.RequireStampedResults)

	for _, v := range []string{`"true"`, "yes please", "1", "[true]"} {
		_, err = Parse("c.yaml", []byte("policy:\n  require_stamped_results: "+v+"\n"))
		require.Error(t, err, v)
		assert.Regexp(t, `^c\.yaml:2: require_stamped_results must be true or false, not .*; use true or false$`, err.Error())
	}
}

package owners

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func reader(files map[string]string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("not found")
	}
}

func TestOwners(t *testing.T) {
	r, err := Load(reader(map[string]string{
		"CODEOWNERS": "* @org/fallback\n",
		".github/CODEOWNERS": `# GitHub reads this one first.
*                 @org/everyone
/billing/         @org/billing
prepaid/*.go      @org/payments pay-lead@example.com
docs/*            @org/docs
/web/generated/
`,
	}))
	require.NoError(t, err)
	assert.Equal(t, ".github/CODEOWNERS", r.Path)
	assert.Equal(t, []string{"@org/billing"}, r.For("billing/fee.go"), "the last matching rule wins")
	assert.Equal(t, []string{"@org/payments", "pay-lead@example.com"}, r.For("prepaid/token.go"))
	assert.Equal(t, []string{"@org/everyone"}, r.For("docs/a/b.md"), "docs/* is not recursive")
	assert.Empty(t, r.For("web/generated/x.go"), "a rule without owners leaves the path unowned")
	assert.Equal(t, []string{"@org/payments", "pay-lead@example.com", "@org/billing"}, r.For("prepaid/token.go", "billing/fee.go", "prepaid/x.go"))
}

func TestNoCodeowners(t *testing.T) {
	r, err := Load(reader(nil))
	require.NoError(t, err)
	assert.Empty(t, r.Path)
	assert.Empty(t, r.For("a.go"))
}

func TestBadCodeowners(t *testing.T) {
	_, err := Load(reader(map[string]string{"docs/CODEOWNERS": "*.go not-an-owner\n"}))
	require.ErrorContains(t, err, "docs/CODEOWNERS")
}

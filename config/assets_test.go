package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAssets(t *testing.T) {
	data := `assets:
  - files: ["web/templates/**", "static/*.css"]
    packages: [example.com/shop/web]
  - files: [config/prices.json]
    features: ["POST /token/buy"]
`
	cfg, err := Parse("c.yaml", []byte(data))
	require.NoError(t, err)
	assert.Equal(t, []Asset{
		{Files: []string{"web/templates/**", "static/*.css"}, Packages: []string{"example.com/shop/web"}, Line: 2},
		{Files: []string{"config/prices.json"}, Features: []string{"POST /token/buy"}, Line: 4},
	}, cfg.Assets)
}

func TestParseAssetsErrors(t *testing.T) {
	for _, c := range []struct {
		name, data, problem string
		line                int
	}{
		{"not a list", "assets: web/**\n", "assets must be a list, not the string", 1},
		{"item not a mapping", "assets:\n  - web/**\n", "an asset must be a mapping", 2},
		{"unknown key", "assets:\n  - files: [a]\n    package: [x]\n", `unknown asset key "package"`, 3},
		{"no files", "assets:\n  - packages: [example.com/m/web]\n", "asset has no files", 2},
		{"no target", "assets:\n  - files: [a.txt]\n", "asset for a.txt maps to no package and no feature", 2},
		{"bad glob", "assets:\n  - files:\n      - ok/*\n      - \"web/[\"\n    packages: [x]\n", `assets: "web/[" is not a valid pattern`, 4},
		{"absolute glob", "assets:\n  - files: [/etc/x]\n    packages: [x]\n", `assets: "/etc/x" is not relative`, 2},
		{"glob outside", "assets:\n  - files: [../x]\n    packages: [x]\n", `assets: "../x" is not a clean path inside the repository`, 2},
		{"partial **", "assets:\n  - files: [\"web/**.html\"]\n    packages: [x]\n", "uses ** inside a path element", 2},
		{"empty package", "assets:\n  - files: [a]\n    packages: [\"\"]\n", "packages must be a list of non-empty strings", 3},
		{"spaced feature", "assets:\n  - files: [a]\n    features: [\" GET /x\"]\n", "has spaces around it", 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(c.data))
			require.Error(t, err)
			var ce *Error
			require.True(t, errors.As(err, &ce), "%T", err)
			assert.Contains(t, ce.Problem, c.problem)
			assert.Equal(t, c.line, ce.Line, err.Error())
		})
	}
}

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blastgate/blastgate/internal/example"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseValid(t *testing.T) {
	data := `# Features discovery cannot see.
features:
  - id: nightly-invoices
    entry: example.com/shop/billing.RunNightlyInvoices
    owners: ["@shop/billing", "@shop/oncall"]
    tier: critical

  - entry: example.com/shop/meter   # a whole package
    id: meter-sync
  - id: rollover
    entry: example.com/shop/billing.(*Service).Rollover
    owners: []
    tier: standard
`
	cfg, err := Parse("shop/.blastgate.yaml", []byte(data))
	require.NoError(t, err)
	assert.Equal(t, &Config{
		Path: "shop/.blastgate.yaml",
		Features: []Feature{
			{ID: "nightly-invoices", Entry: "example.com/shop/billing.RunNightlyInvoices",
				Owners: []string{"@shop/billing", "@shop/oncall"}, Tier: "critical", Line: 3},
			{ID: "meter-sync", Entry: "example.com/shop/meter", Tier: "standard", Line: 8},
			{ID: "rollover", Entry: "example.com/shop/billing.(*Service).Rollover",
				Owners: []string{}, Tier: "standard", Line: 10},
		},
	}, cfg)
}

func TestParseEmpty(t *testing.T) {
	for name, data := range map[string]string{
		"empty":         "",
		"blank":         "\n\n",
		"comments":      "# nothing declared yet\n",
		"document":      "---\n",
		"null":          "~\n",
		"null features": "features:\n",
		"no features":   "features: []\n",
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(data))
			require.NoError(t, err)
			assert.Equal(t, "c.yaml", cfg.Path)
			assert.Empty(t, cfg.Features)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data string
		line       int
		problem    string
	}{{
		name:    "syntax",
		data:    "features:\n  - id: a\n    owners: [@shop/billing]\n",
		line:    3,
		problem: "invalid YAML: found character that cannot start any token",
	}, {
		name:    "syntax unclosed quote",
		data:    "features:\n  - id: a\n    entry: 'x\n",
		line:    3,
		problem: "invalid YAML",
	}, {
		name:    "second document",
		data:    "features: []\n---\nfeatures: []\n",
		line:    2,
		problem: "a second YAML document",
	}, {
		name:    "not a mapping",
		data:    "- id: a\n",
		line:    1,
		problem: `must be a mapping with the key "features", not a list`,
	}, {
		name:    "unknown top-level key",
		data:    "features: []\nfeature:\n  - id: a\n",
		line:    2,
		problem: `unknown top-level key "feature" (allowed: features, waivers, policy, monitor, goos, build_tags, ignore, assets)`,
	}, {
		name:    "ignore not a list",
		data:    "ignore: examples\n",
		line:    1,
		problem: "ignore must be a list of strings",
	}, {
		name:    "ignore absolute",
		data:    "ignore:\n  - /examples\n",
		line:    2,
		problem: `ignore "/examples" is not a relative directory`,
	}, {
		name:    "ignore bad pattern",
		data:    "ignore: [\"tools/[a-\"]\n",
		line:    1,
		problem: `ignore "tools/[a-" is not a valid pattern`,
	}, {
		name:    "ignore outside the repository",
		data:    "ignore: [\"../other/...\"]\n",
		line:    1,
		problem: `ignore "../other/..." does not name a directory inside the repository`,
	}, {
		name:    "ignore everything",
		data:    "ignore: [\"...\"]\n",
		line:    1,
		problem: `ignore "..." does not name a directory inside the repository`,
	}, {
		name:    "duplicate top-level key",
		data:    "features: []\nfeatures: []\n",
		line:    2,
		problem: `key "features" appears twice (first at line 1)`,
	}, {
		name:    "features not a list",
		data:    "features:\n  id: a\n",
		line:    2,
		problem: "features must be a list, not a mapping",
	}, {
		name:    "feature not a mapping",
		data:    "features:\n  - nightly-invoices\n",
		line:    2,
		problem: `a feature must be a mapping, not the string "nightly-invoices"`,
	}, {
		name:    "unknown feature key",
		data:    "features:\n  - id: a\n    entry: example.com/a\n    tiers: critical\n",
		line:    4,
		problem: `unknown feature key "tiers" (allowed: id, entry, owners, tier, tests, monitor)`,
	}, {
		name:    "duplicate feature key",
		data:    "features:\n  - id: a\n    entry: example.com/a\n    id: b\n",
		line:    4,
		problem: `key "id" appears twice (first at line 2)`,
	}, {
		name:    "missing id",
		data:    "features:\n  - id: a\n    entry: example.com/a\n  - entry: example.com/b\n    tier: critical\n",
		line:    4,
		problem: "feature has no id",
	}, {
		name:    "null id",
		data:    "features:\n  - id:\n    entry: example.com/a\n",
		line:    2,
		problem: "feature has no id",
	}, {
		name:    "id not a string",
		data:    "features:\n  - id: 42\n    entry: example.com/a\n",
		line:    2,
		problem: "id must be a string, not the number 42",
	}, {
		name: "duplicate id",
		data: "features:\n  - id: a\n    entry: example.com/a\n" +
			"  - id: b\n    entry: example.com/b\n" +
			"  - entry: example.com/c\n    id: a\n",
		line:    7,
		problem: `duplicate feature id "a" (first at line 2)`,
	}, {
		name:    "bad test name",
		data:    "features:\n  - id: a\n    tests: [example.com/a.Helper]\n",
		line:    3,
		problem: `test "example.com/a.Helper" is not a package path and a Test function`,
	}, {
		name:    "waiver without reason",
		data:    "waivers:\n  - feature: GET /x\n    expires: 2026-12-31\n",
		line:    2,
		problem: `waiver for "GET /x" has no reason`,
	}, {
		name:    "waiver without expiry",
		data:    "waivers:\n  - feature: GET /x\n    reason: manual QA\n",
		line:    2,
		problem: `waiver for "GET /x" has no expiry date`,
	}, {
		name:    "waiver with a bad date",
		data:    "waivers:\n  - feature: GET /x\n    reason: manual QA\n    expires: next week\n",
		line:    4,
		problem: `expires "next week" is not a date`,
	}, {
		name:    "waiver without feature",
		data:    "waivers:\n  - reason: manual QA\n    expires: 2026-12-31\n",
		line:    2,
		problem: `waiver has no feature`,
	}, {
		name:    "unknown waiver key",
		data:    "waivers:\n  - feature: GET /x\n    reason: r\n    until: 2026-12-31\n",
		line:    4,
		problem: `unknown waiver key "until"`,
	}, {
		name:    "unknown evidence kind",
		data:    "policy:\n  critical_evidence: [request, vibes]\n",
		line:    2,
		problem: `unknown evidence kind "vibes"`,
	}, {
		name:    "unknown proof granularity",
		data:    "policy:\n  proof: branches\n",
		line:    2,
		problem: `unknown proof granularity "branches"`,
	}, {
		name:    "proof not a string",
		data:    "policy:\n  proof: [lines]\n",
		line:    2,
		problem: "proof must be a string, not a list",
	}, {
		name:    "entry not a string",
		data:    "features:\n  - id: a\n    entry: [example.com/a]\n",
		line:    3,
		problem: "entry must be a string, not a list",
	}, {
		name:    "entry with a space",
		data:    "features:\n  - id: a\n    entry: example.com/a Run\n",
		line:    3,
		problem: `entry "example.com/a Run" contains a space`,
	}, {
		name:    "bad tier",
		data:    "features:\n  - id: a\n    entry: example.com/a\n    tier: high\n",
		line:    4,
		problem: `unknown tier "high"`,
	}, {
		name:    "tier not a string",
		data:    "features:\n  - id: a\n    entry: example.com/a\n    tier: 1\n",
		line:    4,
		problem: "tier must be a string, not the number 1",
	}, {
		name:    "owners a string",
		data:    "features:\n  - id: a\n    entry: example.com/a\n    owners: \"@shop/billing\"\n",
		line:    4,
		problem: `owners must be a list of strings, not the string "@shop/billing"`,
	}, {
		name:    "owners with a number",
		data:    "features:\n  - id: a\n    entry: example.com/a\n    owners:\n      - \"@shop/billing\"\n      - 7\n",
		line:    6,
		problem: "owners must be a list of non-empty strings, but has the number 7",
	}, {
		name:    "owners with a mapping",
		data:    "features:\n  - id: a\n    entry: example.com/a\n    owners: [{team: billing}]\n",
		line:    4,
		problem: "owners must be a list of non-empty strings, but has a mapping",
	}, {
		name:    "goos not a list",
		data:    "goos: windows\n",
		line:    1,
		problem: `goos must be a list of strings, not the string "windows"`,
	}, {
		name:    "unknown goos",
		data:    "goos:\n  - windows\n  - win64\n",
		line:    3,
		problem: `unknown GOOS "win64"`,
	}, {
		name:    "unknown goos/goarch",
		data:    "goos: [windows/arm]\n",
		line:    1,
		problem: `unknown GOOS/GOARCH "windows/arm"`,
	}, {
		name:    "goos twice",
		data:    "goos: [windows, darwin, windows]\n",
		line:    1,
		problem: `goos lists "windows" twice`,
	}, {
		name:    "goos empty item",
		data:    "goos: [\"\"]\n",
		line:    1,
		problem: "goos must be a list of non-empty strings, but has an empty string",
	}, {
		name:    "build_tags not a list",
		data:    "build_tags: integration\n",
		line:    1,
		problem: `build_tags must be a list of strings, not the string "integration"`,
	}, {
		name:    "build_tags with a space",
		data:    "build_tags:\n  - integration\n  - netgo osusergo\n",
		line:    3,
		problem: `build tag set "netgo osusergo" has a space`,
	}, {
		name:    "build_tags with a bad tag",
		data:    "build_tags: [\"netgo,,osusergo\"]\n",
		line:    1,
		problem: `build tag set "netgo,,osusergo" has an invalid tag ""`,
	}, {
		name:    "build_tags with a nested list",
		data:    "build_tags: [[netgo, osusergo]]\n",
		line:    1,
		problem: "build_tags must be a list of non-empty strings, but has a list",
	}, {
		name:    "build_tags twice",
		data:    "build_tags: [\"a,b\", \"b,a\"]\n",
		line:    1,
		problem: `build_tags lists the tag set "b,a" twice`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("repo/.blastgate.yaml", []byte(tt.data))
			require.Error(t, err)
			assert.Nil(t, cfg)
			var first *Error
			require.True(t, errors.As(err, &first), "%T is not *Error", err)
			// The problem is among those reported, each on its own line.
			var ce *Error
			for _, p := range Problems(err) {
				if strings.Contains(p.Problem, tt.problem) {
					ce = p
				}
			}
			require.NotNil(t, ce, "%q not among %v", tt.problem, err)
			assert.Equal(t, "repo/.blastgate.yaml", ce.File)
			assert.Equal(t, tt.line, ce.Line, ce.Error())
			assert.NotEmpty(t, ce.Fix, "the error must say what to do")
			assert.Contains(t, strings.Split(err.Error(), "\n"), "repo/.blastgate.yaml:"+strconv.Itoa(tt.line)+": "+ce.Problem+"; "+ce.Fix)
			if len(Problems(err)) == 1 {
				assert.NotContains(t, err.Error(), "\n")
			}
		})
	}
}

func TestBuilds(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("goos: [windows, js, linux/arm64]\nbuild_tags: [integration, \"netgo,osusergo\"]\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"windows", "js", "linux/arm64"}, cfg.Platforms)
	assert.Equal(t, [][]string{{"integration"}, {"netgo", "osusergo"}}, cfg.BuildTags)
	assert.Equal(t, []Build{
		{Tags: []string{"integration"}},
		{Tags: []string{"netgo", "osusergo"}},
		{GOOS: "windows", GOARCH: "amd64"},
		{GOOS: "windows", GOARCH: "amd64", Tags: []string{"integration"}},
		{GOOS: "windows", GOARCH: "amd64", Tags: []string{"netgo", "osusergo"}},
		{GOOS: "js", GOARCH: "wasm"}, // js has no amd64: its only architecture
		{GOOS: "js", GOARCH: "wasm", Tags: []string{"integration"}},
		{GOOS: "js", GOARCH: "wasm", Tags: []string{"netgo", "osusergo"}},
		{GOOS: "linux", GOARCH: "arm64"},
		{GOOS: "linux", GOARCH: "arm64", Tags: []string{"integration"}},
		{GOOS: "linux", GOARCH: "arm64", Tags: []string{"netgo", "osusergo"}},
	}, cfg.Builds("amd64"))

	cfg, err = Parse("c.yaml", []byte("features: []\n"))
	require.NoError(t, err)
	assert.Empty(t, cfg.Builds("amd64"), "no configuration: the default build only")
}

func TestIgnored(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("ignore: [\"examples/...\", \"tools/*\", cmd/debug]\n"))
	require.NoError(t, err)
	for file, want := range map[string]bool{
		"examples/main.go":        true,
		"examples/chat/server.go": true,
		"tools/gen/main.go":       true,
		"tools/gen/sub/main.go":   false, // * is one element
		"tools/main.go":           false,
		"cmd/debug/main.go":       true,
		"cmd/debug/sub/main.go":   false,
		"cmd/shopd/main.go":       false,
		"internal/examples/x.go":  false, // relative to the root
		"examplesextra/main.go":   false,
		"main.go":                 false,
	} {
		assert.Equal(t, want, cfg.Ignored(file), file)
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{File: ".blastgate.yaml", Line: 4, Problem: `unknown tier "high"`, Fix: "use one of critical, standard"}
	assert.Equal(t, `.blastgate.yaml:4: unknown tier "high"; use one of critical, standard`, e.Error())
	e = &Error{File: "x.yaml", Problem: "config file does not exist"}
	assert.Equal(t, "x.yaml: config file does not exist", e.Error())
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, File)

	cfg, err := Load(missing, true)
	require.NoError(t, err)
	assert.Equal(t, &Config{Path: missing}, cfg)

	_, err = Load(missing, false)
	var ce *Error
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, missing, ce.File)
	assert.Contains(t, ce.Problem, "does not exist")

	_, err = Load(dir, true) // a directory is not a missing file
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Contains(t, ce.Problem, "cannot read")

	data := "features:\n  - id: nightly-invoices\n    entry: example.com/shop/billing.RunNightlyInvoices\n    owners: [\"@shop/billing\"]\n    tier: critical\n"
	require.NoError(t, os.WriteFile(missing, []byte(data), 0o644))
	cfg, err = Load(missing, false)
	require.NoError(t, err)
	require.Len(t, cfg.Features, 1)
	assert.Equal(t, Feature{ID: "nightly-invoices", Entry: "example.com/shop/billing.RunNightlyInvoices",
		Owners: []string{"@shop/billing"}, Tier: TierCritical, Line: 2}, cfg.Features[0])

	require.NoError(t, os.WriteFile(missing, []byte("waivers:\n  - feature: a\n    expires: 2026-01-01\n"), 0o644))
	_, err = Load(missing, true)
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, missing+":2: "+ce.Problem+"; "+ce.Fix, err.Error())
}

// TestShopConfig checks the config of the bundled example.
func TestShopConfig(t *testing.T) {
	cfg, err := Parse(File, example.Files()[File])
	require.NoError(t, err)
	assert.Equal(t, []Feature{
		{ID: "nightly-invoices", Entry: "example.com/shop/billing.RunNightlyInvoices", Owners: []string{"@shop/billing"}, Tier: TierCritical, Line: 3},
		{ID: "POST /token/buy", Owners: []string{"@shop/payments"}, Tier: TierCritical, Line: 8},
		{ID: "cmd/shopd", Tier: TierStandard, Tests: []TestRef{{Package: "example.com/shop/web", Name: "TestRoutes"}}, Line: 11},
	}, cfg.Features)
}

// TestFullConfig parses every section.
func TestFullConfig(t *testing.T) {
	data := `features:
  - id: nightly
    entry: example.com/m/billing.Run
    tests: [example.com/m/billing.TestRun]
  - id: POST /token/buy
    tier: critical
    owners: ["@shop/payments"]
    monitor: https://grafana.example.com/d/tokens
waivers:
  - feature: GET /account
    reason: "covered by manual QA until #123"
    expires: 2026-12-31
policy:
  critical_evidence: [request, coverage]
monitor: "https://grafana.example.com/d/shop?var-feature={id}"
`
	cfg, err := Parse("c.yaml", []byte(data))
	require.NoError(t, err)
	require.Len(t, cfg.Features, 2)
	assert.Equal(t, []TestRef{{Package: "example.com/m/billing", Name: "TestRun"}}, cfg.Features[0].Tests)
	assert.Equal(t, "", cfg.Features[1].Entry, "an item without entry annotates a discovered feature")
	assert.Equal(t, TierCritical, cfg.Features[1].Tier)
	require.Len(t, cfg.Waivers, 1)
	w := cfg.Waivers[0]
	assert.Equal(t, "GET /account", w.Feature)
	assert.Equal(t, "covered by manual QA until #123", w.Reason)
	assert.False(t, w.Expired(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)), "a waiver holds through its last day")
	assert.True(t, w.Expired(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, []string{"request", "coverage"}, cfg.CriticalEvidence)
	assert.Equal(t, "", cfg.Proof, "the default granularity: declaration")
	assert.Equal(t, "https://grafana.example.com/d/tokens", cfg.MonitorFor("POST /token/buy"), "a feature's own monitor wins")
	assert.Equal(t, "https://grafana.example.com/d/shop?var-feature=GET+%2Faccount", cfg.MonitorFor("GET /account"))
	assert.Equal(t, "", (&Config{}).MonitorFor("x"))

	_, err = Parse("c.yaml", []byte("monitor: grafana/d/x\n"))
	require.ErrorContains(t, err, `c.yaml:1: monitor "grafana/d/x" is not an http(s) URL`)
}

func TestPolicyProof(t *testing.T) {
	for _, v := range []string{ProofLines, ProofDeclaration} {
		cfg, err := Parse("c.yaml", []byte("policy:\n  proof: "+v+"\n  critical_evidence: [request]\n"))
		require.NoError(t, err)
		assert.Equal(t, v, cfg.Proof)
		assert.Equal(t, []string{"request"}, cfg.CriticalEvidence)
	}
	_, err := Parse("c.yaml", []byte("policy:\n  proof: line\n"))
	require.EqualError(t, err, `c.yaml:2: unknown proof granularity "line"; use declaration, lines`)
}

// TestParseEveryProblem: a file with several problems reports them all in
// one error, one per line with file and line, sorted by line; each is a
// *Error of its own.
func TestParseEveryProblem(t *testing.T) {
	data := `waivers:
  - feature: GET /x
    expires: 2026-13-01
features:
  - id: a
    tier: gold
colour: blue
`
	cfg, err := Parse("c.yaml", []byte(data))
	require.Error(t, err)
	assert.Nil(t, cfg)
	assert.Equal(t, `4 problems in c.yaml:
c.yaml:2: waiver for "GET /x" has no reason; say why the feature may ship untested
c.yaml:3: expires "2026-13-01" is not a date; write the last day it holds as YYYY-MM-DD
c.yaml:6: unknown tier "gold"; use one of critical, standard
c.yaml:7: unknown top-level key "colour" (allowed: `+list(topKeys)+`); remove it or correct its spelling`, err.Error())
	problems := Problems(err)
	require.Len(t, problems, 4)
	var ce *Error
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, 2, ce.Line, "errors.As finds the first problem")
}

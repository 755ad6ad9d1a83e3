package policy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/config"
)

func parseConfig(t *testing.T, data string) *config.Config {
	t.Helper()
	cfg, err := config.Parse(config.File, []byte(data))
	require.NoError(t, err)
	return cfg
}

// TestPolicyConfigDeclared: the base's items keep their owners and tier
// and may name what the change deleted; the head's add features, with no
// owners, and may only raise a tier.
func TestPolicyConfigDeclared(t *testing.T) {
	pc := &Policy{
		base: parseConfig(t, "features:\n  - id: a\n    entry: m/p.A\n    owners: [\"@base\"]\n  - id: b\n    tier: critical\n"),
		head: parseConfig(t, "features:\n  - id: a\n    entry: m/p.A\n    owners: [\"@head\"]\n    tier: critical\n  - id: b\n  - id: c\n    entry: m/p.C\n    owners: [\"@evil\"]\n"),
	}
	assert.Equal(t, []analyzer.DeclaredFeature{
		{ID: "a", Entry: "m/p.A", Tier: "critical", Owners: []string{"@base"}, Where: ".blastgate.yaml:2"},
		{ID: "b", Tier: "critical", Where: ".blastgate.yaml:6"},
		{ID: "c", Entry: "m/p.C", Tier: "standard", Where: ".blastgate.yaml:7"},
	}, pc.Declared())

	// Items only the base has are optional.
	pc.head = parseConfig(t, "")
	for _, d := range pc.Declared() {
		assert.True(t, d.Optional, d.ID)
	}
}

// TestPolicyConfigIgnored: hidden only what both ignore.
func TestPolicyConfigIgnored(t *testing.T) {
	pc := &Policy{
		base: parseConfig(t, "ignore: [\"examples/...\"]\n"),
		head: parseConfig(t, "ignore: [\"examples/...\", \"web\"]\n"),
	}
	assert.True(t, pc.Ignored("examples/demo/main.go"))
	assert.False(t, pc.Ignored("web/routes.go"), "a head-only pattern hides nothing")
	pc.head = parseConfig(t, "")
	assert.False(t, pc.Ignored("examples/demo/main.go"), "the head may stop ignoring")
}

// TestPolicyConfigBuilds: the builds of either configuration.
func TestPolicyConfigBuilds(t *testing.T) {
	pc := &Policy{
		base: parseConfig(t, "goos: [windows]\nbuild_tags: [\"a,b\"]\n"),
		head: parseConfig(t, "goos: [windows, darwin/arm64]\nbuild_tags: [\"b,a\", integration]\n"),
	}
	want := config.Config{Platforms: []string{"windows", "darwin/arm64"}, BuildTags: [][]string{{"a", "b"}, {"integration"}}}
	assert.Equal(t, want.Builds("amd64"), pc.builds("amd64"))
}

// TestPolicyConfigPolicy: waivers, evidence and proof from the base only.
func TestPolicyConfigPolicy(t *testing.T) {
	pc := &Policy{
		base: parseConfig(t, "policy:\n  critical_evidence: [request]\n"),
		head: parseConfig(t, "waivers:\n  - feature: a\n    reason: r\n    expires: 2099-01-01\npolicy:\n  proof: lines\n"),
	}
	p := pc.Gate()
	assert.Empty(t, p.Waivers)
	assert.False(t, p.ProofLines)
	assert.Equal(t, []string{"request"}, p.CriticalEvidence)
}

// TestPolicyConfigDeclaredTests: credit from the base's tests:; the
// head's must exist; a base test the change deleted is a warning.
func TestPolicyConfigDeclaredTests(t *testing.T) {
	known := []analyzer.TestRef{{Package: "m/p", Name: "TestA"}, {Package: "m/p", Name: "TestB"}}
	pc := &Policy{
		base: parseConfig(t, "features:\n  - id: a\n    tests: [m/p.TestA, m/p.TestGone]\n"),
		head: parseConfig(t, "features:\n  - id: a\n    tests: [m/p.TestA, m/p.TestB]\n"),
	}
	got, warnings, err := pc.DeclaredTests(known)
	require.NoError(t, err)
	assert.Equal(t, map[string][]analyzer.TestRef{"a": {{Package: "m/p", Name: "TestA"}}}, got)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "m/p.TestGone")

	pc.head = parseConfig(t, "features:\n  - id: a\n    tests: [m/p.TestNope]\n")
	_, _, err = pc.DeclaredTests(known)
	require.ErrorContains(t, err, ".blastgate.yaml:2: feature \"a\": configured test m/p.TestNope does not exist")
}

// TestAttrCalls: the base's declarations a test function makes in its
// own body: literals and package constants; nothing else.
func TestAttrCalls(t *testing.T) {
	src := `package p
const page = "GET /a"
func TestX(t *testing.T) {
	t.Attr("feature", "POST /b")
	t.Attr("feature", page)
	t.Attr("owner", "x")
	t.Attr("feature", dynamic())
	t.Run("sub", func(t *testing.T) { t.Attr("feature", "GET /c") })
}`
	f, err := parser.ParseFile(token.NewFileSet(), "x_test.go", src, 0)
	require.NoError(t, err)
	consts := map[string]string{}
	stringConsts(f, consts)
	body := f.Decls[1].(*ast.FuncDecl).Body
	assert.Equal(t, []string{"POST /b", "GET /a", "GET /c"}, attrCalls(body, consts))
}

package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

func mustParse(t *testing.T, data string) *Config {
	t.Helper()
	cfg, err := Parse(File, []byte(data))
	require.NoError(t, err)
	return cfg
}

const diffBase = `features:
  - id: nightly
    entry: example.com/shop/billing.Nightly
    owners: ["@shop/billing"]
    tier: critical
    tests: [example.com/shop/billing.TestNightly]
  - id: POST /token/buy
    tier: critical
  - id: GET /old
waivers:
  - feature: GET /account
    reason: manual QA
    expires: 2026-12-31
policy:
  critical_evidence: [request]
monitor: "https://grafana.example.com/d/shop?var-feature={id}"
ignore: ["examples/..."]
`

func TestDiffNone(t *testing.T) {
	assert.Equal(t, []report.PolicyChange{}, Diff(mustParse(t, diffBase), mustParse(t, diffBase)))
}

// TestDiff: each kind of change the head makes to the base's policy, in
// the report's order (what relaxes the gate most first).
func TestDiff(t *testing.T) {
	head := `features:
  - id: nightly
    entry: example.com/shop/billing.RunNightly
    owners: ["@evil"]
    tests: [example.com/shop/billing.TestOther]
    monitor: "https://evil.example/{id}"
  - id: POST /token/buy
    tier: critical
    tests: [example.com/shop/account.TestProfile]
  - id: fee-report
    entry: example.com/shop/billing.Fee
waivers:
  - feature: GET /account
    reason: manual QA
    expires: 2099-12-31
  - feature: POST /token/buy
    reason: trust me
    expires: 2099-12-31
policy:
  proof: lines
ignore: ["examples/...", "web"]
`
	got := Diff(mustParse(t, diffBase), mustParse(t, head))
	want := []report.PolicyChange{
		{Kind: "policy", Change: "removed", Subject: "policy: critical_evidence", Detail: "[request]"},
		{Kind: "policy", Change: "added", Subject: "policy: proof", Detail: "lines"},
		{Kind: "waiver", Change: "changed", Subject: "GET /account", Detail: "expires 2026-12-31: manual QA → expires 2099-12-31: manual QA"},
		{Kind: "waiver", Change: "added", Subject: "POST /token/buy", Detail: "expires 2099-12-31: trust me"},
		{Kind: "declared-test", Change: "added", Subject: "POST /token/buy", Detail: "example.com/shop/account.TestProfile"},
		{Kind: "declared-test", Change: "added", Subject: "nightly", Detail: "example.com/shop/billing.TestOther"},
		{Kind: "declared-test", Change: "removed", Subject: "nightly", Detail: "example.com/shop/billing.TestNightly"},
		{Kind: "ignore", Change: "added", Subject: "web"},
		{Kind: "feature", Change: "removed", Subject: "GET /old", Detail: "annotates a discovered feature"},
		{Kind: "feature", Change: "added", Subject: "fee-report", Detail: "entry example.com/shop/billing.Fee"},
		{Kind: "feature", Change: "changed", Subject: "nightly", Detail: "entry example.com/shop/billing.Nightly → entry example.com/shop/billing.RunNightly"},
		{Kind: "tier", Change: "changed", Subject: "nightly", Detail: "critical → standard"},
		{Kind: "owners", Change: "changed", Subject: "nightly", Detail: "@shop/billing → @evil"},
		{Kind: "monitor", Change: "removed", Subject: "monitor", Detail: "https://grafana.example.com/d/shop?var-feature={id}"},
		{Kind: "monitor", Change: "added", Subject: "nightly", Detail: "https://evil.example/{id}"},
	}
	assert.Equal(t, want, got)
}

// TestDiffNoBase: a base without a configuration file; everything the
// head has is added, the file first.
func TestDiffNoBase(t *testing.T) {
	got := Diff(nil, mustParse(t, "waivers:\n  - feature: a\n    reason: r\n    expires: 2099-01-01\n"))
	assert.Equal(t, []report.PolicyChange{
		{Kind: "policy", Change: "added", Subject: File, Detail: "the base has no configuration file: nothing in it relaxes the gate before it merges"},
		{Kind: "waiver", Change: "added", Subject: "a", Detail: "expires 2099-01-01: r"},
	}, got)
}

// TestDiffAnyPolicyKey: a change to any key of policy: is listed, those
// added after this test was written too.
func TestDiffAnyPolicyKey(t *testing.T) {
	base, head := mustParse(t, ""), mustParse(t, "")
	base.policyText = map[string]string{"require_stamped_results": "true"}
	head.policyText = map[string]string{"require_stamped_results": "false"}
	assert.Equal(t, []report.PolicyChange{{Kind: "policy", Change: "changed", Subject: "policy: require_stamped_results", Detail: "true → false"}}, Diff(base, head))
}

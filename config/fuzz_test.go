package config

import (
	"slices"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"# nothing yet\n",
		"---\n",
		"~\n",
		"features: []\n",
		`features:
  - id: nightly-invoices
    entry: example.com/shop/billing.RunNightlyInvoices
    owners: ["@shop/billing"]
    tier: critical
    tests: [example.com/shop/billing.TestNightly]
    monitor: "https://grafana.example.com/d/x?var-feature={id}"
  - id: POST /token/buy
    tier: standard
waivers:
  - feature: GET /account
    reason: "manual QA until #123"
    expires: 2026-12-31
policy:
  critical_evidence: [request, coverage]
monitor: "https://grafana.example.com/d/shop?var-feature={id}"
`,
		"features:\n  - &a {id: x}\n  - *a\n",
		"features:\n  - id: a\n    <<: {tier: critical}\n",
		"base: &b {id: a}\nfeatures: [*b]\n",
		"features:\n  - id: a\n    owners: [@shop/billing]\n",
		"features:\n  - id: a\n    entry: 'x\n",
		"features: []\n---\nfeatures: []\n",
		"- id: a\n",
		"features:\n  - id: a\n  - id: a\n",
		"features:\n  - entry: example.com/a\n",
		"features:\n  - id: a\n    tests: [TestA]\n",
		"features:\n  - id: a\n    tier: 1\n",
		"features:\n  - id: a\n    monitor: ftp://x\n",
		"waivers:\n  - feature: a\n    reason: \"  \"\n    expires: 2026-01-01\n",
		"waivers:\n  - feature: a\n    reason: r\n    expires: tomorrow\n",
		"waivers:\n  - feature: a\n    reason: r\n",
		"policy:\n  critical_evidence: [hope]\n",
		"features: !!map {}\n",
		"features:\n  - id: |\n      multi\n      line\n",
		"features:\n  - id: \"a\\nb\"\n    entry: \"x\\ny\"\n",
		"\t- x",
		"{",
		"features: [\n",
		"? [a]\n: b\n",
	} {
		f.Add([]byte(seed))
	}
	const name = "dir/.blastgate.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(name, data)
		if err != nil {
			if cfg != nil {
				t.Fatalf("config %+v with error %v", cfg, err)
			}
			problems := Problems(err)
			if len(problems) == 0 {
				t.Fatalf("error %T %v holds no *config.Error", err, err)
			}
			for _, p := range problems {
				msg := p.Error()
				if strings.ContainsAny(msg, "\n\r") {
					t.Fatalf("problem is not a single line: %q", msg)
				}
				if !strings.HasPrefix(msg, name+":") {
					t.Fatalf("problem does not start with the file name: %q", msg)
				}
			}
			if lines := strings.Split(err.Error(), "\n"); len(problems) > 1 && len(lines) != len(problems)+1 {
				t.Fatalf("%d problems in %d lines: %q", len(problems), len(lines), err)
			}
			return
		}
		if cfg == nil || cfg.Path != name {
			t.Fatalf("bad config %+v", cfg)
		}
		ids := map[string]bool{}
		for _, feat := range cfg.Features {
			if feat.ID == "" {
				t.Fatalf("feature without an id: %+v", feat)
			}
			if ids[feat.ID] {
				t.Fatalf("duplicate feature id %q", feat.ID)
			}
			ids[feat.ID] = true
			if feat.Tier != TierCritical && feat.Tier != TierStandard {
				t.Fatalf("feature %q has tier %q", feat.ID, feat.Tier)
			}
			if strings.ContainsFunc(feat.Entry, isSpace) {
				t.Fatalf("feature %q has entry %q", feat.ID, feat.Entry)
			}
			for _, ref := range feat.Tests {
				if ref.Package == "" || !strings.HasPrefix(ref.Name, "Test") {
					t.Fatalf("feature %q has test %+v", feat.ID, ref)
				}
			}
		}
		for _, w := range cfg.Waivers {
			if w.Feature == "" || strings.TrimSpace(w.Reason) == "" || w.Expires.IsZero() {
				t.Fatalf("incomplete waiver %+v", w)
			}
		}
		for _, e := range cfg.CriticalEvidence {
			if !slices.Contains(evidenceKind, e) {
				t.Fatalf("unknown evidence kind %q", e)
			}
		}
	})
}

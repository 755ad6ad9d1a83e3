package config

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastgate/blastgate/report"
)

// Diff lists what head changes in the policy that base holds: waivers,
// declared features and tests, tiers, owners, monitors, the policy block
// and ignore patterns. (goos: and build_tags: are no policy: the gate
// analyses the builds of both.) A nil base is a base without a
// configuration file.
func Diff(base, head *Config) []report.PolicyChange {
	var d differ
	if base == nil {
		d.add(report.PolicyPolicy, report.ChangeAdded, head.Path, "the base has no configuration file: nothing in it relaxes the gate before it merges")
		base = &Config{}
	}
	d.features(base, head)
	d.waivers(base.Waivers, head.Waivers)
	d.value(report.PolicyMonitor, "monitor", base.Monitor, head.Monitor)
	keys := slices.Sorted(maps.Keys(base.policyText))
	for k := range head.policyText {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		d.value(report.PolicyPolicy, "policy: "+k, base.policyText[k], head.policyText[k])
	}
	d.set(report.PolicyIgnore, "", base.Ignore, head.Ignore)
	return d.sorted()
}

// differ collects policy changes.
type differ struct{ out []report.PolicyChange }

func (d *differ) add(kind, change, subject, detail string) {
	d.out = append(d.out, report.PolicyChange{Kind: kind, Change: change, Subject: subject, Detail: detail})
}

// value compares one setting; "" is unset.
func (d *differ) value(kind, subject, base, head string) {
	switch {
	case base == head:
	case base == "":
		d.add(kind, report.ChangeAdded, subject, head)
	case head == "":
		d.add(kind, report.ChangeRemoved, subject, base)
	default:
		d.add(kind, report.ChangeChanged, subject, base+" → "+head)
	}
}

// set compares two lists item by item: subject names what they belong to
// ("" for a list of subjects, as ignore:).
func (d *differ) set(kind, subject string, base, head []string) {
	one := func(change, item string) {
		if subject == "" {
			d.add(kind, change, item, "")
			return
		}
		d.add(kind, change, subject, item)
	}
	for _, h := range head {
		if !slices.Contains(base, h) {
			one(report.ChangeAdded, h)
		}
	}
	for _, b := range base {
		if !slices.Contains(head, b) {
			one(report.ChangeRemoved, b)
		}
	}
}

func (d *differ) features(base, head *Config) {
	byID := func(c *Config) map[string]Feature {
		m := map[string]Feature{}
		for _, f := range c.Features {
			m[f.ID] = f
		}
		return m
	}
	b, h := byID(base), byID(head)
	for _, hf := range head.Features {
		bf, ok := b[hf.ID]
		if !ok {
			d.add(report.PolicyFeature, report.ChangeAdded, hf.ID, featureText(hf))
			d.set(report.PolicyDeclaredTest, hf.ID, nil, testNames(hf.Tests))
			continue
		}
		if bf.Entry != hf.Entry {
			d.add(report.PolicyFeature, report.ChangeChanged, hf.ID, featureText(bf)+" → "+featureText(hf))
		}
		d.value(report.PolicyTier, hf.ID, bf.Tier, hf.Tier)
		d.value(report.PolicyOwners, hf.ID, strings.Join(bf.Owners, " "), strings.Join(hf.Owners, " "))
		d.value(report.PolicyMonitor, hf.ID, bf.Monitor, hf.Monitor)
		d.set(report.PolicyDeclaredTest, hf.ID, testNames(bf.Tests), testNames(hf.Tests))
	}
	for _, bf := range base.Features {
		if _, ok := h[bf.ID]; !ok {
			d.add(report.PolicyFeature, report.ChangeRemoved, bf.ID, featureText(bf))
			d.set(report.PolicyDeclaredTest, bf.ID, testNames(bf.Tests), nil)
		}
	}
}

func (d *differ) waivers(base, head []Waiver) {
	text := func(ws []Waiver) map[string][]string {
		m := map[string][]string{}
		for _, w := range ws {
			m[w.Feature] = append(m[w.Feature], "expires "+w.Expires.Format("2006-01-02")+": "+w.Reason)
		}
		return m
	}
	b, h := text(base), text(head)
	for id, hw := range h {
		bw, ok := b[id]
		switch {
		case !ok:
			d.add(report.PolicyWaiver, report.ChangeAdded, id, strings.Join(hw, "; "))
		case !slices.Equal(slices.Sorted(slices.Values(bw)), slices.Sorted(slices.Values(hw))):
			d.add(report.PolicyWaiver, report.ChangeChanged, id, strings.Join(bw, "; ")+" → "+strings.Join(hw, "; "))
		}
	}
	for id, bw := range b {
		if _, ok := h[id]; !ok {
			d.add(report.PolicyWaiver, report.ChangeRemoved, id, strings.Join(bw, "; "))
		}
	}
}

// kindOrder orders the changes in a report: what relaxes the gate most
// first.
var kindOrder = []string{report.PolicyPolicy, report.PolicyWaiver, report.PolicyDeclaredTest, report.PolicyAttr,
	report.PolicyIgnore, report.PolicyFeature, report.PolicyTier, report.PolicyOwners, report.PolicyMonitor}

func (d *differ) sorted() []report.PolicyChange {
	out := d.out
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ka, kb := slices.Index(kindOrder, a.Kind), slices.Index(kindOrder, b.Kind); ka != kb {
			return ka < kb
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		if a.Change != b.Change {
			return a.Change < b.Change
		}
		return a.Detail < b.Detail
	})
	if out == nil {
		return []report.PolicyChange{}
	}
	return out
}

func featureText(f Feature) string {
	if f.Entry == "" {
		return "annotates a discovered feature"
	}
	return "entry " + f.Entry
}

func testNames(refs []TestRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.Package+"."+r.Name)
	}
	return out
}

// notePolicy keeps the value of a key of policy: as text, whatever the
// key: Diff reports a change to any of them.
func (c *Config) notePolicy(key string, v *yaml.Node) {
	var x any
	text := v.Value
	if err := v.Decode(&x); err == nil {
		text = fmt.Sprint(x)
	}
	if c.policyText == nil {
		c.policyText = map[string]string{}
	}
	c.policyText[key] = text
}

// Package config reads .blastgate.yaml: the features discovery cannot see
// (a scheduled job, a queue consumer, named by its entry function or
// package), what the team knows about discovered ones (tier, owners, the
// tests that cover them), waivers and the evidence policy.
//
//	features:
//	  - id: nightly-invoices                              # required, unique
//	    entry: example.com/shop/billing.RunNightlyInvoices # declares a feature
//	    owners: ["@shop/billing"]                          # optional
//	    tier: critical                                     # critical | standard (default)
//	    tests: [example.com/shop/billing.TestNightly]      # declared evidence
//	  - id: POST /token/buy                                # no entry: a discovered feature
//	    tier: critical
//	waivers:
//	  - feature: GET /account
//	    reason: "manual QA until #123"                     # required
//	    expires: 2026-12-31                                # required, YYYY-MM-DD
//	policy:
//	  critical_evidence: [request, coverage]               # what counts for critical features
//	  proof: lines                                         # coverage proof needs a changed line to run (default: declaration)
//	  require_stamped_results: true                        # results blastgate run did not stamp are an error, not a warning
//	monitor: "https://grafana.example.com/d/shop?var-feature={id}"  # dashboards; features may set their own monitor:
//	goos: [windows, darwin/arm64]                      # other builds to analyse: GOOS or GOOS/GOARCH
//	build_tags: [integration, "netgo,osusergo"]        # and tag sets, one build each (tags of a set comma-separated)
//	ignore: ["examples/...", "tools/*"]                # directories whose commands and routes are not product features
//
// An entry is a function (pkg.Func, pkg.Type.Method, pkg.(*Type).Method) or a
// package path; whether it exists is for the analyzer to decide, since only it
// has loaded the code.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// File is the default config file name at the repository root.
const File = ".blastgate.yaml"

// Proof granularities (policy: proof:).
const (
	ProofDeclaration = "declaration" // a changed function, method or initializer ran
	ProofLines       = "lines"       // a changed line ran
)

// Tiers.
const (
	TierCritical = "critical"
	TierStandard = "standard"
)

// Config is a parsed, valid config file.
type Config struct {
	// Path is the file the config was read from.
	Path     string
	Features []Feature
	Waivers  []Waiver
	// CriticalEvidence lists the evidence kinds that count for critical
	// features; empty means every kind.
	CriticalEvidence []string
	// Proof is what recorded coverage must show ran for a test to prove
	// a change: ProofDeclaration (the default, also for "") or ProofLines.
	Proof string
	// RequireStampedResults makes results without the stamp blastgate
	// run writes (binding them to a commit) an error instead of a warning.
	RequireStampedResults bool
	// Monitor is a dashboard URL template for every feature: "{id}" is
	// replaced by the feature's id, query-escaped.
	Monitor string
	// Platforms are the other targets to analyse a change under, as
	// "GOOS" or "GOOS/GOARCH", each a known pair of go tool dist list.
	Platforms []string
	// BuildTags are the tag sets to analyse a change under, each a
	// build of its own.
	BuildTags [][]string
	// Ignore are directories, relative to the repository root, whose
	// commands and routes are not product features (examples, tools,
	// test plugins): "examples/..." (the directory and everything under
	// it), "tools/*" (path.Match, one element per *), "cmd/debug".
	Ignore []string

	// policyText is each key of policy: as written, for Diff.
	policyText map[string]string
	// Assets map files read at run time to the packages or features
	// that read them (assets.go).
	Assets []Asset
}

// Ignored reports whether a file (relative to the repository root, with
// slashes) is in an ignored directory.
func (c *Config) Ignored(file string) bool {
	dir := path.Dir(file)
	for _, pat := range c.Ignore {
		if tree, ok := strings.CutSuffix(pat, "/..."); ok {
			for d := dir; d != "." && d != "/"; d = path.Dir(d) {
				if m, _ := path.Match(tree, d); m {
					return true
				}
			}
			continue
		}
		if m, _ := path.Match(pat, dir); m {
			return true
		}
	}
	return false
}

// Build is one build configuration besides the default: GOOS and
// GOARCH ("" keeps the default's) and tags.
type Build struct {
	GOOS, GOARCH string
	Tags         []string
}

// Builds returns the configured builds: every configured platform and
// the default one, each with no tags and with every tag set, less the
// default build itself. hostArch is the default GOARCH: a bare GOOS
// builds for it when go supports the pair, else for the GOOS's first
// architecture.
func (c *Config) Builds(hostArch string) []Build {
	platforms := []Build{{}}
	for _, p := range c.Platforms {
		goos, goarch, ok := strings.Cut(p, "/")
		if !ok {
			goarch = hostArch
			if !slices.Contains(platformList, goos+"/"+hostArch) {
				for _, known := range platformList {
					if strings.HasPrefix(known, goos+"/") {
						goarch = strings.TrimPrefix(known, goos+"/")
						break
					}
				}
			}
		}
		platforms = append(platforms, Build{GOOS: goos, GOARCH: goarch})
	}
	var out []Build
	for _, p := range platforms {
		if p.GOOS != "" {
			out = append(out, p)
		}
		for _, tags := range c.BuildTags {
			out = append(out, Build{GOOS: p.GOOS, GOARCH: p.GOARCH, Tags: tags})
		}
	}
	return out
}

// MonitorFor returns the dashboard to watch for a feature: its own, else
// the template's.
func (c *Config) MonitorFor(id string) string {
	for _, f := range c.Features {
		if f.ID == id && f.Monitor != "" {
			return f.Monitor
		}
	}
	if c.Monitor == "" {
		return ""
	}
	return strings.ReplaceAll(c.Monitor, "{id}", url.QueryEscape(id))
}

// Waiver lets a feature pass without a passing test until it expires.
type Waiver struct {
	Feature, Reason string
	// Expires is the last day the waiver holds.
	Expires time.Time
	Line    int
}

// Expired reports whether the waiver no longer holds on day now.
func (w Waiver) Expired(now time.Time) bool {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return today.After(w.Expires)
}

// TestRef is a test named in the config: Package is its import path.
type TestRef struct{ Package, Name string }

// Feature is one declared feature.
type Feature struct {
	// ID names the feature; with no Entry, it names a discovered feature
	// that this item annotates.
	ID, Entry string
	Owners    []string
	// Tests are tests that exercise the feature (declared evidence).
	Tests []TestRef
	// Monitor is the dashboard to watch after deploy.
	Monitor string
	// Tier is TierCritical or TierStandard (the default).
	Tier string
	// Line is the line of the item in the file.
	Line int
}

// Error is a problem in a config file.
type Error struct {
	File string
	// Line is 1-based; 0 when the problem is not on a particular line.
	Line    int
	Problem string
	// Fix says what to do about it.
	Fix string
}

// Error is "FILE:LINE: PROBLEM" followed by what to do, on one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": " + e.Problem)
	if e.Fix != "" {
		b.WriteString("; " + e.Fix)
	}
	return b.String()
}

var (
	topKeys      = []string{"features", "waivers", "policy", "monitor", "goos", "build_tags", "ignore", "assets"}
	featureKeys  = []string{"id", "entry", "owners", "tier", "tests", "monitor"}
	waiverKeys   = []string{"feature", "reason", "expires"}
	policyKeys   = []string{"critical_evidence", "proof", "require_stamped_results"}
	proofKinds   = []string{ProofDeclaration, ProofLines}
	evidenceKind = []string{"static", "request", "declared", "coverage"}
	tiers        = []string{TierCritical, TierStandard}
)

// Load reads and validates path. A missing file is NOT an error only when
// allowMissing is true (returns an empty Config).
func Load(path string, allowMissing bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if allowMissing {
				return &Config{Path: path}, nil
			}
			return nil, &Error{File: path, Problem: "config file does not exist", Fix: "create it or name an existing file"}
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Problem: "cannot read config file: " + err.Error(), Fix: "make it a readable file"}
	}
	return Parse(path, data)
}

// Parse validates data read from path (path used only in messages).
func Parse(path string, data []byte) (*Config, error) {
	p := &parser{file: path}
	cfg := &Config{Path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return cfg, nil // empty, or only comments
		}
		return nil, p.syntax(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, p.syntax(err)
		}
		return nil, p.errorf(extra.Line, "delete everything from this '---' on", "a second YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return cfg, nil
		}
		root = root.Content[0]
	}
	root = deref(root)
	if isNull(root) {
		return cfg, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root.Line, "start the file with 'features:'", "the file must be a mapping with the key %q, not %s", "features", describe(root))
	}
	p.mapping(root, topKeys, "top-level", func(key string, k, v *yaml.Node) {
		switch key {
		case "features":
			cfg.Features = p.features(v)
		case "waivers":
			cfg.Waivers = p.waivers(v)
		case "monitor":
			cfg.Monitor = p.url(k, v)
		case "goos":
			cfg.Platforms = p.platforms(k, v)
		case "build_tags":
			cfg.BuildTags = p.buildTags(k, v)
		case "ignore":
			cfg.Ignore = p.ignore(k, v)
		case "assets":
			cfg.Assets = p.assets(k, v)
		case "policy":
			p.mapping(v, policyKeys, "policy", func(key string, k, v *yaml.Node) {
				cfg.notePolicy(key, v)
				if key == "proof" {
					cfg.Proof = p.proof(k, v)
					return
				}
				if key == "require_stamped_results" {
					cfg.RequireStampedResults = p.boolean(k, v)
					return
				}
				cfg.CriticalEvidence = p.strings(k, v)
				for _, e := range cfg.CriticalEvidence {
					if !slices.Contains(evidenceKind, e) {
						p.fail(p.errorf(v.Line, "use "+list(evidenceKind), "unknown evidence kind %q", e))
					}
				}
			})
		}
	})
	if err := p.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// lineRE splits a yaml error message, "yaml: line 3: PROBLEM".
var lineRE = regexp.MustCompile(`(?s)^line (\d+): (.*)$`)

// syntax turns a yaml parse error into an *Error.
func (p *parser) syntax(err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return p.errorf(line, `fix the YAML syntax (quote values that start with "@" or contain ": ")`, "invalid YAML: %s", msg)
}

// mapping calls fn for each key of a mapping, in order, after checking that
// every key is known and appears once.
func (p *parser) mapping(m *yaml.Node, allowed []string, what string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" && k.ShortTag() != "!!merge" {
			p.fail(p.errorf(k.Line, "use one of "+list(allowed), "%s key must be a name, not %s", what, describe(k)))
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			p.fail(p.errorf(k.Line, "remove it or correct its spelling", "unknown %s key %q (allowed: %s)", what, k.Value, list(allowed)))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.fail(p.errorf(k.Line, "keep one of them", "key %q appears twice (first at line %d)", k.Value, first))
			continue
		}
		seen[k.Value] = k.Line
		fn(k.Value, k, v)
	}
}

// features validates the value of the features key.
func (p *parser) features(v *yaml.Node) []Feature {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.fail(p.errorf(v.Line, "write each feature as a list item starting with '- id:'", "features must be a list, not %s", describe(v)))
		return nil
	}
	var out []Feature
	firstID := map[string]int{}
	for _, item := range v.Content {
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			p.fail(p.errorf(item.Line, "write the feature as 'id:', 'entry:' and so on", "a feature must be a mapping, not %s", describe(item)))
			continue
		}
		f := Feature{Line: item.Line, Tier: TierStandard}
		idLine, badID := item.Line, false
		p.mapping(item, featureKeys, "feature", func(key string, k, v *yaml.Node) {
			switch key {
			case "id":
				m := p.mark()
				f.ID, idLine = p.str(k, v), v.Line
				badID = p.failedSince(m)
			case "entry":
				f.Entry = p.str(k, v)
				if strings.ContainsFunc(f.Entry, isSpace) {
					p.fail(p.errorf(v.Line, "write it as example.com/mod/pkg.Func, example.com/mod/pkg.(*Type).Method or a package path", "entry %q contains a space", f.Entry))
				}
			case "owners":
				f.Owners = p.strings(k, v)
			case "monitor":
				f.Monitor = p.url(k, v)
			case "tests":
				for _, name := range p.strings(k, v) {
					ref, ok := parseTestRef(name)
					if !ok {
						p.fail(p.errorf(v.Line, "write it as example.com/mod/pkg.TestName", "test %q is not a package path and a Test function", name))
						continue
					}
					f.Tests = append(f.Tests, ref)
				}
			case "tier":
				if isNull(v) {
					return
				}
				m := p.mark()
				f.Tier = p.str(k, v)
				if !p.failedSince(m) && !slices.Contains(tiers, f.Tier) {
					p.fail(p.errorf(v.Line, "use one of "+list(tiers), "unknown tier %q", f.Tier))
				}
			}
		})
		switch {
		case badID:
		case f.ID == "":
			p.fail(p.errorf(item.Line, "give every feature a unique 'id:'", "feature has no id"))
		case firstID[f.ID] != 0:
			p.fail(p.errorf(idLine, "give every feature a unique id", "duplicate feature id %q (first at line %d)", f.ID, firstID[f.ID]))
		default:
			firstID[f.ID] = idLine
		}
		out = append(out, f)
	}
	return out
}

// waivers validates the value of the waivers key.
func (p *parser) waivers(v *yaml.Node) []Waiver {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.fail(p.errorf(v.Line, "write each waiver as a list item starting with '- feature:'", "waivers must be a list, not %s", describe(v)))
		return nil
	}
	var out []Waiver
	for _, item := range v.Content {
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			p.fail(p.errorf(item.Line, "write the waiver as 'feature:', 'reason:' and 'expires:'", "a waiver must be a mapping, not %s", describe(item)))
			continue
		}
		w := Waiver{Line: item.Line}
		bad := map[string]bool{} // keys whose value is itself a problem
		p.mapping(item, waiverKeys, "waiver", func(key string, k, v *yaml.Node) {
			m := p.mark()
			defer func() { bad[key] = p.failedSince(m) }()
			switch key {
			case "feature":
				w.Feature = p.str(k, v)
			case "reason":
				w.Reason = strings.TrimSpace(p.str(k, v))
			case "expires":
				raw := v.Value
				t, err := time.Parse(time.DateOnly, raw)
				if v.Kind != yaml.ScalarNode || err != nil {
					p.fail(p.errorf(v.Line, "write the last day it holds as YYYY-MM-DD", "expires %q is not a date", raw))
					return
				}
				w.Expires = t
			}
		})
		if w.Feature == "" && !bad["feature"] {
			p.fail(p.errorf(item.Line, "name the feature id it waives", "waiver has no feature"))
		}
		if w.Reason == "" && !bad["reason"] {
			p.fail(p.errorf(item.Line, "say why the feature may ship untested", "waiver for %q has no reason", w.Feature))
		}
		if w.Expires.IsZero() && !bad["expires"] {
			p.fail(p.errorf(item.Line, "add 'expires: YYYY-MM-DD': a waiver must end", "waiver for %q has no expiry date", w.Feature))
		}
		out = append(out, w)
	}
	return out
}

// platformList is `go tool dist list` (Go 1.26).
var platformList = strings.Fields(`aix/ppc64 android/386 android/amd64 android/arm android/arm64
darwin/amd64 darwin/arm64 dragonfly/amd64 freebsd/386 freebsd/amd64 freebsd/arm freebsd/arm64
illumos/amd64 ios/amd64 ios/arm64 js/wasm linux/386 linux/amd64 linux/arm linux/arm64
linux/loong64 linux/mips linux/mips64 linux/mips64le linux/mipsle linux/ppc64 linux/ppc64le
linux/riscv64 linux/s390x netbsd/386 netbsd/amd64 netbsd/arm netbsd/arm64 openbsd/386
openbsd/amd64 openbsd/arm openbsd/arm64 openbsd/ppc64 openbsd/riscv64 plan9/386 plan9/amd64
plan9/arm solaris/amd64 wasip1/wasm windows/386 windows/amd64 windows/arm64`)

// platforms validates the value of goos: GOOS or GOOS/GOARCH values
// that go tool dist list knows, each once.
func (p *parser) platforms(k, v *yaml.Node) []string {
	var goosList []string
	for _, pl := range platformList {
		if goos, _, _ := strings.Cut(pl, "/"); !slices.Contains(goosList, goos) {
			goosList = append(goosList, goos)
		}
	}
	out, lines := p.stringList(k, v, "goos: [windows, darwin/arm64]")
	for i, s := range out {
		line := lines[i]
		goos, _, pair := strings.Cut(s, "/")
		switch {
		case pair && !slices.Contains(platformList, s):
			p.fail(p.errorf(line, "use a pair that go tool dist list shows, such as windows/amd64 or linux/arm64", "unknown GOOS/GOARCH %q", s))
		case !pair && !slices.Contains(goosList, goos):
			p.fail(p.errorf(line, "use one of "+list(goosList)+" (go tool dist list), optionally as GOOS/GOARCH", "unknown GOOS %q", s))
		case slices.Contains(out[:i], s):
			p.fail(p.errorf(line, "keep one of them", "goos lists %q twice", s))
		}
	}
	return out
}

// tagRE is a build tag: what //go:build accepts.
var tagRE = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// buildTags validates the value of build_tags: a list of tag sets, each
// a string of comma-separated tags, as go build -tags takes them.
func (p *parser) buildTags(k, v *yaml.Node) [][]string {
	var out [][]string
	var seen []string
	sets, lines := p.stringList(k, v, `build_tags: [integration, "netgo,osusergo"]`)
	for i, set := range sets {
		line := lines[i]
		tags := strings.Split(set, ",")
		for _, tag := range tags {
			switch {
			case strings.ContainsFunc(tag, isSpace):
				p.fail(p.errorf(line, "separate the tags of one build with commas (\"netgo,osusergo\"), and give each build its own list item", "build tag set %q has a space", set))
			case !tagRE.MatchString(tag):
				p.fail(p.errorf(line, "a tag is letters, digits, '_' and '.', and the tags of one build are separated by single commas", "build tag set %q has an invalid tag %q", set, tag))
			}
		}
		key := strings.Join(slices.Sorted(slices.Values(tags)), ",")
		if slices.Contains(seen, key) {
			p.fail(p.errorf(line, "keep one of them", "build_tags lists the tag set %q twice", set))
			continue
		}
		seen = append(seen, key)
		out = append(out, tags)
	}
	return out
}

// ignore is the list of ignored directory patterns.
func (p *parser) ignore(k, v *yaml.Node) []string {
	pats, lines := p.stringList(k, v, `["examples/...", "tools/*"]`)
	for i, pat := range pats {
		tree := strings.TrimSuffix(pat, "/...")
		_, err := path.Match(tree, "x")
		switch {
		case path.IsAbs(pat) || strings.Contains(pat, "\\"):
			p.fail(p.errorf(lines[i], "write the directory relative to the repository root, with slashes", "ignore %q is not a relative directory", pat))
		case err != nil:
			p.fail(p.errorf(lines[i], "use * and ? for one path element, [a-z] for a class, and /... for a whole tree", "ignore %q is not a valid pattern: %v", pat, err))
		case tree == "." || tree == "..." || tree != path.Clean(tree) || strings.HasPrefix(tree, "../") || tree == "..":
			p.fail(p.errorf(lines[i], `name a directory inside the repository, such as "examples/..."`, "ignore %q does not name a directory inside the repository", pat))
		}
	}
	return pats
}

// stringList is the value of a key that holds a non-empty list of
// non-empty strings; example shows the shape in messages.
// The lines are those of the items.
func (p *parser) stringList(k, v *yaml.Node, example string) ([]string, []int) {
	if isNull(v) {
		return nil, nil
	}
	fix := "write it as a list: " + example
	if v.Kind != yaml.SequenceNode {
		p.fail(p.errorf(v.Line, fix, "%s must be a list of strings, not %s", k.Value, describe(v)))
		return nil, nil
	}
	var out []string
	var lines []int
	for _, e := range v.Content {
		e = deref(e)
		if e.Kind != yaml.ScalarNode || e.ShortTag() != "!!str" || strings.TrimSpace(e.Value) == "" {
			p.fail(p.errorf(e.Line, fix, "%s must be a list of non-empty strings, but has %s", k.Value, describe(e)))
			continue
		}
		out = append(out, e.Value)
		lines = append(lines, e.Line)
	}
	return out, lines
}

// url is the value of a key that holds an http(s) URL.
func (p *parser) url(k, v *yaml.Node) string {
	m := p.mark()
	s := p.str(k, v)
	if p.failedSince(m) || s == "" {
		return s
	}
	if u, err := url.Parse(strings.ReplaceAll(s, "{id}", "x")); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.fail(p.errorf(v.Line, "write a full http(s) URL; {id} stands for the feature id", "%s %q is not an http(s) URL", k.Value, s))
		return ""
	}
	return s
}

// parseTestRef splits "example.com/mod/pkg.TestName".
func parseTestRef(s string) (TestRef, bool) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 || !strings.HasPrefix(s[i+1:], "Test") || strings.ContainsFunc(s, isSpace) {
		return TestRef{}, false
	}
	return TestRef{Package: s[:i], Name: s[i+1:]}, true
}

// str is the value of a key that holds a string; null is "".
func (p *parser) str(k, v *yaml.Node) string {
	if isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		p.fail(p.errorf(v.Line, "quote the value", "%s must be a string, not %s", k.Value, describe(v)))
		return ""
	}
	return v.Value
}

// strings is the value of a key that holds a list of strings.
func (p *parser) strings(k, v *yaml.Node) []string {
	if isNull(v) {
		return nil
	}
	fix := fmt.Sprintf(`write it as a list: %s: ["@org/team"]`, k.Value)
	if v.Kind != yaml.SequenceNode {
		p.fail(p.errorf(v.Line, fix, "%s must be a list of strings, not %s", k.Value, describe(v)))
		return nil
	}
	out := []string{}
	for _, e := range v.Content {
		e = deref(e)
		if e.Kind != yaml.ScalarNode || e.ShortTag() != "!!str" || e.Value == "" {
			p.fail(p.errorf(e.Line, fix, "%s must be a list of non-empty strings, but has %s", k.Value, describe(e)))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a node's kind for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			if n.Value == "" {
				return "an empty string"
			}
			return fmt.Sprintf("the string %q", n.Value)
		case "!!null":
			return "null"
		case "!!int":
			return "the number " + n.Value
		case "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		tag := n.ShortTag()
		if strings.ContainsFunc(tag, func(r rune) bool { return !unicode.IsPrint(r) }) {
			tag = strconv.Quote(tag) // a %-escaped tag may hold a newline
		}
		return fmt.Sprintf("%s %q", tag, n.Value)
	}
	return "nothing"
}

func list(words []string) string {
	return strings.Join(words, ", ")
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r'
}

// proof is the value of policy: proof:, declaration or lines.
func (p *parser) proof(k, v *yaml.Node) string {
	m := p.mark()
	s := p.str(k, v)
	if !p.failedSince(m) && !slices.Contains(proofKinds, s) {
		p.fail(p.errorf(v.Line, "use "+list(proofKinds), "unknown proof granularity %q", s))
	}
	return s
}

// boolean is a true or false value.
func (p *parser) boolean(k, v *yaml.Node) bool {
	v = deref(v)
	b, err := strconv.ParseBool(v.Value)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" || err != nil {
		p.fail(p.errorf(v.Line, "use true or false", "%s must be true or false, not %s", k.Value, describe(v)))
	}
	return b
}

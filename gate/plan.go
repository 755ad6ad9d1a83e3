package gate

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/blastgate/blastgate/report"
)

// Plan is the smallest set of tests that would satisfy the gate, as go
// test invocations.
type Plan struct {
	SchemaVersion int `json:"schema_version"`
	// Tests are the chosen tests, each with the impacted features it
	// covers.
	Tests []PlannedTest `json:"tests"`
	// Commands run them: one go test invocation, or one per shard.
	Commands []Command `json:"commands"`
	// Untested are impacted features no credited test can satisfy; no run
	// makes the gate pass until they get a test or a waiver.
	Untested []string `json:"untested"`
	// Unmapped are the changed files that reach no feature (no test
	// covers them); the report's unmapped, always present.
	Unmapped []report.Unmapped `json:"unmapped"`
}

// PlannedTest is a test the plan runs.
type PlannedTest struct {
	Package  string   `json:"package"`
	Name     string   `json:"name"`
	Features []string `json:"features"`
}

// Command is one go test invocation.
type Command struct {
	// Packages are the package arguments, relative to the module root.
	Packages []string `json:"packages"`
	// Run is the -run regular expression.
	Run string `json:"run"`
	// Tests counts the planned tests it runs.
	Tests int `json:"tests"`
}

// Args returns the go command's arguments, with extra flags after the
// packages: there go test takes its own flags (-json, -count=1) and
// passes the ones it does not know to the test binary (-testify.m=X, a
// test's -update). Before the packages, a flag go test does not know
// would end the package list, and go test would test the current
// directory instead of the planned packages.
func (c Command) Args(extra ...string) []string {
	args := append([]string{"test", "-run", c.Run}, c.Packages...)
	return append(args, extra...)
}

// String is the command line to type; its output is what check reads.
func (c Command) String() string {
	return "go test -json -run '" + c.Run + "' " + strings.Join(c.Packages, " ")
}

// MakePlan chooses tests for the impacted features of r: for each feature
// that needs one (not covered by a holding waiver), a credited test that
// counts under the policy, choosing greedily the tests that cover the most
// features. pkgArg turns an import path into a go test argument. shards
// splits the tests into that many balanced commands (at least 1).
func MakePlan(r *report.Report, p Policy, pkgArg func(string) string, shards int) Plan {
	plan := Plan{SchemaVersion: report.SchemaVersion, Tests: []PlannedTest{}, Commands: []Command{}, Untested: []string{}, Unmapped: append([]report.Unmapped{}, r.Unmapped...)}
	type key struct{ pkg, name string }
	covers := map[key][]string{} // test -> features it counts for
	forced := map[key][]string{} // tests that must run -> their features
	need := map[string]bool{}
	for _, f := range r.Impacted {
		if w, expired := waiverFor(f.ID, p); w != nil && !expired {
			continue
		}
		var counted []key
		static := false
		for _, t := range f.Tests {
			if f.Tier == report.TierCritical && len(p.CriticalEvidence) > 0 && !slices.Contains(p.CriticalEvidence, t.Evidence) {
				continue
			}
			if t.Proof == report.ProofStatic && !static {
				static, counted = true, counted[:0]
			}
			if static && t.Proof != report.ProofStatic {
				continue
			}
			counted = append(counted, key{t.Package, t.Name})
		}
		// A test that proves the change statically is enough, and the
		// fewest such tests are chosen; without one, every credited test
		// runs: coverage recorded while it runs may prove the change
		// (blastgate run), and which one does is not known before.
		for _, k := range counted {
			if static {
				covers[k] = append(covers[k], f.ID)
			} else {
				forced[k] = append(forced[k], f.ID)
			}
		}
		if static {
			need[f.ID] = true
		} else if len(counted) == 0 {
			plan.Untested = append(plan.Untested, f.ID)
		}
		continue
	}
	// A test that runs anyway proves what it proves statically too.
	for k := range forced {
		for _, id := range covers[k] {
			if need[id] {
				forced[k] = append(forced[k], id)
				delete(need, id)
			}
		}
	}
	candidates := make([]key, 0, len(covers))
	for k := range covers {
		candidates = append(candidates, k)
	}
	sort.Slice(candidates, func(i, j int) bool {
		if candidates[i].pkg != candidates[j].pkg {
			return candidates[i].pkg < candidates[j].pkg
		}
		return candidates[i].name < candidates[j].name
	})
	for len(need) > 0 {
		best, bestN := -1, 0
		for i, k := range candidates {
			n := 0
			for _, id := range covers[k] {
				if need[id] {
					n++
				}
			}
			if n > bestN {
				best, bestN = i, n
			}
		}
		if best < 0 {
			break
		}
		k := candidates[best]
		var ids []string
		for _, id := range covers[k] {
			if need[id] {
				ids = append(ids, id)
				delete(need, id)
			}
		}
		plan.Tests = append(plan.Tests, PlannedTest{Package: k.pkg, Name: k.name, Features: ids})
	}
	for i, t := range plan.Tests {
		k := key{t.Package, t.Name}
		plan.Tests[i].Features = append(t.Features, forced[k]...)
		delete(forced, k)
	}
	for k, ids := range forced {
		plan.Tests = append(plan.Tests, PlannedTest{Package: k.pkg, Name: k.name, Features: ids})
	}
	sort.Slice(plan.Tests, func(i, j int) bool {
		a, b := plan.Tests[i], plan.Tests[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Name < b.Name
	})
	// A top-level test credited whole runs whole: selecting some of its
	// subtests would filter out the others, and with them what it was
	// credited for.
	whole := map[string]bool{}
	for _, f := range r.Impacted {
		for _, t := range f.Tests {
			if !strings.Contains(t.Name, "/") {
				whole[t.Name] = true
			}
		}
	}
	plan.Commands = commands(plan.Tests, pkgArg, max(shards, 1), whole)
	return plan
}

// commands splits tests into at most n commands of balanced size, each
// test going to the command with the fewest so far. whole names the
// top-level tests that must not run filtered.
func commands(tests []PlannedTest, pkgArg func(string) string, n int, whole map[string]bool) []Command {
	groups := make([][]PlannedTest, min(n, len(tests)))
	for i, t := range tests {
		if i < len(groups) {
			groups[i] = append(groups[i], t)
			continue
		}
		lightest := 0
		for g := range groups {
			if len(groups[g]) < len(groups[lightest]) {
				lightest = g
			}
		}
		groups[lightest] = append(groups[lightest], t)
	}
	out := []Command{}
	for _, group := range groups {
		var names, pkgs []string
		for _, t := range group {
			names = append(names, t.Name)
			if arg := pkgArg(t.Package); !slices.Contains(pkgs, arg) {
				pkgs = append(pkgs, arg)
			}
		}
		sort.Strings(pkgs)
		out = append(out, Command{Packages: pkgs, Run: runPattern(names, whole), Tests: len(group)})
	}
	return out
}

// runPattern is the go test -run expression that selects the named tests:
// top-level tests as ^(TestA|TestB)$, and the subtests of a test, such as
// the methods of a testify suite (TestX/TestM), as an alternative of their
// own, ^TestX$/^(TestM|TestN)$. go test (Go 1.18 and later) splits -run
// on a '|' outside parentheses before it splits on '/', so each
// alternative selects exactly its test's subtests: -run
// '^(TestA)$|^TestX$/^(TestM)$|^TestY$/^(TestN)$' runs TestA with all its
// subtests, TestX/TestM and TestY/TestN, and not TestX/TestN. A test
// named whole (planned itself, or in whole) runs whole, as does one whose
// subtest name has a further '/'. The same top-level name in another
// package of the command is selected the same way.
func runPattern(names []string, whole map[string]bool) string {
	top := map[string]bool{}
	subs := map[string][]string{}
	for _, n := range names {
		parent, sub, ok := strings.Cut(n, "/")
		if !ok || strings.Contains(sub, "/") || whole[parent] {
			top[parent] = true
			continue
		}
		subs[parent] = append(subs[parent], sub)
	}
	quoted := func(names []string) string {
		var q []string
		for _, n := range names {
			if s := regexp.QuoteMeta(n); !slices.Contains(q, s) {
				q = append(q, s)
			}
		}
		sort.Strings(q)
		return "^(" + strings.Join(q, "|") + ")$"
	}
	var alts []string
	if len(top) > 0 {
		alts = append(alts, quoted(slices.Collect(maps.Keys(top))))
	}
	parents := slices.Sorted(maps.Keys(subs))
	for _, p := range parents {
		if top[p] {
			continue
		}
		alts = append(alts, "^"+regexp.QuoteMeta(p)+"$/"+quoted(subs[p]))
	}
	return strings.Join(alts, "|")
}

// Matrix is a GitHub Actions matrix with one entry per shard.
type Matrix struct {
	Include []MatrixEntry `json:"include"`
}

// MatrixEntry is one shard: its number, packages and -run expression.
type MatrixEntry struct {
	Shard    int    `json:"shard"`
	Packages string `json:"packages"`
	Run      string `json:"run"`
	Tests    int    `json:"tests"`
	// Shards is the number of shards: blastgate run --shard
	// SHARD/SHARDS runs this one.
	Shards int `json:"shards"`
}

// Matrix returns the plan's commands as a GitHub Actions matrix.
func (p Plan) Matrix() Matrix {
	m := Matrix{Include: []MatrixEntry{}}
	for i, c := range p.Commands {
		m.Include = append(m.Include, MatrixEntry{Shard: i + 1, Packages: strings.Join(c.Packages, " "), Run: c.Run, Tests: c.Tests, Shards: len(p.Commands)})
	}
	return m
}

// WritePlanText writes the plan as commands to type.
func WritePlanText(w interface{ Write([]byte) (int, error) }, p Plan, impacted int) error {
	ew := &errWriter{w: w}
	seen := map[string]bool{}
	for _, t := range p.Tests {
		for _, id := range t.Features {
			seen[id] = true
		}
	}
	features := len(seen)
	switch {
	case impacted == 0:
		fmt.Fprintln(ew, "# no feature is impacted: no test is needed")
	case len(p.Tests) == 0:
		fmt.Fprintln(ew, "# no credited test can satisfy the gate")
	default:
		fmt.Fprintf(ew, "# %d tests cover %d of %d impacted features\n", len(p.Tests), features, impacted)
	}
	for _, c := range p.Commands {
		fmt.Fprintln(ew, c.String())
	}
	for _, id := range p.Untested {
		fmt.Fprintf(ew, "# untested: %s has no credited test: add one (blastgate check names where)\n", clean(id))
	}
	writePlanUnmapped(ew, p.Unmapped)
	return ew.err
}

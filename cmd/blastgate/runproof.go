package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/tools/cover"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/report"
	"github.com/blastgate/blastgate/results"
)

// How run records proof (DESIGN.md "proof", dynamic):
//
//  1. The planned tests run as before, in one go test -json, with
//     coverage of the packages that hold the changed code the impacted
//     features reach (-cover -covermode=set -coverpkg=those), and with
//     -exec set to blastgate itself (coverExecCommand). go test runs each
//     package's test binary through it: it keeps a link to the binary,
//     notes the directory and the flags go test gave it, and replaces
//     itself with the binary, adding -test.coverprofile: one profile per
//     package, for the planned tests of that package that ran together.
//  2. What such a profile tells exactly (gate.ApplyGroupCoverage): when
//     none of a feature's changed code ran in the whole binary, it ran
//     under none of its tests (proof none); when one test ran in it, the
//     profile is that test's own.
//  3. For a feature still without a proving test (static proof counts),
//     its passed credited tests that a group could not decide run again,
//     alone, one per round, with the kept binary (no build, no link) and
//     the same flags, -test.run '^TestX$' (a suite method:
//     '^TestX$/^TestM$'). Their
//     profiles are each test's own (gate.ApplyCoverage). A rerun decides
//     proof only: the results stay those of step 1, and a rerun that
//     fails or does not run the test proves nothing (a warning says so).
//
// Code that runs before any test (package initialization, TestMain)
// cannot be told apart from a test's own in set-mode coverage: each
// package whose run shows changed code ran also runs its kept binary
// with no test (-test.run '^$'), and a block that ran there proves
// nothing about any test (gate.TestCoverage.Setup).

// coverExecCommand is the hidden command go test -exec runs: blastgate
// __cover-exec DIR BINARY ARGS...
const coverExecCommand = "__cover-exec"

// proofRecorder records per-test coverage during run.
type proofRecorder struct {
	dir      string // manifests, kept binaries and profiles
	packages []string
	args     []string // go test flags to add
}

// coverPackages are the packages of the changed Code declarations the
// impacted features reach: what coverage must measure.
func coverPackages(r *report.Report) []string {
	var out []string
	for _, f := range r.Impacted {
		for _, d := range f.Reaches {
			if d.Code && d.Package != "" && !slices.Contains(out, d.Package) {
				out = append(out, d.Package)
			}
		}
	}
	sort.Strings(out)
	return out
}

// flagName returns the name of a go flag argument ("-count=1" ->
// "count"), or "".
func flagName(a string) string {
	if !strings.HasPrefix(a, "-") {
		return ""
	}
	name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	return name
}

// startProof prepares the recording of proof for the planned tests: nil
// when no impacted feature reaches changed code coverage can see, or
// when the extra go test flags take coverage or -exec for themselves
// (a warning: the static proof stands).
func (c *change) startProof(extra []string, stderr io.Writer) (*proofRecorder, error) {
	pkgs := coverPackages(c.report)
	if len(pkgs) == 0 {
		return nil, nil
	}
	mode, count := "set", false
flags:
	for _, a := range extra {
		switch flagName(a) {
		case "args":
			break flags // the rest goes to the test binaries
		case "cover", "coverpkg", "covermode", "coverprofile", "exec":
			fmt.Fprintf(stderr, "blastgate: warning: %s: run records no coverage proof (it sets coverage and -exec itself); the static proof stands\n", a)
			return nil, nil
		case "race":
			mode = "atomic" // -race requires it
		case "count":
			count = true
		}
	}
	self, err := selfPath()
	if err != nil {
		return nil, fmt.Errorf("recording proof: %w", err)
	}
	dir, err := os.MkdirTemp("", "blastgate-proof-")
	if err != nil {
		return nil, fmt.Errorf("recording proof: %w", err)
	}
	p := &proofRecorder{dir: dir, packages: pkgs}
	p.args = []string{"-cover", "-covermode=" + mode, "-coverpkg=" + strings.Join(pkgs, ","),
		"-exec=" + execQuote(self) + " " + coverExecCommand + " " + execQuote(dir)}
	if !count {
		// A cached result runs no binary and records no coverage.
		p.args = append(p.args, "-count=1")
	}
	return p, nil
}

func (p *proofRecorder) close() {
	if p != nil {
		os.RemoveAll(p.dir)
	}
}

// selfPath is the path of the running blastgate, as go test -exec can
// run it again.
func selfPath() (string, error) {
	name := os.Args[0]
	if !strings.ContainsRune(name, filepath.Separator) && !strings.ContainsRune(name, '/') {
		if p, err := exec.LookPath(name); err == nil {
			return filepath.Abs(p)
		}
		return os.Executable()
	}
	return filepath.Abs(name)
}

// execQuote quotes a word for go test -exec, which splits its value on
// spaces and honours quotes.
func execQuote(s string) string {
	if !strings.ContainsAny(s, " \t\n'\"") {
		return s
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `"` + s + `"`
}

// manifest is what the -exec wrapper notes of one test binary run.
type manifest struct {
	Dir     string   `json:"dir"`     // the package directory go test ran it in
	Binary  string   `json:"binary"`  // the kept binary
	Args    []string `json:"args"`    // the flags go test gave it
	Profile string   `json:"profile"` // its coverage profile
}

// coverExec is the -exec wrapper: it keeps the test binary, notes how it
// ran, and replaces itself with it, adding -test.coverprofile. It returns
// an exit code only when it could not run the binary.
func coverExec(args []string, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintf(stderr, "blastgate: %s DIR BINARY [ARGS...] is run by go test -exec\n", coverExecCommand)
		return exitError
	}
	dir, bin, rest := args[0], args[1], args[2:]
	fail := func(err error) int {
		fmt.Fprintf(stderr, "blastgate: recording coverage of %s: %v\n", bin, err)
		return exitError
	}
	f, err := os.CreateTemp(dir, "run-*.json")
	if err != nil {
		return fail(err)
	}
	stem := strings.TrimSuffix(f.Name(), ".json")
	m := manifest{Binary: stem + ".test", Args: rest, Profile: stem + ".cover"}
	if m.Dir, err = os.Getwd(); err != nil {
		return fail(err)
	}
	if err := os.Link(bin, m.Binary); err != nil {
		if err := copyFile(bin, m.Binary); err != nil {
			return fail(err)
		}
	}
	if err := json.NewEncoder(f).Encode(m); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	argv := append([]string{bin}, rest...)
	argv = append(argv, "-test.coverprofile="+m.Profile)
	err = syscall.Exec(bin, argv, os.Environ())
	// Not on this system (Windows): run it as a child.
	cmd := exec.Command(bin, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return fail(err)
	}
	return 0
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755)
}

// recorded is the coverage a run recorded: per package run, and per
// test rerun alone.
type recorded struct {
	groups []gate.GroupCoverage
	alone  []gate.TestCoverage
}

// record reads what the run recorded, draws the exact conclusions of
// each package's profile, reruns alone the tests still needed, and gives
// the report its proof.
func (p *proofRecorder) record(ctx context.Context, c *change, set *results.Set, stderr io.Writer) (recorded, error) {
	start := time.Now()
	groups, binaries, err := p.groups(ctx, c, set)
	if err != nil {
		return recorded{}, err
	}
	policy := c.policy()
	setup := p.setups(ctx, c, groups, binaries, policy.ProofLines, stderr)
	for i := range groups {
		groups[i].Setup = setup[groups[i].Package]
	}
	rec := recorded{groups: groups}
	gate.ApplyGroupCoverage(c.report, groups, policy)

	// Rerun, a round at a time, one undecided passed test per feature
	// that no passed test proves yet (statically or by coverage): the
	// reruns cost test time, and a proof the gate already has needs none.
	tried := map[[2]string]bool{}
	reruns := 0
	for {
		var batch [][2]string
		for _, f := range c.report.Impacted {
			if proved(f, set) {
				continue
			}
			for _, t := range candidates(f, set, groups, policy.ProofLines) {
				k := [2]string{t.Package, t.Name}
				if tried[k] {
					continue
				}
				if !slices.Contains(batch, k) {
					batch = append(batch, k)
				}
				break
			}
		}
		if len(batch) == 0 {
			break
		}
		for _, k := range batch {
			tried[k] = true
		}
		cov := p.rerun(ctx, batch, binaries, c, stderr)
		for i := range cov {
			cov[i].Setup = setup[cov[i].Package]
		}
		if err := ctx.Err(); err != nil {
			return recorded{}, err
		}
		reruns += len(batch)
		rec.alone = append(rec.alone, cov...)
		gate.ApplyCoverage(c.report, cov, policy)
	}
	if reruns > 0 {
		fmt.Fprintf(stderr, "proof: %d %s rerun alone for coverage in %s\n", reruns, plural(reruns, "test", "tests"), time.Since(start).Round(100*time.Millisecond))
	}
	return rec, nil
}

// proved reports whether a passed credited test of f proves the change,
// statically or by coverage.
func proved(f report.Feature, set *results.Set) bool {
	for _, t := range f.Tests {
		if (t.Proof == report.ProofCoverage || t.Proof == report.ProofStatic) && passed(set, t) {
			return true
		}
	}
	return false
}

func passed(set *results.Set, t report.Test) bool {
	r, ok := set.Result(t.Package, t.Name)
	return ok && r.Result == results.Pass
}

// candidates are the credited tests of f a rerun alone could prove it
// with: passed, not yet decided by coverage, of a package whose run shows
// that changed code f reaches ran (under one of several tests), those
// with static proof first.
func candidates(f report.Feature, set *results.Set, groups []gate.GroupCoverage, lines bool) []report.Test {
	var out []report.Test
	for _, t := range f.Tests {
		if !passed(set, t) || t.Proof == report.ProofCoverage {
			continue
		}
		for _, g := range groups {
			if g.Package == t.Package && slices.Contains(g.Tests, t.Name) {
				if proof, _ := gate.CoverageProof(f, g.Profiles, g.Setup, lines); proof == report.ProofCoverage {
					out = append(out, t)
				}
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Proof == report.ProofStatic && out[j].Proof != report.ProofStatic
	})
	return out
}

// groups reads the manifests and profiles the wrapper left: one group per
// package whose binary ran, with the tests the results say ran in it.
func (p *proofRecorder) groups(ctx context.Context, c *change, set *results.Set) ([]gate.GroupCoverage, map[string]manifest, error) {
	files, _ := filepath.Glob(filepath.Join(p.dir, "run-*.json"))
	if len(files) == 0 {
		return nil, nil, nil
	}
	pkgOf, err := c.packageDirs(ctx)
	if err != nil {
		return nil, nil, err
	}
	ran := testsByPackage(set)
	var groups []gate.GroupCoverage
	binaries := map[string]manifest{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, err
		}
		var m manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, nil, fmt.Errorf("recording proof: %s: %w", file, err)
		}
		pkg, ok := pkgOf[canonicalDir(m.Dir)]
		if !ok {
			continue
		}
		ps, err := cover.ParseProfiles(m.Profile)
		if err != nil {
			continue // the binary did not finish (a crash, a timeout): no proof from it
		}
		sort.Strings(ran[pkg])
		groups = append(groups, gate.GroupCoverage{Package: pkg, Tests: ran[pkg], Profiles: ps})
		binaries[pkg] = m
	}
	return groups, binaries, nil
}

// packageDirs maps the directories of the module's packages that have
// credited tests to their import paths.
func (c *change) packageDirs(ctx context.Context) (map[string]string, error) {
	dir, err := c.moduleDir(ctx)
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, f := range c.report.Impacted {
		for _, t := range f.Tests {
			if !slices.Contains(pkgs, t.Package) {
				pkgs = append(pkgs, t.Package)
			}
		}
	}
	out := map[string]string{}
	var others []string
	for _, pkg := range pkgs {
		arg := c.pkgArg(pkg)
		if arg == "." || strings.HasPrefix(arg, "./") {
			out[canonicalDir(filepath.Join(dir, filepath.FromSlash(arg)))] = pkg
			continue
		}
		others = append(others, pkg)
	}
	if len(others) > 0 {
		// Packages of other modules of a workspace: go list knows where.
		cmd := exec.CommandContext(ctx, "go", append([]string{"list", "-e", "-f", "{{.Dir}}\t{{.ImportPath}}"}, others...)...)
		cmd.Dir = dir
		outb, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("recording proof: go list: %w", err)
		}
		for _, line := range strings.Split(string(outb), "\n") {
			if d, pkg, ok := strings.Cut(line, "\t"); ok && d != "" {
				out[canonicalDir(d)] = pkg
			}
		}
	}
	return out, nil
}

func canonicalDir(d string) string {
	if r, err := filepath.EvalSymlinks(d); err == nil {
		d = r
	}
	return filepath.Clean(d)
}

// rerun runs each test of batch alone with its package's kept binary,
// several at a time, and returns the coverage of those that ran and
// passed.
func (p *proofRecorder) rerun(ctx context.Context, batch [][2]string, binaries map[string]manifest, c *change, stderr io.Writer) []gate.TestCoverage {
	var mu sync.Mutex
	var out []gate.TestCoverage
	var warnings []string
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i, k := range batch {
		m := binaries[k[0]]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cov, warning := p.runAlone(ctx, m, k[0], k[1], i)
			mu.Lock()
			defer mu.Unlock()
			if warning != "" {
				warnings = append(warnings, warning)
				return
			}
			fmt.Fprintf(stderr, "proof: %s (%s) rerun alone\n", k[1], k[0])
			out = append(out, cov)
		}()
	}
	wg.Wait()
	sort.Strings(warnings)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "blastgate: warning: %s\n", w)
		c.report.Warnings = append(c.report.Warnings, w)
	}
	return out
}

// runAlone runs test name of pkg alone with the kept binary m.
func (p *proofRecorder) runAlone(ctx context.Context, m manifest, pkg, name string, n int) (gate.TestCoverage, string) {
	profile := filepath.Join(p.dir, fmt.Sprintf("alone-%d-%d.cover", time.Now().UnixNano(), n))
	coverDir, err := os.MkdirTemp(p.dir, "gocoverdir-")
	if err != nil {
		return gate.TestCoverage{}, fmt.Sprintf("%s (%s) could not be rerun alone for coverage: %v", name, pkg, err)
	}
	cmd := exec.CommandContext(ctx, m.Binary, binaryArgs(m, alonePattern(name), profile, coverDir)...)
	cmd.Dir = m.Dir
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	runErr := cmd.Run()
	passedLine := regexp.MustCompile(`(?m)^\s*--- PASS: ` + regexp.QuoteMeta(name) + ` \(`)
	switch {
	case ctx.Err() != nil:
		return gate.TestCoverage{}, ""
	case runErr != nil || !passedLine.Match(buf.Bytes()):
		return gate.TestCoverage{}, fmt.Sprintf("%s (%s) passed in the run but not when rerun alone for coverage (does it depend on other tests?): no coverage proof from it", name, pkg)
	}
	ps, err := cover.ParseProfiles(profile)
	if err != nil {
		return gate.TestCoverage{}, fmt.Sprintf("%s (%s) rerun alone left no coverage profile: %v", name, pkg, err)
	}
	return gate.TestCoverage{Package: pkg, Name: name, Profiles: ps}, ""
}

// alonePattern is the -test.run expression that selects test name
// alone: ^TestX$, or ^TestX$/^TestM$ for a subtest.
func alonePattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// binaryArgs are the flags go test gave the kept binary m, to run the
// tests run selects with -test.v and a profile of their own.
func binaryArgs(m manifest, run, profile, coverDir string) []string {
	var args []string
	for _, a := range m.Args {
		switch flagName(a) {
		case "test.run", "test.coverprofile", "test.gocoverdir", "test.v":
			continue
		}
		args = append(args, a)
	}
	return append(args, "-test.v=true", "-test.run="+run, "-test.coverprofile="+profile, "-test.gocoverdir="+coverDir)
}

// setups runs, for each package whose run shows changed code ran, its
// kept binary with no test (-test.run '^$'): what runs there (package
// initialization, TestMain) runs before any test, and shows nothing about
// one. A package whose run of no test fails gets its whole run as setup:
// no coverage proof from it (fail closed), with a warning.
func (p *proofRecorder) setups(ctx context.Context, c *change, groups []gate.GroupCoverage, binaries map[string]manifest, lines bool, stderr io.Writer) map[string][]*cover.Profile {
	var need []gate.GroupCoverage
	for _, g := range groups {
		for _, f := range c.report.Impacted {
			if proof, _ := gate.CoverageProof(f, g.Profiles, nil, lines); proof == report.ProofCoverage {
				need = append(need, g)
				break
			}
		}
	}
	out := map[string][]*cover.Profile{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i, g := range need {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ps, err := p.runSetup(ctx, binaries[g.Package], i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if ctx.Err() == nil {
					w := fmt.Sprintf("%s: its test binary failed when run with no test (%v): no coverage proof from its tests", g.Package, err)
					fmt.Fprintf(stderr, "blastgate: warning: %s\n", w)
					c.report.Warnings = append(c.report.Warnings, w)
				}
				ps = g.Profiles
			}
			out[g.Package] = ps
		}()
	}
	wg.Wait()
	return out
}

// runSetup runs the kept binary m with no test and returns its coverage.
func (p *proofRecorder) runSetup(ctx context.Context, m manifest, n int) ([]*cover.Profile, error) {
	profile := filepath.Join(p.dir, fmt.Sprintf("setup-%d-%d.cover", time.Now().UnixNano(), n))
	coverDir, err := os.MkdirTemp(p.dir, "gocoverdir-")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, m.Binary, binaryArgs(m, "^$", profile, coverDir)...)
	cmd.Dir = m.Dir
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, firstLine(buf.String()))
	}
	return cover.ParseProfiles(profile)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// testsByPackage lists the tests the results hold, by package.
func testsByPackage(set *results.Set) map[string][]string {
	ran := map[string][]string{}
	for k := range set.Tests {
		ran[k.Package] = append(ran[k.Package], k.Name)
	}
	return ran
}

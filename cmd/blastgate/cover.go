package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/go-multierror"
	"golang.org/x/tools/cover"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/results"
)

// blastgate cover [--head REV] PKG.TestName=FILE [-- GO TEST FLAGS]
//
// records the coverage profile check --coverage reads: it runs that one
// test alone (go test -run '^TestName$' PKG -coverprofile FILE) on the
// head's tree and stamps FILE (FILE.stamp) with the head, its tree, the
// package, the test and the -run pattern. check --coverage refuses a
// profile without such a stamp: a whole-suite profile, or one recorded
// at another commit, shows what other code ran, not what this test ran
// on this head.

// coverOptions are the command line of cover.
type coverOptions struct {
	cmdBase
	head string
	// profile is the test and the file to write; extra the go test
	// flags after it.
	profile analyzer.CoverageProfile
	extra   []string
}

func parseCover(g *globals, args []string, s streams) (*coverOptions, error) {
	o := &coverOptions{cmdBase: cmdBase{g, s}}
	fs, err := parseCommandArgs(g, "cover", args, s.err, func(fs *flag.FlagSet) {
		fs.StringVar(&o.head, "head", "HEAD", "the head `REV` to record the coverage of")
	})
	if err != nil {
		return nil, err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return nil, usagef("cover: name the test and the profile to write: blastgate cover example.com/mod/pkg.TestName=cover.out [-- go test flags]")
	}
	var cf coverageFlag
	if err := cf.Set(rest[0]); err != nil {
		return nil, usagef("cover: %v", err)
	}
	o.profile = cf[0]
	extra := rest[1:]
	if len(extra) > 0 && extra[0] == "--" {
		extra = extra[1:]
	}
	for _, a := range extra {
		if a == "-json" || hasFlag(a, "run") || hasFlag(a, "coverprofile") || hasFlag(a, "count") {
			return nil, usagef("cover: %s is blastgate's to set; pass other go test flags (-coverpkg, -tags) after the test", a)
		}
	}
	o.extra = extra
	return o, nil
}

func runCover(ctx context.Context, o *coverOptions) error {
	return recordCoverage(ctx, o.g, o.head, o.profile, o.extra, o.s.out, o.s.err)
}

// hasFlag reports whether a go test argument sets flag name (-name,
// --name, -test.name, with or without =value).
func hasFlag(arg, name string) bool {
	arg = strings.TrimLeft(arg, "-")
	arg = strings.TrimPrefix(arg, "test.")
	arg, _, _ = strings.Cut(arg, "=")
	return arg == name
}

// recordCoverage runs the test alone on head's tree and stamps its
// profile.
func recordCoverage(ctx context.Context, g *globals, head string, cp analyzer.CoverageProfile, extra []string, stdout, stderr io.Writer) error {
	h, err := resolveHead(ctx, g, revisions{head: head})
	if err != nil {
		return err
	}
	repo, err := gitrepo.Open(ctx, g.dir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(repo.Root, g.dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("-C %s is outside the repository at %s", g.dir, repo.Root)
	}
	out, err := filepath.Abs(cp.Path)
	if err != nil {
		return err
	}
	if tracked, err := trackedAt(ctx, h.root, h.head, out); err != nil || tracked {
		if err == nil {
			err = fmt.Errorf("%s is tracked by git at HEAD: write the profile outside the repository", cp.Path)
		}
		return err
	}
	root, cleanup, err := headTree(ctx, repo, h.head, false)
	if err != nil {
		return err
	}
	defer cleanup()
	pattern := runPattern(cp.Test.Name)
	args := append([]string{"test", "-json", "-count=1", "-run", pattern, "-coverprofile", out}, extra...)
	args = append(args, cp.Test.Package)
	fmt.Fprintf(stderr, "$ go %s\n", strings.Join(shellQuote(args), " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Join(root, rel)
	cmd.Stderr = stderr
	var events bytes.Buffer
	cmd.Stdout = &events
	runErr := cmd.Run()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := testPassed(cp, events.Bytes(), runErr); err != nil {
		os.Remove(out)
		return err
	}
	if err := writeStamp(out, stamp{Kind: stampCoverage, Head: h.head, Tree: h.tree, Package: cp.Test.Package, Test: cp.Test.Name, Run: pattern}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "coverage of %s (%s) at %s: %s (stamp %s)\n", cp.Test.Name, cp.Test.Package, short(h.head), cp.Path, cp.Path+stampSuffix)
	return nil
}

// testPassed fails unless the go test run passed the test: a profile of
// a failed run, or of a run that did not run the test (a misspelt name),
// is not recorded.
func testPassed(cp analyzer.CoverageProfile, events []byte, runErr error) error {
	set := results.NewSet()
	if err := set.Read("go test -json", bytes.NewReader(events)); err != nil {
		return fmt.Errorf("cover: go test did not run: %v", err)
	}
	t, ok := set.Result(cp.Test.Package, cp.Test.Name)
	switch {
	case !ok:
		return fmt.Errorf("cover: %s did not run in %s: name a test of that package (go test -list . %s lists them)", cp.Test.Name, cp.Test.Package, cp.Test.Package)
	case t.Result != results.Pass:
		return fmt.Errorf("cover: %s (%s) did not pass (%s): fix it, then record its coverage", cp.Test.Name, cp.Test.Package, t.Result)
	case runErr != nil:
		return fmt.Errorf("cover: go test: %v", runErr)
	}
	return nil
}

// runPattern is the go test -run pattern that selects test name alone:
// each level of a subtest name anchored ("^TestX$/^sub$").
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// checkProfileStamps refuses check --coverage profiles that blastgate
// cover did not record for this test at the head (or a commit with the
// same tree), or that the head tracks. Every problem at once.
func (h headCommit) checkProfileStamps(ctx context.Context, coverage coverageFlag) error {
	var errs *multierror.Error
	for _, cp := range coverage {
		if err := checkProfileStamp(ctx, h.root, h.head, h.tree, cp); err != nil {
			errs = multierror.Append(errs, fmt.Errorf("--coverage: %w", err))
		}
	}
	return listed(errs)
}

// checkProfileStamp checks one profile's stamp.
func checkProfileStamp(ctx context.Context, root, head, tree string, cp analyzer.CoverageProfile) error {
	if _, err := os.Stat(cp.Path); err != nil {
		return nil // readProfile says why, as before
	}
	tracked, err := trackedAt(ctx, root, head, cp.Path)
	if err != nil {
		return err
	}
	if tracked {
		return fmt.Errorf("%s is tracked by git at HEAD (%s): coverage must come from this run, not from the pull request; record it outside the repository with blastgate cover", cp.Path, short(head))
	}
	st, err := readStamp(cp.Path, stampCoverage)
	if err != nil {
		return err
	}
	name := cp.Test.Package + "." + cp.Test.Name
	if st == nil {
		return fmt.Errorf("%s has no stamp (%s): nothing shows it was recorded at this head while only %s ran (a whole-suite or older profile proves nothing about one test); record it with blastgate cover %s=%s", cp.Path, cp.Path+stampSuffix, cp.Test.Name, name, cp.Path)
	}
	if err := st.forHead(cp.Path, head, tree); err != nil {
		return err
	}
	if st.Package != cp.Test.Package || st.Test != cp.Test.Name || st.Run != runPattern(cp.Test.Name) {
		return fmt.Errorf("%s was recorded for %s.%s (go test -run %s), not for %s alone: record it with blastgate cover %s=%s", cp.Path, st.Package, st.Test, st.Run, name, name, cp.Path)
	}
	return nil
}

// checkProfileContent checks what a profile holds: a valid mode line
// (set, count or atomic) and only files of the analysed modules.
func (c *change) checkProfileContent(coverage coverageFlag) error {
	var errs *multierror.Error
	for _, cp := range coverage {
		if err := c.profileContent(cp.Path); err != nil {
			errs = multierror.Append(errs, fmt.Errorf("--coverage: %s: %w", cp.Path, err))
		}
	}
	return listed(errs)
}

func (c *change) profileContent(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || !validMode(sc.Text()) {
		return fmt.Errorf("the first line is not a coverage mode (mode: set, count or atomic): pass a profile written by blastgate cover")
	}
	ps, err := cover.ParseProfiles(path)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if !c.inModules(p.FileName) {
			return fmt.Errorf("it covers %s, which is not a file of this module (%s): record the profile in this repository with blastgate cover", p.FileName, strings.Join(c.modules, ", "))
		}
	}
	return nil
}

// validMode reports whether line is a coverage profile's mode line.
func validMode(line string) bool {
	mode, ok := strings.CutPrefix(strings.TrimSpace(line), "mode: ")
	return ok && (mode == "set" || mode == "count" || mode == "atomic")
}

// inModules reports whether a profile's file name (an import path and a
// file name) is in one of the analysed modules.
func (c *change) inModules(file string) bool {
	for _, m := range append([]string{c.module}, c.modules...) {
		if m != "" && strings.HasPrefix(file, m+"/") {
			return true
		}
	}
	return false
}

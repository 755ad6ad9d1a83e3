package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// checkResultsOrigin checks where each results file comes from, before
// the gate reads anything from it: a file the head commit tracks is the
// pull request's own (refused), a stamp for another commit is another
// commit's results (refused), and an unstamped file is a warning in the
// report, or an error under policy require_stamped_results. Every problem
// is reported at once.
func (c *change) checkResultsOrigin(ctx context.Context, files []string) error {
	tree, err := c.headTree(ctx)
	if err != nil {
		return err
	}
	var errs *multierror.Error
	var unstamped []string
	for _, file := range files {
		if err := c.notTracked(ctx, file); err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		st, err := readStamp(file, stampResults)
		switch {
		case err != nil:
			errs = multierror.Append(errs, err)
		case st == nil:
			unstamped = append(unstamped, file)
		default:
			if err := st.forHead(file, c.report.Head, tree); err != nil {
				errs = multierror.Append(errs, err)
			}
		}
	}
	if len(unstamped) > 0 && c.rules.RequireStampedResults {
		errs = multierror.Append(errs, fmt.Errorf("%s: no stamp (%s) shows these results are of the head %s, and policy require_stamped_results refuses unstamped results: run the tests with blastgate run, which stamps what it writes", strings.Join(unstamped, ", "), stampSuffix, short(c.report.Head)))
	} else if len(unstamped) > 0 {
		c.report.Warnings = append(c.report.Warnings, unstampedWarning(unstamped, len(files), c.report.Head))
	}
	return listed(errs)
}

// headTree is the tree of the head commit.
func (c *change) headTree(ctx context.Context) (string, error) {
	trees, err := c.repo.Trees(ctx, c.report.Head)
	if err != nil {
		return "", err
	}
	return trees[0], nil
}

// notTracked fails when the file, or its stamp, is tracked by git at the
// head: evidence must come from this run, not from the pull request.
// Files outside the repository, and untracked ones, are fine.
func (c *change) notTracked(ctx context.Context, file string) error {
	for _, path := range []string{file, file + stampSuffix} {
		tracked, err := trackedAt(ctx, c.repo.Root, c.report.Head, path)
		if err != nil {
			return err
		}
		if tracked {
			return fmt.Errorf("%s is tracked by git at HEAD (%s): results must come from this run, not from the pull request; write results outside the repository", path, short(c.report.Head))
		}
	}
	return nil
}

// trackedAt reports whether path (as the user gave it) names a file of
// the repository at root that commit tracks.
func trackedAt(ctx context.Context, root, commit, path string) (bool, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return false, nil // outside the repository
	}
	out, err := gitrepo.Run(ctx, root, "--literal-pathspecs", "ls-tree", "-z", "--name-only", commit, "--", filepath.ToSlash(rel))
	if err != nil {
		return false, fmt.Errorf("cannot tell whether %s is tracked: %w", path, err)
	}
	return len(out) > 0, nil
}

// listed is errs as one error, each problem on a line of its own; nil
// without problems.
func listed(errs *multierror.Error) error {
	if errs == nil {
		return nil
	}
	errs.ErrorFormat = func(all []error) string {
		if len(all) == 1 {
			return all[0].Error()
		}
		lines := []string{fmt.Sprintf("%d problems:", len(all))}
		for _, err := range all {
			lines = append(lines, "  "+err.Error())
		}
		return strings.Join(lines, "\n")
	}
	return errs.ErrorOrNil()
}

// stampResults stamps the results run wrote at path with the head commit
// and its tree.
func (c *change) stampResults(ctx context.Context, path string) error {
	tree, err := c.headTree(ctx)
	if err != nil {
		return err
	}
	return writeStamp(path, stamp{Kind: stampResults, Head: c.report.Head, Tree: tree})
}

// notStampFiles fails when a file given as results is a stamp (a glob
// such as shard-*.json* picks them up).
func notStampFiles(files []string) error {
	for _, f := range files {
		if !strings.HasSuffix(f, stampSuffix) {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue // ReadFiles says why
		}
		if isStamp(data, &stamp{}) {
			return usagef("check: %s is the stamp of %s, read with it: pass only the results files (shard-*.json)", f, strings.TrimSuffix(f, stampSuffix))
		}
	}
	return nil
}

// unstampedWarning says that results carry no stamp: all of them (the
// usual case of results go test wrote), or the files named.
func unstampedWarning(unstamped []string, files int, head string) string {
	which := "the results carry"
	if len(unstamped) < files {
		which = strings.Join(unstamped, ", ") + " carry"
	}
	return fmt.Sprintf("unstamped results: %s no stamp from blastgate run, so nothing shows they are the head's (%s) rather than another commit's; run the tests with blastgate run, or set policy: require_stamped_results: true to refuse unstamped results", which, short(head))
}

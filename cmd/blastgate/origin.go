package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// headCommit is the commit check judges evidence against: the head, its
// tree, and the repository's root, resolved before the analysis so that
// evidence from elsewhere is refused at once.
type headCommit struct {
	root, head, tree string
}

// resolveHead resolves --head in the repository at -C.
func resolveHead(ctx context.Context, g *globals, rv revisions) (headCommit, error) {
	repo, err := gitrepo.Open(ctx, g.dir)
	if err != nil {
		return headCommit{}, err
	}
	head, err := repo.Resolve(ctx, rv.head)
	if err != nil {
		return headCommit{}, fmt.Errorf("--head: %w", err)
	}
	trees, err := repo.Trees(ctx, head)
	if err != nil {
		return headCommit{}, err
	}
	return headCommit{root: repo.Root, head: head, tree: trees[0]}, nil
}

// checkResultsOrigin checks where each results file comes from: a file
// the head commit tracks is the pull request's own (refused), a stamp
// for another commit is another commit's results (refused). It returns
// the files without a stamp, for unstamped to judge once the policy is
// known. Every problem is reported at once.
func (h headCommit) checkResultsOrigin(ctx context.Context, files []string) ([]string, error) {
	var errs *multierror.Error
	var unstamped []string
	for _, file := range files {
		if err := h.notTracked(ctx, file); err != nil {
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
			if err := st.forHead(file, h.head, h.tree); err != nil {
				errs = multierror.Append(errs, err)
			}
		}
	}
	return unstamped, listed(errs)
}

// unstamped warns in the report about results without a stamp, or,
// under policy require_stamped_results, refuses them.
func (c *change) unstamped(unstamped []string, files int) error {
	if len(unstamped) == 0 {
		return nil
	}
	if c.rules.RequireStampedResults {
		return fmt.Errorf("%s: no stamp (%s) shows these results are of the head %s, and policy require_stamped_results refuses unstamped results: run the tests with blastgate run, which stamps what it writes", strings.Join(unstamped, ", "), stampSuffix, short(c.report.Head))
	}
	c.report.Warnings = append(c.report.Warnings, unstampedWarning(unstamped, files, c.report.Head))
	return nil
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
func (h headCommit) notTracked(ctx context.Context, file string) error {
	for _, path := range []string{file, file + stampSuffix} {
		tracked, err := trackedAt(ctx, h.root, h.head, path)
		if err != nil {
			return err
		}
		if tracked {
			return fmt.Errorf("%s is tracked by git at HEAD (%s): results must come from this run, not from the pull request; write results outside the repository", path, short(h.head))
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

// headCommit is the head of an analysed change.
func (c *change) headCommit(ctx context.Context) (headCommit, error) {
	tree, err := c.headTree(ctx)
	return headCommit{root: c.repo.Root, head: c.report.Head, tree: tree}, err
}

// sidecars are the files blastgate writes next to a results file: each
// is read with its results file, never as results.
var sidecars = []struct {
	suffix, what string
	is           func(data []byte) bool
}{
	{shardProofSuffix, "the proof file", func(data []byte) bool {
		var p shardProof
		return json.Unmarshal(data, &p) == nil && p.Format == shardProofFormat
	}},
	{stampSuffix, "the stamp", func(data []byte) bool { return isStamp(data, &stamp{}) }},
}

// notSidecarFiles fails when a file given as results is a sidecar (a
// glob such as shard-*.json* picks them up).
func notSidecarFiles(files []string) error {
	for _, f := range files {
		for _, sc := range sidecars {
			if !strings.HasSuffix(f, sc.suffix) {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				continue // ReadFiles says why
			}
			if sc.is(data) {
				return usagef("check: %s is %s of %s, read with it: pass only the results files (shard-*.json)", f, sc.what, strings.TrimSuffix(f, sc.suffix))
			}
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

package prepush

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// Range is the commits one pushed ref adds: the gate checks Base...Head.
type Range struct {
	// Ref is the remote ref the push updates, such as refs/heads/main.
	Ref string
	// Base and Head are full commit ids.
	Base, Head string
}

// Ranges works out what to check for each update, in the repository at
// dir, the way pre-commit does:
//
//   - a deletion (zero local oid) is skipped;
//   - when the remote oid is a commit known here and an ancestor of the
//     local one (a fast-forward), Base is the remote oid;
//   - otherwise (a new ref, or a force push over a commit that is unknown
//     here or not an ancestor), Base is the parent of the first commit of
//     `git rev-list LOCAL --topo-order --reverse --not --remotes=REMOTE`:
//     the oldest pushed commit that no remote-tracking branch of remote
//     has. When that commit is a root commit (a new history) or rev-list
//     lists nothing (every commit is on the remote already) the update is
//     skipped with a note.
//
// Head is the local oid, peeled to a commit; an update of a ref to
// something that is not a commit (a tag of a tree, say) is skipped with a
// note, and so is one that changes nothing. remote is the remote's name,
// the hook's first argument; "" means every remote. The notes are for the
// caller to print.
func Ranges(ctx context.Context, dir, remote string, updates []Update) ([]Range, []string, error) {
	if dir == "" {
		dir = "."
	}
	var ranges []Range
	var notes []string
	for _, u := range updates {
		r, note, err := rangeOf(ctx, dir, remote, u)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", u.RemoteRef, err)
		}
		if note != "" {
			notes = append(notes, u.RemoteRef+": "+note)
			continue
		}
		ranges = append(ranges, r)
	}
	return ranges, notes, nil
}

// rangeOf works out the range of one update, or a note saying why there is
// none.
func rangeOf(ctx context.Context, dir, remote string, u Update) (Range, string, error) {
	if IsZero(u.LocalOID) {
		return Range{}, "deleted: nothing to check", nil
	}
	if err := checkOID(u.LocalOID); err != nil {
		return Range{}, "", fmt.Errorf("local oid: %w", err)
	}
	head, ok, err := peel(ctx, dir, u.LocalOID)
	if err != nil {
		return Range{}, "", err
	}
	if !ok {
		out, err := gitrepo.Run(ctx, dir, "cat-file", "-t", u.LocalOID)
		if err != nil {
			return Range{}, "", fmt.Errorf("cannot find the pushed object %s here: %w", u.LocalOID, err)
		}
		return Range{}, fmt.Sprintf("%s is a %s, not a commit: nothing to check", short(u.LocalOID), strings.TrimSpace(string(out))), nil
	}
	r := Range{Ref: u.RemoteRef, Head: head}

	if !IsZero(u.RemoteOID) {
		if err := checkOID(u.RemoteOID); err != nil {
			return Range{}, "", fmt.Errorf("remote oid: %w", err)
		}
		old, known, err := peel(ctx, dir, u.RemoteOID)
		if err != nil {
			return Range{}, "", err
		}
		if known {
			if old == head {
				return Range{}, "the remote has this commit already: nothing to check", nil
			}
			_, err := gitrepo.Run(ctx, dir, "merge-base", "--is-ancestor", old, head)
			switch {
			case err == nil:
				r.Base = old
				return r, "", nil
			case !gitrepo.IsExit(err, 1):
				return Range{}, "", fmt.Errorf("cannot tell whether %s is an ancestor of %s: %w", short(old), short(head), err)
			}
		}
	}

	// A new ref or a force push: from the oldest commit the remote lacks.
	not := "--remotes"
	if remote != "" {
		not = "--remotes=" + remote
	}
	out, err := gitrepo.Run(ctx, dir, "rev-list", head, "--topo-order", "--reverse", "--not", not)
	if err != nil {
		return Range{}, "", fmt.Errorf("cannot list the commits %s is missing: %w", remoteName(remote), err)
	}
	first, _, _ := bytes.Cut(out, []byte("\n"))
	if len(bytes.TrimSpace(first)) == 0 {
		return Range{}, fmt.Sprintf("every commit is on %s already: nothing to check", remoteName(remote)), nil
	}
	commit := string(bytes.TrimSpace(first))
	out, err = gitrepo.Run(ctx, dir, "rev-list", "--parents", "-n", "1", commit)
	if err != nil {
		return Range{}, "", fmt.Errorf("cannot find the parent of %s: %w", short(commit), err)
	}
	ids := strings.Fields(string(out))
	if len(ids) < 2 {
		return Range{}, fmt.Sprintf("a new history (%s is a root commit and no commit of it is on %s): "+
			"nothing to compare against here, CI checks it", short(commit), remoteName(remote)), nil
	}
	r.Base = ids[1]
	return r, "", nil
}

// peel returns the commit oid names (itself, or what an annotated tag
// points to). ok is false when there is no such commit here.
func peel(ctx context.Context, dir, oid string) (commit string, ok bool, err error) {
	out, err := gitrepo.Run(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", oid+"^{commit}")
	switch {
	case err == nil:
		return strings.TrimSpace(string(out)), true, nil
	case gitrepo.IsExit(err, 1):
		return "", false, nil
	}
	return "", false, fmt.Errorf("cannot look up %s: %w", short(oid), err)
}

func remoteName(remote string) string {
	if remote == "" {
		return "any remote"
	}
	return remote
}

// short abbreviates an object id for messages.
func short(oid string) string {
	if len(oid) > 12 {
		return oid[:12]
	}
	return oid
}

// Run is the pre-push hook. It reads git's input from stdin, works out the
// ranges of the repository at dir and calls check on each (Head may be any
// commit, not only the checked-out one; check returns an error when the
// gate fails). Progress and notes go to stderr. When check fails, Run says
// the push is blocked and how to push anyway, and returns the error.
//
// First it unsets the variables git exports to hooks that would point
// other git commands elsewhere (those `git rev-parse --local-env-vars`
// lists, GIT_DIR and GIT_INDEX_FILE among them), since check runs git and
// go, maybe in another worktree.
func Run(ctx context.Context, dir, remote string, stdin io.Reader, stderr io.Writer, check func(ctx context.Context, r Range) error) error {
	if dir == "" {
		dir = "."
	}
	if err := unsetLocalEnv(ctx, dir); err != nil {
		return blocked(stderr, "", err)
	}
	updates, err := ParseUpdates(stdin)
	if err != nil {
		return blocked(stderr, "", err)
	}
	ranges, notes, err := Ranges(ctx, dir, remote, updates)
	if err != nil {
		return blocked(stderr, "", err)
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "blastgate: %s\n", n)
	}
	if len(ranges) == 0 {
		fmt.Fprintln(stderr, "blastgate: no commits to check")
		return nil
	}
	for _, r := range ranges {
		if err := ctx.Err(); err != nil {
			return blocked(stderr, r.Ref, err)
		}
		fmt.Fprintf(stderr, "blastgate: checking %s: %s...%s\n", r.Ref, short(r.Base), short(r.Head))
		if err := check(ctx, r); err != nil {
			return blocked(stderr, r.Ref, err)
		}
	}
	fmt.Fprintln(stderr, "blastgate: the pushed commits pass")
	return nil
}

// blocked prints why the push is blocked and how to push anyway, and
// returns err, with ref in front when there is one.
func blocked(stderr io.Writer, ref string, err error) error {
	if ref != "" {
		err = fmt.Errorf("%s: %w", ref, err)
	}
	fmt.Fprintf(stderr, "blastgate: the push is blocked: %v\nTo push anyway: git push --no-verify\n", err)
	return err
}

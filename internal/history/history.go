// Package history walks a repository's first-parent history for
// suspects: which commits lie between two revisions, which files each
// changed, and whether a commit can be decided without loading packages.
// It only reads the repository, through git.
package history

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// Commit is one commit of the first-parent chain.
type Commit struct {
	SHA string
	// Parent is the first parent: what the commit's change is against.
	Parent  string
	Subject string
	Author  string
	// Date is the author date, strict ISO 8601.
	Date string
}

// FirstParent lists the commits of the first-parent chain of until that
// come after since, newest first. since must be on that chain (or be
// until itself): else the range is an error that says what to pass.
func FirstParent(ctx context.Context, dir, since, until string) ([]Commit, error) {
	out, err := gitrepo.Run(ctx, dir, "log", "--first-parent", "--no-show-signature",
		"--format=%H%x1f%P%x1f%an%x1f%aI%x1f%s%x1e", until, "^"+since, "--")
	if err != nil {
		return nil, err
	}
	var commits []Commit
	for _, rec := range bytes.Split(out, []byte{0x1e}) {
		rec = bytes.TrimLeft(rec, "\n")
		if len(rec) == 0 {
			continue
		}
		c, err := parseCommit(string(rec))
		if err != nil {
			return nil, err
		}
		commits = append(commits, c)
	}
	if since == until {
		return commits, nil
	}
	if len(commits) == 0 || commits[len(commits)-1].Parent != since {
		return nil, &RangeError{Since: since, Until: until}
	}
	return commits, nil
}

// RangeError is a --since that is not on --until's first-parent chain.
type RangeError struct{ Since, Until string }

func (e *RangeError) Error() string {
	return fmt.Sprintf("--since %s is not an ancestor of --until %s on its first-parent chain: pass a commit of that branch's own history "+
		"(a release tag or a commit git log --first-parent %s lists); in a shallow clone fetch full history (actions/checkout with fetch-depth: 0)",
		short(e.Since), short(e.Until), short(e.Until))
}

func parseCommit(rec string) (Commit, error) {
	fields := strings.Split(rec, "\x1f")
	if len(fields) != 5 {
		return Commit{}, fmt.Errorf("cannot read git log output %q", rec)
	}
	c := Commit{SHA: fields[0], Author: fields[2], Date: fields[3], Subject: fields[4]}
	if parents := strings.Fields(fields[1]); len(parents) > 0 {
		c.Parent = parents[0]
	}
	return c, nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// File is a path a commit changed, with its git modes on both sides
// ("000000" where it is absent).
type File struct {
	Path             string
	OldMode, NewMode string
}

// ChangedFiles lists the files changed from parent to commit (renames as
// a deletion and an addition, so both paths are there).
func ChangedFiles(ctx context.Context, dir, parent, commit string) ([]File, error) {
	out, err := gitrepo.Run(ctx, dir, "diff-tree", "-r", "-z", "--no-renames", "--ignore-submodules=none", "--raw", parent, commit, "--")
	if err != nil {
		return nil, err
	}
	parts := strings.Split(string(out), "\x00")
	var files []File
	for i := 0; i+1 < len(parts); i += 2 {
		meta := strings.Fields(strings.TrimPrefix(parts[i], ":"))
		if len(meta) < 5 {
			return nil, fmt.Errorf("cannot read git diff-tree output %q", parts[i])
		}
		files = append(files, File{Path: parts[i+1], OldMode: meta[0], NewMode: meta[1]})
	}
	return files, nil
}

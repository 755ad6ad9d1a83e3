package gitrepo

import (
	"bytes"
	"context"
	"fmt"
)

// ShowFile returns the content of the regular file at path (relative to
// Root, slash-separated) in commit sha, and false when the commit has no
// such path. A path that is there but is not a regular file (a
// directory, a symlink, a submodule) is an error.
func (r *Repo) ShowFile(ctx context.Context, sha, path string) ([]byte, bool, error) {
	out, err := r.git(ctx, nil, "ls-tree", "-z", sha, "--", path)
	if err != nil {
		return nil, false, fmt.Errorf("cannot list %s at %s: %w", path, shortRev(sha), err)
	}
	if len(out) == 0 {
		return nil, false, nil
	}
	mode, _, _ := bytes.Cut(out, []byte(" "))
	if m := string(mode); m != "100644" && m != "100755" {
		return nil, true, fmt.Errorf("%s at %s is not a regular file (git mode %s)", path, shortRev(sha), m)
	}
	data, err := r.Show(ctx, sha, path)
	return data, true, err
}

// ListFiles lists the files directly in dir (relative to Root,
// slash-separated; "." for the root) in commit sha, as paths relative to
// Root; none when the commit has no such directory.
func (r *Repo) ListFiles(ctx context.Context, sha, dir string) ([]string, error) {
	spec := dir + "/"
	if dir == "." || dir == "" {
		spec = "."
	}
	out, err := r.git(ctx, nil, "ls-tree", "-z", "--name-only", sha, "--", spec)
	if err != nil {
		return nil, fmt.Errorf("cannot list %s at %s: %w", dir, shortRev(sha), err)
	}
	var files []string
	for _, name := range bytes.Split(out, []byte{0}) {
		if len(name) > 0 {
			files = append(files, string(name))
		}
	}
	return files, nil
}

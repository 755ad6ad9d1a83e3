package history

import (
	"context"
	"fmt"
	"go/scanner"
	"go/token"
	"path"
	"strings"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/internal/gitrepo"
)

// The fast path decides a commit without loading packages when none of
// the files it changes can map to a symbol. It is sound by erring to
// loading: a file is taken to map when it is Go code, a module or
// workspace file, vendored, a package's non-Go source (assembly, C,
// .syso), under a directory whose Go code embeds files (//go:embed may
// name it), named by the configuration (assets:, the configuration file
// itself), or possibly read at run time by a constant path (its name, up
// to the first dot, appears in a string literal of the module's non-test
// Go code after its start or a slash and before its end or a dot, or that code calls a function named ParseGlob). Submodules and
// symlinks are analysed.

// MustLoad returns why the files a commit changed may map to code (the
// commit must be analysed), or "" when none can. configured says why the
// configuration maps a path ("" when it does not).
func MustLoad(ctx context.Context, dir, commit string, files []File, configured func(string) string) (string, error) {
	t := &tree{ctx: ctx, dir: dir, commit: commit}
	for _, f := range files {
		why, err := t.mayMap(f, configured)
		if err != nil {
			return "", err
		}
		if why != "" {
			return f.Path + ": " + why, nil
		}
	}
	return "", nil
}

// tree answers the questions of the fast path about one commit's Go
// code, each asked of git once.
type tree struct {
	ctx         context.Context
	dir, commit string
	embedDirs   []string
	embedsRead  bool
	globs       *bool
	// files are the tokens of the Go files read so far.
	files map[string]goTokens
}

func (t *tree) mayMap(f File, configured func(string) string) (string, error) {
	p := f.Path
	base := path.Base(p)
	switch {
	case strings.HasSuffix(p, ".go"):
		return "Go code", nil
	case base == "go.mod" || base == "go.sum" || base == "go.work" || base == "go.work.sum":
		return "a module file", nil
	case p == "vendor" || strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/"):
		return "vendored code", nil
	case analyzer.PackageFileKind(p) != "":
		return "a package's " + analyzer.PackageFileKind(p), nil
	case isSpecial(f.OldMode) || isSpecial(f.NewMode):
		return "a submodule or symlink", nil
	}
	if why := configured(p); why != "" {
		return why, nil
	}
	if dir, err := t.embeddingDir(p); err != nil || dir != "" {
		return fmt.Sprintf("may be embedded (//go:embed in %s)", dir), err
	}
	if globs, err := t.parsesGlobs(); err != nil || globs {
		return "may be read at run time (the code parses templates by glob)", err
	}
	if file, err := t.named(p); err != nil || file != "" {
		return fmt.Sprintf("may be read at run time (%s names it)", file), err
	}
	return "", nil
}

// isSpecial reports whether a git mode is a submodule or a symlink.
func isSpecial(mode string) bool {
	return mode == "160000" || mode == "120000"
}

// embeddingDir is the directory holding p, or one above it, whose Go
// code has a //go:embed directive, or "".
func (t *tree) embeddingDir(p string) (string, error) {
	if !t.embedsRead {
		files, err := t.grep("go:embed", true)
		if err != nil {
			return "", err
		}
		for _, f := range files {
			t.embedDirs = append(t.embedDirs, path.Dir(f))
		}
		t.embedsRead = true
	}
	for _, d := range t.embedDirs {
		if d == "." || strings.HasPrefix(p, d+"/") {
			return d, nil
		}
	}
	return "", nil
}

// parsesGlobs reports whether the code calls a function named ParseGlob
// (the identifier, not the word in a comment or a string).
func (t *tree) parsesGlobs() (bool, error) {
	if t.globs == nil {
		file, err := t.firstWith("ParseGlob", func(g goTokens) bool { return g.idents["ParseGlob"] })
		if err != nil {
			return false, err
		}
		found := file != ""
		t.globs = &found
	}
	return *t.globs, nil
}

// named is a non-test Go file with a string literal holding p's name up
// to its first dot (the whole name when it starts with one), or "".
func (t *tree) named(p string) (string, error) {
	stem := path.Base(p)
	if i := strings.IndexByte(stem, '.'); i > 0 {
		stem = stem[:i]
	}
	return t.firstWith(stem, func(g goTokens) bool {
		for _, s := range g.strings {
			if holdsName(s, stem) {
				return true
			}
		}
		return false
	})
}

// holdsName reports whether the string literal lit (its source text,
// quotes included) holds stem as a file name may appear in a path: after
// its start or a slash, before its end or a dot.
func holdsName(lit, stem string) bool {
	for i := 0; ; {
		k := strings.Index(lit[i:], stem)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(stem)
		before, after := byte('"'), byte('"')
		if start > 0 {
			before = lit[start-1]
		}
		if end < len(lit) {
			after = lit[end]
		}
		if strings.IndexByte("\"`/", before) >= 0 && strings.IndexByte("\"`.", after) >= 0 {
			return true
		}
		i = start + 1
	}
}

// firstWith is the first non-test Go file holding s whose tokens satisfy
// ok, or "".
func (t *tree) firstWith(s string, ok func(goTokens) bool) (string, error) {
	files, err := t.grep(s, false)
	if err != nil {
		return "", err
	}
	for _, f := range files {
		g, err := t.tokens(f)
		if err != nil {
			return "", err
		}
		if ok(g) {
			return f, nil
		}
	}
	return "", nil
}

// goTokens are the string literals (their source text) and identifiers
// of a Go file.
type goTokens struct {
	strings []string
	idents  map[string]bool
}

// tokens scans the Go file at p in the commit.
func (t *tree) tokens(p string) (goTokens, error) {
	if g, ok := t.files[p]; ok {
		return g, nil
	}
	src, err := gitrepo.Run(t.ctx, t.dir, "cat-file", "blob", t.commit+":"+p)
	if err != nil {
		return goTokens{}, fmt.Errorf("reading %s at %s: %w", p, short(t.commit), err)
	}
	g := goTokens{idents: map[string]bool{}}
	fset := token.NewFileSet()
	var sc scanner.Scanner
	sc.Init(fset.AddFile(p, -1, len(src)), src, nil, 0)
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.STRING, token.CHAR:
			g.strings = append(g.strings, lit)
		case token.IDENT:
			g.idents[lit] = true
		}
	}
	if t.files == nil {
		t.files = map[string]goTokens{}
	}
	t.files[p] = g
	return g, nil
}

// grep lists the Go files of the commit (with tests or not) holding s.
func (t *tree) grep(s string, tests bool) ([]string, error) {
	args := []string{"grep", "--no-color", "-l", "-F", "--full-name", "-e", s, t.commit, "--", "*.go"}
	if !tests {
		args = append(args, ":(exclude)*_test.go")
	}
	out, err := gitrepo.Run(t.ctx, t.dir, args...)
	if err != nil {
		if gitrepo.IsExit(err, 1) {
			return nil, nil // no match
		}
		return nil, fmt.Errorf("git grep in %s: %w", short(t.commit), err)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" {
			// "COMMIT:path"
			files = append(files, strings.TrimPrefix(line, t.commit+":"))
		}
	}
	return files, nil
}

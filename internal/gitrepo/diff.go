package gitrepo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Status of a changed file.
type Status int

// File statuses. Renames are not detected: they are a Deleted plus an Added.
const (
	Modified Status = iota // content or mode changed
	Added                  // new file
	Deleted                // removed file
)

// LineRange is an inclusive range of 1-based line numbers.
type LineRange struct {
	Start, End int
}

// FileChange is one file in a diff. Paths are slash-separated and relative
// to the repository root; OldPath is "" for Added files, NewPath "" for
// Deleted ones.
type FileChange struct {
	OldPath, NewPath string
	Status           Status
	// Binary is true for binary files, which have no line ranges: the whole
	// file counts as changed.
	Binary bool
	// OldLines are the removed or changed lines of the old file, NewLines
	// the added or changed lines of the new file.
	OldLines, NewLines []LineRange
}

// Path returns NewPath, or OldPath for deleted files.
func (f FileChange) Path() string {
	if f.Status == Deleted || f.NewPath == "" {
		return f.OldPath
	}
	return f.NewPath
}

// maxLine bounds line numbers and counts in hunk headers.
const maxLine = 1 << 30

// ParseDiff parses the output of `git diff` (unified format, as Diff runs it)
// into file changes sorted by Path. It returns an error on malformed input,
// such as a bad hunk header or a hunk with fewer lines than its header says.
func ParseDiff(r io.Reader) ([]FileChange, error) {
	p := &parser{}
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			p.lineNo++
			if perr := p.line(strings.TrimSuffix(line, "\n")); perr != nil {
				return nil, fmt.Errorf("diff line %d: %w", p.lineNo, perr)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if p.oldLeft > 0 || p.newLeft > 0 {
		return nil, fmt.Errorf("diff line %d: truncated hunk: %d old and %d new lines missing", p.lineNo, p.oldLeft, p.newLeft)
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(p.files, func(a, b FileChange) int { return strings.Compare(a.Path(), b.Path()) })
	return p.files, nil
}

type parser struct {
	files  []FileChange
	cur    *FileChange // file being read, nil before the first header
	hunks  bool        // cur has had a hunk
	lineNo int

	oldLeft, newLeft int // lines still expected in the current hunk
	oldPos, newPos   int // line numbers of the next old and new line
}

func (p *parser) line(s string) error {
	if p.oldLeft > 0 || p.newLeft > 0 {
		return p.hunkLine(s)
	}
	if rest, ok := strings.CutPrefix(s, "diff --git "); ok {
		if err := p.finish(); err != nil {
			return err
		}
		oldPath, newPath, err := parseHeader(rest)
		if err != nil {
			return err
		}
		p.cur = &FileChange{OldPath: oldPath, NewPath: newPath}
		p.hunks = false
		return nil
	}
	switch {
	case p.cur == nil:
		return fmt.Errorf("expected a \"diff --git\" header, found %q", clip(s))
	case strings.HasPrefix(s, "@@"):
		p.hunks = true
		return p.hunkHeader(s)
	case strings.HasPrefix(s, `\`): // "\ No newline at end of file"
		return nil
	case p.hunks:
		return fmt.Errorf("unexpected line after hunk (hunk header miscounts?): %q", clip(s))
	}
	return p.extendedHeader(s)
}

// extendedHeader handles the lines between "diff --git" and the first hunk.
func (p *parser) extendedHeader(s string) error {
	f := p.cur
	switch {
	case strings.HasPrefix(s, "new file mode "):
		f.Status = Added
	case strings.HasPrefix(s, "deleted file mode "):
		f.Status = Deleted
	case strings.HasPrefix(s, "--- "), strings.HasPrefix(s, "+++ "):
		name, err := parseName(s[4:])
		if err != nil {
			return err
		}
		switch {
		case name == "/dev/null" && s[0] == '-':
			f.Status = Added
		case name == "/dev/null":
			f.Status = Deleted
		case s[0] == '-':
			f.OldPath = strings.TrimPrefix(name, "a/")
		default:
			f.NewPath = strings.TrimPrefix(name, "b/")
		}
	case strings.HasPrefix(s, "rename from "), strings.HasPrefix(s, "copy from "):
		_, name, _ := strings.Cut(s, " from ")
		return setName(&f.OldPath, name)
	case strings.HasPrefix(s, "rename to "), strings.HasPrefix(s, "copy to "):
		_, name, _ := strings.Cut(s, " to ")
		return setName(&f.NewPath, name)
	case strings.HasPrefix(s, "Binary files "):
		f.Binary = true
		if strings.HasPrefix(s, "Binary files /dev/null and ") {
			f.Status = Added
		} else if strings.HasSuffix(s, " and /dev/null differ") {
			f.Status = Deleted
		}
	case s == "GIT binary patch":
		f.Binary = true
	}
	// Other lines (index, old mode, new mode, similarity index...) carry
	// nothing we need.
	return nil
}

func setName(dst *string, s string) error {
	name, err := parseName(s)
	*dst = name
	return err
}

// hunkHeader parses "@@ -OLD[,N] +NEW[,M] @@ [section]".
func (p *parser) hunkHeader(s string) error {
	rest, ok := strings.CutPrefix(s, "@@ -")
	if !ok {
		return fmt.Errorf("malformed hunk header %q", clip(s))
	}
	oldSpec, rest, ok1 := strings.Cut(rest, " +")
	newSpec, _, ok2 := strings.Cut(rest, " @@")
	if !ok1 || !ok2 {
		return fmt.Errorf("malformed hunk header %q", clip(s))
	}
	oldStart, oldCount, err1 := parseRange(oldSpec)
	newStart, newCount, err2 := parseRange(newSpec)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("malformed hunk header %q", clip(s))
	}
	p.oldPos, p.oldLeft = oldStart, oldCount
	p.newPos, p.newLeft = newStart, newCount
	return nil
}

// parseRange parses "START[,COUNT]"; COUNT defaults to 1.
func parseRange(s string) (start, count int, err error) {
	startText, countText, hasCount := strings.Cut(s, ",")
	if start, err = parseNumber(startText); err != nil {
		return 0, 0, err
	}
	count = 1
	if hasCount {
		if count, err = parseNumber(countText); err != nil {
			return 0, 0, err
		}
	}
	if count > 0 && start == 0 {
		return 0, 0, errors.New("line 0 in a non-empty range")
	}
	return start, count, nil
}

// parseNumber parses a decimal line number or count: digits only, bounded.
func parseNumber(s string) (int, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 10 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxLine {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return n, nil
}

// hunkLine consumes one line of a hunk body.
func (p *parser) hunkLine(s string) error {
	kind := byte(' ') // an empty line is an empty context line
	if s != "" {
		kind = s[0]
	}
	f := p.cur
	switch kind {
	case '-':
		if p.oldLeft == 0 {
			return errors.New("more removed lines than the hunk header says")
		}
		f.OldLines = addLine(f.OldLines, p.oldPos)
		p.oldPos++
		p.oldLeft--
	case '+':
		if p.newLeft == 0 {
			return errors.New("more added lines than the hunk header says")
		}
		f.NewLines = addLine(f.NewLines, p.newPos)
		p.newPos++
		p.newLeft--
	case ' ':
		if p.oldLeft == 0 || p.newLeft == 0 {
			return errors.New("more context lines than the hunk header says")
		}
		p.oldPos++
		p.newPos++
		p.oldLeft--
		p.newLeft--
	case '\\': // "\ No newline at end of file"
	default:
		return fmt.Errorf("unexpected line in hunk: %q", clip(s))
	}
	return nil
}

// addLine adds line n to ranges, extending the last range when adjacent.
func addLine(ranges []LineRange, n int) []LineRange {
	if k := len(ranges) - 1; k >= 0 && ranges[k].End+1 == n {
		ranges[k].End = n
		return ranges
	}
	return append(ranges, LineRange{Start: n, End: n})
}

// finish checks and records the file being read.
func (p *parser) finish() error {
	f := p.cur
	if f == nil {
		return nil
	}
	p.cur = nil
	switch f.Status {
	case Added:
		f.OldPath = ""
	case Deleted:
		f.NewPath = ""
	}
	if f.OldPath == "" && f.NewPath == "" {
		return errors.New("diff has a file without a name")
	}
	p.files = append(p.files, *f)
	return nil
}

// parseHeader splits the names of a "diff --git a/OLD b/NEW" line and strips
// the a/ and b/ prefixes.
func parseHeader(s string) (oldPath, newPath string, err error) {
	var a, b string
	if strings.HasPrefix(s, `"`) {
		var rest string
		if a, rest, err = unquote(s); err != nil {
			return "", "", err
		}
		rest, ok := strings.CutPrefix(rest, " ")
		if !ok {
			return "", "", fmt.Errorf("malformed diff header %q", clip(s))
		}
		if b, err = parseName(rest); err != nil {
			return "", "", err
		}
	} else if n := len(s); n%2 == 1 && s[n/2] == ' ' && len(s) > 5 && s[2:n/2] == s[n/2+3:] {
		// Without renames both names are equal, and may contain spaces:
		// split in the middle.
		a, b = s[:n/2], s[n/2+1:]
	} else if i := strings.Index(s, " b/"); i >= 0 {
		a, b = s[:i], s[i+1:]
	}
	oldPath, okA := strings.CutPrefix(a, "a/")
	newPath, okB := strings.CutPrefix(b, "b/")
	if !okA || !okB || oldPath == "" || newPath == "" {
		return "", "", fmt.Errorf("malformed diff header %q", clip(s))
	}
	return oldPath, newPath, nil
}

// parseName reads a file name in a diff: C-quoted, or raw up to a tab (git
// appends a tab to names that contain spaces on ---/+++ lines).
func parseName(s string) (string, error) {
	if strings.HasPrefix(s, `"`) {
		name, _, err := unquote(s)
		return name, err
	}
	name, _, _ := strings.Cut(s, "\t")
	return name, nil
}

// unquote decodes the C-style quoted string at the start of s, as git writes
// unusual file names, and returns it with the rest of s.
func unquote(s string) (name, rest string, err error) {
	const escapes, values = `abtnvfr"\`, "\a\b\t\n\v\f\r\"\\"
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], nil
		case c != '\\':
			b.WriteByte(c)
		case i+1 < len(s) && strings.IndexByte(escapes, s[i+1]) >= 0:
			b.WriteByte(values[strings.IndexByte(escapes, s[i+1])])
			i++
		case i+3 < len(s) && isOctal(s[i+1], '3') && isOctal(s[i+2], '7') && isOctal(s[i+3], '7'):
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
		default:
			return "", "", fmt.Errorf("bad escape in quoted name %q", clip(s))
		}
	}
	return "", "", fmt.Errorf("unterminated quoted name %q", clip(s))
}

func isOctal(c, max byte) bool { return '0' <= c && c <= max }

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

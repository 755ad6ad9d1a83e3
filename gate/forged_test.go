package gate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/report"
)

// TestForgedReportComment renders testdata/forged/check.json, a report
// whose every string is hostile (links and images, HTML, the comment's
// marker, mentions, control characters, pipes and backticks, a heading
// after a line break, strings thousands of characters long), as the pull
// request comment, trusted and untrusted, and as text; compares each with
// its golden file, and checks that the markdown is inert.
func TestForgedReportComment(t *testing.T) {
	r := readForged(t)
	for _, c := range []struct {
		golden string
		opts   MarkdownOptions
	}{
		{"comment.golden.md", MarkdownOptions{}},
		{"comment-untrusted.golden.md", MarkdownOptions{Untrusted: true}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, WriteComment(&out, r, c.opts))
			golden(t, filepath.Join("testdata", "forged", c.golden), out.String())
			assertInertMarkdown(t, out.String(), c.opts.Untrusted)
		})
	}
	t.Run("text", func(t *testing.T) {
		var out bytes.Buffer
		require.NoError(t, WriteText(&out, r))
		golden(t, filepath.Join("testdata", "forged", "check.golden.text"), out.String())
		assert.False(t, strings.ContainsFunc(out.String(), func(c rune) bool { return c != '\n' && unicode.IsControl(c) }),
			"no control character reaches the terminal")
	})
}

// TestForgedSHAs: a report whose base, head or merge base is not a commit
// SHA is refused by every renderer that prints them, before it writes
// anything.
func TestForgedSHAs(t *testing.T) {
	for _, bad := range []string{
		"](http://e)", "![](http://e)", "<img src=x>", "@everyone", "main", "abc123",
		"EFA1582ACD64CD9DAD080A63E907CC7E59780221",   // git prints lowercase
		"efa1582acd64cd9dad080a63e907cc7e5978022",    // 39
		"efa1582acd64cd9dad080a63e907cc7e59780221\n", // a line break after it
		"efa1582acd64cd9dad080a63e907cc7e59780221 x",
	} {
		for _, field := range []string{"base", "head", "merge_base"} {
			r := readForged(t)
			switch field {
			case "base":
				r.Base = bad
			case "head":
				r.Head = bad
			case "merge_base":
				r.MergeBase = bad
			}
			for name, write := range map[string]func(*bytes.Buffer) error{
				"comment":  func(b *bytes.Buffer) error { return WriteComment(b, r, MarkdownOptions{}) },
				"markdown": func(b *bytes.Buffer) error { return Write(b, r, "markdown") },
				"text":     func(b *bytes.Buffer) error { return Write(b, r, "text") },
			} {
				var out bytes.Buffer
				err := write(&out)
				require.Error(t, err, "%s with %s %q", name, field, bad)
				assert.Contains(t, err.Error(), "the report's "+field+" ")
				assert.Contains(t, err.Error(), "is not blastgate's or was altered")
				assert.NotContains(t, err.Error(), "\n", "the message stays on one line")
				assert.Zero(t, out.Len(), "nothing is drawn")
			}
		}
	}
	// A SHA-256 repository's ids are 64 digits.
	r := readForged(t)
	r.Head = strings.Repeat("ab", 32)
	require.NoError(t, WriteComment(&bytes.Buffer{}, r, MarkdownOptions{}))
}

func readForged(t *testing.T) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "forged", "check.json"))
	require.NoError(t, err)
	var r report.Report
	require.NoError(t, json.Unmarshal(data, &r))
	return &r
}

var (
	allowedTagRE  = regexp.MustCompile(`</?(?:br|details|summary|sub)>`)
	dashboardRE   = regexp.MustCompile(`\[📈 dashboard\]\(https://grafana\.example\.com/d/ok\?x=1\)`)
	mentionRE     = regexp.MustCompile(`@[^\x{200b}]`)
	trustedOwners = regexp.MustCompile(`owners: @everyone @octo-org/all |owners: @a{60}|owners: @ok-team`)
)

// assertInertMarkdown checks what GitHub would make of md: outside code
// spans, no HTML but the renderer's own tags, no link or image but the
// configured dashboard (trusted only), no mention but the owners that
// match @user or @org/team (trusted only), no autolink, no control
// character, no marker, and every table row has its five cells.
func assertInertMarkdown(t *testing.T, md string, untrusted bool) {
	t.Helper()
	assert.NotContains(t, md, "<!--", "no marker or HTML comment: a forged report cannot pass for another comment")
	assert.False(t, strings.ContainsFunc(md, func(c rune) bool { return c != '\n' && unicode.IsControl(c) }), "no control character")
	assert.Less(t, len(md), mdLimit+200, "the comment fits")

	plain := md
	if !untrusted {
		plain = dashboardRE.ReplaceAllString(plain, "DASHBOARD")
		plain = trustedOwners.ReplaceAllString(plain, "OWNERS")
	}
	plain = allowedTagRE.ReplaceAllString(plain, "")
	// The mermaid graph is a code block: its labels are checked apart.
	if i := strings.Index(plain, "```mermaid"); i >= 0 {
		end := strings.Index(plain[i+3:], "```")
		require.GreaterOrEqual(t, end, 0, "the mermaid block is closed")
		graph := plain[i : i+3+end+3]
		assert.NotContains(t, graph[len("```mermaid"):len(graph)-3], "`", "nothing closes the mermaid block early")
		assert.NotContains(t, graph, "<")
		plain = plain[:i] + plain[i+3+end+3:]
	}
	plain = withoutCodeSpans(plain)
	assert.NotContains(t, plain, "<", "no HTML")
	assert.NotRegexp(t, `(^|[^\\])\]\(`, plain, "no link")
	assert.NotRegexp(t, `(^|[^\\])!\[`, plain, "no image")
	assert.NotRegexp(t, `https?://`, plain, "no autolink")
	assert.NotRegexp(t, `(?i)www\.`, plain, "no www autolink")
	assert.NotRegexp(t, mentionRE, plain, "no mention")
	for line := range strings.Lines(md) {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := regexp.MustCompile(`(^|[^\\])\|`).FindAllStringIndex(line, -1)
		assert.Len(t, cells, 6, "a table row keeps its five cells: %.120q", line)
	}
	for line := range strings.Lines(md) {
		assert.False(t, strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "### "),
			"no heading but the verdict: %.80q", line)
	}
}

// withoutCodeSpans replaces each inline code span of md with "`…`", as
// CommonMark finds them: a backtick that a backslash escapes opens none,
// and inside a span, the next backtick on the line closes it.
func withoutCodeSpans(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		switch c := md[i]; {
		case c == '\\' && i+1 < len(md):
			b.WriteString(md[i : i+2])
			i++
		case c == '`':
			end := strings.IndexAny(md[i+1:], "`\n")
			if end < 0 || md[i+1+end] != '`' {
				b.WriteByte(c) // an unclosed backtick is text
				continue
			}
			b.WriteString("`…`")
			i += 1 + end
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

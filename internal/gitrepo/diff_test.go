package gitrepo

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDiff(t *testing.T) {
	tests := []struct {
		name string
		diff string
		want []FileChange
	}{
		{
			name: "empty",
			diff: "",
			want: nil,
		},
		{
			name: "modification with section text",
			diff: `diff --git a/x.go b/x.go
index 1111111..2222222 100644
--- a/x.go
+++ b/x.go
@@ -3,2 +3,3 @@ func main() {
-a
-b
+A
+B
+C
`,
			want: []FileChange{{OldPath: "x.go", NewPath: "x.go", OldLines: []LineRange{{3, 4}}, NewLines: []LineRange{{3, 5}}}},
		},
		{
			name: "omitted counts mean one line",
			diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -3 +3 @@\n-a\n+b\n",
			want: []FileChange{{OldPath: "x", NewPath: "x", OldLines: []LineRange{{3, 3}}, NewLines: []LineRange{{3, 3}}}},
		},
		{
			name: "pure deletion and pure insertion",
			diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -5,2 +4,0 @@\n-a\n-b\n@@ -9,0 +8,2 @@\n+c\n+d\n",
			want: []FileChange{{OldPath: "x", NewPath: "x", OldLines: []LineRange{{5, 6}}, NewLines: []LineRange{{8, 9}}}},
		},
		{
			name: "context lines are not changes",
			diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,4 +1,4 @@\n-a\n+A\n same\n\n-d\n+D\n",
			want: []FileChange{{OldPath: "x", NewPath: "x", OldLines: []LineRange{{1, 1}, {4, 4}}, NewLines: []LineRange{{1, 1}, {4, 4}}}},
		},
		{
			name: "new and deleted files",
			diff: `diff --git a/new.go b/new.go
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/new.go
@@ -0,0 +1,2 @@
+package a
+
diff --git a/old.go b/old.go
deleted file mode 100644
index 1111111..0000000
--- a/old.go
+++ /dev/null
@@ -1 +0,0 @@
-package a
`,
			want: []FileChange{
				{NewPath: "new.go", Status: Added, NewLines: []LineRange{{1, 2}}},
				{OldPath: "old.go", Status: Deleted, OldLines: []LineRange{{1, 1}}},
			},
		},
		{
			name: "empty new file and mode change have no hunks",
			diff: `diff --git a/empty b/empty
new file mode 100644
index 0000000..e69de29
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
`,
			want: []FileChange{
				{NewPath: "empty", Status: Added},
				{OldPath: "run.sh", NewPath: "run.sh", Status: Modified},
			},
		},
		{
			name: "binary files",
			diff: `diff --git a/img.png b/img.png
index 1111111..2222222 100644
Binary files a/img.png and b/img.png differ
diff --git a/new bin b/new bin
new file mode 100644
index 0000000..2222222
Binary files /dev/null and b/new bin differ
`,
			want: []FileChange{
				{OldPath: "img.png", NewPath: "img.png", Binary: true},
				{NewPath: "new bin", Status: Added, Binary: true},
			},
		},
		{
			name: "spaces, with git's trailing tab on ---/+++ lines",
			diff: "diff --git a/my b/file.go b/my b/file.go\n--- a/my b/file.go\t\n+++ b/my b/file.go\t\n@@ -1 +1 @@\n-a\n+b\n",
			want: []FileChange{{OldPath: "my b/file.go", NewPath: "my b/file.go", OldLines: []LineRange{{1, 1}}, NewLines: []LineRange{{1, 1}}}},
		},
		{
			name: "quoted names",
			diff: `diff --git "a/x\ty.go" "b/x\ty.go"
index 1111111..2222222 100644
--- "a/x\ty.go"
+++ "b/x\ty.go"
@@ -1 +1 @@
-a
+b
diff --git "a/caf\303\251 \"q\"\\.go" "b/caf\303\251 \"q\"\\.go"
new file mode 100644
index 0000000..e69de29
`,
			want: []FileChange{
				{NewPath: `café "q"\.go`, Status: Added},
				{OldPath: "x\ty.go", NewPath: "x\ty.go", OldLines: []LineRange{{1, 1}}, NewLines: []LineRange{{1, 1}}},
			},
		},
		{
			name: "raw non-ASCII name (core.quotepath=off)",
			diff: "diff --git a/café.go b/café.go\n--- a/café.go\n+++ b/café.go\n@@ -2,0 +3 @@\n+x\n",
			want: []FileChange{{OldPath: "café.go", NewPath: "café.go", NewLines: []LineRange{{3, 3}}}},
		},
		{
			name: "no newline markers",
			diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n",
			want: []FileChange{{OldPath: "x", NewPath: "x", OldLines: []LineRange{{1, 1}}, NewLines: []LineRange{{1, 1}}}},
		},
		{
			name: "changed lines that look like headers",
			diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -2,2 +1,0 @@\n--- a/y\n-diff --git a/y b/y\n@@ -9 +8 @@\n-@@ -1 +1 @@\n++++ b/z\n",
			want: []FileChange{{OldPath: "x", NewPath: "x", OldLines: []LineRange{{2, 3}, {9, 9}}, NewLines: []LineRange{{8, 8}}}},
		},
		{
			name: "rename lines (when renames are on)",
			diff: "diff --git a/a b/b\nsimilarity index 100%\nrename from a\nrename to b\n",
			want: []FileChange{{OldPath: "a", NewPath: "b"}},
		},
		{
			name: "sorted by path, deleted files by old path",
			diff: "diff --git a/z b/z\ndeleted file mode 100644\n" +
				"diff --git a/b b/b\nnew file mode 100644\n" +
				"diff --git a/m b/m\nold mode 100644\nnew mode 100755\n",
			want: []FileChange{
				{NewPath: "b", Status: Added},
				{OldPath: "m", NewPath: "m"},
				{OldPath: "z", Status: Deleted},
			},
		},
		{
			name: "no trailing newline at end of input",
			diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b",
			want: []FileChange{{OldPath: "x", NewPath: "x", OldLines: []LineRange{{1, 1}}, NewLines: []LineRange{{1, 1}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDiff(strings.NewReader(tt.diff))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseDiffErrors(t *testing.T) {
	const head = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
	tests := []struct {
		name, diff, wantErr string
	}{
		{"garbage before header", "hello\n", `expected a "diff --git" header`},
		{"header without prefixes", "diff --git x y\n", "malformed diff header"},
		{"header with empty name", "diff --git a/ b/\n", "malformed diff header"},
		{"unterminated quote", "diff --git \"a/x b/x\n", "unterminated quoted name"},
		{"bad escape", "diff --git \"a/\\q\" \"b/\\q\"\n", "bad escape"},
		{"bad octal", "diff --git \"a/\\400\" \"b/\\400\"\n", "bad escape"},
		{"letters in hunk header", head + "@@ -x +1 @@\n", "malformed hunk header"},
		{"missing closing @@", head + "@@ -1 +1\n-a\n+b\n", "malformed hunk header"},
		{"missing new range", head + "@@ -1 @@\n-a\n", "malformed hunk header"},
		{"combined diff header", head + "@@@ -1 -1 +1 @@@\n", "malformed hunk header"},
		{"negative count", head + "@@ -1,-1 +1 @@\n", "malformed hunk header"},
		{"huge number", head + "@@ -99999999999999999999 +1 @@\n", "malformed hunk header"},
		{"line zero", head + "@@ -0,1 +1 @@\n-a\n+b\n", "malformed hunk header"},
		{"truncated hunk", head + "@@ -1,2 +1 @@\n-a\n+b\n", "truncated hunk"},
		{"extra removed line", head + "@@ -1 +1,2 @@\n-a\n-b\n", "more removed lines"},
		{"line after hunk", head + "@@ -1 +1 @@\n-a\n+b\n+c\n", "unexpected line after hunk"},
		{"unknown hunk line", head + "@@ -1 +1 @@\n*a\n", "unexpected line in hunk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDiff(strings.NewReader(tt.diff))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Nil(t, got)
		})
	}
}

func FuzzParseDiff(f *testing.F) {
	for _, seed := range []string{
		"",
		"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n-a\n-b\n+c\n",
		"diff --git \"a/caf\\303\\251\" \"b/caf\\303\\251\"\nnew file mode 100644\n",
		"diff --git a/b b/b\nBinary files /dev/null and b/b differ\n",
		"diff --git a/b b/b\ndeleted file mode 100644\nBinary files a/b and /dev/null differ\n",
		"diff --git a/x b/x\n@@ -0,0 +1 @@\n+a\n\\ No newline at end of file\n",
		"diff --git a/old b/new\nsimilarity index 90%\nrename from old\nrename to new\n@@ -1 +1 @@\n-a\n+b\n",
		"diff --git a/a b c b/a b c\nnew file mode 100644\n--- /dev/null\n+++ b/a b c\t\n@@ -0,0 +1,2 @@\n+x\n+y\n",
		"diff --git a/d b/d\ndeleted file mode 100644\n--- a/d\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-a\n-b\n-c\n",
		"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@ func f() {\n a\n-b\n+c\n \n@@ -10 +10,0 @@\n-z\n",
		"diff --git a/x b/x\nold mode 100644\nnew mode 100755\ndiff --git a/y b/y\nGIT binary patch\nliteral 0\n",
		"diff --git a/x b/x\n@@ -1,2 +1 @@\n-a\n",
		"diff --git a/x b/x\n@@ -1073741824,1 +1 @@\n-a\n+b\n",
		"diff --git a/ b/\n",
		"not a diff\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, diff string) {
		files, err := ParseDiff(strings.NewReader(diff))
		if err != nil {
			if files != nil {
				t.Fatalf("files %+v with error %v", files, err)
			}
			return
		}
		for i, fc := range files {
			if fc.Path() == "" {
				t.Fatalf("file without a path: %+v", fc)
			}
			if i > 0 && files[i-1].Path() > fc.Path() {
				t.Fatalf("files not sorted by path: %q before %q", files[i-1].Path(), fc.Path())
			}
			switch fc.Status {
			case Added:
				if fc.OldPath != "" {
					t.Fatalf("added file with an old path: %+v", fc)
				}
			case Deleted:
				if fc.NewPath != "" {
					t.Fatalf("deleted file with a new path: %+v", fc)
				}
			case Modified:
			default:
				t.Fatalf("unknown status: %+v", fc)
			}
			for _, r := range append(slices.Clip(fc.OldLines), fc.NewLines...) {
				if r.Start < 1 || r.End < r.Start {
					t.Fatalf("bad range %+v in %+v", r, fc)
				}
			}
		}
	})
}

package prcomment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseEvent(f *testing.F) {
	for _, name := range []string{"pull_request.json", "pull_request_fork.json", "push.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		"",
		"null",
		"{}",
		"[]",
		`{"number": 3, "pull_request": {"number": 3, "head": {"sha": "bbbb", "repo": null}, "base": {"sha": "aaaa", "repo": {"id": 1, "full_name": "o/r"}}}}`,
		`{"number": 4, "pull_request": {"number": 4, "labels": "not a list", "head": {"sha": "bbbb", "repo": {"full_name": "o/r"}}, "base": {"sha": "aaaa", "repo": {"full_name": "o/r"}}}}`,
		`{"pull_request": {"number": 5, "head": {"sha": "b"}, "base": {"sha": "a"}}}`,
		`{"number": -1, "pull_request": {"number": 6, "head": {"sha": "b"}, "base": {"sha": "a"}}}`,
		`{"number": 0, "pull_request": {"number": -6, "head": {"sha": "b"}, "base": {"sha": "a"}}}`,
		`{"number": 99999999999999999999, "pull_request": {"head": {"sha": "b"}, "base": {"sha": "a"}}}`,
		`{"number": 1.5, "pull_request": {"head": {"sha": "b"}, "base": {"sha": "a"}}}`,
		`{"number": "7", "pull_request": {"number": 7, "head": {"sha": 1}, "base": {"sha": "a"}}}`,
		`{"number": 9, "pull_request": {"number": 9}}`,
		`{"number": 9, "pull_request": null}`,
		`{"number": 9, "pull_request": {"head": {"sha": "b", "repo": {"id": 2}}, "base": {"sha": "a", "repo": {"id": 1}}, "created_at": "yesterday"}}`,
		"ref: refs/heads/main\n",
		`{"number": 1, "pull_request": {"head": {"sha": "b"}, "base": {"sha": "a"}}} trailing`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pr, err := parseEvent("event.json", data)
		if err != nil {
			if pr != (PullRequest{}) {
				t.Fatalf("pull request %+v with error %v", pr, err)
			}
			if !strings.Contains(err.Error(), "GITHUB_EVENT_PATH") {
				t.Fatalf("error does not name GITHUB_EVENT_PATH: %v", err)
			}
			return
		}
		if pr.Number <= 0 || pr.BaseSHA == "" || pr.HeadSHA == "" {
			t.Fatalf("accepted an event without a number or SHAs: %+v", pr)
		}
	})
}

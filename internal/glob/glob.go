// Package glob matches repository paths against the globs of the config's
// assets: key: slash-separated patterns relative to the repository root,
// where "**" as a whole element matches any number of directories (none
// included) and every other element is a path.Match pattern.
package glob

import (
	"fmt"
	"path"
	"strings"
)

// Check reports what is wrong with a pattern, or nil.
func Check(pattern string) error {
	switch {
	case strings.TrimSpace(pattern) == "":
		return fmt.Errorf("empty pattern")
	case path.IsAbs(pattern) || strings.Contains(pattern, `\`):
		return fmt.Errorf("%q is not relative to the repository root with slashes", pattern)
	case pattern != path.Clean(pattern) || pattern == "." || pattern == ".." || strings.HasPrefix(pattern, "../"):
		return fmt.Errorf("%q is not a clean path inside the repository (no ./, ../, // or trailing /)", pattern)
	}
	for _, elem := range strings.Split(pattern, "/") {
		if elem == "**" {
			continue
		}
		if strings.Contains(elem, "**") {
			return fmt.Errorf("%q uses ** inside a path element: write it as a whole element, as in web/**/*.html", pattern)
		}
		if _, err := path.Match(elem, "x"); err != nil {
			return fmt.Errorf("%q is not a valid pattern: %v", pattern, err)
		}
	}
	return nil
}

// Match reports whether the slash-separated path name matches pattern.
// A pattern that Check rejects matches nothing.
func Match(pattern, name string) bool {
	if Check(pattern) != nil {
		return false
	}
	return match(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func match(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if match(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

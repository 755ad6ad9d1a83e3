package glob

import "testing"

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"web/templates/**", "web/templates/bill.html", true},
		{"web/templates/**", "web/templates/a/b/c.html", true},
		{"web/templates/**", "web/templatesx/a.html", false},
		{"web/templates/**", "web/templates", true}, // ** matches no element too
		{"static/*.css", "static/site.css", true},
		{"static/*.css", "static/a/site.css", false},
		{"**/*.tmpl", "a/b/c.tmpl", true},
		{"**/*.tmpl", "c.tmpl", true},
		{"web/**/*.html", "web/x.html", true},
		{"web/**/*.html", "web/a/b/x.html", true},
		{"web/**/*.html", "web/a/b/x.txt", false},
		{"config/prices.json", "config/prices.json", true},
		{"config/prices.json", "config/prices.jsonx", false},
		{"config/[", "config/[", false}, // invalid: matches nothing
	} {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"web/**", "static/*.css", "**/*.tmpl", "a/[bc]/d"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "/abs", `a\b`, "../up", "./a", "a//b", "a/", "web/**.html", "a/[", "."} {
		if err := Check(bad); err == nil {
			t.Errorf("Check(%q) = nil, want an error", bad)
		}
	}
}

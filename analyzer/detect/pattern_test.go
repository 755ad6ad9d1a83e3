package detect

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPatternMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, method, path string
		want                  bool
	}{
		{"POST /token/buy", "POST", "/token/buy", true},
		{"POST /token/buy", "GET", "/token/buy", false},
		{"GET /bill/{account}", "GET", "/bill/42", true},
		{"GET /bill/{account}", "HEAD", "/bill/42", true},
		{"GET /bill/{account}", "GET", "/bill/", false},
		{"GET /bill/{account}", "GET", "/bill/42/x", false},
		{"GET /bill/{account}", "GET", "/bill/42?x=1", true},
		{"/static/", "GET", "/static/css/a.css", true},
		{"/static/", "GET", "/static/", true},
		{"/static/", "GET", "/static", false},
		{"/files/{path...}", "GET", "/files/a/b/c", true},
		{"/files/{path...}", "GET", "/files/", true},
		{"GET /{$}", "GET", "/", true},
		{"GET /{$}", "GET", "/x", false},
		{"/", "DELETE", "/anything/at/all", true},
		{"/healthz", "GET", "/healthz", true},
		{"/healthz", "GET", "/healthz/x", false},
		{"GET example.com/host", "GET", "/host", true},
	} {
		p, ok := ParsePattern(c.pattern)
		require.True(t, ok, c.pattern)
		host := "example.com"
		require.Equal(t, c.want, p.Match(c.method, host, c.path), "%s vs %s %s", c.pattern, c.method, c.path)
	}
}

func TestPatternPrecedence(t *testing.T) {
	for _, c := range []struct{ winner, loser string }{
		{"GET /bill/{account}", "/"},
		{"/bill/now", "/bill/{id}"},
		{"/bill/{id}", "/bill/{rest...}"},
		{"POST /token/buy", "/token/buy"},
		{"/static/css/", "/static/"},
		{"example.com/x", "/x"},
	} {
		w, _ := ParsePattern(c.winner)
		l, _ := ParsePattern(c.loser)
		require.True(t, w.MoreSpecific(l), "%s should beat %s", c.winner, c.loser)
		require.False(t, l.MoreSpecific(w), "%s should not beat %s", c.loser, c.winner)
	}
}

func TestPatternExample(t *testing.T) {
	for pattern, want := range map[string]string{
		"POST /token/buy":       "POST /token/buy",
		"GET /items/{id}":       "GET /items/1",
		"/static/":              "GET /static/",
		"/files/{path...}":      "GET /files/x",
		"GET /{$}":              "GET /",
		"GET example.com/a/{b}": "GET example.com/a/1",
	} {
		p, ok := ParsePattern(pattern)
		require.True(t, ok)
		require.Equal(t, want, p.Example(), pattern)
		require.True(t, p.Match(strings.Fields(want)[0], "example.com", "/"+strings.SplitN(strings.Fields(want)[1], "/", 2)[1]), "the example must match: %s", want)
	}
}

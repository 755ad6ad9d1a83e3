package main

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/analyzer"
)

// parseArgs parses a whole command line into the command's options
// without running it: the flags→options half of the commands' tests (the
// scripts are the options→output half).
func parseArgs(args []string) (options, error) {
	g, cmd, rest, err := parseGlobals(args, io.Discard, io.Discard)
	if err != nil {
		return nil, err
	}
	return parseLine(g, cmd, rest, streams{})
}

func TestParseOptions(t *testing.T) {
	main := revisions{base: "main", head: "HEAD"}
	prof := analyzer.CoverageProfile{Test: analyzer.TestRef{Package: "example.com/m/p", Name: "TestX"}, Path: "c.out"}
	tests := []struct {
		line   string
		want   options
		format string // the --format the line sets, when not text
	}{
		{line: "features", want: &featuresOptions{}},
		{line: "features --coverage example.com/m/p.TestX=c.out", want: &featuresOptions{coverage: coverageFlag{prof}}},
		{line: "impact --base main", want: &impactOptions{rv: main}},
		{line: "--format json impact --base main --head topic", want: &impactOptions{rv: revisions{"main", "topic"}}, format: "json"},
		{line: "impact --base main --format markdown", want: &impactOptions{rv: main}, format: "markdown"},
		{line: "plan --base main --shards 3", want: &planOptions{rv: main, shards: 3}},
		{line: "check --base main --results a.json b.json", want: &checkOptions{rv: main, files: filesFlag{"a.json", "b.json"}}},
		{line: "check --base main --coverage example.com/m/p.TestX=c.out --results r.json", want: &checkOptions{rv: main, files: filesFlag{"r.json"}, coverage: coverageFlag{prof}}},
		{line: "run --base main", want: &runOptions{rv: main, extra: []string{}}},
		{line: "run --base main --results-out r.json --shard 2/3 -- -race", want: &runOptions{rv: main, out: "r.json", sh: shardFlag{2, 3}, extra: []string{"-race"}}},
		{line: "cover example.com/m/p.TestX=c.out -- -tags x", want: &coverOptions{head: "HEAD", profile: prof, extra: []string{"-tags", "x"}}},
		{line: "cover --head topic example.com/m/p.TestX=c.out", want: &coverOptions{head: "topic", profile: prof, extra: []string{}}},
		{line: "render --format markdown", want: &renderOptions{}, format: "markdown"},
		{line: "annotate --report r.json --outputs o.txt", want: &annotateOptions{path: "r.json", outputs: "o.txt"}},
		{line: "comment --report - --event e.json", want: &commentOptions{path: "-", artifactEvent: "e.json"}},
		{line: "hook install --force", want: &hookOptions{sub: "install", force: true}},
		{line: "hook uninstall", want: &hookOptions{sub: "uninstall"}},
		{line: "hook run pre-push origin https://example.com/r.git", want: &hookOptions{sub: "run", remote: "origin"}},
		{line: "suspects /token/buy --since v1", want: &suspectsOptions{query: "/token/buy", since: "v1", until: "HEAD"}},
		{line: "suspects --since v1 --until v2 /token/buy", want: &suspectsOptions{query: "/token/buy", since: "v1", until: "v2"}},
		{line: "demo --keep shop", want: &demoOptions{keep: "shop"}},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			o, err := parseArgs(strings.Fields(tc.line))
			require.NoError(t, err)
			b := o.base()
			want := tc.format
			if want == "" {
				want = "text"
			}
			assert.Equal(t, want, b.g.format)
			*b = cmdBase{}
			assert.Equal(t, tc.want, o)
		})
	}
}

func TestParseOptionsUsageErrors(t *testing.T) {
	for line, msg := range map[string]string{
		"":                                "no command given",
		"bogus":                           `unknown command "bogus"`,
		"--bogus impact":                  "flag provided but not defined",
		"--format pdf impact --base main": `unknown format "pdf"`,
		"features extra":                  `unexpected argument "extra"`,
		"features --coverage TestX":       "--coverage",
		"impact":                          "--base REV is required",
		"impact --base main --bogus":      "impact: flag provided but not defined: -bogus",
		"impact --base main --help":       "see 'blastgate help'",
		"plan --base main --shards -1":    "--shards must be positive",
		"plan --base main --shards x":     "invalid value",
		"check --base main":               "--results FILE is required",
		"check --results r.json":          "--base REV is required",
		"run":                             "--base REV is required",
		"run --base main --shard 1/2":     "--shard needs --results-out",
		"run --base main -- -json":        "-json is blastgate's to set",
		"run --base main -- -run=TestX":   "-run=TestX is blastgate's to set",
		"cover":                           "name the test and the profile",
		"cover TestX":                     "cover: --coverage",
		"cover example.com/m/p.TestX=c.out -count=2": "-count=2 is blastgate's to set",
		"render extra":            `unexpected argument "extra"`,
		"comment":                 "--report FILE is required",
		"hook":                    "install, uninstall or run",
		"hook bogus":              `unknown subcommand "bogus"`,
		"hook run":                "blastgate hook run pre-push REMOTE",
		"hook install extra":      `unexpected argument "extra"`,
		"suspects --since v1":     "name a feature id",
		"suspects a b --since v1": "one feature or request",
		"suspects /token/buy":     "--since REV is required",
		"--format json demo":      "demo: tells its story as text",
	} {
		t.Run(line, func(t *testing.T) {
			_, err := parseArgs(strings.Fields(line))
			require.Error(t, err)
			assert.ErrorContains(t, err, msg)
			var u usageError
			assert.True(t, errors.As(err, &u), "%v is a usage error", err)
			assert.Equal(t, exitError, exitCode(err))
		})
	}
}

func TestParseOptionsMissingDir(t *testing.T) {
	_, err := parseArgs([]string{"-C", "/no/such/dir", "impact", "--base", "main"})
	assert.ErrorContains(t, err, "-C /no/such/dir: no such directory")
	assert.Equal(t, exitError, exitCode(err))
}

func TestExitCode(t *testing.T) {
	assert.Equal(t, exitOK, exitCode(nil))
	assert.Equal(t, exitOK, exitCode(errHelp))
	assert.Equal(t, exitFailed, exitCode(errGateFailed))
	assert.Equal(t, exitError, exitCode(usagef("bad")))
	assert.Equal(t, exitError, exitCode(errors.New("analysis failed")))
}

// Package example holds the bundled postpaid/prepaid shop used by the demo and the tests.
//
// The shop (testdata/shop.txtar at the repository root, embedded by the
// module's root package as blastgate.Fixtures) is a small module,
// example.com/shop: a postpaid electricity bill page and a prepaid electricity token page that
// share package billing, plus an account page that shares nothing. Each
// scenario (testdata/scenarios/NAME.txtar) is one commit on top of it: the
// first line of the archive's comment is the commit message, and every file
// in the archive replaces the whole file of that path; a file whose content
// is the single line "#delete" deletes it.
package example

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/txtar"

	"github.com/blastgate/blastgate"
)

// archives are the shop and its scenarios.
var archives = blastgate.Fixtures

const (
	baseArchive = "testdata/shop.txtar"
	scenarioDir = "testdata/scenarios"
	// deleteMarker is the content of a scenario file that deletes its path.
	deleteMarker = "#delete"
	// commitDate makes the commits, and so their SHAs, reproducible.
	commitDate = "2024-05-01T12:00:00+00:00"
	// baseMessage is the message of the commit on main.
	baseMessage = "shop: postpaid bill page and prepaid token page"
)

// scenario is one commit on top of the base tree.
type scenario struct {
	name    string
	message string
	files   []txtar.File
}

// Scenarios lists the scenario names, sorted.
func Scenarios() []string {
	entries, err := archives.ReadDir(scenarioDir)
	if err != nil {
		panic(err) // embedded at build time
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".txtar"); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Files returns the base tree as path→content (for tests).
func Files() map[string][]byte {
	out := make(map[string][]byte)
	for _, f := range mustParse(baseArchive).Files {
		out[f.Name] = bytes.Clone(f.Data)
	}
	return out
}

// loadScenario reads the scenario called name.
func loadScenario(name string) (scenario, error) {
	a := mustParse(path.Join(scenarioDir, name+".txtar"))
	msg, _, _ := strings.Cut(strings.TrimSpace(string(a.Comment)), "\n")
	if msg == "" {
		return scenario{}, fmt.Errorf("example: scenario %s has no commit message in its comment", name)
	}
	if len(a.Files) == 0 {
		return scenario{}, fmt.Errorf("example: scenario %s changes no file", name)
	}
	return scenario{name: name, message: msg, files: a.Files}, nil
}

func mustParse(name string) *txtar.Archive {
	data, err := archives.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return txtar.Parse(data)
}

// isDelete reports whether a scenario file deletes its path.
func isDelete(data []byte) bool {
	return strings.TrimRight(string(data), "\r\n") == deleteMarker
}

// Materialize writes the shop into dir (created if missing) as a real git
// repository: branch main with one commit holding the base tree, and one
// branch per scenario (named after it) forked from main with one commit
// applying the scenario. It leaves main checked out and the tree clean.
//
// It runs the real git with a fixed identity and fixed commit dates, and
// ignores the user's and the system's git configuration, so the SHAs are
// the same on every machine. dir must be empty or missing.
func Materialize(ctx context.Context, dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("example: %w", err)
	}
	if entries, err := os.ReadDir(dir); err != nil {
		return fmt.Errorf("example: %w", err)
	} else if len(entries) > 0 {
		return fmt.Errorf("example: %s is not empty: materialize the shop into a new directory", dir)
	}
	var scenarios []scenario
	for _, name := range Scenarios() {
		s, err := loadScenario(name)
		if err != nil {
			return err
		}
		scenarios = append(scenarios, s)
	}

	g := &git{ctx: ctx, dir: dir}
	g.run("init", "-q", "-b", "main")
	for name, data := range Files() {
		if g.err == nil {
			g.err = writeFile(dir, name, data)
		}
	}
	g.commit(baseMessage)
	for _, s := range scenarios {
		g.run("checkout", "-q", "-b", s.name, "main")
		for _, f := range s.files {
			if g.err != nil {
				break
			}
			if isDelete(f.Data) {
				g.run("rm", "-q", "--", f.Name)
			} else {
				g.err = writeFile(dir, f.Name, f.Data)
			}
		}
		g.commit(s.message)
	}
	g.run("checkout", "-q", "main")
	if g.err == nil {
		if out := g.output("status", "--porcelain"); g.err == nil && out != "" {
			g.err = fmt.Errorf("example: tree not clean after materializing:\n%s", out)
		}
	}
	return g.err
}

// writeFile writes data to the slash-separated name under dir.
func writeFile(dir, name string, data []byte) error {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("example: file %q is outside the tree", name)
	}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("example: %w", err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("example: %w", err)
	}
	return nil
}

// git runs git commands in one repository, stopping at the first error.
type git struct {
	ctx context.Context
	dir string
	err error
}

func (g *git) commit(message string) {
	g.run("add", "-A")
	g.run("commit", "-q", "--no-verify", "-m", message)
}

func (g *git) run(args ...string) {
	g.output(args...)
}

func (g *git) output(args ...string) string {
	if g.err != nil {
		return ""
	}
	full := append([]string{
		"-c", "user.name=blastgate",
		"-c", "user.email=blastgate@example.com",
		"-c", "commit.gpgsign=false",
		"-c", "core.autocrlf=false",
		"-c", "core.hooksPath=" + os.DevNull,
	}, args...)
	cmd := exec.CommandContext(g.ctx, "git", full...)
	cmd.Dir = g.dir
	cmd.Env = gitEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctxErr := g.ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		g.err = fmt.Errorf("example: git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		return ""
	}
	return string(out)
}

// gitEnv is the environment git runs in: the caller's, without anything
// that points git at another repository or changes the commits it makes.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") && k != "GIT_EXEC_PATH" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=blastgate",
		"GIT_AUTHOR_EMAIL=blastgate@example.com",
		"GIT_COMMITTER_NAME=blastgate",
		"GIT_COMMITTER_EMAIL=blastgate@example.com",
		"GIT_AUTHOR_DATE="+commitDate,
		"GIT_COMMITTER_DATE="+commitDate,
	)
}

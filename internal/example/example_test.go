package example

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/testenv"
)

// scenarioFiles is what each scenario's commit changes.
var scenarioFiles = map[string][]string{
	"account-change":        {"account/profile.go"},
	"page-only":             {"postpaid/bill.go"},
	"postpaid-only-billing": {"billing/fee.go"},
	"shared-change":         {"billing/fee.go"},
	"shared-change-proved":  {"billing/fee.go", "prepaid/pricing_test.go"},
	"template-change":       {"postpaid/templates/bill.html"},
	"test-only":             {"prepaid/token_test.go"},
}

func TestScenarios(t *testing.T) {
	want := []string{"account-change", "page-only", "postpaid-only-billing", "shared-change", "shared-change-proved", "template-change", "test-only"}
	assert.Equal(t, want, Scenarios())
	for _, name := range Scenarios() {
		_, ok := scenarioFiles[name]
		assert.True(t, ok, "scenario %s has no expectation in scenarioFiles", name)
	}
}

func TestFiles(t *testing.T) {
	files := Files()
	for _, name := range []string{
		"go.mod", ".blastgate.yaml",
		"billing/fee.go", "billing/nightly.go",
		"prepaid/token.go", "prepaid/token_test.go",
		"postpaid/bill.go", "postpaid/bill_test.go", "postpaid/templates/bill.html",
		"account/profile.go", "account/profile_test.go",
		"web/routes.go", "web/routes_test.go",
		"cmd/shopd/main.go",
	} {
		assert.Contains(t, files, name)
	}
	assert.NotContains(t, string(files["go.mod"]), "require", "the shop must have no dependencies")
	// Files returns copies.
	files["go.mod"][0] = 'X'
	assert.True(t, strings.HasPrefix(string(Files()["go.mod"]), "module example.com/shop"))
}

func TestMaterialize(t *testing.T) {
	testenv.NeedTool(t, "the shop is a git repository", "git")
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	require.NoError(t, Materialize(ctx, dir))

	assert.Equal(t, "main", gitOut(t, dir, "branch", "--show-current"))
	assert.Empty(t, gitOut(t, dir, "status", "--porcelain"))
	for name, data := range Files() {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if assert.NoError(t, err) {
			assert.Equal(t, string(data), string(got), name)
		}
	}
	main := gitOut(t, dir, "rev-parse", "main")
	assert.Equal(t, "1", gitOut(t, dir, "rev-list", "--count", "main"))

	for _, name := range Scenarios() {
		assert.Equal(t, main, gitOut(t, dir, "rev-parse", name+"^"), "%s is not a child of main", name)
		assert.Equal(t, "1", gitOut(t, dir, "rev-list", "--count", "main.."+name), name)
		assert.Equal(t, scenarioFiles[name],
			strings.Fields(gitOut(t, dir, "diff", "--name-only", "main..."+name)), name)
		s, err := loadScenario(name)
		require.NoError(t, err)
		assert.Equal(t, s.message, gitOut(t, dir, "log", "-1", "--format=%s", name))
	}

	// The SHAs do not depend on the machine, the time or the caller's git
	// identity.
	t.Setenv("GIT_AUTHOR_NAME", "someone")
	t.Setenv("GIT_COMMITTER_EMAIL", "someone@example.org")
	again := t.TempDir()
	require.NoError(t, Materialize(ctx, again))
	for _, rev := range append([]string{"main"}, Scenarios()...) {
		assert.Equal(t, gitOut(t, dir, "rev-parse", rev), gitOut(t, again, "rev-parse", rev), rev)
	}

	// It refuses to write over something.
	assert.ErrorContains(t, Materialize(ctx, dir), "not empty")
}

// TestBuilds checks that the base tree and every scenario vet clean and pass
// their tests with the real toolchain.
func TestBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet and go test on the shop")
	}
	testenv.NeedTool(t, "the shop is a git repository", "git")
	dir := t.TempDir()
	require.NoError(t, Materialize(context.Background(), dir))
	for _, branch := range append([]string{"main"}, Scenarios()...) {
		gitOut(t, dir, "checkout", "-q", branch)
		for _, args := range [][]string{{"vet", "./..."}, {"test", "./..."}} {
			cmd := exec.Command("go", args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off")
			out, err := cmd.CombinedOutput()
			assert.NoError(t, err, "%s: go %s:\n%s", branch, strings.Join(args, " "), out)
		}
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, ee.Stderr)
	}
	require.NoError(t, err)
	return strings.TrimSpace(string(out))
}

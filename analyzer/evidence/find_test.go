package evidence

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"
)

// TestFindTests checks which tests go test runs and what runs before
// them: test functions of _test.go files only (a TestX in a package's
// own file is not one, nor is Testing), TestMain and test-file variable
// initializers as setup of the package under test, for the internal and
// external test packages alike.
func TestFindTests(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"p/p.go": `package p

import "testing"

func F() int { return 1 }

func TestNotATest(t *testing.T) {}
`,
		"p/p_test.go": `package p

import (
	"os"
	"testing"
)

var x = F()

func TestMain(m *testing.M) { os.Exit(m.Run()) }

func TestA(t *testing.T) { helper() }

func Testing(t *testing.T) {}

func helper() {}
`,
		"p/x_test.go": `package p_test

import "testing"

var y, z = 1, 2

var w int

func TestB(t *testing.T) {}
`,
	} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: dir, Tests: true}
	all, err := packages.Load(cfg, "./...")
	require.NoError(t, err)
	var pkgs []*packages.Package
	for _, p := range all {
		require.Empty(t, p.Errors)
		if strings.Contains(p.ID, " [") {
			pkgs = append(pkgs, p)
		}
	}
	require.Len(t, pkgs, 2)
	found := FindTests(pkgs, pkgs[0].Fset, func(path string) bool { return strings.HasPrefix(path, "example.com/m") })
	var tests, setup []string
	for _, b := range found.Tests {
		require.Same(t, b.Func, b.Body, "a test function is walked as itself")
		tests = append(tests, b.Ref.String())
	}
	for _, b := range found.Setup {
		require.Nil(t, b.Func)
		setup = append(setup, b.Ref.Package+" "+b.Body.Name.Name)
	}
	sort.Strings(tests)
	sort.Strings(setup)
	// TestMain is listed as a test as well as setup, as before the
	// split (go test does not report it as a test; a test named for it
	// in configuration is therefore accepted).
	require.Equal(t, []string{"example.com/m/p.TestA", "example.com/m/p.TestB", "example.com/m/p.TestMain"}, tests)
	require.Equal(t, []string{"example.com/m/p TestMain", "example.com/m/p x", "example.com/m/p y"}, setup)
	require.Empty(t, found.Warnings)
}

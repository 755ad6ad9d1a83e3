package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUninlined: the runtime's name of a value method's closure inlined
// into the pointer wrapper is the source's closure.
func TestUninlined(t *testing.T) {
	require.Equal(t, "example.com/m/cmd.checkInstall.New.func1",
		uninlined("example.com/m/cmd.(*checkInstall).New.checkInstall.New.func1"))
	require.Equal(t, "example.com/m/cmd.(*T).Run", uninlined("example.com/m/cmd.(*T).Run"))
	require.Equal(t, "example.com/m/cmd.run", uninlined("example.com/m/cmd.run"))
}

// TestVarClosure: pkg.init.funcN at a line is the k-th literal of the
// variable whose initializer holds it.
func TestVarClosure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.go")
	src := "package cmd\n\nvar a = f(func() {})\n\nvar b = &T{\n\tPre: func() {},\n\tRun: func() {\n\t},\n}\n"
	require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
	require.Equal(t, "example.com/m/cmd.b$2", varClosure("example.com/m/cmd.init.func3", file, 7))
	require.Equal(t, "example.com/m/cmd.a$1", varClosure("example.com/m/cmd.init.func1", file, 3))
	require.Equal(t, "example.com/m/cmd.run", varClosure("example.com/m/cmd.run", file, 3))
}

// TestPrintCLI: a tool under 95% found, or under 95% right entries,
// misses its target; -report-only prints without failing.
func TestPrintCLI(t *testing.T) {
	ok := cliScore{app: cliApp{Name: "a"}, truth: 20, found: 20, rightEntry: 19, mainFeatureHas: true}
	low := cliScore{app: cliApp{Name: "b"}, truth: 20, found: 18, rightEntry: 18, missed: []string{"b x", "b y"}, mainFeatureHas: true}
	var out strings.Builder
	require.NoError(t, printCLI(&out, []cliScore{ok}, false))
	require.NotContains(t, out.String(), "MISSED")
	out.Reset()
	require.Error(t, printCLI(&out, []cliScore{ok, low}, false))
	require.Contains(t, out.String(), "MISSED b: found 90.0% < 95%")
	require.Contains(t, out.String(), "not found: b x")
	out.Reset()
	require.NoError(t, printCLI(&out, []cliScore{low}, true))
	wrong := cliScore{app: cliApp{Name: "c"}, truth: 10, found: 10, rightEntry: 9, mainFeatureHas: true}
	require.Error(t, printCLI(&out, []cliScore{wrong}, false))
	require.Contains(t, out.String(), "MISSED c: right entry 90.0% < 95%")
}

// Package load loads the module (or the modules of a workspace) that
// blastgate analyses: its packages type-checked from source through
// golang.org/x/tools/go/packages, their dependencies from export data
// or, when the build cache lacks it, from source without function
// bodies (source.go), under a build configuration (GOOS, GOARCH, tags), with the go command
// told never to write the repository (-mod=readonly, a temporary
// GOWORK). It also answers the questions only the go command can:
// which modules a workspace or directory replaces join, the build list
// (go list -deps), which non-Go files belong to a package.
//
// # Soundness
//
// A package that fails to load or type-check is kept and reported
// (Program.Broken, with the go command's reason), never dropped: the
// analysis falls back to package level for it. Every package of every
// analysed module is listed, and every file the go command builds into
// a package is known to belong to it: the Go files of this build, and
// the non-Go files (assembly, C, headers, .syso) by extension whatever
// the build configuration, since go list leaves C files out under
// CGO_ENABLED=0. A Go file this build leaves out is not loaded, and
// File says so, so that callers can treat it conservatively. Where the
// load is less precise than asked (modules that do not load as one
// workspace), it says so in Program.Warnings.
//
// # Layering
//
// This package knows nothing of the analysis: it imports no other
// blastgate package (analyzer, gate, report, cmd), and reports progress
// through Config.Progress rather than the analyzer's context.
package load

// Package changes maps a change of the repository (a git diff, with the
// merge base's version of each file) to the set of nodes of the symbol
// graph it changes: the declarations (functions, closures, methods,
// types, fields, variables, constants, write sites) that the changed
// lines touch, and the whole packages or dependency packages that what
// cannot be mapped to declarations changes. Every kind of file is mapped:
// Go code on both sides of the diff, files outside this build (by
// declaration name), //go:embed'ed files, a package's other source files
// (Go assembly by TEXT symbol, C and C++ files, headers through the
// #include lines that reach them, cgo preambles, .syso), files the code
// reads by a constant path at run time, the config's assets:, go.mod,
// go.sum, go.work and vendor/ (the dependency packages whose module
// moved, and their importers, through go list -deps), and local
// replacements. Map returns a ChangeSet: the changed nodes, and for each
// file the symbols it maps to, or why it maps to nothing.
//
// # Soundness
//
// Never miss a changed declaration: what cannot be mapped precisely
// falls back to something coarser that holds it, with a note or a
// warning saying so. A file this build leaves out changes the
// declarations of its name and its package's init (or, with no analysed
// package beside it, its importers); a package that does not type-check
// changes as a whole; a changed import, package clause or build
// constraint changes every declaration using it, or the whole file; an
// assembly helper, a header, a cgo preamble or a C file changes every
// declaration of the packages that build it; a go.mod that does not
// parse, a changed go, toolchain, exclude or godebug line, or a build
// list that cannot be listed changes everything. A changed file that
// maps to nothing, outside test code and test data, is listed in
// ChangeSet.Unmapped, never dropped silently.
//
// # Layering
//
// Change mapping reads the symbol graph through Graph, a read-only view
// that package analyzer implements (analyzer/changes_view.go): node ids
// are the graph's, and nothing here writes the graph. It imports the
// program loader (analyzer/load), the report contract's types, and
// internal/gitrepo and internal/glob; never the analyzer, which imports
// it (TestLayering).
package changes

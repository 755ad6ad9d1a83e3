package analyzer

import "github.com/blastgate/blastgate/analyzer/load"

// Names the analyzer's tests used before loading moved to package load.

var packageFileKinds = load.PackageFileKinds()

func readOnlyEnv(vendored bool) []string { return load.ReadOnlyEnv(vendored) }

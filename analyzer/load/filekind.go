package analyzer

// PackageFileKind names the kind of a package's non-Go source file
// (assembly, C, headers, .syso...), as the go command builds them into
// the package whose directory holds them, or returns "" for any other
// file. Callers that decide without loading packages (suspects' fast
// path) use it to know which files may change a package.
func PackageFileKind(p string) string {
	return packageFileKind(p)
}

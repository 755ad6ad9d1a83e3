package load

import "path"

// The files of a package that are not Go code: assembly, C, C++,
// Objective-C, Fortran and SWIG sources, headers and .syso objects. The
// go command builds them into the package whose directory holds them
// (what go list reports as SFiles, CFiles, HFiles, SysoFiles...), so a
// change to one changes that package. Files are recognised by extension
// in the directory of a loaded package, whatever the build
// configuration: go list leaves the C files out under CGO_ENABLED=0.

// packageFileKinds names the non-Go source files of a package by
// extension, as go/build sorts them.
var packageFileKinds = map[string]string{
	".s":       "assembly",
	".S":       "assembly for the C compiler",
	".sx":      "assembly for the C compiler",
	".c":       "C source",
	".cc":      "C++ source",
	".cpp":     "C++ source",
	".cxx":     "C++ source",
	".m":       "Objective-C source",
	".h":       "C header",
	".hh":      "C++ header",
	".hpp":     "C++ header",
	".hxx":     "C++ header",
	".f":       "Fortran source",
	".F":       "Fortran source",
	".for":     "Fortran source",
	".f90":     "Fortran source",
	".swig":    "SWIG interface",
	".swigcxx": "SWIG interface",
	".syso":    "system object",
}

// PackageFileKind names the kind of a package's non-Go source file
// (assembly, C, headers, .syso...), as the go command builds them into
// the package whose directory holds them, or returns "" for any other
// file. Callers that decide without loading packages (suspects' fast
// path) use it to know which files may change a package.
func PackageFileKind(p string) string {
	return packageFileKinds[path.Ext(p)]
}

// PackageFileKinds returns every kind PackageFileKind names, by
// extension (a copy).
func PackageFileKinds() map[string]string {
	out := make(map[string]string, len(packageFileKinds))
	for ext, kind := range packageFileKinds {
		out[ext] = kind
	}
	return out
}

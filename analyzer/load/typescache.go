package load

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"
)

// The dependencies' types, kept by module version (issue 16).
//
// A dependency's export data depends only on its source, the source of
// what it imports and the build (Go version, target, tags, cgo): for a
// module in the module cache, the source is fixed by its version, so
// the export data the compiler wrote for it once holds for every later
// run, on any commit. With --cache-dir, the load keeps it there, keyed
// by the package, its module's path and version, its files, the keys
// of everything it imports (transitively, so a different version of a
// dependency's dependency is a different key) and the build; the
// standard library's packages by the exact Go version and GOROOT. When
// every dependency the module imports is found, the load needs no go
// list -export (which hashes every file of the build, and compiles the
// module's own packages, which the analysis type-checks from source
// anyway): one go list -deps, then the module type-checked against the
// cached export data (cached.go).
//
// Never cached: a module replaced by a directory, a vendored package
// (its directory is the repository's), a main or workspace module, a
// package outside the module cache and GOROOT, a package using cgo
// outside the standard library (its types may come from the system's
// C headers), and whatever imports one of those. A corrupt or partial
// entry is a miss: each entry carries the SHA-256 of its content.

// typesCacheFormat names the entry format and what goes into a key;
// change it when either changes.
const typesCacheFormat = "blastgate-types-v1"

// typesCache is the directory holding the dependencies' export data.
type typesCache struct {
	dir string
}

func openTypesCache(dir string) (*typesCache, error) {
	d := filepath.Join(dir, "types")
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, err
	}
	c := &typesCache{dir: d}
	c.maybeTrim()
	return c, nil
}

// Entries unused for typesMaxUnused are removed (as the analysis
// cache's are), checked once per typesTrimInterval.
const (
	typesMaxUnused     = 7 * 24 * time.Hour
	typesTrimInterval  = 24 * time.Hour
	typesTrimStampName = "trim.txt"
)

// maybeTrim removes the entries (and temporary files) not used for
// typesMaxUnused, at most once per typesTrimInterval.
func (c *typesCache) maybeTrim() {
	stamp := filepath.Join(c.dir, typesTrimStampName)
	now := timeNow()
	if fi, err := os.Stat(stamp); err == nil && now.Sub(fi.ModTime()) < typesTrimInterval {
		return
	}
	if err := os.WriteFile(stamp, nil, 0o644); err != nil {
		return
	}
	_ = os.Chtimes(stamp, now, now)
	cutoff := now.Add(-typesMaxUnused)
	subdirs, _ := os.ReadDir(c.dir)
	for _, sub := range subdirs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(c.dir, sub.Name()))
		for _, f := range files {
			if fi, err := f.Info(); err == nil && !f.IsDir() && fi.ModTime().Before(cutoff) {
				os.Remove(filepath.Join(c.dir, sub.Name(), f.Name()))
			}
		}
	}
}

func (c *typesCache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key)
}

// get returns the export data kept under key, or false (no entry, or a
// corrupt or truncated one).
func (c *typesCache) get(key string) ([]byte, bool) {
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	header, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, false
	}
	sum := sha256.Sum256(body)
	if string(header) != typesCacheFormat+" "+hex.EncodeToString(sum[:]) {
		return nil, false
	}
	// Touched, so that trimming by age (the analysis cache's) keeps it.
	now := timeNow()
	_ = os.Chtimes(c.path(key), now, now)
	return body, true
}

// put keeps data under key: written to a temporary file and renamed,
// so that a concurrent reader sees all of it or nothing.
func (c *typesCache) put(key string, data []byte) error {
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	_, err = fmt.Fprintf(f, "%s %s\n", typesCacheFormat, hex.EncodeToString(sum[:]))
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// buildFacts is what the build of every dependency depends on besides
// its source: go env's answers, the build tags.
type buildFacts struct {
	env  map[string]string
	tags []string
}

// buildEnvVars are the go env variables that a dependency's export data
// may depend on, or that say where its source comes from.
var buildEnvVars = []string{
	"GOVERSION", "GOROOT", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT",
	"GOFLAGS", "GOMODCACHE", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS",
	"GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM", "CC", "CXX", "CGO_CFLAGS",
	"CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS", "GOTOOLCHAIN", "GODEBUG",
}

// depKeys computes the cache key of each dependency; "" for one that
// may not be cached (see above).
type depKeys struct {
	facts   buildFacts
	base    string
	isMain  func(*packages.Package) bool
	keys    map[*packages.Package]string
	visited map[*packages.Package]bool
}

func newDepKeys(facts buildFacts, isMain func(*packages.Package) bool) *depKeys {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", typesCacheFormat)
	for _, v := range buildEnvVars {
		fmt.Fprintf(h, "%s=%q\n", v, facts.env[v])
	}
	fmt.Fprintf(h, "tags=%q\n", strings.Join(facts.tags, ","))
	return &depKeys{facts: facts, base: hex.EncodeToString(h.Sum(nil)), isMain: isMain,
		keys: map[*packages.Package]string{}, visited: map[*packages.Package]bool{}}
}

// key returns pkg's key, "" when it may not be cached.
func (k *depKeys) key(pkg *packages.Package) string {
	if k.visited[pkg] {
		return k.keys[pkg]
	}
	k.visited[pkg] = true // an import cycle (never valid) gives ""
	if !k.cacheable(pkg) {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\nid=%q name=%q\n", k.base, pkg.ID, pkg.Name)
	if m := pkg.Module; m != nil {
		fmt.Fprintf(h, "module=%q@%q\n", m.Path, m.Version)
		if m.Replace != nil {
			fmt.Fprintf(h, "replace=%q@%q\n", m.Replace.Path, m.Replace.Version)
		}
	}
	fmt.Fprintf(h, "dir=%q\n", pkg.Dir)
	files := append([]string{}, pkg.GoFiles...)
	files = append(files, pkg.OtherFiles...)
	files = append(files, pkg.EmbedFiles...)
	sort.Strings(files)
	for _, f := range files {
		fmt.Fprintf(h, "file=%q\n", f)
	}
	paths := make([]string, 0, len(pkg.Imports))
	for p := range pkg.Imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		ik := k.key(pkg.Imports[p])
		if ik == "" {
			return ""
		}
		fmt.Fprintf(h, "import %q=%s\n", p, ik)
	}
	key := hex.EncodeToString(h.Sum(nil))
	k.keys[pkg] = key
	return key
}

// cacheable reports whether pkg's own source is fixed by what its key
// holds: the standard library (keyed by the exact Go version and
// GOROOT), or a module in the module cache at a version.
func (k *depKeys) cacheable(pkg *packages.Package) bool {
	if pkg.ID == "unsafe" {
		return true
	}
	if k.isMain(pkg) || pkg.Dir == "" || pkg.ForTest != "" || strings.Contains(pkg.ID, " ") {
		return false
	}
	under := func(root string) bool {
		return root != "" && strings.HasPrefix(filepath.Clean(pkg.Dir), filepath.Clean(root)+string(filepath.Separator))
	}
	if pkg.Module == nil {
		return under(filepath.Join(k.facts.env["GOROOT"], "src"))
	}
	m := pkg.Module
	if m.Main || m.Version == "" {
		return false
	}
	if m.Replace != nil && (m.Replace.Version == "" || m.Replace.Dir == "") {
		return false // replaced by a directory
	}
	return under(k.facts.env["GOMODCACHE"])
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/cache"
	"github.com/blastgate/blastgate/report"
)

// cacheFormat versions the cached entries (cachedChange); a new format
// never reads an old entry. The binary's identity is in every key too, so
// this matters only for a rebuilt binary whose build ID is unknown.
const cacheFormat = "change/1"

// cacheDirEnv is the default of --cache-dir.
const cacheDirEnv = "BLASTGATE_CACHE_DIR"

// debugEnv set to "cache" reports each hit, miss and write on stderr, for
// tests and for finding out why a run missed.
const debugEnv = "BLASTGATE_DEBUG"

// analysisCache is the cache of analysed changes, as one run uses it.
type analysisCache struct {
	c      *cache.Cache
	stderr io.Writer
	trace  bool
	warned bool
}

// openCache opens --cache-dir; nil when there is none, or when it cannot
// be used (a warning: the gate runs on without it).
func openCache(g *globals) *analysisCache {
	if g.cacheDir == "" {
		return nil
	}
	ac := &analysisCache{stderr: g.stderr, trace: os.Getenv(debugEnv) == "cache"}
	c, err := cache.Open(g.cacheDir)
	if err != nil {
		ac.warn(err)
		return nil
	}
	ac.c = c
	return ac
}

func (ac *analysisCache) warn(err error) {
	if ac.warned || ac.stderr == nil {
		return
	}
	ac.warned = true
	fmt.Fprintf(ac.stderr, "blastgate: warning: the cache (--cache-dir) is not usable, going on without it: %v\n", err)
}

func (ac *analysisCache) debugf(format string, args ...any) {
	if ac.trace && ac.stderr != nil {
		fmt.Fprintf(ac.stderr, "blastgate: cache: "+format+"\n", args...)
	}
}

// cachedChange is what later steps need of an analysed change: the
// report before the verdict (with its credited tests when the tests were
// loaded) and the little of the configuration and the module that plan,
// check and run use.
type cachedChange struct {
	Report           *report.Report `json:"report"`
	Module           string         `json:"module"`
	Modules          []string       `json:"modules,omitempty"`
	Packages         []string       `json:"packages"`
	CriticalEvidence []string       `json:"critical_evidence,omitempty"`
	Waivers          []gate.Waiver  `json:"waivers,omitempty"`
	ProofLines       bool           `json:"proof_lines,omitempty"`
	RequireStamped   bool           `json:"require_stamped_results,omitempty"`
}

// get returns the change cached under k, or false.
func (ac *analysisCache) get(k cache.Key) (*change, bool) {
	data, ok := ac.c.Get(k)
	if !ok {
		ac.debugf("miss %s", k)
		return nil, false
	}
	var e cachedChange
	if err := json.Unmarshal(data, &e); err != nil || e.Report == nil || e.Report.SchemaVersion != report.SchemaVersion || e.Module == "" {
		ac.debugf("miss %s (unreadable entry)", k)
		return nil, false
	}
	ac.debugf("hit %s", k)
	r := e.Report
	// What the analysis leaves empty, JSON leaves out.
	r.Changes, r.Packages, r.Impacted = orEmpty(r.Changes), orEmpty(r.Packages), orEmpty(r.Impacted)
	return &change{
		report:   r,
		module:   e.Module,
		modules:  e.Modules,
		packages: e.Packages,
		rules:    gate.Policy{CriticalEvidence: e.CriticalEvidence, Waivers: e.Waivers, ProofLines: e.ProofLines, RequireStampedResults: e.RequireStamped},
	}, true
}

// put caches c under k; a failure is a warning.
func (ac *analysisCache) put(k cache.Key, c *change) {
	data, err := json.Marshal(cachedChange{
		Report:           c.report,
		Module:           c.module,
		Modules:          c.modules,
		Packages:         c.packages,
		CriticalEvidence: c.rules.CriticalEvidence,
		Waivers:          c.rules.Waivers,
		ProofLines:       c.rules.ProofLines,
		RequireStamped:   c.rules.RequireStampedResults,
	})
	if err == nil {
		err = ac.c.Put(k, data)
	}
	if err != nil {
		ac.warn(err)
		return
	}
	ac.debugf("put %s", k)
}

// changeInputs is everything an analysed change depends on but the
// content of the trees the key names.
type changeInputs struct {
	// trees are the tree ids of base, merge base and head: the diff is
	// merge base to head, the analysis is of head, CODEOWNERS is read at
	// base.
	baseTree, mergeBaseTree, headTree string
	// rel is the module's directory relative to the repository root.
	rel string
	// configRel is the configuration file's path in the repository,
	// whose content at base (in the base tree) is the policy; "" for an
	// operator's --config outside it.
	configRel string
	tests     bool
	coverage  coverageFlag
}

// goEnvKeys are the go env variables that change what go list loads:
// the toolchain, the platform and build constraints, the flags.
var goEnvKeys = []string{
	"GOVERSION", "GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT",
	"GOWORK", "GOTOOLCHAIN", "GO111MODULE",
	"GOAMD64", "GOARM", "GOARM64", "GO386", "GOPPC64", "GORISCV64", "GOMIPS", "GOMIPS64", "GOWASM",
	"CC", "CXX",
}

// changeKey is the cache key of an analysed change: the trees, the Go
// toolchain and environment, the configuration, the inputs of the
// command and the identity of this binary. An error means the run cannot
// be keyed (and is not cached).
func changeKey(ctx context.Context, g *globals, in changeInputs) (cache.Key, error) {
	h := cache.NewHasher(cacheFormat)
	h.AddString("schema", strconv.Itoa(report.SchemaVersion))
	id, err := binaryIdentity()
	if err != nil {
		return cache.Key{}, err
	}
	h.AddString("binary", id)
	h.AddString("base tree", in.baseTree)
	h.AddString("merge base tree", in.mergeBaseTree)
	h.AddString("head tree", in.headTree)
	h.AddString("module dir", in.rel)

	env, err := goEnv(ctx, g.dir)
	if err != nil {
		return cache.Key{}, err
	}
	if w := env["GOWORK"]; w != "" && w != "off" {
		// The workspace file is outside the trees the key names.
		return cache.Key{}, fmt.Errorf("a go.work workspace is in use (%s)", w)
	}
	for _, k := range goEnvKeys {
		h.AddString("go env "+k, env[k])
	}

	// The configuration: the default one is in the head tree, and the
	// policy is the same path in the base tree; a named one is read as
	// the analysis reads it.
	h.AddString("config", g.config)
	h.AddString("config in repository", in.configRel)
	if g.config != "" {
		data, err := os.ReadFile(g.config)
		if err != nil {
			return cache.Key{}, err
		}
		h.Add("config content", data)
	}

	h.AddString("tests", strconv.FormatBool(in.tests))
	for _, p := range in.coverage {
		data, err := os.ReadFile(p.Path)
		if err != nil {
			return cache.Key{}, err
		}
		h.AddString("coverage", p.Test.Package+"."+p.Test.Name+"="+p.Path)
		h.Add("coverage content", data)
	}
	return h.Sum(), nil
}

// goEnv runs go env for goEnvKeys in dir.
func goEnv(ctx context.Context, dir string) (map[string]string, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"env", "-json"}, goEnvKeys...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	env := map[string]string{}
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, fmt.Errorf("go env: %v", err)
	}
	return env, nil
}

// binaryIdentity names this build of blastgate: its Go build ID (which
// the linker derives from its inputs and its content) or, without one,
// the hash of the executable, with its build information. A new
// blastgate never reads an old one's entries.
var binaryIdentity = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	id, err := goBuildID(exe)
	if err != nil || id == "" {
		f, err := os.Open(exe)
		if err != nil {
			return "", err
		}
		defer f.Close()
		sum := sha256.New()
		if _, err := io.Copy(sum, f); err != nil {
			return "", err
		}
		id = "sha256:" + hex.EncodeToString(sum.Sum(nil))
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		id += "\n" + info.String()
	}
	return id, nil
})

// goBuildID reads the Go build ID of an executable, "" when it has none
// that can be found cheaply: from the ELF note the linker writes, else
// from the marker near the start of the text on other formats.
func goBuildID(exe string) (string, error) {
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		s := f.Section(".note.go.buildid")
		if s == nil {
			return "", nil
		}
		note, err := s.Data()
		if err != nil || len(note) < 16 {
			return "", err
		}
		nameSize, descSize, kind := binary.LittleEndian.Uint32(note), binary.LittleEndian.Uint32(note[4:]), binary.LittleEndian.Uint32(note[8:])
		if f.ByteOrder != binary.LittleEndian {
			nameSize, descSize, kind = binary.BigEndian.Uint32(note), binary.BigEndian.Uint32(note[4:]), binary.BigEndian.Uint32(note[8:])
		}
		const goNoteKind = 4
		if nameSize != 4 || kind != goNoteKind || string(note[12:16]) != "Go\x00\x00" || uint64(len(note)) < 16+uint64(descSize) {
			return "", nil
		}
		return string(note[16 : 16+descSize]), nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", err
	}
	head = head[:n]
	const start, end = "\xff Go build ID: \"", "\"\n \xff"
	i := bytes.Index(head, []byte(start))
	if i < 0 {
		return "", nil
	}
	rest := head[i+len(start):]
	j := bytes.Index(rest, []byte(end))
	if j < 0 {
		return "", nil
	}
	return string(rest[:j]), nil
}

// hasPackage reports whether the module has the package path.
func (c *change) hasPackage(path string) bool {
	_, ok := slices.BinarySearch(c.packages, path)
	return ok
}

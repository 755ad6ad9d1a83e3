package load

import (
	"bytes"
	"context"
	"go/ast"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/packages"
)

// Dependencies are type-checked from source, not read from export data.
//
// Export data (go list -export, what go vet and go build use) has to be
// compiled: on a runner with an empty build cache, that is the whole
// dependency graph, as long as go vet itself (issue 16). Type-checking
// the dependencies from source needs no compiler and no build cache, and
// is cheap because only their declarations matter: the bodies of their
// functions are dropped as they are parsed (sourceParse), so the type
// checker never sees them, as go/packages does itself for the
// dependencies it falls back to source for. The analysed packages keep
// their bodies and full type information.
//
// With a warm build cache, though, export data is cheaper: go list
// -export only hashes, and reading export data is a fraction of
// type-checking the standard library and every dependency from source.
// So the load asks for export data first and, when go list has not
// answered within exportWait and is running the compiler (the build
// cache lacks export data), cancels it and type-checks the
// dependencies from source instead (loadDeps).
//
// BLASTGATE_DEPS=export or =source forces one load (for measuring, or
// if a dependency's declarations do not type-check from source).

// exportWait is how long go list -export may take before the load
// takes the dependencies from source, if it is compiling by then (on
// Linux; elsewhere, whatever it does): on a warm build cache it answers
// well within it (0.3-1 s on miniflux, about 2 s on prometheus).
var exportWait = 3 * time.Second

// loadDeps runs the load: run(ctx, source, listed) loads with the
// dependencies from source or from export data and calls listed once
// go list has answered. It reports whether the dependencies came from
// source.
func loadDeps(ctx context.Context, cfg Config, run func(ctx context.Context, source bool, listed func()) ([]*packages.Package, error)) ([]*packages.Package, bool, error) {
	nop := func() {}
	switch os.Getenv("BLASTGATE_DEPS") {
	case "source":
		cfg.progress("listing packages (go list)", 0)
		pkgs, err := run(ctx, true, nop)
		return pkgs, true, err
	case "export":
		cfg.progress("listing packages (go list; a cold build cache compiles the dependencies first)", 0)
		pkgs, err := run(ctx, false, nop)
		return pkgs, false, err
	}
	cfg.progress("listing packages (go list)", 0)
	type result struct {
		pkgs []*packages.Package
		err  error
	}
	exportCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	listed := make(chan struct{})
	var once sync.Once
	done := make(chan result, 1)
	go func() {
		pkgs, err := run(exportCtx, false, func() { once.Do(func() { close(listed) }) })
		done <- result{pkgs, err}
	}()
	timer := time.NewTimer(exportWait)
	defer timer.Stop()
wait:
	for {
		select {
		case <-listed:
			r := <-done
			return r.pkgs, false, r.err
		case r := <-done:
			return r.pkgs, false, r.err
		case <-timer.C:
			// A slow go list that compiles nothing (a loaded machine,
			// a large module) is still the cheaper load: wait for it.
			if yes, known := compiling(); yes || !known {
				break wait
			}
			timer.Reset(max(exportWait/6, 50*time.Millisecond))
		}
	}
	cancel() // the go command stops compiling
	cfg.progress("listing packages (go list; the build cache lacks export data: dependencies from source)", 0)
	pkgs, err := run(ctx, true, nop)
	return pkgs, true, err
}

// loadModeFor is the go/packages mode: loadMode, with NeedDeps when
// dependencies come from source (go/packages then runs go list without
// -export and type-checks every package from source).
func loadModeFor(fromSource bool) packages.LoadMode {
	if fromSource {
		return loadMode | packages.NeedDeps
	}
	return loadMode
}

// analysedDirs are the absolute directories of the analysed modules:
// their files keep function bodies, every other .go file (GOROOT, the
// module cache, a vendor directory) is a dependency's.
func analysedDirs(root, moduleDir string, ws *workspace) []string {
	dirs := []string{filepath.Clean(moduleDir)}
	if ws != nil {
		for _, m := range ws.modules {
			dirs = append(dirs, filepath.Join(root, filepath.FromSlash(m.Dir)))
		}
	}
	return dirs
}

// isDependencyFile reports whether filename, as go list names it, is a
// dependency's source file whose function bodies the analysis never
// needs. Files outside the analysed modules' directories (and inside
// their vendor directories) are; cgo's output, which lives in the
// build cache without a .go suffix, is kept whole since it may be an
// analysed package's.
func isDependencyFile(dirs []string, filename string) bool {
	if !strings.HasSuffix(filename, ".go") {
		return false
	}
	filename = filepath.Clean(filename)
	sep := string(filepath.Separator)
	for _, d := range dirs {
		if strings.HasPrefix(filename, d+sep) {
			rel := filename[len(d)+1:]
			return strings.HasPrefix(rel, "vendor"+sep)
		}
	}
	return true
}

// dropBodies removes the bodies of the functions and methods declared
// in f: the type checker then treats them as declared elsewhere (as for
// assembly). It also empties the composite literals of package-level
// declarations whose type is written out (T{...} becomes T{}, of the
// same type; [...]T{...}, whose length is its elements', is kept): the
// tables of the standard library and of x/text would otherwise be half
// the memory of the load. Uses inside what is dropped are no longer
// checked, so a dependency may carry a soft "imported and not used"
// error, which nothing reads.
func dropBodies(f *ast.File) {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			fd.Body = nil
			continue
		}
		ast.Inspect(d, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || lit.Type == nil {
				return true
			}
			if at, ok := lit.Type.(*ast.ArrayType); ok {
				if _, ok := at.Len.(*ast.Ellipsis); ok {
					return true
				}
			}
			lit.Elts = nil
			return false
		})
	}
}

// releaseDependencies drops what type-checking the dependencies from
// source left behind that the analysis never reads (their syntax and
// type information; their types stay), so that it can be collected.
func releaseDependencies(roots []*packages.Package) {
	root := map[*packages.Package]bool{}
	for _, p := range roots {
		root[p] = true
	}
	packages.Visit(roots, nil, func(p *packages.Package) {
		if !root[p] {
			p.Syntax = nil
			p.TypesInfo = nil
		}
	})
}

// goEnvGOROOT starts go env GOROOT and returns a function that waits
// for its answer ("" when it fails): it runs while go list does.
func goEnvGOROOT(ctx context.Context, dir string, env []string) func() string {
	ch := make(chan string, 1)
	go func() {
		cmd := exec.CommandContext(ctx, "go", "env", "GOROOT")
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			ch <- ""
			return
		}
		ch <- filepath.Clean(string(bytes.TrimSpace(out)))
	}()
	return sync.OnceValue(func() string { return <-ch })
}

// compiling reports whether a process this one started (go list, and
// the tools it runs) is running the compiler, and whether it could tell
// (it reads /proc: Linux only).
func compiling() (yes, known bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return false, false
	}
	parent := map[int]int{}
	var tools []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		parent[pid] = ppid
		switch string(stat[open+1 : end]) {
		case "compile", "asm", "cgo", "link":
			tools = append(tools, pid)
		}
	}
	if len(parent) == 0 {
		return false, false
	}
	self := os.Getpid()
	for _, pid := range tools {
		for p, depth := parent[pid], 0; p > 1 && depth < 8; p, depth = parent[p], depth+1 {
			if p == self {
				return true, true
			}
		}
	}
	return false, true
}

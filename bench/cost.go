package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// cost is one command's wall time and peak resident memory (the largest
// of the process and the processes it waited for: go list, compilers).
type cost struct {
	Wall time.Duration
	RSS  int64 // bytes
}

// costScore compares blastgate with its floor and with a whole-program
// call graph, measured one after the other on the same tree.
type costScore struct {
	GoList, Blastgate, Cached, VTA cost
	HasCache                       bool
	VTAPackages                    string // set when callgraph got only the packages that build
}

// measureCost runs, on the edited tree with a warm build cache: go list
// -deps -test (the floor), blastgate impact, blastgate impact again from
// its cache, and callgraph -algo=vta -test.
func measureCost(ctx context.Context, dir, src string, tools *toolset) (*costScore, error) {
	var c costScore
	// Warm the build cache (export data, test variants) so that no
	// command pays for the others' compilation.
	if _, err := run1(ctx, src, "go", "list", "-e", "-deps", "-test", "-export", "./..."); err != nil {
		return nil, err
	}
	var err error
	if c.GoList, err = run1(ctx, src, "go", "list", "-deps", "-test", "./..."); err != nil {
		return nil, err
	}
	help, _ := exec.CommandContext(ctx, tools.blastgate, "-h").CombinedOutput()
	c.HasCache = strings.Contains(string(help), "cache-dir")
	impact := []string{"--format", "json", "impact", "--base", "HEAD~1"}
	if c.Blastgate, err = run1(ctx, src, tools.blastgate, impact...); err != nil {
		return nil, err
	}
	if c.HasCache {
		cacheDir := filepath.Join(dir, "cache")
		os.RemoveAll(cacheDir)
		withCache := append([]string{"--cache-dir", cacheDir}, impact...)
		if _, err := run1(ctx, src, tools.blastgate, withCache...); err != nil {
			return nil, err
		}
		if c.Cached, err = run1(ctx, src, tools.blastgate, withCache...); err != nil {
			return nil, err
		}
	}
	// callgraph refuses a program with errors: give it the packages that
	// build, tests included (fewer packages make it cheaper, so the ratio
	// is conservative).
	out, err := runIn(ctx, src, nil, "go", "list", "-e", "-export", "-deps", "-test", "-f",
		"{{if .Error}}{{.ImportPath}}{{end}}", "./...")
	if err != nil {
		return nil, err
	}
	broken := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		broken[p] = true
	}
	pkgs := []string{"./..."}
	if len(broken) > 0 {
		deps, err := reverseDeps(ctx, src)
		if err != nil {
			return nil, err
		}
		pkgs = nil
	next:
		for _, p := range sortedKeys(deps) {
			if broken[p] {
				continue
			}
			for d := range deps[p] {
				if broken[d] {
					continue next
				}
			}
			pkgs = append(pkgs, p)
		}
		c.VTAPackages = fmt.Sprintf("%d of %d packages (the others, or their tests, do not build)", len(pkgs), len(deps))
	}
	logf("cost: go list %s, blastgate %s; running callgraph -algo=vta -test on %d patterns", c.GoList.Wall, c.Blastgate.Wall, len(pkgs))
	if c.VTA, err = run1(ctx, src, tools.callgraph, append([]string{"-algo=vta", "-test", "-format=digraph"}, pkgs...)...); err != nil {
		return nil, err
	}
	return &c, nil
}

func run1(ctx context.Context, dir, name string, args ...string) (cost, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return cost{}, fmt.Errorf("%s %s: %v\n%.2000s", name, strings.Join(args, " "), err, stderr.String())
	}
	c := cost{Wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		c.RSS = ru.Maxrss * 1024
	}
	return c, nil
}

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/blastgate/blastgate/internal/example"
)

// BenchmarkCachedImpact compares a cached `blastgate impact` (the built
// binary, on the bundled shop's shared-change branch) with
// `go list -deps -test ./...` on the same tree, in the same run. The
// metric cached/golist is the ratio of their wall times; the target is
// at most 1.5.
//
//	go test -run '^$' -bench CachedImpact -benchtime 50x ./cmd/blastgate
func BenchmarkCachedImpact(b *testing.B) {
	ctx := context.Background()
	work := b.TempDir()
	bin := filepath.Join(work, "blastgate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	shop := filepath.Join(work, "shop")
	if err := example.Materialize(ctx, shop); err != nil {
		b.Fatal(err)
	}
	cacheDir := filepath.Join(work, "cache")
	var stderr bytes.Buffer
	debug := ""
	run := func(name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		cmd.Dir = shop
		cmd.Env = append(os.Environ(), cacheDirEnv+"="+cacheDir, debugEnv+"="+debug)
		stderr.Reset()
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s %v: %v\n%s", name, args, err, &stderr)
		}
		return time.Since(start)
	}
	run("git", "checkout", "-q", "shared-change")
	impact := []string{"impact", "--base", "main"}
	// Warm both: the build cache for go list, the analysis for blastgate.
	run("go", "list", "-deps", "-test", "./...")
	run(bin, impact...)
	debug = "cache"
	run(bin, impact...)
	if !bytes.Contains(stderr.Bytes(), []byte("cache: hit")) {
		b.Fatalf("the second impact missed the cache:\n%s", &stderr)
	}
	debug = ""

	b.ResetTimer()
	var cached, golist time.Duration
	for b.Loop() {
		golist += run("go", "list", "-deps", "-test", "./...")
		cached += run(bin, impact...)
	}
	n := float64(b.N)
	b.ReportMetric(float64(cached)/1e6/n, "cached-ms/op")
	b.ReportMetric(float64(golist)/1e6/n, "golist-ms/op")
	b.ReportMetric(float64(cached)/float64(golist), "cached/golist")
}

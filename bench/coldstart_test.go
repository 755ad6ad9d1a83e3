package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestMedianTiming: the warm figures of -coldstart are medians, each
// measure taken apart, so that one run slowed by the machine's load
// moves none of them.
func TestMedianTiming(t *testing.T) {
	run := func(wall, cpu time.Duration, rss int64) timing {
		return timing{cost: cost{Wall: wall, RSS: rss}, CPU: cpu}
	}
	got := medianTiming([]timing{
		run(900*time.Millisecond, 400*time.Millisecond, 90),
		run(3*time.Second, 500*time.Millisecond, 100),
		run(1*time.Second, 2*time.Second, 95),
	})
	want := run(1*time.Second, 500*time.Millisecond, 95)
	if got != want {
		t.Errorf("medianTiming = %+v, want %+v", got, want)
	}
	if w := walls([]timing{run(1500*time.Millisecond, 0, 0), run(250*time.Millisecond, 0, 0)}); w != "1.50 0.25" {
		t.Errorf("walls = %q", w)
	}
}

// TestRemoveAnalyses: the warm runs with --cache-dir keep the
// dependencies' types and nothing else, so that each analyses in full.
func TestRemoveAnalyses(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"types/ab", "c1/x"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "trim.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := removeAnalyses(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "types" {
		t.Errorf("left %v, want types alone", entries)
	}
}

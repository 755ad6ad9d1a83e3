package load

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
)

// The garbage collector's start-up cost.
//
// A warm load of a middle-sized module (miniflux: 460 packages, 340 of
// its own files) grows the heap from nothing to about 80 MB in well
// under a second; with GOGC at its default the collector runs at 4, 8,
// 16, 32 and 64 MB, marking a heap that is nearly all live, for about a
// tenth of the process's CPU (issue 16's warm target). The Go compiler
// has the same profile and the same remedy (cmd/compile's
// base.AdjustStartingHeap): GOGC is raised until the heap first reaches
// startingHeap, then set back, so the first collections are skipped and
// the later ones, on a large module, run exactly as before; peak memory
// grows by at most about startingHeap on a small module and not at all
// on a large one. Nothing changes when the user sets GOGC or GOMEMLIMIT.

// startingHeap is the heap size below which the collector does not run
// during the first load of the process.
const startingHeap = 64 << 20

var raiseOnce sync.Once

// raiseStartingHeap lets the heap grow to about goal bytes before the
// first collection, once per process (see above).
func raiseStartingHeap() {
	raiseOnce.Do(func() {
		if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
			return
		}
		adjustStartingHeap(startingHeap)
	})
}

// adjustStartingHeap raises GOGC so that the heap goal is about goal,
// and, after each collection, lowers it as the live heap grows, back to
// its value before once the live heap is half the goal. It reports
// whether it changed GOGC.
func adjustStartingHeap(goal uint64) bool {
	sample := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 || sample[0].Value.Uint64() == 0 {
		return false
	}
	// The collector overshoots a large GOGC: ask for less (cmd/compile's
	// derating, 70%).
	derate := func(gogc uint64) uint64 { return gogc * 70 / 100 }
	gogc := derate(100 * goal / sample[0].Value.Uint64())
	if gogc <= 125 {
		return false
	}
	original := debug.SetGCPercent(int(gogc))
	if original <= 0 {
		debug.SetGCPercent(original) // GOGC=off set by the program: leave it
		return false
	}
	var mu sync.Mutex
	forEachGC(func() bool {
		mu.Lock()
		defer mu.Unlock()
		metrics.Read(sample)
		current := sample[0].Value.Uint64()
		if current <= goal {
			return true
		}
		live := 100 * current / (100 + gogc)
		if live > 0 && 2*live < goal {
			if g := derate(100*goal/live - 100); g > 125 {
				gogc = g
				debug.SetGCPercent(int(gogc))
				return true
			}
		}
		debug.SetGCPercent(original)
		return false
	})
	return true
}

// forEachGC calls fn after each collection until it returns false.
func forEachGC(fn func() bool) {
	type sentinel [16]byte
	var finalizer func(*sentinel)
	finalizer = func(p *sentinel) {
		if fn() {
			runtime.SetFinalizer(p, finalizer)
		}
	}
	runtime.SetFinalizer(new(sentinel), finalizer)
}

// listGOGC is the GOGC of the go list that go/packages runs: the go
// command spends a fifth of a warm go list -export in its collector
// (hashing every source file of the build allocates), and a higher GOGC
// saves most of it (miniflux: 420 to 340 ms of CPU, 43 to 66 MB). The
// compiler it may run (a cold build cache, a changed package) inherits
// it, and trades memory for time the same way.
const listGOGC = "GOGC=400"

// listGC returns env (the go command's environment, nil for this
// process's) with listGOGC added, unless the user set GOGC or
// GOMEMLIMIT there.
func listGC(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	for _, kv := range env {
		if strings.HasPrefix(kv, "GOGC=") || strings.HasPrefix(kv, "GOMEMLIMIT=") {
			return env
		}
	}
	return append(env[:len(env):len(env)], listGOGC)
}

package load

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gcMetric reads one runtime/metrics value.
func gcMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

var sink []byte

// TestStartingHeapChild runs in a child process of TestStartingHeap (the
// collector's settings are the process's): it raises the starting heap,
// allocates 24 MB of garbage and counts the collections, then keeps
// 48 MB live and waits for GOGC to be set back.
func TestStartingHeapChild(t *testing.T) {
	if os.Getenv("BLASTGATE_TEST_STARTING_HEAP") == "" {
		t.Skip("run by TestStartingHeap")
	}
	runtime.GC()
	before := gcMetric("/gc/cycles/total:gc-cycles")
	raiseStartingHeap()
	raised := gcMetric("/gc/gogc:percent")
	for i := 0; i < 24*16; i++ {
		sink = make([]byte, 64<<10)
	}
	cycles := gcMetric("/gc/cycles/total:gc-cycles") - before
	var live [][]byte
	for i := 0; i < 48*16; i++ {
		live = append(live, make([]byte, 64<<10))
	}
	restored := raised
	for i := 0; i < 100 && restored == raised; i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		restored = gcMetric("/gc/gogc:percent")
	}
	runtime.KeepAlive(live)
	fmt.Printf("gogc=%d cycles=%d restored=%d\n", raised, cycles, restored)
}

// TestStartingHeap checks that the first load does not collect a small
// heap (no collection while 24 MB of garbage is allocated, against at
// least one with GOGC=100 set, which turns the adjustment off) and sets
// GOGC back once the live heap is large.
func TestStartingHeap(t *testing.T) {
	run := func(extra ...string) (gogc, cycles, restored int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStartingHeapChild$", "-test.count=1")
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(append(env, "BLASTGATE_TEST_STARTING_HEAP=1"), extra...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		line := string(out)
		i := strings.Index(line, "gogc=")
		require.GreaterOrEqual(t, i, 0, "%s", out)
		_, err = fmt.Sscanf(line[i:], "gogc=%d cycles=%d restored=%d", &gogc, &cycles, &restored)
		require.NoError(t, err, "%s", out)
		return gogc, cycles, restored
	}
	gogc, cycles, restored := run()
	assert.Greater(t, gogc, 125, "GOGC raised")
	assert.Zero(t, cycles, "no collection below the starting heap")
	assert.Equal(t, 100, restored, "GOGC set back once the live heap is large")

	gogc, cycles, _ = run("GOGC=100")
	assert.Equal(t, 100, gogc, "the user's GOGC is kept")
	assert.Positive(t, cycles, "24 MB of garbage are collected at GOGC=100")
}

func TestListGC(t *testing.T) {
	assert.Equal(t, []string{"A=1", "GOGC=400"}, listGC([]string{"A=1"}))
	assert.Equal(t, []string{"GOGC=50"}, listGC([]string{"GOGC=50"}), "the user's GOGC is kept")
	assert.Equal(t, []string{"GOMEMLIMIT=1GiB"}, listGC([]string{"GOMEMLIMIT=1GiB"}))
	env := make([]string, 1, 4)
	env[0] = "A=1"
	_ = listGC(env)
	assert.Equal(t, "A=1", env[:2][0])
	assert.Empty(t, env[1:2][0], "the caller's slice is not written")
}

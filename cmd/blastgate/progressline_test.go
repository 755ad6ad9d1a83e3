package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/blastgate/blastgate/analyzer"
)

// syncBuffer is a bytes.Buffer safe for the line's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressLineShowsALongStageAndClearsIt(t *testing.T) {
	var out syncBuffer
	p := newProgressLine(&out, 0, 5*time.Millisecond)
	p.report("parsing and type-checking: files", 42)
	assert.Eventually(t, func() bool {
		return strings.Contains(out.String(), "blastgate: parsing and type-checking: files 42 (")
	}, 5*time.Second, 5*time.Millisecond)
	p.report("", 0)
	assert.True(t, strings.HasSuffix(out.String(), "\r\x1b[K"), "the line is cleared when the analysis ends: %q", out.String())
	p.close()
	n := len(out.String())
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, n, len(out.String()), "nothing drawn after close")
}

func TestProgressLineQuietForAQuickRun(t *testing.T) {
	var out syncBuffer
	p := newProgressLine(&out, time.Hour, time.Millisecond)
	p.report("listing packages", 0)
	p.report("building the graph", 0)
	p.report("", 0)
	p.close()
	assert.Empty(t, out.String(), "a run shorter than the delay prints nothing extra")
}

func TestProgressLineOffATerminal(t *testing.T) {
	var out syncBuffer
	ctx, stop := withProgressLine(context.Background(), &out)
	analyzer.ReportProgress(ctx, "listing packages", 0)
	stop()
	assert.Empty(t, out.String(), "CI logs and pipes get no progress line")
}

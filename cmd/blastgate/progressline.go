package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/blastgate/blastgate/analyzer"
)

// progressAfter is how long an analysis runs before its progress line
// appears: a quick run prints nothing extra.
const progressAfter = 2 * time.Second

// progressLine shows, on a terminal's stderr, what a long analysis is
// doing: one line, rewritten in place, cleared when the analysis ends.
// Off a terminal (CI logs, pipes, JSON consumers) it is never created.
type progressLine struct {
	w     io.Writer
	start time.Time

	mu      sync.Mutex
	stage   string
	n       int
	shown   bool // a line is on the terminal
	stopped bool
	stop    chan struct{}
	done    chan struct{}
}

// withProgressLine returns ctx with a progress line on stderr when
// stderr is a terminal, and the function that clears it for good.
func withProgressLine(ctx context.Context, stderr io.Writer) (context.Context, func()) {
	if !isTerminal(stderr) {
		return ctx, func() {}
	}
	p := newProgressLine(stderr, progressAfter, 250*time.Millisecond)
	return analyzer.WithProgress(ctx, p.report), p.close
}

// newProgressLine starts the line's clock: it draws every tick once
// after has passed.
func newProgressLine(w io.Writer, after, tick time.Duration) *progressLine {
	p := &progressLine{w: w, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop(after, tick)
	return p
}

func (p *progressLine) loop(after, tick time.Duration) {
	defer close(p.done)
	select {
	case <-time.After(after):
	case <-p.stop:
		return
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		p.draw()
		select {
		case <-t.C:
		case <-p.stop:
			return
		}
	}
}

// report records the stage; "" ends the analysis and clears the line
// (the report is about to be written).
func (p *progressLine) report(stage string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if stage == "" {
		p.clearLocked()
		p.stage = ""
		return
	}
	p.stage, p.n = stage, n
}

func (p *progressLine) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.stage == "" {
		return
	}
	line := "blastgate: " + p.stage
	if p.n > 0 {
		line += fmt.Sprintf(" %d", p.n)
	}
	line += fmt.Sprintf(" (%ds)", int(time.Since(p.start).Seconds()))
	fmt.Fprint(p.w, "\r\x1b[K"+line)
	p.shown = true
}

func (p *progressLine) clearLocked() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// close stops the line and clears it.
func (p *progressLine) close() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	p.clearLocked()
	p.mu.Unlock()
	close(p.stop)
	<-p.done
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/blastgate/blastgate/internal/example"
)

// TestSignals interrupts a real blastgate run mid-way, with SIGINT and
// SIGTERM: it exits 2, says it was interrupted, prints no report and
// leaves no results file behind.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blastgate and runs the shop's tests")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "blastgate")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	shop := filepath.Join(work, "shop")
	require.NoError(t, example.Materialize(context.Background(), shop))

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			results := filepath.Join(t.TempDir(), "results.json")
			cmd := exec.Command(bin, "-C", shop, "run", "--base", "main", "--head", "shared-change", "--results-out", results, "--", "-count=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			// Signal once go test is running the planned tests.
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) {
				if _, err := os.Stat(results); err == nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(sig))
			err := cmd.Wait()
			var exitErr *exec.ExitError
			require.ErrorAs(t, err, &exitErr, "stderr: %s", stderr.String())
			assert.Equal(t, exitError, exitErr.ExitCode(), stderr.String())
			assert.Contains(t, stderr.String(), "interrupted")
			assert.Empty(t, stdout.String(), "no half-written report")
			_, statErr := os.Stat(results)
			assert.True(t, os.IsNotExist(statErr), "no half-written results")
		})
	}
}

// TestTimeout: a run past its --timeout exits 2 and says so.
func TestTimeout(t *testing.T) {
	shop := filepath.Join(t.TempDir(), "shop")
	require.NoError(t, example.Materialize(context.Background(), shop))
	var stdout, stderr bytes.Buffer
	code := Main([]string{"-C", shop, "--timeout", "50ms", "run", "--base", "main", "--head", "shared-change", "--", "-count=1"}, &stdout, &stderr)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr.String(), "timed out after 50ms (--timeout)")
	assert.Empty(t, stdout.String())

	stderr.Reset()
	code = Main([]string{"-C", shop, "impact", "--base", "main", "--timeout", "1ns"}, &stdout, &stderr)
	assert.Equal(t, exitError, code, "the flag works after the command too")
	assert.Contains(t, stderr.String(), "timed out after 1ns")
}

// TestSignalMidComment interrupts blastgate comment while GitHub is slow
// to answer a create that it then saves anyway: the run exits 2, and the
// next run edits that comment instead of posting a second one.
func TestSignalMidComment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds blastgate")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "blastgate")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))

	var mu sync.Mutex
	comments := map[int64]string{}
	posted := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodGet:
			mu.Lock()
			var list []map[string]any
			for id, body := range comments {
				list = append(list, map[string]any{"id": id, "body": body})
			}
			mu.Unlock()
			json.NewEncoder(w).Encode(list)
		case http.MethodPost:
			var c struct{ Body string }
			json.NewDecoder(r.Body).Decode(&c)
			mu.Lock()
			comments[int64(len(comments)+1)] = c.Body // saved, but the answer is late
			mu.Unlock()
			posted <- struct{}{}
			time.Sleep(3 * time.Second)
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id":1}`)
		case http.MethodPatch:
			var c struct{ Body string }
			json.NewDecoder(r.Body).Decode(&c)
			mu.Lock()
			comments[1] = c.Body
			mu.Unlock()
			fmt.Fprint(w, `{"id":1}`)
		}
	}))
	defer srv.Close()

	reportFile := filepath.Join(work, "report.json")
	require.NoError(t, os.WriteFile(reportFile, []byte(`{"schema_version":1,"verdict":"pass","impacted":[]}`), 0o644))
	event := filepath.Join(work, "event.json")
	require.NoError(t, os.WriteFile(event, []byte(`{"number":7,"pull_request":{"number":7,"base":{"sha":"a"},"head":{"sha":"b"}}}`), 0o644))
	comment := func() *exec.Cmd {
		cmd := exec.Command(bin, "comment", "--report", reportFile)
		cmd.Env = append(os.Environ(), "GITHUB_API_URL="+srv.URL, "GITHUB_REPOSITORY=o/r", "GITHUB_TOKEN=t0ken", "GITHUB_EVENT_PATH="+event)
		return cmd
	}
	cmd := comment()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	<-posted
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, stderr.String())
	assert.Equal(t, exitError, exitErr.ExitCode())
	assert.NotContains(t, stderr.String(), "t0ken")

	out, err = comment().CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "up to date", "the saved comment was found, not posted again")
	mu.Lock()
	assert.Len(t, comments, 1, "no duplicate comment")
	mu.Unlock()
}

package cache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func key(inputs ...string) Key {
	h := NewHasher("test")
	for i, in := range inputs {
		h.AddString(fmt.Sprint(i), in)
	}
	return h.Sum()
}

func TestHitAndMiss(t *testing.T) {
	c, err := Open(filepath.Join(t.TempDir(), "new", "dir"))
	require.NoError(t, err)
	_, ok := c.Get(key("a"))
	require.False(t, ok, "an empty cache has nothing")

	require.NoError(t, c.Put(key("a"), []byte("payload a")))
	got, ok := c.Get(key("a"))
	require.True(t, ok)
	require.Equal(t, "payload a", string(got))
	_, ok = c.Get(key("b"))
	require.False(t, ok, "another key misses")

	require.NoError(t, c.Put(key("a"), []byte("replaced")))
	got, _ = c.Get(key("a"))
	require.Equal(t, "replaced", string(got))

	require.NoError(t, c.Put(key("empty"), nil))
	got, ok = c.Get(key("empty"))
	require.True(t, ok, "an empty payload is an entry")
	require.Empty(t, got)
}

func TestHasherFramesInputs(t *testing.T) {
	a, b := NewHasher("k"), NewHasher("k")
	a.AddString("x", "ab")
	a.AddString("y", "c")
	b.AddString("x", "a")
	b.AddString("y", "bc")
	require.NotEqual(t, a.Sum(), b.Sum())
	require.NotEqual(t, NewHasher("k").Sum(), NewHasher("other").Sum())
	require.Equal(t, key("same"), key("same"))
}

func TestCorruptEntryIsAMiss(t *testing.T) {
	c, err := Open(t.TempDir())
	require.NoError(t, err)
	k := key("a")
	payload := bytes.Repeat([]byte("data "), 100)
	require.NoError(t, c.Put(k, payload))
	entry, err := os.ReadFile(c.path(k))
	require.NoError(t, err)

	flipped := bytes.Clone(entry)
	flipped[len(flipped)-3] ^= 1
	for name, data := range map[string][]byte{
		"truncated":  entry[:len(entry)-10],
		"flipped":    flipped,
		"empty":      nil,
		"header":     entry[:len(magic)+5],
		"not ours":   []byte("hello\n"),
		"long":       append(bytes.Clone(entry), 'x'),
		"bad length": bytes.Replace(entry, []byte(" 500\n"), []byte(" 50x\n"), 1),
	} {
		require.NoError(t, os.WriteFile(c.path(k), data, 0o644))
		_, ok := c.Get(k)
		require.False(t, ok, name)
	}
	// A good entry written over a corrupt one is read again.
	require.NoError(t, c.Put(k, payload))
	got, ok := c.Get(k)
	require.True(t, ok)
	require.Equal(t, payload, got)
}

func TestUnwritableDir(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir)
	require.NoError(t, err)
	require.NoError(t, c.Put(key("a"), []byte("kept")))
	// The place of b's entry is taken by a file: nothing can be written
	// there, whoever the user is.
	blocked := filepath.Join(dir, key("b").String()[:2])
	if blocked != filepath.Dir(c.path(key("a"))) {
		require.NoError(t, os.WriteFile(blocked, nil, 0o644))
		require.Error(t, c.Put(key("b"), []byte("lost")))
		_, ok := c.Get(key("b"))
		require.False(t, ok)
	}
	_, err = Open(filepath.Join(dir, key("a").String()[:2], key("a").String(), "sub"))
	require.Error(t, err, "a cache that cannot be created is an error for the caller to warn about")

	if runtime.GOOS == "windows" || os.Getuid() == 0 {
		return // permissions do not stop this user
	}
	ro := t.TempDir()
	c, err = Open(ro)
	require.NoError(t, err)
	require.NoError(t, c.Put(key("a"), []byte("kept")))
	require.NoError(t, os.Chmod(ro, 0o555))
	require.NoError(t, os.Chmod(filepath.Dir(c.path(key("a"))), 0o555))
	t.Cleanup(func() { filepath.Walk(ro, func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o755) }) })
	require.Error(t, c.Put(key("a"), []byte("new")), "a read-only cache cannot take entries")
	require.Error(t, c.Put(key("c"), []byte("new")))
	got, ok := c.Get(key("a"))
	require.True(t, ok, "a read-only cache still serves what it has")
	require.Equal(t, "kept", string(got))
}

func TestOpenOnAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err := Open(f)
	require.Error(t, err)
	_, err = Open("")
	require.Error(t, err)
}

// TestConcurrentWriters has many writers put the same and different keys
// at once while readers read: a reader sees a whole entry or none.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	const writers, rounds = 8, 50
	payload := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, 64<<10+i) }
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			c, err := Open(dir) // each writer is its own process in real life
			if err != nil {
				t.Error(err)
				return
			}
			for i := range rounds {
				if err := c.Put(key("shared"), payload(0)); err != nil {
					t.Error(err)
				}
				if err := c.Put(key(fmt.Sprint(w, i)), payload(w)); err != nil {
					t.Error(err)
				}
				if got, ok := c.Get(key("shared")); ok && !bytes.Equal(got, payload(0)) {
					t.Errorf("a reader saw a partial entry (%d bytes)", len(got))
				}
			}
		})
	}
	wg.Wait()
	c, err := Open(dir)
	require.NoError(t, err)
	for w := range writers {
		got, ok := c.Get(key(fmt.Sprint(w, rounds-1)))
		require.True(t, ok)
		require.Equal(t, payload(w), got)
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "*", ".tmp-*"))
	require.Empty(t, tmps, "no temporary file is left behind")
}

func TestTrim(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir)
	require.NoError(t, err)
	now := time.Now()
	c.now = func() time.Time { return now }
	require.NoError(t, c.Put(key("old"), []byte("old")))
	require.NoError(t, c.Put(key("used"), []byte("used")))
	require.NoError(t, c.Put(key("new"), []byte("new")))
	stale := now.Add(-8 * 24 * time.Hour)
	for _, k := range []string{"old", "used"} {
		require.NoError(t, os.Chtimes(c.path(key(k)), stale, stale))
	}
	foreign := filepath.Join(dir, "notes.txt") // not the cache's: kept
	require.NoError(t, os.WriteFile(foreign, nil, 0o644))
	require.NoError(t, os.Chtimes(foreign, stale, stale))

	_, ok := c.Get(key("used")) // refreshes its time
	require.True(t, ok)
	// The first Put trimmed already; a day later the next one trims again.
	now = now.Add(25 * time.Hour)
	require.NoError(t, c.Put(key("another"), []byte("x")))

	_, ok = c.Get(key("old"))
	require.False(t, ok, "an entry unused for a week is trimmed")
	for _, k := range []string{"used", "new", "another"} {
		_, ok = c.Get(key(k))
		require.True(t, ok, k)
	}
	require.FileExists(t, foreign)
}

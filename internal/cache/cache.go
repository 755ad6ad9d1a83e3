// Package cache is a content-addressed store of bytes in a directory: Get
// and Put by a key that is the hash of everything the bytes depend on.
//
// An entry is written to a temporary file and renamed into place, so
// concurrent runs (two CI jobs sharing a restored directory, two shells)
// see either a whole entry or none. Each entry carries the hash of its
// payload: a truncated or corrupt entry is a miss, never data. The cache
// only ever speeds a run up; the callers treat every failure to write as a
// warning and go on without it.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Key names an entry: the hash of its inputs, built with a Hasher.
type Key [sha256.Size]byte

// String is the key in hex.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Hasher builds a Key from named inputs. Each input is written with its
// name and length, so that ("ab", "c") and ("a", "bc") differ.
type Hasher struct{ buf bytes.Buffer }

// NewHasher starts a key for a kind of entry (and its format version).
func NewHasher(kind string) *Hasher {
	h := &Hasher{}
	h.Add("kind", []byte(kind))
	return h
}

// Add adds the input name with its value.
func (h *Hasher) Add(name string, value []byte) {
	var n [binary.MaxVarintLen64]byte
	for _, b := range [][]byte{[]byte(name), value} {
		h.buf.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
		h.buf.Write(b)
	}
}

// AddString adds the input name with a string value.
func (h *Hasher) AddString(name, value string) { h.Add(name, []byte(value)) }

// Sum is the key of the inputs added so far.
func (h *Hasher) Sum() Key { return sha256.Sum256(h.buf.Bytes()) }

// magic starts every entry; the payload's hash and length follow it.
const magic = "blastgate-cache-1\n"

// Entries not used for this long are removed by Trim.
const (
	maxUnused     = 7 * 24 * time.Hour
	touchInterval = time.Hour      // how stale an entry's mtime may get before Get refreshes it
	trimInterval  = 24 * time.Hour // how often Put trims
)

// Cache is a directory of entries.
type Cache struct {
	dir string
	now func() time.Time
}

// Open opens the cache in dir, creating it when needed. An error means
// the directory cannot be used at all.
func Open(dir string) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("no cache directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	return &Cache{dir: abs, now: time.Now}, nil
}

// Dir is the cache's directory.
func (c *Cache) Dir() string { return c.dir }

func (c *Cache) path(k Key) string {
	s := k.String()
	return filepath.Join(c.dir, s[:2], s)
}

// Get returns the entry for k; false when there is none, or when it is
// unreadable, truncated or corrupt.
func (c *Cache) Get(k Key) ([]byte, bool) {
	path := c.path(k)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	payload, ok := decode(data)
	if !ok {
		return nil, false
	}
	// Mark the entry used, so Trim keeps it; best effort (the directory
	// may be read-only).
	if fi, err := os.Stat(path); err == nil && c.now().Sub(fi.ModTime()) > touchInterval {
		now := c.now()
		os.Chtimes(path, now, now)
	}
	return payload, true
}

// Put stores data under k, replacing any entry there. Readers never see
// a partial entry.
func (c *Cache) Put(k Key, data []byte) error {
	path := c.path(k)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := writeAtomic(path, encode(data)); err != nil {
		return err
	}
	c.maybeTrim()
	return nil
}

func encode(payload []byte) []byte {
	sum := sha256.Sum256(payload)
	var b bytes.Buffer
	b.WriteString(magic)
	b.WriteString(hex.EncodeToString(sum[:]))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte('\n')
	b.Write(payload)
	return b.Bytes()
}

func decode(data []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok {
		return nil, false
	}
	header, payload, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return nil, false
	}
	sumHex, size, ok := bytes.Cut(header, []byte(" "))
	if !ok {
		return nil, false
	}
	if n, err := strconv.Atoi(string(size)); err != nil || n != len(payload) {
		return nil, false
	}
	sum := sha256.Sum256(payload)
	if hex.EncodeToString(sum[:]) != string(sumHex) {
		return nil, false
	}
	return payload, true
}

// writeAtomic writes data to a new file beside path and renames it over
// path.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// maybeTrim trims the cache when it was last trimmed more than a day ago.
func (c *Cache) maybeTrim() {
	stamp := filepath.Join(c.dir, "trim.txt")
	if data, err := os.ReadFile(stamp); err == nil {
		if t, err := strconv.ParseInt(string(bytes.TrimSpace(data)), 10, 64); err == nil && c.now().Sub(time.Unix(t, 0)) < trimInterval {
			return
		}
	}
	if writeAtomic(stamp, []byte(fmt.Sprintf("%d\n", c.now().Unix()))) == nil {
		c.Trim()
	}
}

// Trim removes the entries not used for a week, and temporary files
// left behind by runs that were killed while writing. It touches nothing
// but the cache's own files (the directory may be shared with others).
func (c *Cache) Trim() {
	cutoff := c.now().Add(-maxUnused)
	subdirs, _ := os.ReadDir(c.dir)
	for _, sub := range subdirs {
		if !sub.IsDir() || !isHex(sub.Name(), 2) {
			continue
		}
		dir := filepath.Join(c.dir, sub.Name())
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			name := f.Name()
			if f.IsDir() || !(isHex(name, 2*len(Key{})) || strings.HasPrefix(name, ".tmp-")) {
				continue
			}
			if fi, err := f.Info(); err == nil && fi.ModTime().Before(cutoff) {
				os.Remove(filepath.Join(dir, name))
			}
		}
	}
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

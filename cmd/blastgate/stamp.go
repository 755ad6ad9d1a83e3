package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Stamps bind a file blastgate reads as evidence (the results run wrote,
// a coverage profile cover recorded) to the commit it was recorded at.
// A stamp is a sidecar, FILE.stamp, so that FILE stays exactly what go
// test wrote (gotestsum, go tool test2json readers and go tool cover
// read it unchanged):
//
//	{"format": "blastgate-stamp/1", "kind": "results",
//	 "head": "<commit sha>", "tree": "<its tree sha>",
//	 "sha256": "<sha256 of FILE>"}
//
// A coverage stamp adds the package, the test and the go test -run
// pattern it ran. The SHA-256 binds the stamp to the file's content: a
// stamp vouches for no other file. A stamp is not a signature: it stops
// another commit's results (stale, copied, committed) from passing this
// one, not a forger with write access to the CI run; that trust comes
// from running blastgate run in CI.

// stampSuffix names the stamp of a file.
const stampSuffix = ".stamp"

// stampFormat marks a stamp file.
const stampFormat = "blastgate-stamp/1"

// Stamp kinds.
const (
	stampResults  = "results"
	stampCoverage = "coverage"
)

// stamp is the content of a stamp file.
type stamp struct {
	Format string `json:"format"`
	Kind   string `json:"kind"`
	Head   string `json:"head"`
	Tree   string `json:"tree"`
	SHA256 string `json:"sha256"`
	// Package, Test and Run say what a coverage profile recorded: the
	// test binary's package, the test, and the -run pattern go test ran
	// (which selects that test alone).
	Package string `json:"package,omitempty"`
	Test    string `json:"test,omitempty"`
	Run     string `json:"run,omitempty"`
}

// writeStamp writes the stamp of the file at path, binding st to its
// current content.
func writeStamp(path string, st stamp) error {
	sum, err := fileSHA256(path)
	if err != nil {
		return fmt.Errorf("stamping %s: %w", path, err)
	}
	st.Format, st.SHA256 = stampFormat, sum
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path+stampSuffix, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the stamp of %s: %w", path, err)
	}
	return nil
}

// readStamp reads the stamp of the file at path and checks that it is a
// stamp of kind for that file's content; nil without a stamp.
func readStamp(path, kind string) (*stamp, error) {
	data, err := os.ReadFile(path + stampSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the stamp of %s: %w", path, err)
	}
	var st stamp
	if !isStamp(data, &st) || st.Kind != kind {
		return nil, fmt.Errorf("%s%s is not a %s stamp written by blastgate: delete it, and record the file again (%s)", path, stampSuffix, kind, recordHint(kind))
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, err
	}
	if sum != st.SHA256 {
		return nil, fmt.Errorf("%s%s was written for other content than %s (the file changed after it was stamped): record it again (%s)", path, stampSuffix, path, recordHint(kind))
	}
	return &st, nil
}

// isStamp reports whether data is a stamp file, decoding it into st.
func isStamp(data []byte, st *stamp) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	return dec.Decode(st) == nil && st.Format == stampFormat
}

// recordHint says how to record a file of kind with a stamp.
func recordHint(kind string) string {
	if kind == stampCoverage {
		return "blastgate cover PKG.TestName=FILE writes a profile with its stamp"
	}
	return "blastgate run writes results with their stamp"
}

// forHead fails unless the stamp was recorded at the head commit, or at
// a commit with the same tree (the same files: a rebase that changed
// nothing, a merge commit's twin). what names the stamped file.
func (st *stamp) forHead(what, head, tree string) error {
	if st.Head == head || (st.Tree != "" && st.Tree == tree) {
		return nil
	}
	return fmt.Errorf("%s is stamped for commit %s, not the head %s: it was recorded for another commit; rerun the tests on this head (%s)", what, short(st.Head), short(head), recordHint(st.Kind))
}

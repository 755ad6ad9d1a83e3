package changes

import (
	"fmt"
	"slices"
	"sort"

	"github.com/blastgate/blastgate/report"
)

// What impact and the test side read of a ChangeSet, and the merging of
// the ChangeSets of several builds (analyzer.Builds).

// IDs are the changed nodes, sorted.
func (cs *ChangeSet) IDs() []int {
	out := make([]int, 0, len(cs.nodes))
	for id := range cs.nodes {
		out = append(out, id)
	}
	sort.Ints(out)
	return out
}

// Changed reports whether the node id is changed.
func (cs *ChangeSet) Changed(id int) bool { return cs.nodes[id] }

// Touched are the lines the change touches in the new version of a Go
// file, by absolute, clean name (none for a file it leaves alone).
func (cs *ChangeSet) Touched(file string) TouchedLines { return cs.touched[file] }

// Merge adds what the build named build mapped, src: the symbols of
// files dst maps too, and the files only src maps; a file that only
// builds like src include (only(file)) notes the build, and so does
// each warning of src.
func (cs *ChangeSet) Merge(src *ChangeSet, build string, only func(file string) bool) {
	at := map[string]int{}
	for i, ch := range cs.Changes {
		at[ch.File] = i
	}
	for _, ch := range src.Changes {
		note := ch.Note
		if only(ch.File) {
			note = joinNote(note, "analysed under "+build)
		}
		i, ok := at[ch.File]
		if !ok {
			at[ch.File] = len(cs.Changes)
			cs.Changes = append(cs.Changes, report.Change{File: ch.File, Symbols: ch.Symbols, Note: note})
			continue
		}
		d := &cs.Changes[i]
		for _, s := range ch.Symbols {
			if !slices.Contains(d.Symbols, s) {
				d.Symbols = append(d.Symbols, s)
			}
		}
		sort.Strings(d.Symbols)
		if only(ch.File) {
			d.Note = joinNote(d.Note, "analysed under "+build)
		}
	}
	sort.SliceStable(cs.Changes, func(i, j int) bool { return cs.Changes[i].File < cs.Changes[j].File })
	for _, w := range src.Warnings {
		cs.AddWarning(fmt.Sprintf("under %s: %s", build, w))
	}
}

// AddWarning adds a warning, once.
func (cs *ChangeSet) AddWarning(w string) {
	if !slices.Contains(cs.Warnings, w) {
		cs.Warnings = append(cs.Warnings, w)
	}
}

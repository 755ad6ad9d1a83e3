package evidence

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"golang.org/x/tools/cover"
)

// ProfileError is a coverage profile that cannot be read.
type ProfileError struct {
	Path string
	Err  error
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("coverage profile %s: %v: pass a file written by go test -coverprofile", e.Path, e.Err)
}

func (e *ProfileError) Unwrap() error { return e.Err }

// Module is a main module of the analysis, to place a profile's files.
type Module struct {
	Path string // the module path
	Dir  string // its directory, relative to the repository root
}

// Extent is where a function's body is: its repository file (slash
// separated), first and last line. Start is 0 when it has no body the
// analysis can place.
type Extent struct {
	File       string
	Start, End int
}

// Extents is the view of the symbol graph coverage evidence reads.
type Extents interface {
	// Extent returns where the body of the function or closure node id
	// of the graph is.
	Extent(id int) Extent
}

// Coverage returns, for each feature (by index in entries, the graph
// nodes of its entries), the tests whose coverage profile shows that a
// statement of one of its entries ran. A profile that does not parse is
// a *ProfileError.
func Coverage(profiles []CoverageProfile, modules []Module, entries [][]int, g Extents) (map[int][]TestRef, error) {
	out := map[int][]TestRef{}
	for _, cp := range profiles {
		ps, err := cover.ParseProfiles(cp.Path)
		if err == nil && len(ps) == 0 {
			// go test -coverprofile always writes a mode line.
			if fi, statErr := os.Stat(cp.Path); statErr == nil && fi.Size() == 0 {
				err = errors.New("the file is empty")
			}
		}
		if err != nil {
			return nil, &ProfileError{Path: cp.Path, Err: err}
		}
		ran := map[string][][2]int{} // repository file -> line ranges that ran
		for _, p := range ps {
			file := profileFile(modules, p.FileName)
			for _, b := range p.Blocks {
				if b.Count > 0 {
					ran[file] = append(ran[file], [2]int{b.StartLine, b.EndLine})
				}
			}
		}
		for i, es := range entries {
			for _, e := range es {
				if nodeRan(g.Extent(e), ran) {
					out[i] = append(out[i], cp.Test)
					break
				}
			}
		}
	}
	return out, nil
}

// profileFile turns a profile's import-path file name into a repository
// path.
func profileFile(modules []Module, name string) string {
	best := -1
	for i, m := range modules {
		if strings.HasPrefix(name, m.Path+"/") && (best < 0 || len(m.Path) > len(modules[best].Path)) {
			best = i
		}
	}
	if best < 0 {
		return name
	}
	m := modules[best]
	return path.Join(m.Dir, strings.TrimPrefix(name, m.Path+"/"))
}

// nodeRan reports whether a statement inside extent x ran.
func nodeRan(x Extent, ran map[string][][2]int) bool {
	if x.Start == 0 {
		return false
	}
	for _, r := range ran[x.File] {
		if r[0] >= x.Start && r[1] <= x.End {
			return true
		}
	}
	return false
}

package changes

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// Dependency changes. A change to go.mod, go.sum or vendor/ changes some
// modules; the packages of those modules, and every dependency package
// that imports one of them, are changed; the module code that uses any of
// them is impacted. A change to the go or toolchain line (or to
// something that can move every version: exclude, godebug) changes
// everything.

// depChange is what a dependency file's change amounts to.
type depChange struct {
	modules  map[string]bool // changed module paths
	packages map[string]bool // changed packages (vendored files)
	replaced map[string]bool // modules whose replacement changed
	all      bool            // everything changed
	why      []string
}

// mapDependencyFile maps a change to go.mod, go.sum or a vendored file.
func (g *graph) mapDependencyFile(fc gitrepo.FileChange, rel string, old OldFile) (*depChange, error) {
	dc := &depChange{modules: map[string]bool{}, packages: map[string]bool{}, replaced: map[string]bool{}}
	if strings.HasPrefix(rel, "vendor/") && rel != "vendor/modules.txt" {
		// vendor/<package path>/<file>
		dc.packages[path.Dir(strings.TrimPrefix(rel, "vendor/"))] = true
		return dc, nil
	}
	readNew := func() ([]byte, error) {
		if fc.NewPath == "" {
			return nil, nil
		}
		return os.ReadFile(filepath.Join(g.prog.Root, filepath.FromSlash(fc.NewPath)))
	}
	readOld := func() ([]byte, error) {
		if fc.OldPath == "" {
			return nil, nil
		}
		return old(fc.OldPath)
	}
	oldData, err := readOld()
	if err != nil {
		return nil, err
	}
	newData, err := readNew()
	if err != nil {
		return nil, err
	}
	switch {
	case rel == "go.mod" && (fc.OldPath == "" || fc.NewPath == ""):
		dc.all = true
		dc.why = append(dc.why, "a module was added or removed")
	case rel == "go.mod":
		compareGoMod(dc, oldData, newData)
	case rel == "go.work":
		compareGoWork(dc, oldData, newData)
	case rel == "go.sum" || rel == "go.work.sum":
		for _, line := range linesInRanges(oldData, fc.OldLines) {
			dc.addSumLine(line)
		}
		for _, line := range linesInRanges(newData, fc.NewLines) {
			dc.addSumLine(line)
		}
	default: // vendor/modules.txt
		for _, line := range append(linesInRanges(oldData, fc.OldLines), linesInRanges(newData, fc.NewLines)...) {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "#" {
				dc.modules[f[1]] = true
			} else if len(f) == 1 && !strings.HasPrefix(line, "#") {
				dc.packages[f[0]] = true
			}
		}
	}
	return dc, nil
}

func (dc *depChange) addSumLine(line string) {
	if f := strings.Fields(line); len(f) == 3 {
		dc.modules[f[0]] = true
	}
}

// compareGoMod finds the modules whose requirement or replacement differs
// between two go.mod files.
func compareGoMod(dc *depChange, oldData, newData []byte) {
	// Parse, not ParseLax: ParseLax drops replace and exclude directives
	// (it is meant for dependencies' go.mod files), so changes to them
	// would go unseen.
	oldF, errOld := modfile.Parse("go.mod", oldData, nil)
	newF, errNew := modfile.Parse("go.mod", newData, nil)
	if errOld != nil || errNew != nil || oldF == nil || newF == nil {
		dc.all = true
		dc.why = append(dc.why, "go.mod does not parse")
		return
	}
	if goLine(oldF) != goLine(newF) || toolchainLine(oldF) != toolchainLine(newF) {
		dc.all = true
		dc.why = append(dc.why, "the go or toolchain line changed")
	}
	if fmt.Sprint(oldF.Exclude) != fmt.Sprint(newF.Exclude) || fmt.Sprint(oldF.Godebug) != fmt.Sprint(newF.Godebug) {
		dc.all = true
		dc.why = append(dc.why, "exclude or godebug changed")
	}
	req := func(f *modfile.File) map[string]string {
		m := map[string]string{}
		for _, r := range f.Require {
			m[r.Mod.Path] = r.Mod.Version
		}
		return m
	}
	oldReq, newReq := req(oldF), req(newF)
	for p, v := range newReq {
		if oldReq[p] != v {
			dc.modules[p] = true
			dc.why = append(dc.why, fmt.Sprintf("%s %s -> %s", p, orNone(oldReq[p]), v))
		}
	}
	for p, v := range oldReq {
		if _, ok := newReq[p]; !ok {
			dc.modules[p] = true
			dc.why = append(dc.why, fmt.Sprintf("%s %s removed", p, v))
		}
	}
	compareReplaces(dc, oldF.Replace, newF.Replace)
	sort.Strings(dc.why)
}

// compareReplaces finds the modules whose replacement differs.
func compareReplaces(dc *depChange, oldReplace, newReplace []*modfile.Replace) {
	rep := func(rs []*modfile.Replace) map[string]string {
		m := map[string]string{}
		for _, r := range rs {
			m[r.Old.Path+"@"+r.Old.Version] = r.New.Path + "@" + r.New.Version
		}
		return m
	}
	oldRep, newRep := rep(oldReplace), rep(newReplace)
	for k, v := range newRep {
		if oldRep[k] != v {
			p := strings.SplitN(k, "@", 2)[0]
			dc.modules[p] = true
			dc.replaced[p] = true
			dc.why = append(dc.why, fmt.Sprintf("replace %s => %s", p, strings.TrimSuffix(v, "@")))
		}
	}
	for k := range oldRep {
		if _, ok := newRep[k]; !ok {
			p := strings.SplitN(k, "@", 2)[0]
			dc.modules[p] = true
			dc.replaced[p] = true
			dc.why = append(dc.why, fmt.Sprintf("replace of %s removed", p))
		}
	}
}

// compareGoWork finds what a change to go.work changes: a module used or
// no longer used, or a changed go, toolchain or godebug line, changes
// everything; a changed replace changes the replaced module.
func compareGoWork(dc *depChange, oldData, newData []byte) {
	oldF, errOld := modfile.ParseWork("go.work", oldData, nil)
	newF, errNew := modfile.ParseWork("go.work", newData, nil)
	if errOld != nil || errNew != nil || oldF == nil || newF == nil {
		dc.all = true
		dc.why = append(dc.why, "go.work does not parse")
		return
	}
	version := func(f *modfile.WorkFile) string {
		v := ""
		if f.Go != nil {
			v = f.Go.Version
		}
		if f.Toolchain != nil {
			v += " " + f.Toolchain.Name
		}
		return v
	}
	if version(oldF) != version(newF) {
		dc.all = true
		dc.why = append(dc.why, "the go or toolchain line of go.work changed")
	}
	if fmt.Sprint(oldF.Godebug) != fmt.Sprint(newF.Godebug) {
		dc.all = true
		dc.why = append(dc.why, "godebug in go.work changed")
	}
	uses := func(f *modfile.WorkFile) map[string]string {
		m := map[string]string{}
		for _, u := range f.Use {
			m[path.Clean(u.Path)] = u.Path
		}
		return m
	}
	oldUse, newUse := uses(oldF), uses(newF)
	for u, written := range newUse {
		if _, ok := oldUse[u]; !ok {
			dc.all = true
			dc.why = append(dc.why, "go.work uses "+written)
		}
	}
	for u, written := range oldUse {
		if _, ok := newUse[u]; !ok {
			dc.all = true
			dc.why = append(dc.why, "go.work no longer uses "+written)
		}
	}
	compareReplaces(dc, oldF.Replace, newF.Replace)
	sort.Strings(dc.why)
}

func goLine(f *modfile.File) string {
	if f.Go == nil {
		return ""
	}
	return f.Go.Version
}

func toolchainLine(f *modfile.File) string {
	if f.Toolchain == nil {
		return ""
	}
	return f.Toolchain.Name
}

func orNone(v string) string {
	if v == "" {
		return "(new)"
	}
	return v
}

// linesInRanges returns the lines of data within the ranges.
func linesInRanges(data []byte, ranges []gitrepo.LineRange) []string {
	if len(data) == 0 || len(ranges) == 0 {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		for _, r := range ranges {
			if n >= r.Start && n <= r.End {
				out = append(out, sc.Text())
				break
			}
		}
	}
	return out
}

// dependencyNodes returns the nodes of the dependency packages a set of
// dependency changes reaches: the packages of the changed modules, the
// changed packages, and every dependency package that imports one of
// them. ok is false when the build list could not be listed.
func (g *graph) dependencyNodes(ctx context.Context, dcs []*depChange) ([]int, bool) {
	pkgs, err := g.prog.ListDeps(ctx)
	if err != nil {
		return nil, false
	}
	changed := map[string]bool{}
	importers := map[string][]string{}
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			importers[imp] = append(importers[imp], p.ImportPath)
		}
		for _, dc := range dcs {
			if dc.packages[p.ImportPath] || (p.Module != nil && dc.modules[p.Module.Path]) {
				changed[p.ImportPath] = true
			}
		}
	}
	queue := make([]string, 0, len(changed))
	for p := range changed {
		queue = append(queue, p)
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, imp := range importers[p] {
			if !changed[imp] && g.prog.Package(imp) == nil {
				changed[imp] = true
				queue = append(queue, imp)
			}
		}
	}
	var ids []int
	for p := range changed {
		if id, ok := g.Dependency(p); ok {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	return ids, true
}

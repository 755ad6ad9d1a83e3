package analyzer

import (
	"context"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/blastgate/blastgate/internal/gitrepo"
)

// TestGraphImmutable checks the rule of doc.go: after BuildGraph the
// Graph is read-only. On fixtures with routes (run-time prefixes too),
// RPC methods and CLI subcommands, with their tests, it snapshots the
// graph, runs every stage over it (Features, MapChanges, Impact, Credit,
// Prove, Warnings) and checks the snapshot is unchanged; then it runs
// two Credit passes concurrently on the one Graph (go test -race checks
// they share nothing they write) and checks they agree.
func TestGraphImmutable(t *testing.T) {
	for _, name := range []string{"evidence/prefix-mux", "evidence/grpc", "evidence/cobra-args", "evidence/urfave-args", "evidence/suites"} {
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(filepath.Join("testdata", name+".txtar"))
			require.NoError(t, err)
			dir := t.TempDir()
			var diff []gitrepo.FileChange
			old := map[string][]byte{}
			for _, f := range ar.Files {
				if f.Name == "want" || f.Name == "warnings" {
					continue
				}
				writeFile(t, dir, f.Name, f.Data)
				old[f.Name] = f.Data
				if !strings.HasSuffix(f.Name, "_test.go") && f.Name != "go.sum" {
					diff = append(diff, gitrepo.FileChange{OldPath: f.Name, NewPath: f.Name, Status: gitrepo.Modified, NewLines: []gitrepo.LineRange{{Start: 1, End: 1 << 20}}})
				}
			}
			prog, err := Load(context.Background(), dir, dir, true)
			require.NoError(t, err)
			g := BuildGraph(prog)
			before := graphSnapshot(g)

			features, err := g.Features(nil)
			require.NoError(t, err)
			require.NotEmpty(t, features)
			var files []string
			for _, fc := range diff {
				files = append(files, fc.Path())
			}
			assets, err := g.ResolveAssets([]Asset{{Files: files, Features: []string{features[0].ID}}}, features)
			require.NoError(t, err)
			cs, err := g.MapChangesWith(context.Background(), diff, func(p string) ([]byte, error) { return old[p], nil }, assets)
			require.NoError(t, err)
			impact := g.Impact(features, cs)
			_ = g.Tests()
			_ = g.FeatureAttrs()
			_ = g.Warnings()
			require.NoError(t, g.Credit(features, EvidenceOptions{}))
			_ = g.Prove(features, cs, impact.Impacted)
			require.Equal(t, before, graphSnapshot(g), "the graph changed after BuildGraph")

			// Two passes of credit at once on the one graph.
			var wg sync.WaitGroup
			got := make([]string, 2)
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					fs := append([]Feature(nil), features...)
					if err := g.Credit(fs, EvidenceOptions{}); err != nil {
						got[i] = err.Error()
						return
					}
					got[i] = credited(fs)
				}()
			}
			wg.Wait()
			require.Equal(t, credited(features), got[0])
			require.Equal(t, got[0], got[1])
			require.Equal(t, before, graphSnapshot(g), "the graph changed under concurrent credit")
		})
	}
}

// credited lists each feature's credited tests.
func credited(features []Feature) string {
	var b strings.Builder
	for _, f := range features {
		fmt.Fprintf(&b, "%s %s:", f.Kind, f.ID)
		for _, tt := range f.Tests {
			fmt.Fprintf(&b, " %s.%s=%s", tt.Package, tt.Name, tt.Evidence)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// graphSnapshot is a cheap fingerprint of g: a hash of every node and
// its edges, and the size of every field of the Graph (lengths of maps
// and slices, whether pointers are set, the fields of structs), so that
// any write after BuildGraph shows.
func graphSnapshot(g *Graph) map[string]string {
	out := map[string]string{}
	h := fnv.New64a()
	for _, n := range g.nodes {
		fmt.Fprintf(h, "%s|%d|%s|%d|", n.name, n.kind, n.pkg, n.pos)
		for _, e := range n.out {
			fmt.Fprintf(h, "%d@%d,", e.to, e.pos)
		}
	}
	out["nodes"] = fmt.Sprintf("%d %x", len(g.nodes), h.Sum64())
	sizes(reflect.ValueOf(g).Elem(), "Graph", 2, out)
	return out
}

// sizes records the size of v's fields, depth levels down.
func sizes(v reflect.Value, path string, depth int, out map[string]string) {
	if path == "Graph.held" || path == "Graph.heldMu" {
		return // a memo discovery may fill (methodsHeldBy), under its lock
	}
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		out[path] = fmt.Sprint(v.Len())
		if v.Kind() == reflect.Map && depth > 0 {
			// The sizes of the values too: a map of slices that grow.
			var lens []int
			for it := v.MapRange(); it.Next(); {
				if e := it.Value(); e.Kind() == reflect.Slice || e.Kind() == reflect.Map {
					lens = append(lens, e.Len())
				}
			}
			sort.Ints(lens)
			out[path+"[*]"] = fmt.Sprint(lens)
		}
	case reflect.Pointer, reflect.Interface:
		out[path] = fmt.Sprint(!v.IsNil())
		if v.Kind() == reflect.Pointer && strings.HasPrefix(v.Type().Elem().Name(), "memo[") {
			return // memos of what is on disk fill on demand (memo.go)
		}
		if !v.IsNil() && depth > 0 && v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct && path != "Graph.prog" {
			sizes(v.Elem(), path, depth-1, out)
		}
	case reflect.Struct:
		if depth < 0 {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			sizes(v.Field(i), path+"."+v.Type().Field(i).Name, depth-1, out)
		}
	case reflect.Int, reflect.Int64:
		out[path] = fmt.Sprint(v.Int())
	case reflect.Bool:
		out[path] = fmt.Sprint(v.Bool())
	}
}

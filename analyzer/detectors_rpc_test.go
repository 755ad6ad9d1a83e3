package analyzer

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/blastgate/blastgate/report"
)

// TestRPCDetectors checks that gRPC and Connect are a detector each: on
// a Connect server (testdata/features/connect.txtar) the connect
// detector finds every RPC the whole list finds, and grpc's run none
// (even run where it would not be chosen); on a grpc-go server
// (grpc.txtar), the other way round.
func TestRPCDetectors(t *testing.T) {
	for _, tc := range []struct {
		fixture   string
		finds     *Detector
		findsNone *Detector
	}{
		{"connect", connectDetector, grpcDetector},
		{"grpc", grpcDetector, connectDetector},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			ar, err := txtar.ParseFile(filepath.Join("testdata", "features", tc.fixture+".txtar"))
			require.NoError(t, err)
			dir := t.TempDir()
			for _, f := range ar.Files {
				if f.Name != "want" {
					writeFile(t, dir, f.Name, f.Data)
				}
			}
			prog, err := Load(context.Background(), dir, dir, false)
			require.NoError(t, err)
			g := buildGraph(prog, detectors)
			rpcs := func(features []Feature) []string {
				var ids []string
				for _, f := range features {
					if f.Kind == report.KindRPC {
						ids = append(ids, f.ID+" "+f.Entry)
					}
				}
				slices.Sort(ids)
				return ids
			}
			features, err := g.Features(nil)
			require.NoError(t, err)
			all := rpcs(features)
			require.NotEmpty(t, all, "the fixture serves RPCs")
			require.Equal(t, all, rpcs(tc.finds.run(g)), "%s finds them all", tc.finds.Name)
			require.Empty(t, rpcs(tc.findsNone.run(g)), "%s finds none", tc.findsNone.Name)
		})
	}
}

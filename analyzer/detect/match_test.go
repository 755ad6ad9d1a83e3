package detect

import (
	"testing"

	"github.com/blastgate/blastgate/report"
	"github.com/stretchr/testify/require"
)

// routeFeature is a route feature with id, registered by node registrar, its
// run-time parts standing for the package variables of holes.
func routeFeature(id string, registrar int, holes RouteHoles) Feature {
	f := Feature{Registrar: registrar, Holes: holes, Entries: []int{registrar}}
	f.ID, f.Kind, f.Entry = id, report.KindRoute, id
	return f
}

func TestPatternWith(t *testing.T) {
	holes := RouteHoles{"<prefix>": {"example.com/m.prefix": true}, "<two>": {"a": true, "b": true}}
	values := map[string]string{"example.com/m.prefix": "/api"}
	value := func(key string) (string, bool) { v, ok := values[key]; return v, ok }
	for _, c := range []struct {
		id, method, path string
		ok, match        bool
	}{
		{"GET /items", "GET", "/items", true, true},
		{"GET <prefix>/items", "GET", "/api/items", true, true},
		{"GET <prefix>/items", "GET", "/items", true, false},
		{"GET <two>/items", "GET", "/api/items", false, false}, // two variables: not known
		{"GET <other>/items", "GET", "/api/items", false, false},
	} {
		p, ok := routeFeature(c.id, 0, holes).PatternWith(value)
		require.Equal(t, c.ok, ok, c.id)
		if ok {
			require.Equal(t, c.match, p.Match(c.method, "", c.path), "%s %s", c.id, c.path)
		}
	}
	// A value that would make the path a host, or one the router
	// cleans, is no pattern.
	for _, v := range []string{"api", "/a//b", "/a/../b", "/{x}"} {
		values["example.com/m.prefix"] = v
		_, ok := routeFeature("GET <prefix>/items", 0, holes).PatternWith(value)
		require.False(t, ok, v)
	}
}

func TestMayServe(t *testing.T) {
	f := routeFeature("GET <prefix>/items", 0, nil)
	require.True(t, f.MayServe("GET", "/anything/items"))
	require.False(t, f.MayServe("GET", "/anything/other"))
	require.False(t, f.MayServe("POST", "/anything/items"))
	require.True(t, routeFeature("GET /items", 0, nil).MayServe("GET", "/x"), "no run-time part: any")
}

func TestSendsRequest(t *testing.T) {
	// Node 1 registers GET /items/{id}, node 2 GET /items/new.
	features := []Feature{routeFeature("GET /items/{id}", 1, nil), routeFeature("GET /items/new", 2, nil)}
	m := NewMatcher(nil)
	pattern := func(f Feature) (Pattern, bool) { return f.Pattern() }
	test := func(reach map[int]bool, reqs ...Request) TestFunc { return TestFunc{Reach: reach, Requests: reqs} }
	both := map[int]bool{1: true, 2: true}
	require.True(t, m.SendsRequest(features, 0, test(both, Request{Method: "GET", Path: "/items/42"}), pattern))
	// The more specific route the test holds takes /items/new.
	require.False(t, m.SendsRequest(features, 0, test(both, Request{Method: "GET", Path: "/items/new"}), pattern))
	require.True(t, m.SendsRequest(features, 1, test(both, Request{Method: "GET", Path: "/items/new"}), pattern))
	// Unless the test does not hold it.
	require.True(t, m.SendsRequest(features, 0, test(map[int]bool{1: true}, Request{Method: "GET", Path: "/items/new"}), pattern))
	// Not a router the test holds; a request the test asserts refused.
	require.False(t, m.SendsRequest(features, 0, test(map[int]bool{2: true}, Request{Method: "GET", Path: "/items/42"}), pattern))
	require.False(t, m.SendsRequest(features, 0, test(both, Request{Method: "GET", Path: "/items/42", Refused: true}), pattern))
	// A route with a run-time part the test does not know may take it.
	unknown := append(features, routeFeature("GET <p>/42", 3, nil))
	require.False(t, m.SendsRequest(unknown, 0, test(map[int]bool{1: true, 3: true}, Request{Method: "GET", Path: "/items/42"}), pattern))
}

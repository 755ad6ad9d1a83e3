package analyzer

import (
	"go/token"
	"go/types"
	"sort"
)

// conversion is a value of type t converted to an interface at pos.
type conversion struct {
	pos token.Pos
	t   types.Type
}

// recordConversion notes a conversion to an interface, so that a write
// site around it can answer for what it stores (resolveSiteConversions).
func (g *Graph) recordConversion(t types.Type, pos token.Pos) {
	if pos.IsValid() {
		g.conversions = append(g.conversions, conversion{pos: pos, t: t})
	}
}

// resolveSiteConversions makes each write site depend on the methods of
// the module values it converts to an interface: what it stores in an
// `any` or interface-typed field or variable (`&Page{label: title("x")}`),
// or hands to a value that keeps it (`&http.Client{Transport: rt}`,
// `cache.Store(k, v)`). Whoever reads what the site wrote may then call
// those methods, itself or through a dependency (fmt calls String,
// encoding/json MarshalJSON, http.Client RoundTrip), so the reader reaches
// them through the site, one write deep like every write.
func (g *Graph) resolveSiteConversions() {
	if g.handoffs == nil {
		g.handoffs = map[string]int{}
	}
	convs := g.conversions
	sort.SliceStable(convs, func(i, j int) bool { return convs[i].pos < convs[j].pos })
	for _, s := range g.sites {
		from, to := s.node.Pos(), s.node.End()
		i := sort.Search(len(convs), func(i int) bool { return convs[i].pos >= from })
		seen := map[int]bool{}
		for ; i < len(convs) && convs[i].pos < to; i++ {
			if h := g.storedAsInterface(convs[i].t); h >= 0 && !seen[h] {
				seen[h] = true
				g.edge(s.id, h, convs[i].pos)
			}
		}
	}
	g.resolveSiteParams(convs)
	g.conversions = nil
}

// storedAsInterface returns the hand-off node standing for the methods
// of a value of type t kept in an interface, or -1 when t holds no
// module methods or types.
func (g *Graph) storedAsInterface(t types.Type) int {
	name := "(stored as an interface) " + types.TypeString(t, nil)
	if id, ok := g.handoffs[name]; ok {
		return id
	}
	return g.typeHandoff(name, t, g.methodsHeldBy(t))
}

// typeHandoff returns the hand-off node name for a value of type t,
// depending on ids; with no ids it records that there is none and
// returns -1.
func (g *Graph) typeHandoff(name string, t types.Type, ids []int) int {
	if len(ids) == 0 {
		if g.handoffs == nil {
			g.handoffs = map[string]int{}
		}
		g.handoffs[name] = -1
		return -1
	}
	id := g.handoff(name)
	g.nodes[id].pos = typePos(t)
	for _, m := range ids {
		g.edge(id, m, token.NoPos)
	}
	return id
}

// handoff returns the hand-off node of the given name, adding it once.
func (g *Graph) handoff(name string) int {
	if id, ok := g.handoffs[name]; ok {
		return id
	}
	if g.handoffs == nil {
		g.handoffs = map[string]int{}
	}
	id := g.add(&node{name: name, kind: handoffNode})
	g.handoffs[name] = id
	return id
}

// typePos is where the named type t (or the type it points to) is
// declared, for a trace; NoPos for other types.
func typePos(t types.Type) token.Pos {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Pos()
	}
	return token.NoPos
}

package analyzer

import (
	"go/types"
)

// Start-up hand-offs bind parameters at start-up's own calls (issue 16).
//
// A start-up hand-off, "(start-up call of os.Setenv)", stands for the
// call start-up code makes: it depends on the values that call carries,
// followed through locals and parameters bound at start-up's static
// calls (startup.go). resolveSiteParams makes a write site storing a
// parameter depend on what every static caller converts into it; for a
// start-up hand-off only the callers that are start-up code themselves
// bind it. The same helper called at request time with a request's value
// (`log.Fatal(ctx, http.ListenAndServe(addr, mw(router)))` in main, a
// handler logging its page) makes an ordinary call of the request's
// code, which the routes running it reach through their own edges; it
// is not what start-up handed over, so it does not make every route
// depend on the request's value.
//
// A start-up caller's argument that is its own parameter keeps
// following up the chain, again through start-up's calls only: a
// function run at start-up is called by start-up code (or through a
// function value, whose arguments are a hand-off of their own).

// markStartupHandoff records that id is the hand-off of a start-up call.
func (g *Graph) markStartupHandoff(id int) {
	if g.startupHandoffs == nil {
		g.startupHandoffs = map[int]bool{}
	}
	g.startupHandoffs[id] = true
}

// startupParamNode returns the node standing for what the static calls
// made by start-up code pass as parameter v (paramNode for start-up
// code's calls only), or -1 when none does.
func (g *Graph) startupParamNode(v *types.Var, convs []conversion) int {
	if id, ok := g.startupParamNodes[v]; ok {
		return id
	}
	if g.startupParamNodes == nil {
		g.startupParamNodes = map[*types.Var]int{}
	}
	var binds []argBind
	for _, b := range g.binds[v] {
		if g.run[b.from] {
			binds = append(binds, b)
		}
	}
	if len(binds) == 0 {
		g.startupParamNodes[v] = -1
		return -1
	}
	name := "(start-up argument " + v.Name() + " of " + objName(g.paramOwners[v]) + ")"
	id := g.add(&node{name: name, kind: handoffNode, pos: v.Pos()})
	g.startupParamNodes[v] = id
	for _, b := range binds {
		g.argEdges(id, b, convs)
		if b.src != nil && g.binds[b.src] != nil {
			g.edge(id, g.startupParamNode(b.src, convs), b.arg.Pos())
		}
	}
	return id
}

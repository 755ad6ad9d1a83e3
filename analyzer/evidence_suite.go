package analyzer

import (
	"go/types"

	"github.com/blastgate/blastgate/analyzer/astq"
)

// testify suites: which methods run as tests TestX/TestM, and what
// runs before each, is package evidence's (evidence.FindTests); here,
// what a suite's test reaches and the warnings of a credit pass.

// reachStatic adds to t what fn reaches through static calls in the
// module.
func (g *Graph) reachStatic(t *testFunc, fn *types.Func) {
	id, ok := g.byName[astq.ObjName(fn.Origin())]
	if !ok || !isCode(g.nodes[id].kind) || t.reach[id] {
		return
	}
	t.reach[id] = true
	g.closeReach(t, []int{id})
}

// suiteWarnings are the warnings of suite.Run calls that get no credit.
func (g *credit) suiteWarnings() []string {
	if len(g.prog.TestPackages) == 0 {
		return nil
	}
	g.testFuncs()
	return g.suiteWarns
}

package analyzer

import (
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"slices"
	"strconv"

	"github.com/blastgate/blastgate/report"
	"golang.org/x/tools/go/packages"
)

// Start-up per program (issue 16).
//
// A module may hold several programs (its main packages), and a program
// runs the init of the packages it links only, not of every package of
// the module. So each program has a start-up node of its own,
// "(start-up of cmd/frontend)", depending on the hand-offs its own
// start-up code makes: the code the init nodes of the packages it links
// (and their initializers that call something) reach, by the rules of
// startup.go. A hand-off made by a package two programs link belongs to
// both. The module-wide start-up node, "(start-up)", keeps every hand-off
// of every package, linked by a program or not.
//
// A route or an RPC method roots the start-up node of each program whose
// code reaches the route's registration: main, the init of the packages
// it links and their initializers, followed along every edge of the
// graph (static calls, function values and interface methods resolved
// by signature, closures whenever they run). A registration no program
// reaches (a library function only tests call, code reached in a way
// the graph does not model) keeps the module-wide start-up node: all
// programs, test binaries included.
//
// A change mapped to a package's init as a whole impacts the routes of
// the programs linking the package (impactView.StartsUp), and those that
// root the module-wide node.

// program is a main package of the module.
type program struct {
	pkg     string
	startup int // its start-up node
	// seeds are where its code starts: its package's init (which reaches
	// the init of what it imports), its main function, and the
	// initializers that call something of the packages it links.
	seeds []int
	// inits are the init nodes of the packages it links.
	inits map[int]bool
	// linked are the module packages it links, its own included.
	linked map[string]bool
}

// addPrograms makes the start-up node of each main package.
func (g *Graph) addPrograms() {
	ignoredImports := map[string][]string{}
	for _, pkg := range g.prog.Packages {
		if pkg.Name != "main" {
			continue
		}
		init, ok := g.inits[pkg.PkgPath]
		if !ok {
			continue
		}
		p := program{pkg: pkg.PkgPath, seeds: []int{init}, inits: map[int]bool{}, linked: map[string]bool{}}
		if n, broken := g.pkgs[pkg.PkgPath]; broken {
			p.seeds = append(p.seeds, n)
		} else if pkg.Types != nil {
			if obj, ok := pkg.Types.Scope().Lookup("main").(*types.Func); ok {
				if id := g.nodeOf(obj); id >= 0 {
					p.seeds = append(p.seeds, id)
				}
			}
		}
		for _, imp := range g.moduleImports(pkg) {
			if id, ok := g.inits[imp]; ok {
				p.inits[id] = true
			}
			p.seeds = append(p.seeds, g.initRuns[imp]...)
		}
		p.linked = g.linkedAnyBuild(pkg, ignoredImports)
		name := pkg.PkgPath
		if rel, err := filepathRel(g.prog.Root, pkg.Dir); err == nil && pkg.Dir != "" {
			name = rel
			if rel == "." || rel == "" {
				name = path.Base(pkg.PkgPath)
			}
		}
		p.startup = g.add(&node{name: "(start-up of " + name + ")", kind: handoffNode, pkg: pkg.PkgPath})
		if g.programOf == nil {
			g.programOf = map[int]int{}
		}
		g.programOf[p.startup] = len(g.programs)
		g.programs = append(g.programs, p)
	}
}

// programsStartupTime returns, for each program, the start-up code it
// runs: what initTime computes, from the init of the packages it links
// only.
func (g *Graph) programsStartupTime(handed map[edgeKey]bool) []map[int]bool {
	out := make([]map[int]bool, len(g.programs))
	for i, p := range g.programs {
		var seeds []int
		for id := range p.inits {
			seeds = append(seeds, id)
		}
		for imp := range p.linked {
			seeds = append(seeds, g.initRuns[imp]...)
		}
		out[i] = g.startupFrom(seeds, handed)
	}
	return out
}

// programStartups makes each route and RPC method root the start-up of
// the programs reaching its registration instead of the module-wide
// start-up node (see the top of the file). A registration no program
// reaches keeps the module-wide node.
func (g *Graph) programStartups(features []Feature) {
	if len(g.programs) == 0 {
		return
	}
	reach := make([]map[int]bool, len(g.programs))
	for i := range features {
		f := &features[i]
		if (f.Kind != report.KindRoute && f.Kind != report.KindRPC) || f.Registrar < 0 || !slices.Contains(f.Roots, g.startup) {
			continue
		}
		var ids []int
		for k, p := range g.programs {
			if reach[k] == nil {
				reach[k] = g.reachFrom(p.seeds)
			}
			if reach[k][f.Registrar] {
				ids = append(ids, p.startup)
			}
		}
		if len(ids) == 0 {
			continue // reached by no program: all of them
		}
		// A new slice: features may share their roots' arrays.
		roots := make([]int, 0, len(f.Roots)+len(ids))
		for _, r := range f.Roots {
			switch {
			case r != g.startup:
				roots = append(roots, r)
			case ids != nil:
				roots = append(roots, ids...)
				ids = nil
			}
		}
		f.Roots = roots
	}
}

// reachFrom returns what seeds reach along every edge of the graph.
func (g *Graph) reachFrom(seeds []int) map[int]bool {
	seen := map[int]bool{}
	queue := make([]int, 0, len(seeds))
	for _, id := range seeds {
		if id >= 0 && !seen[id] {
			seen[id] = true
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, e := range g.nodes[id].out {
			if !seen[e.to] {
				seen[e.to] = true
				queue = append(queue, e.to)
			}
		}
	}
	return seen
}

// startsUp reports whether root stands for the start-up of a program
// running the init of package pkg: the module-wide start-up node, or the
// start-up node of a program linking pkg.
func (g *Graph) startsUp(root int, pkg string) bool {
	if root < 0 {
		return false
	}
	if root == g.startup {
		return true
	}
	k, ok := g.programOf[root]
	return ok && g.programs[k].linked[pkg]
}

// linkedAnyBuild returns the module packages pkg imports, directly or
// not, itself included, also through the files outside the default
// build (build constraints): a change of such a file is mapped to its
// package's init as a whole (impact), and another build may link what
// it imports. memo keeps each package's imports from those files.
func (g *Graph) linkedAnyBuild(pkg *packages.Package, memo map[string][]string) map[string]bool {
	seen := map[string]bool{}
	var visit func(path string)
	visit = func(path string) {
		p := g.prog.byPath[path]
		if seen[path] || p == nil {
			return
		}
		seen[path] = true
		for imp := range p.Imports {
			visit(imp)
		}
		imps, ok := memo[path]
		if !ok {
			fset := token.NewFileSet()
			for _, name := range p.IgnoredFiles {
				f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
				if err != nil || f == nil {
					continue
				}
				for _, spec := range f.Imports {
					if s, err := strconv.Unquote(spec.Path.Value); err == nil {
						imps = append(imps, s)
					}
				}
			}
			memo[path] = imps
		}
		for _, imp := range imps {
			visit(imp)
		}
	}
	visit(pkg.PkgPath)
	return seen
}

package analyzer

import (
	"fmt"
	"go/types"
	"runtime/debug"
	"strings"

	"github.com/blastgate/blastgate/analyzer/detect"
	"github.com/blastgate/blastgate/report"
)

//go:generate go test -run TestDetectorDocs -update .

// A Detector finds the features of one kind that one library (or the
// language itself) declares: the routes of a router, the methods of an
// RPC framework, the subcommands of a CLI library. It is data, in the
// manner of go/analysis's Analyzer: a name, a doc, the imports that make
// it worth running, and its hooks. Every detector is listed once, in
// order, in detectors below; docs/detectors.md is generated from the
// list (go generate ./analyzer).
//
// A detector has exactly one of three hooks:
//
//   - router: a dialect of the route engine (detect/routers.go), which follows
//     router values, composes prefixes, and makes the route features for
//     every router alike; the dialect says what one call does (register,
//     group, mount, use), how the router joins a prefix and a path, and
//     which type is its handler (a detect.Router). The test side
//     (evidence_requests.go) matches test requests through the same
//     dialect.
//   - cli: a dialect of the command-tree engine (detect/commands_cli.go,
//     a detect.CLI): which
//     literals are commands and which calls add subcommands. The test
//     side (detect/match_cli.go) matches test arguments through the trees
//     it builds.
//   - run: a detector of its own, that returns its features (a
//     detect.Finder).
//
// A detector that panics is a bug in blastgate: see runDetectors.
type Detector struct {
	// Name is short and unique: "chi", "grpc", "cobra".
	Name string
	// Kind is the kind of the features it finds (report.KindRoute,
	// KindRPC, KindCommand).
	Kind string
	// Imports are the import paths of the library. The detector runs
	// only when a loaded package imports one of them (directly, or
	// through a dependency's types); none: it always runs.
	Imports []string
	// Doc says what it recognises: the registration calls, groups,
	// mounts, the id syntax, and what it does not see.
	Doc string

	router detect.RouterDetector
	cli    detect.CLIDialect
	run    func(g *Graph) []Feature
}

// detectors are every detector, in the order they run. A new detector is
// a file of package detect (detect/routers_<name>.go, rpc_<name>.go,
// commands_<name>.go) declaring a *detect.Router, *detect.CLI or
// *detect.Finder, its *Detector below, and a line here.
var detectors = []*Detector{
	chiDetector,
	echoDetector,
	fiberDetector,
	ginDetector,
	muxDetector,
	netHTTPDetector,
	grpcDetector,
	connectDetector,
	mainDetector,
	cobraDetector,
	urfaveDetector,
}

// The router detectors: each router's dialect of the route engine, with
// its name, imports and doc, is in package detect (routers_<name>.go).
var (
	chiDetector     = routerDetector(detect.Chi)
	echoDetector    = routerDetector(detect.Echo)
	fiberDetector   = routerDetector(detect.Fiber)
	ginDetector     = routerDetector(detect.Gin)
	muxDetector     = routerDetector(detect.Mux)
	netHTTPDetector = routerDetector(detect.NetHTTP)
)

// The detectors of their own, in package detect.
var (
	grpcDetector    = finderDetector(detect.GRPC)
	connectDetector = finderDetector(detect.Connect)
	mainDetector    = finderDetector(detect.Main)
)

// The CLI detectors: each CLI library's dialect of the command-tree
// engine, with its name, imports and doc, is in package detect
// (commands_<name>.go).
var (
	cobraDetector  = cliDetector(detect.Cobra)
	urfaveDetector = cliDetector(detect.Urfave)
)

// cliDetector is the Detector of a CLI library.
func cliDetector(c *detect.CLI) *Detector {
	return &Detector{Name: c.Name, Kind: report.KindCommand, Imports: c.Imports, Doc: c.Doc, cli: c.Dialect}
}

// finderDetector is the Detector of a detect.Finder: its features, as
// the analyzer's.
func finderDetector(f *detect.Finder) *Detector {
	return &Detector{Name: f.Name, Kind: f.Kind, Imports: f.Imports, Doc: f.Doc, run: func(g *Graph) []Feature {
		return f.Run(detectView{g})
	}}
}

// routerDetector is the Detector of a router library.
func routerDetector(r *detect.Router) *Detector {
	return &Detector{Name: r.Name, Kind: report.KindRoute, Imports: r.Imports, Doc: r.Doc, router: r.Dialect}
}

// activeDetectors are the detectors of g that run: those whose library a
// loaded package imports, chosen at build.
func (g *Graph) activeDetectors() []*Detector { return g.active }

// chooseDetectors are the detectors of list that run on g.
func (g *Graph) chooseDetectors(list []*Detector) []*Detector {
	imported := g.importedPaths()
	var out []*Detector
	for _, d := range list {
		use := len(d.Imports) == 0
		for _, p := range d.Imports {
			use = use || imported[p]
		}
		if use {
			out = append(out, d)
		}
	}
	return out
}

// importedPaths are the import paths the module's packages import,
// directly or through the packages they import (as the type checker saw
// them: a dependency that hands out a chi.Router makes chi imported).
func (g *Graph) importedPaths() map[string]bool {
	seen := map[string]bool{}
	visited := map[*types.Package]bool{}
	for _, pkg := range g.prog.Packages {
		for p := range pkg.Imports {
			seen[p] = true
		}
		if pkg.Types == nil {
			continue
		}
		stack := pkg.Types.Imports()
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if visited[p] {
				continue
			}
			visited[p] = true
			seen[p.Path()] = true
			stack = append(stack, p.Imports()...)
		}
	}
	return seen
}

// routerDialects are the active route engine's dialects, in order.
func (g *Graph) routerDialects() []detect.RouterDetector {
	var out []detect.RouterDetector
	for _, d := range g.activeDetectors() {
		if d.router != nil {
			out = append(out, d.router)
		}
	}
	return out
}

// cliDialects are the active command-tree engine's dialects, in order.
func (g *Graph) cliDialects() []detect.CLIDialect {
	var out []detect.CLIDialect
	for _, d := range g.activeDetectors() {
		if d.cli != nil {
			out = append(out, d.cli)
		}
	}
	return out
}

// DetectorError is a detector that panicked. The features it would have
// found are missing, so the analysis stops (exit 2) rather than let a
// gate pass without them.
type DetectorError struct {
	// Detector names the detector, or the engine it runs in when the
	// panic came from the engine's shared code ("the route engine (chi,
	// gin)").
	Detector string
	Value    any
	Stack    string
}

func (e *DetectorError) Error() string {
	who := "detector " + e.Detector
	if strings.HasPrefix(e.Detector, "the ") {
		who = e.Detector // an engine
	}
	return fmt.Sprintf("%s panicked: %v\n"+
		"This is a bug in blastgate: please report it, with this message and the stack below. "+
		"The features the detector finds are missing from this analysis, so it stops here "+
		"rather than let the gate pass without them.\n%s", who, e.Value, e.Stack)
}

// blame re-panics r, a value recovered from a dialect's hook, tagged with
// the dialect (detect.Blame); guard and Credit name the detector it
// belongs to (panicError). Use as
//
//	defer func() { blame(d, recover()) }()
func blame(dialect any, r any) { detect.Blame(dialect, r) }

// panicError is the *DetectorError of a dialect's panic: the detector
// the dialect belongs to.
func panicError(p detect.Panic) *DetectorError {
	name := fmt.Sprintf("%T", p.Dialect)
	for _, d := range allDetectors() {
		if (d.router != nil && any(d.router) == p.Dialect) || (d.cli != nil && any(d.cli) == p.Dialect) {
			name = d.Name
		}
	}
	return &DetectorError{Detector: name, Value: p.Value, Stack: p.Stack}
}

// testDetectors are detectors a test adds (panicError finds their names).
var testDetectors []*Detector

func allDetectors() []*Detector {
	return append(append([]*Detector(nil), detectors...), testDetectors...)
}

// guard runs fn, the work of the detectors ds, and turns a panic into a
// *DetectorError naming the detector it came from.
func guard(ds []*Detector, fn func()) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if p, ok := r.(detect.Panic); ok {
			err = panicError(p)
			return
		}
		name := ds[0].Name
		if len(ds) > 1 || ds[0].run == nil {
			var names []string
			for _, d := range ds {
				names = append(names, d.Name)
			}
			name = fmt.Sprintf("the %s engine (%s)", ds[0].Kind, strings.Join(names, ", "))
		}
		err = &DetectorError{Detector: name, Value: r, Stack: string(debug.Stack())}
	}()
	fn()
	return nil
}

// runDetectors runs the active detectors in order: the route engine once
// for every router dialect (where the first one is listed), each run
// detector on its own, the command-tree engine once for every CLI
// dialect. Each runs under recover: a panic is a *DetectorError, and the
// analysis fails (fail closed, exit 2): a missing detector's features
// would otherwise let the gate pass on a change that reaches them.
func (g *Graph) runDetectors() ([]Feature, error) {
	active := g.activeDetectors()
	var routers, clis []*Detector
	for _, d := range active {
		switch {
		case d.router != nil:
			routers = append(routers, d)
		case d.cli != nil:
			clis = append(clis, d)
		}
	}
	var out []Feature
	for _, d := range active {
		var err error
		switch {
		case d.router != nil:
			if d == routers[0] {
				err = guard(routers, func() { out = append(out, g.routes()...) })
			}
		case d.cli != nil:
			if d == clis[0] {
				err = guard(clis, func() { out = detect.WithSubcommands(detectView{g}, out) })
			}
		case d.run != nil:
			err = guard([]*Detector{d}, func() { out = append(out, d.run(g)...) })
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

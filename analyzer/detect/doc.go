// Package detect is feature discovery's own code (issue 15): the route
// engine and the value evaluator it shares with the test side, and what
// a route id is and which requests it serves.
//
//   - the view (graph.go: Graph): the symbol graph as the detectors read
//     it, the program's packages and lookups into its nodes, read-only;
//     a detector reports what it finds as a Feature (the report's
//     fields, its roots, entries and registration spans);
//   - the route engine (routers.go: Routes, RouterScan): it follows
//     router values back to their root router through variables, struct
//     fields, closures, parameters and the functions returning routers,
//     composes the prefixes of groups and mounts with the route's path,
//     and makes one Feature per route (routes.go); a router library is a
//     dialect of it (RouterDetector: which calls register, group, mount
//     or use; how the router joins a prefix and a path; its handler
//     type), one file each with its Router (routers_chi.go, _echo,
//     _fiber, _gin, _mux, _nethttp: Chi, Echo, Fiber, Gin, Mux, NetHTTP);
//   - the value evaluator (routers_flow.go: Eval, Str, Bind, Binding):
//     the values a registration is made from, through every call of the
//     function around it, range loops over tables, struct literals and
//     string building; a part known only at run time keeps its place as
//     <expression> (PathVal). The test side evaluates the requests tests
//     send with it, strictly (RouterScan.Strict, Tainted, Hole);
//   - gRPC and Connect (rpc_grpc.go: GRPC, RPCScan): the methods of the
//     services registered on a server or served through a generated
//     Connect handler, read from the generated code (rpc_generated.go),
//     and the services dependencies register for the module
//     (rpc_depregister.go); a detector of its own (a Finder);
//   - commands (commands_main.go: Main, a command per main package) and
//     subcommands (commands_cli.go: the command-tree engine,
//     WithSubcommands, CLIScan), with a dialect per CLI library
//     (CLIDialect; commands_cobra.go: Cobra, commands_urfave.go: Urfave);
//   - the handler a route serves (feature.go: HandlerResolver), and the
//     spans that register it (RegSpan, CallSpan);
//   - route ids (pattern_id.go: RouteID) and the patterns they parse to
//     (pattern.go: Pattern, ParsePattern), with the path syntax of the
//     routers (pattern_router.go): which requests a route serves
//     (Match), which of two routes wins a request both serve
//     (MoreSpecific), a request that reaches it (Example).
//
// The analyzer builds the symbol graph, implements the view
// (analyzer/detect_view.go), lists the detectors (a Router is one of
// them, as are a Finder and a CLI) and keeps, for now, the test side's
// matchers, which use the engines, the dialects, the RPC scan, the
// command trees and the evaluator through this package's API.
// Data flows one way: this package imports nothing of the analyzer and
// nothing of the module but the report contract (TestLayering).
//
// # Soundness
//
// A detector must report every feature it can see: a registration whose
// path, prefix or handler is known only at run time is still a feature,
// its unknown parts kept as <expression> placeholders (or, with no static
// text at all, a dynamic route named by its position), never dropped:
// impact is a may-analysis. Router values are followed without telling
// callers apart, so a function called with two routers registers on
// both (ids over-approximated, none missed).
//
// A matcher credits only what it can evaluate exactly: the test side's
// scan is strict (a variable written other than by a plain assignment is
// not known), a pattern with a placeholder matches no request
// (ParsePattern refuses it), and a path segment in a router's syntax
// that cannot be matched exactly (a regexp that does not compile, a
// fiber constraint) matches no request rather than a guessed one, so
// credit (a must-analysis) never rests on a guess.
//
// A dialect's hook that panics is a bug: Blame tags the panic with the
// dialect (Panic), and the analyzer stops with an error naming its
// detector rather than report a discovery that misses its features.
package detect

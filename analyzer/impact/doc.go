// Package impact is the backward walk from a change to the features it
// reaches: which features are impacted, each with its shortest trace to
// a changed node, the changed declarations each reaches
// (report.Declaration), and the packages whose code reaches a change.
//
//   - the view (Graph, Feature, Changes): the symbol graph, a feature's
//     roots, entries and registration spans, and a change mapped to
//     the graph, read-only;
//   - the walk (Impact): breadth first from the changed nodes along the
//     reversed edges, so that each node learns its shortest way to a
//     change; a command's walk stops at the nodes other features enter
//     by (Stops: route and RPC handlers, other subcommands' run
//     functions), each a feature of its own;
//   - the proof's share (Distances, Touched): the same walk's distances,
//     and the registration span a change touches;
//   - merging the impacts of several builds (Merge).
//
// The analyzer builds the graph and the features, maps the change
// (package changes) and implements the view (analyzer/impact_view.go).
// Data flows one way: this package imports nothing of the analyzer and
// nothing of the module but the report contract (TestLayering).
//
// # Soundness
//
// Impact is a may-analysis and never drops a feature on a guess: a
// feature is impacted when any of its roots reaches a changed node along
// any edge, and the walk never drops an edge (the stop set of a command
// drops nothing: the features it stops at are impacted on their own).
// A change of a registration span (the path, method or middleware of a
// route) impacts the route even when it changes none of its roots. A
// change mapped to a package's init as a whole (NodeInit: a blank
// variable, an init function added or removed, a file outside the
// default build) is a change of start-up: it impacts every feature
// rooted at the start-up node. What the walk cannot place is traced to
// the build file or the package, never left out.
package impact

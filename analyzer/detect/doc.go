// Package detect is feature discovery's own code: what a route id is
// and which requests it serves, and, as issue 15's split goes on, the
// detectors themselves (the route engine and its dialects, gRPC and
// Connect, the CLI libraries), the value evaluator they share with the
// test side, and the test side's matchers.
//
//   - route ids (pattern_id.go: RouteID) and the patterns they parse to
//     (pattern.go: Pattern, ParsePattern), with the path syntax of the
//     routers (pattern_router.go): which requests a route serves
//     (Match), which of two routes wins a request both serve
//     (MoreSpecific), a request that reaches it (Example).
//
// The analyzer builds the symbol graph and runs discovery; it reads this
// package's types through aliases (analyzer/detect_view.go) so its API
// does not change. Data flows one way: this package imports nothing of
// the analyzer and nothing of the module (TestLayering).
//
// # Soundness
//
// A detector must report every feature it can see: a registration whose
// path or handler is known only at run time is still a feature, its
// unknown parts kept as <expression> placeholders, never dropped (impact
// is a may-analysis). A matcher credits only what it can evaluate
// exactly: a pattern with a placeholder matches no request (ParsePattern
// refuses it), and a path segment in a router's syntax that cannot be
// matched exactly (a regexp that does not compile, a fiber constraint)
// matches no request rather than a guessed one, so credit (a
// must-analysis) never rests on a guess.
package detect

// Package analyzer maps a change of a Go module to the user-facing
// features it reaches, and credits the tests that exercise each feature.
//
// It loads the module's packages, builds a graph of its declarations
// (static calls, interface and function-value calls, references to
// types, variables and constants, embedded files), discovers the
// features (HTTP routes, RPC methods, commands and subcommands) with the
// detectors listed in detectors.go, maps the changed lines of a diff to
// changed symbols, walks from each feature's entry to them (impact), and
// credits tests with evidence that they exercise a feature (static,
// request, declared, coverage).
//
// # Parts
//
// The stages run in order, each reading what the one before made:
//
//   - shared AST and type queries: analyzer/astq;
//   - loading (analyzer/load, program.go): the packages, with their
//     syntax and types, and the module's files;
//   - the symbol graph (BuildGraph, graph*.go, walk*.go): a node per
//     declaration, an edge per use;
//   - discovery (Features, features.go, detectors.go and the detectors'
//     files; the detectors themselves (the route engine and the
//     routers' dialects, the value evaluator, gRPC and Connect, main
//     packages and the command-tree engine with the CLI libraries'
//     dialects) and route ids are in package analyzer/detect, which
//     reads the graph through detect_view.go): the features and their
//     roots;
//   - change mapping (MapChanges; package analyzer/changes, read
//     through changes_view.go): a diff to a ChangeSet of changed nodes;
//   - impact (Impact; package analyzer/impact, read through
//     impact_view.go; build.go merges builds): the features a change
//     reaches, each with its shortest trace and the changed
//     declarations it reaches;
//   - evidence (Credit; analyzer/evidence, evidence*.go, credit.go,
//     evidence_view.go): package evidence says which tests go test runs
//     and weighs the evidence (static, request, declared, coverage); the
//     analyzer walks each test, and detect.Matcher (package
//     analyzer/detect) matches its requests, RPCs and command lines
//     through the detectors' dialects;
//   - proof (Prove, proof.go): which credited tests ran the changed code.
//
// # State
//
// The Graph is read-only once BuildGraph returns: every stage after it
// keeps what it computes in state of its own, so stages (and two Credit
// passes) may run at once on one Graph. Features puts what the test side
// needs into the features (the placeholders of route ids, the command
// trees); change mapping keeps its state in the ChangeSet, with the
// AssetRules it is given; the test side keeps its state in a credit, one
// per pass (the tests found, the request evaluator, the values of
// run-time prefixes, the RPCs and command lines each test sends). The
// only writes after build are memos of pure functions, safe for
// concurrent use (memo.go). TestGraphImmutable checks this.
//
// # Soundness
//
// Impact is a may-analysis and never misses: a dynamic call reaches
// every target it may have (each implementation of an interface method,
// each function a value may hold), and code that does not type-check
// falls back to package level, with a warning saying so. Credit is a must-analysis and never
// credits a guess: a test counts for a feature only on evidence. What
// goes wrong fails closed: a detector that panics stops the analysis
// with a *DetectorError (exit 2), since the features it would have found
// are missing and the gate must not pass without them.
//
// # Detectors
//
// A Detector finds the features of one library (chi, gin, grpc, cobra,
// ...): a file of package analyzer/detect declaring it (a detect.Router,
// detect.CLI or detect.Finder) and a line in the detectors list
// (detectors.go); the list generates docs/detectors.md (go generate
// ./analyzer). CONTRIBUTING.md says how to add one.
package analyzer

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
// ...): a file declaring it and a line in the detectors list; the list
// generates docs/detectors.md (go generate ./analyzer). CONTRIBUTING.md
// says how to add one.
package analyzer

// Package evidence is the test side's rules: which tests go test runs,
// which of them count for a feature, and what a test must do to count.
//
//   - the contract: TestRef (a test as go test reports it), Options
//     (declared tests, per-test coverage profiles, which t.Attr count),
//     CoverageProfile, ProfileError;
//   - which tests there are (FindTests, suite.go): the test functions of
//     _test.go files, the methods of the testify suites they run as
//     TestX/TestM with what runs before each, and what runs before every
//     test of a binary (TestMain, test-file variable initializers);
//   - the credit rule (Credit, Ledger): static, request, declared and
//     coverage evidence (Coverage), the strongest kept per test;
//   - the suggestion (Suggest): call the entry, send its router a
//     request, or declare the feature.
//
// The analyzer walks what each test runs (what it reaches, the requests,
// RPCs and command lines it sends, matched through the detectors'
// dialects) and answers the questions this package asks through the
// views it defines (Facts, Extents), with plain data for features and
// tests (Feature, Test, Body). Data flows one way: this package imports
// nothing of the analyzer (TestLayering).
//
// # Soundness
//
// Credit is a must-analysis and never credits a guess: a test counts
// for a feature only on evidence. A test is one go test runs under the
// name it reports; a suite.Run this package cannot resolve statically
// gets no credit and a warning naming its test; a node standing for a
// whole package that does not type-check proves no particular function
// ran; a coverage profile that does not parse is an error, never
// silence. What this package cannot read is no credit or an error,
// never credit.
package evidence

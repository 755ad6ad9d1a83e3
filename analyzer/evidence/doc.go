// Package evidence is the test side of the gate: which tests count for
// a feature, and how the evidence for one is weighed.
//
// It holds the evidence contract (TestRef, Options, CoverageProfile,
// ProfileError), the rule that combines what is found for a feature
// (Ledger: the strongest kind per test), coverage evidence from
// per-test profiles (Coverage), and the rules that name tests the way
// go test does (IsTestName, PackageUnderTest, testify suites in
// suite.go). The analyzer finds the facts (what a test reaches, the
// requests it sends, the command lines it runs) and asks this package
// what they are worth; it reads the symbol graph only through the
// views it defines (Extents), never the analyzer's types: it imports
// no package of the analyzer (TestLayering).
//
// # Soundness
//
// Credit is a must-analysis and never credits a guess: a test counts
// for a feature only on evidence (static, request, declared, coverage),
// and anything this package cannot read (a coverage profile that does
// not parse, a file it cannot place) is an error or no credit, never
// credit. Proof, its counterpart, never proves what did not run.
package evidence

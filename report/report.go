// Package report defines blastgate's output as data: the schema_version 1 JSON
// contract of ../DESIGN.md. The analyzer fills a Report, the gate decides on
// it, and renderers only draw it. Fields may be added; none may change meaning.
package report

import (
	"bytes"
	"encoding/json"
)

// SchemaVersion is the version of the JSON documents this package describes.
const SchemaVersion = 1

// Feature kinds.
const (
	KindRoute    = "route"    // a page or API endpoint on an HTTP router
	KindRPC      = "rpc"      // a gRPC or Connect method registered on a server
	KindCommand  = "command"  // a main package
	KindDeclared = "declared" // a feature named in .blastgate.yaml
)

// Evidence kinds: why a test counts for a feature (DESIGN.md).
const (
	EvidenceStatic   = "static"   // the test reaches the entry through static calls
	EvidenceRequest  = "request"  // the test sends a request matching the route, through the router that registers it
	EvidenceDeclared = "declared" // .blastgate.yaml or t.Attr("feature", ID) says so
	EvidenceCoverage = "coverage" // a coverage profile of the test shows the entry ran
)

// Test results.
const (
	ResultPass   = "pass"
	ResultFail   = "fail"
	ResultSkip   = "skip"
	ResultNotRun = "not-run"
)

// Feature statuses, from check.
const (
	StatusCovered  = "covered"  // a credited test ran and passed
	StatusUntested = "untested" // no credited test exists
	StatusNotRun   = "not-run"  // credited tests exist but none ran
	StatusFailed   = "failed"   // a credited test failed and none passed
	StatusSkipped  = "skipped"  // credited tests were skipped and none passed
	StatusUnproven = "unproven" // credited tests passed but none ran the changed code through the feature
)

// Proof kinds: how a credited test showed that it ran the changed code
// through the feature (DESIGN.md "proof").
const (
	// ProofStatic: a path from the test through the feature's entry to a
	// changed symbol on which every interface call and call through a
	// function value resolves to a type or function the test's own
	// reachable code creates.
	ProofStatic = "static"
	// ProofCoverage: coverage recorded while the test ran shows a changed
	// declaration the feature reaches executed (a changed line of it,
	// under policy proof: lines).
	ProofCoverage = "coverage"
	// ProofNone: neither; the test ran, but not the changed code.
	ProofNone = "none"
)

// Verdicts.
const (
	VerdictPass = "pass"
	VerdictFail = "fail"
)

// Tiers.
const (
	TierCritical = "critical"
	TierStandard = "standard"
)

// Precision of the analysis of one package.
const (
	PrecisionSymbol  = "symbol"  // analysed function by function
	PrecisionPackage = "package" // fell back to the import graph
)

// Report is one run of blastgate: the features of a repository and, for
// impact and check, the change and what it reaches.
type Report struct {
	// SchemaVersion is always SchemaVersion.
	SchemaVersion int `json:"schema_version"`
	// Base and Head are the full commit SHAs compared (impact and check only).
	Base string `json:"base,omitempty"`
	Head string `json:"head,omitempty"`
	// MergeBase is the merge base of Base and Head the diff starts from.
	MergeBase string `json:"merge_base,omitempty"`
	// Features lists every feature (features only).
	Features []Feature `json:"features,omitzero"`
	// Changes lists the changed files and the symbols they map to.
	Changes []Change `json:"changes,omitzero"`
	// Packages lists the packages whose code reaches a changed symbol.
	Packages []Package `json:"packages,omitzero"`
	// Impacted lists the features a changed symbol is reachable from.
	Impacted []Feature `json:"impacted,omitzero"`
	// PolicyChanges are what the change does to the policy, which the
	// gate reads from the base: they apply after it merges (impact and
	// check; present, [] when empty, in a report on a change).
	PolicyChanges []PolicyChange `json:"policy_changes,omitzero"`
	// Unmapped lists the changed files that map to nothing (impact and
	// check): not Go code, not embedded, no package's file, not in the
	// config's assets:. They do not change the verdict; the reports show
	// them so that a file read at run time is never dropped silently.
	Unmapped []Unmapped `json:"unmapped,omitzero"`
	// Warnings are things the user should know that did not stop the run:
	// packages analysed at package level, files that could not be mapped.
	Warnings []string `json:"warnings,omitempty"`
	// Verdict is "pass" or "fail" (check only).
	Verdict string `json:"verdict,omitempty"`
	// NextCommand is the command that runs the tests the gate needs and
	// checks again, ready to copy (a failing check only), e.g.
	// "blastgate run --base main".
	NextCommand string `json:"next_command,omitempty"`
}

// Feature is a unit of user-facing behaviour.
type Feature struct {
	// ID is "METHOD /path" for routes (no method when any is accepted), the
	// command's directory for commands, the configured id for declared ones.
	ID string `json:"id"`
	// Kind is KindRoute, KindCommand or KindDeclared.
	Kind string `json:"kind"`
	// Entry is the function the feature starts at, as
	// "example.com/shop/prepaid.(*Handler).BuyToken", or a package path.
	Entry string `json:"entry"`
	// Position is where the feature is registered or declared.
	Position Position `json:"position"`
	// Owners come from .blastgate.yaml and from the CODEOWNERS rules for
	// the feature's files; Tier from .blastgate.yaml.
	Owners []string `json:"owners,omitempty"`
	Tier   string   `json:"tier,omitempty"`
	// Trace is the shortest call path from the entry to a changed symbol
	// (impacted features only), entry first.
	Trace []Frame `json:"trace,omitzero"`
	// Tests are the tests credited for this feature.
	Tests []Test `json:"tests"`
	// Status is covered, unproven, untested, not-run, failed or skipped
	// (check only).
	Status string `json:"status,omitempty"`
	// Reason says why the status is what it is and what to do (check only).
	Reason string `json:"reason,omitempty"`
	// Suggestion says what test would let the feature pass: where a test
	// belongs (a feature without a credited test) or what would prove the
	// change (an unproven one). In JSON: suggestion, its words, and
	// suggested_tests, its data (see Suggestion).
	Suggestion *Suggestion `json:"suggestion,omitempty"`
	// Waiver is the configured waiver that lets this feature pass.
	Waiver *Waiver `json:"waiver,omitempty"`
	// Monitor is the dashboard to watch after deploy, from configuration.
	Monitor string `json:"monitor,omitempty"`
	// Reaches lists the changed declarations the feature's entry reaches
	// (impacted features only): what a credited test must run to prove
	// the change.
	Reaches []Declaration `json:"reaches,omitempty"`
}

// Declaration is a changed declaration: a function, method, closure,
// type, variable or constant, or what stands for a change that is not Go
// code (a dependency, an embedded file).
type Declaration struct {
	// Symbol is the name Change.Symbols uses for it.
	Symbol string `json:"symbol"`
	// Package is its import path ("" for go.mod and other non-Go changes).
	Package string `json:"package,omitempty"`
	// Position is where it starts; EndLine the last line of it.
	Position Position `json:"position"`
	EndLine  int      `json:"end_line,omitempty"`
	// Code is set for functions, methods and closures: declarations whose
	// statements coverage records, so that a profile can tell they ran.
	Code bool `json:"code,omitempty"`
	// Lines are the changed lines inside it, in the head revision (policy
	// proof: lines).
	Lines []int `json:"lines,omitempty"`
}

// Waiver lets a feature pass the gate without a passing test, until it
// expires.
type Waiver struct {
	Reason string `json:"reason"`
	// Expires is the last day the waiver holds, as YYYY-MM-DD.
	Expires string `json:"expires"`
}

// Position is a place in the repository; File is slash-separated and
// relative to the repository root.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Frame is one step of a trace: a function (or the type, variable or
// constant it uses) and the position of the reference to the next frame; the
// last frame is the changed symbol at its declaration.
type Frame struct {
	Function string   `json:"function"`
	Position Position `json:"position"`
}

// Test is a test credited for a feature.
type Test struct {
	Package  string `json:"package"`
	Name     string `json:"name"`
	Evidence string `json:"evidence"`
	// Result is pass, fail, skip or not-run (check only).
	Result string `json:"result,omitempty"`
	// Flaky is set when the test failed and then passed on a rerun.
	Flaky bool `json:"flaky,omitempty"`
	// Proof is how the test proved the change through the feature:
	// ProofStatic, ProofCoverage or ProofNone (impact and check).
	Proof string `json:"proof,omitempty"`
	// Double is the test double that stood in for the changed code on the
	// way from the feature's entry (static proof none), when the analysis
	// can tell.
	Double *Double `json:"double,omitempty"`
	// NotRan lists the changed declarations the feature reaches that did
	// not run while the test ran (coverage proof none).
	NotRan []string `json:"not_ran,omitempty"`
}

// Double is a type or function a test sets up in place of the real
// implementation of an interface or function value on the way from the
// feature's entry to the change.
type Double struct {
	// Name is the double, as "example.com/shop/prepaid.flatFee".
	Name string `json:"name"`
	// Position is where the test's code creates it (or takes its value).
	Position Position `json:"position"`
	// Instead is the implementation the feature uses in production and
	// the test never creates, as "example.com/shop/billing.(*Service).TokenFee".
	Instead string `json:"instead"`
	// Call is the interface method or function-value call the double
	// answers, as "example.com/shop/prepaid.FeeCalculator.TokenFee".
	Call string `json:"call,omitempty"`
}

// Change is one changed file and the symbols its changed lines map to.
type Change struct {
	File    string   `json:"file"`
	Symbols []string `json:"symbols"`
	// Note says why a file maps to no symbol ("test file", "not embedded").
	Note string `json:"note,omitempty"`
}

// Unmapped is a changed file that maps to no symbol and no feature, and
// why.
type Unmapped struct {
	File string `json:"file"`
	Why  string `json:"why"`
}

// Package is a package whose code reaches a changed symbol.
type Package struct {
	Path      string `json:"path"`
	Precision string `json:"precision"`
}

// MarshalJSON writes r with every array DESIGN.md shows present, as []
// when empty, never null or missing: features (and each feature's tests)
// in a features report; changes (and their symbols), packages, unmapped and
// impacted (and each feature's trace and tests) in a report on a change
// (impact and check: one with a base, head or verdict). Other fields follow
// their tags. HTML characters are not escaped (route ids and file names are
// data). r itself is not modified.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method
	p := plain(r)
	if r.Base != "" || r.Head != "" || r.Verdict != "" {
		p.Changes = make([]Change, len(r.Changes))
		for i, c := range r.Changes {
			c.Symbols = nonNil(c.Symbols)
			p.Changes[i] = c
		}
		p.Packages = nonNil(r.Packages)
		p.PolicyChanges = nonNil(r.PolicyChanges)
		p.Unmapped = nonNil(r.Unmapped)
		p.Impacted = make([]Feature, len(r.Impacted))
		for i, f := range r.Impacted {
			f.Trace = nonNil(f.Trace)
			f.Tests = nonNil(f.Tests)
			p.Impacted[i] = f
		}
	} else {
		p.Features = make([]Feature, len(r.Features))
		for i, f := range r.Features {
			f.Tests = nonNil(f.Tests)
			p.Features[i] = f
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

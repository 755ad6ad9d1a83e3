package report

import (
	"bytes"
	"encoding/json"
)

// Suspects is the report of `blastgate suspects`: the commits of a
// first-parent history whose change reaches a feature, newest first.
type Suspects struct {
	SchemaVersion int `json:"schema_version"`
	// Query is the feature id or the request as given.
	Query string `json:"query"`
	// Feature is the feature the query names at Until: the first of
	// Features (several routes may serve a request).
	Feature SuspectFeature `json:"feature"`
	// Features are every feature the query names at Until.
	Features []SuspectFeature `json:"features"`
	// Since (exclusive) and Until are the full commit SHAs walked.
	Since string `json:"since"`
	Until string `json:"until"`
	// Suspects are the commits whose change reaches a feature the query
	// names at that commit, newest first; one entry per commit and
	// feature.
	Suspects []Suspect `json:"suspects"`
	// NotAnalysed are the commits that could not be analysed, with why:
	// any of them may be a suspect too.
	NotAnalysed []NotAnalysed `json:"not_analysed"`
	// Commits is every commit walked, newest first, with what was
	// decided of it: none is dropped silently.
	Commits []WalkedCommit `json:"commits"`
	// Warnings are things the user should know that did not stop the run.
	Warnings []string `json:"warnings,omitempty"`
}

// SuspectFeature names a feature.
type SuspectFeature struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Entry    string   `json:"entry"`
	Position Position `json:"position"`
}

// Suspect is a commit whose change reaches the feature.
type Suspect struct {
	Commit  string `json:"commit"`
	Subject string `json:"subject"`
	Author  string `json:"author"`
	// Date is the author date, strict ISO 8601.
	Date string `json:"date"`
	// Feature is the feature reached, as it was at this commit.
	Feature SuspectFeature `json:"feature"`
	// Changes are the changed files and symbols of the commit.
	Changes []Change `json:"changes"`
	// Trace is the shortest call path from the feature's entry to a
	// changed symbol, entry first.
	Trace []Frame `json:"trace"`
	// PullRequest is the pull request that merged the commit, when
	// GitHub was asked (GITHUB_TOKEN and GITHUB_REPOSITORY set).
	PullRequest *PullRequest `json:"pull_request,omitempty"`
	// Warnings are the analysis's warnings on this commit's change:
	// packages analysed at package level, say.
	Warnings []string `json:"warnings,omitempty"`
}

// PullRequest is a GitHub pull request.
type PullRequest struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	URL    string `json:"url"`
}

// NotAnalysed is a commit whose change could not be analysed.
type NotAnalysed struct {
	Commit  string `json:"commit"`
	Subject string `json:"subject"`
	Author  string `json:"author"`
	Date    string `json:"date"`
	Reason  string `json:"reason"`
}

// Outcomes of a walked commit.
const (
	OutcomeSuspect     = "suspect"      // its change reaches the feature
	OutcomeClear       = "clear"        // analysed: its change does not reach the feature
	OutcomeNoCode      = "no-code"      // decided without loading: no changed file can map to code
	OutcomeNotAnalysed = "not-analysed" // see NotAnalysed
)

// WalkedCommit is one commit of the walk and what was decided of it.
type WalkedCommit struct {
	Commit  string `json:"commit"`
	Subject string `json:"subject"`
	Outcome string `json:"outcome"`
	// Why says what decided it: for a commit analysed, the first changed
	// file that may map to code.
	Why string `json:"why,omitempty"`
}

// MarshalJSON writes s with every array present, [] when empty.
func (s Suspects) MarshalJSON() ([]byte, error) {
	type plain Suspects
	p := plain(s)
	p.Features = nonNil(s.Features)
	p.NotAnalysed = nonNil(s.NotAnalysed)
	p.Commits = nonNil(s.Commits)
	p.Suspects = make([]Suspect, len(s.Suspects))
	for i, x := range s.Suspects {
		x.Trace = nonNil(x.Trace)
		x.Changes = make([]Change, len(s.Suspects[i].Changes))
		for j, c := range s.Suspects[i].Changes {
			c.Symbols = nonNil(c.Symbols)
			x.Changes[j] = c
		}
		p.Suspects[i] = x
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

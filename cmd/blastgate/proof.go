package main

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/tools/cover"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/gate"
)

// readProfile reads a go test -coverprofile file; an empty or unreadable
// one is an *analyzer.ProfileError, as the evidence step reports it.
func readProfile(path string) ([]*cover.Profile, error) {
	ps, err := cover.ParseProfiles(path)
	if err == nil && len(ps) == 0 {
		// go test -coverprofile always writes a mode line.
		if fi, statErr := os.Stat(path); statErr == nil && fi.Size() == 0 {
			err = errors.New("the file is empty")
		}
	}
	if err != nil {
		return nil, &analyzer.ProfileError{Path: path, Err: err}
	}
	return ps, nil
}

// applyProfiles gives the report the proof that check --coverage's
// per-test profiles show: each profile was recorded while only its test
// ran, so it proves (or disproves) the change for that test.
func (c *change) applyProfiles(coverage coverageFlag) error {
	var cov []gate.TestCoverage
	for _, cp := range coverage {
		ps, err := readProfile(cp.Path)
		if err != nil {
			return fmt.Errorf("--coverage: %w", err)
		}
		cov = append(cov, gate.TestCoverage{Package: cp.Test.Package, Name: cp.Test.Name, Profiles: ps})
	}
	gate.ApplyCoverage(c.report, cov, c.policy())
	return nil
}

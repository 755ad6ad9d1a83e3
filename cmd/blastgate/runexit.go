package main

import "github.com/blastgate/blastgate/results"

// checkGoTestExit fails closed on a go test run that exited non-zero
// (exitCode -1: killed by a signal) while the go test -json output it
// wrote to path shows no failure: no failed test, package or build. A
// gate reading only the events would pass on it. Output that cannot be
// read is left for the caller's own reading to report.
func checkGoTestExit(path string, exitCode int) error {
	set, err := results.ReadFiles(path)
	if err != nil {
		return nil
	}
	return set.CheckExit(exitCode)
}

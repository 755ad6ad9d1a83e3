package results

// combine decides a test's (or a package's) result from its runs, in
// reading order. Within one stream (one file: one go test run, with its
// -count and gotestsum --rerun-fails reruns) the last run decides, and a
// pass after a fail is flaky; in a JUnit file, whose cases are grouped by
// outcome rather than by run, a failure decides. Across streams (shards,
// a matrix of platforms) nothing orders the runs: any stream's failure
// fails the test, else a pass passes it, else it skipped.
func combine(runs []run) (result string, flaky bool) {
	rank := map[string]int{Skip: 1, Pass: 2, Fail: 3}
	for _, sr := range streamResults(runs) {
		if rank[sr.result] > rank[result] {
			result = sr.result
		}
		flaky = flaky || sr.flaky
	}
	return result, flaky
}

// streamResult is the outcome of a test in one stream.
type streamResult struct {
	result string
	flaky  bool
}

// streamResults returns the outcome of the runs in each stream, in the
// order the streams were read.
func streamResults(runs []run) []streamResult {
	var order []int
	byStream := map[int][]run{}
	for _, r := range runs {
		if _, ok := byStream[r.stream]; !ok {
			order = append(order, r.stream)
		}
		byStream[r.stream] = append(byStream[r.stream], r)
	}
	out := make([]streamResult, 0, len(order))
	for _, id := range order {
		out = append(out, lastRun(byStream[id]))
	}
	return out
}

// lastRun is the outcome of one stream's runs: the last one decides, a
// pass after a failure is flaky, and an unordered (JUnit) failure decides.
func lastRun(runs []run) streamResult {
	failed, passed, unordered := false, false, false
	var sr streamResult
	for _, r := range runs {
		unordered = unordered || r.unordered
		switch r.result {
		case Fail:
			failed = true
		case Pass:
			passed = true
			sr.flaky = sr.flaky || failed
		}
	}
	sr.result = runs[len(runs)-1].result
	if failed && unordered {
		// Which JUnit run came last is unknown: a failure decides
		// (fail closed).
		sr.result, sr.flaky = Fail, passed
	}
	return sr
}

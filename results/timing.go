package results

import (
	"fmt"
	"time"
)

// clockSkew is how far past the reader's clock an event may be dated:
// the machines that ran the tests and that check them may disagree by a
// little, never by more.
const clockSkew = 5 * time.Minute

// now is the reader's clock (tests set it).
var now = time.Now

// timing records where the first terminal go test -json events with and
// without a Time were read, across every stream of a Set: go test -json
// dates every event, so results that mix dated and undated terminal
// events are not what one real run wrote (an event added by hand).
type timing struct {
	timed, untimed string // "FILE:LINE", "" when none was read yet
	// reported marks the streams whose mix was already reported, so a
	// file of undated events is one problem, not one per line.
	reported map[int]bool
}

// checkTime fails on an event dated beyond the clock skew in the future.
func checkTime(where string, t time.Time) error {
	if limit := now().Add(clockSkew); t.After(limit) {
		return fmt.Errorf("%s: event dated %s, in the future (the clock says %s): these are not the results of a real run; rerun the tests", where, t.Format(time.RFC3339), now().UTC().Format(time.RFC3339))
	}
	return nil
}

// terminal records a terminal event read at where (in stream) and fails
// when it is dated and an earlier one was not, or the other way round.
func (tm *timing) terminal(stream int, where string, dated bool) error {
	other := tm.untimed
	if dated {
		if tm.timed == "" {
			tm.timed = where
		}
	} else {
		other = tm.timed
		if tm.untimed == "" {
			tm.untimed = where
		}
	}
	if other == "" || tm.reported[stream] {
		return nil
	}
	if tm.reported == nil {
		tm.reported = map[int]bool{}
	}
	tm.reported[stream] = true
	if dated {
		return fmt.Errorf("%s: a dated result, while %s has none: go test -json dates every event, so these results mix real output with hand-written events; rerun the tests and pass only their output", where, other)
	}
	return fmt.Errorf("%s: a result without a Time, while %s has one: go test -json dates every event, so these results mix real output with hand-written events; rerun the tests and pass only their output", where, other)
}

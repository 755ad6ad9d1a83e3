package results

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// event is one go test -json (test2json) event. Being comparable, it is
// also the key that de-duplicates events.
type event struct {
	Time        string
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
	ImportPath  string
	Key         string
	Value       string
}

// notePrefixes start the lines of go command output (normally on stderr)
// that may be merged into go test -json output.
var notePrefixes = []string{"#", "FAIL", "ok ", "?", "go: "}

func isNote(line string) bool {
	for _, p := range notePrefixes {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// jsonStream is the state of reading one go test -json stream.
type jsonStream struct {
	name       string
	events     int
	hasTests   map[string]bool   // packages with test events in this stream
	failOutput map[string]bool   // packages with "FAIL pkg [build failed]" output
	noteErrors map[string]string // package -> first error line after its "# pkg" note
	notePkg    string            // the package of the "# pkg" note block being read
	inNotes    bool              // the previous line was part of a "# pkg" note block
	started    map[string]bool   // packages with a "start" event in this stream
	ended      map[string]bool   // packages with a package-level result in this stream
}

// readJSON reads go test -json output; line is the number of the first
// line in br.
func (s *Set) readJSON(name string, br *bufio.Reader, line int) error {
	st := &jsonStream{
		name:       name,
		hasTests:   map[string]bool{},
		failOutput: map[string]bool{},
		noteErrors: map[string]string{},
		started:    map[string]bool{},
		ended:      map[string]bool{},
	}
	var errs problemList
	for ; ; line++ {
		text, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			errs.add(fmt.Errorf("reading %s: %w", name, err))
			return errs.err()
		}
		complete := strings.HasSuffix(text, "\n")
		if text != "" {
			// Every bad line is reported, not only the first.
			errs.add(s.jsonLine(st, line, text, complete))
		}
		if err != nil { // io.EOF
			break
		}
	}
	if st.events == 0 && errs.all == nil {
		return fmt.Errorf("%s has no go test -json events, only go command output: run go test with -json and pass its standard output", name)
	}
	s.cutShort(st)
	return errs.err()
}

// jsonLine reads one line of go test -json output.
func (s *Set) jsonLine(st *jsonStream, line int, text string, complete bool) error {
	trimmed := strings.TrimRight(text, "\r\n")
	if strings.TrimSpace(trimmed) == "" {
		return nil
	}
	var e event
	err := errNotObject
	// An event indented by blanks is still an event: read as a note
	// after a "# pkg" line, a fail would be lost.
	if body := strings.TrimSpace(trimmed); strings.HasPrefix(body, "{") {
		err = json.Unmarshal([]byte(body), &e)
		if err == nil && e.Action == "" {
			err = errors.New("no Action")
		}
	}
	if err == nil {
		st.inNotes = false
		return s.jsonEvent(st, e, line)
	}
	if !complete {
		return fmt.Errorf("%s:%d: truncated go test -json event (was the run killed?): rerun the tests", st.name, line)
	}
	if trimmed[0] != '{' && (isNote(trimmed) || st.inNotes) {
		s.note(st, line, trimmed)
		return nil
	}
	return fmt.Errorf("%s:%d: not a go test -json event: %s (%v)", st.name, line, quote(trimmed), err)
}

var errNotObject = errors.New("not a JSON object")

// note records a line of go command output. A "# pkg" line starts a block
// of build output: the lines after it, up to the next event, belong to it.
func (s *Set) note(st *jsonStream, line int, text string) {
	s.Notes = append(s.Notes, fmt.Sprintf("%s:%d: %s", st.name, line, text))
	if strings.HasPrefix(text, "#") {
		st.inNotes = true
		st.notePkg = importPathPackage(strings.TrimSpace(strings.TrimPrefix(text, "#")))
		return
	}
	if st.inNotes && st.noteErrors[st.notePkg] == "" {
		st.noteErrors[st.notePkg] = firstErrorLine(text)
	}
}

// jsonEvent applies one event.
func (s *Set) jsonEvent(st *jsonStream, e event, line int) error {
	st.events++
	st.track(e)
	var t time.Time
	if e.Time != "" {
		var err error
		if t, err = time.Parse(time.RFC3339Nano, e.Time); err != nil {
			return fmt.Errorf("%s:%d: not a go test -json event: bad Time %s", st.name, line, quote(e.Time))
		}
		if err := checkTime(fmt.Sprintf("%s:%d", st.name, line), t); err != nil {
			return err
		}
		// A terminal event seen before comes from an overlapping shard or
		// a file given twice. (Other events are harmless to repeat.)
		if e.Action == Pass || e.Action == Fail || e.Action == Skip {
			if s.seen[e] {
				return nil
			}
			s.seen[e] = true
		}
	}

	if e.Action == Pass || e.Action == Fail || e.Action == Skip {
		if err := s.timing.terminal(s.stream, fmt.Sprintf("%s:%d", st.name, line), e.Time != ""); err != nil {
			return err
		}
	}

	// Go 1.24+ build events have an ImportPath and no Package.
	switch e.Action {
	case "build-output":
		if s.buildErrors[e.ImportPath] == "" {
			s.buildErrors[e.ImportPath] = firstErrorLine(e.Output)
		}
		s.mention(importPathPackage(e.ImportPath))
		return nil
	case "build-fail":
		s.buildFailed(importPathPackage(e.ImportPath), s.buildErrors[e.ImportPath])
		return nil
	}

	s.mention(e.Package)
	k := Key{e.Package, e.Test}
	if e.Test != "" {
		st.hasTests[e.Package] = true
	}
	switch e.Action {
	case "output":
		if e.Test != "" && strings.Contains(e.Output, "panic: ") {
			s.panicked[k] = true
		}
		if e.Test == "" && strings.HasPrefix(e.Output, "FAIL") && isBuildFailure(e.Output) {
			st.failOutput[e.Package] = true
		}
	case Pass, Skip:
		s.addRun(k, e.Action, t)
	case Fail:
		s.addRun(k, e.Action, t)
		if e.Test != "" {
			break
		}
		if e.FailedBuild != "" {
			s.buildFailed(e.Package, s.buildErrors[e.FailedBuild])
		} else if st.failOutput[e.Package] && !st.hasTests[e.Package] {
			// GODEBUG=gotestjsonbuildtext=1: the build failure shows
			// only as the package's "FAIL pkg [build failed]" output.
			s.buildFailed(e.Package, st.noteErrors[e.Package])
		}
	case "start", "run", "pause", "cont", "bench", "attr", "artifacts":
		// Not results.
	default:
		// Actions of future Go versions are not results either.
	}
	return nil
}

// importPathPackage returns the package of a build ImportPath such as
// "m/b [m/b.test]".
func importPathPackage(importPath string) string {
	if i := strings.Index(importPath, " ["); i >= 0 {
		return importPath[:i]
	}
	return importPath
}

// quote quotes a line for a message, shortened.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

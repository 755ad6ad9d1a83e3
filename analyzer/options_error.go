package analyzer

import "fmt"

// OptionError is an Options field Analyze cannot use: a revision git
// does not know, a directory outside the repository, a coverage profile
// that cannot be read. Field names the field (Base, Head, Dir,
// Coverage), so that a caller can say which of its own inputs was wrong
// (cmd/blastgate names the flag).
type OptionError struct {
	Field string
	Err   error
}

func (e *OptionError) Error() string { return fmt.Sprintf("Options.%s: %v", e.Field, e.Err) }

func (e *OptionError) Unwrap() error { return e.Err }

func optionError(field string, err error) error { return &OptionError{Field: field, Err: err} }

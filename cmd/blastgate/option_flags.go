package main

import (
	"errors"
	"fmt"

	"github.com/blastgate/blastgate/analyzer"
)

// optionFlags are the flags that set each analyzer.Options field.
var optionFlags = map[string]string{
	"Base":     "--base",
	"Head":     "--head",
	"Dir":      "-C",
	"Coverage": "--coverage",
}

// optionFlagError says which flag an analyzer.OptionError is about: the
// analyzer names its Options field, the user typed a flag.
func optionFlagError(err error) error {
	var oe *analyzer.OptionError
	if !errors.As(err, &oe) {
		return err
	}
	flag, ok := optionFlags[oe.Field]
	if !ok {
		return err
	}
	return fmt.Errorf("%s: %w", flag, oe.Err)
}

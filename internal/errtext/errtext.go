// Package errtext holds the two ways snekomatic shortens an error for a
// person: onto one line, and without the operation and path the caller's
// own message already names. Standard library only, so that every package
// (the state, the configuration, the transports, the command line) uses
// the same copy.
package errtext

import (
	"errors"
	"io/fs"
	"strings"
)

// OneLine folds runs of white space, newlines included, into one space, so
// that a message from elsewhere (a library, GitHub, a decoder) keeps the
// one-line rule of snekomatic's errors.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// PathCause is the cause inside an *fs.PathError ("no such file or
// directory"), for messages that name the file themselves; any other error
// is returned as it is.
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

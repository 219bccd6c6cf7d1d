package reconcile

import "errors"

// TerminalError is a failure that trying again will not cure: the
// configuration or the credentials must change first (a team deleted
// since it was configured, a token revoked, a permission missing). Like
// controller-runtime's TerminalError, the type says so, so that the CLI
// can report and exit on it differently. Every other error of this
// package is transient (an outage, a rate limit, a lost answer): the next
// run may well succeed, and the people concerned wait in the queue.
type TerminalError struct {
	Err error
}

func (e *TerminalError) Error() string { return e.Err.Error() }
func (e *TerminalError) Unwrap() error { return e.Err }

// Terminal wraps err as a TerminalError (nil stays nil).
func Terminal(err error) error {
	if err == nil {
		return nil
	}
	var t *TerminalError
	if errors.As(err, &t) {
		return err
	}
	return &TerminalError{Err: err}
}

// IsTerminal reports whether err, or any error it wraps, is terminal.
func IsTerminal(err error) bool {
	var t *TerminalError
	return errors.As(err, &t)
}

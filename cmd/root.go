package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/ghtransport"
)

// Deps is what commands take from the outside world. Tests replace it.
type Deps struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// Transport is the base HTTP transport; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Resilience, if set, adjusts how requests are retried and wait on rate
	// limits (tests shorten timeouts and replace sleeping).
	Resilience func(*ghtransport.Options)
}

// SystemDeps are the real process's.
func SystemDeps() *Deps {
	return &Deps{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
}

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// UsageError is a mistake in how the command was called.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error { return &UsageError{fmt.Errorf(format, args...)} }

// SilentError carries an exit code for a failure that has already been
// reported in full (for example in the run report).
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// NewRootCmd assembles the command tree.
func NewRootCmd(d *Deps) *cobra.Command {
	root := &cobra.Command{
		Use:           "snekomatic",
		Short:         "Invite the authors of merged pull requests to join their GitHub organization",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(d.Stdout)
	root.SetErr(d.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{err} })
	root.AddCommand(NewCmdReconcile(d, nil), NewCmdDoctor(d, nil), NewCmdState(d))
	addVersion(root, d)
	return root
}

// Main runs the command line and returns the exit code. It is the one place
// that maps errors to exit codes and prints them.
func Main(ctx context.Context, args []string, d *Deps) int {
	root := NewRootCmd(d)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var silent *SilentError
	if errors.As(err, &silent) {
		return silent.Code
	}
	fmt.Fprintf(d.Stderr, "snekomatic: %s\n", oneLine(err.Error()))
	var usage *UsageError
	if errors.As(err, &usage) || isCobraUsage(err) {
		return ExitUsage
	}
	return ExitError
}

// isCobraUsage recognises the errors cobra makes itself for an unknown
// command or a wrong number of arguments, which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "accepts ") ||
		strings.HasPrefix(msg, "requires at least") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// newLogger writes logs to stderr: text for a person, JSON under GitHub
// Actions where logs are read by tools.
func newLogger(d *Deps) *slog.Logger {
	if d.Getenv("GITHUB_ACTIONS") == "true" {
		return slog.New(slog.NewJSONHandler(d.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(d.Stderr, nil))
}

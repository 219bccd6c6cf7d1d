package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/python-trio/snekomatic/internal/ghactions"
	"github.com/python-trio/snekomatic/report"
)

// Exit codes: package report decides them (report.Explain); these are its
// names here.
const (
	ExitOK          = report.ExitOK
	ExitError       = report.ExitError
	ExitUsage       = report.ExitUsage
	ExitAuth        = report.ExitAuth
	ExitInterrupted = report.ExitInterrupted
)

// exitCodesHelp is the table --help and the README show.
const exitCodesHelp = `Exit codes:
  0    success
  1    a failure in at least one organization (the others still finish and save)
  2    usage or configuration error (nothing was sent)
  4    no credentials, or GitHub refused them
  130  interrupted (Ctrl-C or SIGTERM): what was done is saved`

// UsageError is a mistake in how the command was called.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error { return &UsageError{fmt.Errorf(format, args...)} }

// SilentError carries an exit code for a failure that has already been
// reported in full (for example in the run report).
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// CredentialsError means there are no credentials, or GitHub refused them.
type CredentialsError = report.CredentialsError

// failure is one error, said once, in words a person can act on.
type failure = report.Failure

// explain words err (report.Explain) for how a, which may be nil,
// authenticated; watch knows whether GitHub refused the token.
func explain(ctx context.Context, err error, org string, a *AuthOptions, watch report.Refusals) failure {
	return report.Explain(ctx, err, org, authWords(a, watch))
}

// authWords is what report.Explain needs of a.
func authWords(a *AuthOptions, watch report.Refusals) report.Auth {
	w := report.Auth{Watch: watch}
	if a != nil {
		w.App, w.TokenVar = a.Mode == ModeApp, a.TokenVar
		if a.Mode != ModeToken {
			w.Watch = nil
		}
	}
	return w
}

// printFailure says one failure, once, on stderr: "snekomatic: org: what
// is wrong: what to do". Under GitHub Actions the same line is an ::error
// annotation, which the log shows in place and the run's page lists.
func printFailure(d *Deps, f failure) {
	if inActions(d) {
		title := "snekomatic"
		if f.Org != "" {
			title += ": " + f.Org
		}
		ghactions.Error(d.Stderr, title, f.Msg)
		return
	}
	fmt.Fprintf(d.Stderr, "snekomatic: %s\n", f.Line())
}

// describe words err as explain does, and a mistake in how the command
// was called as itself (exit 2).
func describe(ctx context.Context, err error, org string, a *AuthOptions, watch report.Refusals) failure {
	var usage *UsageError
	if errors.As(err, &usage) {
		return failure{Org: org, Msg: errtext.OneLine(err.Error()), Code: ExitUsage}
	}
	return explain(ctx, err, org, a, watch)
}

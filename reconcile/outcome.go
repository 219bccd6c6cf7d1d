package reconcile

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/python-trio/snekomatic/state"
)

// answerKind sorts the client's answer to one invitation (inviteOnce's
// error: nil when an invitation of ours is out). The kinds are tried in
// this order, so an error that wraps two sentinels is the earlier kind.
type answerKind int

const (
	answerInvited         answerKind = iota // nil: the invitation is out
	answerAlreadyMember                     // ErrAlreadyMember
	answerAlreadyInvited                    // ErrAlreadyInvited
	answerUnknownInvitee                    // ErrNoSuchUser: GET /user/{id} decides
	answerInvitationLimit                   // ErrInvitationLimit
	answerNotSent                           // ErrNotSent: the run is stopping
	answerMaybeSent                         // ErrMaybeSent, still unsure after looking
	answerTerminal                          // a TerminalError
	answerFailed                            // anything else: transient
)

func kindOf(err error) answerKind {
	switch {
	case err == nil:
		return answerInvited
	case errors.Is(err, ErrAlreadyMember):
		return answerAlreadyMember
	case errors.Is(err, ErrAlreadyInvited):
		return answerAlreadyInvited
	case errors.Is(err, ErrNoSuchUser):
		return answerUnknownInvitee
	case errors.Is(err, ErrInvitationLimit):
		return answerInvitationLimit
	case errors.Is(err, ErrNotSent):
		return answerNotSent
	case errors.Is(err, ErrMaybeSent):
		return answerMaybeSent
	case IsTerminal(err):
		return answerTerminal
	}
	return answerFailed
}

// answer is everything an invitation's outcome is decided from: the
// client's answer (Err; nil when the invitation is out) and what was
// read after it, which orgRun.send gathers: for an invitee refused as
// unknown, whether GET /user/{id} found the account gone (Gone) or failed
// (LookupErr); for a refusal of the teams, Err already names the team
// that is gone (teamGoneError).
type answer struct {
	Err       error
	Gone      bool
	LookupErr error
}

// outcome is what becomes of one invitation.
type outcome struct {
	// Status is recorded in the state, with Note as its reason; "" leaves
	// the person "inviting", so that the next run looks before sending.
	Status state.Status
	Note   string
	// Action is the report's list (actSkip: Skipped), with Reason.
	Action Action
	Reason string
	// Err is one of the run's errors (nil: none); Terminal says it stops
	// every later change in the organization.
	Err      error
	Terminal bool
	// Limit, when set, is why every later invitation of the run waits in
	// the queue.
	Limit string
	// Invited: the invitation is out; the welcome comes next.
	Invited bool
	// Log says what to log about it, at Level; "" logs nothing (a
	// terminal failure is logged once, when it stops the organization).
	Log   string
	Level slog.Level
}

// actSkip puts a person in the report's Skipped list. It is no action of
// a plan, only of an invitation's outcome.
const actSkip Action = "skip"

// The reasons for waiting that more than one place gives.
const (
	reasonInterrupted = "the run was interrupted"
	reasonLimit       = "GitHub's invitation limit for the organization was reached"
)

// decideInvitation is the outcome of inviting d, from GitHub's answer. It
// is pure: every request behind it is made before (orgRun.send), every
// write after (orgRun.inviteOne).
func decideInvitation(d Decision, a answer) outcome {
	queued := func(reason string) outcome {
		return outcome{Status: state.Queued, Note: reason, Action: ActQueue, Reason: reason}
	}
	failed := func(o outcome, msg string) outcome {
		o.Err, o.Log, o.Level = fmt.Errorf("invite %s: %w", d.Login, a.Err), msg, slog.LevelError
		return o
	}
	switch kindOf(a.Err) {
	case answerInvited:
		return outcome{Status: state.Invited, Action: ActInvite, Reason: d.Reason, Invited: true, Log: "invited", Level: slog.LevelInfo}
	case answerAlreadyMember:
		return outcome{Status: state.Member, Action: ActRecordMember, Reason: "already a member (GitHub refused the invitation)"}
	case answerAlreadyInvited:
		return outcome{Status: state.Pending, Action: ActRecordPending, Reason: "already has a pending invitation (GitHub refused the invitation)"}
	case answerUnknownInvitee:
		return unknownInvitee(d, a)
	case answerInvitationLimit:
		o := queued(reasonLimit)
		o.Limit, o.Log, o.Level = reasonLimit, "invitation limit reached; the rest wait for a later run", slog.LevelWarn
		return o
	case answerNotSent:
		// Stopped before it went: queued, as is the rest.
		o := queued(reasonInterrupted)
		o.Limit = reasonInterrupted
		return o
	case answerMaybeSent:
		// Still unknown after looking: stays "inviting", so that the next
		// run looks again before sending.
		return failed(outcome{Action: ActKeepUnsure, Reason: "invitation may not have arrived; the next run checks: " + a.Err.Error()},
			"invitation outcome unknown")
	case answerTerminal:
		o := queued("not sent: " + stopReason(a.Err))
		o.Err, o.Terminal = fmt.Errorf("invite %s: %w", d.Login, a.Err), true
		return o
	}
	return failed(queued("invitation failed: "+a.Err.Error()), "invitation failed")
}

// unknownInvitee is the outcome of an invitee GitHub refused as unknown:
// final only on positive evidence that the account is gone.
func unknownInvitee(d Decision, a answer) outcome {
	if a.LookupErr == nil && a.Gone {
		const reason = "the account no longer exists"
		return outcome{Status: state.Skipped, Note: reason, Action: actSkip, Reason: reason}
	}
	reason := "GitHub refused the invitee, and the account "
	if a.LookupErr != nil {
		reason += "could not be looked up: " + a.LookupErr.Error()
	} else {
		reason += "still exists: " + a.Err.Error()
	}
	return outcome{Status: state.Queued, Note: reason, Action: ActQueue, Reason: reason,
		Err: fmt.Errorf("invite %s: %s", d.Login, reason), Log: "invitation refused", Level: slog.LevelError}
}

// stopReason is the short form of a terminal failure for the people it
// leaves waiting.
func stopReason(err error) string {
	switch {
	case errors.Is(err, ErrCredentialsRefused):
		return "GitHub refused the credentials (401)"
	case errors.Is(err, ErrForbidden):
		return "GitHub refused the request (403)"
	case errors.Is(err, ErrTeamRefused):
		return "a configured team no longer exists"
	}
	return "the organization's run stopped on an error"
}

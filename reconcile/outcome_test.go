package reconcile

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/python-trio/snekomatic/state"
)

// TestDecideInvitation walks every kind of answer an invitation can get,
// wrapped as the client wraps them, to the outcome it must have.
func TestDecideInvitation(t *testing.T) {
	d := Decision{Candidate: Candidate{ID: 10, Login: "alice"}, Action: ActInvite, Reason: "renewed: expired long ago"}
	wrap := func(sentinel error, msg string) error { return fmt.Errorf("%w: %s", sentinel, msg) }
	term := func(sentinel error, msg string) error { return Terminal(wrap(sentinel, msg)) }
	const limit = "GitHub's invitation limit for the organization was reached"
	tests := []struct {
		name string
		a    answer
		want outcome
		// wantErr is a substring of the outcome's error ("" for none).
		wantErr string
	}{
		{name: "invited", a: answer{},
			want: outcome{Status: state.Invited, Action: ActInvite, Reason: "renewed: expired long ago", Invited: true}},
		{name: "already a member", a: answer{Err: wrap(ErrAlreadyMember, "422")},
			want: outcome{Status: state.Member, Action: ActRecordMember, Reason: "already a member (GitHub refused the invitation)"}},
		{name: "already invited", a: answer{Err: wrap(ErrAlreadyInvited, "422")},
			want: outcome{Status: state.Pending, Action: ActRecordPending, Reason: "already has a pending invitation (GitHub refused the invitation)"}},
		{name: "unknown invitee, account gone", a: answer{Err: wrap(ErrNoSuchUser, "404"), Gone: true},
			want: outcome{Status: state.Skipped, Note: "the account no longer exists", Action: actSkip, Reason: "the account no longer exists"}},
		{name: "unknown invitee, account still there", a: answer{Err: wrap(ErrNoSuchUser, "404")},
			want: outcome{Status: state.Queued, Note: "GitHub refused the invitee, and the account still exists: no such user: 404",
				Action: ActQueue, Reason: "GitHub refused the invitee, and the account still exists: no such user: 404"},
			wantErr: "invite alice: GitHub refused the invitee, and the account still exists"},
		{name: "unknown invitee, the look-up failed", a: answer{Err: wrap(ErrNoSuchUser, "404"), Gone: true, LookupErr: errors.New("502")},
			want: outcome{Status: state.Queued, Note: "GitHub refused the invitee, and the account could not be looked up: 502",
				Action: ActQueue, Reason: "GitHub refused the invitee, and the account could not be looked up: 502"},
			wantErr: "could not be looked up: 502"},
		{name: "invitation limit", a: answer{Err: wrap(ErrInvitationLimit, "422")},
			want: outcome{Status: state.Queued, Note: limit, Action: ActQueue, Reason: limit, Limit: limit}},
		{name: "not sent: the run is stopping", a: answer{Err: wrap(ErrNotSent, "context canceled")},
			want: outcome{Status: state.Queued, Note: "the run was interrupted", Action: ActQueue, Reason: "the run was interrupted",
				Limit: "the run was interrupted"}},
		{name: "maybe sent: stays inviting", a: answer{Err: wrap(ErrMaybeSent, "502")},
			want:    outcome{Action: ActKeepUnsure, Reason: "invitation may not have arrived; the next run checks: the request may have been carried out: 502"},
			wantErr: "invite alice: the request may have been carried out: 502"},
		{name: "credentials refused", a: answer{Err: term(ErrCredentialsRefused, "401")},
			want: outcome{Status: state.Queued, Note: "not sent: GitHub refused the credentials (401)", Action: ActQueue,
				Reason: "not sent: GitHub refused the credentials (401)", Terminal: true},
			wantErr: "invite alice: GitHub refused the credentials (401): 401"},
		{name: "forbidden", a: answer{Err: term(ErrForbidden, "403")},
			want: outcome{Status: state.Queued, Note: "not sent: GitHub refused the request (403)", Action: ActQueue,
				Reason: "not sent: GitHub refused the request (403)", Terminal: true},
			wantErr: "403"},
		{name: "a team refused", a: answer{Err: term(ErrTeamRefused, `the team "core" is gone`)},
			want: outcome{Status: state.Queued, Note: "not sent: a configured team no longer exists", Action: ActQueue,
				Reason: "not sent: a configured team no longer exists", Terminal: true},
			wantErr: `the team "core" is gone`},
		{name: "another terminal failure", a: answer{Err: Terminal(errors.New("the app was uninstalled"))},
			want: outcome{Status: state.Queued, Note: "not sent: the organization's run stopped on an error", Action: ActQueue,
				Reason: "not sent: the organization's run stopped on an error", Terminal: true},
			wantErr: "uninstalled"},
		{name: "a transient failure", a: answer{Err: errors.New("422 something new")},
			want: outcome{Status: state.Queued, Note: "invitation failed: 422 something new", Action: ActQueue,
				Reason: "invitation failed: 422 something new"},
			wantErr: "invite alice: 422 something new"},
	}
	kinds := map[answerKind]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kinds[kindOf(tt.a.Err)] = true
			got := decideInvitation(d, tt.a)
			switch {
			case tt.wantErr == "" && got.Err != nil:
				t.Errorf("error %v, want none", got.Err)
			case tt.wantErr != "" && (got.Err == nil || !strings.Contains(got.Err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one saying %q", got.Err, tt.wantErr)
			case tt.a.Err != nil && got.Err != nil && kindOf(tt.a.Err) != answerUnknownInvitee && !errors.Is(got.Err, tt.a.Err):
				t.Errorf("error %v does not wrap the answer %v", got.Err, tt.a.Err)
			}
			if got.Terminal != IsTerminal(got.Err) {
				t.Errorf("terminal %v, but the error %v is terminal: %v", got.Terminal, got.Err, IsTerminal(got.Err))
			}
			got.Err, got.Log, got.Level = nil, "", 0
			if got != tt.want {
				t.Errorf("outcome\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
	for k := answerInvited; k <= answerFailed; k++ {
		if !kinds[k] {
			t.Errorf("no case of answer kind %d", k)
		}
	}
}

// Every failure that is not terminal is logged; the rest are not.
func TestDecideInvitationLogsTheFailures(t *testing.T) {
	d := Decision{Candidate: Candidate{ID: 10, Login: "alice"}}
	for _, err := range []error{ErrNoSuchUser, ErrMaybeSent, errors.New("500")} {
		if o := decideInvitation(d, answer{Err: err}); o.Err == nil || o.Log == "" {
			t.Errorf("%v: error %v logged %q, want both", err, o.Err, o.Log)
		}
	}
	if o := decideInvitation(d, answer{Err: Terminal(ErrForbidden)}); o.Log != "" {
		t.Errorf("a terminal failure logged %q here; halt logs it once", o.Log)
	}
}

// An answer wrapping two sentinels is the kind that comes first, as in
// the switch it replaced.
func TestKindOfOrder(t *testing.T) {
	tests := []struct {
		err  error
		want answerKind
	}{
		{nil, answerInvited},
		{fmt.Errorf("%w, %w", ErrNoSuchUser, ErrAlreadyMember), answerAlreadyMember},
		{fmt.Errorf("%w, %w", ErrMaybeSent, ErrNotSent), answerNotSent},
		{Terminal(ErrMaybeSent), answerMaybeSent},
		{Terminal(ErrTeamRefused), answerTerminal},
		{ErrTeamRefused, answerFailed}, // only a TerminalError stops the organization
	}
	for _, tt := range tests {
		if got := kindOf(tt.err); got != tt.want {
			t.Errorf("kindOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

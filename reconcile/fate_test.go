package reconcile

import (
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

func TestDecideFate(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	sent := now.Add(-8 * 24 * time.Hour)
	p := &state.Person{Login: "Ann", Status: state.Invited, At: sent}
	expired := FailedInvitation{Login: "ann", FailedAt: sent.Add(7 * 24 * time.Hour), Reason: "Invitation expired. User did not accept this invite for 7 days."}
	older := FailedInvitation{Login: "ann", FailedAt: sent.Add(-time.Hour), Reason: "Invitation expired. User did not accept this invite for 7 days."}
	seats := FailedInvitation{Login: "ann", FailedAt: sent.Add(time.Hour), Reason: "No seats available."}
	other := FailedInvitation{Login: "bob", FailedAt: sent.Add(time.Hour), Reason: "Invitation expired."}
	for _, tc := range []struct {
		name   string
		st     MemberState
		known  bool
		failed []FailedInvitation
		want   state.Status
		at     time.Time
	}{
		{"not read", NotMember, false, nil, "", time.Time{}},
		{"accepted", ActiveMember, true, []FailedInvitation{expired}, state.Accepted, now},
		{"still pending", PendingInvitee, true, nil, state.Invited, sent},
		{"expired", NotMember, true, []FailedInvitation{other, expired}, state.Expired, expired.FailedAt},
		{"another failure", NotMember, true, []FailedInvitation{seats}, state.Failed, seats.FailedAt},
		{"an older failure is someone else's invitation: declined or cancelled", NotMember, true, []FailedInvitation{older}, state.Failed, now},
		{"not listed as failed: declined or cancelled", NotMember, true, []FailedInvitation{other}, state.Failed, now},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := DecideFate(p, tc.st, tc.known, tc.failed, now)
			if f.Status != tc.want || !f.At.Equal(tc.at) {
				t.Errorf("DecideFate = %+v, want %s at %v", f, tc.want, tc.at)
			}
		})
	}
}

func TestOpenInvitations(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	pr := &state.PRRef{Repo: "o/r", Number: 1}
	people := map[int64]*state.Person{
		1: {Status: state.Invited, At: now.Add(-time.Hour), PR: pr, CommentURL: "u"},
		2: {Status: state.Invited, At: now.Add(-FateWindow - time.Hour), PR: pr, CommentURL: "u"}, // too old
		3: {Status: state.Invited, At: now.Add(-time.Hour), PR: pr},                               // owed a welcome
		4: {Status: state.Invited, At: now.Add(-time.Hour), PR: pr, NoComment: true},
		5: {Status: state.Expired, At: now.Add(-time.Hour)},
		6: {Status: state.Pending, At: now.Add(-time.Hour)},
	}
	got := openInvitations(people, now)
	if len(got) != 2 || got[0] != 1 || got[1] != 4 {
		t.Errorf("openInvitations = %v, want [1 4]", got)
	}
}

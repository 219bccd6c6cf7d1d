package fakegithub

import (
	"testing"
	"time"
)

// An invitation expires seven days after it was made, on the fake's clock,
// and is then listed as failed, failed when it turned seven days old; a
// cancelled one is no longer pending and not listed as failed.
func TestInvitationsExpireAfterSevenDaysAndCancelledAreNotFailed(t *testing.T) {
	f := newFixture(t)
	g := f.g
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	g.SetClock(func() time.Time { return now })
	c := restClient(t, g, tok)
	dave := g.AddUser("dave")
	inv := g.AddPendingInvitation("acme", f.carol.ID)
	g.AddPendingInvitation("acme", dave.ID)

	now = now.Add(InvitationLifetime - time.Second)
	if p := g.PendingInvitations("acme"); len(p) != 2 {
		t.Fatalf("a second before seven days: pending %+v", p)
	}
	if _, err := c.Organizations.CancelInvite(ctx(t), "acme", g.PendingInvitations("acme")[1].ID); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	now = now.Add(time.Hour)
	failed, _, err := c.Organizations.ListFailedOrgInvitations(ctx(t), "acme", nil)
	if err != nil || len(failed) != 1 {
		t.Fatalf("failed %v %v, want carol's expired invitation only", failed, err)
	}
	want := inv.CreatedAt.Add(InvitationLifetime)
	if failed[0].GetLogin() != "carol" || failed[0].GetFailedReason() != FailedReasonExpired || !failed[0].GetFailedAt().Time.Equal(want) {
		t.Errorf("failed %+v, want carol expired at %v", failed[0], want)
	}
	pending, _, err := c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", nil)
	if err != nil || len(pending) != 0 {
		t.Errorf("pending %v %v, want none", pending, err)
	}
}

package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/state"
)

// later moves snekomatic's clock and the fake's together (the fake expires
// invitations after seven days on its own clock).
func (w *world) later(d time.Duration) {
	w.now = w.now.Add(d)
	w.clock.set(w.now)
}

// What became of each invitation is learned by the runs after it, at most
// one read of the failed invitations a run, and none once no recent
// invitation is open: accepted is reported; declined and cancelled are
// never sent again; an expired one is reported and, with renew_expired:
// once, sent again exactly once, without a second welcome.
func TestWhatBecameOfEachInvitation(t *testing.T) {
	w := newWorld(t)
	ann, bob, cat, dan := w.gh.AddUser("ann"), w.gh.AddUser("bob"), w.gh.AddUser("cat"), w.gh.AddUser("dan")
	for _, u := range []*fakegithub.Account{ann, bob, cat, dan} {
		w.merged(t, u, time.Hour)
	}
	cfg := w.config(t, "defaults:\n  renew_expired: once\n")
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if n := len(w.gh.CreatedInvitations("trio")); n != 4 {
		t.Fatalf("%d invitations, want 4", n)
	}

	// Two days later: ann accepted, bob declined, an owner cancelled cat's,
	// dan has not answered.
	w.gh.AcceptInvitation("trio", ann.ID)
	w.gh.DeclineInvitation("trio", bob.ID)
	w.gh.CancelInvitation("trio", cat.ID)
	w.later(2 * 24 * time.Hour)
	w.gh.ResetRequests()
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	if logins(rep.Accepted) != "ann" || logins(rep.Declined) != "bob,cat" || logins(rep.StillPending) != "dan" || len(rep.Expired) != 0 {
		t.Errorf("accepted %v, declined %v, still pending %v, expired %v", rep.Accepted, rep.Declined, rep.StillPending, rep.Expired)
	}
	if len(rep.StillPending) == 1 && rep.StillPending[0].PendingDays != 2 {
		t.Errorf("dan pending %d days, want 2", rep.StillPending[0].PendingDays)
	}
	if n := failedInvitationReads(w.gh); n != 1 {
		t.Errorf("%d reads of failed invitations, want 1", n)
	}
	st := loadState(t, w.statePath).Org("trio")
	if p := st.People[ann.ID]; p.Status != state.Accepted || p.InvitedAt.IsZero() || p.CommentURL == "" {
		t.Errorf("ann = %+v, want accepted, with when she was invited and her welcome", p)
	}
	for _, u := range []*fakegithub.Account{bob, cat} {
		if p := st.People[u.ID]; p.Status != state.Failed {
			t.Errorf("%s = %+v, want failed", u.Login, p)
		}
	}

	// Seven days after the invitations, dan's expired: it is reported and
	// sent again, once, without a second welcome; bob and cat merge again
	// and are not asked again.
	w.later(6 * 24 * time.Hour)
	w.merged(t, bob, time.Minute)
	w.merged(t, cat, time.Minute)
	w.gh.ResetRequests()
	rep = w.runJSON(t, "--org", "trio", "--config", cfg)
	if logins(rep.Expired) != "dan" || !strings.Contains(rep.Expired[0].Reason, "once") {
		t.Errorf("expired %+v, want dan, sent again once", rep.Expired)
	}
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 5 || inv[4].InviteeID != dan.ID {
		t.Fatalf("invitations %+v, want dan's sent again (5 in all)", inv)
	}
	if n := len(w.gh.AllComments()); n != 4 {
		t.Errorf("%d welcome comments, want 4: no second welcome", n)
	}
	if n := failedInvitationReads(w.gh); n != 1 {
		t.Errorf("%d reads of failed invitations, want 1", n)
	}

	// The renewed invitation expires too: reported, not sent a third time.
	w.later(8 * 24 * time.Hour)
	rep = w.runJSON(t, "--org", "trio", "--config", cfg)
	if logins(rep.Expired) != "dan" || strings.Contains(rep.Expired[0].Reason, "again") {
		t.Errorf("expired %+v, want dan, not sent again", rep.Expired)
	}
	if n := len(w.gh.CreatedInvitations("trio")); n != 5 {
		t.Errorf("%d invitations, want 5", n)
	}
	if p := loadState(t, w.statePath).Org("trio").People[dan.ID]; p.Status != state.Expired || !p.Renewed {
		t.Errorf("dan = %+v, want expired, renewed", p)
	}

	// No recent invitation open: nothing is asked.
	w.later(time.Hour)
	w.gh.ResetRequests()
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if n := failedInvitationReads(w.gh); n != 0 {
		t.Errorf("%d reads of failed invitations with no invitation open, want 0", n)
	}
	for _, r := range w.gh.Requests() {
		if strings.Contains(r.Path, "/memberships/") && !strings.HasSuffix(r.Path, "/token-owner") {
			t.Errorf("membership read with no invitation open: %s %s", r.Method, r.Path)
		}
	}
}

// Without renew_expired an expired invitation is reported, not sent again.
func TestExpiredInvitationIsNotRenewedByDefault(t *testing.T) {
	w := newWorld(t)
	eve := w.gh.AddUser("eve")
	w.merged(t, eve, time.Hour)
	w.runJSON(t, "--org", "trio")
	w.later(8 * 24 * time.Hour)
	rep := w.runJSON(t, "--org", "trio")
	if logins(rep.Expired) != "eve" {
		t.Errorf("expired %+v, want eve", rep.Expired)
	}
	if n := len(w.gh.CreatedInvitations("trio")); n != 1 {
		t.Errorf("%d invitations, want 1", n)
	}
}

// The text report and the job summary show what became of the invitations.
func TestFatesAreRendered(t *testing.T) {
	w := newWorld(t)
	fay, gus := w.gh.AddUser("fay"), w.gh.AddUser("gus")
	w.merged(t, fay, time.Hour)
	w.merged(t, gus, time.Hour)
	w.runJSON(t, "--org", "trio")
	w.gh.AcceptInvitation("trio", fay.ID)
	w.later(3 * 24 * time.Hour)
	code, out, errOut := w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	for _, want := range []string{"invitations accepted since the last run (1):", "fay", "invitations still pending (1):", "gus", "invited 3 days ago"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
}

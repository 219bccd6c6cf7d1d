package cmd

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/state"
)

// partialWorld is an organization of 30 members who all merged something
// (so that membership is checked with the list, not one by one), plus an
// invitee and a newcomer who merged something too.
func partialWorld(t *testing.T) (w *world, invitee, newcomer *fakegithub.Account) {
	t.Helper()
	w = newWorld(t)
	for i := range 30 {
		m := w.gh.AddUser(fmt.Sprintf("member%d", i))
		w.gh.SetMember("trio", m.ID, "member")
		w.merged(t, m, time.Duration(i+1)*time.Minute)
	}
	invitee = w.gh.AddUser("invitee")
	w.gh.AddPendingInvitation("trio", invitee.ID)
	w.merged(t, invitee, 2*time.Minute)
	newcomer = w.gh.AddUser("newcomer")
	w.merged(t, newcomer, time.Minute)
	return w, invitee, newcomer
}

// membershipReads counts GET /orgs/{org}/memberships/{username} for
// anyone but the token's user (whose own membership is the owner check).
func membershipReads(w *world) []string {
	var who []string
	for _, r := range w.gh.Requests() {
		if r.Method == http.MethodGet && strings.Contains(r.Path, "/memberships/") && !strings.HasSuffix(r.Path, "/"+fakegithub.DefaultTokenOwner) {
			who = append(who, r.Path[strings.LastIndex(r.Path, "/")+1:])
		}
	}
	return who
}

func TestRefusedPendingInvitationsFallBackToOneByOneChecks(t *testing.T) {
	w, invitee, newcomer := partialWorld(t)
	// GitHub answers the pending invitations FORBIDDEN, with the rest of
	// each answer as partial data.
	w.gh.RefuseGraphQLField("Organization", "pendingMembers")

	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)

	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].InviteeID != newcomer.ID {
		t.Errorf("invitations = %+v, want the newcomer's alone", inv)
	}
	posts := 0
	for _, r := range w.gh.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/orgs/trio/invitations") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d invitations sent, want 1: the invitee must be known as one without asking GitHub to invite them", posts)
	}
	// The members were settled by the list; only the two it could not
	// say anything about were looked up.
	if got := membershipReads(w); fmt.Sprint(got) != "[invitee newcomer]" && fmt.Sprint(got) != "[newcomer invitee]" {
		t.Errorf("membership look-ups %v, want the invitee's and the newcomer's", got)
	}
	people := loadState(t, w.statePath).Orgs["trio"].People
	if p := people[invitee.ID]; p == nil || p.Status != state.Pending {
		t.Errorf("invitee recorded as %+v, want pending", p)
	}
	if p := people[newcomer.ID]; p == nil || p.Status != state.Invited {
		t.Errorf("newcomer recorded as %+v, want invited", p)
	}
}

func TestNonOwnerDryRunSeesInviteesThroughOneByOneChecks(t *testing.T) {
	w, _, _ := partialWorld(t)
	// A member who is not an owner: GitHub shows them the members but not
	// the pending invitations (the fake's default), and lets them read
	// anyone's membership. A dry run does not need the owner's rights.
	w.gh.SetMember("trio", w.gh.TokenOwner().ID, "member")

	code, out, errOut := w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	// One would be invited (the newcomer), and the invitee is known as one.
	for _, want := range []string{"would invite (1):\n    newcomer  ", "already invited (1):\n    invitee  trio/trio#31  (already has a pending invitation)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run report lacks %q:\n%s", want, out)
		}
	}
	if got := membershipReads(w); len(got) != 2 {
		t.Errorf("membership look-ups %v, want the invitee's and the newcomer's", got)
	}
	if n := w.gh.CountRequests()[fakegithub.KindRESTWrite]; n != 0 {
		t.Errorf("dry run sent %d writes", n)
	}
}

package reconcile

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// rosterWithoutInvitations lists members only, as GitHub does for
// credentials that may not see pending invitations, and answers the
// one-by-one checks in full.
type rosterWithoutInvitations struct {
	states  map[int64]MemberState
	logins  map[string]int64
	checked []string
}

func (r *rosterWithoutInvitations) Memberships(context.Context, string) (map[int64]MemberState, error) {
	out := map[int64]MemberState{}
	for id, st := range r.states {
		if st == ActiveMember {
			out[id] = st
		}
	}
	return out, fmt.Errorf("list pending invitations: %w", ErrPendingNotListed)
}

func (r *rosterWithoutInvitations) Membership(_ context.Context, _, login string) (MemberState, int64, error) {
	r.checked = append(r.checked, login)
	id := r.logins[login]
	return r.states[id], id, nil
}

func TestLookupFallsBackToOneByOneForWhatTheListCouldNotSay(t *testing.T) {
	r := &rosterWithoutInvitations{states: map[int64]MemberState{1: ActiveMember, 2: PendingInvitee}, logins: map[string]int64{"m": 1, "p": 2, "n": 3}}
	cands := []Candidate{{ID: 1, Login: "m"}, {ID: 2, Login: "p"}, {ID: 3, Login: "n"}}
	// Three candidates against lists of one page each: the list is chosen.
	if chooseLookup(len(cands), 1, 1) != lookupList {
		t.Fatal("the test needs the list to be chosen")
	}
	lk, err := lookup(context.Background(), r, "trio", cands, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]MemberState{1: ActiveMember, 2: PendingInvitee, 3: NotMember}
	for id, st := range want {
		if got, ok := lk.States[id]; !ok || got != st {
			t.Errorf("%d: %v (%v), want %v", id, got, ok, st)
		}
	}
	if len(lk.Failed) != 0 {
		t.Errorf("failed: %v", lk.Failed)
	}
	// The member was settled by the list; only the others were asked for.
	if !slices.Equal(r.checked, []string{"p", "n"}) {
		t.Errorf("checked %v, want [p n]", r.checked)
	}
}

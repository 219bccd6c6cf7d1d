package reconcile_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// When the state cannot record the plan, nothing is sent that is not
// written down, and the cursor stays where it was, so that the next run
// reads the same merges again. The fault is injected into the Nth write of
// the state: the first records the member, the second announces the
// invitation.
func TestCursorStaysWhenThePlanIsNotRecorded(t *testing.T) {
	for _, failAt := range []int{1, 2} {
		t.Run("", func(t *testing.T) {
			gh := fakegithub.New(t)
			gh.AddOrg("trio")
			gh.AddToken("ghp_faultTEST0123456789abcdef")
			gh.MakeOwner("trio", gh.TokenOwner().ID) // GitHub lets only owners invite
			repo := gh.AddRepo("trio", "trio")
			now := time.Now().UTC().Truncate(time.Second)
			alice, bob := gh.AddUser("alice"), gh.AddUser("bob")
			gh.SetMember("trio", bob.ID, "member")
			gh.AddPR(repo, alice.ID, "a change", now.Add(-time.Hour))
			gh.AddPR(repo, bob.ID, "another", now.Add(-2*time.Hour))
			c, err := ghapi.New(gh.Client("ghp_faultTEST0123456789abcdef"), gh.RESTURL(), gh.GraphQLURL())
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "state.json")
			st, _, err := state.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			writes := 0
			full := errors.New("no space left on device")
			st.InjectFault(func(org string) error {
				if org == "" {
					return nil
				}
				writes++
				if writes == failAt {
					return full
				}
				return nil
			})
			opts := reconcile.Options{Now: now, WebURL: gh.URL(), Policy: reconcile.Policy{Lookback: 24 * time.Hour, Overlap: time.Hour, MaxInvites: -1}}
			_, err = reconcile.Org(context.Background(), c, st, "trio", opts)
			if !errors.Is(err, full) {
				t.Fatalf("run error = %v, want the state's failure", err)
			}
			if writes != failAt {
				t.Errorf("%d writes after the failed one; the run should stop writing at once", writes-failAt)
			}
			if cur := st.Cursor("trio"); !cur.IsZero() {
				t.Errorf("the cursor moved to %v although the plan was not recorded", cur)
			}
			if n := len(gh.CreatedInvitations("trio")); n != 0 {
				t.Errorf("%d invitations sent without being written down", n)
			}
			if err := st.Commit(); err != nil {
				t.Fatal(err)
			}
			if f, _, err := state.Load(path); err != nil || !f.Org("trio").Cursor.IsZero() {
				t.Errorf("the saved cursor moved (err %v)", err)
			}

			// The next run, with a working disk, reads the same window and
			// invites alice.
			st.InjectFault(nil)
			if _, err := reconcile.Org(context.Background(), c, st, "trio", opts); err != nil {
				t.Fatal(err)
			}
			if !st.Cursor("trio").Equal(now) {
				t.Errorf("cursor = %v, want %v", st.Cursor("trio"), now)
			}
			if p := st.Org("trio").People[alice.ID]; p == nil || p.Status != state.Invited {
				t.Errorf("alice recorded as %+v", p)
			}
		})
	}
}

// The state keeps a pull request's repository and number only; someone
// queued by an earlier run is reported (and welcomed) with the address on
// this GitHub instance.
func TestQueuedPersonsPullRequestAddressIsRebuilt(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddOrg("trio")
	gh.AddToken("ghp_faultTEST0123456789abcdef")
	gh.MakeOwner("trio", gh.TokenOwner().ID) // GitHub lets only owners invite
	repo := gh.AddRepo("trio", "trio")
	now := time.Now().UTC().Truncate(time.Second)
	alice := gh.AddUser("alice")
	pr := gh.AddPR(repo, alice.ID, "a change", now.Add(-48*time.Hour))
	c, err := ghapi.New(gh.Client("ghp_faultTEST0123456789abcdef"), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := state.Open(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Update("trio", func(e *state.Edit) {
		e.Put(alice.ID, &state.Person{Login: "alice", Status: state.Queued, At: now.Add(-47 * time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: pr.Number}, Reason: "--max-invites 0 reached for this run"})
		e.SetCursor(now.Add(-time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	opts := reconcile.Options{Now: now, WebURL: gh.URL(), Policy: reconcile.Policy{Lookback: 24 * time.Hour, Overlap: time.Hour, MaxInvites: -1}}
	rep, err := reconcile.Org(context.Background(), c, st, "trio", opts)
	if err != nil {
		t.Fatal(err)
	}
	want := gh.URL() + "/trio/trio/pull/" + strconv.Itoa(pr.Number)
	if len(rep.Invited) != 1 || rep.Invited[0].PR == nil || rep.Invited[0].PR.URL != want {
		t.Fatalf("invited %+v, want alice with %s", rep.Invited, want)
	}
}

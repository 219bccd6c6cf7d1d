package reconcile_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/reconciletest"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// GitHub's rarer answers (issue 19).

// A pull request in an archived repository: the search says so, so no
// comment is tried there; the invitee is recorded as invited with the
// welcome impossible, and the others go on. A refusal that comes anyway
// (the repository archived after it was recorded) is recorded the same way,
// and never tried again. Neither fails the run.
func TestArchivedRepositoryWelcomeIsImpossibleNotAFailure(t *testing.T) {
	c := reconciletest.New()
	archived := mergedPR(1, 10, "alice")
	archived.Repo, archived.RepoArchived = "trio/old", true
	c.PRs = []reconcile.PullRequest{archived, mergedPR(2, 20, "bob")}
	c.Archived["trio/old"] = true
	c.Archived["trio/older"] = true
	st := tempStore(t)
	// An earlier run invited carol on a pull request in a repository
	// archived since; her welcome is still to post.
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(30, &state.Person{Login: "carol", Status: state.Invited, At: now.Add(-48 * time.Hour),
			PR: &state.PRRef{Repo: "trio/older", Number: 7}})
	})
	rep, err := runOrg(t, c, st, options())
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	for _, id := range []int64{10, 30} {
		p := person(st, id)
		if p.Status != state.Invited || !p.NoComment || !strings.Contains(p.Reason, "archived") || p.CommentURL != "" {
			t.Errorf("recorded %d as %+v; want invited, no comment, with the reason", id, p)
		}
	}
	if p := person(st, 20); p.Status != state.Invited || p.CommentURL == "" {
		t.Errorf("bob recorded as %+v; want invited and welcomed", p)
	}
	if got := calls(c, "Comment"); got != 2 {
		t.Errorf("%d comments tried (%q); want bob's and carol's only", got, c.Calls)
	}
	if len(c.Created) != 2 || len(rep.Warnings) != 2 {
		t.Errorf("%d invitations, warnings %q; want alice's and bob's, and a warning for each impossible welcome", len(c.Created), rep.Warnings)
	}
	// The next run does not try again.
	c.Calls = nil
	if _, err := runOrg(t, c, st, options()); err != nil || calls(c, "Comment")+calls(c, "FindComment") != 0 {
		t.Errorf("second run: %v, calls %q; want nothing tried", err, c.Calls)
	}
}

// A welcome whose answer was lost is looked for by its marker, and posted
// again in the same run only when it is not there; the run recovered, so it
// succeeds.
func TestLostWelcomeIsLookedForAndPostedAgain(t *testing.T) {
	for _, acted := range []bool{false, true} {
		c := reconciletest.New()
		c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
		c.Script["Comment"] = []reconciletest.Step{{Err: maybeSent(), Acts: acted}}
		st := tempStore(t)
		if _, err := runOrg(t, c, st, options()); err != nil {
			t.Fatalf("acted %v: run failed: %v", acted, err)
		}
		c.Verify(t)
		if c.Posted() != 1 || calls(c, "FindComment") != 1 {
			t.Errorf("acted %v: %d comments, calls %q; want exactly one, after one look", acted, c.Posted(), c.Calls)
		}
		if p := person(st, 10); p.Status != state.Invited || p.CommentURL == "" {
			t.Errorf("acted %v: recorded %+v; want invited with the comment", acted, p)
		}
	}
	// Lost twice: the run fails, nobody is welcomed twice, and the next run
	// looks before posting.
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.Script["Comment"] = []reconciletest.Step{{Err: maybeSent(), Acts: false}, {Err: maybeSent(), Acts: true}}
	st := tempStore(t)
	if _, err := runOrg(t, c, st, options()); !errors.Is(err, reconcile.ErrMaybeSent) || c.Posted() != 1 {
		t.Errorf("lost twice: %v, %d comments; want the lost answer and one comment", err, c.Posted())
	}
	if _, err := runOrg(t, c, st, options()); err != nil || c.Posted() != 1 || person(st, 10).CommentURL == "" {
		t.Errorf("next run: %v, %d comments, %+v; want the comment found", err, c.Posted(), person(st, 10))
	}
}

// An unsure person whose old login now belongs to a member is decided by
// their user id (from the lists of members and invitees) and the marker,
// not left "could not be checked" run after run.
func TestUnsureWhoseLoginWasReusedIsDecidedByID(t *testing.T) {
	for _, tt := range []struct {
		name    string
		state   reconcile.MemberState
		marker  bool
		invites int
		want    string // substring of the person's line in the report
	}{
		{"holds our invitation", reconcile.PendingInvitee, false, 0, "arrived"},
		{"declined after the welcome", reconcile.NotMember, true, 0, "declined"},
		{"no trace", reconcile.NotMember, false, 1, "sending it again"},
	} {
		c := reconciletest.New()
		c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
		c.Logins["alice"] = 99 // alice renamed; a member took the login
		c.State[99] = reconcile.ActiveMember
		c.State[10] = tt.state
		if tt.marker {
			c.Comments["trio/trio#1"] = []string{reconcile.WelcomeComment("alice", org, 10, "https://github.test/orgs/trio/invitation")}
		}
		st := tempStore(t)
		leftInviting(st, 1, 10, "alice")
		rep, err := runOrg(t, c, st, options())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p := person(st, 10); p.Status != state.Invited || len(c.Created) != tt.invites {
			t.Errorf("%s: recorded %+v, %d invitations; want invited, %d", tt.name, p, len(c.Created), tt.invites)
		}
		var why []string
		for _, e := range rep.Invited {
			if e.ID == 10 {
				why = append(why, e.Reason)
			}
		}
		if len(why) != 1 || !strings.Contains(why[0], tt.want) {
			t.Errorf("%s: reported invited because %q, want once, %q", tt.name, why, tt.want)
		}
		if person(st, 99) != nil {
			t.Errorf("%s: the member who took the login was recorded", tt.name)
		}
	}
}

// stuckSearch answers every page with "there is more, after the same
// cursor", as a search stuck in place does.
type stuckSearch struct {
	*reconciletest.Client
	calls int
}

func (s *stuckSearch) SearchMerged(context.Context, string, reconcile.SearchQuery, string) (reconcile.SearchPage, error) {
	s.calls++
	return reconcile.SearchPage{Total: 5000, PRs: []reconcile.PullRequest{mergedPR(1, 10, "alice")}, HasNext: true,
		EndCursor: "Y3Vyc29yOjEwMA==", Members: -1, Pending: -1}, nil
}

// A search whose cursor repeats fails the organization in one line after
// the repeat, instead of being followed forever; the cursor stays.
func TestSearchThatRepeatsItsCursorFailsTheOrg(t *testing.T) {
	c := &stuckSearch{Client: reconciletest.New()}
	st := tempStore(t)
	_, err := reconcile.Org(context.Background(), c, st, org, options())
	if !errors.Is(err, reconcile.ErrEndlessPages) || c.calls != 2 || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v after %d searches; want the repeated cursor named after 2", err, c.calls)
	}
	if !strings.Contains(err.Error(), "Y3Vyc29yOjEwMA==") || !st.Org(org).Cursor.IsZero() || len(c.Created) != 0 {
		t.Errorf("error %q, cursor %v, %d invitations; want the cursor named, none moved or sent", err, st.Org(org).Cursor, len(c.Created))
	}
}

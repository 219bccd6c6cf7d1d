package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/reconciletest"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const org = "trio"

func mergedPR(n int, id int64, login string) reconcile.PullRequest {
	return reconcile.PullRequest{NodeID: fmt.Sprintf("PR_%d", n), Repo: "trio/trio", Number: n,
		URL: fmt.Sprintf("https://github.test/trio/trio/pull/%d", n), CreatedAt: now.Add(-2 * time.Hour),
		MergedAt: now.Add(-time.Hour + time.Duration(n)*time.Second), Author: reconcile.Author{Type: "User", ID: id, Login: login}}
}

func options() reconcile.Options {
	return reconcile.Options{Now: now, Overlap: reconcile.DefaultOverlap, Lookback: reconcile.DefaultLookback, MaxInvites: -1,
		WebURL: "https://github.test"}
}

func runOrg(t *testing.T, c *reconciletest.Client, st *state.Store, opts reconcile.Options) (*reconcile.Report, error) {
	t.Helper()
	return reconcile.Org(context.Background(), c, st, org, opts)
}

func person(st *state.Store, id int64) *state.Person { return st.Org(org).People[id] }

func maybeSent() error { return fmt.Errorf("%w: 502 Bad Gateway", reconcile.ErrMaybeSent) }

// TestApplyOutcomes reaches every outcome branch of an invitation: one
// newcomer, with GitHub answering the invitation in each way it can.
func TestApplyOutcomes(t *testing.T) {
	unauthorized := reconcile.Terminal(fmt.Errorf("%w: 401 Bad credentials", reconcile.ErrCredentialsRefused))
	tests := []struct {
		name string
		// setup changes the client before the run (scripts, state).
		setup       func(c *reconciletest.Client)
		teams       []string
		wantStatus  state.Status
		wantReason  string // substring of the recorded reason
		wantCreated int
		wantPosted  int
		wantErr     string // "" for none
		terminal    bool
	}{
		{name: "invited", wantStatus: state.Invited, wantCreated: 1, wantPosted: 1},
		{name: "already a member", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrAlreadyMember}}
		}, wantStatus: state.Member},
		{name: "already invited", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrAlreadyInvited}}
		}, wantStatus: state.Pending},
		{name: "no such user, and GET /user/{id} says 404", setup: func(c *reconciletest.Client) {
			c.Gone[10] = true
		}, wantStatus: state.Skipped, wantReason: "no longer exists"},
		{name: "no such user, but the account exists", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrNoSuchUser}}
		}, wantStatus: state.Queued, wantReason: "still exists", wantErr: "still exists"},
		{name: "no such user, and the account lookup fails", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrNoSuchUser}}
			c.Script["UserExists"] = []reconciletest.Step{{Err: errors.New("502")}}
		}, wantStatus: state.Queued, wantReason: "could not be looked up", wantErr: "could not be looked up"},
		{name: "invitation limit reached", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrInvitationLimit}}
		}, wantStatus: state.Queued, wantReason: "invitation limit"},
		{name: "maybe sent, and it did arrive", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent(), Acts: true}}
		}, wantStatus: state.Invited, wantCreated: 1, wantPosted: 1},
		{name: "maybe sent, it did not arrive: sent once more", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent()}}
		}, wantStatus: state.Invited, wantCreated: 1, wantPosted: 1},
		{name: "maybe sent, and the check fails: stays inviting", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent(), Acts: true}}
			c.Script["Membership"] = []reconciletest.Step{{}, {Err: errors.New("502 Bad Gateway")}}
		}, wantStatus: state.Inviting, wantCreated: 1, wantErr: "may have been carried out"},
		{name: "maybe sent twice: stays inviting", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent()}, {Err: maybeSent()}}
		}, wantStatus: state.Inviting, wantErr: "may have been carried out"},
		{name: "credentials refused (401)", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: unauthorized}}
		}, wantStatus: state.Queued, wantReason: "401", wantErr: "401", terminal: true},
		{name: "a configured team deleted during the run", teams: []string{"core"}, setup: func(c *reconciletest.Client) {
			c.Teams["core"] = 7
			c.Script["SendInvitation"] = []reconciletest.Step{{Then: func(c *reconciletest.Client) { delete(c.Teams, "core") }}}
		}, wantStatus: state.Queued, wantReason: "team", wantErr: `team "core"`, terminal: true},
		{name: "some other refusal", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: errors.New("422 something new")}}
		}, wantStatus: state.Queued, wantReason: "something new", wantErr: "something new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reconciletest.New()
			c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
			if tt.setup != nil {
				tt.setup(c)
			}
			st := tempStore(t)
			opts := options()
			opts.Policy.Teams = tt.teams
			rep, err := runOrg(t, c, st, opts)
			c.Verify(t)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
			}
			if got := reconcile.IsTerminal(err); got != tt.terminal {
				t.Errorf("terminal = %v, want %v (%v)", got, tt.terminal, err)
			}
			p := person(st, 10)
			if p == nil || p.Status != tt.wantStatus || !strings.Contains(p.Reason, tt.wantReason) {
				t.Fatalf("recorded %+v, want %s with a reason saying %q", p, tt.wantStatus, tt.wantReason)
			}
			if n := c.Invited(10); n != tt.wantCreated {
				t.Errorf("%d invitations created, want %d", n, tt.wantCreated)
			}
			if n := c.Posted(); n != tt.wantPosted {
				t.Errorf("%d comments posted, want %d", n, tt.wantPosted)
			}
			if tt.wantPosted > 0 && p.CommentURL == "" {
				t.Errorf("the welcome comment is not recorded")
			}
			if len(rep.Errors) > 1 {
				t.Errorf("%d error lines, want at most one: %q", len(rep.Errors), rep.Errors)
			}
		})
	}
}

// A token refused in the middle of a run stops every later write of that
// organization at once: nobody after the refusal is sent an invitation or a
// comment, everyone is queued, and the failure is reported once.
func TestCredentialsRefusedStopsTheOrganizationsWrites(t *testing.T) {
	c := reconciletest.New()
	for i := range 30 { // more than one batch
		c.PRs = append(c.PRs, mergedPR(i+1, int64(100+i), fmt.Sprint("u", i)))
	}
	c.Script["SendInvitation"] = []reconciletest.Step{{}, {Err: reconcile.Terminal(reconcile.ErrCredentialsRefused)}}
	st := tempStore(t)
	// Someone invited earlier whose welcome is still to post: not after
	// the refusal either.
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(5, &state.Person{Login: "earlier", Status: state.Invited, At: now.Add(-48 * time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: 500}})
	})
	rep, err := runOrg(t, c, st, options())
	c.Verify(t)
	if !reconcile.IsTerminal(err) || !errors.Is(err, reconcile.ErrCredentialsRefused) {
		t.Fatalf("error = %v, want the terminal 401", err)
	}
	if len(rep.Errors) != 1 {
		t.Errorf("errors %q, want exactly one line", rep.Errors)
	}
	sends := 0
	for _, call := range c.Calls {
		if strings.HasPrefix(call, "SendInvitation") {
			sends++
		}
	}
	if sends != 2 || len(c.Created) != 1 {
		t.Errorf("%d invitations tried and %d created, want 2 and 1 (nothing after the 401)", sends, len(c.Created))
	}
	// The one invited before the refusal keeps their record, and no
	// comment is posted after the refusal.
	if c.Posted() != 1 {
		t.Errorf("%d comments posted, want only the one before the refusal", c.Posted())
	}
	queued := 0
	for _, p := range st.Org(org).People {
		if p.Status == state.Queued {
			queued++
		}
	}
	if queued != 29 {
		t.Errorf("%d people queued, want 29 (all but the one invited before the refusal)", queued)
	}
}

// Gap 1: a team deleted after its id was resolved fails the organization
// with a configuration error naming the team, and marks nobody as gone.
func TestDeletedTeamFailsTheOrgAndMarksNobody(t *testing.T) {
	c := reconciletest.New()
	c.Teams["core"], c.Teams["docs"] = 7, 8
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 11, "bob"), mergedPR(3, 12, "carol")}
	c.Script["SendInvitation"] = []reconciletest.Step{{Then: func(c *reconciletest.Client) { delete(c.Teams, "docs") }}}
	st := tempStore(t)
	opts := options()
	opts.Policy.Teams = []string{"core", "docs"}
	_, err := runOrg(t, c, st, opts)
	c.Verify(t)
	if !reconcile.IsTerminal(err) || !errors.Is(err, reconcile.ErrTeamRefused) || !strings.Contains(err.Error(), `"docs"`) ||
		strings.Contains(err.Error(), `"core"`) {
		t.Fatalf("error = %v, want a terminal configuration error naming the team docs only", err)
	}
	if len(c.Created) != 0 {
		t.Errorf("invitations created: %+v", c.Created)
	}
	for id, p := range st.Org(org).People {
		if p.Status.Final() {
			t.Errorf("person %d recorded as %s (%s); nobody may be marked", id, p.Status, p.Reason)
		}
	}
}

// Gap 2: run 1 died after sending; run 2's membership check fails; run 3
// sees the pending invitation.
func TestUnsureInvitationSurvivesAFailedCheck(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.State[10] = reconcile.Pending // run 1's invitation arrived
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(10, &state.Person{Login: "alice", Status: state.Inviting, At: now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: 1, MergedAt: now.Add(-time.Hour)}})
	})
	c.Script["Membership"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	c.Verify(t)
	if p := person(st, 10); p.Status != state.Inviting {
		t.Fatalf("after a failed check: %+v, want still inviting", p)
	}
	opts := options()
	opts.Now = now.Add(time.Hour)
	if _, err := runOrg(t, c, st, opts); err != nil {
		t.Fatal(err)
	}
	p := person(st, 10)
	if p.Status != state.Invited || p.CommentURL == "" {
		t.Errorf("after the pending invitation was seen: %+v, want invited and welcomed", p)
	}
	if len(c.Created) != 0 || c.Posted() != 1 {
		t.Errorf("%d invitations sent (want none: run 1's arrived), %d comments (want 1)", len(c.Created), c.Posted())
	}
}

// Gap 3: the first answer is lost, the check does not show it yet, and the
// re-send is refused as "already invited": that is ours.
func TestResendRefusedAsAlreadyInvitedIsOurs(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent(), Acts: true}}
	c.Script["Membership"] = []reconciletest.Step{{}, {Stale: true}}
	st := tempStore(t)
	rep, err := runOrg(t, c, st, options())
	if err != nil {
		t.Fatal(err)
	}
	c.Verify(t)
	p := person(st, 10)
	if p.Status != state.Invited || p.CommentURL == "" || len(rep.Invited) != 1 {
		t.Fatalf("recorded %+v, report %+v; want invited and welcomed", p, rep.Invited)
	}
	o := st.Org(org)
	if n := o.SentSince(now.Add(-24 * time.Hour)); n != 1 {
		t.Errorf("%d invitations count against the daily allowance, want 1", n)
	}
}

// The same answer to the first send of a person an earlier run left
// "inviting" is ours too.
func TestUnsureResendRefusedAsAlreadyMemberIsOurs(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(10, &state.Person{Login: "alice", Status: state.Inviting, At: now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: 1, MergedAt: now.Add(-time.Hour)}})
	})
	c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrAlreadyMember}}
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	c.Verify(t)
	if p := person(st, 10); p.Status != state.Invited || p.CommentURL == "" {
		t.Errorf("recorded %+v, want invited and welcomed", p)
	}
}

// Gap 4: invited and welcomed, then the run died before saving; they
// declined before the next run. The marker decides: no second invitation,
// no second comment.
func TestDeclinedAfterAnUnsavedRunIsNotAskedAgain(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.Comments["trio/trio#1"] = []string{reconcile.WelcomeComment("alice", org, 10, "https://github.test/orgs/trio/invitation")}
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(10, &state.Person{Login: "alice", Status: state.Inviting, At: now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: 1, MergedAt: now.Add(-time.Hour)}})
	})
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	if len(c.Created) != 0 || c.Posted() != 1 {
		t.Errorf("%d invitations and %d comments; want none and the one from before", len(c.Created), c.Posted())
	}
	if p := person(st, 10); p.Status != state.Invited || p.CommentURL == "" {
		t.Errorf("recorded %+v, want invited with the comment found", p)
	}
}

// Not a member and no marker: the one case where a second invitation is
// right.
func TestUnsureWithoutTraceIsInvitedAgain(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(10, &state.Person{Login: "alice", Status: state.Inviting, At: now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: 1, MergedAt: now.Add(-time.Hour)}})
	})
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	if len(c.Created) != 1 || c.Posted() != 1 {
		t.Errorf("%d invitations and %d comments; want one of each", len(c.Created), c.Posted())
	}
	// When the look for the marker fails, nothing is sent.
	c2 := reconciletest.New()
	c2.PRs = c.PRs
	c2.Script["FindComment"] = []reconciletest.Step{{Err: errors.New("502")}}
	st2 := tempStore(t)
	_ = st2.Update(org, func(o *state.Edit) { o.Put(10, person(st, 10)) })
	_ = st2.Update(org, func(o *state.Edit) { p := o.Person(10); p.Status, p.CommentURL = state.Inviting, ""; o.Put(10, p) })
	if _, err := runOrg(t, c2, st2, options()); err != nil {
		t.Fatal(err)
	}
	c2.Verify(t)
	if len(c2.Created) != 0 || person(st2, 10).Status != state.Inviting {
		t.Errorf("with the marker unknown: %d invitations, recorded %+v; want none and still inviting", len(c2.Created), person(st2, 10))
	}
}

// Gap 6: an author without a user id is skipped with a reason and never
// saved.
func TestAuthorWithoutIDIsSkippedNotSaved(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 0, "ghostly")}
	st := tempStore(t)
	rep, err := runOrg(t, c, st, options())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Reason != "no user id" {
		t.Errorf("skipped %+v, want the author with reason \"no user id\"", rep.Skipped)
	}
	if len(st.Org(org).People) != 0 || len(c.Created) != 0 {
		t.Errorf("saved %+v, invited %+v; want nothing", st.Org(org).People, c.Created)
	}
}

// Gap 7: --since after the cursor says so and leaves the cursor where it
// was.
func TestSinceAfterTheCursorLeavesTheCursor(t *testing.T) {
	c := reconciletest.New()
	st := tempStore(t)
	cursor := now.Add(-72 * time.Hour)
	_ = st.Update(org, func(o *state.Edit) { o.SetCursor(cursor) })
	since := now.Add(-24 * time.Hour)
	opts := options()
	opts.Since = &since
	rep, err := runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Org(org).Cursor; !got.Equal(cursor) {
		t.Errorf("cursor moved to %v, want it left at %v", got, cursor)
	}
	if !rep.Cursor.Equal(cursor) || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "after the cursor") {
		t.Errorf("report cursor %v, warnings %q; want the cursor and a warning about the gap", rep.Cursor, rep.Warnings)
	}
	// A --since before the cursor covers it: the cursor moves.
	early := cursor.Add(-time.Hour)
	opts.Since = &early
	rep, err = runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Org(org).Cursor; !got.Equal(now) || len(rep.Warnings) != 0 {
		t.Errorf("cursor %v, warnings %q; want %v and none", got, rep.Warnings, now)
	}
}

// The cursor never moves backwards, even when this machine's clock is
// behind the stored cursor.
func TestCursorNeverMovesBackwards(t *testing.T) {
	c := reconciletest.New()
	st := tempStore(t)
	ahead := now.Add(3 * time.Hour)
	_ = st.Update(org, func(o *state.Edit) { o.SetCursor(ahead) })
	rep, err := runOrg(t, c, st, options())
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Org(org).Cursor; !got.Equal(ahead) || !rep.Cursor.Equal(ahead) {
		t.Errorf("cursor %v (report %v), want it kept at %v", got, rep.Cursor, ahead)
	}
}

// A login renamed away and then taken by another account that is a member:
// the stranger's membership is not recorded for our person, and nobody is
// invited on it.
func TestLoginTakenByAMemberIsNotTheAuthor(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.Logins["alice"] = 99
	c.State[99] = reconcile.Member
	st := tempStore(t)
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	p := person(st, 10)
	if p == nil || p.Status != state.Queued || !strings.Contains(p.Reason, "another account") {
		t.Errorf("recorded %+v, want queued because the login belongs to another account", p)
	}
	if person(st, 99) != nil || len(c.Created) != 0 {
		t.Errorf("the stranger was recorded or someone invited: %+v", c.Created)
	}
}

// The daily allowance counts invitations of the last 24 hours, the 24th
// hour included.
func TestDailyAllowanceBoundary(t *testing.T) {
	for _, tt := range []struct {
		name    string
		sentAgo time.Duration
		invited int
	}{
		{"sent exactly 24 hours ago still counts", 24 * time.Hour, 0},
		{"sent 24 hours and a second ago no longer counts", 24*time.Hour + time.Second, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := reconciletest.New()
			c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
			st := tempStore(t)
			_ = st.Update(org, func(o *state.Edit) {
				o.Put(5, &state.Person{Login: "earlier", Status: state.Invited, At: now.Add(-tt.sentAgo)})
			})
			opts := options()
			opts.DailyInviteLimit = 1
			if _, err := runOrg(t, c, st, opts); err != nil {
				t.Fatal(err)
			}
			if len(c.Created) != tt.invited {
				t.Errorf("%d invitations, want %d", len(c.Created), tt.invited)
			}
		})
	}
}

// An earlier run's invitation that arrived, whose welcome was posted but
// not saved: recorded, and the welcome is found rather than posted again.
func TestArrivedInvitationWithItsWelcomeIsNotWelcomedTwice(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.State[10] = reconcile.Member
	c.Comments["trio/trio#1"] = []string{reconcile.WelcomeComment("alice", org, 10, "https://github.test/orgs/trio/invitation")}
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(10, &state.Person{Login: "alice", Status: state.Inviting, At: now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: 1, MergedAt: now.Add(-time.Hour)}})
	})
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	if p := person(st, 10); p.Status != state.Invited || p.CommentURL == "" || c.Posted() != 1 || len(c.Created) != 0 {
		t.Errorf("recorded %+v, %d comments, %d invitations; want invited with the one comment and no new invitation", p, c.Posted(), len(c.Created))
	}
}

// Someone left "inviting" without a recorded pull request cannot have a
// welcome (none is posted without one), so not being a member settles it.
func TestUnsureWithoutAPullRequestIsInvitedAgain(t *testing.T) {
	c := reconciletest.New()
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(10, &state.Person{Login: "alice", Status: state.Inviting, At: now.Add(-time.Hour)})
	})
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	if len(c.Created) != 1 || person(st, 10).Status != state.Invited {
		t.Errorf("%d invitations, recorded %+v; want one, invited", len(c.Created), person(st, 10))
	}
	for _, call := range c.Calls {
		if strings.HasPrefix(call, "FindComment") {
			t.Errorf("looked for a comment on no pull request: %s", call)
		}
	}
}

// When GitHub refuses the teams but every configured team still resolves,
// the error names them all.
func TestTeamRefusalNamesEveryTeamWhenNoneIsGone(t *testing.T) {
	c := reconciletest.New()
	c.Teams["core"], c.Teams["docs"] = 7, 8
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.Terminal(fmt.Errorf("%w: 422", reconcile.ErrTeamRefused))}}
	opts := options()
	opts.Policy.Teams = []string{"core", "docs"}
	_, err := runOrg(t, c, tempStore(t), opts)
	if !reconcile.IsTerminal(err) || !strings.Contains(err.Error(), "core, docs") {
		t.Errorf("error = %v, want a terminal error naming core and docs", err)
	}
}

// A dry run reports the cursor a real run would leave: with a --since gap,
// the old one.
func TestDryRunWithASinceGapReportsTheOldCursor(t *testing.T) {
	c := reconciletest.New()
	st := tempStore(t)
	cursor := now.Add(-72 * time.Hour)
	_ = st.Update(org, func(o *state.Edit) { o.SetCursor(cursor) })
	since := now.Add(-24 * time.Hour)
	opts := options()
	opts.Since, opts.DryRun = &since, true
	rep, err := runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Cursor.Equal(cursor) || len(rep.Warnings) != 1 {
		t.Errorf("dry run reports cursor %v and warnings %q, want %v and the gap", rep.Cursor, rep.Warnings, cursor)
	}
}

// A configured team the organization does not have fails it before
// anything is read, as a terminal error.
func TestMissingTeamIsTerminalBeforeAnything(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	opts := options()
	opts.Policy.Teams = []string{"nope"}
	_, err := runOrg(t, c, tempStore(t), opts)
	if !reconcile.IsTerminal(err) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("error = %v, want a terminal error naming the team", err)
	}
	if len(c.Calls) != 1 {
		t.Errorf("calls %q, want only the team lookup", c.Calls)
	}
}

// tempStore is a state store on a file of the test's own, locked and
// released with the test.
func tempStore(t *testing.T) *state.Store {
	t.Helper()
	st, _, err := state.Open(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"text/template"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/config"
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
	return reconcile.Options{Now: now, WebURL: "https://github.test",
		Policy: reconcile.Policy{Overlap: config.DefaultOverlap, Lookback: config.DefaultLookback, MaxInvites: -1}}
}

func runOrg(t *testing.T, c *reconciletest.Client, st *state.Store, opts reconcile.Options) (*reconcile.Report, error) {
	t.Helper()
	return reconcile.Org(context.Background(), c, st, org, opts)
}

func person(st *state.Store, id int64) *state.Person { return st.Org(org).People[id] }

// listsOf names the report lists the person with id is in, with a
// comma between them: a person is reported once.
func listsOf(rep *reconcile.Report, id int64) string {
	var in []string
	for _, l := range []struct {
		name    string
		entries []reconcile.Entry
	}{{"invited", rep.Invited}, {"members", rep.Members}, {"pending", rep.Pending}, {"queued", rep.Queued},
		{"counting", rep.Counting}, {"skipped", rep.Skipped}} {
		for _, e := range l.entries {
			if e.ID == id {
				in = append(in, l.name)
			}
		}
	}
	return strings.Join(in, ",")
}

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
		// wantList is the report list the person is in (see listsOf).
		wantList string
	}{
		{name: "invited", wantStatus: state.Invited, wantCreated: 1, wantPosted: 1, wantList: "invited"},
		{name: "already a member", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrAlreadyMember}}
		}, wantStatus: state.Member, wantList: "members"},
		{name: "already invited", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrAlreadyInvited}}
		}, wantStatus: state.Pending, wantList: "pending"},
		{name: "no such user, and GET /user/{id} says 404", setup: func(c *reconciletest.Client) {
			c.Gone[10] = true
		}, wantStatus: state.Skipped, wantReason: "no longer exists", wantList: "skipped"},
		{name: "no such user, but the account exists", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrNoSuchUser}}
		}, wantStatus: state.Queued, wantReason: "still exists", wantErr: "still exists", wantList: "queued"},
		{name: "no such user, and the account lookup fails", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrNoSuchUser}}
			c.Script["UserExists"] = []reconciletest.Step{{Err: errors.New("502")}}
		}, wantStatus: state.Queued, wantReason: "could not be looked up", wantErr: "could not be looked up", wantList: "queued"},
		{name: "invitation limit reached", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.ErrInvitationLimit}}
		}, wantStatus: state.Queued, wantReason: "invitation limit", wantList: "queued"},
		{name: "maybe sent, and it did arrive", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent(), Acts: true}}
		}, wantStatus: state.Invited, wantCreated: 1, wantPosted: 1, wantList: "invited"},
		{name: "maybe sent, it did not arrive: sent once more", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent()}}
		}, wantStatus: state.Invited, wantCreated: 1, wantPosted: 1, wantList: "invited"},
		{name: "maybe sent, and the check fails: stays inviting", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent(), Acts: true}}
			c.Script["Membership"] = []reconciletest.Step{{}, {Err: errors.New("502 Bad Gateway")}}
		}, wantStatus: state.Inviting, wantCreated: 1, wantErr: "may have been carried out", wantList: "queued"},
		{name: "maybe sent twice: stays inviting", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent()}, {Err: maybeSent()}}
		}, wantStatus: state.Inviting, wantErr: "may have been carried out", wantList: "queued"},
		{name: "credentials refused (401)", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: unauthorized}}
		}, wantStatus: state.Queued, wantReason: "401", wantErr: "401", terminal: true, wantList: "queued"},
		{name: "a configured team deleted during the run", teams: []string{"core"}, setup: func(c *reconciletest.Client) {
			c.Teams["core"] = 7
			c.Script["SendInvitation"] = []reconciletest.Step{{Then: func(c *reconciletest.Client) { delete(c.Teams, "core") }}}
		}, wantStatus: state.Queued, wantReason: "team", wantErr: `team "core"`, terminal: true, wantList: "queued"},
		{name: "some other refusal", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: errors.New("422 something new")}}
		}, wantStatus: state.Queued, wantReason: "something new", wantErr: "something new", wantList: "queued"},
		{name: "forbidden (403)", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: reconcile.Terminal(fmt.Errorf("%w: 403 Resource not accessible", reconcile.ErrForbidden))}}
		}, wantStatus: state.Queued, wantReason: "(403)", wantErr: "403", terminal: true, wantList: "queued"},
		{name: "invited, and the welcome fails", setup: func(c *reconciletest.Client) {
			c.Script["Comment"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
		}, wantStatus: state.Invited, wantCreated: 1, wantErr: "502", wantList: "invited"},
		{name: "invited, and the welcome is refused (401)", setup: func(c *reconciletest.Client) {
			c.Script["Comment"] = []reconciletest.Step{{Err: unauthorized}}
		}, wantStatus: state.Invited, wantCreated: 1, wantErr: "401", terminal: true, wantList: "invited"},
		{name: "maybe sent, and the check fails: the error says so", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent()}}
			c.Script["Membership"] = []reconciletest.Step{{}, {Err: errors.New("502 Bad Gateway")}}
		}, wantStatus: state.Inviting, wantErr: "checking whether it arrived failed", wantList: "queued"},
		{name: "maybe sent, and the login now names another account", setup: func(c *reconciletest.Client) {
			c.Script["SendInvitation"] = []reconciletest.Step{{Err: maybeSent()}}
			c.Script["Membership"] = []reconciletest.Step{{}, {Then: func(c *reconciletest.Client) {
				c.Logins["alice"], c.State[99] = 99, reconcile.ActiveMember
			}}}
		}, wantStatus: state.Inviting, wantErr: "now names another account", wantList: "queued"},
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
			if tt.wantPosted == 0 && p.CommentURL != "" {
				t.Errorf("comment %q recorded, but none was posted", p.CommentURL)
			}
			if got := listsOf(rep, 10); got != tt.wantList {
				t.Errorf("reported in %q, want %q", got, tt.wantList)
			}
			if len(rep.Welcomed) != tt.wantPosted {
				t.Errorf("%d reported welcomed, want %d", len(rep.Welcomed), tt.wantPosted)
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
	newcomers(c, 30) // more than one batch
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
	c.State[10] = reconcile.PendingInvitee // run 1's invitation arrived
	st := tempStore(t)
	leftInviting(st, 1, 10, "alice")
	c.Script["Membership"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	c.Verify(t)
	if p := person(st, 10); p.Status != state.Inviting {
		t.Fatalf("after a failed check: %+v, want still inviting", p)
	}
	if n := calls(c, "FindComment"); n != 0 {
		t.Errorf("%d looks for the welcome marker; without the membership no marker can settle it", n)
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
	if n := o.InvitationsSince(now.Add(-24 * time.Hour)); n != 1 {
		t.Errorf("%d invitations count against the daily allowance, want 1", n)
	}
}

// The same answer to the first send of a person an earlier run left
// "inviting" is ours too.
func TestUnsureResendRefusedAsAlreadyMemberIsOurs(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	st := tempStore(t)
	leftInviting(st, 1, 10, "alice")
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
	leftInviting(st, 1, 10, "alice")
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
	leftInviting(st, 1, 10, "alice")
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
	if len(rep.Skipped) != 1 || rep.Skipped[0].Reason != "no user id" || rep.Skipped[0].ID != 0 {
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
	c.State[99] = reconcile.ActiveMember
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
			opts.Policy.DailyInviteLimit = 1
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
	c.State[10] = reconcile.ActiveMember
	c.Comments["trio/trio#1"] = []string{reconcile.WelcomeComment("alice", org, 10, "https://github.test/orgs/trio/invitation")}
	st := tempStore(t)
	leftInviting(st, 1, 10, "alice")
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
	if p := person(st, 10); len(c.Created) != 1 || p.Status != state.Invited || p.PR != nil {
		t.Errorf("%d invitations, recorded %+v; want one, invited, still without a pull request", len(c.Created), p)
	}
	for _, call := range c.Calls {
		if strings.HasPrefix(call, "FindComment") || strings.HasPrefix(call, "Comment") {
			t.Errorf("commented on no pull request: %s", call)
		}
	}
	// Nor is one welcomed whose earlier invitation turns out to have
	// arrived.
	c2 := reconciletest.New()
	c2.State[11] = reconcile.PendingInvitee
	st2 := tempStore(t)
	_ = st2.Update(org, func(o *state.Edit) {
		o.Put(11, &state.Person{Login: "bob", Status: state.Inviting, At: now.Add(-time.Hour)})
	})
	c2.Logins["bob"] = 11
	if _, err := runOrg(t, c2, st2, options()); err != nil {
		t.Fatal(err)
	}
	if p := person(st2, 11); p.Status != state.Invited || calls(c2, "Comment")+calls(c2, "FindComment") != 0 {
		t.Errorf("recorded %+v after calls %q; want invited and no comment", p, c2.Calls)
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

// unsurePending records id as left "inviting" by an earlier run, and makes
// GitHub hold a pending invitation for them: that invitation arrived.
func unsurePending(c *reconciletest.Client, st *state.Store, n int, id int64, login string) {
	c.PRs = append(c.PRs, mergedPR(n, id, login))
	c.State[id] = reconcile.PendingInvitee
	leftInviting(st, n, id, login)
}

// leftInviting records id as left "inviting" an hour ago by an earlier run,
// on trio/trio#n.
func leftInviting(st *state.Store, n int, id int64, login string) {
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(id, &state.Person{Login: login, Status: state.Inviting, At: now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: n, MergedAt: now.Add(-time.Hour)}})
	})
}

// invitedEarlier records id as invited by an earlier run whose welcome was
// never recorded.
func invitedEarlier(st *state.Store, n int, id int64, login string) {
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(id, &state.Person{Login: login, Status: state.Invited, At: now.Add(-48 * time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: n}})
	})
}

func calls(c *reconciletest.Client, method string) int {
	n := 0
	for _, call := range c.Calls {
		if strings.HasPrefix(call, method+" ") {
			n++
		}
	}
	return n
}

// With the welcome comment turned off nobody is welcomed, and the invitees
// of that time are remembered as such: turning comments on later does not
// welcome them after the fact, only those invited while it was on.
func TestNoCommentIsRememberedPerInvitee(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 11, "bob")}
	c.State[11] = reconcile.ActiveMember
	st := tempStore(t)
	unsurePending(c, st, 3, 12, "carol") // an earlier run's invitation arrived
	invitedEarlier(st, 4, 13, "dave")    // invited while comments were on
	opts := options()
	opts.Policy.NoComment = true
	if _, err := runOrg(t, c, st, opts); err != nil {
		t.Fatal(err)
	}
	if c.Posted() != 0 {
		t.Fatalf("%d comments posted with comments off", c.Posted())
	}
	for id, want := range map[int64]bool{10: true, 11: false, 12: true, 13: false} {
		if p := person(st, id); p.NoComment != want {
			t.Errorf("%s: no_comment = %v, want %v (%+v)", p.Login, p.NoComment, want, p)
		}
	}
	opts.Policy.NoComment = false
	opts.Now = now.Add(time.Hour)
	if _, err := runOrg(t, c, st, opts); err != nil {
		t.Fatal(err)
	}
	if got := c.CommentsOn("trio/trio", 4); c.Posted() != 1 || len(got) != 1 {
		t.Errorf("%d comments, %d on dave's pull request; want only dave's welcome", c.Posted(), len(got))
	}
}

// Welcomes an earlier run did not get to post are posted (or found, when
// a run died after posting), recorded, and reported; a refused token stops
// them at the first refusal.
func TestLeftoverWelcomes(t *testing.T) {
	unauthorized := reconcile.Terminal(fmt.Errorf("%w: 401 Bad credentials", reconcile.ErrCredentialsRefused))
	tests := []struct {
		name         string
		setup        func(c *reconciletest.Client)
		wantComments int // Comment calls
		wantWelcomed int // recorded and reported
		wantErr      string
		terminal     bool
		template     string // a welcome template, "" for the standard one
	}{
		{name: "both posted", wantComments: 2, wantWelcomed: 2},
		{name: "one posted by a run that died before saving", setup: func(c *reconciletest.Client) {
			c.Comments["trio/trio#5"] = []string{reconcile.WelcomeComment("erin", org, 5, "https://github.test/orgs/trio/invitation")}
		}, wantComments: 1, wantWelcomed: 2},
		{name: "one fails", setup: func(c *reconciletest.Client) {
			c.Script["Comment"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
		}, wantComments: 2, wantWelcomed: 1, wantErr: "502"},
		{name: "the token is refused", setup: func(c *reconciletest.Client) {
			c.Script["Comment"] = []reconciletest.Step{{Err: unauthorized}}
		}, wantComments: 1, wantWelcomed: 0, wantErr: "401", terminal: true},
		// A look for the marker that fails posts nothing: the comment may
		// be there already.
		{name: "one look for the marker fails", setup: func(c *reconciletest.Client) {
			c.Script["FindComment"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
		}, wantComments: 1, wantWelcomed: 1, wantErr: "502"},
		{name: "the template cannot render", setup: func(c *reconciletest.Client) {}, template: "{{.Nope}}",
			wantComments: 0, wantWelcomed: 0, wantErr: "render the welcome comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reconciletest.New()
			st := tempStore(t)
			invitedEarlier(st, 5, 5, "erin")
			invitedEarlier(st, 6, 6, "finn")
			if tt.setup != nil {
				tt.setup(c)
			}
			opts := options()
			if tt.template != "" {
				opts.Policy.Comment = template.Must(template.New("welcome").Option("missingkey=error").Parse(tt.template))
			}
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
			if len(rep.Errors) > 1 && tt.template == "" { // a template fails for each person
				t.Errorf("%d error lines, want at most one: %q", len(rep.Errors), rep.Errors)
			}
			if n := calls(c, "Comment"); n != tt.wantComments {
				t.Errorf("%d comments tried, want %d", n, tt.wantComments)
			}
			recorded := 0
			for _, id := range []int64{5, 6} {
				if person(st, id).CommentURL != "" {
					recorded++
				}
			}
			if recorded != tt.wantWelcomed || len(rep.Welcomed) != tt.wantWelcomed {
				t.Errorf("%d welcomes recorded and %d reported, want %d", recorded, len(rep.Welcomed), tt.wantWelcomed)
			}
		})
	}
}

// The welcome of an invitation an earlier run sent, which arrived: posted
// like any other, and a refused token stops the rest.
func TestConfirmedInvitationsAreWelcomed(t *testing.T) {
	unauthorized := reconcile.Terminal(fmt.Errorf("%w: 401 Bad credentials", reconcile.ErrCredentialsRefused))
	tests := []struct {
		name         string
		script       []reconciletest.Step
		wantComments int
		wantErr      string
		terminal     bool
	}{
		{name: "both welcomed", wantComments: 2},
		{name: "one welcome fails", script: []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}, wantComments: 2, wantErr: "502"},
		{name: "the token is refused", script: []reconciletest.Step{{Err: unauthorized}}, wantComments: 1, wantErr: "401", terminal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reconciletest.New()
			st := tempStore(t)
			unsurePending(c, st, 1, 10, "alice")
			unsurePending(c, st, 2, 11, "bob")
			c.PRs = append(c.PRs, mergedPR(3, 12, "carol")) // a newcomer
			c.Script["Comment"] = tt.script
			rep, err := runOrg(t, c, st, options())
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
			if n := calls(c, "Comment") - c.Invited(12); n != tt.wantComments {
				t.Errorf("%d welcomes tried for the confirmed invitations, want %d", n, tt.wantComments)
			}
			if tt.terminal && len(c.Created) != 0 {
				t.Errorf("invitations sent after the refusal: %+v", c.Created)
			}
			for _, id := range []int64{10, 11} {
				if p := person(st, id); p.Status != state.Invited || listsOf(rep, id) != "invited" {
					t.Errorf("recorded %+v, reported in %q; want invited", p, listsOf(rep, id))
				}
			}
			if len(rep.Errors) > 1 {
				t.Errorf("%d error lines, want at most one: %q", len(rep.Errors), rep.Errors)
			}
		})
	}
}

// A run interrupted while sending queues the batches it did not get to,
// with the reason.
func TestInterruptedRunQueuesTheRest(t *testing.T) {
	c := reconciletest.New()
	newcomers(c, 25) // more than one batch
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Script["SendInvitation"] = []reconciletest.Step{{Then: func(*reconciletest.Client) { cancel() }}}
	st := tempStore(t)
	rep, _ := reconcile.Org(ctx, c, st, org, options())
	if len(c.Created) != 20 {
		t.Errorf("%d invitations after the interruption in the first batch of 20, want 20", len(c.Created))
	}
	queued := 0
	for _, p := range st.Org(org).People {
		if p.Status == state.Queued && strings.Contains(p.Reason, "interrupted") {
			queued++
		}
	}
	if queued != 5 || len(rep.Queued) != 5 {
		t.Errorf("%d queued as interrupted, %d reported queued; want 5", queued, len(rep.Queued))
	}
}

// An invitation stopped before it went (the run is interrupted while it
// waits for its second of spacing) is certainly not sent: its person is
// queued, not left "inviting" for the next run to look up, nothing is
// looked up now, and nobody after them is sent.
func TestNotSentInvitationIsQueuedNotUnsure(t *testing.T) {
	c := reconciletest.New()
	newcomers(c, 4)
	c.Script["SendInvitation"] = []reconciletest.Step{{}, {Err: fmt.Errorf("%w: interrupted", reconcile.ErrNotSent)}}
	st := tempStore(t)
	rep, _ := runOrg(t, c, st, options())
	if n := calls(c, "SendInvitation"); n != 2 || len(c.Created) != 1 {
		t.Errorf("%d invitations tried, %d made; want 2 and 1", n, len(c.Created))
	}
	if n := calls(c, "Membership"); n != 0 {
		t.Errorf("%d membership look-ups for a request that never went", n)
	}
	queued := 0
	for _, p := range st.Org(org).People {
		if p.Status == state.Inviting {
			t.Errorf("%s left inviting", p.Login)
		}
		if p.Status == state.Queued && strings.Contains(p.Reason, "interrupted") {
			queued++
		}
	}
	if queued != 3 || len(rep.Queued) != 3 {
		t.Errorf("%d queued as interrupted, %d reported queued; want 3", queued, len(rep.Queued))
	}
}

// When GitHub's invitation limit is reached, the report says how many
// people wait for it.
func TestInvitationLimitWarningCountsTheWaiting(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 11, "bob"), mergedPR(3, 12, "carol"), mergedPR(4, 13, "dave")}
	c.State[13] = reconcile.ActiveMember
	c.Script["SendInvitation"] = []reconciletest.Step{{}, {Err: reconcile.ErrInvitationLimit}}
	rep, err := runOrg(t, c, tempStore(t), options())
	if err != nil {
		t.Fatal(err)
	}
	c.Verify(t)
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], ": 2 people wait") {
		t.Errorf("warnings %q, want one saying 2 people wait", rep.Warnings)
	}
	if len(c.Created) != 1 || len(rep.Queued) != 2 {
		t.Errorf("%d invited, %d queued; want 1 and 2", len(c.Created), len(rep.Queued))
	}
}

// breakableStore is a state file in a temporary directory, and a function
// that makes every later write of it fail, as on a full disk.
func breakableStore(t *testing.T) (*state.Store, func()) {
	t.Helper()
	st := tempStore(t)
	var broken atomic.Bool
	st.InjectFault(func(string) error {
		if broken.Load() {
			return errors.New("no space left on device")
		}
		return nil
	})
	return st, func() { broken.Store(true) }
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

// Nothing is sent that is not written down: when the state cannot be
// saved, apply stops before the next request that would change something
// on GitHub, and the cursor stays (no "save cursor" attempt).
func TestSaveFailuresStopTheSending(t *testing.T) {
	// sends scripts n-1 plain invitations and then last.
	sends := func(n int, last reconciletest.Step) []reconciletest.Step {
		return append(make([]reconciletest.Step, n-1), last)
	}
	tests := []struct {
		name string
		// setup scripts the client; brk breaks the store when called.
		setup        func(c *reconciletest.Client, st *state.Store, brk func())
		wantCreated  int
		wantComments int
		wantErrs     []string // one error line each, in any order
		wantInviting int      // people left "inviting" for the next run to check
	}{
		{name: "the first save fails: nothing is sent", setup: func(c *reconciletest.Client, _ *state.Store, brk func()) {
			newcomers(c, 2)
			c.PRs = append(c.PRs, mergedPR(9, 9, "member"))
			c.State[9] = reconcile.ActiveMember
			c.Script["Memberships"] = []reconciletest.Step{{Then: func(*reconciletest.Client) { brk() }}}
		}, wantErrs: []string{"record members and pending invitations"}},
		{name: "the save before a batch fails: that batch is not sent", setup: func(c *reconciletest.Client, _ *state.Store, brk func()) {
			newcomers(c, 25)
			c.Script["SendInvitation"] = sends(20, reconciletest.Step{Then: func(*reconciletest.Client) { brk() }})
		}, wantCreated: 20, wantComments: 20, wantInviting: 20,
			wantErrs: []string{"record the outcome of 20 invitations", "record invitations about to be sent"}},
		{name: "queueing the rest fails", setup: func(c *reconciletest.Client, _ *state.Store, brk func()) {
			newcomers(c, 25)
			c.Script["SendInvitation"] = sends(20, reconciletest.Step{Err: reconcile.ErrInvitationLimit, Then: func(*reconciletest.Client) { brk() }})
		}, wantCreated: 19, wantComments: 19, wantInviting: 20,
			wantErrs: []string{"record the outcome of 20 invitations", "queue 5 people"}},
		{name: "recording a confirmed invitation fails: not welcomed", setup: func(c *reconciletest.Client, st *state.Store, brk func()) {
			unsurePending(c, st, 1, 10, "alice")
			unsurePending(c, st, 2, 11, "bob")
			c.Script["FindComment"] = []reconciletest.Step{{Then: func(*reconciletest.Client) { brk() }}}
		}, wantComments: 1, wantInviting: 1,
			// bob stays "inviting", which the next run checks: everyone
			// is written down, so the cursor may move (but cannot be saved).
			wantErrs: []string{"record 1 welcome comments", "record bob as invited", "save cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reconciletest.New()
			st, brk := breakableStore(t)
			tt.setup(c, st, brk)
			rep, err := runOrg(t, c, st, options())
			c.Verify(t)
			if err == nil {
				t.Fatal("no error")
			}
			if len(rep.Errors) != len(tt.wantErrs) {
				t.Errorf("errors %q, want %d: %q", rep.Errors, len(tt.wantErrs), tt.wantErrs)
			}
			for _, want := range tt.wantErrs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error = %v, want one saying %q", err, want)
				}
			}
			if len(c.Created) != tt.wantCreated || c.Posted() != tt.wantComments {
				t.Errorf("%d invitations and %d comments, want %d and %d", len(c.Created), c.Posted(), tt.wantCreated, tt.wantComments)
			}
			o := st.Org(org)
			inviting := 0
			for _, p := range o.People {
				if p.Status == state.Inviting {
					inviting++
				}
			}
			if inviting != tt.wantInviting {
				t.Errorf("%d people left inviting, want %d", inviting, tt.wantInviting)
			}
			if !o.Cursor.IsZero() {
				t.Errorf("cursor moved to %v", o.Cursor)
			}
		})
	}
}

// A search that fails fails the organization: nothing is decided on a
// partial read, and the cursor stays.
func TestSearchFailureLeavesTheCursor(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.Script["SearchMerged"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
	st := tempStore(t)
	cursor := now.Add(-2 * time.Hour)
	_ = st.Update(org, func(o *state.Edit) { o.SetCursor(cursor) })
	rep, err := runOrg(t, c, st, options())
	if err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("error = %v, want the search's", err)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "502") {
		t.Errorf("report errors %q, want the search's", rep.Errors)
	}
	if got := st.Org(org).Cursor; !got.Equal(cursor) || len(c.Created) != 0 || len(st.Org(org).People) != 0 {
		t.Errorf("cursor %v, %d invitations, people %v; want the cursor kept and nothing done", got, len(c.Created), st.Org(org).People)
	}
}

// A run interrupted while it posts leftover welcomes stops posting them.
func TestInterruptedRunStopsWelcoming(t *testing.T) {
	c := reconciletest.New()
	st := tempStore(t)
	invitedEarlier(st, 5, 5, "erin")
	invitedEarlier(st, 6, 6, "finn")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Script["Comment"] = []reconciletest.Step{{Then: func(*reconciletest.Client) { cancel() }}}
	rep, _ := reconcile.Org(ctx, c, st, org, options())
	if n := calls(c, "Comment"); n != 1 || len(rep.Welcomed) != 1 {
		t.Errorf("%d comments and %d reported after the interruption, want the one", n, len(rep.Welcomed))
	}
}

// pointClient counts GraphQL points like ghapi.Client: three a search.
type pointClient struct {
	*reconciletest.Client
	points int
}

func (p *pointClient) GraphQLPoints() int { return p.points }

func (p *pointClient) SearchMerged(ctx context.Context, org string, q reconcile.SearchQuery, cursor string) (reconcile.SearchPage, error) {
	p.points += 3
	return p.Client.SearchMerged(ctx, org, q, cursor)
}

// The report counts the points this organization's run spent, not the
// client's total.
func TestReportCountsThisRunsPoints(t *testing.T) {
	c := &pointClient{Client: reconciletest.New(), points: 100}
	rep, err := reconcile.Org(context.Background(), c, tempStore(t), org, options())
	if err != nil {
		t.Fatal(err)
	}
	if rep.GraphQLPoints != 3 {
		t.Errorf("report says %d points, want 3", rep.GraphQLPoints)
	}
}

// A team lookup that fails (not "no such team") fails the organization
// before anything is read or sent, and is not terminal.
func TestTeamLookupFailureFailsTheOrg(t *testing.T) {
	c := reconciletest.New()
	c.Teams["core"] = 7
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	c.Script["TeamID"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
	opts := options()
	opts.Policy.Teams = []string{"core"}
	_, err := runOrg(t, c, tempStore(t), opts)
	if err == nil || !strings.Contains(err.Error(), "502") || reconcile.IsTerminal(err) {
		t.Errorf("error = %v, want the transient 502", err)
	}
	if len(c.Calls) != 1 {
		t.Errorf("calls %q, want only the team lookup", c.Calls)
	}
}

// More candidates than listing pages: the lists are read once instead of
// one look-up each; when the listing fails, the organization fails and
// nothing is recorded or sent.
func TestMembershipListing(t *testing.T) {
	for _, fail := range []bool{false, true} {
		c := reconciletest.New()
		c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 11, "bob"), mergedPR(3, 12, "carol")}
		c.State[11] = reconcile.ActiveMember
		if fail {
			c.Script["Memberships"] = []reconciletest.Step{{Err: errors.New("502 Bad Gateway")}}
		}
		st := tempStore(t)
		_, err := runOrg(t, c, st, options())
		c.Verify(t)
		if calls(c, "Memberships") != 1 || calls(c, "Membership") != 0 {
			t.Errorf("fail=%v: calls %q, want one listing and no look-ups", fail, c.Calls)
		}
		switch {
		case !fail && (err != nil || len(c.Created) != 2 || person(st, 11).Status != state.Member):
			t.Errorf("error %v, %d invited, bob %+v; want alice and carol invited, bob a member", err, len(c.Created), person(st, 11))
		case fail && (err == nil || len(c.Created) != 0 || len(st.Org(org).People) != 0 || !st.Org(org).Cursor.IsZero()):
			t.Errorf("after a failed listing: error %v, %d invited, people %v", err, len(c.Created), st.Org(org).People)
		}
	}
}

// A run interrupted while it reads membership or looks for markers stops
// there: nothing is planned on the half it read.
func TestInterruptedWhileReading(t *testing.T) {
	for _, method := range []string{"Membership", "FindComment"} {
		t.Run(method, func(t *testing.T) {
			c := reconciletest.New()
			st := tempStore(t)
			leftInviting(st, 1, 10, "alice")
			c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 11, "bob")}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c.Script[method] = []reconciletest.Step{{Err: context.Canceled, Then: func(*reconciletest.Client) { cancel() }}}
			_, err := reconcile.Org(ctx, c, st, org, options())
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error = %v, want the interruption", err)
			}
			if o := st.Org(org); len(o.People) != 1 || o.People[10].Status != state.Inviting || len(c.Created) != 0 {
				t.Errorf("people %v, %d invited; want only alice, still inviting", o.People, len(c.Created))
			}
		})
	}
}

// min_merged_prs counts the merged pull requests of newcomers only (not
// members, not people queued earlier), in one request, and only from 2 on.
func TestMinMergedPRsAtOrgLevel(t *testing.T) {
	tests := []struct {
		name      string
		min       int
		countErr  error
		onlyKnown bool // every author is a member
		wantCalls []string
		wantErr   string
	}{
		{name: "two", min: 2, wantCalls: []string{"CountMerged alice,bob"}},
		{name: "one asks for nothing", min: 1},
		{name: "nobody to count", min: 2, onlyKnown: true},
		{name: "the count fails", min: 2, countErr: errors.New("502 Bad Gateway"), wantCalls: []string{"CountMerged alice,bob"}, wantErr: "502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reconciletest.New()
			st := tempStore(t)
			c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 10, "alice"), mergedPR(3, 11, "bob"), mergedPR(4, 12, "carol")}
			c.State[12] = reconcile.ActiveMember
			if tt.onlyKnown {
				c.State[10], c.State[11] = reconcile.ActiveMember, reconcile.ActiveMember
			}
			_ = st.Update(org, func(o *state.Edit) {
				o.Put(13, &state.Person{Login: "dave", Status: state.Queued, At: now.Add(-time.Hour),
					PR: &state.PRRef{Repo: "trio/trio", Number: 5}})
			})
			if tt.countErr != nil {
				c.Script["CountMerged"] = []reconciletest.Step{{Err: tt.countErr}}
			}
			opts := options()
			opts.Policy.MinMergedPRs = tt.min
			_, err := runOrg(t, c, st, opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
			}
			var got []string
			for _, call := range c.Calls {
				if strings.HasPrefix(call, "CountMerged") {
					got = append(got, call)
				}
			}
			if strings.Join(got, ";") != strings.Join(tt.wantCalls, ";") {
				t.Errorf("calls %q, want %q", got, tt.wantCalls)
			}
			if tt.wantErr != "" {
				if len(c.Created) != 0 {
					t.Errorf("%d invited after the count failed", len(c.Created))
				}
				return
			}
			want := map[int64]state.Status{10: state.Invited, 11: state.Invited, 12: state.Member, 13: state.Invited}
			if tt.min == 2 && !tt.onlyKnown {
				want[11] = state.Counting // one merged pull request of two
			}
			if tt.onlyKnown {
				want[10], want[11] = state.Member, state.Member
			}
			for id, w := range want {
				if p := person(st, id); p == nil || p.Status != w {
					t.Errorf("person %d recorded %+v, want %s", id, p, w)
				}
			}
		})
	}
}

// A dry run sends nothing and writes nothing, and reports what a real run
// would do, including the cursor it would leave.
func TestDryRunChangesNothing(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
	st := tempStore(t)
	invitedEarlier(st, 5, 5, "erin")
	before := st.Org(org)
	opts := options()
	opts.DryRun = true
	rep, err := runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range c.Calls {
		if strings.HasPrefix(call, "SendInvitation") || strings.HasPrefix(call, "Comment") {
			t.Errorf("a dry run called %s", call)
		}
	}
	if diff := cmp.Diff(before, st.Org(org)); diff != "" {
		t.Errorf("a dry run changed the state (-before +after):\n%s", diff)
	}
	if len(rep.Invited) != 1 || len(rep.Welcomed) != 1 || !rep.Cursor.Equal(now) {
		t.Errorf("report: invited %+v, welcomed %+v, cursor %v; want alice, erin and %v", rep.Invited, rep.Welcomed, rep.Cursor, now)
	}
}

// A known person whose pull request shows a new login is recorded under it.
func TestRenamedLoginIsRecorded(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "new-name")}
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(10, &state.Person{Login: "old-name", Status: state.Member, At: now.Add(-48 * time.Hour)})
	})
	if _, err := runOrg(t, c, st, options()); err != nil {
		t.Fatal(err)
	}
	if p := person(st, 10); p.Login != "new-name" || p.Status != state.Member {
		t.Errorf("recorded %+v, want the new login", p)
	}
}

// Newcomers and members need no look for the welcome marker: only people
// an earlier run left unsure do.
func TestNewcomersNeedNoMarkerLook(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 11, "bob")}
	c.State[11] = reconcile.ActiveMember
	if _, err := runOrg(t, c, tempStore(t), options()); err != nil {
		t.Fatal(err)
	}
	if n := calls(c, "FindComment"); n != 0 {
		t.Errorf("%d looks for the marker: %q", n, c.Calls)
	}
}

// reinvite_expired_after: the failed invitations are read only when it is
// set and someone recorded as invited has a pull request in the window.
func TestReinviteExpiredAtOrgLevel(t *testing.T) {
	expired := []reconcile.FailedInvitation{{Login: "alice", FailedAt: now.Add(-60 * 24 * time.Hour), Reason: "expired"}}
	tests := []struct {
		name        string
		after       time.Duration
		status      state.Status // alice's recorded status
		alicePR     bool
		listErr     error
		wantListed  int
		wantCreated int // invitations to alice
		wantErr     string
	}{
		{name: "expired long ago: invited again", after: 30 * 24 * time.Hour, status: state.Invited, alicePR: true, wantListed: 1, wantCreated: 1},
		{name: "option off", status: state.Invited, alicePR: true},
		{name: "alice has no pull request in the window", after: 30 * 24 * time.Hour, status: state.Invited},
		{name: "alice is recorded a member", after: 30 * 24 * time.Hour, status: state.Member, alicePR: true},
		{name: "the listing fails", after: 30 * 24 * time.Hour, status: state.Invited, alicePR: true, listErr: errors.New("502 Bad Gateway"),
			wantListed: 1, wantErr: "502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reconciletest.New()
			c.Failed = expired
			c.PRs = []reconcile.PullRequest{mergedPR(2, 11, "bob")}
			if tt.alicePR {
				c.PRs = append(c.PRs, mergedPR(1, 10, "alice"))
			}
			if tt.listErr != nil {
				c.Script["FailedInvitations"] = []reconciletest.Step{{Err: tt.listErr}}
			}
			st := tempStore(t)
			_ = st.Update(org, func(o *state.Edit) {
				o.Put(10, &state.Person{Login: "alice", Status: tt.status, At: now.Add(-90 * 24 * time.Hour)})
			})
			opts := options()
			opts.Policy.ReinviteExpiredAfter = tt.after
			_, err := runOrg(t, c, st, opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
			}
			if n := calls(c, "FailedInvitations"); n != tt.wantListed {
				t.Errorf("failed invitations listed %d times, want %d", n, tt.wantListed)
			}
			if n := c.Invited(10); n != tt.wantCreated {
				t.Errorf("alice invited %d times, want %d", n, tt.wantCreated)
			}
		})
	}
}

// newcomers adds n pull requests by n people never seen, ids 100 up.
func newcomers(c *reconciletest.Client, n int) {
	for i := range n {
		c.PRs = append(c.PRs, mergedPR(i+1, int64(100+i), fmt.Sprint("u", i)))
	}
}

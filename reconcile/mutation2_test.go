package reconcile_test

// Tests written for the second mutation sweep of reconcile
// (docs/MUTATION.md): branches only cmd's
// end-to-end tests reached before.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/reconciletest"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// welcomedInvitee records id as invited ago, welcomed on trio/trio#n.
func welcomedInvitee(st *state.Store, id int64, login string, n int, ago time.Duration, renewed bool) {
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(id, &state.Person{Login: login, Status: state.Invited, At: now.Add(-ago), Renewed: renewed,
			PR: &state.PRRef{Repo: "trio/trio", Number: n}, CommentURL: "https://github.test/c/" + login})
	})
}

// entryOf is the report entry of login in entries, or nil.
func entryOf(entries []reconcile.Entry, login string) *reconcile.Entry {
	for i := range entries {
		if entries[i].Login == login {
			return &entries[i]
		}
	}
	return nil
}

// TestFatesAreReportedAndRecorded reaches each fate an open invitation can
// meet in a run: accepted, expired (renewed once under renew_expired, but
// not a second time, nor for someone excluded since), declined, still
// pending for a day or more (reported) or less (not).
func TestFatesAreReportedAndRecorded(t *testing.T) {
	day := 24 * time.Hour
	c := reconciletest.New()
	st := tempStore(t)
	welcomedInvitee(st, 1, "acc", 1, 3*day, false)
	welcomedInvitee(st, 2, "exp", 2, 9*day, false)
	welcomedInvitee(st, 3, "again", 3, 9*day, true)
	welcomedInvitee(st, 4, "banned", 4, 9*day, false)
	welcomedInvitee(st, 5, "dec", 5, 2*day, false)
	welcomedInvitee(st, 6, "pend", 6, 4*day+time.Hour, false)
	welcomedInvitee(st, 7, "fresh", 7, day-time.Minute, false)
	welcomedInvitee(st, 8, "edge", 8, day, false)
	c.State[1] = reconcile.ActiveMember
	c.State[6], c.State[7], c.State[8] = reconcile.PendingInvitee, reconcile.PendingInvitee, reconcile.PendingInvitee
	for _, l := range []string{"exp", "again", "banned"} {
		c.Failed = append(c.Failed, reconcile.FailedInvitation{Login: l, FailedAt: now.Add(-2 * day), Reason: "Invitation expired. User did not accept this invite for 7 days."})
	}
	opts := options()
	opts.Policy.RenewExpired = true
	opts.Policy.Exclude = []string{"ban*"}
	rep, err := runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if e := entryOf(rep.Accepted, "acc"); e == nil || e.Reason != "invited 2026-11-17" || e.PR == nil || e.PR.URL != "https://github.test/trio/trio/pull/1" {
		t.Errorf("accepted: %+v", e)
	}
	if p := person(st, 1); p.Status != state.Accepted || !p.At.Equal(now) || !p.InvitedAt.Equal(now.Add(-3*day)) {
		t.Errorf("acc recorded as %+v", p)
	}
	if e := entryOf(rep.Expired, "exp"); e == nil || e.Reason != "invited 2026-11-11, expired 2026-11-18 unanswered; inviting again, once (renew_expired: once)" {
		t.Errorf("expired: %+v", e)
	}
	if p := person(st, 2); !p.Renewed || c.Invited(2) != 1 || p.CommentURL != "https://github.test/c/exp" || p.NoComment || c.Posted() != 0 {
		t.Errorf("exp recorded as %+v, invited %d times, %d comments; want renewed, invited again, with the first welcome kept", p, c.Invited(2), c.Posted())
	}
	for _, id := range []int64{3, 4} {
		p := person(st, id)
		if e := entryOf(rep.Expired, p.Login); e == nil || e.Reason != "invited 2026-11-11, expired 2026-11-18 unanswered" {
			t.Errorf("expired %s: %+v", p.Login, e)
		}
		if p.Status != state.Expired || !p.At.Equal(now.Add(-2*day)) || c.Invited(id) != 0 {
			t.Errorf("%s recorded as %+v, invited %d times; want expired, not invited", p.Login, p, c.Invited(id))
		}
	}
	if e := entryOf(rep.Declined, "dec"); e == nil || !strings.HasPrefix(e.Reason, "declined, or cancelled") {
		t.Errorf("declined: %+v", e)
	}
	if p := person(st, 5); p.Status != state.Failed {
		t.Errorf("dec recorded as %+v", p)
	}
	if e := entryOf(rep.StillPending, "pend"); e == nil || e.PendingDays != 4 ||
		e.Reason != "invited 4 days ago (2026-11-16), not accepted yet; GitHub lets an invitation expire after 7 days" {
		t.Errorf("still pending: %+v", e)
	}
	if e := entryOf(rep.StillPending, "edge"); e == nil || e.PendingDays != 1 {
		t.Errorf("pending exactly a day: %+v", e)
	}
	if e := entryOf(rep.StillPending, "fresh"); e != nil {
		t.Errorf("pending under a day reported: %+v", e)
	}
	for _, id := range []int64{6, 7, 8} {
		if p := person(st, id); p.Status != state.Invited {
			t.Errorf("%d recorded as %+v, want still invited", id, p)
		}
	}
	if calls(c, "FailedInvitations") != 1 {
		t.Errorf("failed invitations read %d times, want once", calls(c, "FailedInvitations"))
	}
}

// TestFatesInADryRun: a dry run reports the fates, says a renewal "would"
// be sent, and records nothing.
func TestFatesInADryRun(t *testing.T) {
	c := reconciletest.New()
	st := tempStore(t)
	welcomedInvitee(st, 2, "exp", 2, 9*24*time.Hour, false)
	c.Failed = []reconcile.FailedInvitation{{Login: "exp", FailedAt: now.Add(-time.Hour), Reason: "Invitation expired."}}
	opts := options()
	opts.Policy.RenewExpired, opts.DryRun = true, true
	rep, err := runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if e := entryOf(rep.Expired, "exp"); e == nil || !strings.HasSuffix(e.Reason, "; would be invited again, once (renew_expired: once)") {
		t.Errorf("expired: %+v", e)
	}
	if p := person(st, 2); p.Status != state.Invited || c.Invited(2) != 0 {
		t.Errorf("a dry run recorded %+v, invited %d times", p, c.Invited(2))
	}
}

// TestFatesUnreadable: when the memberships of the open invitations or the
// failed invitations cannot be read, the organization fails, naming what.
func TestFatesUnreadable(t *testing.T) {
	for _, tc := range []struct{ method, want string }{
		{"Memberships", "check the membership of people invited in the last 30d"},
		{"FailedInvitations", "list failed invitations of trio"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			c := reconciletest.New()
			st := tempStore(t)
			for id := int64(1); id <= 3; id++ { // enough to list the members
				welcomedInvitee(st, id, fmt.Sprint("p", id), int(id), 9*24*time.Hour, false)
			}
			boom := errors.New("boom")
			c.Script[tc.method] = []reconciletest.Step{{Err: boom}}
			_, err := runOrg(t, c, st, options())
			if !errors.Is(err, boom) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
			if p := person(st, 2); p.Status != state.Invited {
				t.Errorf("recorded %+v", p)
			}
		})
	}
}

// creditClient records whether each search asked for commit authors.
type creditClient struct {
	*reconciletest.Client
	asked []bool
}

func (c *creditClient) SearchMerged(ctx context.Context, org string, q reconcile.SearchQuery, cursor string) (reconcile.SearchPage, error) {
	c.asked = append(c.asked, q.CoAuthors)
	return c.Client.SearchMerged(ctx, org, q, cursor)
}

// TestCreditIsAskedForAndReported: with co_authors on, the search asks for
// the commits' authors, and the report warns of commits left unread; the
// authors with no account are logged. Off, none of it.
func TestCreditIsAskedForAndReported(t *testing.T) {
	for _, tc := range []struct {
		on         bool
		unresolved int
	}{{false, 1}, {true, 1}, {true, 0}} {
		on := tc.on
		t.Run(fmt.Sprint("co_authors ", on, " unresolved ", tc.unresolved), func(t *testing.T) {
			c := &creditClient{Client: reconciletest.New()}
			full, cut, plain := mergedPR(1, 10, "ann"), mergedPR(2, 11, "bob"), mergedPR(3, 12, "cat")
			full.Credit = &reconcile.Credit{Commits: 3, Read: 3, Unresolved: tc.unresolved}
			cut.Credit = &reconcile.Credit{Commits: 300, Read: 250, Cut: 2}
			c.PRs = []reconcile.PullRequest{full, cut, plain}
			h := &logRecords{}
			opts := options()
			opts.Policy.CoAuthors, opts.Logger = on, slog.New(h)
			rep, err := reconcile.Org(context.Background(), c, tempStore(t), org, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.asked) != 1 || c.asked[0] != on {
				t.Errorf("searches asked for co-authors: %v, want [%v]", c.asked, on)
			}
			want := []string{}
			if on {
				want = []string{"trio/trio#2: co-authors of the first 250 of 300 commits considered; 2 commits have more authors than were read"}
			}
			if !slices.Equal(rep.Warnings, want) {
				t.Errorf("warnings %q, want %q", rep.Warnings, want)
			}
			r := h.find("commit authors with no GitHub account (an unknown address, or a bot's) are not credited")
			if (r != nil) != (on && tc.unresolved > 0) || (r != nil && r["authors"] != "1") {
				t.Errorf("unresolved authors logged: %v", r)
			}
		})
	}
}

// TestCoAuthorIsInvitedAndRecordedAsOne: with co_authors on, a co-author
// is invited, recorded as a co-author of the pull request, and welcomed
// as one.
func TestCoAuthorIsInvitedAndRecordedAsOne(t *testing.T) {
	c := reconciletest.New()
	pr := mergedPR(1, 10, "ann")
	pr.Credit = &reconcile.Credit{Commits: 1, Read: 1, CoAuthors: []reconcile.Author{{Type: "User", ID: 20, Login: "bea"}}}
	c.PRs = []reconcile.PullRequest{pr}
	st := tempStore(t)
	opts := options()
	opts.Policy.CoAuthors = true
	if _, err := runOrg(t, c, st, opts); err != nil {
		t.Fatal(err)
	}
	if p := person(st, 20); p == nil || p.Status != state.Invited || !p.CoAuthor || p.PR == nil {
		t.Errorf("bea recorded as %+v", p)
	}
	if p := person(st, 10); p == nil || p.CoAuthor {
		t.Errorf("ann recorded as %+v", p)
	}
	var forBea, forAnn int
	for _, b := range c.CommentsOn("trio/trio", 1) {
		if strings.HasPrefix(b, "Hi @bea, you're credited as a co-author of this pull request") {
			forBea++
		}
		if strings.HasPrefix(b, "Hi @ann, thank you for this contribution") {
			forAnn++
		}
	}
	if forBea != 1 || forAnn != 1 {
		t.Errorf("welcomes %q", c.CommentsOn("trio/trio", 1))
	}
}

// TestFailedInvitationsAreReadOnceForFatesAndReinvites: the failed
// invitations read to learn the fates serve reinvite_expired_after too,
// which invites again the author whose invitation, older than the fates
// look back, expired long enough ago; a failure of someone not in the
// window is ignored.
func TestFailedInvitationsAreReadOnceForFatesAndReinvites(t *testing.T) {
	day := 24 * time.Hour
	c := reconciletest.New()
	st := tempStore(t)
	welcomedInvitee(st, 2, "exp", 2, 9*day, false)
	welcomedInvitee(st, 3, "old", 3, 40*day, false)
	c.PRs = []reconcile.PullRequest{mergedPR(9, 3, "old")}
	c.Failed = []reconcile.FailedInvitation{
		{Login: "exp", FailedAt: now.Add(-2 * day), Reason: "Invitation expired."},
		{Login: "old", FailedAt: now.Add(-33 * day), Reason: "Invitation expired."},
		{Login: "gone", FailedAt: now.Add(-33 * day), Reason: "Invitation expired."},
	}
	opts := options()
	opts.Policy.ReinviteExpiredAfter = 10 * day
	rep, err := runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := calls(c, "FailedInvitations"); n != 1 {
		t.Errorf("failed invitations read %d times, want once", n)
	}
	if p := person(st, 2); p.Status != state.Expired || c.Invited(2) != 0 {
		t.Errorf("exp: %+v, invited %d times", p, c.Invited(2))
	}
	e := entryOf(rep.Invited, "old")
	if c.Invited(3) != 1 || e == nil || !strings.Contains(e.Reason, "their invitation expired on 2026-10-18; inviting again (reinvite_expired_after 10d)") {
		t.Errorf("old: invited %d times, entry %+v", c.Invited(3), e)
	}
}

// hidingClient serves, besides its pull requests, results the credentials
// may not see (GitHub's null nodes).
type hidingClient struct {
	*reconciletest.Client
	hidden int
}

func (c *hidingClient) SearchMerged(ctx context.Context, org string, q reconcile.SearchQuery, cursor string) (reconcile.SearchPage, error) {
	p, err := c.Client.SearchMerged(ctx, org, q, cursor)
	p.Hidden = c.hidden
	return p, err
}

// TestSearchNotesAreWarnedAndQuickReadsNotLoggedAsSlow: what the search
// left out is a warning of the report, logged too; a read that took well
// under the five seconds between progress lines logs none.
func TestSearchNotesAreWarnedAndQuickReadsNotLoggedAsSlow(t *testing.T) {
	for _, hidden := range []int{0, 2} {
		c := &hidingClient{Client: reconciletest.New(), hidden: hidden}
		c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "ann")}
		h := &logRecords{}
		opts := options()
		opts.Logger = slog.New(h)
		rep, err := reconcile.Org(context.Background(), c, tempStore(t), org, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := "search served 2 pull requests that these credentials cannot see (null results); their authors were not read"
		if hidden == 0 && len(rep.Warnings) != 0 || hidden > 0 && (!slices.Equal(rep.Warnings, []string{want}) || h.find(want) == nil) {
			t.Errorf("hidden %d: warnings %q", hidden, rep.Warnings)
		}
		if r := h.find("still reading merged pull requests"); r != nil {
			t.Errorf("a quick read logged progress: %v", r)
		}
	}
}

// TestExpiredLongEnoughAgoIsInvitedAgain: someone recorded as expired is
// invited again on a new pull request once reinvite_expired_after has
// passed since the expiry, not before.
func TestExpiredLongEnoughAgoIsInvitedAgain(t *testing.T) {
	day := 24 * time.Hour
	c := reconciletest.New()
	st := tempStore(t)
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(4, &state.Person{Login: "long", Status: state.Expired, At: now.Add(-10 * day), PR: &state.PRRef{Repo: "trio/trio", Number: 1}})
		o.Put(5, &state.Person{Login: "soon", Status: state.Expired, At: now.Add(-10*day + time.Second), PR: &state.PRRef{Repo: "trio/trio", Number: 2}})
	})
	c.PRs = []reconcile.PullRequest{mergedPR(8, 4, "long"), mergedPR(9, 5, "soon")}
	opts := options()
	opts.Policy.ReinviteExpiredAfter = 10 * day
	rep, err := runOrg(t, c, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	e := entryOf(rep.Invited, "long")
	if c.Invited(4) != 1 || e == nil || !strings.Contains(e.Reason, "their invitation expired on 2026-11-10; inviting again (reinvite_expired_after 10d)") {
		t.Errorf("long: invited %d times, entry %+v", c.Invited(4), e)
	}
	if c.Invited(5) != 0 || calls(c, "FailedInvitations") != 0 {
		t.Errorf("soon invited %d times; failed invitations read %d times", c.Invited(5), calls(c, "FailedInvitations"))
	}
}

// TestDryRunSaysWhoWouldGoUnwelcomedForAnOldPullRequest: under
// comment.max_age, a dry run's invitation on an old pull request says it
// would be sent without a welcome, and previews none; someone already a
// member is reported without that.
func TestDryRunSaysWhoWouldGoUnwelcomedForAnOldPullRequest(t *testing.T) {
	c := reconciletest.New()
	ann, bob := mergedPR(1, 10, "ann"), mergedPR(2, 11, "bob")
	ann.MergedAt, bob.MergedAt = now.Add(-3*24*time.Hour), now.Add(-3*24*time.Hour)
	ann.CreatedAt, bob.CreatedAt = ann.MergedAt.Add(-time.Hour), bob.MergedAt.Add(-time.Hour)
	c.PRs = []reconcile.PullRequest{ann, bob}
	c.State[11] = reconcile.ActiveMember
	opts := options()
	opts.DryRun, opts.Policy.CommentMaxAge = true, 24*time.Hour
	rep, err := runOrg(t, c, tempStore(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	e := entryOf(rep.Invited, "ann")
	if e == nil || e.Reason != "no welcome: the pull request was merged 3 days ago (comment.max_age 1d)" || e.Welcome != "" {
		t.Errorf("ann: %+v", e)
	}
	if e := entryOf(rep.Members, "bob"); e == nil || strings.Contains(e.Reason, "no welcome") {
		t.Errorf("bob: %+v", e)
	}
}

// TestFatesUnrecorded: when what became of the invitations cannot be
// written, the organization fails saying so, before anyone is invited.
func TestFatesUnrecorded(t *testing.T) {
	c := reconciletest.New()
	st, breakIt := breakableStore(t)
	welcomedInvitee(st, 1, "acc", 1, 3*24*time.Hour, false)
	c.State[1] = reconcile.ActiveMember
	c.PRs = []reconcile.PullRequest{mergedPR(2, 10, "new")}
	breakIt()
	_, err := runOrg(t, c, st, options())
	if err == nil || !strings.Contains(err.Error(), "record what became of 1 invitations: ") || c.Invited(10) != 0 {
		t.Errorf("error %v, new invited %d times", err, c.Invited(10))
	}
}

// TestInviteBudgetTie: when --max-invites and what is left of the daily
// limit allow as many invitations, those who wait are told of
// --max-invites, the run's own cap.
func TestInviteBudgetTie(t *testing.T) {
	c := reconciletest.New()
	c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "ann"), mergedPR(2, 11, "bob")}
	opts := options()
	opts.Policy.MaxInvites, opts.Policy.DailyInviteLimit = 1, 1
	rep, err := runOrg(t, c, tempStore(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Invited) != 1 || len(rep.Queued) != 1 || rep.Queued[0].Reason != "--max-invites 1 reached for this run" {
		t.Errorf("invited %+v, queued %+v", rep.Invited, rep.Queued)
	}
}

// TestWelcomesUnrecordedCountsTheImpossibleToo: when the welcomes cannot
// be recorded, the error counts both the comments posted and those GitHub
// refused for good.
func TestWelcomesUnrecordedCountsTheImpossibleToo(t *testing.T) {
	c := reconciletest.New()
	st, brk := breakableStore(t)
	invitedEarlier(st, 1, 10, "ann")
	_ = st.Update(org, func(o *state.Edit) {
		o.Put(11, &state.Person{Login: "bob", Status: state.Invited, At: now.Add(-48 * time.Hour), PR: &state.PRRef{Repo: "trio/old", Number: 2}})
	})
	c.Archived["trio/old"] = true
	c.Script["Comment"] = []reconciletest.Step{{Then: func(*reconciletest.Client) { brk() }}}
	_, err := runOrg(t, c, st, options())
	if err == nil || !strings.Contains(err.Error(), "record 2 welcome comments: ") {
		t.Errorf("error = %v, want one saying \"record 2 welcome comments\"", err)
	}
}

package reconcile

// Small pure pieces for the second mutation sweep of reconcile
// (docs/MUTATION.md).

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/python-trio/snekomatic/state"
)

func TestHumanDurationZero(t *testing.T) {
	if got := humanDuration(0); got != "0s" {
		t.Errorf("humanDuration(0) = %q, want 0s", got)
	}
}

func TestWithLate(t *testing.T) {
	for _, tc := range []struct{ reason, why, want string }{
		{"r", "", "r"}, {"", "w", "w"}, {"r", "w", "r; w"}, {"", "", ""},
	} {
		if got := withLate(tc.reason, tc.why); got != tc.want {
			t.Errorf("withLate(%q, %q) = %q, want %q", tc.reason, tc.why, got, tc.want)
		}
	}
}

func TestMemberStateString(t *testing.T) {
	for st, want := range map[MemberState]string{NotMember: "not a member", ActiveMember: "member", PendingInvitee: "pending"} {
		if got := st.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", st, got, want)
		}
	}
}

func TestSampleWelcomeFor(t *testing.T) {
	d := SampleWelcomeFor("trio", "")
	if d.Org != "trio" || d.PR.Repo != "trio/project" || d.PR.URL != "https://github.com/trio/project/pull/1" ||
		d.AcceptURL != "https://github.com/orgs/trio/invitation" || d.Login != "octocat" {
		t.Errorf("github.com: %+v", d)
	}
	d = SampleWelcomeFor("trio", "https://ghe.test/")
	if d.PR.URL != "https://ghe.test/trio/project/pull/1" || d.AcceptURL != "https://ghe.test/orgs/trio/invitation" {
		t.Errorf("an enterprise server: %+v", d)
	}
	if SampleWelcomeData.Org != "example" {
		t.Error("SampleWelcomeFor changed SampleWelcomeData")
	}
}

func TestFailedReport(t *testing.T) {
	err := errors.New("no token")
	r := FailedReport("trio", true, err)
	if r.Org != "trio" || !r.DryRun || len(r.Errors) != 1 || r.Errors[0] != err || r.Invited == nil || r.Warnings == nil {
		t.Errorf("FailedReport = %+v", r)
	}
}

func TestInvitationRole(t *testing.T) {
	if got := (Policy{}).invitationRole(); got != RoleDirectMember {
		t.Errorf("default role %q", got)
	}
	if got := (Policy{Role: RoleAdmin}).invitationRole(); got != RoleAdmin {
		t.Errorf("admin role %q", got)
	}
}

// TestRenderApprovalEdges: nobody waiting is said, a "Done" section only
// when there are done lines, and only the latest maxDoneLines of them.
func TestRenderApprovalEdges(t *testing.T) {
	body := RenderApproval("O", "", nil, nil)
	if !strings.Contains(body, "Nobody is waiting.") || strings.Contains(body, headDone) || !strings.Contains(body, "shown= -->") {
		t.Errorf("empty:\n%s", body)
	}
	body = RenderApproval("O", "", []ProposedLine{{ID: 1, Login: "ann"}}, nil)
	if strings.Contains(body, "Nobody is waiting.") {
		t.Errorf("one waiting:\n%s", body)
	}
	var done []string
	for i := range maxDoneLines + 2 {
		done = append(done, fmt.Sprintf("- @p%d — approved: invited (2026-11-01)", i))
	}
	body = RenderApproval("O", "", nil, done)
	if strings.Contains(body, "@p1 ") || !strings.Contains(body, "@p2 ") || !strings.Contains(body, fmt.Sprintf("@p%d ", maxDoneLines+1)) {
		t.Errorf("done lines:\n%s", body)
	}
	body = RenderApproval("O", "", nil, done[:maxDoneLines])
	if !strings.Contains(body, "@p0 ") || strings.Count(body, "— approved") != maxDoneLines {
		t.Errorf("exactly %d done lines:\n%s", maxDoneLines, body)
	}
}

func TestOutcomeOf(t *testing.T) {
	for _, tc := range []struct {
		st     state.Status
		reason string
		want   string
	}{
		{state.Invited, "", "invited"},
		{state.Member, "", "already a member"},
		{state.Pending, "", "already invited"},
		{state.Queued, "daily limit", "in the queue (daily limit)"},
		{state.Inviting, "sent?", "in the queue (sent?)"},
		{state.Skipped, "a bot", "skipped (a bot)"},
	} {
		if got := outcomeOf(&state.Person{Status: tc.st, Reason: tc.reason}); got != tc.want {
			t.Errorf("outcomeOf(%s) = %q, want %q", tc.st, got, tc.want)
		}
	}
}

func TestProposedInAddsOnlyProposals(t *testing.T) {
	people := map[int64]*state.Person{1: {Login: "old", Status: state.Member}}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	got := proposedIn(people, []Decision{
		{Candidate: Candidate{ID: 2, Login: "new", PR: PullRequest{Repo: "o/r", Number: 3}}, Action: ActPropose, Reason: "first"},
		{Candidate: Candidate{ID: 3, Login: "inv"}, Action: ActInvite},
	}, now)
	if len(got) != 2 || got[2].Status != state.Proposed || got[2].PR == nil || got[2].Reason != "first" || !got[2].At.Equal(now) || len(people) != 1 {
		t.Errorf("proposedIn = %v (input %v)", got, people)
	}
}

// TestPreviewWelcomeThatCannotRender: a dry run warns that the welcome
// would not be posted, and shows none.
func TestPreviewWelcomeThatCannotRender(t *testing.T) {
	r := &orgRun{org: "trio", rep: newReport("trio", true)}
	r.opts.Policy.Comment = template.Must(template.New("w").Option("missingkey=error").Parse("{{.Nope.X}}"))
	e := &Entry{Login: "ann"}
	r.previewWelcome(e, welcome{ID: 1, Login: "ann", PR: PullRequest{Repo: "o/r", Number: 1}}, true)
	if e.Welcome != "" || len(r.rep.Warnings) != 1 || !strings.HasPrefix(r.rep.Warnings[0], "the welcome comment to ann would not be posted: ") {
		t.Errorf("welcome %q, warnings %q", e.Welcome, r.rep.Warnings)
	}
}

// listReader answers Memberships with all and err, counting the calls.
type listReader struct {
	all   map[int64]MemberState
	err   error
	lists int
}

func (l *listReader) Memberships(context.Context, string) (map[int64]MemberState, error) {
	l.lists++
	return l.all, l.err
}

func (l *listReader) Membership(context.Context, string, string) (MemberState, int64, error) {
	return NotMember, 0, errors.New("not asked")
}

// TestByID reaches each way the lists settle, or fail to settle, the
// candidates whose login names another account now.
func TestByID(t *testing.T) {
	stranger := "login x now belongs to another account"
	cands := []Candidate{{ID: 1, Login: "a"}, {ID: 2, Login: "b"}}
	fresh := func() Lookup {
		return Lookup{States: map[int64]MemberState{}, Failed: map[int64]string{1: stranger, 2: stranger}}
	}
	t.Run("no candidates", func(t *testing.T) {
		l := &listReader{}
		if err := byID(context.Background(), l, "o", nil, fresh()); err != nil || l.lists != 0 {
			t.Errorf("err %v, %d lists", err, l.lists)
		}
	})
	t.Run("listed in full", func(t *testing.T) {
		lk := fresh()
		l := &listReader{all: map[int64]MemberState{1: PendingInvitee}}
		if err := byID(context.Background(), l, "o", cands, lk); err != nil {
			t.Fatal(err)
		}
		if st, ok := lk.States[1]; !ok || st != PendingInvitee || lk.States[2] != NotMember || len(lk.Failed) != 0 {
			t.Errorf("states %v failed %v", lk.States, lk.Failed)
		}
		if _, ok := lk.States[2]; !ok {
			t.Error("absent from the lists: not settled as not a member")
		}
	})
	t.Run("members only", func(t *testing.T) {
		lk := fresh()
		l := &listReader{all: map[int64]MemberState{1: ActiveMember}, err: fmt.Errorf("x: %w", ErrPendingNotListed)}
		if err := byID(context.Background(), l, "o", cands, lk); err != nil {
			t.Fatal(err)
		}
		if _, ok := lk.States[2]; ok || lk.States[1] != ActiveMember || lk.Failed[2] != stranger || len(lk.Failed) != 1 {
			t.Errorf("states %v failed %v", lk.States, lk.Failed)
		}
	})
	t.Run("endless", func(t *testing.T) {
		l := &listReader{err: fmt.Errorf("x: %w", ErrEndlessPages)}
		if err := byID(context.Background(), l, "o", cands, fresh()); !errors.Is(err, ErrEndlessPages) || !strings.HasPrefix(err.Error(), "list members and invitations of o: ") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		lk := fresh()
		l := &listReader{err: errors.New("502")}
		if err := byID(context.Background(), l, "o", cands, lk); err != nil {
			t.Fatal(err)
		}
		want := stranger + ", and the lists of members and invitations could not be read: 502"
		if lk.Failed[1] != want || lk.Failed[2] != want || len(lk.States) != 0 {
			t.Errorf("states %v failed %v", lk.States, lk.Failed)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		l := &listReader{err: context.Canceled}
		if err := byID(ctx, l, "o", cands, fresh()); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v", err)
		}
	})
}

// endlessSearch serves a new cursor on every page, forever.
type endlessSearch struct{ calls int }

func (s *endlessSearch) SearchMerged(context.Context, string, SearchQuery, string) (SearchPage, error) {
	s.calls++
	return SearchPage{Total: 10, HasNext: true, EndCursor: fmt.Sprint(s.calls), Members: -1, Pending: -1}, nil
}

// TestSearchStopsAtTheCapOfPages: a query that goes on serving new
// cursors is followed for SearchCap pages after its first, no more.
func TestSearchStopsAtTheCapOfPages(t *testing.T) {
	s := &endlessSearch{}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	_, err := collect(context.Background(), s, "o", Window{From: now.Add(-time.Hour), To: now}, nil)
	if !errors.Is(err, ErrEndlessPages) || s.calls != SearchCap+1 {
		t.Errorf("error %v after %d pages, want ErrEndlessPages after %d", err, s.calls, SearchCap+1)
	}
}

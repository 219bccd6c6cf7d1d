package reconcile

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

func TestResolveUnsure(t *testing.T) {
	const me, stranger = 10, 99
	tests := []struct {
		name string
		ev   UnsureEvidence
		want Verdict
	}{
		{"lookup failed", UnsureEvidence{LookupFailed: true, Marker: MarkerFound}, StillUnsure},
		{"pending, same id", UnsureEvidence{State: PendingInvitee, ID: me}, Arrived},
		{"member, same id", UnsureEvidence{State: ActiveMember, ID: me}, Arrived},
		{"member, same id, marker there", UnsureEvidence{State: ActiveMember, ID: me, Marker: MarkerFound}, Arrived},
		{"pending, another account's login", UnsureEvidence{State: PendingInvitee, ID: stranger}, LookForMarker},
		{"member, another account's login, marker there", UnsureEvidence{State: ActiveMember, ID: stranger, Marker: MarkerFound}, Declined},
		{"member, another account's login, no marker", UnsureEvidence{State: ActiveMember, ID: stranger, Marker: MarkerAbsent}, StillUnsure},
		{"member, another account's login, marker unknown", UnsureEvidence{State: ActiveMember, ID: stranger, Marker: MarkerFailed}, StillUnsure},
		{"not a member, marker not looked for", UnsureEvidence{}, LookForMarker},
		{"not a member, marker there", UnsureEvidence{Marker: MarkerFound}, Declined},
		{"not a member, no marker", UnsureEvidence{Marker: MarkerAbsent}, SendAgain},
		{"not a member, the look for the marker failed", UnsureEvidence{Marker: MarkerFailed}, StillUnsure},
	}
	for _, tt := range tests {
		if got := ResolveUnsure(me, tt.ev); got != tt.want {
			t.Errorf("%s: ResolveUnsure = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPlanResolvesUnsureCandidates(t *testing.T) {
	u := func(id int64, login string) Candidate {
		return Candidate{ID: id, Login: login, Queued: true, Unsure: true}
	}
	cands := []Candidate{u(1, "arrived"), u(2, "declined"), u(3, "again"), u(4, "failed"), u(5, "marker-failed"), u(6, "again-2")}
	lk := Lookup{
		States:     map[int64]MemberState{1: PendingInvitee, 2: NotMember, 3: NotMember, 5: NotMember, 6: NotMember},
		Failed:     map[int64]string{4: "502", 5: "look for the welcome comment: 502"},
		Markers:    map[int64]Marker{2: MarkerFound, 3: MarkerAbsent, 5: MarkerFailed, 6: MarkerAbsent},
		MarkerURLs: map[int64]string{2: "https://c/2"},
	}
	var got []string
	for _, d := range Plan(cands, lk, Limits{Budget: 1, LimitReason: "cap"}) {
		got = append(got, fmt.Sprintf("%s %s %s", d.Login, d.Action, d.CommentURL))
	}
	want := []string{
		"arrived confirm-invitation ",
		"declined record-declined https://c/2",
		"again invite ",
		"failed keep-unsure ",
		"marker-failed keep-unsure ",
		"again-2 keep-unsure ", // over the budget: stays unsure, not queued
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// applyPlan applies plan in organization "o" at t0, without a client: the
// plan must send nothing.
func applyPlan(st *state.Store, plan []Decision, rep *Report) ([]error, bool) {
	r := newOrgRun(nil, st, "o", Options{Now: t0}, rep)
	recorded := r.apply(context.Background(), plan, nil)
	return r.errs, recorded
}

// Gap 6, at the last line of defence: apply never saves a person without a
// user id, whatever the plan says.
func TestApplyNeverSavesUserIDZero(t *testing.T) {
	st := stateFile(t)
	rep := newReport("o", false)
	plan := []Decision{
		{Candidate: Candidate{ID: 0, Login: "nobody"}, Action: ActRecordMember},
		{Candidate: Candidate{ID: 0, Login: "nobody2"}, Action: ActQueue},
		{Candidate: Candidate{ID: 3, Login: "m"}, Action: ActRecordMember},
		{Candidate: Candidate{ID: 1, Login: "first"}, Action: ActRecordMember}, // 1 is a real id
	}
	_, recorded := applyPlan(st, plan, rep)
	people := st.Org("o").People
	if _, ok := people[0]; ok || people[3] == nil || people[1] == nil || len(people) != 2 || !recorded {
		t.Errorf("saved %v (recorded %v), want persons 1 and 3", people, recorded)
	}
	if len(rep.Skipped) != 2 || rep.Skipped[0].Reason != "no user id" || rep.Skipped[0].ID != 0 || rep.Skipped[1].ID != 0 {
		t.Errorf("skipped %+v, want the two without an id", rep.Skipped)
	}
	if err := st.Commit(); err != nil { // writing refuses an id of 0
		t.Fatal(err)
	}
}

// pageSearcher serves prs 100 a page but reports total matches, and serves
// hidden null results on the first page.
type pageSearcher struct {
	prs    []PullRequest
	total  int
	hidden int
	calls  int
}

func (s *pageSearcher) SearchMerged(_ context.Context, _ string, q SearchQuery, cursor string) (SearchPage, error) {
	s.calls++
	var match []PullRequest
	for _, p := range s.prs {
		if !p.CreatedAt.Before(q.CreatedFrom) {
			match = append(match, p)
		}
	}
	start := 0
	fmt.Sscan(cursor, &start)
	end := min(start+100, len(match))
	page := SearchPage{Total: s.total, PRs: match[start:end], Members: -1, Pending: -1, HasNext: end < len(match), EndCursor: fmt.Sprint(end)}
	if start == 0 && q.CreatedFrom.IsZero() {
		page.Hidden = s.hidden
	}
	return page, nil
}

// Gap 5: a count above what was served, under the cap, is noted and the
// run goes on; only a query that served the whole cap is resumed.
func TestCollectWhenTheCountDisagrees(t *testing.T) {
	mk := func(n int) []PullRequest {
		var prs []PullRequest
		for i := range n {
			p := prBy(i, "User", int64(i+1), fmt.Sprint("u", i), t0)
			p.CreatedAt = t0.Add(-time.Duration(n-i) * time.Minute)
			prs = append(prs, p)
		}
		return prs
	}
	t.Run("count drifted", func(t *testing.T) {
		s := &pageSearcher{prs: mk(950), total: 980}
		c, err := collect(context.Background(), s, "o", Window{From: t0, To: t0}, nil)
		if err != nil {
			t.Fatalf("collect failed: %v", err)
		}
		if len(c.prs) != 950 || s.calls != 10 || len(c.notes) != 1 || !strings.Contains(c.notes[0], "980") {
			t.Errorf("%d prs in %d calls, notes %q", len(c.prs), s.calls, c.notes)
		}
	})
	t.Run("only hidden results up to the cap", func(t *testing.T) {
		s := &pageSearcher{total: 1500, hidden: 1000}
		c, err := collect(context.Background(), s, "o", Window{From: t0, To: t0}, nil)
		if err != nil || len(c.notes) != 2 || s.calls != 1 {
			t.Errorf("err %v, notes %q after %d calls; want two notes and no error", err, c.notes, s.calls)
		}
	})
	t.Run("hidden results count as served: the cap was reached", func(t *testing.T) {
		s := &pageSearcher{prs: mk(970), total: 1200, hidden: 30}
		s.prs = s.prs[:970]
		c, err := collect(context.Background(), s, "o", Window{From: t0, To: t0}, nil)
		if err != nil {
			t.Fatalf("collect failed: %v", err)
		}
		// 970 + 30 hidden = 1,000 served: the query is resumed once.
		if s.calls <= 10 {
			t.Errorf("%d calls: the capped query was not resumed", s.calls)
		}
		if len(c.notes) == 0 || !strings.Contains(c.notes[0], "30") {
			t.Errorf("notes %q, want the hidden results noted", c.notes)
		}
	})
}

// The decisions that only record what GitHub said are saved in one write,
// each with its status; the reason is kept where it says why someone waits
// or was not invited, and the comment of a declined invitation is kept.
func TestApplyRecordsSettledDecisions(t *testing.T) {
	st := stateFile(t)
	rep := newReport("o", false)
	plan := []Decision{
		{Candidate: Candidate{ID: 1, Login: "m"}, Action: ActRecordMember, Reason: "already a member"},
		{Candidate: Candidate{ID: 2, Login: "p"}, Action: ActRecordPending, Reason: "already has a pending invitation"},
		{Candidate: Candidate{ID: 3, Login: "q"}, Action: ActQueue, Reason: "membership could not be checked"},
		{Candidate: Candidate{ID: 4, Login: "c"}, Action: ActCount, Reason: "1 of the 2"},
		{Candidate: Candidate{ID: 5, Login: "d"}, Action: ActRecordDeclined, Reason: "declined", CommentURL: "https://c/5"},
	}
	errs, recorded := applyPlan(st, plan, rep)
	if len(errs) != 0 || !recorded {
		t.Fatalf("errors %v, recorded %v", errs, recorded)
	}
	want := map[int64]state.Person{
		1: {Status: state.Member}, 2: {Status: state.Pending}, 3: {Status: state.Queued, Reason: "membership could not be checked"},
		4: {Status: state.Counting, Reason: "1 of the 2"}, 5: {Status: state.Invited, Reason: "declined", CommentURL: "https://c/5"},
	}
	people := st.Org("o").People
	for id, w := range want {
		p := people[id]
		if p == nil || p.Status != w.Status || p.Reason != w.Reason || p.CommentURL != w.CommentURL {
			t.Errorf("person %d recorded %+v, want %+v", id, p, w)
		}
	}
	if len(rep.Members) != 1 || len(rep.Pending) != 1 || len(rep.Queued) != 1 || len(rep.Counting) != 1 ||
		len(rep.Invited) != 1 || rep.Invited[0].CommentURL != "https://c/5" {
		t.Errorf("report %+v, want each in its list", rep)
	}
}

func TestTerminal(t *testing.T) {
	if err := Terminal(nil); err != nil {
		t.Errorf("Terminal(nil) = %#v, want nil", err)
	}
	once := Terminal(errors.New("401"))
	if !IsTerminal(once) || Terminal(once) != once {
		t.Errorf("Terminal(Terminal(err)) wraps again: %#v", Terminal(once))
	}
	if wrapped := fmt.Errorf("invite: %w", once); Terminal(wrapped) != wrapped {
		t.Errorf("an error wrapping a terminal one is wrapped again")
	}
	if IsTerminal(errors.New("502")) || IsTerminal(nil) {
		t.Error("a plain error is terminal")
	}
}

// listSearcher serves its pages in order, one per call, whatever is asked.
type listSearcher struct {
	pages []SearchPage
	err   error
	calls int
}

func (s *listSearcher) SearchMerged(context.Context, string, SearchQuery, string) (SearchPage, error) {
	s.calls++
	if s.err != nil {
		return SearchPage{}, s.err
	}
	if s.calls > len(s.pages) {
		return SearchPage{}, fmt.Errorf("page %d asked for, only %d served", s.calls, len(s.pages))
	}
	return s.pages[s.calls-1], nil
}

// How collect reads the pages it is given: what it counts, when it stops,
// and what it notes.
func TestCollectReadsThePages(t *testing.T) {
	prs := func(from, n int) []PullRequest {
		var out []PullRequest
		for i := from; i < from+n; i++ {
			p := prBy(i, "User", int64(i+1), fmt.Sprint("u", i), t0)
			p.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
			out = append(out, p)
		}
		return out
	}
	tests := []struct {
		name      string
		s         *listSearcher
		wantPRs   int
		wantCalls int
		wantNotes []string // substrings, one per note
		wantErr   string
	}{
		{name: "every page read, nothing to note", s: &listSearcher{pages: []SearchPage{
			{Total: 3, PRs: prs(0, 2), HasNext: true, EndCursor: "a", Members: -1},
			{Total: 3, PRs: prs(2, 1), EndCursor: "b", Members: -1},
		}}, wantPRs: 3, wantCalls: 2},
		{name: "more pages said, but no cursor: stop", s: &listSearcher{pages: []SearchPage{
			{Total: 2, PRs: prs(0, 2), HasNext: true, Members: -1},
			{Total: 2, PRs: prs(0, 2), HasNext: true, Members: -1},
		}}, wantPRs: 2, wantCalls: 1},
		{name: "one hidden result is noted", s: &listSearcher{pages: []SearchPage{
			{Total: 3, PRs: prs(0, 2), Hidden: 1, Members: -1},
		}}, wantPRs: 2, wantCalls: 1, wantNotes: []string{"1 pull requests that these credentials cannot see"}},
		{name: "one served of three", s: &listSearcher{pages: []SearchPage{
			{Total: 3, PRs: prs(0, 1), Members: -1},
		}}, wantPRs: 1, wantCalls: 1, wantNotes: []string{"reported 3 matching pull requests but served 1"}},
		{name: "a failed search fails the collection", s: &listSearcher{err: errors.New("502 Bad Gateway")},
			wantCalls: 1, wantErr: "502 Bad Gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := collect(context.Background(), tt.s, "o", Window{From: t0, To: t0}, nil)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
			}
			if len(c.prs) != tt.wantPRs || tt.s.calls != tt.wantCalls || c.requests != tt.wantCalls-boolInt(err != nil) {
				t.Errorf("%d prs in %d calls (%d counted), want %d in %d", len(c.prs), tt.s.calls, c.requests, tt.wantPRs, tt.wantCalls)
			}
			if len(c.notes) != len(tt.wantNotes) {
				t.Fatalf("notes %q, want %q", c.notes, tt.wantNotes)
			}
			for i, want := range tt.wantNotes {
				if !strings.Contains(c.notes[i], want) {
					t.Errorf("note %q, want one saying %q", c.notes[i], want)
				}
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The budget of a run is the smaller of --max-invites and what the daily
// allowance has left; --max-invites 0 sends nothing whatever the
// allowance.
func TestInviteBudget(t *testing.T) {
	sentAt := func(n int) state.Org {
		o := state.Org{People: map[int64]*state.Person{}}
		for i := range n {
			o.People[int64(i+1)] = &state.Person{Login: "x", Status: state.Invited, At: t0.Add(-time.Hour)}
		}
		return o
	}
	tests := []struct {
		name       string
		max, daily int
		sent       int
		want       int
		wantReason string
	}{
		{"no limits", -1, 0, 0, -1, "--max-invites"},
		{"--max-invites 0 and an allowance", 0, 50, 0, 0, "--max-invites 0"},
		{"--max-invites below the allowance", 2, 50, 0, 2, "--max-invites 2"},
		{"the allowance below --max-invites", 5, 50, 48, 2, "daily invitation limit"},
		{"only the allowance", -1, 50, 10, 40, "daily invitation limit"},
		{"the allowance spent", -1, 50, 60, 0, "daily invitation limit"},
	}
	for _, tt := range tests {
		got, reason := inviteBudget(sentAt(tt.sent), Options{Now: t0, Policy: Policy{MaxInvites: tt.max, DailyInviteLimit: tt.daily}})
		if got != tt.want || !strings.Contains(reason, tt.wantReason) {
			t.Errorf("%s: budget %d (%q), want %d (%q)", tt.name, got, reason, tt.want, tt.wantReason)
		}
	}
}

// stateFile is a state store on a file of the test's own (the external
// tests' tempStore, which this package's own tests cannot reach).
func stateFile(t *testing.T) *state.Store {
	t.Helper()
	st, _, err := state.Open(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

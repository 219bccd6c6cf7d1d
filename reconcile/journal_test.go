package reconcile

import (
	"context"
	"fmt"
	"log/slog"
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
		{"pending, same id", UnsureEvidence{State: Pending, ID: me}, Arrived},
		{"member, same id", UnsureEvidence{State: Member, ID: me}, Arrived},
		{"member, same id, marker there", UnsureEvidence{State: Member, ID: me, Marker: MarkerFound}, Arrived},
		{"pending, another account's login", UnsureEvidence{State: Pending, ID: stranger}, LookForMarker},
		{"member, another account's login, marker there", UnsureEvidence{State: Member, ID: stranger, Marker: MarkerFound}, Declined},
		{"member, another account's login, no marker", UnsureEvidence{State: Member, ID: stranger, Marker: MarkerAbsent}, StillUnsure},
		{"member, another account's login, marker unknown", UnsureEvidence{State: Member, ID: stranger, Marker: MarkerFailed}, StillUnsure},
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
		States:     map[int64]MemberState{1: Pending, 2: NotMember, 3: NotMember, 5: NotMember, 6: NotMember},
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

// Gap 6, at the last line of defence: apply never saves a person without a
// user id, whatever the plan says.
func TestApplyNeverSavesUserIDZero(t *testing.T) {
	st, _, err := state.Open(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep := newReport("o", false)
	plan := []Decision{
		{Candidate: Candidate{ID: 0, Login: "nobody"}, Action: ActRecordMember},
		{Candidate: Candidate{ID: 0, Login: "nobody2"}, Action: ActQueue},
		{Candidate: Candidate{ID: 3, Login: "m"}, Action: ActRecordMember},
	}
	_, recorded := apply(context.Background(), nil, st, "o", plan, nil, InviteOptions{}, Options{Now: t0}, rep, slog.New(slog.DiscardHandler))
	people := st.Org("o").People
	if _, ok := people[0]; ok || people[3] == nil || !recorded {
		t.Errorf("saved %v (recorded %v), want only person 3", people, recorded)
	}
	if len(rep.Skipped) != 2 || rep.Skipped[0].Reason != "no user id" {
		t.Errorf("skipped %+v", rep.Skipped)
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

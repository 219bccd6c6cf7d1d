package reconcile

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/state"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func prBy(n int, typ string, id int64, login string, mergedAt time.Time) PullRequest {
	return PullRequest{NodeID: fmt.Sprintf("PR_%d", n), Repo: "o/r", Number: n, URL: fmt.Sprintf("https://x/o/r/pull/%d", n),
		MergedAt: mergedAt, Author: Author{Type: typ, ID: id, Login: login}}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name        string
		prs         []PullRequest
		known       map[int64]*state.Person
		wantCands   []string // login@prNumber, queued marked with *
		wantSkipped []string // login: reason
		wantKnown   int
	}{
		{
			name:      "one new user",
			prs:       []PullRequest{prBy(1, "User", 10, "alice", t0)},
			wantCands: []string{"alice@1"},
		},
		{
			name: "earliest pull request of a person wins, whatever the input order",
			prs: []PullRequest{
				prBy(3, "User", 10, "alice", t0.Add(2*time.Hour)),
				prBy(2, "User", 10, "alice", t0),
				prBy(4, "User", 10, "alice", t0.Add(time.Hour)),
			},
			wantCands: []string{"alice@2"},
		},
		{
			name: "bots, mannequins, deleted accounts and organisations are never candidates",
			prs: []PullRequest{
				prBy(1, "Bot", 0, "dependabot[bot]", t0),
				prBy(2, "Bot", 0, "dependabot[bot]", t0.Add(time.Minute)),
				prBy(3, "Mannequin", 0, "imported", t0),
				prBy(4, "", 0, "", t0),
				prBy(5, "", 0, "", t0.Add(time.Minute)),
				prBy(6, "Organization", 5, "someorg", t0),
			},
			wantSkipped: []string{
				"dependabot[bot]: bot",
				"imported: mannequin (imported placeholder, not a real account)",
				"ghost: deleted account",
				"someorg: not a user account (Organization)", "ghost: deleted account",
			},
		},
		{
			name: "the earliest merge wins over a lower number",
			prs: []PullRequest{
				prBy(1, "User", 10, "alice", t0.Add(time.Hour)),
				prBy(2, "User", 10, "alice", t0),
			},
			wantCands: []string{"alice@2"},
		},
		{
			name: "merged in the same second: the first repository by name wins, whatever the input order",
			prs: []PullRequest{
				{NodeID: "PR_b", Repo: "o/b", Number: 1, MergedAt: t0, Author: Author{Type: "User", ID: 10, Login: "alice"}},
				{NodeID: "PR_a", Repo: "o/a", Number: 2, MergedAt: t0, Author: Author{Type: "User", ID: 10, Login: "alice"}},
			},
			wantCands: []string{"alice@2"},
		},
		{
			name: "merged in the same second, given the other way round",
			prs: []PullRequest{
				{NodeID: "PR_a", Repo: "o/a", Number: 2, MergedAt: t0, Author: Author{Type: "User", ID: 10, Login: "alice"}},
				{NodeID: "PR_b", Repo: "o/b", Number: 1, MergedAt: t0, Author: Author{Type: "User", ID: 10, Login: "alice"}},
			},
			wantCands: []string{"alice@2"},
		},
		{
			name: "the queue comes first even when its pull request was merged later",
			prs:  []PullRequest{prBy(1, "User", 20, "newcomer", t0)},
			known: map[int64]*state.Person{
				21: {Login: "queued", Status: state.Queued, PR: &state.PRRef{Repo: "o/r", Number: 2, MergedAt: t0.Add(time.Hour)}},
			},
			wantCands: []string{"*queued@2", "newcomer@1"},
		},
		{
			name: "a user without an id is skipped; id 1 is a user like any other",
			prs: []PullRequest{
				prBy(1, "User", 0, "no-id", t0),
				prBy(2, "User", -1, "negative", t0),
				prBy(3, "User", 1, "first", t0),
			},
			wantCands:   []string{"first@3"},
			wantSkipped: []string{"no-id: no user id", "negative: no user id"},
		},
		{
			name: "recorded people are left alone for good, whatever their status",
			prs: []PullRequest{
				prBy(1, "User", 10, "invited-once", t0),
				prBy(2, "User", 11, "member", t0),
				prBy(3, "User", 12, "pending", t0),
				prBy(4, "User", 13, "skipped", t0),
				prBy(5, "User", 10, "invited-once", t0.Add(time.Hour)),
			},
			known: map[int64]*state.Person{
				10: {Login: "invited-once", Status: state.Invited},
				11: {Login: "member", Status: state.Member},
				12: {Login: "pending", Status: state.Pending},
				13: {Login: "skipped", Status: state.Skipped},
			},
			wantKnown: 4,
		},
		{
			name: "the queue comes first with its original pull request, then the oldest merge",
			prs: []PullRequest{
				prBy(7, "User", 20, "late", t0.Add(time.Hour)),
				prBy(8, "User", 21, "early", t0),
				prBy(9, "User", 22, "queued-renamed", t0.Add(2*time.Hour)),
			},
			known: map[int64]*state.Person{
				22: {Login: "queued-old", Status: state.Queued, PR: &state.PRRef{Repo: "o/r", Number: 1, MergedAt: t0.Add(-48 * time.Hour)}},
				23: {Login: "queued-elsewhere", Status: state.Queued, PR: &state.PRRef{Repo: "o/r", Number: 2, MergedAt: t0.Add(-24 * time.Hour)}},
			},
			wantCands: []string{"*queued-renamed@1", "*queued-elsewhere@2", "early@8", "late@7"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Classify(tt.prs, tt.known, Policy{}, nil, "")
			var cands, skipped []string
			for _, c := range s.Candidates {
				mark := ""
				if c.Queued {
					mark = "*"
				}
				cands = append(cands, fmt.Sprintf("%s%s@%d", mark, c.Login, c.PR.Number))
			}
			for _, sk := range s.Skipped {
				skipped = append(skipped, sk.Login+": "+sk.Reason)
			}
			if diff := cmp.Diff(tt.wantCands, cands); diff != "" {
				t.Errorf("candidates (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSkipped, skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			if s.Known != tt.wantKnown {
				t.Errorf("known = %d, want %d", s.Known, tt.wantKnown)
			}
		})
	}
}

func TestSortNotesRenames(t *testing.T) {
	s := Classify([]PullRequest{prBy(1, "User", 10, "new-name", t0)}, map[int64]*state.Person{10: {Login: "old-name", Status: state.Invited}}, Policy{}, nil, "")
	if diff := cmp.Diff(map[int64]string{10: "new-name"}, s.Renamed); diff != "" {
		t.Errorf("renamed (-want +got):\n%s", diff)
	}
}

func TestPlan(t *testing.T) {
	cands := []Candidate{{ID: 1, Login: "a"}, {ID: 2, Login: "b"}, {ID: 3, Login: "c"}, {ID: 4, Login: "d"}, {ID: 5, Login: "e"}}
	lk := Lookup{
		States: map[int64]MemberState{1: NotMember, 2: ActiveMember, 3: PendingInvitee, 5: NotMember},
		Failed: map[int64]string{4: "boom"},
	}
	tests := []struct {
		name   string
		budget int
		want   []string
	}{
		{"no limit", -1, []string{"a invite", "b record-member", "c record-pending", "d queue: membership could not be checked: boom", "e invite"}},
		{"limit of one", 1, []string{"a invite", "b record-member", "c record-pending", "d queue: membership could not be checked: boom", "e queue: cap"}},
		{"limit of zero", 0, []string{"a queue: cap", "b record-member", "c record-pending", "d queue: membership could not be checked: boom", "e queue: cap"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range Plan(cands, lk, Limits{Budget: tt.budget, LimitReason: "cap"}) {
				s := d.Login + " " + string(d.Action)
				if d.Action == ActQueue {
					s += ": " + d.Reason
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChooseLookup(t *testing.T) {
	tests := []struct {
		n, members, pending int
		want                lookupStrategy
	}{
		{1, 5000, 0, lookupEach},
		{2, -1, -1, lookupEach},
		{3, -1, -1, lookupList},
		{3, 50, 3, lookupList},     // one request lists everyone
		{2, 0, 0, lookupList},      // an empty organization: one request
		{2, 100, 100, lookupList},  // 100 fit on one page
		{2, 101, 0, lookupEach},    // 101 take two
		{50, 5000, 10, lookupEach}, // 50 look-ups beat 50 pages
		{51, 5000, 10, lookupList},
		{120, 1500, 2, lookupList},
	}
	for _, tt := range tests {
		if got := chooseLookup(tt.n, tt.members, tt.pending); got != tt.want {
			t.Errorf("chooseLookup(%d, %d, %d) = %v, want %v", tt.n, tt.members, tt.pending, got, tt.want)
		}
	}
}

func TestWindowFor(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 30, 15, 999, time.UTC)
	cursor := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	since := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	future := now.Add(time.Hour)
	tests := []struct {
		name     string
		cursor   time.Time
		since    *time.Time
		wantFrom time.Time
		wantWhy  string
	}{
		{"first run", time.Time{}, nil, time.Date(2026, 11, 19, 10, 30, 15, 0, time.UTC), "first run: no cursor yet, looking back 7d"},
		{"cursor less overlap", cursor, nil, cursor.Add(-time.Hour), "from cursor 2026-11-26T09:00:00Z less 1h0m0s overlap"},
		{"since wins over cursor", cursor, &since, since, "backfill from --since 2026-10-01T00:00:00Z"},
		{"a --since in the future starts at the end", cursor, &future, time.Date(2026, 11, 26, 10, 30, 15, 0, time.UTC), "backfill from --since 2026-11-26T11:30:15Z"},
		{"never starts after it ends", future, nil, time.Date(2026, 11, 26, 10, 30, 15, 0, time.UTC), "from cursor 2026-11-26T11:30:15Z less 1h0m0s overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, why := WindowFor(tt.cursor, tt.since, now, time.Hour, 7*24*time.Hour)
			if !w.From.Equal(tt.wantFrom) || !w.To.Equal(now.Truncate(time.Second)) || why != tt.wantWhy {
				t.Errorf("WindowFor = %v..%v %q, want %v..%v %q", w.From, w.To, why, tt.wantFrom, now.Truncate(time.Second), tt.wantWhy)
			}
		})
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "1d", 7 * 24 * time.Hour: "7d", 36 * time.Hour: "36h0m0s", time.Hour: "1h0m0s",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// capSearcher is a search that behaves like GitHub's at the cap: it counts
// every match but serves only the first SearchCap, 100 a page.
type capSearcher struct {
	prs      []PullRequest
	requests int
}

func (s *capSearcher) SearchMerged(_ context.Context, _ string, q SearchQuery, cursor string) (SearchPage, error) {
	s.requests++
	w := q.Window
	var match []PullRequest
	for _, p := range s.prs {
		if !p.MergedAt.Before(w.From) && !p.MergedAt.After(w.To) && !p.CreatedAt.Before(q.CreatedFrom) {
			match = append(match, p)
		}
	}
	slices.SortStableFunc(match, func(a, b PullRequest) int { return a.CreatedAt.Compare(b.CreatedAt) })
	start := 0
	if cursor != "" {
		fmt.Sscan(cursor, &start)
	}
	end := min(start+100, len(match), SearchCap)
	page := SearchPage{Total: len(match), Members: 10, Pending: 0}
	if start < end {
		page.PRs = match[start:end]
	}
	page.HasNext = end < min(len(match), SearchCap)
	page.EndCursor = fmt.Sprint(end)
	return page, nil
}

func TestCollectPastTheSearchCap(t *testing.T) {
	s := &capSearcher{}
	for i := range 2500 {
		p := prBy(i, "User", int64(i+1), fmt.Sprint("u", i), t0.Add(time.Duration(i)*time.Minute))
		// Creation order differs from merge order, and some share a second.
		p.CreatedAt = t0.Add(-time.Duration((i*7919)%2500/3) * time.Second)
		s.prs = append(s.prs, p)
	}
	w := Window{From: t0, To: t0.Add(2500 * time.Minute)}
	c, err := collect(context.Background(), s, "o", w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.prs) != 2500 {
		t.Errorf("collected %d pull requests, want all 2500", len(c.prs))
	}
	if c.members != 10 || c.pending != 0 {
		t.Errorf("sizes = %d, %d", c.members, c.pending)
	}
	// 25 full pages is the least; resuming after the cap re-reads the few
	// results created in the same second as the last one served.
	if c.requests > 26 || c.requests != s.requests {
		t.Errorf("%d search requests (%d made), want at most 26", c.requests, s.requests)
	}
	if len(c.notes) != 0 {
		t.Errorf("notes %q, want none: every result was read", c.notes)
	}
}

func TestCollectFailsWhenOneSecondHoldsTooMany(t *testing.T) {
	s := &capSearcher{}
	for i := range 1001 {
		p := prBy(i, "User", int64(i+1), "u", t0)
		p.CreatedAt = t0
		s.prs = append(s.prs, p)
	}
	_, err := collect(context.Background(), s, "o", Window{From: t0, To: t0}, nil)
	if err == nil {
		t.Fatal("want an error when a window cannot be split below the cap")
	}
}

// min_merged_prs of 1 (or less) asks for nothing beyond the one merged pull
// request that made them an author; from 2 on, newcomers are counted.
func TestPlanMinMergedThreshold(t *testing.T) {
	tests := []struct {
		min    int
		merged map[int64]int // nil: not counted (countMerged only runs from 2 on)
		want   Action
	}{
		{0, nil, ActInvite},
		{1, nil, ActInvite},
		{2, map[int64]int{1: 1}, ActCount},
		{2, map[int64]int{1: 2}, ActInvite},
	}
	for _, tt := range tests {
		lk := Lookup{States: map[int64]MemberState{1: NotMember}, Merged: tt.merged}
		if got := Plan([]Candidate{{ID: 1, Login: "a"}}, lk, Limits{Budget: -1, MinMergedPRs: tt.min})[0].Action; got != tt.want {
			t.Errorf("min %d, merged %v: %s, want %s", tt.min, tt.merged, got, tt.want)
		}
	}
}

package reconcile

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/state"
)

func withCoAuthors(pr PullRequest, co ...Author) PullRequest {
	pr.Credit = &Credit{CoAuthors: co, Commits: 1, Read: 1}
	return pr
}

// With credit on, the co-authors GitHub resolved are candidates on the
// pull request they co-authored, each once; the author is not counted
// twice; with it off, nobody but the author is.
func TestClassifyCoAuthors(t *testing.T) {
	bea, cid := Author{Type: "User", ID: 20, Login: "bea"}, Author{Type: "User", ID: 30, Login: "cid"}
	bot := Author{Type: "Bot", ID: 40, Login: "helper[bot]"}
	tests := []struct {
		name       string
		on         bool
		prs        []PullRequest
		known      map[int64]*state.Person
		exclude    []string
		want       []string // login@pr, + for a co-author
		coAuthored map[int64]int
	}{
		{name: "off", prs: []PullRequest{withCoAuthors(prBy(1, "User", 10, "ann", t0), bea)}, want: []string{"ann@1"}},
		{name: "on", on: true, prs: []PullRequest{withCoAuthors(prBy(1, "User", 10, "ann", t0), Author{Type: "User", ID: 10, Login: "ann"}, bea)},
			want: []string{"ann@1", "bea@1+"}, coAuthored: map[int64]int{20: 1}},
		{name: "the earliest pull request wins, authored or co-authored", on: true,
			prs:  []PullRequest{prBy(2, "User", 20, "bea", t0.Add(time.Hour)), withCoAuthors(prBy(1, "User", 10, "ann", t0), bea)},
			want: []string{"ann@1", "bea@1+"}, coAuthored: map[int64]int{20: 1}},
		{name: "authored and co-authored counts once", on: true,
			prs:  []PullRequest{withCoAuthors(prBy(1, "User", 20, "bea", t0), bea, cid), withCoAuthors(prBy(2, "User", 10, "ann", t0.Add(time.Hour)), cid)},
			want: []string{"bea@1", "cid@1+", "ann@2"}, coAuthored: map[int64]int{30: 2}},
		{name: "a bot or an account without an id is not credited", on: true,
			prs:  []PullRequest{withCoAuthors(prBy(1, "User", 10, "ann", t0), bot, Author{Type: "User", Login: "noid"})},
			want: []string{"ann@1"}},
		{name: "a co-author of a bot's pull request is credited", on: true,
			prs:  []PullRequest{withCoAuthors(prBy(1, "Bot", 0, "helper[bot]", t0), bea)},
			want: []string{"bea@1+"}, coAuthored: map[int64]int{20: 1}},
		{name: "exclusions apply to co-authors", on: true, exclude: []string{"b*"},
			prs:  []PullRequest{withCoAuthors(prBy(1, "User", 10, "ann", t0), bea)},
			want: []string{"ann@1"}},
		{name: "a settled co-author is known", on: true,
			prs:   []PullRequest{withCoAuthors(prBy(1, "User", 10, "ann", t0), bea)},
			known: map[int64]*state.Person{20: {Login: "bea", Status: state.Member}},
			want:  []string{"ann@1"}, coAuthored: map[int64]int{20: 1}},
		{name: "queued co-author keeps the flag", on: true,
			known: map[int64]*state.Person{20: {Login: "bea", Status: state.Queued, PR: &state.PRRef{Repo: "o/r", Number: 7}, CoAuthor: true}},
			want:  []string{"bea@7+"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := Classify(tt.prs, tt.known, Policy{CoAuthors: tt.on, Exclude: tt.exclude}, nil, "")
			var got []string
			for _, c := range cl.Candidates {
				s := fmt.Sprintf("%s@%d", c.Login, c.PR.Number)
				if c.CoAuthor {
					s += "+"
				}
				got = append(got, s)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("candidates (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.coAuthored, cl.CoAuthored); d != "" {
				t.Errorf("co-authored counts (-want +got):\n%s", d)
			}
		})
	}
}

// A co-author's invitation says whose pull request it is; the co-authored
// pull requests read add to the count for min_merged_prs.
func TestCoAuthorReasonAndCount(t *testing.T) {
	c := Candidate{ID: 20, Login: "bea", PR: prBy(3, "User", 10, "ann", t0), CoAuthor: true}
	lk := Lookup{States: map[int64]MemberState{20: NotMember}, Merged: map[int64]int{20: 1}}
	addCoAuthored(lk, map[int64]int{20: 1, 99: 4})
	if lk.Merged[20] != 2 || lk.Merged[99] != 0 {
		t.Errorf("merged %v, want bea at 2 and nobody uncounted added", lk.Merged)
	}
	d := Plan([]Candidate{c}, lk, Limits{Budget: -1, MinMergedPRs: 2})
	if d[0].Action != ActInvite || d[0].Reason != "co-author of o/r#3" {
		t.Errorf("decision %+v", d[0])
	}
	c.Note = "renewed"
	if got := inviteReason(c); got != "co-author of o/r#3; renewed" {
		t.Errorf("reason %q", got)
	}
}

// What was left unread of a pull request's commits is said.
func TestCreditSkipped(t *testing.T) {
	pr := prBy(3, "User", 10, "ann", t0)
	for _, tt := range []struct {
		c    Credit
		want string
	}{
		{Credit{Commits: 5, Read: 5}, ""},
		{Credit{Commits: 300, Read: 100}, "o/r#3: co-authors of the first 100 of 300 commits considered"},
		{Credit{Commits: 2, Read: 2, Cut: 1}, "o/r#3: 1 commits have more authors than were read"},
	} {
		if got := tt.c.skipped(pr); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.c, got, tt.want)
		}
	}
}

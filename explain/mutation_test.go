package explain

// Tests written for the mutation sweep (MUTATION.md): the
// edges of each threshold, and the one branch no row of TestDecide reached.

import (
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

func TestDecideAtTheEdges(t *testing.T) {
	one := reconcile.Policy{MinMergedPRs: 1}
	for _, tc := range []struct {
		name       string
		f          Facts
		kind, want string
		not        string
	}{
		{"min_merged_prs 1 is the first merged pull request", Facts{Login: "alice", Org: "trio", OrgInState: true, Policy: one},
			KindOnMerge, "invited after their first merged pull request in trio", "once they have"},
		{"GitHub counts none", Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: online(NotMember, 0)},
			KindOnMerge, "invited after their first merged pull request in trio is read by a run", "GitHub counts"},
		{"GitHub counts one", Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: online(NotMember, 1)},
			KindOnMerge, "GitHub counts 1 merged pull request of theirs", ""},
		{"queued, invited by someone else since", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Queued, reason("cap")), GitHub: online(Pending, -1)},
			KindNever, "never: invited to trio by someone else, which the next run records", ""},
		{"counting, GitHub counts too few by more than one", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Counting), Policy: reconcile.Policy{MinMergedPRs: 5}, GitHub: online(NotMember, 2)},
			KindCounting, "needs 3 more merged pull requests (GitHub counts 2 of the 5 min_merged_prs asks for)", ""},
		{"counting, since the pull request's merge, not the record", Facts{Org: "trio", OrgInState: true, ID: 5,
			Record: &state.Person{Login: "alice", Status: state.Counting, At: t0.Add(48 * time.Hour), PR: pr}},
			KindOnMerge, "merged after 2026-11-02", ""},
		{"inviting, a member already", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Inviting), GitHub: online(Member, -1)},
			KindUnsure, "arrived: the next run records it", ""},
		{"inviting, no trace yet", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Inviting), GitHub: online(NotMember, -1)},
			KindUnsure, "may have been sent on 2026-11-02", ""},
		{"counting, min_merged_prs lowered to 1", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Counting), Policy: one},
			KindOnMerge, "min_merged_prs is no longer above 1", ""},
		{"counting, GitHub counts none", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Counting), Policy: reconcile.Policy{MinMergedPRs: 3}, GitHub: online(NotMember, 0)},
			KindCounting, "needs 3 more merged pull requests (GitHub counts 0 of the 3", ""},
		{"counting, no pull request on record", Facts{Org: "trio", OrgInState: true, ID: 5, Record: &state.Person{Login: "alice", Status: state.Counting, At: t0}},
			KindOnMerge, "merged after 2026-11-02", ""},
		{"counting, a pull request with no merge time", Facts{Org: "trio", OrgInState: true, ID: 5,
			Record: &state.Person{Login: "alice", Status: state.Counting, At: t0.Add(48 * time.Hour), PR: &state.PRRef{Repo: "trio/trio", Number: 1}}},
			KindOnMerge, "merged after 2026-11-04", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Decide(tc.f)
			if v.Kind != tc.kind || !strings.Contains(v.Next, tc.want) || tc.not != "" && strings.Contains(v.Next, tc.not) {
				t.Errorf("Decide = %+v; want kind %s with %q (and without %q)", v, tc.kind, tc.want, tc.not)
			}
		})
	}
}

func TestWantsCountAtMinMergedPRsOne(t *testing.T) {
	f := Facts{Login: "alice", Policy: reconcile.Policy{MinMergedPRs: 1}, Record: person(state.Counting), GitHub: online(NotMember, -1)}
	if WantsCount(f) {
		t.Error("WantsCount with min_merged_prs 1: counting cannot change the answer")
	}
	f.Policy.MinMergedPRs = 2
	if !WantsCount(f) {
		t.Error("WantsCount with min_merged_prs 2 for someone counting")
	}
}

// Of two records under one login at the same time, the one of the lower
// id is taken, whatever the map's order.
func TestFindTiesGoToTheLowerID(t *testing.T) {
	o := &state.Org{People: map[int64]*state.Person{
		9: {Login: "alice", Status: state.Invited, At: t0},
		5: {Login: "Alice", Status: state.Member, At: t0},
		7: {Login: "alice", Status: state.Queued, At: t0.Add(-time.Hour)},
	}}
	for range 20 {
		if id, p, _, _ := Find(o, "alice", 0); id != 5 || p != o.People[5] {
			t.Fatalf("Find = %d %+v; want id 5", id, p)
		}
	}
}

// GitHub counting no merged pull request is a count of zero, not "not
// counted".
func TestExplainSaysACountOfZero(t *testing.T) {
	a := Explain(Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: online(NotMember, 0)})
	if a.GitHub == nil || a.GitHub.MergedPRs == nil || *a.GitHub.MergedPRs != 0 {
		t.Errorf("GitHub facts %+v; want merged_prs 0", a.GitHub)
	}
	if !strings.Contains(a.Text, "with 0 merged pull requests there") {
		t.Errorf("text lacks the count of zero:\n%s", a.Text)
	}
	a = Explain(Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: online(NotMember, -1)})
	if a.GitHub.MergedPRs != nil || strings.Contains(a.Text, "merged pull requests there") {
		t.Errorf("not counted, yet: %+v\n%s", a.GitHub, a.Text)
	}
}

// Each sentence of the paragraph, word for word, for every branch of it.
func TestParagraphSentences(t *testing.T) {
	withPR := func(mod ...func(*state.Person)) *state.Person { return person(state.Counting, mod...) }
	cursor := time.Date(2026, 11, 1, 8, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		f    Facts
		want []string
	}{
		{"no record, window read", Facts{Login: "bob", Org: "trio", StatePath: "s.json", OrgInState: true, Cursor: cursor, GitHub: online(NotMember, -1)},
			[]string{"The state file s.json has no record of bob in trio: no merged pull request of bob has been seen in trio's window (read up to 2026-11-01 08:30 UTC).",
				"trio's policy invites after 1 merged pull request, as a direct member, with a welcome comment.",
				"GitHub says now that bob is a user (id 5), not a member of trio nor invited."}},
		{"no record, nothing read", Facts{Login: "bob", Org: "trio", StatePath: "s.json", OrgInState: true, GitHub: online(Member, 3),
			Policy: reconcile.Policy{MinMergedPRs: 2}, PolicyNote: "without the organization's own file"},
			[]string{"(no run has read it completely yet).",
				"trio's policy invites after 2 merged pull requests, as a direct member, with a welcome comment (without the organization's own file).",
				"GitHub says now that bob is a user (id 5), a member of trio, with 3 merged pull requests there."}},
		{"declined", Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5,
			Record: person(state.Invited, reason("declined")), GitHub: online(Pending, 1)},
			[]string{"as invited by snekomatic on 2026-11-02, for https://github.com/trio/trio/pull/42 (merged 2026-11-02); recorded as declined: declined.",
				"GitHub says now that alice is a user (id 5) with a pending invitation to trio, with 1 merged pull request there."}},
		{"reason and welcome", Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, Web: "https://ghe.example",
			Record: withPR(reason("1 of 3"), func(p *state.Person) { p.CommentURL = "https://c/1" }), GitHub: &GitHub{Merged: -1}},
			[]string{"as counting merged pull requests on 2026-11-02, for https://ghe.example/trio/trio/pull/42 (merged 2026-11-02); reason: 1 of 3; welcomed at https://c/1.",
				"GitHub says now that no account is called alice (never, or not since a rename or a deletion)."}},
		{"never welcomed, with a reason", Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, NotAsked: "--offline",
			Record: &state.Person{Login: "alice", Status: state.Invited, At: t0, Reason: "no welcome: archived", NoComment: true,
				PR: &state.PRRef{Repo: "trio/trio", Number: 7}}},
			[]string{"as invited by snekomatic on 2026-11-02, for https://github.com/trio/trio/pull/7; reason: no welcome: archived; never welcomed.",
				"GitHub was not asked (--offline)."}},
		{"an unknown status", Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, NotAsked: "--offline",
			Record: &state.Person{Login: "alice", Status: "future", At: t0}},
			[]string{"records alice (id 5) in trio as future on 2026-11-02."}},
		{"a bot", Facts{Login: "helper", Org: "trio", StatePath: "s.json", OrgInState: true, GitHub: &GitHub{Found: true, ID: 9, Type: "Bot"}},
			[]string{"helper is a bot account: bots are never candidates.", "GitHub says now that helper (id 9) is a bot account, not a user."}},
		{"excluded", Facts{Login: "build-ci", Org: "trio", StatePath: "s.json", OrgInState: true, Policy: pol, NotAsked: "--offline"},
			[]string{"trio's policy excludes build-ci (pattern *-ci)."}},
		{"an organization", Facts{Login: "other", Org: "trio", StatePath: "s.json", OrgInState: true, GitHub: &GitHub{Found: true, ID: 3, Type: "Organization"}},
			[]string{"other is never a candidate: not a user account (Organization).", "GitHub says now that other (id 3) is an organization account, not a user."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := Explain(tc.f).Text
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "into the teams") {
				t.Errorf("teams named where the policy has none:\n%s", text)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		want  string
	}{
		{"aa bb cc", 5, "aa bb\ncc"},
		{"aa bb cc", 8, "aa bb cc"},
		{"aa bb cc", 7, "aa bb\ncc"},
		{"aa  bb", 4, "aa\nbb"},
		{"https://example.com/long x", 5, "https://example.com/long\nx"},
		{"", 5, ""},
	} {
		if got := wrap(tc.s, tc.width); got != tc.want {
			t.Errorf("wrap(%q, %d) = %q; want %q", tc.s, tc.width, got, tc.want)
		}
	}
}

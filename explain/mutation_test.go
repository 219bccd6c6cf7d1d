package explain

// Tests written for the mutation sweep (docs/mutation-decisions.md): the
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

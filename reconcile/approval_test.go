package reconcile

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

var approvalT0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

func approvalBody(t *testing.T) string {
	t.Helper()
	waiting := []ProposedLine{
		{ID: 1, Login: "ann", PR: &state.PRRef{Repo: "o/r", Number: 5}, Reason: "first merged pull request", At: approvalT0},
		{ID: 2, Login: "bob", PR: &state.PRRef{Repo: "o/r", Number: 6}, Reason: "first merged pull request", At: approvalT0.Add(time.Hour)},
		{ID: 3, Login: "cat", Reason: "first merged pull request", At: approvalT0.Add(2 * time.Hour)},
	}
	return RenderApproval("O", "", waiting, []string{"- @old — approved: invited (2026-10-01)"})
}

func TestReadApproval(t *testing.T) {
	body := approvalBody(t)
	proposed := map[int64]bool{1: true, 2: true, 3: true, 4: true}
	tick := func(s, login string) string {
		return strings.Replace(s, "- [ ] @"+login, "- [x] @"+login, 1)
	}
	lineOf := func(s, login string) string {
		for l := range strings.SplitSeq(s, "\n") {
			if strings.Contains(l, "@"+login+" ") {
				return l + "\n"
			}
		}
		t.Fatalf("no line for %s in\n%s", login, s)
		return ""
	}
	cases := []struct {
		name               string
		body               string
		approved, declined []int64
		unreadable         string
	}{
		{"untouched: nobody decided (4 was never shown)", body, nil, nil, ""},
		{"a box ticked", tick(body, "bob"), []int64{2}, nil, ""},
		{"ticked with a capital X", strings.Replace(body, "- [ ] @ann", "- [X] @ann", 1), []int64{1}, nil, ""},
		{"a line removed", strings.Replace(body, lineOf(body, "cat"), "", 1), nil, []int64{3}, ""},
		{"a line moved under Not now, even ticked", strings.Replace(strings.Replace(tick(body, "ann"), lineOf(tick(body, "ann"), "ann"), "", 1),
			"## Not now\n", "## Not now\n"+lineOf(tick(body, "ann"), "ann"), 1), nil, []int64{1}, ""},
		{"a line for someone not proposed is ignored", strings.Replace(body, "## Not now", "- [x] @eve — <!-- id=99 -->\n## Not now", 1), nil, nil, ""},
		{"marker gone", strings.Replace(body, "<!-- snekomatic:dashboard", "<!-- x", 1), nil, nil, "marker"},
		{"another organization's", strings.Replace(body, "org=o ", "org=p ", 1), nil, nil, "organization p"},
		{"heading gone", strings.Replace(tick(body, "ann"), "## Waiting for approval", "## Hi", 1), nil, nil, "heading"},
		{"nonsense", "lol", nil, nil, "marker"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := ReadApproval(tc.body, "o", proposed)
			if !slices.Equal(a.Approved, tc.approved) || !slices.Equal(a.Declined, tc.declined) {
				t.Errorf("approved %v declined %v, want %v %v", a.Approved, a.Declined, tc.approved, tc.declined)
			}
			if (tc.unreadable == "") != (a.Unreadable == "") || !strings.Contains(a.Unreadable, tc.unreadable) {
				t.Errorf("unreadable %q, want %q", a.Unreadable, tc.unreadable)
			}
			if tc.unreadable == "" && (len(a.Done) != 1 || !strings.Contains(a.Done[0], "@old")) {
				t.Errorf("done lines not carried: %q", a.Done)
			}
		})
	}
}

func TestRenderApprovalOldestFirstWithLinks(t *testing.T) {
	body := approvalBody(t)
	ann, bob := strings.Index(body, "@ann"), strings.Index(body, "@bob")
	if ann < 0 || bob < ann || !strings.Contains(body, "[o/r#5](https://github.com/o/r/pull/5)") ||
		!strings.Contains(body, "shown=1,2,3 -->") || !strings.Contains(body, "- [ ] @cat — no pull request on record") {
		t.Errorf("body:\n%s", body)
	}
	if got := proposedLines(map[int64]*state.Person{
		7: {Login: "late", Status: state.Proposed, At: approvalT0.Add(time.Hour)},
		8: {Login: "early", Status: state.Proposed, At: approvalT0},
		9: {Login: "x", Status: state.Invited, At: approvalT0},
		6: {Login: "merged-later", Status: state.Proposed, At: approvalT0, PR: &state.PRRef{MergedAt: approvalT0}},
		5: {Login: "merged-earlier", Status: state.Proposed, At: approvalT0, PR: &state.PRRef{MergedAt: approvalT0.Add(-time.Hour)}},
	}); len(got) != 4 || got[0].Login != "early" || got[1].Login != "merged-earlier" || got[2].Login != "merged-later" || got[3].Login != "late" {
		t.Errorf("proposedLines: %+v", got)
	}
}

func TestGate(t *testing.T) {
	ds := []Decision{
		{Candidate: Candidate{ID: 1}, Action: ActInvite},
		{Candidate: Candidate{ID: 2}, Action: ActQueue, Reason: "membership could not be checked"},
		{Candidate: Candidate{ID: 3, Queued: true}, Action: ActInvite},
		{Candidate: Candidate{ID: 4, Unsure: true, Queued: true}, Action: ActInvite},
		{Candidate: Candidate{ID: 5}, Action: ActRecordMember},
		{Candidate: Candidate{ID: 6}, Action: ActCount},
		{Candidate: Candidate{ID: 7, Note: "their invitation expired"}, Action: ActInvite},
	}
	got := Gate(ds, 1)
	want := []Action{ActPropose, ActPropose, ActInvite, ActInvite, ActRecordMember, ActCount, ActPropose}
	for i, d := range got {
		if d.Action != want[i] {
			t.Errorf("%d: %s, want %s", d.ID, d.Action, want[i])
		}
	}
	if got[0].Reason != "first merged pull request" || got[6].Reason != "their invitation expired" {
		t.Errorf("reasons %q %q", got[0].Reason, got[6].Reason)
	}
	if r := Gate(ds[:1], 3)[0].Reason; r != "min_merged_prs (3) reached" {
		t.Errorf("min reason %q", r)
	}
	if ds[0].Action != ActInvite {
		t.Error("Gate changed its input")
	}
}

// Someone proposed waits for the approval issue: another merged pull
// request does not make them a candidate again.
func TestClassifyLeavesProposedWaiting(t *testing.T) {
	pr := PullRequest{NodeID: "n", Repo: "o/r", Number: 9, MergedAt: approvalT0, Author: Author{Type: "User", ID: 1, Login: "ann"}}
	known := map[int64]*state.Person{1: {Login: "ann", Status: state.Proposed, At: approvalT0.Add(-time.Hour)}}
	cl := Classify([]PullRequest{pr}, known, Policy{ApprovalRepo: "o/admin"}, nil, "")
	if len(cl.Candidates) != 0 || cl.Known != 1 {
		t.Errorf("candidates %+v known %d", cl.Candidates, cl.Known)
	}
}

// Once the organization no longer asks for approval, the people it had
// proposed wait no more: they join the queue, with their pull request,
// whether or not they merged again.
func TestProposedJoinTheQueueWhenApprovalIsTurnedOff(t *testing.T) {
	known := map[int64]*state.Person{1: {Login: "ann", Status: state.Proposed, At: approvalT0.Add(-time.Hour),
		PR: &state.PRRef{Repo: "o/r", Number: 3, MergedAt: approvalT0.Add(-2 * time.Hour)}}}
	cl := Classify(nil, known, Policy{}, nil, "")
	if len(cl.Candidates) != 1 || !cl.Candidates[0].Queued || cl.Candidates[0].PR.Number != 3 {
		t.Fatalf("candidates %+v, want ann queued on o/r#3", cl.Candidates)
	}
	if cl := Classify(nil, known, Policy{ApprovalRepo: "o/admin"}, nil, ""); len(cl.Candidates) != 0 {
		t.Errorf("with approval on: candidates %+v, want none", cl.Candidates)
	}
}

package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

func logins(es []reconcile.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Login)
	}
	return strings.Join(out, ",")
}

// The approval cycle against the fake: newcomers are proposed on one issue,
// not invited; a box ticked there invites that person on the next run and
// the issue is updated; an unticked person stays; a removed line is
// recorded as declined; a deleted issue is rebuilt from the state.
func TestApprovalCycle(t *testing.T) {
	w, fresh := newcomersWorld(t, 3) // new0 merged last, new2 first
	w.gh.AddRepo("trio", "admin")
	args := []string{"--org", "trio", "--approval-repo", "trio/admin"}

	// A dry run shows what the issue would say, and writes nothing.
	rep := w.runJSON(t, append(args, "--dry-run")...)
	if rep.ApprovalIssue == nil || rep.ApprovalIssue.Action != "would create" || !strings.Contains(rep.ApprovalIssue.Body, "- [ ] @new2") {
		t.Fatalf("dry run: %+v", rep.ApprovalIssue)
	}
	if n := w.gh.CountRequests()[fakegithub.KindRESTWrite]; n != 0 || len(w.gh.IssuesIn("trio/admin")) != 0 {
		t.Fatalf("a dry run wrote %d times", n)
	}

	// Run 1: everyone new is proposed, nobody invited, one issue created.
	w.gh.ResetRequests()
	rep = w.runJSON(t, args...)
	if got := logins(rep.Proposed); got != "new2,new1,new0" || len(rep.Invited) != 0 {
		t.Fatalf("proposed %q invited %v", got, rep.Invited)
	}
	if len(w.gh.CreatedInvitations("trio")) != 0 || len(w.gh.AllComments()) != 0 {
		t.Fatal("someone was invited or welcomed without approval")
	}
	issues := w.gh.IssuesIn("trio/admin")
	if len(issues) != 1 || rep.ApprovalIssue.Action != "created" || rep.ApprovalIssue.Number != issues[0] {
		t.Fatalf("issues %v, report %+v", issues, rep.ApprovalIssue)
	}
	n := issues[0]
	body, open, _ := w.gh.IssueBody("trio/admin", n)
	if !open || strings.Index(body, "@new2") > strings.Index(body, "@new0") {
		t.Fatalf("issue (oldest first):\n%s", body)
	}
	if st := loadState(t, w.statePath).Org("trio").People[fresh[0].ID]; st.Status != state.Proposed {
		t.Fatalf("new0 recorded as %+v", st)
	}
	if got := w.gh.CountRequests()[fakegithub.KindRESTWrite]; got != 1 {
		t.Errorf("run 1 sent %d writes, want 1 (the issue)", got)
	}

	// A maintainer ticks new1, removes new2's line, leaves new0.
	w.gh.TickBox("trio/admin", n, "new1")
	w.gh.EditIssueBody("trio/admin", n, func(b string) string {
		var keep []string
		for l := range strings.SplitSeq(b, "\n") {
			if !strings.Contains(l, "@new2 ") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	})

	// Run 2: new1 invited and welcomed, new2 declined, new0 still waits.
	w.now = w.now.Add(time.Hour)
	w.gh.ResetRequests()
	rep = w.runJSON(t, args...)
	if logins(rep.Approved) != "new1" || logins(rep.Invited) != "new1" || logins(rep.Rejected) != "new2" || len(rep.Proposed) != 0 {
		t.Fatalf("approved %q invited %q rejected %q proposed %q", logins(rep.Approved), logins(rep.Invited), logins(rep.Rejected), logins(rep.Proposed))
	}
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 1 || inv[0].InviteeID != fresh[1].ID || len(w.gh.AllComments()) != 1 {
		t.Fatalf("invitations %+v", inv)
	}
	people := loadState(t, w.statePath).Org("trio").People
	if people[fresh[1].ID].Status != state.Invited || people[fresh[2].ID].Status != state.Rejected || people[fresh[0].ID].Status != state.Proposed {
		t.Fatalf("state: new0 %s new1 %s new2 %s", people[fresh[0].ID].Status, people[fresh[1].ID].Status, people[fresh[2].ID].Status)
	}
	body, _, _ = w.gh.IssueBody("trio/admin", n)
	waiting, done, _ := strings.Cut(body, "## Done")
	if !strings.Contains(waiting, "- [ ] @new0") || strings.Contains(waiting, "@new1") || strings.Contains(waiting, "@new2") ||
		!strings.Contains(done, "@new1 — approved: invited") || !strings.Contains(done, "@new2 — not invited") {
		t.Fatalf("issue after run 2:\n%s", body)
	}
	if rep.ApprovalIssue.Action != "updated" {
		t.Errorf("issue action %q", rep.ApprovalIssue.Action)
	}
	if reads, writes := issueRequests(w.gh); reads != 1 || writes != 1 {
		t.Errorf("run 2: %d reads and %d writes of the issue, want 1 and 1", reads, writes)
	}

	// Run 3, nothing new: one read, no write at all.
	w.now = w.now.Add(time.Hour)
	w.gh.ResetRequests()
	rep = w.runJSON(t, args...)
	if rep.ApprovalIssue.Action != "unchanged" || w.gh.CountRequests()[fakegithub.KindRESTWrite] != 0 {
		t.Errorf("unchanged run: %+v, %d writes", rep.ApprovalIssue, w.gh.CountRequests()[fakegithub.KindRESTWrite])
	}
	if reads, writes := issueRequests(w.gh); reads != 1 || writes != 0 {
		t.Errorf("unchanged run: %d reads and %d writes of the issue, want 1 and 0", reads, writes)
	}

	// The issue deleted by hand: the run says so and rebuilds it from the
	// state; new0 is not declined for it.
	w.gh.DeleteIssue("trio/admin", n)
	w.now = w.now.Add(time.Hour)
	rep = w.runJSON(t, args...)
	if len(rep.Rejected) != 0 || rep.ApprovalIssue.Action != "created" || !strings.Contains(strings.Join(rep.Warnings, "\n"), "no approval issue") {
		t.Fatalf("after deletion: rejected %v issue %+v warnings %q", rep.Rejected, rep.ApprovalIssue, rep.Warnings)
	}
	body, open, ok := w.gh.IssueBody("trio/admin", rep.ApprovalIssue.Number)
	if !ok || !open || !strings.Contains(body, "- [ ] @new0") {
		t.Fatalf("rebuilt issue:\n%s", body)
	}

	// Closed by hand: reopened, in one request, with the same body.
	w.gh.CloseIssue("trio/admin", rep.ApprovalIssue.Number)
	w.now = w.now.Add(time.Hour)
	w.gh.ResetRequests()
	rep = w.runJSON(t, args...)
	if _, open, _ := w.gh.IssueBody("trio/admin", rep.ApprovalIssue.Number); !open || rep.ApprovalIssue.Action != "reopened" ||
		w.gh.CountRequests()[fakegithub.KindRESTWrite] != 1 {
		t.Errorf("closed issue: open=%v %+v", open, rep.ApprovalIssue)
	}

	// Edited into nonsense (the marker line kept): nobody declined, the
	// same issue rebuilt.
	number := rep.ApprovalIssue.Number
	w.gh.EditIssueBody("trio/admin", number, func(b string) string { first, _, _ := strings.Cut(b, "\n"); return first + "\nlol" })
	w.now = w.now.Add(time.Hour)
	rep = w.runJSON(t, args...)
	body, _, _ = w.gh.IssueBody("trio/admin", number)
	if len(rep.Rejected) != 0 || rep.ApprovalIssue.Number != number || !strings.Contains(body, "- [ ] @new0") ||
		!strings.Contains(strings.Join(rep.Warnings, "\n"), "could not be read") {
		t.Fatalf("after nonsense: rejected %v warnings %q body:\n%s", rep.Rejected, rep.Warnings, body)
	}
	// Without its marker line it is no longer recognised: a new one.
	w.gh.EditIssueBody("trio/admin", number, func(string) string { return "lol" })
	w.now = w.now.Add(time.Hour)
	rep = w.runJSON(t, args...)
	if len(rep.Rejected) != 0 || rep.ApprovalIssue.Action != "created" || rep.ApprovalIssue.Number == number {
		t.Fatalf("after the marker was removed: rejected %v issue %+v", rep.Rejected, rep.ApprovalIssue)
	}
}

// A repository the run cannot read fails the organization in one line,
// before anything is sent.
func TestApprovalRepoUnreadable(t *testing.T) {
	w, _ := newcomersWorld(t, 1)
	code, out, errOut := w.run(t, "--org", "trio", "--approval-repo", "trio/nope")
	if code == 0 || !strings.Contains(errOut+out, "approval.issue_repo trio/nope: its issues cannot be read") {
		t.Fatalf("code %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if len(w.gh.CreatedInvitations("trio")) != 0 || w.gh.CountRequests()[fakegithub.KindRESTWrite] != 0 {
		t.Error("something was sent")
	}
}

// The text report of a dry run shows who would be proposed and what the
// issue would say.
func TestApprovalDryRunTextReport(t *testing.T) {
	w, _ := newcomersWorld(t, 1)
	w.gh.AddRepo("trio", "admin")
	code, out, errOut := w.run(t, "--org", "trio", "--approval-repo", "trio/admin", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	for _, want := range []string{"proposed on the approval issue", "approval issue: would create an issue in trio/admin", "| - [ ] @new0 — "} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// issueRequests counts the requests about the approval issue's repository
// since the last ResetRequests: its cost per organization per run.
func issueRequests(gh *fakegithub.GitHub) (reads, writes int) {
	for _, r := range gh.Requests() {
		if !strings.Contains(r.Path, "/repos/trio/admin/") {
			continue
		}
		if r.Kind == fakegithub.KindRESTWrite {
			writes++
		} else {
			reads++
		}
	}
	return reads, writes
}

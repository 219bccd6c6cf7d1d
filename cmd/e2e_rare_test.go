package cmd

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// GitHub's rarer answers (issue 19), end to end.

// seed records people in the state file as an earlier run left them.
func (w *world) seed(t *testing.T, people map[int64]*state.Person) {
	t.Helper()
	st, _, err := state.Open(w.statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Update("trio", func(e *state.Edit) {
		for id, p := range people {
			e.Put(id, p)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
}

// A merged pull request in an archived repository: its author is invited
// without a welcome (GitHub refuses comments there), the others go on, and
// the run, and the next, exit 0.
func TestE2EArchivedRepositoryDoesNotHaltTheOrganization(t *testing.T) {
	w, fresh := newcomersWorld(t, 2)
	old := w.gh.AddRepo("trio", "old")
	late := w.gh.AddUser("late")
	pr := w.gh.AddPR(old, late.ID, "a change", w.now.Add(-30*time.Minute))
	w.gh.UpdateRepo(old.ID, func(r *fakegithub.Repo) { r.Archived = true })
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.Comments("trio/old", pr.Number)); n != 0 {
		t.Errorf("%d comments in the archived repository", n)
	}
	people := loadState(t, w.statePath).Orgs["trio"].People
	if p := people[late.ID]; p == nil || p.Status != state.Invited || !p.NoComment || !strings.Contains(p.Reason, "archived") {
		t.Errorf("late recorded as %+v; want invited, no welcome, with the reason", p)
	}
	for _, u := range fresh {
		if p := people[u.ID]; p == nil || p.Status != state.Invited || p.CommentURL == "" {
			t.Errorf("%s recorded as %+v; want invited and welcomed", u.Login, p)
		}
	}
	w.now = w.now.Add(time.Hour)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
}

// A hidden marker in a comment by someone else is not evidence: an unsure
// person is not recorded as declined on it, and an invitee's welcome is
// not recorded as posted on it.
func TestE2EForgedMarkerIsIgnored(t *testing.T) {
	w := newWorld(t)
	mallory := w.gh.AddUser("mallory")
	w.gh.AddTokenFor("mallory-token", mallory.ID)
	unsure, unwelcomed := w.gh.AddUser("unsure"), w.gh.AddUser("unwelcomed")
	prU, prW := w.merged(t, unsure, 2*time.Hour), w.merged(t, unwelcomed, 2*time.Hour)
	w.gh.AddPendingInvitation("trio", unwelcomed.ID)
	for _, f := range []struct {
		pr *fakegithub.PR
		id int64
	}{{prU, unsure.ID}, {prW, unwelcomed.ID}} {
		body := `{"body":"nice ` + reconcile.WelcomeMarker("trio", f.id) + `"}`
		resp := postAs(t, w.gh.RESTURL()+"repos/trio/trio/issues/"+itoa(int64(f.pr.Number))+"/comments", "mallory-token", body)
		if resp != 201 {
			t.Fatalf("mallory's comment: %d", resp)
		}
	}
	w.seed(t, map[int64]*state.Person{
		unsure.ID: {Login: "unsure", Status: state.Inviting, At: w.now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: prU.Number, MergedAt: w.now.Add(-2 * time.Hour)}},
		unwelcomed.ID: {Login: "unwelcomed", Status: state.Invited, At: w.now.Add(-time.Hour),
			PR: &state.PRRef{Repo: "trio/trio", Number: prW.Number, MergedAt: w.now.Add(-2 * time.Hour)}},
	})
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	n := 0
	for _, inv := range w.gh.CreatedInvitations("trio") {
		if inv.InviteeID == unsure.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d invitations to the unsure person; want one (no trace of ours, the marker is not ours)", n)
	}
	people := loadState(t, w.statePath).Orgs["trio"].People
	for _, id := range []int64{unsure.ID, unwelcomed.ID} {
		p := people[id]
		cs := w.gh.Comments("trio/trio", p.PR.Number)
		if len(cs) != 2 || cs[1].AuthorLogin != fakegithub.DefaultTokenOwner || !strings.HasSuffix(p.CommentURL, "-"+itoa(cs[1].ID)) {
			t.Errorf("%s: comments %+v, recorded %q; want ours posted after mallory's and recorded", p.Login, cs, p.CommentURL)
		}
	}
}

// A search stuck on one cursor fails the organization in one line after a
// few requests, instead of paging forever.
func TestE2EStuckPagingFailsTheOrganization(t *testing.T) {
	w, _ := newcomersWorld(t, 2)
	fi := w.gh.InjectFaults(fakegithub.Faults{StuckPages: true})
	code, out, errOut := w.runFast(t)
	mustCode(t, code, 1, out, errOut)
	if n := fi.Counts().Stuck; n > 5 {
		t.Errorf("%d requests answered before stopping; want a few", n)
	}
	if !strings.Contains(errOut+out, "twice") {
		t.Errorf("the failure does not name the repeated cursor:\n%s\n%s", out, errOut)
	}
}

// One 502 on a welcome comment is recovered in the same run (looked for by
// its marker, posted again): the run exits 0 and nobody is welcomed twice.
func TestE2ELostWelcomeIsRecoveredInTheSameRun(t *testing.T) {
	for _, ambiguous := range []bool{false, true} {
		w, fresh := newcomersWorld(t, 2)
		n := 0
		w.gh.InjectFaults(fakegithub.Faults{Rate502: 1, AmbiguousWrites: ambiguous, Only: func(r *http.Request) bool {
			if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/comments") {
				n++
				return n == 1
			}
			return false
		}})
		code, out, errOut := w.runFast(t)
		mustCode(t, code, 0, out, errOut)
		people := loadState(t, w.statePath).Orgs["trio"].People
		for _, u := range fresh {
			p := people[u.ID]
			if cs := w.gh.Comments("trio/trio", p.PR.Number); len(cs) != 1 || p.CommentURL == "" {
				t.Errorf("ambiguous %v: %s has %d comments, recorded %q; want exactly one, recorded", ambiguous, u.Login, len(cs), p.CommentURL)
			}
		}
	}
}

// postAs posts a JSON body with a token and returns the status.
func postAs(t *testing.T, url, token, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

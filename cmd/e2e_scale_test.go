package cmd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/state"
)

func TestBackfillPastTheSearchCapFindsEveryone(t *testing.T) {
	w := newWorld(t)
	const n = 2500
	for i := range n {
		u := w.gh.AddUser(fmt.Sprintf("contributor%d", i))
		w.merged(t, u, time.Duration(i+1)*time.Minute) // spread over ~42 hours
	}
	code, out, errOut := w.run(t, "--org", "trio", "--since", "3d", "--dry-run", "--daily-invite-limit", "0", "--output", "json")
	mustCode(t, code, 0, out, errOut)
	var rep RunReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	r := rep.Orgs[0]
	if r.PullRequests != n || len(r.Invited) != n {
		t.Fatalf("read %d pull requests and planned %d invitations, want %d of each", r.PullRequests, len(r.Invited), n)
	}
	seen := map[int64]bool{}
	for _, e := range r.Invited {
		seen[e.ID] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct people planned, want %d", len(seen), n)
	}
	// ceil(2500/100) pages is the least; resuming after the cap may re-read
	// a page's worth of pull requests created in the same second.
	if r.SearchRequests > 26 {
		t.Errorf("%d search requests for %d pull requests", r.SearchRequests, n)
	}
}

func TestIndexLagIsCoveredByTheOverlap(t *testing.T) {
	w := newWorld(t)
	late := w.gh.AddUser("late")
	pr := w.merged(t, late, 2*time.Minute)
	w.gh.SetHidden(pr.ID, true) // merged, but not yet searchable
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.CreatedInvitations("trio")); n != 0 {
		t.Fatalf("invited %d before the pull request was searchable", n)
	}
	// The index catches up; the next run's window starts an hour before the
	// cursor, which has moved past the merge, and finds it.
	w.gh.SetHidden(pr.ID, false)
	w.now = w.now.Add(20 * time.Minute)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].InviteeID != late.ID {
		t.Errorf("invitations = %+v, want the late one", inv)
	}
}

func TestDailyInviteLimitIsTrackedAcrossRuns(t *testing.T) {
	w := newWorld(t)
	for i := range 5 {
		w.merged(t, w.gh.AddUser(fmt.Sprintf("p%d", i)), time.Duration(10-i)*time.Minute)
	}
	code, out, errOut := w.run(t, "--org", "trio", "--daily-invite-limit", "3")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.CreatedInvitations("trio")); n != 3 {
		t.Fatalf("first run sent %d invitations, want 3", n)
	}
	if !strings.Contains(out, "daily invitation limit reached") {
		t.Errorf("report should say why people wait:\n%s", out)
	}
	// An hour later the 24 hours are not over: nothing more is sent.
	w.now = w.now.Add(time.Hour)
	code, out, errOut = w.run(t, "--org", "trio", "--daily-invite-limit", "3")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.CreatedInvitations("trio")); n != 3 {
		t.Fatalf("second run sent more: %d invitations in all", n)
	}
	if n := w.gh.CountRequests()[fakegithub.KindRESTWrite]; n != 6 {
		t.Errorf("%d writes in all, want 6 (3 invitations and 3 welcomes)", n)
	}
	// A day later the queue is served.
	w.now = w.now.Add(24 * time.Hour)
	code, out, errOut = w.run(t, "--org", "trio", "--daily-invite-limit", "3")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.CreatedInvitations("trio")); n != 5 {
		t.Errorf("after a day: %d invitations in all, want 5", n)
	}
}

func TestGitHubsInvitationCapQueuesTheRestAndExitsZero(t *testing.T) {
	w, fresh := newcomersWorld(t, 5)
	w.gh.SetInvitationCap("trio", 2)
	code, out, errOut := w.run(t, "--org", "trio", "--daily-invite-limit", "0")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.CreatedInvitations("trio")); n != 2 {
		t.Fatalf("%d invitations, want the 2 GitHub allowed", n)
	}
	if !strings.Contains(out, "invitation limit for the organization was reached: 3 people wait in the queue") {
		t.Errorf("report should say how many wait:\n%s", out)
	}
	// The cap lifts a day later; the queue is served first, oldest merge
	// first, although the cursor has moved past their pull requests.
	w.gh.SetInvitationCap("trio", 0)
	w.now = w.now.Add(25 * time.Hour)
	code, out, errOut = w.run(t, "--org", "trio", "--daily-invite-limit", "0")
	mustCode(t, code, 0, out, errOut)
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 5 {
		t.Fatalf("%d invitations in all, want 5", len(inv))
	}
	seen := map[int64]int{}
	for _, i := range inv {
		seen[i.InviteeID]++
	}
	for _, u := range fresh {
		if seen[u.ID] != 1 {
			t.Errorf("%s invited %d times", u.Login, seen[u.ID])
		}
	}
}

func TestAccountDeletedBeforeItsInvitationIsSkipped(t *testing.T) {
	w := newWorld(t)
	gone := w.gh.AddUser("gone")
	w.merged(t, gone, time.Hour)
	// Between the search and the invitation, the account is deleted.
	w.gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/invitations") {
				w.gh.DeleteUser(gone.ID)
			}
			next.ServeHTTP(rw, r)
		})
	})
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	st := loadState(t, w.statePath)
	if p := st.Org("trio").People[gone.ID]; p == nil || p.Status != state.Skipped || !strings.Contains(p.Reason, "no longer exists") {
		t.Errorf("deleted account recorded as %+v, want skipped with the reason", p)
	}
	if len(w.gh.AllComments()) != 0 {
		t.Errorf("a deleted account was welcomed")
	}
}

func TestUnreadableStatePathFailsCleanly(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	w.statePath = t.TempDir() // a directory, not a file
	code, out, errOut := w.run(t, "--org", "trio")
	if code != ExitError || !strings.Contains(errOut, w.statePath) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("exit %d, stderr %q; want 1 and one line naming the path", code, errOut)
	}
	if len(w.gh.Requests()) != 0 || out != "" {
		t.Errorf("nothing should happen with an unreadable state path")
	}
}

package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
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

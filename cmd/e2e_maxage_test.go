package cmd

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/state"
)

// A backfill of pull requests older than comment.max_age (30 days by
// default) invites without a welcome: one content-creating request per
// person, recorded as no_comment with the reason, and never welcomed
// later; a recent pull request is still welcomed.
func TestBackfillOfOldPullRequestsPostsNoWelcome(t *testing.T) {
	w := newWorld(t)
	var old []*fakegithub.Account
	for i := range 5 {
		u := w.gh.AddUser(fmt.Sprintf("old%d", i))
		old = append(old, u)
		w.merged(t, u, time.Duration(40+i)*24*time.Hour)
	}
	fresh := w.gh.AddUser("fresh")
	w.merged(t, fresh, 2*24*time.Hour)
	w.gh.ResetRequests()
	rep := w.runJSON(t, "--org", "trio", "--since", "60d")

	if n := len(w.gh.CreatedInvitations("trio")); n != 6 {
		t.Fatalf("%d invitations, want 6", n)
	}
	if c := w.gh.AllComments(); len(c) != 1 || !strings.HasPrefix(c[0].Body, "Hi @fresh,") {
		t.Errorf("comments %+v, want fresh's welcome alone", c)
	}
	writes := 0
	for _, r := range w.gh.Requests() {
		if r.Kind == fakegithub.KindRESTWrite {
			writes++
		}
	}
	if writes != 7 {
		t.Errorf("%d content-creating requests, want 7 (one per old pull request's author, two for the fresh one)", writes)
	}
	people := loadState(t, w.statePath).Org("trio").People
	for i, u := range old {
		p := people[u.ID]
		want := fmt.Sprintf("no welcome: the pull request was merged %d days ago (comment.max_age 30d)", 40+i)
		if p == nil || p.Status != state.Invited || !p.NoComment || p.Reason != want {
			t.Errorf("%s: %+v, want invited, no_comment, %q", u.Login, p, want)
		}
	}
	for _, e := range rep.Invited {
		if e.ID != fresh.ID && !strings.Contains(e.Reason, "no welcome: the pull request was merged") {
			t.Errorf("report entry %+v does not say why there is no welcome", e)
		}
	}
	// Never welcomed later, not even with the limit lifted.
	w.now = w.now.Add(time.Hour)
	cfg := w.config(t, "defaults:\n  comment: {max_age: 0}\n")
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if n := len(w.gh.AllComments()); n != 1 {
		t.Errorf("%d comments after a later run, want 1", n)
	}
}

// comment.max_age 0 lifts the limit: an old pull request is welcomed.
func TestMaxAgeZeroWelcomesOldPullRequests(t *testing.T) {
	w := newWorld(t)
	u := w.gh.AddUser("old")
	w.merged(t, u, 90*24*time.Hour)
	cfg := w.config(t, "defaults:\n  comment: {max_age: 0}\n")
	w.runJSON(t, "--org", "trio", "--since", "100d", "--config", cfg)
	if n := len(w.gh.AllComments()); n != 1 {
		t.Errorf("%d comments, want the welcome", n)
	}
}

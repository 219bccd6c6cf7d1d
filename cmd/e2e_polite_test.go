package cmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// A token whose user is not an owner cannot invite: the organization fails
// at once with one line naming the user, and nothing is written.
func TestTokenUserWhoIsNotAnOwnerFailsTheOrganizationAtOnce(t *testing.T) {
	w, _ := newcomersWorld(t, 2)
	w.gh.SetMember("trio", w.gh.TokenOwner().ID, "member")
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, ExitError, out, errOut)
	if n := w.gh.CountRequests()[fakegithub.KindRESTWrite]; n != 0 {
		t.Errorf("%d writes sent with a token that may not invite", n)
	}
	var lines []string
	for _, l := range strings.Split(errOut, "\n") {
		if strings.HasPrefix(l, "snekomatic: trio:") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], fakegithub.DefaultTokenOwner) || !strings.Contains(lines[0], "only organization owners can invite") {
		t.Errorf("want one line naming %s and what is needed; stderr:\n%s", fakegithub.DefaultTokenOwner, errOut)
	}
}

// A backfill larger than GitHub's per-minute content limit: writes are
// spaced a second apart on the one token, and GitHub (the fake, with its
// documented limits on) never refuses one.
func TestBackfillIsPacedUnderGitHubsContentLimits(t *testing.T) {
	w, fresh := newcomersWorld(t, 60)
	w.gh.SetInvitationCap("trio", 500)
	code, out, errOut := w.run(t, "--org", "trio", "--since", "240h", "--daily-invite-limit", "500")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.CreatedInvitations("trio")); n != len(fresh) {
		t.Errorf("%d invitations, want %d", n, len(fresh))
	}
	if n := w.gh.ContentLimitRefusals(); n != 0 {
		t.Errorf("%d requests refused by GitHub's content limits", n)
	}
	var last time.Time
	writes := 0
	for _, r := range w.gh.Requests() {
		if r.Kind != fakegithub.KindRESTWrite {
			continue
		}
		if writes > 0 && r.At.Sub(last) < time.Second {
			t.Errorf("write %d (%s %s) came %s after the one before", writes+1, r.Method, r.Path, r.At.Sub(last))
		}
		last, writes = r.At, writes+1
	}
	if writes != 2*len(fresh) {
		t.Errorf("%d writes, want %d", writes, 2*len(fresh))
	}
}

// An installation limited to selected repositories sees only their pull
// requests; the run's report and doctor say so.
func TestSelectedRepositoriesInstallationIsReported(t *testing.T) {
	w := newAppWorld(t, nil)
	hidden := w.gh.AddRepo("alpha", "private-corner")
	w.gh.SelectRepositories(w.inst["alpha"].ID, w.repos["alpha"])
	seen, unseen := w.gh.AddUser("seen"), w.gh.AddUser("unseen")
	w.gh.AddPR(w.repos["alpha"], seen.ID, "x", time.Now().Add(-time.Hour))
	w.gh.AddPR(hidden, unseen.ID, "y", time.Now().Add(-time.Hour))

	code, out, errOut := w.run(t, "--org", "alpha")
	mustCode(t, code, 0, out, errOut)
	if inv := w.gh.CreatedInvitations("alpha"); len(inv) != 1 || inv[0].InviteeID != seen.ID {
		t.Errorf("invitations = %+v, want only the author in the selected repository", inv)
	}
	if !strings.Contains(out, "only the repositories selected") {
		t.Errorf("the report does not warn about the selected repositories:\n%s", out)
	}
	env := map[string]string{"GITHUB_APP_ID": strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY": string(w.key), "GITHUB_API_URL": w.gh.RESTURL()}
	code, out, errOut = runDoctor(t, env, "--org", "alpha", "--state", w.statePath)
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(out, "selected repositories only") {
		t.Errorf("doctor does not say the installation sees selected repositories only:\n%s", out)
	}
}

// Several organizations on one token share its pacing: their writes, sent
// from concurrent workers, still go one at a time, a second apart.
func TestOrganizationsSharingATokenShareItsPacing(t *testing.T) {
	w, _ := newcomersWorld(t, 5)
	for _, org := range []string{"trio2", "trio3"} {
		w.gh.AddOrg(org)
		w.gh.MakeOwner(org, w.gh.TokenOwner().ID)
		repo := w.gh.AddRepo(org, "code")
		for i := range 5 {
			w.gh.AddPR(repo, w.gh.AddUser(fmt.Sprintf("%s-new%d", org, i)).ID, "x", w.now.Add(-time.Hour))
		}
	}
	code, out, errOut := w.run(t, "--org", "trio", "--org", "trio2", "--org", "trio3")
	mustCode(t, code, 0, out, errOut)
	var last time.Time
	writes := 0
	for _, r := range w.gh.Requests() {
		if r.Kind != fakegithub.KindRESTWrite {
			continue
		}
		if writes > 0 && r.At.Sub(last) < time.Second {
			t.Errorf("write %d (%s) came %s after the one before", writes+1, r.Path, r.At.Sub(last))
		}
		last, writes = r.At, writes+1
	}
	if writes != 30 {
		t.Errorf("%d writes, want 30 (15 invitations and their welcomes)", writes)
	}
}

// The hour's budget of content-creating requests survives between runs:
// it is read back from the state, so a run soon after one that spent it
// sends nothing and GitHub never has to refuse. (The budget is 10 here,
// on both sides, instead of 500.)
func TestHourlyContentBudgetSurvivesBetweenRuns(t *testing.T) {
	w, fresh := newcomersWorld(t, 8)
	w.gh.SetContentLimits(80, 10)
	run := func(at time.Duration) (int, string, string) {
		w.clock.set(w.now.Add(at))
		d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
		d.Now = w.clock.Now
		d.Resilience = func(o *ghtransport.Options) {
			w.clock.resilience(o)
			o.ContentPerHour = 10
		}
		code := Main(context.Background(), []string{"reconcile", "--state", w.statePath, "--org", "trio"}, d)
		return code, out.String(), errb.String()
	}
	writes := func() int { return w.gh.CountRequests()[fakegithub.KindRESTWrite] }

	code, out, errOut := run(0)
	mustCode(t, code, 0, out, errOut)
	if n := writes(); n != 10 {
		t.Fatalf("first run: %d writes, want the hour's 10", n)
	}
	// Half an hour later the hour is still spent: nothing is sent.
	code, out, errOut = run(30 * time.Minute)
	mustCode(t, code, 0, out, errOut)
	if n := writes(); n != 10 {
		t.Errorf("a run half an hour later sent %d more writes", n-10)
	}
	// Later runs finish.
	for _, at := range []time.Duration{2 * time.Hour, 4 * time.Hour} {
		code, out, errOut = run(at)
		mustCode(t, code, 0, out, errOut)
	}
	if n := len(w.gh.CreatedInvitations("trio")); n != len(fresh) {
		t.Errorf("%d invited in the end, want %d", n, len(fresh))
	}
	if n := w.gh.ContentLimitRefusals(); n != 0 {
		t.Errorf("GitHub refused %d requests", n)
	}
}

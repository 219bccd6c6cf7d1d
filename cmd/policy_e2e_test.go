package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/report"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// config writes a configuration file and returns its path.
func (w *world) config(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snekomatic.yml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runJSON runs reconcile with --output json and returns the organization's
// report.
func (w *world) runJSON(t *testing.T, args ...string) *reconcile.Report {
	t.Helper()
	code, out, errOut := w.run(t, append(args, "--output", "json")...)
	mustCode(t, code, 0, out, errOut)
	var rep RunReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Orgs) != 1 {
		t.Fatalf("report: %v\n%s", err, out)
	}
	return rep.Orgs[0].Report
}

func TestConfigRoleAndTeams(t *testing.T) {
	w := newWorld(t)
	core := w.gh.AddTeam("trio", "core")
	newcomers := w.gh.AddTeam("trio", "newcomers")
	alice := w.gh.AddUser("alice")
	w.merged(t, alice, time.Hour)
	cfg := w.config(t, "defaults:\n  teams: [newcomers]\norgs:\n  trio:\n    role: admin\n    teams: [core, newcomers]\n")

	code, out, errOut := w.run(t, "--org", "trio", "--config", cfg)
	mustCode(t, code, 0, out, errOut)
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 1 || inv[0].Role != "admin" || !slices.Equal(inv[0].TeamIDs, []int64{core.ID, newcomers.ID}) {
		t.Fatalf("invitations = %+v, want alice as admin into core and newcomers", inv)
	}
	for _, r := range w.gh.Requests() {
		if r.Method == "PUT" {
			t.Errorf("sent %s %s", r.Method, r.Path)
		}
	}
}

func TestConfigMissingTeamFailsTheOrgBeforeAnything(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	cfg := w.config(t, "defaults:\n  teams: [no-such-team]\n")
	code, out, errOut := w.run(t, "--org", "trio", "--config", cfg)
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, `team "no-such-team", which the organization trio does not have`) {
		t.Errorf("stderr should name the team:\n%s", errOut)
	}
	if n := w.gh.CountRequests()[fakegithub.KindGraphQL]; n != 0 {
		t.Errorf("%d GraphQL requests: the team is checked before the search", n)
	}
	if len(w.gh.CreatedInvitations("trio")) != 0 || len(w.gh.AllComments()) != 0 {
		t.Errorf("nothing may be sent")
	}
}

func TestConfigExclude(t *testing.T) {
	w := newWorld(t)
	spammer, tester, alice := w.gh.AddUser("Spammer"), w.gh.AddUser("qa-tester"), w.gh.AddUser("alice")
	for _, u := range []*fakegithub.Account{spammer, tester, alice} {
		w.merged(t, u, time.Hour)
	}
	cfg := w.config(t, "defaults:\n  exclude: [spammer, \"qa-*\"]\n")
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].InviteeID != alice.ID {
		t.Fatalf("invitations = %+v, want alice only", inv)
	}
	var reasons []string
	for _, s := range rep.Skipped {
		reasons = append(reasons, s.Login+": "+s.Reason)
	}
	slices.Sort(reasons)
	want := []string{"Spammer: excluded by config (pattern spammer)", "qa-tester: excluded by config (pattern qa-*)"}
	if !slices.Equal(reasons, want) {
		t.Errorf("skipped = %v, want %v", reasons, want)
	}
	// Excluded people are not recorded, so lifting the exclusion later
	// lets their next pull request invite them.
	st := loadState(t, w.statePath).Org("trio")
	if st.People[spammer.ID] != nil || st.People[tester.ID] != nil {
		t.Errorf("excluded people were recorded: %+v", st.People)
	}
}

func TestConfigMinMergedPRs(t *testing.T) {
	w := newWorld(t)
	veteran := w.gh.AddUser("veteran")
	w.gh.AddPR(w.repo, veteran.ID, "long ago", w.now.Add(-400*24*time.Hour))
	w.merged(t, veteran, time.Hour)
	var newcomers []*fakegithub.Account
	for i := range 51 {
		u := w.gh.AddUser(fmt.Sprintf("newcomer%d", i))
		newcomers = append(newcomers, u)
		w.merged(t, u, time.Duration(i+1)*time.Minute)
	}
	cfg := w.config(t, "defaults:\n  min_merged_prs: 2\n")

	w.gh.ResetRequests()
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].InviteeID != veteran.ID {
		t.Fatalf("invitations = %+v, want only the veteran (two merged pull requests)", inv)
	}
	if len(rep.Counting) != 51 || !strings.Contains(rep.Counting[0].Reason, "1 of the 2 merged pull requests") {
		t.Errorf("counting = %d people, first %+v", len(rep.Counting), rep.Counting[0])
	}
	// 52 people are counted with two requests (50 to a request), not 52.
	counts := 0
	for _, d := range w.gh.GraphQLDocuments() {
		if strings.Contains(d, "c0:search(") || strings.Contains(d, "c0: search(") {
			counts++
		}
	}
	if counts != 2 {
		t.Errorf("%d counting requests, want 2", counts)
	}
	st := loadState(t, w.statePath).Org("trio")
	if p := st.People[newcomers[0].ID]; p == nil || p.Status != state.Counting {
		t.Fatalf("newcomer0 recorded as %+v, want counting", p)
	}

	// A rerun that reads the same pull requests again counts nobody again.
	w.now = w.now.Add(10 * time.Minute)
	w.gh.ResetRequests()
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if n := w.gh.CountRequests()[fakegithub.KindGraphQL]; n != 1 {
		t.Errorf("%d GraphQL requests on the rerun, want just the search", n)
	}

	// Their second merged pull request gets them invited.
	w.now = w.now.Add(time.Hour)
	w.merged(t, newcomers[0], 10*time.Minute)
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 2 || inv[1].InviteeID != newcomers[0].ID {
		t.Fatalf("invitations = %+v, want newcomer0 invited after a second merge", inv)
	}
	if p := loadState(t, w.statePath).Org("trio").People[newcomers[0].ID]; p.Status != state.Invited || p.CommentURL == "" {
		t.Errorf("newcomer0 = %+v", p)
	}
}

func TestConfigRepos(t *testing.T) {
	w := newWorld(t)
	repos := map[string]*fakegithub.Repo{"trio": w.repo}
	for _, name := range []string{"fork", "archived", "private", "sandbox-1", "docs"} {
		repos[name] = w.gh.AddRepo("trio", name)
	}
	w.gh.UpdateRepo(repos["fork"].ID, func(r *fakegithub.Repo) { r.Fork = true })
	w.gh.UpdateRepo(repos["archived"].ID, func(r *fakegithub.Repo) { r.Archived = true })
	w.gh.UpdateRepo(repos["private"].ID, func(r *fakegithub.Repo) { r.Private = true })
	authors := map[string]*fakegithub.Account{}
	for name, r := range repos {
		authors[name] = w.gh.AddUser("author-of-" + name)
		w.gh.AddPR(r, authors[name].ID, "x", w.now.Add(-time.Hour))
	}
	cfg := w.config(t, `
defaults:
  repos:
    include: ["trio", "sandbox-*", "fork", "archived", "private"]
    exclude: ["trio/sandbox-*"]
    skip_forks: true
    skip_archived: true
    skip_private: true
`)
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 1 || inv[0].InviteeID != authors["trio"].ID {
		t.Fatalf("invitations = %+v, want only the author in trio/trio", inv)
	}
	if rep.FilteredPRs != 5 || rep.PullRequests != 6 {
		t.Errorf("filtered %d of %d pull requests, want 5 of 6", rep.FilteredPRs, rep.PullRequests)
	}
}

func TestConfigCommentOff(t *testing.T) {
	w := newWorld(t)
	alice := w.gh.AddUser("alice")
	w.merged(t, alice, time.Hour)
	cfg := w.config(t, "defaults:\n  comment:\n    enabled: false\n")
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if len(w.gh.CreatedInvitations("trio")) != 1 || len(w.gh.AllComments()) != 0 {
		t.Fatalf("want an invitation and no comment: %d comments", len(w.gh.AllComments()))
	}
	p := loadState(t, w.statePath).Org("trio").People[alice.ID]
	if p.Status != state.Invited || !p.NoComment || p.CommentURL != "" {
		t.Fatalf("alice = %+v", p)
	}
	// Comments turned back on later do not welcome her belatedly.
	w.now = w.now.Add(time.Hour)
	w.runJSON(t, "--org", "trio")
	if n := len(w.gh.AllComments()); n != 0 {
		t.Errorf("%d comments after comments were turned on again, want 0", n)
	}
}

func TestConfigCommentTemplate(t *testing.T) {
	w := newWorld(t)
	alice := w.gh.AddUser("alice")
	pr := w.merged(t, alice, time.Hour)
	cfg := w.config(t, `
defaults:
  comment:
    template: |
      Welcome @{{.Login}}! {{.PR.Repo}}#{{.PR.Number}} made you one of us.
      Accept at {{.AcceptURL}} to join {{.Org}}.
`)
	w.runJSON(t, "--org", "trio", "--config", cfg)
	c := w.gh.AllComments()
	if len(c) != 1 {
		t.Fatalf("comments = %+v", c)
	}
	want := fmt.Sprintf("Welcome @alice! trio/trio#%d made you one of us.\nAccept at %s/orgs/trio/invitation to join trio.\n\n%s\n",
		pr.Number, w.gh.URL(), reconcile.WelcomeMarker("trio", alice.ID))
	if c[0].Body != want {
		t.Errorf("comment:\n%q\nwant:\n%q", c[0].Body, want)
	}
}

func TestConfigLookbackOverlapAndMaxInvitesWithFlagsWinning(t *testing.T) {
	w := newWorld(t)
	old := w.gh.AddUser("old")
	w.merged(t, old, 3*24*time.Hour)
	var recent []*fakegithub.Account
	for i := range 3 {
		u := w.gh.AddUser(fmt.Sprintf("recent%d", i))
		recent = append(recent, u)
		w.merged(t, u, time.Duration(3-i)*time.Hour)
	}
	cfg := w.config(t, "defaults:\n  lookback: 2d\n  overlap: 3h\n  max_invites: 1\n")
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	if !strings.Contains(rep.WindowReason, "looking back 2d") {
		t.Errorf("window reason %q", rep.WindowReason)
	}
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].InviteeID != recent[0].ID {
		t.Fatalf("invitations = %+v, want recent0 only (lookback 2d hides old, max_invites 1)", inv)
	}
	// An explicit flag beats the file.
	w.now = w.now.Add(time.Hour)
	rep = w.runJSON(t, "--org", "trio", "--config", cfg, "--max-invites", "5")
	if !strings.Contains(rep.WindowReason, "less 3h0m0s overlap") {
		t.Errorf("window reason %q, want the configured overlap", rep.WindowReason)
	}
	if n := len(w.gh.CreatedInvitations("trio")); n != 3 {
		t.Errorf("%d invitations, want the queue of two served under --max-invites 5", n)
	}
}

func TestConfigErrorsBeforeAnyRequest(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	cfg := w.config(t, "defaults:\n  role: direct_member\n  min_merged_prs: lots\n")
	code, out, errOut := w.run(t, "--org", "trio", "--config", cfg)
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(errOut, cfg+":3: defaults.min_merged_prs: want a whole number") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("want one line naming file, line and key:\n%s", errOut)
	}
	if len(w.gh.Requests()) != 0 || out != "" {
		t.Errorf("nothing should happen with a bad configuration: %d requests", len(w.gh.Requests()))
	}
	code, _, errOut = w.run(t, "--org", "trio", "--config", filepath.Join(t.TempDir(), "missing.yml"))
	if code != ExitUsage || !strings.Contains(errOut, "missing.yml") {
		t.Errorf("a missing --config: exit %d, %s", code, errOut)
	}
}

func TestConfigDefaultPathIsUsedWhenPresent(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	t.Chdir(dir)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	// No file: the built-in defaults, no error.
	w.runJSON(t, "--org", "trio", "--dry-run")
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "snekomatic.yml"), []byte("defaults:\n  exclude: [alice]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := w.runJSON(t, "--org", "trio", "--dry-run")
	if len(rep.Invited) != 0 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "excluded by config") {
		t.Errorf("the default configuration file was not used: %+v", rep)
	}
}

func TestReinviteExpiredAfter(t *testing.T) {
	w := newWorld(t)
	bob := w.gh.AddUser("bob")
	w.merged(t, bob, time.Hour)
	w.runJSON(t, "--org", "trio")
	w.gh.ExpireInvitation("trio", bob.ID)
	// A rename does not hide him: failed invitations name people by their
	// current login.
	w.gh.RenameUser(bob.ID, "robert")
	// The window's overlap holds a pull request merged 300 days before
	// the renewal: with comment.max_age's default it would get no welcome.
	cfg := w.config(t, "defaults:\n  reinvite_expired_after: 365d\n  comment: {max_age: 0}\n")

	// Without the option the failed invitations are not even read.
	w.now = w.now.Add(100 * 24 * time.Hour)
	w.merged(t, bob, 10*time.Minute)
	w.gh.ResetRequests()
	w.runJSON(t, "--org", "trio")
	if n := failedInvitationReads(w.gh); n != 0 {
		t.Errorf("%d reads of failed invitations without reinvite_expired_after", n)
	}
	// Not long enough ago: he is left alone.
	w.now = w.now.Add(time.Hour)
	w.merged(t, bob, 10*time.Minute)
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if n := len(w.gh.CreatedInvitations("trio")); n != 1 {
		t.Fatalf("%d invitations after 100 days, want 1", n)
	}
	if n := failedInvitationReads(w.gh); n != 1 {
		t.Errorf("%d reads of failed invitations, want 1", n)
	}
	if p := loadState(t, w.statePath).Org("trio").People[bob.ID]; p.Login != "robert" {
		t.Errorf("the login was not refreshed: %+v", p)
	}

	w.now = w.now.Add(300 * 24 * time.Hour)
	w.merged(t, bob, 10*time.Minute)
	rep := w.runJSON(t, "--org", "trio", "--config", cfg)
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 2 || inv[1].InviteeID != bob.ID {
		t.Fatalf("invitations = %+v, want bob invited again", inv)
	}
	if len(rep.Invited) != 1 || !strings.Contains(rep.Invited[0].Reason, "expired") {
		t.Errorf("the report should say why: %+v", rep.Invited)
	}
	if n := len(w.gh.AllComments()); n != 2 {
		t.Errorf("%d welcomes, want one per invitation", n)
	}
	// And only once per expiry.
	w.now = w.now.Add(time.Hour)
	w.merged(t, bob, 10*time.Minute)
	w.runJSON(t, "--org", "trio", "--config", cfg)
	if n := len(w.gh.CreatedInvitations("trio")); n != 2 {
		t.Errorf("%d invitations, want 2", n)
	}
}

func failedInvitationReads(gh *fakegithub.GitHub) int {
	n := 0
	for _, r := range gh.Requests() {
		if strings.HasSuffix(r.Path, "/failed_invitations") {
			n++
		}
	}
	return n
}

func TestRenamedPeopleAreNotAskedAgain(t *testing.T) {
	w := newWorld(t)
	alice := w.gh.AddUser("alice")
	w.merged(t, alice, time.Hour)
	w.runJSON(t, "--org", "trio")
	w.gh.RenameUser(alice.ID, "alice-renamed")
	w.now = w.now.Add(2 * time.Hour)
	w.merged(t, alice, 10*time.Minute)
	rep := w.runJSON(t, "--org", "trio")
	if n := len(w.gh.CreatedInvitations("trio")); n != 1 || rep.Known != 1 {
		t.Errorf("%d invitations, %d previously recorded; want 1 and 1", n, rep.Known)
	}
	if p := loadState(t, w.statePath).Org("trio").People[alice.ID]; p.Login != "alice-renamed" {
		t.Errorf("state login = %q, want the new one", p.Login)
	}
}

func TestAppModeOrganizationsOwnConfiguration(t *testing.T) {
	perms := map[string]string{"members": "write", "pull_requests": "write", "contents": "read"}
	w := newAppWorld(t, map[string]map[string]string{"alpha": perms, "beta": perms})
	gamma := "gamma"
	w.gh.AddOrg(gamma)
	w.repos[gamma] = w.gh.AddRepo(gamma, "code")
	w.inst[gamma] = w.gh.AddInstallation(testAppID, gamma, fullPerms) // no contents permission
	delta := "delta"
	w.gh.AddOrg(delta)
	w.repos[delta] = w.gh.AddRepo(delta, "code")
	w.inst[delta] = w.gh.AddInstallation(testAppID, delta, perms)

	w.gh.AddFile(w.gh.AddRepo("alpha", ".github"), "snekomatic.yml", "comment:\n  enabled: false\nmax_invites: 5\n")
	w.gh.AddFile(w.gh.AddRepo(gamma, ".github"), "snekomatic.yml", "comment:\n  enabled: false\n")
	w.gh.AddFile(w.gh.AddRepo(delta, ".github"), "snekomatic.yml", "role: admin\n")
	people := map[string]*fakegithub.Account{}
	for _, org := range []string{"alpha", "beta", gamma, delta} {
		people[org] = w.gh.AddUser("person-in-" + org)
		w.gh.AddPR(w.repos[org], people[org].ID, "x", time.Now().Add(-time.Hour))
	}
	// The operator's file wins over alpha's own for max_invites.
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	if err := os.WriteFile(cfg, []byte("orgs:\n  alpha:\n    max_invites: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := w.run(t, "--config", cfg, "--output", "json")
	if code != ExitError {
		t.Fatalf("exit %d, want 1 (delta's file is refused)\n%s\n%s", code, out, errOut)
	}
	var rep RunReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	byOrg := map[string]*report.Org{}
	for _, r := range rep.Orgs {
		byOrg[r.Org] = r
	}
	if a := byOrg["alpha"]; len(a.Invited) != 0 || len(a.Queued) != 1 {
		t.Errorf("alpha: the operator's max_invites 0 should queue: %+v", a)
	}
	if inv := w.gh.CreatedInvitations("beta"); len(inv) != 1 {
		t.Errorf("beta (no file of its own): invitations %+v", inv)
	}
	// gamma's App cannot read its file: it runs on the defaults, with a
	// warning.
	if g := byOrg[gamma]; len(g.Invited) != 1 || len(g.Warnings) != 1 || !strings.Contains(g.Warnings[0], "grant Contents: Read") {
		t.Errorf("gamma: %+v", g)
	}
	if n := len(w.gh.Comments(gamma+"/code", 1)); n != 1 {
		t.Errorf("gamma: %d welcomes, want 1", n)
	}
	if d := byOrg[delta]; len(d.Errors) != 1 || !strings.Contains(d.Errors[0], "delta/.github/snekomatic.yml:1: role: admin") {
		t.Errorf("delta: %+v", d)
	}
	if len(w.gh.CreatedInvitations(delta)) != 0 {
		t.Errorf("delta must not invite with a refused configuration")
	}

	// alpha's own file turned comments off: after the operator lifts the
	// cap, alpha's person is invited without a welcome.
	if err := os.WriteFile(cfg, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = w.run(t, "--config", cfg, "--org", "alpha")
	mustCode(t, code, 0, out, errOut)
	if inv := w.gh.CreatedInvitations("alpha"); len(inv) != 1 {
		t.Errorf("alpha invitations = %+v", inv)
	}
	if n := len(w.gh.Comments("alpha/code", 1)); n != 0 {
		t.Errorf("alpha: %d welcomes, want none (its own file turned them off)", n)
	}
}

// runCmd runs any snekomatic command line against the world's fake.
func (w *world) runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
	d.Now = func() time.Time { return w.now }
	code := Main(context.Background(), args, d)
	return code, out.String(), errb.String()
}

func TestReconcileConfigFlag(t *testing.T) {
	env := map[string]string{"GITHUB_TOKEN": "t0ken"}
	cfg := filepath.Join(t.TempDir(), "c.yml")
	if err := os.WriteFile(cfg, []byte("defaults:\n  max_invites: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := parseReconcile(t, env, "--org", "o", "--config", cfg, "--lookback", "48h")
	if err != nil {
		t.Fatal(err)
	}
	if o.ConfigPath != cfg || o.Config == nil || *o.Config.Defaults.MaxInvites != 3 {
		t.Errorf("config not loaded: %+v", o.Config)
	}
	// Only flags given explicitly override the file.
	if o.flagPolicy.Lookback == nil || *o.flagPolicy.Lookback != 48*time.Hour || o.flagPolicy.MaxInvites != nil || o.flagPolicy.Overlap != nil {
		t.Errorf("explicit flags = %+v", o.flagPolicy)
	}
	if _, err := parseReconcile(t, env, "--org", "o", "--config", ""); err == nil || !strings.Contains(err.Error(), "--config must not be empty") {
		t.Errorf("--config '': %v", err)
	}
}

package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	why "github.com/python-trio/snekomatic/explain"
	"github.com/python-trio/snekomatic/internal/errtext"
	"github.com/python-trio/snekomatic/state"
)

// explainState writes a state file for trio with the given people.
func explainState(t *testing.T, path string, people map[int64]*state.Person) {
	t.Helper()
	f := state.New()
	o := f.Org("trio")
	o.Cursor = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	o.People = people
	if err := state.Save(path, f); err != nil {
		t.Fatal(err)
	}
}

var explainAt = time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)

func explainPR(n int) *state.PRRef {
	return &state.PRRef{Repo: "trio/trio", Number: n, MergedAt: explainAt.Add(-time.Hour)}
}

func runExplain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	d, out, errb := testDeps(env)
	code := Main(context.Background(), append([]string{"explain"}, args...), d)
	return code, out.String(), errb.String()
}

// TestExplainOffline: each kind of answer from the state file and the
// configuration alone, saying that GitHub was not asked.
func TestExplainOffline(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	explainState(t, path, map[int64]*state.Person{
		10: {Login: "ten", Status: state.Invited, At: explainAt, PR: explainPR(42), CommentURL: "https://github.com/trio/trio/pull/42#issuecomment-7"},
		11: {Login: "eleven", Status: state.Queued, At: explainAt, PR: explainPR(43), Reason: "--max-invites 0 reached for this run"},
		12: {Login: "twelve", Status: state.Counting, At: explainAt, PR: explainPR(44), Reason: "1 of the 2 merged pull requests min_merged_prs asks for"},
		13: {Login: "gone", Status: state.Skipped, At: explainAt, PR: explainPR(45), Reason: "the account no longer exists"},
		14: {Login: "said-no", Status: state.Invited, At: explainAt, PR: explainPR(46), Reason: "the invitation sent by an earlier run arrived (its welcome is posted) and was declined or cancelled", CommentURL: "https://github.com/trio/trio/pull/46#issuecomment-8"},
		15: {Login: "maybe", Status: state.Inviting, At: explainAt, PR: explainPR(47)},
		16: {Login: "asked", Status: state.Proposed, At: explainAt, PR: explainPR(48), Reason: "first merged pull request"},
		17: {Login: "lapsed", Status: state.Expired, At: explainAt, PR: explainPR(49), InvitedAt: explainAt.Add(-7 * 24 * time.Hour),
			Reason: "Invitation expired. User did not accept this invite for 7 days.", CommentURL: "https://github.com/trio/trio/pull/49#issuecomment-9"},
		18: {Login: "lapsed-twice", Status: state.Expired, At: explainAt, PR: explainPR(50), InvitedAt: explainAt.Add(-7 * 24 * time.Hour), Renewed: true},
		19: {Login: "turned-down", Status: state.Rejected, At: explainAt, PR: explainPR(51), Reason: "declined on trio/admin#3"},
		20: {Login: "welcome", Status: state.Accepted, At: explainAt, PR: explainPR(52), InvitedAt: explainAt.Add(-2 * 24 * time.Hour)},
		21: {Login: "no-seat", Status: state.Failed, At: explainAt, PR: explainPR(53), InvitedAt: explainAt.Add(-2 * 24 * time.Hour), Reason: "GitHub: No seats available."},
	})
	cfg := filepath.Join(dir, "snekomatic.yml")
	os.WriteFile(cfg, []byte("defaults:\n  min_merged_prs: 2\n  exclude: [\"*-ci\"]\n  renew_expired: once\n  approval: {issue_repo: trio/admin}\n"), 0o644)
	for _, tc := range []struct {
		name  string
		args  []string
		wants []string
	}{
		{"invited", []string{"ten"}, []string{"records ten (id 10) in trio as invited by snekomatic on 2026-11-03", "welcomed at https://github.com/trio/trio/pull/42#issuecomment-7", "Next: never again: invited on 2026-11-03."}},
		{"queued", []string{"ELEVEN"}, []string{"Next: waits in the queue since 2026-11-03 (--max-invites 0 reached for this run)"}},
		{"counting", []string{"twelve"}, []string{"reason: 1 of the 2 merged pull requests", "invites after 2 merged pull requests", "Next: needs more merged pull requests (counted on 2026-11-03"}},
		{"skipped", []string{"gone"}, []string{"Next: never: skipped on 2026-11-03: the account no longer exists."}},
		{"declined", []string{"said-no"}, []string{"Next: never: declined (or cancelled) the invitation sent on 2026-11-03."}},
		{"inviting", []string{"maybe"}, []string{"Next: an invitation may have been sent on 2026-11-03: the next run asks GitHub"}},
		{"unknown login", []string{"nobody"}, []string{"no merged pull request of nobody has been seen in trio's window (read up to 2026-11-26 09:00 UTC)", "Next: invited after a merged pull request, once they have 2"}},
		{"excluded", []string{"build-ci"}, []string{"trio's policy excludes build-ci (pattern *-ci)", "Next: never: excluded by config (pattern *-ci)."}},
		{"proposed", []string{"asked"}, []string{"records asked (id 16) in trio as proposed on the approval issue on 2026-11-03", "once a maintainer approves them on the approval issue in trio/admin",
			`Next: waits for approval on the approval issue in trio/admin (the issue snekomatic wrote there whose hidden marker is "<!-- snekomatic:dashboard org=trio … -->"), proposed on 2026-11-03`}},
		{"expired, not renewed", []string{"lapsed"}, []string{"as having let snekomatic's invitation expire on 2026-11-03", "invited on 2026-10-27", "(renew_expired: once).",
			"Next: never again: the invitation expired on 2026-11-03: renew_expired: once sends an invitation again only on the run that learns of its expiry"}},
		{"expired, renewed", []string{"lapsed-twice"}, []string{"Next: never again: the invitation expired on 2026-11-03, after it had been sent again once (renew_expired: once), which is never done twice."}},
		{"rejected", []string{"turned-down"}, []string{"reason: declined on trio/admin#3", "Next: never: the maintainers said no on the approval issue on 2026-11-03 (`snekomatic state forget` undoes it)."}},
		{"accepted", []string{"welcome"}, []string{"Next: joined: accepted the invitation (seen on 2026-11-03)."}},
		{"failed", []string{"no-seat"}, []string{"Next: never again: the invitation ended on 2026-11-03 without them joining: GitHub: No seats available."}},
		{"bot", []string{"dependabot[bot]"}, []string{"dependabot[bot] is a bot account", "Next: never: a bot account"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// No credentials at all: offline by itself.
			code, out, errOut := runExplain(t, nil, append(tc.args, "--org", "trio", "--state", path, "--config", cfg)...)
			mustCode(t, code, 0, out, errOut)
			one := errtext.OneLine(out)
			for _, want := range append(tc.wants, "GitHub was not asked (no credentials were given).") {
				if !strings.Contains(one, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
	// --offline with credentials in the environment asks nothing: the API
	// address is one nothing listens on.
	env := map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": "http://127.0.0.1:1"}
	code, out, errOut := runExplain(t, env, "ten", "--org", "trio", "--state", path, "--offline")
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(errtext.OneLine(out), "GitHub was not asked (--offline).") {
		t.Errorf("output:\n%s", out)
	}
}

// TestExplainUnknownOrgIsAnAnswer: an organization the state file does not
// have, or no state file at all, is a one-line answer and exit 0.
func TestExplainUnknownOrgIsAnAnswer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	for _, setup := range []func(){func() {}, func() { explainState(t, path, nil) }} {
		setup()
		code, out, errOut := runExplain(t, nil, "alice", "--org", "other", "--state", path)
		mustCode(t, code, 0, out, errOut)
		want := "alice in other: nothing yet: other is not in the state file " + path + ", so no run has recorded anyone there.\n"
		if out != want {
			t.Errorf("output %q; want %q", out, want)
		}
	}
}

// TestExplainUsage: bad input is a usage error (exit 2), named in one line.
func TestExplainUsage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"not a login", "--org", "trio"}, `"not a login" is not a valid GitHub login`},
		{[]string{"-alice", "--org", "trio"}, "unknown shorthand flag"},
		{[]string{"[bot]", "--org", "trio"}, `"[bot]" is not a valid GitHub login`},
		{[]string{"alice"}, "--org is required, once"},
		{[]string{"alice", "--org", "trio", "--org", "other"}, "--org is required, once"},
		{[]string{"alice", "--org", "tr io"}, `--org "tr io" is not a valid GitHub organization login`},
		{[]string{"--org", "trio"}, "accepts 1 arg(s), received 0"},
		{[]string{"alice", "--org", "trio", "--output", "yaml"}, `--output "yaml"`},
	} {
		code, out, errOut := runExplain(t, nil, append(tc.args, "--state", path)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// explainWorld is a token world with a state file, and the environment
// that reaches it.
func explainWorld(t *testing.T) (*world, map[string]string) {
	t.Helper()
	w := newWorld(t)
	return w, map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}
}

// TestExplainOnline: what GitHub says now changes the answer, and it takes
// at most three requests.
func TestExplainOnline(t *testing.T) {
	w, env := explainWorld(t)
	accepted := w.gh.AddUser("accepted")
	w.gh.SetMember("trio", accepted.ID, "member")
	waiting := w.gh.AddUser("waiting")
	joined := w.gh.AddUser("joined")
	w.gh.SetMember("trio", joined.ID, "member")
	counted := w.gh.AddUser("counted")
	for range 2 {
		w.merged(t, counted, time.Hour)
	}
	stranger := w.gh.AddUser("stranger")
	w.merged(t, stranger, 48*time.Hour)
	w.gh.AddBot("helper[bot]")
	explainState(t, w.statePath, map[int64]*state.Person{
		accepted.ID: {Login: "accepted", Status: state.Invited, At: explainAt, PR: explainPR(42)},
		waiting.ID:  {Login: "waiting", Status: state.Queued, At: explainAt, PR: explainPR(43), Reason: "GitHub's invitation limit for the organization was reached"},
		joined.ID:   {Login: "joined", Status: state.Queued, At: explainAt, PR: explainPR(44), Reason: "cap"},
		counted.ID:  {Login: "counted", Status: state.Counting, At: explainAt, PR: explainPR(45), Reason: "1 of the 3 merged pull requests min_merged_prs asks for"},
		// A record under a login that now belongs to someone else.
		999999: {Login: "stranger", Status: state.Member, At: explainAt, PR: explainPR(46)},
	})
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	os.WriteFile(cfg, []byte("defaults:\n  min_merged_prs: 3\n"), 0o644)
	for _, tc := range []struct {
		login    string
		kind     string
		requests int
		wants    []string
	}{
		{"accepted", why.KindNever, 2, []string{"a user (id", ", a member of trio", "Next: never again: invited on 2026-11-03, and a member now."}},
		{"waiting", why.KindInviteNextRun, 3, []string{"not a member of trio nor invited", "Next: invited on the next run, which serves the queue first"}},
		{"joined", why.KindNever, 2, []string{"Next: never: a member of trio now, which the next run records."}},
		{"counted", why.KindCounting, 3, []string{"with 2 merged pull requests there", "Next: needs 1 more merged pull request (GitHub counts 2 of the 3"}},
		{"stranger", why.KindOnMerge, 3, []string{"has no record of stranger", "another account (id 999999, member on 2026-11-03)", "GitHub counts 1 merged pull request of theirs"}},
		{"no-such-person", why.KindNever, 1, []string{"no account is called no-such-person", "Next: never: GitHub has no account called no-such-person."}},
		{"helper[bot]", why.KindNever, 1, []string{"is a bot account", "GitHub says now that helper[bot] (id", "Next: never: a bot account"}},
	} {
		t.Run(tc.login, func(t *testing.T) {
			w.gh.ResetRequests()
			code, out, errOut := runExplain(t, env, tc.login, "--org", "trio", "--state", w.statePath, "--config", cfg, "--output", "json")
			mustCode(t, code, 0, out, errOut)
			var a why.Answer
			if err := json.Unmarshal([]byte(out), &a); err != nil {
				t.Fatalf("%v:\n%s", err, out)
			}
			if a.Verdict.Kind != tc.kind || a.GitHub == nil || a.NotAsked != "" {
				t.Errorf("verdict %+v, github %+v, not asked %q; want kind %s, asked", a.Verdict, a.GitHub, a.NotAsked, tc.kind)
			}
			for _, want := range tc.wants {
				if !strings.Contains(a.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, a.Text)
				}
			}
			if n := len(w.gh.Requests()); n != tc.requests {
				t.Errorf("%d requests; want %d", n, tc.requests)
			}
			for _, r := range w.gh.Requests() {
				if r.Method != "GET" && !strings.HasSuffix(r.Path, "/graphql") {
					t.Errorf("explain sent %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

// TestExplainOnlineRefusedToken: a token GitHub refuses is said as a run
// says it, exit 4.
func TestExplainOnlineRefusedToken(t *testing.T) {
	w, _ := explainWorld(t)
	explainState(t, w.statePath, nil)
	env := map[string]string{"GH_TOKEN": "ghp_notknown", "GITHUB_API_URL": w.gh.RESTURL()}
	code, out, errOut := runExplain(t, env, "alice", "--org", "trio", "--state", w.statePath)
	if code != ExitAuth || !strings.Contains(errOut, "GH_TOKEN") || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 4 naming GH_TOKEN", code, out, errOut)
	}
}

// TestExplainOnlineProposed: a proposed person is said to wait on the
// approval issue GitHub has now, found as a run finds it (one listing of
// the repository's issues, plus the token's login), and the JSON carries
// it; with the issue deleted, the answer says the next run opens a new one.
func TestExplainOnlineProposed(t *testing.T) {
	w, fresh := newcomersWorld(t, 1)
	w.gh.AddRepo("trio", "admin")
	w.runJSON(t, "--org", "trio", "--approval-repo", "trio/admin")
	issues := w.gh.IssuesIn("trio/admin")
	if len(issues) != 1 {
		t.Fatalf("issues %v", issues)
	}
	env := map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	os.WriteFile(cfg, []byte("defaults:\n  approval: {issue_repo: trio/admin}\n"), 0o644)
	explainJSON := func() why.Answer {
		t.Helper()
		w.gh.ResetRequests()
		code, out, errOut := runExplain(t, env, fresh[0].Login, "--org", "trio", "--state", w.statePath, "--config", cfg, "--output", "json")
		mustCode(t, code, 0, out, errOut)
		var a why.Answer
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		for _, r := range w.gh.Requests() {
			if r.Method != "GET" && !strings.HasSuffix(r.Path, "/graphql") {
				t.Errorf("explain sent %s %s", r.Method, r.Path)
			}
		}
		return a
	}
	a := explainJSON()
	url := fmt.Sprintf("/trio/admin/issues/%d", issues[0])
	if a.Verdict.Kind != why.KindAwaitingApproval || !strings.HasPrefix(a.Verdict.Next, "waits for approval on http") || !strings.Contains(a.Verdict.Next, url+", proposed on") ||
		a.ApprovalIssue == nil || !a.ApprovalIssue.Found || !a.ApprovalIssue.Open {
		t.Errorf("verdict %+v, issue %+v; want awaiting-approval on %s", a.Verdict, a.ApprovalIssue, url)
	}
	// GET /users/{login}, GET /orgs/{org}/memberships/{login}, GET /user
	// (whose issues count), GET /repos/{owner}/{repo}/issues.
	if n := len(w.gh.Requests()); n != 4 {
		t.Errorf("%d requests; want 4", n)
	}
	w.gh.DeleteIssue("trio/admin", issues[0])
	if a := explainJSON(); !strings.Contains(a.Verdict.Next, "trio/admin has no approval issue of trio now") || a.ApprovalIssue == nil || a.ApprovalIssue.Found {
		t.Errorf("after deletion: verdict %+v, issue %+v", a.Verdict, a.ApprovalIssue)
	}
}

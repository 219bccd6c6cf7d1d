package cmd

import (
	"context"
	"encoding/json"
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
	})
	cfg := filepath.Join(dir, "snekomatic.yml")
	os.WriteFile(cfg, []byte("defaults:\n  min_merged_prs: 2\n  exclude: [\"*-ci\"]\n"), 0o644)
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

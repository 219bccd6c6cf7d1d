package fakegithub

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const exampleWorld = "../../examples/world.yaml"

func TestExampleWorldLoadsAndBuilds(t *testing.T) {
	w, err := LoadWorld(exampleWorld)
	if err != nil {
		t.Fatal(err)
	}
	g := New(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	g.SetClock(func() time.Time { return now })
	b, err := g.AddWorld(w, now)
	if err != nil {
		t.Fatal(err)
	}
	id := func(login string) int64 {
		t.Helper()
		a := b.Accounts[login]
		if a == nil {
			t.Fatalf("no account %s in %v", login, b.Accounts)
		}
		return a.ID
	}

	// Members with their roles.
	members := g.Members("acme")
	if len(members) != 2 {
		t.Fatalf("members = %v, want octo-owner and maintainer", members)
	}
	resp, body := rawDo(t, http.MethodGet, g.RESTURL()+"orgs/acme/memberships/octo-owner", "ghp_fakeOwnerToken", nil)
	if resp.StatusCode != http.StatusOK || body["role"] != "admin" {
		t.Errorf("octo-owner's membership: %d %v, want role admin", resp.StatusCode, body)
	}

	// Invitations: dora pending, erin expired.
	if p := g.PendingInvitations("acme"); len(p) != 1 || p[0].InviteeID != id("dora") {
		t.Errorf("pending = %+v, want dora", p)
	}
	if f := g.FailedInvitations("acme"); len(f) != 1 || f[0].InviteeID != id("erin") || f[0].FailedReason != FailedReasonExpired {
		t.Errorf("failed = %+v, want erin's expired invitation", f)
	}

	// Accounts: the deleted user is gone, the bot and the mannequin exist.
	if g.Lookup("left-the-building") != nil {
		t.Errorf("the deleted user still resolves")
	}
	if a := g.Lookup("dependabot[bot]"); a == nil || a.Type != "Bot" {
		t.Errorf("bot = %+v", a)
	}
	if a := g.Lookup("imported-author"); a == nil || a.Type != "Mannequin" {
		t.Errorf("mannequin = %+v", a)
	}

	// Pull requests, with relative times counted back from now.
	rocket := b.Repos["acme/rocket"]
	if rocket == nil || b.Repos["acme/sandbox"] == nil {
		t.Fatalf("repos = %v", b.Repos)
	}
	first := g.PR(rocket.ID + 1) // the first id after the repository's
	if first == nil || first.AuthorID != id("alice") || !first.MergedAt.Equal(now.Add(-30*time.Hour)) {
		t.Errorf("first pull request = %+v, want alice's merged 30h ago", first)
	}
	resp, body = rawGraphQL(t, g, "ghp_fakeOwnerToken",
		`query { search(query: "is:pr is:merged org:acme", type: ISSUE, first: 100) { issueCount } }`, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: %d %v", resp.StatusCode, body)
	}
	// 7 merged in rocket (not the open or closed ones) and 1 in sandbox.
	if n := body["data"].(map[string]any)["search"].(map[string]any)["issueCount"]; n != float64(8) {
		t.Errorf("merged pull requests = %v, want 8", n)
	}

	// Repository flags and files.
	resp, body = rawDo(t, http.MethodGet, g.RESTURL()+"repos/acme/sandbox", "ghp_fakeOwnerToken", nil)
	if resp.StatusCode != http.StatusOK || body["fork"] != true {
		t.Errorf("sandbox: %d fork=%v, want a fork", resp.StatusCode, body["fork"])
	}
	resp, _ = rawDo(t, http.MethodGet, g.RESTURL()+"repos/acme/.github/contents/snekomatic.yml", "ghp_fakeOwnerToken", nil)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the organization's configuration file: %d", resp.StatusCode)
	}

	// Tokens: owned by their users, the restricted one limited to acme.
	resp, body = rawDo(t, http.MethodGet, g.RESTURL()+"user", "ghp_fakeReadOnlyToken", nil)
	if resp.StatusCode != http.StatusOK || body["login"] != "maintainer" {
		t.Errorf("GET /user with the second token: %d %v", resp.StatusCode, body["login"])
	}
	if resp, _ = rawDo(t, http.MethodGet, g.RESTURL()+"user", "ghp_unknown", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an unknown token: %d, want 401", resp.StatusCode)
	}
	if len(b.Tokens) != 2 || b.Faults != nil {
		t.Errorf("built tokens %v, faults %v", b.Tokens, b.Faults)
	}
}

func TestWorldInJSONWithFaults(t *testing.T) {
	const doc = `{
	  "users": ["owner", "ann"],
	  "orgs": [{"login": "jsonorg", "members": [{"login": "owner", "role": "admin"}]}],
	  "repos": [{"name": "jsonorg/app", "pull_requests": [{"author": "ann", "at": "2026-01-02T03:04:05Z"}, {"at": "1h"}]}],
	  "tokens": [{"value": "tok", "user": "owner"}],
	  "faults": {"secondary_every": 1}
	}`
	w, err := ParseWorld([]byte(doc), "world.json")
	if err != nil {
		t.Fatal(err)
	}
	g := New(t)
	b, err := g.AddWorld(w, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pr := g.PR(b.Repos["jsonorg/app"].ID + 1)
	if pr == nil || !pr.MergedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("pull request = %+v", pr)
	}
	if ghost := g.PR(b.Repos["jsonorg/app"].ID + 2); ghost == nil || ghost.AuthorID != 0 {
		t.Errorf("a pull request without an author = %+v, want author id 0", ghost)
	}
	resp, _ := rawDo(t, http.MethodGet, g.RESTURL()+"user", "tok", nil)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Retry-After") == "" || b.Faults.Counts().Secondary != 1 {
		t.Errorf("with secondary_every: 1 every request is limited: %d %v", resp.StatusCode, b.Faults.Counts())
	}
}

func TestBadWorldsGiveOneLineNamingTheField(t *testing.T) {
	for _, tc := range []struct {
		name, doc, wantErr string
	}{
		{"syntax", "users: [alice\n", "w.yaml:1: not valid YAML or JSON"},
		{"unknown top key", "users: [a]\nmembers: [a]\n", `w.yaml:2: members: unknown key "members"`},
		{"unknown nested key", "users: [a]\norgs:\n  - login: o\n    owners: [a]\n", `w.yaml:4: orgs[0].owners: unknown key "owners"`},
		{"unknown key in a flow mapping", "users: [a]\norgs:\n  - login: o\n    members:\n      - {login: a, rol: admin}\n", `w.yaml:5: orgs[0].members[0].rol: unknown key "rol"`},
		{"wrong type", "users: [a]\norgs:\n  - login: o\n    invitation_cap: lots\n", `w.yaml:4: orgs[0].invitation_cap: cannot unmarshal`},
		{"bad login", "users: [a, -b]\n", `w.yaml:1: users[1]: "-b" is not a GitHub login`},
		{"duplicate login", "users: [ann]\nbots: [\"x[bot]\"]\nmannequins: [ANN]\n", `w.yaml:3: mannequins[0]: login "ANN" is declared twice (already a user`},
		{"bot without suffix", "bots: [helper]\n", `w.yaml:1: bots[0]: bot login "helper" must end in [bot]`},
		{"org without login", "orgs:\n  - members: []\n", `w.yaml:2: orgs[0].login: missing`},
		{"undeclared member", "orgs:\n  - login: o\n    members:\n      - login: ghost\n", `w.yaml:4: orgs[0].members[0].login: "ghost" is not declared`},
		{"bad role", "users: [a]\norgs:\n  - login: o\n    members:\n      - {login: a, role: owner}\n", `w.yaml:5: orgs[0].members[0].role: "owner" is not a role: want member or admin`},
		{"member and pending", "users: [a]\norgs:\n  - login: o\n    members: [{login: a}]\n    pending_invitations: [a]\n", `w.yaml:5: orgs[0].pending_invitations[0]: "a" is already listed at orgs[0].members[0].login`},
		{"bot as member", "bots: [\"b[bot]\"]\norgs:\n  - login: o\n    members: [{login: \"b[bot]\"}]\n", `orgs[0].members[0].login: "b[bot]" is a bot; want a user`},
		{"deleted user invited", "deleted_users: [gone]\norgs:\n  - login: o\n    pending_invitations: [gone]\n", `w.yaml:4: orgs[0].pending_invitations[0]: "gone" is a deleted user; want a user`},
		{"bad team", "orgs:\n  - login: o\n    teams: [Core Devs]\n", `w.yaml:3: orgs[0].teams[0]: "Core Devs" is not a team slug`},
		{"negative cap", "orgs:\n  - login: o\n    invitation_cap: -1\n", `w.yaml:3: orgs[0].invitation_cap: -1 must not be negative`},
		{"repo without owner", "repos:\n  - name: lonely\n", `w.yaml:2: repos[0].name: "lonely" is not owner/name`},
		{"repo of unknown owner", "repos:\n  - name: nobody/x\n", `w.yaml:2: repos[0].name: owner "nobody" is not a declared organization or user`},
		{"duplicate repo", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n  - name: O/X\n", `w.yaml:4: repos[1].name: repository "O/X" is declared twice`},
		{"undeclared author", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n    pull_requests:\n      - {author: zed, at: 1h}\n", `w.yaml:5: repos[0].pull_requests[0].author: "zed" is not declared`},
		{"org as author", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n    pull_requests:\n      - {author: o, at: 1h}\n", `repos[0].pull_requests[0].author: "o" is an organization`},
		{"merged without time", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n    pull_requests:\n      - {title: t}\n", `w.yaml:5: repos[0].pull_requests[0].at: missing`},
		{"bad time", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n    pull_requests:\n      - {at: yesterday}\n", `w.yaml:5: repos[0].pull_requests[0].at: "yesterday" is neither an RFC 3339 time nor a duration`},
		{"bad state", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n    pull_requests:\n      - {state: draft, at: 1h}\n", `w.yaml:5: repos[0].pull_requests[0].state: "draft" is not a state`},
		{"open with time", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n    pull_requests:\n      - {state: open, at: 1h}\n", `repos[0].pull_requests[0].at: an open pull request has no merge or close time`},
		{"bad co-author", "orgs: [{login: o}]\nrepos:\n  - name: o/x\n    pull_requests:\n      - {at: 1h, co_authors: [zed]}\n", `w.yaml:5: repos[0].pull_requests[0].co_authors[0]: "zed" is neither a declared user or bot nor "Name <email>"`},
		{"token without user", "tokens:\n  - value: t\n", `w.yaml:2: tokens[0].user: missing`},
		{"token with spaces", "users: [a]\ntokens:\n  - {value: a b, user: a}\n", `w.yaml:3: tokens[0].value: want a token without spaces`},
		{"token for a bot", "bots: [\"b[bot]\"]\ntokens:\n  - {value: t, user: \"b[bot]\"}\n", `tokens[0].user: "b[bot]" is a bot; want a user`},
		{"token for unknown org", "users: [a]\ntokens:\n  - {value: t, user: a, orgs: [nope]}\n", `w.yaml:3: tokens[0].orgs[0]: "nope" is not declared`},
		{"fault rate", "faults:\n  rate_502: 2\n", `w.yaml:2: faults.rate_502: 2 is not a share between 0 and 1`},
		{"fault latency", "faults:\n  latency: soon\n", `w.yaml:2: faults.latency: "soon" is not a duration`},
		{"index lag", "index_lag: -5m\n", `w.yaml:1: index_lag: "-5m" is not a duration`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWorld([]byte(tc.doc), "w.yaml")
			if err == nil {
				t.Fatalf("no error, want %q", tc.wantErr)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %q, want it to contain %q", msg, tc.wantErr)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines: %q", msg)
			}
		})
	}
}

func TestMissingWorldFileNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.yaml")
	_, err := LoadWorld(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("error %v, want one naming %s", err, path)
	}
}

func TestEmptyWorldIsEmpty(t *testing.T) {
	for _, doc := range []string{"", "# nothing\n", "{}"} {
		w, err := ParseWorld([]byte(doc), "w.yaml")
		if err != nil || len(w.Users)+len(w.Orgs)+len(w.Repos) != 0 {
			t.Errorf("%q: %+v %v, want an empty world", doc, w, err)
		}
	}
}

// A world built in Go (as the demo builds one) is checked the same way,
// and a world that fails its check adds nothing to the fake.
func TestAddWorldChecksFirstAndAddsNothingOnError(t *testing.T) {
	g := New(t)
	w := &World{
		Users: []string{"first"},
		Orgs:  []WorldOrg{{Login: "o", Members: []WorldMember{{Login: "second"}}}},
	}
	_, err := g.AddWorld(w, time.Now())
	if err == nil || err.Error() != `orgs[0].members[0].login: "second" is not declared (declare it under users, bots, mannequins, deleted_users or orgs)` {
		t.Fatalf("error %v", err)
	}
	if g.Lookup("first") != nil || g.Lookup("o") != nil {
		t.Errorf("a world that failed its check was partly added")
	}

	g.AddUser("taken")
	if _, err := g.AddWorld(&World{Users: []string{"new", "taken"}}, time.Now()); err == nil || !strings.Contains(err.Error(), `"taken" already exists`) {
		t.Errorf("error %v, want one about the existing login", err)
	}
	if g.Lookup("new") != nil {
		t.Errorf("a world that clashed with the fake was partly added")
	}
}

// co_authors become Co-authored-by trailers of the pull request's commit:
// declared accounts resolve, an address of no account does not.
func TestWorldCoAuthors(t *testing.T) {
	w, err := ParseWorld([]byte(`users: [ann, bea]
orgs: [{login: o}]
repos:
  - name: o/x
    pull_requests:
      - {author: ann, at: 1h, co_authors: [bea, "Someone <someone@example.com>"]}
`), "w.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g := New(t)
	g.AddToken(tok)
	if _, err := g.AddWorld(w, base); err != nil {
		t.Fatal(err)
	}
	_, body := rawGraphQL(t, g, tok, `{ search(query: "org:o is:pr", type: ISSUE, first: 10) { nodes { ... on PullRequest {
		commits(first: 5) { nodes { commit { authors(first: 5) { nodes { email user { login } } } } } } } } } }`, nil)
	got, _ := json.Marshal(body["data"])
	want := `"authors":{"nodes":[{"email":"`
	for _, s := range []string{want, `"user":{"login":"ann"}`, `"user":{"login":"bea"}`, `{"email":"someone@example.com","user":null}`} {
		if !strings.Contains(string(got), s) {
			t.Errorf("missing %s in %s", s, got)
		}
	}
}

package doctor

// Tests written for the mutation sweep (MUTATION.md): each
// decides a branch that only cmd's end-to-end tests reached before, so that
// a mutant of it is caught by doctor's own tests.

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

const docToken = "ghp_doctorMutationToken0123456789abcdefAB"

// fakeEnv answers doctor's questions the way the test says.
type fakeEnv struct {
	owner    bool
	why      string
	ownerErr error
	policy   reconcile.Policy
	warnings []string
	polErr   error
	// apps, if set, records whether each policy was asked for in App mode.
	apps *[]bool
}

func (fakeEnv) Explain(_ context.Context, err error, org string) string {
	return "explained(" + org + "): " + err.Error()
}

func (e fakeEnv) Owner(_ context.Context, _ *ghapi.Client, login, org string) (bool, string, error) {
	return e.owner, e.why, e.ownerErr
}

func (fakeEnv) MissingPermissions(inst ghapp.Installation) []string {
	if inst.Permissions["members"] != "write" {
		return []string{"grant members", "and more"}
	}
	return nil
}

func (e fakeEnv) Policy(_ context.Context, _ *ghapi.Client, _ string, app bool, _ *config.File) (reconcile.Policy, []string, error) {
	if e.apps != nil {
		*e.apps = append(*e.apps, app)
	}
	return e.policy, e.warnings, e.polErr
}

// fakeApp lists the installations given, and issues a token unless told
// not to for an installation.
type fakeApp struct {
	insts   []ghapp.Installation
	listErr error
	refuse  map[int64]bool
}

func (a fakeApp) Installations(context.Context) ([]ghapp.Installation, error) {
	return a.insts, a.listErr
}

func (a fakeApp) Token(_ context.Context, id int64) (string, error) {
	if a.refuse[id] {
		return "", errors.New("token refused")
	}
	return "tok", nil
}

// docWorld is a fake GitHub where the token may act on trio, which has the
// team "core".
func docWorld(t *testing.T) (*fakegithub.GitHub, Options) {
	t.Helper()
	gh := fakegithub.New(t)
	gh.AddToken(docToken)
	gh.AddOrg("trio")
	gh.MakeOwner("trio", gh.TokenOwner().ID) // a search reads the pending invitations too
	gh.AddTeam("trio", "core")
	t.Chdir(t.TempDir()) // no .github/snekomatic.yml here
	return gh, Options{Mode: ModeToken, TokenVar: "GH_TOKEN", Orgs: []string{"trio"}, APIURL: gh.RESTURL(),
		GraphQLURL: gh.GraphQLURL(), StatePath: filepath.Join(t.TempDir(), "state.json")}
}

func checkOf(t *testing.T, r Org, name string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s has no check %s: %+v", r.Account, name, r.Checks)
	return Check{}
}

func TestRunTokenModeChecksEachTeamAndTheComment(t *testing.T) {
	gh, o := docWorld(t)
	comment := template.Must(template.New("c").Parse("welcome {{.Login}}"))
	var apps []bool
	env := fakeEnv{owner: true, policy: reconcile.Policy{Teams: []string{"core", "ghost"}, Comment: comment}, apps: &apps}
	rep, err := Run(context.Background(), o, env, nil, []Target{{Org: "trio", Client: gh.Client(docToken)}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Orgs) != 1 {
		t.Fatalf("report %+v; want one organization, not ready", rep)
	}
	r := rep.Orgs[0]
	if c := checkOf(t, r, CheckToken); !c.OK || !strings.HasPrefix(c.Detail, "from GH_TOKEN, user ") {
		t.Errorf("credentials %+v", c)
	}
	if strings.Join(r.Permissions, ",") != "fine-grained or unknown" {
		t.Errorf("permissions of a token GitHub lists no scopes for: %q", r.Permissions)
	}
	if c := checkOf(t, r, CheckInvite); !c.OK || !strings.Contains(c.Detail, "is an owner of trio") {
		t.Errorf("can_invite %+v", c)
	}
	if c := checkOf(t, r, CheckRead); !c.OK || c.Skipped {
		t.Errorf("can_read %+v", c)
	}
	c := checkOf(t, r, CheckConfig)
	if c.OK || c.Detail != `team "ghost" does not exist in trio` {
		t.Errorf("config %+v; want only the missing team named", c)
	}
	if len(rep.Errors) != 1 || rep.Errors[0] != `trio: config: team "ghost" does not exist in trio` {
		t.Errorf("errors %q", rep.Errors)
	}

	// All teams there and the comment renders: the passes are listed,
	// with the policy's warnings after them.
	env.policy.Teams = []string{"core"}
	env.warnings = []string{"a warning"}
	rep, err = Run(context.Background(), o, env, nil, []Target{{Org: "trio", Client: gh.Client(docToken)}})
	if err != nil {
		t.Fatal(err)
	}
	if c := checkOf(t, rep.Orgs[0], CheckConfig); !c.OK || c.Detail != "team core, comment template renders, a warning" {
		t.Errorf("config %+v", c)
	}
	if !rep.OK || len(rep.Errors) != 0 {
		t.Errorf("report %+v; want ready", rep)
	}
	if len(apps) != 2 || apps[0] || apps[1] {
		t.Errorf("policies resolved in App mode %v; want twice in token mode", apps)
	}
}

func TestRunTokenModeFailures(t *testing.T) {
	gh, o := docWorld(t)
	ctx := context.Background()

	// Not an owner: the reason, and that only owners can invite.
	rep, _ := Run(ctx, o, fakeEnv{why: "x is a member"}, nil, []Target{{Org: "trio", Client: gh.Client(docToken)}})
	if c := checkOf(t, rep.Orgs[0], CheckInvite); c.OK || c.Detail != "x is a member; only owners can invite" {
		t.Errorf("not an owner: %+v", c)
	}
	// The owner check itself failed: its text as it is.
	rep, _ = Run(ctx, o, fakeEnv{ownerErr: errors.New("cannot tell")}, nil, []Target{{Org: "trio", Client: gh.Client(docToken)}})
	if c := checkOf(t, rep.Orgs[0], CheckInvite); c.OK || c.Detail != "cannot tell" {
		t.Errorf("owner check failed: %+v", c)
	}
	// The policy does not resolve.
	rep, _ = Run(ctx, o, fakeEnv{owner: true, polErr: errors.New("bad file")}, nil, []Target{{Org: "trio", Client: gh.Client(docToken)}})
	if c := checkOf(t, rep.Orgs[0], CheckConfig); c.OK || c.Detail != "explained(trio): bad file" {
		t.Errorf("policy failed: %+v", c)
	}
	// A comment that does not render.
	bad := template.Must(template.New("c").Parse("{{.Nope}}"))
	rep, _ = Run(ctx, o, fakeEnv{owner: true, policy: reconcile.Policy{Comment: bad}}, nil, []Target{{Org: "trio", Client: gh.Client(docToken)}})
	if c := checkOf(t, rep.Orgs[0], CheckConfig); c.OK || !strings.HasPrefix(c.Detail, "the welcome comment template does not render: ") {
		t.Errorf("comment that does not render: %+v", c)
	}
	// A token GitHub refuses: the rest is skipped, not failed again.
	rep, _ = Run(ctx, o, fakeEnv{owner: true}, nil, []Target{{Org: "trio", Client: gh.Client("ghp_unknown")}})
	r := rep.Orgs[0]
	if c := checkOf(t, r, CheckToken); c.OK || !strings.HasPrefix(c.Detail, "explained(trio): ") {
		t.Errorf("refused token: %+v", c)
	}
	for _, name := range []string{CheckInvite, CheckRead, CheckConfig} {
		if c := checkOf(t, r, name); !c.Skipped || c.OK {
			t.Errorf("after a refused token, %s %+v; want skipped", name, c)
		}
	}
	if r.OK || rep.OK || len(rep.Errors) != 1 {
		t.Errorf("refused token: report %+v", rep)
	}
	// A bad API address: the client cannot even be made.
	bo := o
	bo.APIURL = "::not a url"
	rep, _ = Run(ctx, bo, fakeEnv{owner: true}, nil, []Target{{Org: "trio", Client: gh.Client(docToken)}})
	if c := checkOf(t, rep.Orgs[0], CheckToken); c.OK || c.Detail == "" {
		t.Errorf("bad API URL: %+v", c)
	}
	if c := checkOf(t, rep.Orgs[0], CheckConfig); !c.Skipped {
		t.Errorf("bad API URL: config %+v; want skipped", c)
	}
}

// scoped adds the scopes GitHub lists for a classic token to each answer.
type scoped struct{ base http.RoundTripper }

func (s scoped) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(req)
	if err == nil {
		resp.Header.Set("X-OAuth-Scopes", "admin:org, repo")
	}
	return resp, err
}

// A classic token's scopes are its permissions in the report.
func TestRunTokenScopes(t *testing.T) {
	gh, o := docWorld(t)
	client := gh.Client(docToken)
	client.Transport = scoped{client.Transport}
	rep, err := Run(context.Background(), o, fakeEnv{owner: true}, nil, []Target{{Org: "trio", Client: client}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rep.Orgs[0].Permissions, ","); got != "admin:org,repo" {
		t.Errorf("permissions %q; want the token's scopes", got)
	}
}

// The search fails (the token may not see the organization): can_read fails
// with the explanation.
func TestRunReadFails(t *testing.T) {
	gh, o := docWorld(t)
	ch := &checker{o: o, env: fakeEnv{}, cfg: &config.File{}}
	gh.InjectFaults(fakegithub.Faults{})
	out := ch.orgAccess(context.Background(), Target{Org: "trio", Client: gh.Client("ghp_unknown")}, true)
	if len(out) != 2 || out[0].OK || !strings.HasPrefix(out[0].Detail, "explained(trio): ") {
		t.Errorf("checks %+v; want can_read failed", out)
	}
	// No configuration loaded: the policy is skipped, the read still made.
	ch.cfg = nil
	out = ch.orgAccess(context.Background(), Target{Org: "trio", Client: gh.Client(docToken)}, true)
	if len(out) != 2 || !out[0].OK || out[0].Skipped || !out[1].Skipped || out[1].Name != CheckConfig {
		t.Errorf("checks %+v; want can_read passed and config skipped", out)
	}
	// Credentials that failed, or no client: both skipped.
	for _, tc := range []struct {
		credsOK bool
		client  bool
	}{{false, true}, {true, false}} {
		tg := Target{Org: "trio"}
		if tc.client {
			tg.Client = gh.Client(docToken)
		}
		out = ch.orgAccess(context.Background(), tg, tc.credsOK)
		if len(out) != 2 || !out[0].Skipped || !out[1].Skipped {
			t.Errorf("credsOK %v client %v: %+v; want both skipped", tc.credsOK, tc.client, out)
		}
	}
	if n := len(gh.Requests()); n != 2 {
		t.Errorf("%d requests; want the two searches only", n)
	}
}

func TestRunAppMode(t *testing.T) {
	gh, o := docWorld(t)
	o.Mode, o.Orgs = "app", nil
	full := map[string]string{"members": "write"}
	app := fakeApp{insts: []ghapp.Installation{
		{ID: 1, Account: "trio", AccountType: "Organization", Permissions: full, RepositorySelection: "selected"},
		{ID: 2, Account: "someone", AccountType: "User", Permissions: full},
		{ID: 3, Account: "frozen", AccountType: "Organization", Permissions: full, Suspended: true},
		{ID: 4, Account: "weak", AccountType: "Organization", Permissions: map[string]string{"members": "read"}},
		{ID: 5, Account: "refused", AccountType: "Organization", Permissions: full},
	}, refuse: map[int64]bool{5: true}}
	targets := []Target{
		{Org: "trio", Client: gh.Client(docToken), Installation: &app.insts[0]},
		{Org: "frozen", Client: gh.Client(docToken), Installation: &app.insts[2]},
		{Org: "weak", Client: gh.Client(docToken), Installation: &app.insts[3]},
		{Org: "refused", Client: gh.Client(docToken), Installation: &app.insts[4]},
		{Org: "absent", Err: errors.New("the GitHub App is not installed on absent")},
	}
	var apps []bool
	rep, err := Run(context.Background(), o, fakeEnv{apps: &apps}, app, targets)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 || !apps[0] || !apps[1] {
		t.Errorf("policies resolved in App mode %v; want trio's and weak's, in App mode", apps)
	}
	if rep.OK {
		t.Error("report ready with broken installations")
	}
	byAccount := map[string]Org{}
	var order []string
	for _, r := range rep.Orgs {
		byAccount[r.Account] = r
		order = append(order, r.Account)
	}
	if got := strings.Join(order, ","); got != "trio,someone,frozen,weak,refused,absent" {
		t.Errorf("rows %s", got)
	}
	trio := byAccount["trio"]
	if !trio.OK || !trio.Needed || strings.Join(trio.Permissions, ",") != "members:write" {
		t.Errorf("trio %+v", trio)
	}
	if c := checkOf(t, trio, CheckRead); !c.OK || !strings.HasPrefix(c.Detail, "selected repositories only") {
		t.Errorf("trio can_read %+v", c)
	}
	if c := checkOf(t, trio, CheckToken); !c.OK || c.Detail != "installation token issued" {
		t.Errorf("trio credentials %+v", c)
	}
	user := byAccount["someone"]
	if !user.OK || user.Needed || len(user.Checks) != 1 || user.Checks[0].Detail != "not an organization: ignored" {
		t.Errorf("user installation %+v", user)
	}
	if c := checkOf(t, byAccount["frozen"], CheckToken); c.OK || !strings.Contains(c.Detail, "suspended") {
		t.Errorf("suspended %+v", c)
	}
	if c := checkOf(t, byAccount["frozen"], CheckRead); !c.Skipped {
		t.Errorf("suspended: can_read %+v; want skipped", c)
	}
	if c := checkOf(t, byAccount["weak"], CheckInvite); c.OK || c.Detail != "grant members; and more" {
		t.Errorf("weak can_invite %+v", c)
	}
	if c := checkOf(t, byAccount["weak"], CheckToken); !c.OK {
		t.Errorf("weak credentials %+v", c)
	}
	if c := checkOf(t, byAccount["refused"], CheckToken); c.OK || c.Detail != "explained(refused): token refused" {
		t.Errorf("refused %+v", c)
	}
	absent := byAccount["absent"]
	if absent.OK || !absent.Needed || absent.Type != "-" || checkOf(t, absent, CheckToken).Detail != "the GitHub App is not installed on absent" {
		t.Errorf("absent %+v", absent)
	}

	// With --org, the organizations not asked for are left out; a user
	// account is listed all the same.
	o.Orgs = []string{"TRIO"}
	rep, err = Run(context.Background(), o, fakeEnv{}, app, targets[:1])
	if err != nil {
		t.Fatal(err)
	}
	order = nil
	for _, r := range rep.Orgs {
		order = append(order, r.Account)
	}
	if got := strings.Join(order, ","); got != "trio,someone" || !rep.OK {
		t.Errorf("rows with --org: %s, ok %v", got, rep.OK)
	}

	// The installations cannot be listed: no report.
	if _, err := Run(context.Background(), o, fakeEnv{}, fakeApp{listErr: errors.New("listing failed")}, nil); err == nil || err.Error() != "listing failed" {
		t.Errorf("Run = %v; want the listing's error", err)
	}
}

func TestCheckStateDir(t *testing.T) {
	dir := t.TempDir()
	only := func(cs []Check) Check {
		t.Helper()
		if len(cs) != 1 || cs[0].Name != "state_file" {
			t.Fatalf("checks %+v", cs)
		}
		return cs[0]
	}
	if c := only(checkStateDir(filepath.Join(dir, "nowhere", "s.json"))); c.OK || !strings.Contains(c.Detail, "does not exist: create it") {
		t.Errorf("missing directory: %+v", c)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	if c := only(checkStateDir(filepath.Join(file, "s.json"))); c.OK || c.Detail != file+" is not a directory" {
		t.Errorf("a file as the directory: %+v", c)
	}
	path := filepath.Join(dir, "s.json")
	if c := only(checkStateDir(path)); !c.OK || c.Detail != path+": none yet; a run creates it" {
		t.Errorf("fresh: %+v", c)
	}
	os.WriteFile(path, []byte("{broken"), 0o644)
	if c := only(checkStateDir(path)); c.OK || strings.Contains(c.Detail, "\n") {
		t.Errorf("broken: %+v; want one line", c)
	}
	os.Remove(path)
	os.Mkdir(path+".lock", 0o755) // a lock that cannot be opened read-write
	if c := only(checkStateDir(path)); c.OK || !strings.HasPrefix(c.Detail, "the lock file "+path+".lock cannot be opened") {
		t.Errorf("lock file a directory: %+v", c)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".snekomatic-doctor-") {
			t.Errorf("probe file %s left behind", e.Name())
		}
	}
}

// A valid existing state file passes with its path alone.
func TestCheckStateDirValidFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	if c := checkStateDir(path); !c[0].OK {
		t.Fatal(c)
	}
	st, _, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Update("trio", func(e *state.Edit) { e.AddContentRequest(time.Now()) }); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if c := checkStateDir(path); len(c) != 1 || !c[0].OK || c[0].Detail != path {
		t.Errorf("valid file: %+v", c)
	}
}

func TestCheckConfigFile(t *testing.T) {
	t.Chdir(t.TempDir())
	c, cfg := checkConfigFile("", false)
	if !c.OK || cfg == nil || !strings.Contains(c.Detail, "the defaults apply") {
		t.Errorf("no file: %+v %v", c, cfg)
	}
	c, cfg = checkConfigFile("missing.yml", true)
	if c.OK || cfg != nil || strings.Contains(c.Detail, "\n") {
		t.Errorf("named file missing: %+v %v", c, cfg)
	}
	os.MkdirAll(".github", 0o755)
	os.WriteFile(config.DefaultPath, []byte("defaults:\n  min_merged_prs: 2\n"), 0o644)
	c, cfg = checkConfigFile("", false)
	if !c.OK || cfg == nil || c.Detail != config.DefaultPath {
		t.Errorf("default file: %+v %v", c, cfg)
	}
	os.WriteFile("other.yml", []byte("no_such_key: 1\n"), 0o644)
	if c, cfg = checkConfigFile("other.yml", true); c.OK || cfg != nil {
		t.Errorf("bad file: %+v %v", c, cfg)
	}
}

func TestWriteTextCells(t *testing.T) {
	rep := Report{Mode: "app", OK: true, Checks: []Check{pass("state_file", ""), {Name: "config", OK: true, Skipped: true}}, Orgs: []Org{
		{Account: "trio", Type: "Organization", Needed: true, OK: true, Permissions: []string{"members:write"},
			Checks: []Check{pass(CheckToken, "issued"), pass(CheckInvite, "fine"), pass(CheckRead, "selected only"), skip(CheckConfig)}},
		{Account: "someone", Type: "User", OK: true, Checks: []Check{{Name: CheckToken, OK: true, Skipped: true, Detail: "ignored"}}},
	}}
	var b strings.Builder
	if err := WriteText(&b, rep, "GH_TOKEN", 100); err != nil {
		t.Fatal(err)
	}
	want := `mode: app
state_file: yes
config: -

ACCOUNT  TYPE          CREDENTIALS  CAN INVITE  CAN READ PRS  CONFIG  OK
trio     Organization  yes          yes         yes           -       yes
    permissions: members:write
    credentials: issued
    can_read: selected only
someone  User          -            -           -             -       ignored
    credentials: ignored

everything a run needs is there
`
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}

	rep = Report{Mode: ModeToken, Errors: []string{"a", "b"}}
	b.Reset()
	WriteText(&b, rep, "", 100)
	if !strings.HasPrefix(b.String(), "mode: token\n") || !strings.Contains(b.String(), "nothing to reconcile") ||
		!strings.HasSuffix(b.String(), "not ready: 2 problem(s) above\n") {
		t.Errorf("empty report:\n%s", b.String())
	}
	if err := WriteText(failWriter{}, rep, "", 100); err == nil {
		t.Error("a failed write was not reported")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWrapText(t *testing.T) {
	for _, tc := range []struct {
		s, indent string
		width     int
		want      string
	}{
		{"aa bb cc", "", 5, "aa bb\n  cc\n"},
		{"aa bb cc", "", 8, "aa bb cc\n"},
		{"aa bb cc", "", 7, "aa bb\n  cc\n"},
		{"aa bb cc dd", "    ", 10, "    aa bb\n      cc\n      dd\n"},
		{"averyverylongword x", "", 5, "averyverylongword\n  x\n"},
		{"", "  ", 10, ""},
	} {
		var b strings.Builder
		wrapText(&b, tc.s, tc.indent, tc.width)
		if b.String() != tc.want {
			t.Errorf("wrapText(%q, %q, %d) = %q; want %q", tc.s, tc.indent, tc.width, b.String(), tc.want)
		}
	}
}

// Without --org every installation is checked, even one the session found
// no target for (installed between its listing and doctor's): it gets a
// row, its reads skipped for want of a client.
func TestRunAppModeChecksAnInstallationWithoutATarget(t *testing.T) {
	_, o := docWorld(t)
	o.Mode, o.Orgs = "app", nil
	app := fakeApp{insts: []ghapp.Installation{{ID: 1, Account: "late", AccountType: "Organization", Permissions: map[string]string{"members": "write"}}}}
	rep, err := Run(context.Background(), o, fakeEnv{}, app, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Orgs) != 1 || rep.Orgs[0].Account != "late" {
		t.Fatalf("rows %+v; want the installation's", rep.Orgs)
	}
	if c := checkOf(t, rep.Orgs[0], CheckRead); !c.Skipped {
		t.Errorf("can_read %+v; want skipped", c)
	}
}

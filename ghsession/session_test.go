package ghsession_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/schematest"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

const (
	appID     = 4242
	testToken = "ghp_sessionTestToken0123456789abcdefABCD"
)

var fullPerms = map[string]string{"members": "write", "pull_requests": "write", "metadata": "read"}

func newGitHub(t *testing.T) *fakegithub.GitHub {
	t.Helper()
	gh := fakegithub.New(t)
	schematest.Attach(t, gh)
	return gh
}

// open starts a session against gh, failing the test on error.
func open(t *testing.T, gh *fakegithub.GitHub, cfg ghsession.Config) *ghsession.Session {
	t.Helper()
	cfg.Credentials.APIURL = gh.RESTURL()
	cfg.Credentials.GraphQLURL = gh.GraphQLURL()
	if cfg.Credentials.MaxWait == 0 {
		cfg.Credentials.MaxWait = time.Minute
	}
	s, err := ghsession.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func appCreds(key []byte, orgs ...string) ghsession.Credentials {
	return ghsession.Credentials{Mode: ghsession.ModeApp, AppID: appID, PrivateKey: key, Orgs: orgs}
}

func tokenCreds(orgs ...string) ghsession.Credentials {
	return ghsession.Credentials{Mode: ghsession.ModeToken, Token: testToken, TokenVar: "GH_TOKEN", Orgs: orgs}
}

// summary is what a test compares of a target.
type summary struct {
	Org, Skip, Err string
	Installation   int64
	HasClient      bool
}

func summarize(ts []ghsession.Target) []summary {
	var out []summary
	for _, t := range ts {
		s := summary{Org: t.Org, Skip: t.Skip, Installation: t.Identity.Installation, HasClient: t.Client != nil}
		if t.Err != nil {
			s.Err = t.Err.Error()
		}
		out = append(out, s)
	}
	return out
}

func sameTargets(t *testing.T, got []ghsession.Target, want []summary) {
	t.Helper()
	g := summarize(got)
	if len(g) != len(want) {
		t.Fatalf("targets:\n got %+v\nwant %+v", g, want)
	}
	for i := range want {
		if g[i] != want[i] {
			t.Errorf("target %d:\n got %+v\nwant %+v", i, g[i], want[i])
		}
	}
}

func TestAppTargetsAreTheOrganizationInstallationsWithWhyOneIsSkipped(t *testing.T) {
	gh := newGitHub(t)
	key := gh.NewApp(t, appID)
	ids := map[string]int64{}
	for org, perms := range map[string]map[string]string{
		"alpha": fullPerms, "beta": fullPerms,
		"gamma": {"members": "read", "pull_requests": "write"},
	} {
		gh.AddOrg(org)
		ids[org] = gh.AddInstallation(appID, org, perms).ID
	}
	gh.SuspendInstallation(ids["beta"])
	gh.AddUser("somebody")
	gh.AddInstallation(appID, "somebody", fullPerms)

	s := open(t, gh, ghsession.Config{Credentials: appCreds(key)})
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sameTargets(t, ts, []summary{
		{Org: "alpha", Installation: ids["alpha"], HasClient: true},
		{Org: "beta", Installation: ids["beta"], HasClient: true,
			Skip: "the App's installation is suspended; unsuspend it in the organization's settings"},
		{Org: "gamma", Installation: ids["gamma"], HasClient: true,
			Skip: "missing permissions: grant Organization members: Read & write to the App"},
	})
	if ts[0].Installation == nil || ts[0].Installation.ID != ids["alpha"] || s.App() == nil {
		t.Errorf("alpha's installation %+v, App %v", ts[0].Installation, s.App())
	}

	// Named organizations narrow the installations, whatever their case;
	// one the App is not installed on is a target that cannot be acted on.
	s = open(t, gh, ghsession.Config{Credentials: appCreds(key, "ALPHA", "nowhere")})
	ts, err = s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sameTargets(t, ts, []summary{
		{Org: "alpha", Installation: ids["alpha"], HasClient: true},
		{Org: "nowhere", Err: "the GitHub App 4242 is not installed on the organization nowhere"},
	})
}

func TestTokenTargetsAreTheNamedOrganizationsAndSendNothing(t *testing.T) {
	gh := newGitHub(t)
	gh.AddToken(testToken)
	var masked []string
	s := open(t, gh, ghsession.Config{Credentials: tokenCreds("trio", "other"),
		Mask: func(secret string) { masked = append(masked, secret) }})
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sameTargets(t, ts, []summary{{Org: "trio", HasClient: true}, {Org: "other", HasClient: true}})
	if n := len(gh.Requests()); n != 0 {
		t.Errorf("%d requests sent before any client was used", n)
	}
	if len(masked) != 1 || masked[0] != testToken {
		t.Errorf("masked %q, want the token", masked)
	}
	if s.App() != nil {
		t.Error("an App in token mode")
	}
}

func TestMayInviteReadsTheTokensUserOnceAndChecksEachOrganization(t *testing.T) {
	gh := newGitHub(t)
	gh.AddToken(testToken)
	me := gh.TokenOwner()
	gh.AddOrg("trio")
	gh.AddOrg("other")
	gh.MakeOwner("trio", me.ID)
	gh.SetMember("other", me.ID, "member")
	s := open(t, gh, ghsession.Config{Credentials: tokenCreds("trio", "other", "ghost")})
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	may := func(tg ghsession.Target) error {
		c, err := tg.API()
		if err != nil {
			t.Fatal(err)
		}
		return s.MayInvite(context.Background(), c, tg.Org)
	}
	if err := may(ts[0]); err != nil {
		t.Errorf("trio, where the token's user is an owner: %v", err)
	}
	var notOwner *ghsession.NotOwnerError
	err = may(ts[1])
	want := me.Login + " is active member of other: only organization owners can invite; use an owner's token, or a GitHub App with Organization members: Read & write"
	if !errors.As(err, &notOwner) || err.Error() != want {
		t.Errorf("other, where the user is a member:\n got %v\nwant %s", err, want)
	}
	var notFound *ghsession.OrgNotFoundError
	if err := may(ts[2]); !errors.As(err, &notFound) || notFound.Org != "ghost" {
		t.Errorf("ghost, which does not exist: %v", err)
	}
	users := 0
	for _, r := range gh.Requests() {
		if strings.HasSuffix(r.Path, "/user") {
			users++
		}
	}
	if users != 1 {
		t.Errorf("GET /user sent %d times, want once for every organization", users)
	}
}

func TestRefusedSaysWhatGitHubAnsweredTheTokensFirst401(t *testing.T) {
	gh := newGitHub(t) // the token is not one GitHub knows
	s := open(t, gh, ghsession.Config{Credentials: tokenCreds("trio")})
	if _, ok := s.Refused(); ok {
		t.Fatal("refused before anything was sent")
	}
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := ts[0].API()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.TokenUser(context.Background()); err == nil {
		t.Fatal("an unknown token was accepted")
	}
	if msg, ok := s.Refused(); !ok || msg != "Bad credentials" {
		t.Errorf("Refused() = %q, %v; want GitHub's message", msg, ok)
	}
}

// budgetStore is a state whose organizations recorded sent[org]
// content-creating requests ten minutes ago.
// budgetStore records, for each organization, n requests sent ten minutes
// ago by the identity named in by (a plain list, as older versions wrote,
// when it is not named).
func budgetStore(t *testing.T, sent map[string]int, by map[string]ghsession.Identity) *state.Store {
	t.Helper()
	st, _, err := state.Open(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	at := time.Now().Add(-10 * time.Minute)
	for org, n := range sent {
		if err := st.Update(org, func(e *state.Edit) {
			for range n {
				if id, ok := by[org]; ok {
					e.AddContentRequestBy(id.String(), at)
				} else {
					e.AddContentRequest(at)
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// budgetOptions allow three content-creating requests an hour, and no
// other pacing. An invitation needs room for its welcome too (two).
var budgetOptions = ghtransport.Options{WriteSpacing: -1, ContentPerMinute: -1, ContentPerHour: 3}

func invite(t *testing.T, tg ghsession.Target, userID int64) error {
	t.Helper()
	c, err := tg.API()
	if err != nil {
		t.Fatal(err)
	}
	return ghsession.ReconcileClient{Client: c}.SendInvitation(context.Background(), tg.Org, userID, reconcile.InviteOptions{})
}

// Each installation's budget starts from its own organization's record, and
// what it sends is recorded there.
func TestContentBudgetOfAnInstallationIsItsOrganizations(t *testing.T) {
	gh := newGitHub(t)
	key := gh.NewApp(t, appID)
	for _, org := range []string{"alpha", "beta"} {
		gh.AddOrg(org)
		gh.AddInstallation(appID, org, fullPerms)
	}
	ann := gh.AddUser("ann")
	st := budgetStore(t, nil, nil)
	s := open(t, gh, ghsession.Config{Credentials: appCreds(key), Options: budgetOptions, Content: st})
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Two of alpha's installation's three went out ten minutes ago.
	if err := st.Update("alpha", func(e *state.Edit) {
		for range 2 {
			e.AddContentRequestBy(ts[0].Identity.String(), time.Now().Add(-10*time.Minute))
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := invite(t, ts[0], ann.ID); !errors.Is(err, reconcile.ErrInvitationLimit) {
		t.Errorf("alpha, with two of its three sent: %v, want the invitation limit", err)
	}
	if err := invite(t, ts[1], ann.ID); err != nil {
		t.Errorf("beta, whose budget is its own: %v", err)
	}
	if n := len(gh.CreatedInvitations("alpha")); n != 0 {
		t.Errorf("alpha: %d invitations reached GitHub", n)
	}
	if a, b := recorded(st.Org("alpha")), recorded(st.Org("beta")); a != 2 || b != 1 {
		t.Errorf("recorded sent: alpha %d (want 2), beta %d (want 1)", a, b)
	}
}

// A token's budget is shared by all its organizations.
func TestContentBudgetOfATokenIsEveryOrganizations(t *testing.T) {
	gh := newGitHub(t)
	gh.AddToken(testToken)
	for _, org := range []string{"trio", "other"} {
		gh.AddOrg(org)
		gh.MakeOwner(org, gh.TokenOwner().ID)
	}
	ann := gh.AddUser("ann")
	st := budgetStore(t, map[string]int{"trio": 1, "other": 1}, map[string]ghsession.Identity{"other": {}})
	s := open(t, gh, ghsession.Config{Credentials: tokenCreds("trio", "other"), Options: budgetOptions, Content: st})
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := invite(t, ts[0], ann.ID); !errors.Is(err, reconcile.ErrInvitationLimit) {
		t.Errorf("trio, one sent there and one in other: %v, want the invitation limit", err)
	}
	if n := len(gh.CreatedInvitations("trio")); n != 0 {
		t.Errorf("trio: %d invitations reached GitHub", n)
	}
}

// recorded counts the requests an organization's record holds, with or
// without the credential that sent them.
func recorded(o state.Org) int {
	n := len(o.ContentRequests)
	for _, ts := range o.ContentRequestsBy {
		n += len(ts)
	}
	return n
}

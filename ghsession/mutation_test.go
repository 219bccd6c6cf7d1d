package ghsession_test

// Tests written for the mutation sweep (MUTATION.md).

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// A welcome marker is believed in a comment the session's own identity
// wrote: the token's user with a token, "SLUG[bot]" in App mode, and in
// App mode with no slug from GitHub, in no comment at all.
func TestTargetsClientKnowsWhoseCommentsAreItsOwn(t *testing.T) {
	ctx := context.Background()
	post := func(t *testing.T, gh *fakegithub.GitHub, tg ghsession.Target, wantFound bool) {
		t.Helper()
		c, err := tg.API()
		if err != nil {
			t.Fatal(err)
		}
		url, err := c.Comment(ctx, tg.Org+"/repo", 1, "hello <!-- marker -->")
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.FindComment(ctx, tg.Org+"/repo", 1, "<!-- marker -->")
		if wantFound && (err != nil || got != url) {
			t.Errorf("FindComment = %q, %v; want the comment just written, %s", got, err, url)
		}
		if !wantFound && err == nil {
			t.Errorf("FindComment = %q; want an error", got)
		}
	}
	world := func(t *testing.T) (*fakegithub.GitHub, *fakegithub.Account) {
		gh := newGitHub(t)
		gh.AddOrg("trio")
		author := gh.AddUser("author")
		gh.AddPR(gh.AddRepo("trio", "repo"), author.ID, "fix", time.Now().Add(-time.Hour))
		return gh, author
	}

	t.Run("token", func(t *testing.T) {
		gh, _ := world(t)
		gh.AddToken(testToken)
		s := open(t, gh, ghsession.Config{Credentials: tokenCreds("trio")})
		ts, err := s.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		post(t, gh, ts[0], true)
	})
	t.Run("app", func(t *testing.T) {
		gh, _ := world(t)
		key := gh.NewApp(t, appID)
		gh.AddInstallation(appID, "trio", fullPerms)
		s := open(t, gh, ghsession.Config{Credentials: appCreds(key)})
		ts, err := s.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		post(t, gh, ts[0], true)
		// Without the slug, no comment can be told to be the App's.
		ts[0].Installation.AppSlug = ""
		c, err := ts[0].API()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.FindComment(ctx, "trio/repo", 1, "<!-- marker -->"); err == nil || !strings.Contains(err.Error(), "did not give the App's slug") {
			t.Errorf("FindComment without a slug: %v", err)
		}
	})
}

func TestSelectionWarning(t *testing.T) {
	if w := (ghsession.Target{Org: "trio"}).SelectionWarning(); w != "" {
		t.Errorf("token target: %q", w)
	}
	all := ghsession.Target{Installation: &ghapp.Installation{Account: "trio", RepositorySelection: "all"}}
	if w := all.SelectionWarning(); w != "" {
		t.Errorf("all repositories: %q", w)
	}
	sel := ghsession.Target{Installation: &ghapp.Installation{Account: "trio", RepositorySelection: "selected"}}
	if w := sel.SelectionWarning(); !strings.HasPrefix(w, "the App's installation on trio can see only the repositories selected for it") {
		t.Errorf("selected repositories: %q", w)
	}
}

func TestMissingPermissionsTakesIssuesForPullRequestsWrite(t *testing.T) {
	for _, tc := range []struct {
		perms map[string]string
		want  string
	}{
		{map[string]string{"members": "write", "pull_requests": "read", "issues": "write"}, ""},
		{map[string]string{"members": "write", "pull_requests": "write"}, ""},
		{map[string]string{"members": "write", "pull_requests": "read"},
			"grant Pull requests: Read & write (or Issues: Read & write) to the App, for the welcome comment"},
		{map[string]string{"members": "write", "issues": "write"}, "grant Pull requests: Read to the App"},
		{nil, "grant Organization members: Read & write to the App; grant Pull requests: Read to the App; " +
			"grant Pull requests: Read & write (or Issues: Read & write) to the App, for the welcome comment"},
	} {
		got := strings.Join(ghsession.MissingPermissions(ghapp.Installation{Permissions: tc.perms}), "; ")
		if got != tc.want {
			t.Errorf("%v:\n got %q\nwant %q", tc.perms, got, tc.want)
		}
	}
}

// account answers CheckOwner's reads as the test says.
type account struct {
	state, role      string
	found            bool
	err, existsErr   error
	exists           bool
	existsAsked      int
	membershipsAsked int
}

func (a *account) TokenUser(context.Context) (string, []string, error) { return "me", nil, nil }

func (a *account) OrgMembership(context.Context, string, string) (string, string, bool, error) {
	a.membershipsAsked++
	return a.state, a.role, a.found, a.err
}

func (a *account) OrgExists(context.Context, string) (bool, error) {
	a.existsAsked++
	return a.exists, a.existsErr
}

func TestCheckOwner(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a       account
		owner   bool
		why     string
		wantErr string
		exists  int
	}{
		{name: "active admin", a: account{state: "active", role: "admin", found: true}, owner: true},
		{name: "pending admin", a: account{state: "pending", role: "admin", found: true}, why: "me is pending admin of trio"},
		{name: "active member", a: account{state: "active", role: "member", found: true}, why: "me is active member of trio"},
		{name: "stranger", a: account{exists: true}, why: "me is not a member of trio", exists: 1},
		{name: "existence unknown", a: account{existsErr: errors.New("boom")}, why: "me is not a member of trio", exists: 1},
		{name: "no organization", a: account{}, wantErr: "the organization trio does not exist or cannot be seen", exists: 1},
		{name: "read fails", a: account{err: errors.New("boom")}, wantErr: "read me's membership of trio: boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			oc, err := ghsession.CheckOwner(context.Background(), &tc.a, "me", "trio")
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.wantErr || oc.Owner != tc.owner || oc.Why != tc.why || oc.Login != "me" {
				t.Errorf("CheckOwner = %+v, %q; want owner %v, why %q, error %q", oc, gotErr, tc.owner, tc.why, tc.wantErr)
			}
			if tc.a.existsAsked != tc.exists || tc.a.membershipsAsked != 1 {
				t.Errorf("asked for the membership %d times, the organization %d; want once and %d", tc.a.membershipsAsked, tc.a.existsAsked, tc.exists)
			}
		})
	}
}

// A state written by an older version has no send times: the budget is
// estimated from its people, each invitation (and each welcome) taken as
// sent up to an hour after the run that decided it started.
func TestContentBudgetIsEstimatedFromPeopleForAnOldState(t *testing.T) {
	for _, tc := range []struct {
		name   string
		people []state.Person
		perHr  int
	}{
		// Three requests: an invitation with its welcome, 90 minutes
		// ago (taken as 30), and an invitation in flight 100 minutes ago;
		// a fourth and fifth would pass four.
		{"invited and inviting", []state.Person{
			{Login: "a", Status: state.Invited, CommentURL: "https://x/1", At: time.Now().Add(-90 * time.Minute)},
			{Login: "b", Status: state.Inviting, At: time.Now().Add(-100 * time.Minute)},
		}, 4},
		// Four requests: two invitations with their welcomes; one three
		// hours ago and one merely queued count for nothing.
		{"welcomes count", []state.Person{
			{Login: "a", Status: state.Invited, CommentURL: "https://x/1", At: time.Now().Add(-90 * time.Minute)},
			{Login: "b", Status: state.Invited, CommentURL: "https://x/2", At: time.Now().Add(-80 * time.Minute)},
			{Login: "c", Status: state.Invited, CommentURL: "https://x/3", At: time.Now().Add(-3 * time.Hour)},
			{Login: "d", Status: state.Queued, At: time.Now().Add(-10 * time.Minute)},
		}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := newGitHub(t)
			gh.AddToken(testToken)
			gh.AddOrg("trio")
			gh.MakeOwner("trio", gh.TokenOwner().ID)
			ann := gh.AddUser("ann")
			st, _, err := state.Open(filepath.Join(t.TempDir(), "state.json"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(st.Close)
			if err := st.Update("trio", func(e *state.Edit) {
				for i, p := range tc.people {
					e.Put(int64(100+i), &p)
				}
			}); err != nil {
				t.Fatal(err)
			}
			if st.ContentRequestsRecorded("trio") {
				t.Fatal("the state records send times; this test needs an old one")
			}
			opts := ghtransport.Options{WriteSpacing: -1, ContentPerMinute: -1, ContentPerHour: tc.perHr}
			s := open(t, gh, ghsession.Config{Credentials: tokenCreds("trio"), Options: opts, Content: st})
			ts, err := s.Targets(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := invite(t, ts[0], ann.ID); !errors.Is(err, reconcile.ErrInvitationLimit) {
				t.Errorf("invite = %v; want the invitation limit", err)
			}
			if n := len(gh.CreatedInvitations("trio")); n != 0 {
				t.Errorf("%d invitations reached GitHub", n)
			}
		})
	}
}

// recordingHandler keeps the messages logged through it.
type recordingHandler struct {
	mu   sync.Mutex
	msgs []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Message)
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

// moved serves GraphQL at /custom/graphql (as a GitHub Enterprise Server
// behind a proxy might), answering the first query there with a 502.
type moved struct {
	mu     sync.Mutex
	failed bool
}

func (m *moved) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == "/custom/graphql" {
		m.mu.Lock()
		first := !m.failed
		m.failed = true
		m.mu.Unlock()
		if first {
			return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Header: http.Header{},
				Body: http.NoBody, Request: req}, nil
		}
		req = req.Clone(req.Context())
		req.URL.Path = fakegithub.GraphQLPath
	}
	return http.DefaultTransport.RoundTrip(req)
}

// The GraphQL address's path tells the transports which POSTs are GraphQL
// queries (retried like reads), and the transports log where the options
// say, not where the session does.
func TestGraphQLPathAndTransportLoggerReachTheStack(t *testing.T) {
	gh := newGitHub(t)
	gh.AddToken(testToken)
	gh.AddOrg("trio")
	gh.MakeOwner("trio", gh.TokenOwner().ID)
	h := &recordingHandler{}
	opts := ghtransport.Options{WriteSpacing: -1, Logger: slog.New(h),
		Sleep: func(context.Context, time.Duration) error { return nil }}
	cfg := ghsession.Config{Credentials: tokenCreds("trio"), Options: opts, Base: &moved{}}
	cfg.Credentials.APIURL = gh.RESTURL()
	cfg.Credentials.GraphQLURL = gh.URL() + "/custom/graphql"
	cfg.Credentials.MaxWait = time.Minute
	s, err := ghsession.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := s.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := ts[0].API()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	if _, err := c.SearchMerged(context.Background(), "trio", reconcile.SearchQuery{Window: reconcile.Window{From: now.Add(-time.Hour), To: now}}, ""); err != nil {
		t.Errorf("a GraphQL query answered 502 once was not retried: %v", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.msgs) == 0 {
		t.Error("the retry was not logged to the transports' logger")
	}
}

package ghsession

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghtransport"
)

// Modes of authentication.
const (
	ModeApp   = "app"
	ModeToken = "token"
)

// Credentials say where GitHub is and who to be there. cmd resolves them
// from flags and the environment; they are plain values here.
type Credentials struct {
	// Mode is ModeApp or ModeToken.
	Mode       string
	AppID      int64
	PrivateKey []byte
	Token      string
	// TokenVar names the variable the token came from (GH_TOKEN or
	// GITHUB_TOKEN), for messages about it.
	TokenVar           string
	APIURL, GraphQLURL string
	// Orgs are the organizations to act on: all of them with a token; in
	// App mode they narrow the installations (none: every one).
	Orgs []string
	// MaxWait is the longest one request may wait on rate limits and
	// retries.
	MaxWait time.Duration
}

// Config is what New needs besides the credentials.
type Config struct {
	Credentials Credentials
	// Base is the transport under every identity's stack (nil:
	// http.DefaultTransport).
	Base http.RoundTripper
	// Options tune the stacks (pacing, clock, Stop). New fills in MaxWait
	// from the credentials, the logger, the GraphQL path and the content
	// budget's hooks.
	Options ghtransport.Options
	// Logger is where the session logs (nil: nowhere).
	Logger *slog.Logger
	// Mask, if set, is given every secret before it is used, to hide it
	// in logs.
	Mask func(secret string)
	// Content, if set, is where each identity's content-creating requests
	// are read from and recorded (see ContentLog); nil counts only this
	// run's.
	Content ContentLog
}

// Identity is one credential, with a transport stack of its own: the
// token, or one App installation.
type Identity struct {
	// Installation is the installation's id; 0 is the token.
	Installation int64
}

// String is the identity's name in ghtransport ("token",
// "installation:42").
func (id Identity) String() string {
	if id.Installation == 0 {
		return "token"
	}
	return "installation:" + strconv.FormatInt(id.Installation, 10)
}

// Session is an authenticated connection to GitHub.
type Session struct {
	creds Credentials
	log   *slog.Logger
	app   *ghapp.App
	// tok is the token's transport (token mode), under the watch.
	tok   http.RoundTripper
	watch *authWatch

	mu      sync.Mutex
	content ContentLog
	// scope is the organizations each identity acts on, by its name.
	scope  map[string][]string
	legacy map[string][]time.Time
	// login is the token's user, once read (owner.go).
	loginMu sync.Mutex
	login   string
}

// New builds the clients; it sends nothing.
func New(cfg Config) (*Session, error) {
	c := cfg.Credentials
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mask := cfg.Mask
	if mask == nil {
		mask = func(string) {}
	}
	s := &Session{creds: c, log: log, content: cfg.Content, scope: map[string][]string{}}
	// Retries and rate-limit waits sit under the authentication, so that a
	// retried request carries the same credentials.
	topts := cfg.Options
	topts.MaxWait = c.MaxWait
	if topts.Logger == nil {
		topts.Logger = log
	}
	if u, err := url.Parse(c.GraphQLURL); err == nil {
		topts.GraphQLPath = u.Path
	}
	if s.content != nil {
		topts.ContentHistory, topts.ContentSent = s.contentHistory, s.contentSent
	}
	// Each credential (the token, each installation) gets its own stack:
	// its own write pacing and secondary-limit cooldown.
	base := ghtransport.NewPerIdentity(cfg.Base, topts)
	if c.Mode == ModeApp {
		app, err := ghapp.New(ghapp.Config{AppID: c.AppID, PrivateKey: c.PrivateKey, APIURL: c.APIURL, Transport: base,
			OnToken: mask})
		if err != nil {
			return nil, err
		}
		s.app = app
		log.Info("authenticating as a GitHub App", "mode", ModeApp, "app_id", c.AppID)
		return s, nil
	}
	mask(c.Token)
	s.watch = &authWatch{base: &oauth2.Transport{
		Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: c.Token, TokenType: "Bearer"}),
		Base:   s.as(Identity{}, base, c.Orgs),
	}}
	s.tok = s.watch
	log.Info("authenticating with a token", "mode", ModeToken, "from", c.TokenVar)
	return s, nil
}

// as marks every request through base as sent by id, which acts on orgs
// (whose state records its earlier content-creating requests).
func (s *Session) as(id Identity, base http.RoundTripper, orgs []string) http.RoundTripper {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scope[id.String()] = orgs
	return ghtransport.WithIdentity(base, id.String())
}

// App is the GitHub App (nil in token mode).
func (s *Session) App() *ghapp.App { return s.app }

// Refused returns GitHub's message and true once GitHub refused the token
// (401); in App mode, never.
func (s *Session) Refused() (string, bool) {
	if s == nil {
		return "", false
	}
	return s.watch.seen()
}

// Target is one organization to act on and how.
type Target struct {
	Org string
	// Client acts on the organization: the token's, or the installation's.
	// Its content-creating requests count under Org.
	Client *http.Client
	// Identity is the credential Client acts as.
	Identity Identity
	// Installation is set in App mode.
	Installation *ghapp.Installation
	// Skip, when set, says why the organization is not acted on (a
	// warning: the App is installed there without what it needs).
	Skip string
	// Err, when set, is why an organization that was asked for cannot be
	// acted on at all.
	Err error

	apiURL, graphQLURL string
	sess               *Session
}

// API is the GitHub client acting on the target through Client. It
// believes a welcome marker only in a comment the session's own identity
// wrote (trustOwnComments).
func (t Target) API() (*ghapi.Client, error) {
	c, err := ghapi.New(t.Client, t.apiURL, t.graphQLURL)
	if err != nil {
		return nil, err
	}
	if t.sess != nil {
		t.sess.trustOwnComments(c, t)
	}
	return c, nil
}

// SelectionWarning says, for an installation limited to selected
// repositories, that its search sees only those: authors of pull requests
// merged elsewhere in the organization are not found. "" otherwise.
func (t Target) SelectionWarning() string {
	inst := t.Installation
	if inst == nil || inst.RepositorySelection != "selected" {
		return ""
	}
	return fmt.Sprintf("the App's installation on %s can see only the repositories selected for it; pull requests merged in the others are not found (give it all repositories to cover them)", inst.Account)
}

// Targets lists the organizations to act on. With a token these are the
// credentials' organizations. In App mode they are the installations on
// organizations (narrowed by Credentials.Orgs); each gets its own
// installation's client, and one without the permissions a run needs is
// kept with Skip saying what to grant.
func (s *Session) Targets(ctx context.Context) ([]Target, error) {
	if s.app == nil {
		var out []Target
		for _, org := range s.creds.Orgs {
			out = append(out, s.target(org, Identity{}, s.tok))
		}
		return out, nil
	}
	insts, err := s.app.Installations(ctx)
	if err != nil {
		return nil, err // ghapp names the step
	}
	want := map[string]bool{}
	for _, o := range s.creds.Orgs {
		want[strings.ToLower(o)] = true
	}
	found := map[string]bool{}
	var out []Target
	for _, inst := range insts {
		key := strings.ToLower(inst.Account)
		if len(want) > 0 && !want[key] {
			continue
		}
		if inst.AccountType != "Organization" {
			s.log.Info("skipping an installation on a user account: there is no organization to invite into",
				"installation_id", inst.ID, "account", inst.Account)
			continue
		}
		found[key] = true
		id := Identity{Installation: inst.ID}
		t := s.target(inst.Account, id, s.as(id, s.app.HTTPClient(inst.ID).Transport, []string{inst.Account}))
		t.Installation = &inst
		switch missing := MissingPermissions(inst); {
		case inst.Suspended:
			t.Skip = "the App's installation is suspended; unsuspend it in the organization's settings"
		case len(missing) > 0:
			t.Skip = "missing permissions: " + strings.Join(missing, "; ")
		}
		out = append(out, t)
	}
	for _, o := range s.creds.Orgs {
		if !found[strings.ToLower(o)] {
			out = append(out, Target{Org: o, Err: fmt.Errorf("the GitHub App %d is not installed on the organization %s", s.creds.AppID, o)})
		}
	}
	slices.SortFunc(out, func(a, b Target) int { return strings.Compare(strings.ToLower(a.Org), strings.ToLower(b.Org)) })
	return out, nil
}

// target is org's Target acting as id through rt, whose content-creating
// requests count under org.
func (s *Session) target(org string, id Identity, rt http.RoundTripper) Target {
	return Target{Org: org, Identity: id, Client: &http.Client{Transport: &forOrg{base: rt, org: org}},
		apiURL: s.creds.APIURL, graphQLURL: s.creds.GraphQLURL, sess: s}
}

// Permissions a GitHub App installation needs, and how to grant them.
var requiredPermissions = []struct {
	name, level, fix string
	alt              string // another permission that serves instead
}{
	{"members", "write", "grant Organization members: Read & write to the App", ""},
	{"pull_requests", "read", "grant Pull requests: Read to the App", ""},
	{"pull_requests", "write", "grant Pull requests: Read & write (or Issues: Read & write) to the App, for the welcome comment", "issues"},
}

// MissingPermissions says, in words, what an installation lacks for a run.
func MissingPermissions(inst ghapp.Installation) []string {
	var out []string
	for _, p := range requiredPermissions {
		if inst.Can(p.name, p.level) || (p.alt != "" && inst.Can(p.alt, p.level)) {
			continue
		}
		out = append(out, p.fix)
	}
	return out
}

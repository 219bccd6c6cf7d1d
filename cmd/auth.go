package cmd

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/pflag"
	"golang.org/x/oauth2"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghname"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/ghurl"
	"github.com/python-trio/snekomatic/internal/duration"
	"github.com/python-trio/snekomatic/state"
)

// Modes of authentication.
const (
	ModeApp   = "app"
	ModeToken = "token"
)

// AuthOptions say where GitHub is and who to be there; shared by every
// command that talks to GitHub.
type AuthOptions struct {
	APIURL, GraphQLURL, WebURL string
	Orgs                       []string
	MaxWait                    time.Duration

	// Mode is ModeApp when App credentials are given (they win over a
	// token), else ModeToken.
	Mode           string
	AppID          int64
	PrivateKeyFile string
	PrivateKey     []byte
	Token          string
	// TokenVar names the variable the token came from (GH_TOKEN or
	// GITHUB_TOKEN), for messages about it.
	TokenVar string

	appIDFlag string
}

func (a *AuthOptions) addFlags(f *pflag.FlagSet) {
	f.StringArrayVar(&a.Orgs, "org", nil, "organization to act on (repeatable); required with a token, narrows the set in App mode")
	f.StringVar(&a.APIURL, "api-url", "", "REST API base URL (default $GITHUB_API_URL, else "+ghurl.DefaultAPI+")")
	f.StringVar(&a.GraphQLURL, "graphql-url", "", "GraphQL endpoint (default $GITHUB_GRAPHQL_URL, else derived from --api-url)")
	f.StringVar(&a.appIDFlag, "app-id", "", "GitHub App id (default $GITHUB_APP_ID)")
	f.StringVar(&a.PrivateKeyFile, "private-key-file", "", "file holding the App's PEM private key (default $GITHUB_APP_PRIVATE_KEY_FILE; or the key itself in $GITHUB_APP_PRIVATE_KEY)")
	f.Var(duration.NewValue(15*time.Minute, &a.MaxWait), "max-wait", "longest one request may wait on rate limits and retries before its organization fails (90m, 36h, 1d)")
}

// complete reads the environment and validates; it sends nothing.
func (a *AuthOptions) complete(d *Deps, f *pflag.FlagSet) error {
	if !f.Changed("api-url") {
		a.APIURL = d.Getenv("GITHUB_API_URL")
	}
	if a.APIURL == "" {
		a.APIURL = ghurl.DefaultAPI
	}
	if err := ghurl.Check("--api-url", a.APIURL); err != nil {
		return &UsageError{err}
	}
	if !f.Changed("graphql-url") {
		a.GraphQLURL = d.Getenv("GITHUB_GRAPHQL_URL")
	}
	if a.GraphQLURL == "" {
		a.GraphQLURL = ghurl.GraphQLFor(a.APIURL)
	}
	if err := ghurl.Check("--graphql-url", a.GraphQLURL); err != nil {
		return &UsageError{err}
	}
	web, err := ghurl.WebFor(a.APIURL)
	if err != nil {
		return &UsageError{err}
	}
	a.WebURL = web
	if a.MaxWait <= 0 {
		return usagef("--max-wait %s must be positive", a.MaxWait)
	}

	seen := map[string]bool{}
	var orgs []string
	for _, org := range a.Orgs {
		org = strings.TrimSpace(org)
		if !ghname.ValidLogin(org) {
			return usagef("--org %q is not a valid GitHub organization login", org)
		}
		if !seen[strings.ToLower(org)] {
			seen[strings.ToLower(org)] = true
			orgs = append(orgs, org)
		}
	}
	a.Orgs = orgs

	idText := a.appIDFlag
	if !f.Changed("app-id") {
		idText = d.Getenv("GITHUB_APP_ID")
	}
	if !f.Changed("private-key-file") {
		a.PrivateKeyFile = d.Getenv("GITHUB_APP_PRIVATE_KEY_FILE")
	}
	keyText := d.Getenv("GITHUB_APP_PRIVATE_KEY")
	// As gh does: GH_TOKEN first, then GITHUB_TOKEN (which Actions sets
	// for every job, so a deliberate GH_TOKEN must win over it).
	for _, name := range tokenVars {
		if tok := strings.TrimSpace(d.Getenv(name)); tok != "" {
			a.Token, a.TokenVar = tok, name
			break
		}
	}
	hasKey := a.PrivateKeyFile != "" || strings.TrimSpace(keyText) != ""

	switch {
	case strings.TrimSpace(idText) != "" || hasKey:
		a.Mode = ModeApp
		idText = strings.TrimSpace(idText)
		if idText == "" {
			return usagef("a GitHub App private key is set but no App id: set GITHUB_APP_ID or --app-id")
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			return usagef("GitHub App id %q is not a positive number", idText)
		}
		a.AppID = id
		switch {
		case a.PrivateKeyFile != "":
			key, err := os.ReadFile(a.PrivateKeyFile)
			if err != nil {
				return usagef("private key file %s: %v", a.PrivateKeyFile, errtext.PathCause(err))
			}
			a.PrivateKey = key
		case strings.TrimSpace(keyText) != "":
			a.PrivateKey = []byte(keyText)
		default:
			return usagef("GitHub App id %d is set but no private key: set GITHUB_APP_PRIVATE_KEY, GITHUB_APP_PRIVATE_KEY_FILE or --private-key-file", id)
		}
		if _, err := ghapp.ParsePrivateKey(a.PrivateKey); err != nil {
			return usagef("GitHub App private key: %v", err)
		}
	case a.Token != "":
		a.Mode = ModeToken
		if len(a.Orgs) == 0 {
			return usagef("--org is required with a token from %s: name each organization to act on", a.TokenVar)
		}
	default:
		return &CredentialsError{Missing: true}
	}
	return nil
}

// tokenVars are where a token is read from, in order.
var tokenVars = []string{"GH_TOKEN", "GITHUB_TOKEN"}

// Permissions a GitHub App installation needs, and how to grant them.
var requiredPermissions = []struct {
	name, level, fix string
	alt              string // another permission that serves instead
}{
	{"members", "write", "grant Organization members: Read & write to the App", ""},
	{"pull_requests", "read", "grant Pull requests: Read to the App", ""},
	{"pull_requests", "write", "grant Pull requests: Read & write (or Issues: Read & write) to the App, for the welcome comment", "issues"},
}

// missingPermissions says, in words, what an installation lacks.
func missingPermissions(inst ghapp.Installation) []string {
	var out []string
	for _, p := range requiredPermissions {
		if inst.Can(p.name, p.level) || (p.alt != "" && inst.Can(p.alt, p.level)) {
			continue
		}
		out = append(out, p.fix)
	}
	return out
}

// target is one organization to act on and how.
type target struct {
	Org string
	// Client acts on the organization: the token's, or the installation's.
	Client *http.Client
	// Installation is set in App mode.
	Installation *ghapp.Installation
	// Skip, when set, says why the organization is not acted on (a
	// warning: the App is installed there without what it needs).
	Skip string
	// Err, when set, is why an organization that was asked for cannot be
	// acted on at all.
	Err error
}

// session is an authenticated connection to GitHub.
type session struct {
	opts *AuthOptions
	app  *ghapp.App
	base http.RoundTripper
	tok  *http.Client
	// watch sees whether GitHub refused the token (token mode).
	watch *authWatch

	// polite.go: what the state says each credential already sent.
	mu      sync.Mutex
	store   *state.Store
	instOrg map[int64]string
	legacy  map[string][]time.Time
	// login is the token's user, once read (owner.go).
	loginMu sync.Mutex
	login   string
}

// connect builds the clients; it sends nothing.
func connect(ctx context.Context, a *AuthOptions, d *Deps, log *slog.Logger) (*session, error) {
	base := d.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	// Retries and rate-limit waits sit under the authentication, so that a
	// retried request carries the same credentials.
	topts := ghtransport.Options{MaxWait: a.MaxWait, Logger: log}
	if u, err := url.Parse(a.GraphQLURL); err == nil {
		topts.GraphQLPath = u.Path
	}
	s := &session{opts: a, instOrg: map[int64]string{}}
	topts.ContentHistory = s.contentHistory
	topts.ContentSent = s.contentSent
	switch v := d.Getenv(unpacedEnv); v {
	case "":
	case "1":
		topts.WriteSpacing, topts.ContentPerMinute, topts.ContentPerHour = -1, -1, -1
	default:
		return nil, usagef("%s %q: set it to 1 or leave it unset", unpacedEnv, v)
	}
	if d.Resilience != nil {
		d.Resilience(&topts)
	}
	// Under everything, so that a retry after an interruption is not
	// sent either.
	if d.gate != nil {
		base = &gateTransport{base: base, gate: d.gate}
		topts.Stop = d.gate.stopped()
	}
	// Each credential (the token, each installation) gets its own stack:
	// its own write pacing and secondary-limit cooldown.
	base = ghtransport.NewPerIdentity(base, topts)
	s.base = base
	if a.Mode == ModeApp {
		app, err := ghapp.New(ghapp.Config{AppID: a.AppID, PrivateKey: a.PrivateKey, APIURL: a.APIURL, Transport: base,
			OnToken: func(tok string) { maskSecret(d, tok) }})
		if err != nil {
			return nil, err
		}
		s.app = app
		log.Info("authenticating as a GitHub App", "mode", ModeApp, "app_id", a.AppID)
		return s, nil
	}
	maskSecret(d, a.Token)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: ghtransport.WithIdentity(base, identityToken)})
	s.tok = oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: a.Token, TokenType: "Bearer"}))
	s.watch = &authWatch{base: s.tok.Transport}
	s.tok = &http.Client{Transport: s.watch}
	log.Info("authenticating with a token", "mode", ModeToken, "from", a.TokenVar)
	return s, nil
}

// maskSecret asks GitHub Actions to hide a secret in every log line. Like
// every workflow command it goes to stderr, so that stdout stays the report
// alone (the runner reads commands from both).
func maskSecret(d *Deps, secret string) {
	if d.Getenv("GITHUB_ACTIONS") == "true" && secret != "" {
		fmt.Fprintf(d.Stderr, "::add-mask::%s\n", secret)
	}
}

// targets lists the organizations to act on. In App mode these are the
// installations on organizations (narrowed by --org); each gets its own
// installation's client, and one without the permissions a run needs is
// kept with Skip saying what to grant.
func (s *session) targets(ctx context.Context, log *slog.Logger) ([]target, error) {
	if s.app == nil {
		var out []target
		for _, org := range s.opts.Orgs {
			out = append(out, target{Org: org, Client: s.tok})
		}
		return out, nil
	}
	insts, err := s.app.Installations(ctx)
	if err != nil {
		return nil, err // ghapp names the step
	}
	want := map[string]bool{}
	for _, o := range s.opts.Orgs {
		want[strings.ToLower(o)] = true
	}
	found := map[string]bool{}
	var out []target
	for _, inst := range insts {
		key := strings.ToLower(inst.Account)
		if len(want) > 0 && !want[key] {
			continue
		}
		if inst.AccountType != "Organization" {
			log.Info("skipping an installation on a user account: there is no organization to invite into",
				"installation_id", inst.ID, "account", inst.Account)
			continue
		}
		found[key] = true
		s.setInstallationOrg(inst.ID, inst.Account)
		t := target{Org: inst.Account, Installation: &inst, Client: withIdentity(s.app.HTTPClient(inst.ID), installationIdentity(inst.ID))}
		switch missing := missingPermissions(inst); {
		case inst.Suspended:
			t.Skip = "the App's installation is suspended; unsuspend it in the organization's settings"
		case len(missing) > 0:
			t.Skip = "missing permissions: " + strings.Join(missing, "; ")
		}
		out = append(out, t)
	}
	for _, o := range s.opts.Orgs {
		if !found[strings.ToLower(o)] {
			out = append(out, target{Org: o, Err: fmt.Errorf("the GitHub App %d is not installed on the organization %s", s.opts.AppID, o)})
		}
	}
	slices.SortFunc(out, func(a, b target) int { return strings.Compare(strings.ToLower(a.Org), strings.ToLower(b.Org)) })
	return out, nil
}

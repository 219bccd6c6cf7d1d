package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/ghperm"
)

// GitHub Apps: registration, installations, the App's JSON web tokens and
// installation access tokens.
//
// A request to an App endpoint (/app, /app/...) must carry a JWT signed by
// a registered App; any other token answers 401. A JWT anywhere else is an
// unknown token (401 Bad credentials). An installation token works like a
// personal token restricted to the installation's account, acting as the
// App's bot user, until it expires by the fake's clock; on top of that
// checkInstallation checks the installation's permissions per REST route
// (app_permissions.go), and withInstallationPermissions guards the GraphQL
// fields that need them. The JWT is checked in app_jwt.go, the App
// endpoints are in app_endpoints.go.

// Messages of installation errors (those of the App's JWT are in
// app_jwt.go).
const (
	// MsgNotAccessibleByIntegration is the 403 message (GraphQL: FORBIDDEN)
	// when an installation token lacks the permission an endpoint needs,
	// or writes outside its installation's account.
	MsgNotAccessibleByIntegration = "Resource not accessible by integration"
	// MsgInstallationSuspended is the 403 message for a token request to,
	// or any request with a token of, a suspended installation.
	MsgInstallationSuspended = "This installation has been suspended"
	// MsgPermissionsNotGranted is the 422 message for a token request
	// asking for more than the installation has.
	MsgPermissionsNotGranted = "The permissions requested are not granted to this installation."
)

// docApps answers a path under /app that is no App endpoint.
const docApps = "https://docs.github.com/rest/apps/apps"

// DefaultInstallationTokenTTL is how long installation tokens live, as on
// GitHub.
const DefaultInstallationTokenTTL = time.Hour

// App is a registered GitHub App.
type App struct {
	// ID is the App id, the JWT's iss.
	ID int64
	// ClientID is also accepted as the JWT's iss.
	ClientID string
	// Slug is the App's URL name, "app-<ID>".
	Slug string
	// Name is the display name.
	Name string
	// BotID and BotLogin ("<slug>[bot]") are the bot user installation
	// tokens act as: it authors their comments and sends their invitations.
	BotID    int64
	BotLogin string
}

// Installation is an App's installation on an organization or user account.
type Installation struct {
	// ID is the installation id.
	ID int64
	// AppID is the installed App.
	AppID int64
	// Account is the login of the account it is installed on.
	Account string
	// AccountID is that account's id.
	AccountID int64
	// AccountType is "Organization" or "User".
	AccountType string
	// Permissions maps permission names to "read", "write" or "admin";
	// "metadata": "read" is always present.
	Permissions map[string]string
	// Suspended installations refuse token requests and their tokens.
	Suspended bool
	// CreatedAt is when it was added (the clock's now).
	CreatedAt time.Time
}

// appState is a stored App.
type appState struct {
	App
	key       *rsa.PublicKey
	createdAt time.Time
	// jwtTok carries the rate-limit windows of requests made with the
	// App's JWTs; it is not in world.tokens, so it authenticates nothing.
	jwtTok *tokenState
}

// installation is a stored Installation.
type installation struct {
	id          int64
	app         *appState
	acct        *account
	perms       map[string]string
	createdAt   time.Time
	suspendedAt time.Time
	issued      int
	// rates is shared by all the installation's tokens: GitHub counts
	// rate limits per installation.
	rates map[string]*rateWindow
	// selected, when not nil, holds the only repositories the
	// installation may see (repository_selection "selected").
	selected map[int64]bool
}

func (in *installation) selection() string {
	if in.selected != nil {
		return "selected"
	}
	return "all"
}

// SelectRepositories limits an installation to the given repositories of
// its account, as when an organization installs an App on "Only select
// repositories": its repository_selection becomes "selected", and its
// tokens see (in search, REST and GraphQL) only those repositories
// ("About the repository access of GitHub Apps",
// https://docs.github.com/apps/using-github-apps/reviewing-and-modifying-installed-github-apps).
func (g *GitHub) SelectRepositories(installationID int64, repos ...*Repo) {
	g.mu.Lock()
	defer g.mu.Unlock()
	in := g.w.apps.insts[installationID]
	if in == nil {
		panic(fmt.Sprintf("fakegithub: unknown installation %d", installationID))
	}
	in.selected = map[int64]bool{}
	for _, r := range repos {
		in.selected[r.ID] = true
	}
}

// appWorld is the App part of the world; guarded by GitHub.mu.
type appWorld struct {
	apps  map[int64]*appState
	insts map[int64]*installation
}

func newAppWorld() *appWorld {
	return &appWorld{apps: map[int64]*appState{}, insts: map[int64]*installation{}}
}

// ---- building the world ------------------------------------------------------

// AddApp registers a GitHub App with the public half of its key, and
// creates its bot user "app-<appID>[bot]". It panics if the id is taken.
func (g *GitHub) AddApp(appID int64, key *rsa.PublicKey) *App {
	return g.AddNamedApp(appID, "", "", key)
}

// AddNamedApp is AddApp with the App's slug (its URL name; its bot user is
// "<slug>[bot]") and display name; empty ones default to "app-<appID>" and
// "App <appID>". It panics if the id or the bot's login is taken.
func (g *GitHub) AddNamedApp(appID int64, slug, name string, key *rsa.PublicKey) *App {
	g.mu.Lock()
	defer g.mu.Unlock()
	aw := g.w.apps
	if appID <= 0 || key == nil {
		panic("fakegithub: AddApp needs a positive App id and a key")
	}
	if aw.apps[appID] != nil {
		panic(fmt.Sprintf("fakegithub: App %d already exists", appID))
	}
	if slug == "" {
		slug = fmt.Sprintf("app-%d", appID)
	}
	if name == "" {
		name = fmt.Sprintf("App %d", appID)
	}
	bot := g.addAccountLocked(slug+"[bot]", "Bot")
	a := &appState{
		App: App{
			ID: appID, ClientID: fmt.Sprintf("Iv23li%014d", appID), Slug: slug, Name: name,
			BotID: bot.ID, BotLogin: bot.Login,
		},
		key:       key,
		createdAt: secs(g.now()),
		// The org list names no account, so the JWT's state sees nothing
		// if it ever reached a handler that checks visibility.
		jwtTok: &tokenState{ownerID: bot.ID, orgs: map[string]bool{"": true}, rates: map[string]*rateWindow{}},
	}
	aw.apps[appID] = a
	cp := a.App
	return &cp
}

// NewApp registers an App with a generated 2048-bit RSA key and returns
// the private key in PEM (PKCS#1, as GitHub hands it out). Keys are cached
// per App id for the life of the test binary, so repeated calls are cheap.
func (g *GitHub) NewApp(t testing.TB, appID int64) (pemKey []byte) {
	t.Helper()
	key := AppKey(t, appID)
	g.AddApp(appID, &key.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

var (
	keyMu    sync.Mutex
	keyCache = map[int64]*rsa.PrivateKey{}
)

// AppKey returns the cached test key of an App id (the one NewApp uses),
// generating it on first use. Different ids get different keys.
func AppKey(t testing.TB, appID int64) *rsa.PrivateKey {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	if k := keyCache[appID]; k != nil {
		return k
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate RSA key: %v", err)
	}
	keyCache[appID] = k
	return k
}

// AddInstallation installs an App on an existing organization or user
// (the installation's account type follows the account) with the given
// permissions ("members": "write", "pull_requests": "read", ...; levels
// "read", "write" or "admin"). "metadata": "read" is always added. It
// panics if the App or the account does not exist, or the App is already
// installed there.
func (g *GitHub) AddInstallation(appID int64, account string, perms map[string]string) *Installation {
	g.mu.Lock()
	defer g.mu.Unlock()
	aw := g.w.apps
	app := aw.apps[appID]
	if app == nil {
		panic(fmt.Sprintf("fakegithub: no App %d", appID))
	}
	a := g.w.liveAccount(account)
	if a == nil || (a.Type != "Organization" && a.Type != "User") {
		panic(fmt.Sprintf("fakegithub: no organization or user %q to install App %d on", account, appID))
	}
	for _, in := range aw.insts {
		if in.app == app && in.acct == a {
			panic(fmt.Sprintf("fakegithub: App %d is already installed on %s", appID, a.Login))
		}
	}
	p := map[string]string{"metadata": "read"}
	for k, v := range perms {
		if ghperm.Rank(v) == 0 {
			panic(fmt.Sprintf("fakegithub: permission %s: level must be read, write or admin, not %q", k, v))
		}
		p[k] = v
	}
	in := &installation{
		id: g.w.newID(), app: app, acct: a, perms: p, createdAt: secs(g.now()),
		rates: map[string]*rateWindow{},
	}
	aw.insts[in.id] = in
	return in.snapshot()
}

func (in *installation) snapshot() *Installation {
	return &Installation{
		ID: in.id, AppID: in.app.ID, Account: in.acct.Login, AccountID: in.acct.ID, AccountType: in.acct.Type,
		Permissions: clonePerms(in.perms), Suspended: !in.suspendedAt.IsZero(), CreatedAt: in.createdAt,
	}
}

func clonePerms(p map[string]string) map[string]string {
	cp := make(map[string]string, len(p))
	for k, v := range p {
		cp[k] = v
	}
	return cp
}

func (g *GitHub) mustInstallation(id int64) *installation {
	in := g.w.apps.insts[id]
	if in == nil {
		panic(fmt.Sprintf("fakegithub: no installation %d", id))
	}
	return in
}

// SetInstallationTokenTTL sets how long installation tokens issued from now
// on live, by the fake's clock (default DefaultInstallationTokenTTL).
// expires_at is whole seconds, so a token lives between d-1s and d.
func (g *GitHub) SetInstallationTokenTTL(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settings.tokenTTL = d
}

// SuspendInstallation suspends an installation: token requests answer 403
// MsgInstallationSuspended, and so do requests with its existing tokens.
func (g *GitHub) SuspendInstallation(id int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mustInstallation(id).suspendedAt = secs(g.now())
}

// RevokeInstallationTokens revokes every token issued for an installation,
// as DELETE /installation/token does; requests with them answer 401.
func (g *GitHub) RevokeInstallationTokens(id int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	in := g.mustInstallation(id)
	for k, t := range g.w.tokens {
		if t.inst == in {
			delete(g.w.tokens, k)
		}
	}
}

// InstallationTokensIssued counts the access tokens issued for an
// installation.
func (g *GitHub) InstallationTokensIssued(id int64) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.mustInstallation(id).issued
}

// Installations returns copies of every installation, in id order.
func (g *GitHub) Installations() []Installation {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []Installation
	for _, id := range sortedInstallationIDs(g.w.apps, nil) {
		out = append(out, *g.w.apps.insts[id].snapshot())
	}
	return out
}

func sortedInstallationIDs(aw *appWorld, app *appState) []int64 {
	var ids []int64
	for id, in := range aw.insts {
		if app == nil || in.app == app {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

package fakegithub

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// GitHub Apps: registration, installations, the App's JSON web tokens and
// installation access tokens.
//
// A request to an App endpoint (/app, /app/...) must carry a JWT signed by
// a registered App; any other token answers 401. A JWT anywhere else is an
// unknown token (401 Bad credentials). An installation token works like a
// personal token restricted to the installation's account, acting as the
// App's bot user, until it expires by the fake's clock; on top of that
// installationScope checks the installation's permissions per REST route,
// and withInstallationPermissions guards the GraphQL fields that need them.

// Messages of App and installation errors.
const (
	// MsgJWTUndecodable is the 401 message for a bearer token on an App
	// endpoint that is not a JWT, is not RS256, or whose signature does
	// not verify with the App's public key.
	MsgJWTUndecodable = "A JSON web token could not be decoded"
	// MsgJWTExpTooFar is the 401 message for a JWT whose exp is more than
	// ten minutes after its iat.
	MsgJWTExpTooFar = "'Expiration time' claim ('exp') is too far in the future"
	// MsgJWTExpired is the 401 message for a JWT whose exp is missing, not
	// an integer, or not in the future.
	MsgJWTExpired = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
	// MsgJWTIssuedAt is the 401 message for a JWT whose iat is missing, not
	// an integer, or more than 60 seconds in the future.
	MsgJWTIssuedAt = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
	// MsgJWTIssuer is the 401 message for a JWT without a usable iss.
	MsgJWTIssuer = "'Issuer' claim ('iss') must be an Integer"
	// MsgIntegrationNotFound is the 401 message for a JWT whose iss names
	// no registered App (by id or client id).
	MsgIntegrationNotFound = "Integration not found"
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

const (
	docApps               = "https://docs.github.com/rest/apps/apps"
	docGetApp             = "https://docs.github.com/rest/apps/apps#get-the-authenticated-app"
	docListInstallations  = "https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app"
	docGetInstallation    = "https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app"
	docCreateInstallToken = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"
	docAuthApp            = "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app"
)

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
	apps     map[int64]*appState
	insts    map[int64]*installation
	tokenTTL time.Duration
}

func newAppWorld() *appWorld {
	return &appWorld{apps: map[int64]*appState{}, insts: map[int64]*installation{}, tokenTTL: DefaultInstallationTokenTTL}
}

// ---- building the world ------------------------------------------------------

// AddApp registers a GitHub App with the public half of its key, and
// creates its bot user "app-<appID>[bot]". It panics if the id is taken.
func (g *GitHub) AddApp(appID int64, key *rsa.PublicKey) *App {
	g.mu.Lock()
	defer g.mu.Unlock()
	aw := g.w.apps
	if appID <= 0 || key == nil {
		panic("fakegithub: AddApp needs a positive App id and a key")
	}
	if aw.apps[appID] != nil {
		panic(fmt.Sprintf("fakegithub: App %d already exists", appID))
	}
	slug := fmt.Sprintf("app-%d", appID)
	bot := g.addAccountLocked(slug+"[bot]", "Bot")
	a := &appState{
		App: App{
			ID: appID, ClientID: fmt.Sprintf("Iv23li%014d", appID), Slug: slug, Name: fmt.Sprintf("App %d", appID),
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
		if level(v) == 0 {
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
	g.w.apps.tokenTTL = d
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

// ---- permissions ---------------------------------------------------------------

// level orders permission levels; 0 is "none" or unknown.
func level(s string) int {
	switch s {
	case "read":
		return 1
	case "write":
		return 2
	case "admin":
		return 3
	}
	return 0
}

// permits reports whether perms grant name at least at want.
func permits(perms map[string]string, name, want string) bool {
	return level(perms[name]) >= level(want) && level(want) > 0
}

// installationNeed is what a REST route asks of an installation token.
type installationNeed struct {
	// anyOf lists alternatives as "name=level"; one is enough.
	anyOf []string
	// never marks routes installations cannot use at all.
	never bool
	doc   string
}

// installationNeeds maps restRouter patterns to the permissions they need.
// Routes not listed need none beyond metadata (which every installation
// has) and are scoped by the handlers' own visibility checks.
var installationNeeds = map[string]installationNeed{
	"GET /orgs/{org}/members":                             {anyOf: []string{"members=read"}, doc: docListMembers},
	"GET /orgs/{org}/members/{username}":                  {anyOf: []string{"members=read"}, doc: docCheckMember},
	"GET /orgs/{org}/invitations":                         {anyOf: []string{"members=read"}, doc: docListInvitations},
	"POST /orgs/{org}/invitations":                        {anyOf: []string{"members=write"}, doc: docCreateInvitation},
	"DELETE /orgs/{org}/invitations/{invitation_id}":      {anyOf: []string{"members=write"}, doc: docCancelInvitation},
	"GET /orgs/{org}/failed_invitations":                  {anyOf: []string{"members=read"}, doc: docFailedInvitations},
	"GET /orgs/{org}/memberships/{username}":              {anyOf: []string{"members=read"}, doc: docGetMembership},
	"PUT /orgs/{org}/memberships/{username}":              {anyOf: []string{"members=write"}, doc: docSetMembership},
	"GET /orgs/{org}/teams/{team_slug}":                   {anyOf: []string{"members=read"}, doc: docGetTeam},
	"GET /repos/{owner}/{repo}":                           {anyOf: []string{"metadata=read"}, doc: docGetRepo},
	"GET /repos/{owner}/{repo}/contents/{path...}":        {anyOf: []string{"contents=read"}, doc: docGetContent},
	"GET /repos/{owner}/{repo}/issues/{number}/comments":  {anyOf: []string{"issues=read", "pull_requests=read"}, doc: docListComments},
	"POST /repos/{owner}/{repo}/issues/{number}/comments": {anyOf: []string{"issues=write", "pull_requests=write"}, doc: docCreateComment},
	"GET /user": {never: true, doc: docAuthUser},
}

// installationScope enforces installation tokens' scope and permissions on
// the REST routes of installationNeeds, before their handlers run: a read
// outside the installation's account answers 404, a write there 403
// MsgNotAccessibleByIntegration, and a missing permission 403
// MsgNotAccessibleByIntegration with GitHub's X-Accepted-GitHub-Permissions
// header naming what would do. Other tokens pass straight through.
func (g *GitHub) installationScope(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	for pattern, need := range installationNeeds {
		mux.Handle(pattern, g.checkInstallation(need, next))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stateOf(r).tok.inst == nil {
			next.ServeHTTP(w, r)
			return
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			next.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (g *GitHub) checkInstallation(need installationNeed, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := stateOf(r).tok
		write := kindFor(r) == KindRESTWrite
		if need.never {
			WriteError(w, http.StatusForbidden, MsgNotAccessibleByIntegration, need.doc)
			return
		}
		w.Header().Set("X-Accepted-GitHub-Permissions", strings.Join(need.anyOf, "; "))
		owner := r.PathValue("org")
		if owner == "" {
			owner = r.PathValue("owner")
		}
		g.mu.Lock()
		exists := g.w.liveAccount(owner) != nil
		inside := strings.EqualFold(owner, t.inst.acct.Login)
		granted := false
		for _, alt := range need.anyOf {
			name, lvl, _ := strings.Cut(alt, "=")
			granted = granted || permits(t.perms, name, lvl)
		}
		g.mu.Unlock()
		switch {
		case !inside && (!write || !exists):
			writeNotFound(w, need.doc)
		case !inside || !granted:
			WriteError(w, http.StatusForbidden, MsgNotAccessibleByIntegration, need.doc)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// withInstallationPermissions guards the GraphQL fields that need an
// installation permission: Organization.membersWithRole and
// Organization.pendingMembers need members read, and answer a FORBIDDEN
// error otherwise.
func (g *GitHub) withInstallationPermissions(rm resolverMap) resolverMap {
	guard := func(name, lvl string, r resolver) resolver {
		return func(rc *resolveCtx, obj any, args map[string]any) (any, error) {
			if rc.tok.inst != nil && !permits(rc.tok.perms, name, lvl) {
				return nil, &GraphQLError{Type: "FORBIDDEN", Message: MsgNotAccessibleByIntegration, Extensions: map[string]any{"saml_failure": false}}
			}
			return r(rc, obj, args)
		}
	}
	org := rm["Organization"]
	for _, f := range []string{"membersWithRole", "pendingMembers"} {
		org[f] = guard("members", "read", org[f])
	}
	return rm
}

// installationTokenRefusal says why an installation token may not be used
// now (status 0 if it may); caller holds g.mu.
func (g *GitHub) installationTokenRefusal(t *tokenState) (status int, msg string) {
	if !t.inst.suspendedAt.IsZero() {
		return http.StatusForbidden, MsgInstallationSuspended
	}
	if !g.now().Before(t.expires) {
		return http.StatusUnauthorized, MsgBadCredentials
	}
	return 0, ""
}

// ---- JWT ---------------------------------------------------------------------------

// isAppPath reports whether a REST path (prefix removed) is an App
// endpoint, which only a JWT may call.
func isAppPath(p string) bool { return p == "/app" || strings.HasPrefix(p, "/app/") }

type appKey struct{}

func appOf(r *http.Request) *appState {
	a, _ := r.Context().Value(appKey{}).(*appState)
	return a
}

// authenticateApp verifies the App's JWT as GitHub does (see verifyJWT);
// failures answer 401 with GitHub's message.
func (g *GitHub) authenticateApp(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		if st.token == "" {
			WriteError(w, http.StatusUnauthorized, MsgRequiresAuthentication, docAuthApp)
			return
		}
		g.mu.Lock()
		app, msg := g.verifyJWT(st.token)
		g.mu.Unlock()
		if app == nil {
			WriteError(w, http.StatusUnauthorized, msg, docAuthApp)
			return
		}
		st.tok = app.jwtTok
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), appKey{}, app)))
	})
}

// jwtSkew is how far in the future GitHub accepts a JWT's iat, for clock
// drift.
const jwtSkew = 60 * time.Second

// verifyJWT checks an App JWT: three base64url parts, header alg RS256,
// iss an App id or client id (string or number) of a registered App, an
// RS256 signature made with that App's key, integer iat no more than 60 s
// in the future, integer exp in the future and at most 10 minutes after
// iat. It returns the App, or the message to refuse with; caller holds
// g.mu.
func (g *GitHub) verifyJWT(tok string) (*appState, string) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, MsgJWTUndecodable
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if !decodeJWTPart(parts[0], &header) || header.Alg != "RS256" {
		return nil, MsgJWTUndecodable
	}
	var claims map[string]any
	if !decodeJWTPart(parts[1], &claims) {
		return nil, MsgJWTUndecodable
	}
	app, msg := g.jwtIssuer(claims["iss"])
	if app == nil {
		return nil, msg
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, MsgJWTUndecodable
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(app.key, crypto.SHA256, digest[:], sig) != nil {
		return nil, MsgJWTUndecodable
	}
	now := g.now()
	iat, ok := jwtInt(claims["iat"])
	if !ok || time.Unix(iat, 0).After(now.Add(jwtSkew)) {
		return nil, MsgJWTIssuedAt
	}
	exp, ok := jwtInt(claims["exp"])
	if !ok || !time.Unix(exp, 0).After(now) {
		return nil, MsgJWTExpired
	}
	if exp-iat > int64((10 * time.Minute).Seconds()) {
		return nil, MsgJWTExpTooFar
	}
	return app, ""
}

func decodeJWTPart(s string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	return dec.Decode(v) == nil
}

// jwtIssuer finds the App an iss claim names.
func (g *GitHub) jwtIssuer(iss any) (*appState, string) {
	var s string
	switch v := iss.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	default:
		return nil, MsgJWTIssuer
	}
	if s == "" {
		return nil, MsgJWTIssuer
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if a := g.w.apps.apps[id]; a != nil {
			return a, ""
		}
		return nil, MsgIntegrationNotFound
	}
	for _, a := range g.w.apps.apps {
		if a.ClientID == s {
			return a, ""
		}
	}
	return nil, MsgIntegrationNotFound
}

// jwtInt reads an integral NumericDate.
func jwtInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// ---- App endpoints ----------------------------------------------------------------

// appRouter serves the App endpoints (paths relative to RESTPrefix).
func (g *GitHub) appRouter() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /app", g.getApp)
	mux.HandleFunc("GET /app/installations", g.listAppInstallations)
	mux.HandleFunc("GET /app/installations/{installation_id}", g.getAppInstallation)
	mux.HandleFunc("POST /app/installations/{installation_id}/access_tokens", g.createInstallationToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			writeNotFound(w, docApps)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// appJSON is GitHub's "integration".
type appJSON struct {
	ID                 int64             `json:"id"`
	Slug               string            `json:"slug"`
	NodeID             string            `json:"node_id"`
	ClientID           string            `json:"client_id"`
	Owner              *userJSON         `json:"owner"`
	Name               string            `json:"name"`
	Description        string            `json:"description"`
	ExternalURL        string            `json:"external_url"`
	HTMLURL            string            `json:"html_url"`
	CreatedAt          string            `json:"created_at"`
	UpdatedAt          string            `json:"updated_at"`
	Permissions        map[string]string `json:"permissions"`
	Events             []string          `json:"events"`
	InstallationsCount int               `json:"installations_count"`
}

// GET /app: the App. Its permissions are the highest level each permission
// has in any of its installations; it has no owner in the fake.
func (g *GitHub) getApp(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	app := appOf(r)
	perms := map[string]string{}
	n := 0
	for _, in := range g.w.apps.insts {
		if in.app != app {
			continue
		}
		n++
		for k, v := range in.perms {
			if level(v) > level(perms[k]) {
				perms[k] = v
			}
		}
	}
	WriteJSON(w, http.StatusOK, &appJSON{
		ID: app.ID, Slug: app.Slug, NodeID: makeNodeID("A", app.ID), ClientID: app.ClientID, Name: app.Name,
		ExternalURL: g.URL(), HTMLURL: g.webURL("apps/%s", app.Slug),
		CreatedAt: ts(app.createdAt), UpdatedAt: ts(app.createdAt),
		Permissions: perms, Events: []string{}, InstallationsCount: n,
	})
}

// installationJSON is GitHub's "installation".
type installationJSON struct {
	ID                     int64             `json:"id"`
	Account                *userJSON         `json:"account"`
	RepositorySelection    string            `json:"repository_selection"`
	AccessTokensURL        string            `json:"access_tokens_url"`
	RepositoriesURL        string            `json:"repositories_url"`
	HTMLURL                string            `json:"html_url"`
	AppID                  int64             `json:"app_id"`
	AppSlug                string            `json:"app_slug"`
	TargetID               int64             `json:"target_id"`
	TargetType             string            `json:"target_type"`
	Permissions            map[string]string `json:"permissions"`
	Events                 []string          `json:"events"`
	CreatedAt              string            `json:"created_at"`
	UpdatedAt              string            `json:"updated_at"`
	SingleFileName         *string           `json:"single_file_name"`
	HasMultipleSingleFiles bool              `json:"has_multiple_single_files"`
	SingleFilePaths        []string          `json:"single_file_paths"`
	SuspendedBy            *userJSON         `json:"suspended_by"`
	SuspendedAt            *string           `json:"suspended_at"`
}

func (g *GitHub) installationJSON(in *installation) *installationJSON {
	html := g.webURL("settings/installations/%d", in.id)
	if in.acct.Type == "Organization" {
		html = g.webURL("organizations/%s/settings/installations/%d", in.acct.Login, in.id)
	}
	updated := in.createdAt
	if in.suspendedAt.After(updated) {
		updated = in.suspendedAt
	}
	return &installationJSON{
		ID: in.id, Account: g.userJSON(in.acct), RepositorySelection: in.selection(),
		AccessTokensURL: g.apiURL("app/installations/%d/access_tokens", in.id),
		RepositoriesURL: g.apiURL("installation/repositories"),
		HTMLURL:         html,
		AppID:           in.app.ID, AppSlug: in.app.Slug,
		TargetID: in.acct.ID, TargetType: in.acct.Type,
		Permissions: clonePerms(in.perms), Events: []string{},
		CreatedAt: ts(in.createdAt), UpdatedAt: ts(updated),
		SingleFilePaths: []string{},
		SuspendedAt:     tsPtr(in.suspendedAt),
	}
}

// GET /app/installations: the App's installations in id order, paginated,
// suspended ones included.
func (g *GitHub) listAppInstallations(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids := sortedInstallationIDs(g.w.apps, appOf(r))
	lo, hi := g.paginate(w, r, len(ids))
	out := make([]*installationJSON, 0, hi-lo)
	for _, id := range ids[lo:hi] {
		out = append(out, g.installationJSON(g.w.apps.insts[id]))
	}
	WriteJSON(w, http.StatusOK, out)
}

// appInstallation finds {installation_id} among the App's installations,
// answering 404 otherwise; caller holds g.mu.
func (g *GitHub) appInstallation(w http.ResponseWriter, r *http.Request, docURL string) *installation {
	id, _ := strconv.ParseInt(r.PathValue("installation_id"), 10, 64)
	in := g.w.apps.insts[id]
	if in == nil || in.app != appOf(r) {
		writeNotFound(w, docURL)
		return nil
	}
	return in
}

// GET /app/installations/{installation_id}
func (g *GitHub) getAppInstallation(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if in := g.appInstallation(w, r, docGetInstallation); in != nil {
		WriteJSON(w, http.StatusOK, g.installationJSON(in))
	}
}

// POST /app/installations/{installation_id}/access_tokens
// {"permissions": {...}}: a new token for the installation, valid for the
// token TTL. Permissions in the body narrow the token (asking for more
// than the installation has answers 422); repositories and repository_ids
// are not supported by the fake and answer 422 rather than being ignored.
func (g *GitHub) createInstallationToken(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	in := g.appInstallation(w, r, docCreateInstallToken)
	if in == nil {
		return
	}
	if !in.suspendedAt.IsZero() {
		WriteError(w, http.StatusForbidden, MsgInstallationSuspended, docCreateInstallToken)
		return
	}
	var body struct {
		Permissions   map[string]string `json:"permissions"`
		Repositories  []string          `json:"repositories"`
		RepositoryIDs []int64           `json:"repository_ids"`
	}
	if !decodeBody(w, r, &body, docCreateInstallToken) {
		return
	}
	if len(body.Repositories) > 0 || len(body.RepositoryIDs) > 0 {
		WriteError(w, http.StatusUnprocessableEntity, "The fake GitHub does not support tokens limited to some repositories.", docCreateInstallToken)
		return
	}
	perms := clonePerms(in.perms)
	if body.Permissions != nil {
		perms = map[string]string{"metadata": "read"}
		for k, v := range body.Permissions {
			if !permits(in.perms, k, v) {
				WriteError(w, http.StatusUnprocessableEntity, MsgPermissionsNotGranted, docCreateInstallToken)
				return
			}
			perms[k] = v
		}
	}
	token := newInstallationToken()
	expires := secs(g.now()).Add(g.w.apps.tokenTTL)
	g.w.tokens[token] = &tokenState{
		token: token, ownerID: in.app.BotID, orgs: map[string]bool{strings.ToLower(in.acct.Login): true},
		rates: in.rates, inst: in, expires: expires, perms: perms,
	}
	in.issued++
	WriteJSON(w, http.StatusCreated, map[string]any{
		"token": token, "expires_at": ts(expires), "permissions": perms, "repository_selection": in.selection(),
	})
}

// newInstallationToken makes a token shaped like GitHub's: "ghs_" and 36
// letters and digits.
func newInstallationToken() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 36)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return "ghs_" + string(b)
}

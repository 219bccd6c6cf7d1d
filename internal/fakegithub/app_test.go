package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v88/github"
)

// signJWT builds a JWT from raw header and claims, signed RS256 with key.
func signJWT(t *testing.T, key *rsa.PrivateKey, header, claims any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(header) + "." + enc(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

var rs256 = map[string]any{"alg": "RS256", "typ": "JWT"}

// appJWT is a valid JWT for appID at time now, made the way ghinstallation
// makes them (iat 30 s back, valid for two minutes).
func appJWT(t *testing.T, appID int64, now time.Time) string {
	return signJWT(t, AppKey(t, appID), rs256, map[string]any{
		"iss": fmt.Sprint(appID), "iat": now.Add(-30 * time.Second).Unix(), "exp": now.Add(90 * time.Second).Unix(),
	})
}

// appFixture adds App 1 installed on acme (members write, pull requests
// write) and App 2 installed on other, with the clock fixed at base.
type appFixture struct {
	*fixture
	acmeInst, otherInst *Installation
}

func newAppFixture(t *testing.T, acmePerms map[string]string) *appFixture {
	f := &appFixture{fixture: newFixture(t)}
	g := f.g
	g.SetClock(func() time.Time { return base })
	g.NewApp(t, 1)
	g.NewApp(t, 2)
	f.acmeInst = g.AddInstallation(1, "acme", acmePerms)
	f.otherInst = g.AddInstallation(2, "other", map[string]string{"members": "write"})
	return f
}

// installationToken asks the fake for a token, failing the test otherwise.
func installationToken(t *testing.T, g *GitHub, appID, instID int64) string {
	t.Helper()
	now := g.clock()
	resp, body := rawDo(t, "POST", fmt.Sprintf("%sapp/installations/%d/access_tokens", g.RESTURL(), instID), appJWT(t, appID, now), nil)
	if resp.StatusCode != 201 {
		t.Fatalf("token for installation %d: %d %v", instID, resp.StatusCode, body)
	}
	return body["token"].(string)
}

func TestAppJWT(t *testing.T) {
	f := newAppFixture(t, nil)
	g := f.g
	key := AppKey(t, 1)
	now := base
	claims := func(iss any, iat, exp time.Time) map[string]any {
		return map[string]any{"iss": iss, "iat": iat.Unix(), "exp": exp.Unix()}
	}
	good := claims("1", now.Add(-30*time.Second), now.Add(90*time.Second))
	app := g.AddApp(3, &AppKey(t, 3).PublicKey)
	tests := []struct {
		name    string
		token   string
		status  int
		wantMsg string
	}{
		{"valid", signJWT(t, key, rs256, good), 200, ""},
		{"iss as a number", signJWT(t, key, rs256, claims(1, now, now.Add(time.Minute))), 200, ""},
		{"iss as the client id", signJWT(t, AppKey(t, 3), rs256, claims(app.ClientID, now, now.Add(time.Minute))), 200, ""},
		{"iat within the skew", signJWT(t, key, rs256, claims("1", now.Add(50*time.Second), now.Add(5*time.Minute))), 200, ""},
		{"exp exactly ten minutes after iat", signJWT(t, key, rs256, claims("1", now, now.Add(10*time.Minute))), 200, ""},
		{"no token", "", 401, MsgRequiresAuthentication},
		{"not a JWT", "ghp_test", 401, MsgJWTUndecodable},
		{"garbage parts", "a.b.c", 401, MsgJWTUndecodable},
		{"HS256", signJWT(t, key, map[string]any{"alg": "HS256"}, good), 401, MsgJWTUndecodable},
		{"key of another App", signJWT(t, AppKey(t, 2), rs256, good), 401, MsgJWTUndecodable},
		{"tampered claims", func() string {
			p := strings.Split(signJWT(t, key, rs256, good), ".")
			b, _ := json.Marshal(claims("2", now, now.Add(time.Minute)))
			return p[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + p[2]
		}(), 401, MsgJWTUndecodable},
		{"unknown App id", signJWT(t, key, rs256, claims("999", now, now.Add(time.Minute))), 401, MsgIntegrationNotFound},
		{"unknown client id", signJWT(t, key, rs256, claims("Iv23linope", now, now.Add(time.Minute))), 401, MsgIntegrationNotFound},
		{"no iss", signJWT(t, key, rs256, map[string]any{"iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}), 401, MsgJWTIssuer},
		{"exp too far", signJWT(t, key, rs256, claims("1", now, now.Add(11*time.Minute))), 401, MsgJWTExpTooFar},
		{"expired", signJWT(t, key, rs256, claims("1", now.Add(-5*time.Minute), now.Add(-time.Second))), 401, MsgJWTExpired},
		{"no exp", signJWT(t, key, rs256, map[string]any{"iss": "1", "iat": now.Unix()}), 401, MsgJWTExpired},
		{"iat in the future", signJWT(t, key, rs256, claims("1", now.Add(2*time.Minute), now.Add(5*time.Minute))), 401, MsgJWTIssuedAt},
		{"fractional iat", signJWT(t, key, rs256, map[string]any{"iss": "1", "iat": float64(now.Unix()) + 0.5, "exp": now.Add(time.Minute).Unix()}), 401, MsgJWTIssuedAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawDo(t, "GET", g.RESTURL()+"app", tt.token, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tt.status, body)
			}
			if tt.wantMsg != "" && (body["message"] != tt.wantMsg || body["documentation_url"] == "") {
				t.Errorf("body %v, want message %q", body, tt.wantMsg)
			}
			if tt.status == 200 && (body["slug"] == "" || body["client_id"] == "" || resp.Header.Get("X-RateLimit-Limit") == "") {
				t.Errorf("app %v, headers %v", body, resp.Header)
			}
		})
	}

	// The installation token, or a personal token, is no JWT.
	inst := installationToken(t, g, 1, f.acmeInst.ID)
	for _, tok := range []string{inst, tok} {
		resp, body := rawDo(t, "GET", g.RESTURL()+"app/installations", tok, nil)
		if resp.StatusCode != 401 || body["message"] != MsgJWTUndecodable {
			t.Errorf("%s on /app/installations: %d %v", tok[:4], resp.StatusCode, body)
		}
	}
	// A JWT is no token anywhere else.
	jwt := appJWT(t, 1, now)
	resp, body := rawDo(t, "GET", g.RESTURL()+"orgs/acme", jwt, nil)
	if resp.StatusCode != 401 || body["message"] != MsgBadCredentials {
		t.Errorf("JWT on /orgs/acme: %d %v", resp.StatusCode, body)
	}
	resp, body = rawGraphQL(t, g, jwt, `{ viewer { login } }`, nil)
	if resp.StatusCode != 401 || body["message"] != MsgBadCredentials {
		t.Errorf("JWT on GraphQL: %d %v", resp.StatusCode, body)
	}
	// Unknown App routes are 404s.
	resp, _ = rawDo(t, "GET", g.RESTURL()+"app/hook/config", jwt, nil)
	if resp.StatusCode != 404 {
		t.Errorf("unknown App route: %d", resp.StatusCode)
	}
}

func TestAppInstallationsList(t *testing.T) {
	f := newAppFixture(t, map[string]string{"members": "read"})
	g := f.g
	for i := range 4 {
		o := fmt.Sprintf("org%d", i)
		g.AddOrg(o)
		g.AddInstallation(1, o, map[string]string{"members": "write"})
	}
	user := g.AddInstallation(1, "carol", nil)
	g.SuspendInstallation(user.ID)
	if user.AccountType != "User" || f.acmeInst.AccountType != "Organization" || f.acmeInst.Permissions["metadata"] != "read" {
		t.Errorf("installations %+v %+v", user, f.acmeInst)
	}

	c, err := github.NewClient(github.WithEnterpriseURLs(g.RESTURL(), g.RESTURL()), github.WithAuthToken(appJWT(t, 1, base)))
	if err != nil {
		t.Fatal(err)
	}
	var got []*github.Installation
	opt := &github.ListOptions{PerPage: 2}
	pages := 0
	for {
		page, resp, err := c.Apps.ListInstallations(ctx(t), opt)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, page...)
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	// acme, org0..org3, carol: App 2's installation on "other" is not listed.
	if len(got) != 6 || pages != 3 {
		t.Fatalf("%d installations in %d pages", len(got), pages)
	}
	first, last := got[0], got[5]
	if first.GetID() != f.acmeInst.ID || first.GetAccount().GetLogin() != "acme" || first.GetAccount().GetType() != "Organization" ||
		first.GetTargetType() != "Organization" || first.GetAppID() != 1 || first.GetPermissions().GetMembers() != "read" ||
		first.GetPermissions().GetMetadata() != "read" || first.GetRepositorySelection() != "all" || first.SuspendedAt != nil ||
		first.CreatedAt == nil || !strings.HasSuffix(first.GetAccessTokensURL(), fmt.Sprintf("/app/installations/%d/access_tokens", first.GetID())) {
		t.Errorf("first %+v", first)
	}
	if last.GetAccount().GetLogin() != "carol" || last.GetTargetType() != "User" || last.SuspendedAt == nil {
		t.Errorf("last %+v", last)
	}
	one, _, err := c.Apps.GetInstallation(ctx(t), f.acmeInst.ID)
	if err != nil || one.GetID() != f.acmeInst.ID {
		t.Errorf("get: %v %v", one, err)
	}
	_, _, err = c.Apps.GetInstallation(ctx(t), f.otherInst.ID)
	asErrorResponse(t, err, 404)
	a, _, err := c.Apps.Get(ctx(t), "")
	if err != nil || a.GetID() != 1 || a.GetSlug() != "app-1" || a.GetPermissions().GetMembers() != "write" || a.GetInstallationsCount() != 6 {
		t.Errorf("app %+v %v", a, err)
	}
	if n := len(g.Installations()); n != 7 {
		t.Errorf("Installations() has %d", n)
	}
}

func TestInstallationTokenRequests(t *testing.T) {
	f := newAppFixture(t, map[string]string{"members": "read", "issues": "write"})
	g := f.g
	url := func(id int64) string { return fmt.Sprintf("%sapp/installations/%d/access_tokens", g.RESTURL(), id) }
	jwt := appJWT(t, 1, base)

	resp, body := rawDo(t, "POST", url(f.acmeInst.ID), jwt, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	tokStr, _ := body["token"].(string)
	perms, _ := body["permissions"].(map[string]any)
	if !strings.HasPrefix(tokStr, "ghs_") || len(tokStr) != 40 || body["expires_at"] != "2024-03-10T13:00:00Z" ||
		perms["members"] != "read" || perms["issues"] != "write" || body["repository_selection"] != "all" {
		t.Errorf("token response %v", body)
	}
	// Narrowed permissions.
	resp, body = rawDo(t, "POST", url(f.acmeInst.ID), jwt, map[string]any{"permissions": map[string]string{"issues": "read"}})
	perms, _ = body["permissions"].(map[string]any)
	if resp.StatusCode != 201 || perms["issues"] != "read" || perms["members"] != nil {
		t.Errorf("narrowed: %d %v", resp.StatusCode, body)
	}
	resp, body = rawDo(t, "POST", url(f.acmeInst.ID), jwt, map[string]any{"permissions": map[string]string{"members": "write"}})
	if resp.StatusCode != 422 || body["message"] != MsgPermissionsNotGranted {
		t.Errorf("widened: %d %v", resp.StatusCode, body)
	}
	if n := g.InstallationTokensIssued(f.acmeInst.ID); n != 2 {
		t.Errorf("issued %d", n)
	}
	// Another App's installation and unknown ids are 404s.
	for _, id := range []int64{f.otherInst.ID, 424242} {
		resp, body = rawDo(t, "POST", url(id), jwt, nil)
		if resp.StatusCode != 404 || body["message"] != MsgNotFound {
			t.Errorf("installation %d: %d %v", id, resp.StatusCode, body)
		}
	}
	// Suspension refuses new tokens and old ones.
	g.SuspendInstallation(f.acmeInst.ID)
	resp, body = rawDo(t, "POST", url(f.acmeInst.ID), jwt, nil)
	if resp.StatusCode != 403 || body["message"] != MsgInstallationSuspended {
		t.Errorf("suspended: %d %v", resp.StatusCode, body)
	}
	resp, body = rawDo(t, "GET", g.RESTURL()+"orgs/acme", tokStr, nil)
	if resp.StatusCode != 403 || body["message"] != MsgInstallationSuspended {
		t.Errorf("suspended token: %d %v", resp.StatusCode, body)
	}
}

func TestInstallationTokenExpiryAndRevocation(t *testing.T) {
	f := newAppFixture(t, map[string]string{"members": "read"})
	g := f.g
	now := base
	g.SetClock(func() time.Time { return now })
	g.SetInstallationTokenTTL(10 * time.Minute)
	token := installationToken(t, g, 1, f.acmeInst.ID)
	get := func() (int, any) {
		resp, body := rawDo(t, "GET", g.RESTURL()+"orgs/acme", token, nil)
		return resp.StatusCode, body["message"]
	}
	if st, msg := get(); st != 200 {
		t.Fatalf("fresh token: %d %v", st, msg)
	}
	now = base.Add(10*time.Minute - time.Second)
	if st, msg := get(); st != 200 {
		t.Fatalf("just before expiry: %d %v", st, msg)
	}
	now = base.Add(10 * time.Minute)
	if st, msg := get(); st != 401 || msg != MsgBadCredentials {
		t.Errorf("expired: %d %v", st, msg)
	}
	resp, body := rawGraphQL(t, g, token, `{ viewer { login } }`, nil)
	if resp.StatusCode != 401 || body["message"] != MsgBadCredentials {
		t.Errorf("expired on GraphQL: %d %v", resp.StatusCode, body)
	}
	token = installationToken(t, g, 1, f.acmeInst.ID)
	if st, msg := get(); st != 200 {
		t.Fatalf("new token: %d %v", st, msg)
	}
	g.RevokeInstallationTokens(f.acmeInst.ID)
	if st, msg := get(); st != 401 || msg != MsgBadCredentials {
		t.Errorf("revoked: %d %v", st, msg)
	}
	if n := g.InstallationTokensIssued(f.acmeInst.ID); n != 2 {
		t.Errorf("issued %d", n)
	}
}

func TestInstallationTokenScopeAndPermissions(t *testing.T) {
	f := newAppFixture(t, map[string]string{"members": "write", "pull_requests": "write"})
	g := f.g
	token := installationToken(t, g, 1, f.acmeInst.ID)
	c := restClient(t, g, token)
	pr := g.AddPR(f.otherRepo, f.carol.ID, "elsewhere", base)

	// Its own organization: read, invite and comment, as the App's bot.
	if _, _, err := c.Organizations.ListMembers(ctx(t), "acme", nil); err != nil {
		t.Errorf("members: %v", err)
	}
	inv, _, err := c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{InviteeID: &f.carol.ID})
	if err != nil || inv.GetInviter().GetLogin() != "app-1[bot]" {
		t.Errorf("invite: %v %v", inv, err)
	}
	cm, _, err := c.Issues.CreateComment(ctx(t), "acme", "widgets", f.mergedPR.Number, &github.IssueComment{Body: github.Ptr("welcome")})
	if err != nil || cm.GetUser().GetLogin() != "app-1[bot]" || cm.GetUser().GetType() != "Bot" {
		t.Errorf("comment: %v %v", cm, err)
	}
	// Elsewhere: reads 404, writes 403.
	_, _, err = c.Organizations.ListMembers(ctx(t), "other", nil)
	asErrorResponse(t, err, 404)
	_, _, err = c.Organizations.Get(ctx(t), "other")
	asErrorResponse(t, err, 404)
	_, _, err = c.Organizations.CreateOrgInvitation(ctx(t), "other", &github.CreateOrgInvitationOptions{InviteeID: &f.carol.ID})
	if er := asErrorResponse(t, err, 403); er.Message != MsgNotAccessibleByIntegration {
		t.Errorf("invite elsewhere: %v", er)
	}
	_, _, err = c.Issues.CreateComment(ctx(t), "other", "stuff", pr.Number, &github.IssueComment{Body: github.Ptr("hi")})
	asErrorResponse(t, err, 403)
	_, _, err = c.Organizations.CreateOrgInvitation(ctx(t), "nope", &github.CreateOrgInvitationOptions{InviteeID: &f.carol.ID})
	asErrorResponse(t, err, 404)
	// GET /user is not for installations.
	_, _, err = c.Users.Get(ctx(t), "")
	if er := asErrorResponse(t, err, 403); er.Message != MsgNotAccessibleByIntegration {
		t.Errorf("/user: %v", er)
	}
	// Search sees only the installation's account.
	_, body := rawGraphQL(t, g, token, `{ search(query: "is:pr", type: ISSUE, first: 10) { issueCount } }`, nil)
	if n := body["data"].(map[string]any)["search"].(map[string]any)["issueCount"]; n != float64(2) {
		t.Errorf("search sees %v: %v", n, body)
	}
	_, body = rawGraphQL(t, g, token, `{ organization(login: "acme") { membersWithRole(first: 10) { totalCount } } }`, nil)
	if _, has := body["errors"]; has {
		t.Errorf("membersWithRole: %v", body)
	}
	// The installation's tokens share one rate limit.
	token2 := installationToken(t, g, 1, f.acmeInst.ID)
	g.SetRateLimitRemaining(token, "core", 0)
	resp, body2 := rawDo(t, "GET", g.RESTURL()+"orgs/acme", token2, nil)
	if resp.StatusCode != 403 || body2["message"] != fmt.Sprintf("API rate limit exceeded for installation ID %d.", f.acmeInst.ID) {
		t.Errorf("rate limit: %d %v", resp.StatusCode, body2)
	}
}

func TestInstallationWithoutPermissions(t *testing.T) {
	f := newAppFixture(t, map[string]string{"members": "read", "issues": "read"})
	g := f.g
	token := installationToken(t, g, 1, f.acmeInst.ID)
	c := restClient(t, g, token)

	_, resp, err := c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{InviteeID: &f.carol.ID})
	if er := asErrorResponse(t, err, 403); er.Message != MsgNotAccessibleByIntegration || er.DocumentationURL != routeDoc(t, "POST /orgs/{org}/invitations") {
		t.Errorf("invite: %+v", er)
	}
	if h := resp.Header.Get("X-Accepted-GitHub-Permissions"); h != "members=write" {
		t.Errorf("accepted permissions %q", h)
	}
	_, resp, err = c.Issues.CreateComment(ctx(t), "acme", "widgets", f.mergedPR.Number, &github.IssueComment{Body: github.Ptr("hi")})
	asErrorResponse(t, err, 403)
	if h := resp.Header.Get("X-Accepted-GitHub-Permissions"); h != "issues=write; pull_requests=write" {
		t.Errorf("accepted permissions %q", h)
	}
	if _, _, err := c.Issues.ListComments(ctx(t), "acme", "widgets", f.mergedPR.Number, nil); err != nil {
		t.Errorf("list comments with issues read: %v", err)
	}
	if len(g.CreatedInvitations("acme")) != 0 || len(g.AllComments()) != 0 {
		t.Error("a refused request changed the world")
	}

	// No members permission at all.
	g.NewApp(t, 4)
	in := g.AddInstallation(4, "acme", map[string]string{"pull_requests": "read"})
	token = installationToken(t, g, 4, in.ID)
	c = restClient(t, g, token)
	_, _, err = c.Organizations.GetOrgMembership(ctx(t), "carol", "acme")
	asErrorResponse(t, err, 403)
	_, _, err = c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", nil)
	asErrorResponse(t, err, 403)
	if _, _, err := c.Organizations.Get(ctx(t), "acme"); err != nil {
		t.Errorf("org with metadata only: %v", err)
	}
	_, body := rawGraphQL(t, g, token, `{
		organization(login: "acme") { login membersWithRole(first: 1) { totalCount } }
		search(query: "org:acme is:pr is:merged", type: ISSUE, first: 10) { issueCount }
	}`, nil)
	e := firstError(t, body)
	if e["type"] != "FORBIDDEN" || e["message"] != MsgNotAccessibleByIntegration || fmt.Sprint(e["path"]) != "[organization membersWithRole]" {
		t.Errorf("GraphQL error %v", e)
	}
	data := body["data"].(map[string]any)
	if data["organization"] != nil || data["search"].(map[string]any)["issueCount"] != float64(1) {
		t.Errorf("GraphQL data %v", data)
	}
	_, body = rawGraphQL(t, g, token, `{ organization(login: "acme") { pendingMembers(first: 1) { totalCount } } }`, nil)
	if e := firstError(t, body); e["type"] != "FORBIDDEN" {
		t.Errorf("pendingMembers: %v", body)
	}
}

func TestNewAppKeysAreCachedAndDistinct(t *testing.T) {
	g := New(t)
	k1 := g.NewApp(t, 11)
	k2 := New(t).NewApp(t, 11)
	k3 := g.NewApp(t, 12)
	if string(k1) != string(k2) || string(k1) == string(k3) || !strings.HasPrefix(string(k1), "-----BEGIN RSA PRIVATE KEY-----") {
		t.Error("keys are not cached per App id, or not distinct")
	}
	if resp, _ := rawDo(t, http.MethodGet, g.RESTURL()+"app", appJWT(t, 12, time.Now()), nil); resp.StatusCode != 200 {
		t.Errorf("JWT of NewApp's key: %d", resp.StatusCode)
	}
}

package ghapp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v88/github"
	"github.com/shurcooL/githubv4"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// world is a fake GitHub with organization acme, repository acme/widgets
// holding one merged pull request by carol, and App 1 installed on acme
// with the permissions snekomatic needs.
type world struct {
	g    *fakegithub.GitHub
	pem  []byte
	inst *fakegithub.Installation
	pr   *fakegithub.PR
	// tokens collects what OnToken saw.
	mu     sync.Mutex
	tokens []string
}

var snekomaticPerms = map[string]string{"members": "write", "pull_requests": "write"}

func newWorld(t *testing.T) *world {
	g := fakegithub.New(t)
	g.AddOrg("acme")
	carol := g.AddUser("carol")
	repo := g.AddRepo("acme", "widgets")
	w := &world{g: g, pem: g.NewApp(t, 1)}
	w.pr = g.AddPR(repo, carol.ID, "Fix", time.Now().Add(-time.Hour))
	w.inst = g.AddInstallation(1, "acme", snekomaticPerms)
	return w
}

func (w *world) app(t *testing.T, appID int64, key []byte) *ghapp.App {
	t.Helper()
	a, err := ghapp.New(ghapp.Config{
		AppID: appID, PrivateKey: key, APIURL: w.g.RESTURL(),
		OnToken: func(tok string) {
			w.mu.Lock()
			w.tokens = append(w.tokens, tok)
			w.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) seenTokens() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.tokens...)
}

func restClient(t *testing.T, w *world, c *http.Client) *github.Client {
	t.Helper()
	rc, err := github.NewClient(github.WithHTTPClient(c), github.WithEnterpriseURLs(w.g.RESTURL(), w.g.RESTURL()))
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// secrets is every credential the fake saw (JWTs and tokens), every token
// OnToken saw, and the lines of every key.
func (w *world) secrets(keys ...[]byte) []string {
	var out []string
	for _, r := range w.g.Requests() {
		if r.Token != "" {
			out = append(out, r.Token)
		}
	}
	out = append(out, w.seenTokens()...)
	for _, k := range append(keys, w.pem) {
		for _, line := range strings.Split(string(k), "\n") {
			if len(line) > 20 && !strings.HasPrefix(line, "-----") {
				out = append(out, line)
			}
		}
	}
	return out
}

func assertNoSecret(t *testing.T, err error, secrets []string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) || (len(s) > 40 && strings.Contains(msg, s[:40])) {
			t.Errorf("error %q contains a secret", msg)
		}
	}
}

func TestInstallationsEveryPage(t *testing.T) {
	w := newWorld(t)
	g := w.g
	for i := range 205 {
		o := fmt.Sprintf("org%03d", i)
		g.AddOrg(o)
		g.AddInstallation(1, o, map[string]string{"members": "read"})
	}
	g.AddUser("dave")
	user := g.AddInstallation(1, "dave", nil)
	g.SuspendInstallation(user.ID)
	g.NewApp(t, 2)
	g.AddOrg("elsewhere")
	g.AddInstallation(2, "elsewhere", nil)

	got, err := w.app(t, 1, w.pem).Installations(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 207 {
		t.Fatalf("%d installations", len(got))
	}
	if diff := cmp.Diff(ghapp.Installation{
		ID: w.inst.ID, Account: "acme", AccountID: g.Lookup("acme").ID, AccountType: "Organization",
		Permissions:         map[string]string{"members": "write", "pull_requests": "write", "metadata": "read"},
		RepositorySelection: "all", AppSlug: "app-1",
	}, got[0]); diff != "" {
		t.Errorf("first installation (-want +got):\n%s", diff)
	}
	last := got[len(got)-1]
	if last.ID != user.ID || last.AccountType != "User" || !last.Suspended {
		t.Errorf("last %+v", last)
	}
	pages := 0
	for _, r := range g.Requests() {
		if r.Path == "/api/v3/app/installations" {
			pages++
			if !strings.Contains(r.Query, "per_page=100") {
				t.Errorf("query %q", r.Query)
			}
		}
	}
	if pages != 3 {
		t.Errorf("%d pages read", pages)
	}
}

func TestTokenIsCachedAndShared(t *testing.T) {
	w := newWorld(t)
	a := w.app(t, 1, w.pem)
	c := a.HTTPClient(w.inst.ID)
	if a.HTTPClient(w.inst.ID) != c {
		t.Error("HTTPClient is not cached per installation")
	}
	rest := restClient(t, w, c)
	gql := githubv4.NewEnterpriseClient(w.g.GraphQLURL(), c)
	for range 5 {
		if _, _, err := rest.Organizations.ListMembers(ctx(t), "acme", nil); err != nil {
			t.Fatal(err)
		}
		var q struct {
			Organization struct {
				MembersWithRole struct{ TotalCount int } `graphql:"membersWithRole(first: 1)"`
			} `graphql:"organization(login: \"acme\")"`
		}
		if err := gql.Query(ctx(t), &q, nil); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := a.Token(ctx(t), w.inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := w.g.InstallationTokensIssued(w.inst.ID); n != 1 {
		t.Errorf("%d tokens issued", n)
	}
	if seen := w.seenTokens(); len(seen) != 1 || seen[0] != tok || !strings.HasPrefix(tok, "ghs_") {
		t.Errorf("OnToken saw %d tokens", len(seen))
	}
	for _, r := range w.g.Requests() {
		if !strings.HasPrefix(r.Path, "/api/v3/app/") && r.Token != tok {
			t.Errorf("%s %s sent another token", r.Method, r.Path)
		}
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	w := newWorld(t)
	// ghinstallation renews a minute before expires_at, so a 61-second
	// token is due for renewal about a second after it is issued.
	w.g.SetInstallationTokenTTL(61 * time.Second)
	a := w.app(t, 1, w.pem)
	rest := restClient(t, w, a.HTTPClient(w.inst.ID))
	if _, _, err := rest.Organizations.Get(ctx(t), "acme"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, _, err := rest.Organizations.Get(ctx(t), "acme"); err != nil {
		t.Fatal(err)
	}
	if n := w.g.InstallationTokensIssued(w.inst.ID); n != 2 {
		t.Errorf("%d tokens issued, want 2", n)
	}
	if seen := w.seenTokens(); len(seen) != 2 || seen[0] == seen[1] {
		t.Errorf("OnToken saw %d tokens", len(seen))
	}
}

func TestRefusedTokenIsReplacedAndRequestRetried(t *testing.T) {
	w := newWorld(t)
	a := w.app(t, 1, w.pem)
	rest := restClient(t, w, a.HTTPClient(w.inst.ID))
	if _, _, err := rest.Organizations.Get(ctx(t), "acme"); err != nil {
		t.Fatal(err)
	}
	w.g.RevokeInstallationTokens(w.inst.ID)
	// A request with a body: it must be sent again, whole.
	if _, _, err := rest.Issues.CreateComment(ctx(t), "acme", "widgets", w.pr.Number, &github.IssueComment{Body: github.Ptr("welcome")}); err != nil {
		t.Fatal(err)
	}
	if cs := w.g.Comments("acme/widgets", w.pr.Number); len(cs) != 1 || cs[0].Body != "welcome" || cs[0].AuthorLogin != "app-1[bot]" {
		t.Errorf("comments %+v", cs)
	}
	if n := w.g.InstallationTokensIssued(w.inst.ID); n != 2 {
		t.Errorf("%d tokens issued, want 2", n)
	}
	// A token that stays refused is retried only once.
	w.g.SetInstallationTokenTTL(0)
	w.g.RevokeInstallationTokens(w.inst.ID)
	_, _, err := rest.Organizations.Get(ctx(t), "acme")
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 401 {
		t.Errorf("got %v", err)
	}
	if n := w.g.InstallationTokensIssued(w.inst.ID); n != 3 {
		t.Errorf("%d tokens issued, want 3", n)
	}
}

func TestConcurrentRequestsShareOneTokenRequest(t *testing.T) {
	w := newWorld(t)
	a := w.app(t, 1, w.pem)
	c := a.HTTPClient(w.inst.ID)
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			<-start
			rest := restClient(t, w, c)
			if _, _, err := rest.Organizations.Get(ctx(t), "acme"); err != nil {
				errs <- err
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := w.g.InstallationTokensIssued(w.inst.ID); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

func TestErrors(t *testing.T) {
	w := newWorld(t)
	g := w.g
	otherKey := g.NewApp(t, 2)
	g.AddOrg("suspended")
	susp := g.AddInstallation(1, "suspended", nil)
	g.SuspendInstallation(susp.ID)

	var (
		auth *ghapp.AuthError
		inst *ghapp.InstallationError
	)
	tests := []struct {
		name    string
		appID   int64
		key     []byte
		instID  int64
		wantAs  any
		wantErr string
	}{
		{"wrong App id", 999, w.pem, w.inst.ID, &auth,
			"GitHub refused the App's credentials (401 Integration not found): check the App id, that the private key belongs to this App, and this machine's clock"},
		{"key of another App", 1, otherKey, w.inst.ID, &auth,
			"GitHub refused the App's credentials (401 A JSON web token could not be decoded): check the App id, that the private key belongs to this App, and this machine's clock"},
		{"unknown installation", 1, w.pem, 424242, &inst,
			"GitHub App installation 424242 not found (404 Not Found): check the installation id and that it belongs to this App"},
		{"another App's installation", 2, otherKey, w.inst.ID, &inst,
			fmt.Sprintf("GitHub App installation %d not found (404 Not Found): check the installation id and that it belongs to this App", w.inst.ID)},
		{"suspended installation", 1, w.pem, susp.ID, &inst,
			fmt.Sprintf("GitHub App installation %d refused a token (403 This installation has been suspended)", susp.ID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := w.app(t, tt.appID, tt.key)
			_, err := a.Token(ctx(t), tt.instID)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Token: %v\nwant %s", err, tt.wantErr)
			}
			if !errors.As(err, tt.wantAs) {
				t.Errorf("Token: %T is not %T", err, tt.wantAs)
			}
			// The same error through the HTTP client, wrapped by net/http
			// and go-github.
			_, _, err = restClient(t, w, a.HTTPClient(tt.instID)).Organizations.Get(ctx(t), "acme")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, tt.wantAs) {
				t.Errorf("HTTPClient: %v", err)
			}
			assertNoSecret(t, err, w.secrets(otherKey))
			if tt.appID != 999 {
				_, err = a.Installations(ctx(t))
				if tt.name == "key of another App" && !errors.As(err, &auth) {
					t.Errorf("Installations: %v", err)
				}
				assertNoSecret(t, err, w.secrets(otherKey))
			}
		})
	}
	// Wrong App id when listing installations.
	_, err := w.app(t, 999, w.pem).Installations(ctx(t))
	if !errors.As(err, &auth) || auth.Message != fakegithub.MsgIntegrationNotFound {
		t.Errorf("Installations with a wrong App id: %v", err)
	}
	assertNoSecret(t, err, w.secrets())
}

func TestClockSkewIsAnAuthError(t *testing.T) {
	w := newWorld(t)
	w.g.SetClock(func() time.Time { return time.Now().Add(3 * time.Minute) })
	_, err := w.app(t, 1, w.pem).Token(ctx(t), w.inst.ID)
	var auth *ghapp.AuthError
	if !errors.As(err, &auth) || auth.Message != fakegithub.MsgJWTExpired || !strings.Contains(err.Error(), "clock") {
		t.Errorf("got %v", err)
	}
}

// A server (or proxy) that echoes credentials in its error bodies must not
// get them into our errors.
func TestEchoedCredentialsAreRedacted(t *testing.T) {
	w := newWorld(t)
	status := http.StatusUnauthorized
	w.g.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/v3/app/") {
				fakegithub.WriteError(rw, status, "Refused "+r.Header.Get("Authorization")+" for you\nsecond line", "")
				return
			}
			next.ServeHTTP(rw, r)
		})
	})
	a := w.app(t, 1, w.pem)
	for _, st := range []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusBadGateway} {
		status = st
		_, err := a.Token(ctx(t), w.inst.ID)
		if err == nil || !strings.Contains(err.Error(), "Refused Bearer [REDACTED] for you") {
			t.Errorf("%d: %v", st, err)
		}
		assertNoSecret(t, err, w.secrets())
		_, err = a.Installations(ctx(t))
		if err == nil || !strings.Contains(err.Error(), "[REDACTED]") {
			t.Errorf("%d: Installations: %v", st, err)
		}
		assertNoSecret(t, err, w.secrets())
	}
}

func TestNetworkErrorsPassThrough(t *testing.T) {
	w := newWorld(t)
	url := w.g.RESTURL()
	w.g.Close()
	a, err := ghapp.New(ghapp.Config{AppID: 1, PrivateKey: w.pem, APIURL: url})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Token(ctx(t), w.inst.ID)
	if err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("create token for installation %d: ", w.inst.ID)) {
		t.Errorf("got %v", err)
	}
	assertNoSecret(t, err, w.secrets())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = a.Token(ctx, w.inst.ID)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestNew(t *testing.T) {
	key := fakegithub.New(t).NewApp(t, 1)
	tests := []struct {
		name    string
		cfg     ghapp.Config
		wantErr string
	}{
		{"ok", ghapp.Config{AppID: 1, PrivateKey: key}, ""},
		{"no App id", ghapp.Config{PrivateKey: key}, "GitHub App id must be a positive number, not 0"},
		{"no key", ghapp.Config{AppID: 1}, "private key is empty"},
		{"relative URL", ghapp.Config{AppID: 1, PrivateKey: key, APIURL: "api.github.com"}, `API URL "api.github.com" is not an absolute http(s) URL`},
		{"other scheme", ghapp.Config{AppID: 1, PrivateKey: key, APIURL: "ftp://x/"}, `API URL "ftp://x/" is not an absolute http(s) URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ghapp.New(tt.cfg)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Fatalf("error %q, want %q", got, tt.wantErr)
			}
			if err == nil && a.AppID() != tt.cfg.AppID {
				t.Errorf("AppID %d", a.AppID())
			}
		})
	}
}

func TestParsePrivateKey(t *testing.T) {
	pkcs1 := fakegithub.New(t).NewApp(t, 1)
	block, _ := pem.Decode(pkcs1)
	rsaKey, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecSEC1, _ := x509.MarshalECPrivateKey(ec)
	pub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	junk := []byte("0123456789abcdefghijklmnopqrstuvwxyzSECRETSECRETSECRET")

	tests := []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{"PKCS#1", pkcs1, ""},
		{"PKCS#8", pkcs8, ""},
		{"surrounded by blank lines", append(append([]byte("\n\n"), pkcs1...), "\n\n"...), ""},
		{"one line with \\n escapes", []byte(strings.ReplaceAll(string(pkcs1), "\n", `\n`)), ""},
		{"PKCS#8 labelled PKCS#1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), ""},
		{"empty", []byte("  \n"), "private key is empty"},
		{"not PEM", junk, "private key is not PEM-encoded (expected a -----BEGIN RSA PRIVATE KEY----- block)"},
		{"a file name", []byte("/home/me/app.private-key.pem"), "private key is not PEM-encoded (expected a -----BEGIN RSA PRIVATE KEY----- block)"},
		{"garbage inside", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: junk}), "private key is not a valid RSA key (PKCS#1 or PKCS#8): its contents do not parse"},
		{"truncated", pkcs1[:len(pkcs1)/2], "private key is not PEM-encoded (expected a -----BEGIN RSA PRIVATE KEY----- block)"},
		{"ECDSA PKCS#8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), "private key is not an RSA key (PKCS#1 or PKCS#8): it is an ECDSA key"},
		{"EC", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecSEC1}), `private key is not an RSA key (PKCS#1 or PKCS#8): the PEM block is "EC PRIVATE KEY"`},
		{"public key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), `private key is not an RSA key (PKCS#1 or PKCS#8): the PEM block is "PUBLIC KEY"`},
		{"encrypted", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: junk}), "private key is encrypted (GitHub gives App keys unencrypted)"},
		{"legacy encrypted", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: junk}), "private key is encrypted (GitHub gives App keys unencrypted)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ghapp.ParsePrivateKey(tt.in)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Fatalf("error %q, want %q", got, tt.wantErr)
			}
			if err == nil && !k.Equal(rsaKey) {
				t.Error("parsed another key")
			}
			if strings.Contains(got, "SECRET") || strings.Contains(got, "\n") {
				t.Errorf("error %q quotes the input or spans lines", got)
			}
		})
	}
}

func TestInstallationCan(t *testing.T) {
	i := ghapp.Installation{Permissions: map[string]string{"members": "write", "pull_requests": "read", "administration": "admin"}}
	tests := []struct {
		perm, level string
		want        bool
	}{
		{"members", "read", true},
		{"members", "write", true},
		{"members", "admin", false},
		{"pull_requests", "read", true},
		{"pull_requests", "write", false},
		{"administration", "write", true},
		{"issues", "read", false},
		{"members", "", false},
		{"members", "bogus", false},
	}
	for _, tt := range tests {
		if got := i.Can(tt.perm, tt.level); got != tt.want {
			t.Errorf("Can(%q, %q) = %v", tt.perm, tt.level, got)
		}
	}
}

// A 502 or a dropped connection on POST .../access_tokens is retried like a
// read: creating a token twice is harmless, failing the organization is not.
func TestTokenRequestIsRetriedLikeARead(t *testing.T) {
	for _, fault := range []string{"502", "dropped connection"} {
		t.Run(fault, func(t *testing.T) {
			w := newWorld(t)
			var tokenRequests atomic.Int32
			w.g.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
					if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/access_tokens") {
						next.ServeHTTP(rw, r)
						return
					}
					if tokenRequests.Add(1) > 1 {
						next.ServeHTTP(rw, r)
						return
					}
					if fault == "502" {
						rw.Header().Set("Content-Type", "text/html")
						rw.WriteHeader(http.StatusBadGateway)
						_, _ = io.WriteString(rw, "<html>"+strings.Repeat("unicorn ", 5000)+"</html>")
						return
					}
					// Drops the connection without an answer.
					panic(http.ErrAbortHandler)
				})
			})
			base := ghtransport.New(nil, ghtransport.Options{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
			a, err := ghapp.New(ghapp.Config{AppID: 1, PrivateKey: w.pem, APIURL: w.g.RESTURL(), Transport: base})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := a.Token(ctx(t), w.inst.ID)
			if err != nil || tok == "" {
				t.Fatalf("Token = %q, %v; want a token after a retry", tok, err)
			}
			if n := tokenRequests.Load(); n != 2 {
				t.Errorf("%d token requests, want 2", n)
			}
		})
	}
}

// An error page never reaches an error whole: GitHub's message is kept up to
// 120 characters (counted in characters, not bytes) and cut after that.
func TestTokenErrorPageIsCut(t *testing.T) {
	w := newWorld(t)
	var message string
	w.g.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/access_tokens") {
				rw.Header().Set("Content-Type", "application/json")
				rw.WriteHeader(http.StatusBadGateway)
				_, _ = io.WriteString(rw, `{"message":"`+message+`"}`)
				return
			}
			next.ServeHTTP(rw, r)
		})
	})
	prefix := fmt.Sprintf("create token for installation %d: GitHub answered 502 ", w.inst.ID)
	tests := []struct{ message, want string }{
		{strings.Repeat("é", 120), strings.Repeat("é", 120)},
		{strings.Repeat("é", 121), strings.Repeat("é", 120) + "…"},
		{strings.Repeat("x", 10000), strings.Repeat("x", 120) + "…"},
	}
	a := w.app(t, 1, w.pem)
	for _, tt := range tests {
		message = tt.message
		_, err := a.Token(ctx(t), w.inst.ID)
		if err == nil || err.Error() != prefix+tt.want {
			t.Errorf("message of %d characters: error %.300v", len([]rune(tt.message)), err)
		}
	}
}

// A server whose Link headers never end gets an error after 1,000 pages
// rather than a loop that runs until the context does.
func TestInstallationsStopAfterAThousandPages(t *testing.T) {
	w := newWorld(t)
	var pages atomic.Int32
	w.g.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v3/app/installations" {
				next.ServeHTTP(rw, r)
				return
			}
			pages.Add(1)
			rw.Header().Set("Content-Type", "application/json")
			rw.Header().Set("Link", fmt.Sprintf(`<%sapp/installations?per_page=100&page=%d>; rel="next"`, w.g.RESTURL(), pages.Load()+1))
			_, _ = io.WriteString(rw, "[]")
		})
	})
	_, err := w.app(t, 1, w.pem).Installations(ctx(t))
	var re *ghapp.ResponseError
	if !errors.As(err, &re) || err.Error() != "list the App's installations: more than 1000 pages" {
		t.Errorf("got %v", err)
	}
	if n := pages.Load(); n != 1000 {
		t.Errorf("%d pages read, want 1000", n)
	}
}

// A request whose body cannot be read again is not retried after a 401: the
// caller gets the 401, and no second request with an empty body is sent.
func TestRefusedRequestWithOneShotBodyIsNotRetried(t *testing.T) {
	w := newWorld(t)
	a := w.app(t, 1, w.pem)
	c := a.HTTPClient(w.inst.ID)
	if _, err := a.Token(ctx(t), w.inst.ID); err != nil {
		t.Fatal(err)
	}
	w.g.RevokeInstallationTokens(w.inst.ID)
	url := fmt.Sprintf("%srepos/acme/widgets/issues/%d/comments", w.g.RESTURL(), w.pr.Number)
	// io.NopCloser hides the reader, so http.NewRequest sets no GetBody.
	req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, url, io.NopCloser(strings.NewReader(`{"body":"welcome"}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("got %v, want the 401", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
	if n := w.g.InstallationTokensIssued(w.inst.ID); n != 1 {
		t.Errorf("%d tokens issued, want 1", n)
	}
	posts := 0
	for _, r := range w.g.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/comments") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d comment requests sent, want 1", posts)
	}
}

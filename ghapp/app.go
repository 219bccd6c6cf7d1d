package ghapp

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v88/github"
	"github.com/python-trio/snekomatic/ghurl"
	"github.com/python-trio/snekomatic/internal/ghperm"
)

// Config says which App to be and where GitHub is.
type Config struct {
	// AppID is the App's numeric id (its settings page shows it).
	AppID int64
	// PrivateKey is one of the App's private keys, PEM (see
	// ParsePrivateKey).
	PrivateKey []byte
	// APIURL is the REST base, e.g. https://api.github.com or
	// https://HOST/api/v3 for GitHub Enterprise Server; empty means
	// ghurl.DefaultAPI. A trailing slash does not matter.
	APIURL string
	// Transport is the base transport under the authentication; nil means
	// http.DefaultTransport.
	Transport http.RoundTripper
	// OnToken, if set, is called with each new installation token before
	// it is used (so that it can be masked in logs, for instance with
	// GitHub Actions' ::add-mask::). It runs while that installation's
	// renewal lock is held: it must be quick and must not ask this App
	// for that installation's token.
	OnToken func(token string)
}

// App authenticates as one GitHub App. It is safe for concurrent use.
type App struct {
	id     int64
	key    *rsa.PrivateKey
	apiURL string // without a trailing slash
	// base is the configured transport under an observer that reports
	// new tokens; everything the App sends goes through it.
	base http.RoundTripper
	// jwt signs requests to the App endpoints.
	jwt *ghinstallation.AppsTransport

	mu  sync.Mutex
	trs map[int64]*installationTransport
}

// New checks the configuration and parses the key; it sends nothing.
func New(cfg Config) (*App, error) {
	if cfg.AppID <= 0 {
		return nil, fmt.Errorf("GitHub App id must be a positive number, not %d", cfg.AppID)
	}
	key, err := ParsePrivateKey(cfg.PrivateKey)
	if err != nil {
		return nil, err
	}
	api := cfg.APIURL
	if api == "" {
		api = ghurl.DefaultAPI
	}
	if err := ghurl.Check("API URL", api); err != nil {
		return nil, err
	}
	base := cfg.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	a := &App{
		id:     cfg.AppID,
		key:    key,
		apiURL: strings.TrimRight(api, "/"),
		base:   &tokenObserver{base: base, onToken: cfg.OnToken},
		trs:    map[int64]*installationTransport{},
	}
	a.jwt = ghinstallation.NewAppsTransportFromPrivateKey(a.base, a.id, a.key)
	a.jwt.BaseURL = a.apiURL
	return a, nil
}

// AppID returns the App's id.
func (a *App) AppID() int64 { return a.id }

// Installation is one installation of the App.
type Installation struct {
	// ID is the installation id, which HTTPClient and Token take.
	ID int64
	// Account is the login of the account the App is installed on.
	Account string
	// AccountID is that account's id.
	AccountID int64
	// AccountType is "Organization" or "User".
	AccountType string
	// Permissions maps permission names to levels, e.g. "members":
	// "write", "pull_requests": "read", "metadata": "read".
	Permissions map[string]string
	// RepositorySelection is "all", or "selected" when the installation
	// sees only some of the account's repositories.
	RepositorySelection string
	// Suspended installations get no tokens.
	Suspended bool
	// AppSlug is the App's slug ("installation" schema, app_slug): the
	// App acts, and comments, as the bot account "SLUG[bot]".
	AppSlug string
}

// Can reports whether the installation holds a permission at a level
// ("read", "write" or "admin"); a higher level implies the lower ones.
func (i Installation) Can(permission, level string) bool {
	return ghperm.Grants(i.Permissions[permission], level)
}

// installationJSON is the part of GitHub's installation object read here.
type installationJSON struct {
	ID      int64 `json:"id"`
	Account *struct {
		Login string `json:"login"`
		ID    int64  `json:"id"`
	} `json:"account"`
	TargetType          string            `json:"target_type"`
	Permissions         map[string]string `json:"permissions"`
	RepositorySelection string            `json:"repository_selection"`
	SuspendedAt         *string           `json:"suspended_at"`
	AppSlug             string            `json:"app_slug"`
}

// maxInstallationPages bounds Installations against a server whose Link
// headers never end.
const maxInstallationPages = 1000

// Installations lists every installation of the App (GET
// /app/installations, 100 per page, every page), suspended ones included.
func (a *App) Installations(ctx context.Context) ([]Installation, error) {
	const op = "list the App's installations"
	client := &http.Client{Transport: a.jwt}
	next := a.apiURL + "/app/installations?per_page=100"
	var out []Installation
	for page := 0; next != ""; page++ {
		if page == maxInstallationPages {
			return nil, &ResponseError{Op: op, Message: fmt.Sprintf("more than %d pages", maxInstallationPages)}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		if resp.StatusCode != http.StatusOK {
			msg := responseMessage(resp)
			if resp.StatusCode == http.StatusUnauthorized {
				return nil, &AuthError{Status: resp.StatusCode, Message: msg}
			}
			return nil, &ResponseError{Op: op, Status: resp.StatusCode, Message: msg}
		}
		var items []installationJSON
		err = json.NewDecoder(resp.Body).Decode(&items)
		resp.Body.Close()
		if err != nil {
			return nil, &ResponseError{Op: op, Message: "the answer is not a list of installations"}
		}
		for _, it := range items {
			inst := Installation{
				ID: it.ID, AccountType: it.TargetType, Permissions: it.Permissions,
				RepositorySelection: it.RepositorySelection, Suspended: it.SuspendedAt != nil, AppSlug: it.AppSlug,
			}
			// target_type is required in GitHub's REST description, so
			// AccountType needs no fallback to the account's own type.
			if it.Account != nil {
				inst.Account, inst.AccountID = it.Account.Login, it.Account.ID
			}
			if inst.Permissions == nil {
				inst.Permissions = map[string]string{}
			}
			out = append(out, inst)
		}
		next = nextLink(resp.Header.Get("Link"))
	}
	return out, nil
}

// nextLink returns the rel="next" URL of a Link header, or "".
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			if strings.TrimSpace(p) == `rel="next"` {
				return strings.Trim(strings.TrimSpace(target), "<>")
			}
		}
	}
	return ""
}

// HTTPClient returns the client that acts as one installation: its
// transport adds the installation token to every request and renews it as
// needed (see the package documentation). The same *http.Client is
// returned for the same id, so that githubv4 and go-github share one token.
// It has no timeout of its own; requests are bounded by their contexts.
func (a *App) HTTPClient(installationID int64) *http.Client {
	return a.transport(installationID).client
}

// Token returns the installation's current token, fetching or renewing it
// if needed; it is the one HTTPClient's requests carry.
func (a *App) Token(ctx context.Context, installationID int64) (string, error) {
	tok, err := a.transport(installationID).cur.Load().Token(ctx)
	if err != nil {
		return "", a.tokenError(installationID, err)
	}
	return tok, nil
}

// transport returns the installation's transport, made on first use.
func (a *App) transport(installationID int64) *installationTransport {
	a.mu.Lock()
	defer a.mu.Unlock()
	if t := a.trs[installationID]; t != nil {
		return t
	}
	t := &installationTransport{app: a, id: installationID}
	t.cur.Store(a.newTokenTransport(installationID))
	t.client = &http.Client{Transport: t}
	a.trs[installationID] = t
	return t
}

// newTokenTransport makes ghinstallation's transport for an installation.
// Each gets its own AppsTransport: ghinstallation writes to the
// AppsTransport's fields on every renewal, so sharing one between
// installations would race.
func (a *App) newTokenTransport(installationID int64) *ghinstallation.Transport {
	atr := ghinstallation.NewAppsTransportFromPrivateKey(a.base, a.id, a.key)
	atr.BaseURL = a.apiURL
	tr := ghinstallation.NewFromAppsTransport(atr, installationID)
	tr.BaseURL = a.apiURL
	// Without options ghinstallation sends the JSON body "null", which
	// GitHub's REST description does not allow for this operation; "{}"
	// asks for the same token (all the installation's repositories and
	// permissions).
	tr.InstallationTokenOptions = &github.InstallationTokenOptions{}
	return tr
}

// tokenError turns a failure to get an installation token, as
// ghinstallation reports it, into AuthError, InstallationError or
// ResponseError. ghinstallation leaves the failed response's body open
// for us to read; it is closed here. Errors that are not about the token
// pass through unchanged.
func (a *App) tokenError(installationID int64, err error) error {
	op := fmt.Sprintf("create token for installation %d", installationID)
	var re *ResponseError
	if errors.As(err, &re) { // from tokenObserver
		cp := *re
		cp.Op = op
		return &cp
	}
	var he *ghinstallation.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	if he.Response == nil {
		if he.RootCause != nil {
			return fmt.Errorf("%s: %w", op, he.RootCause)
		}
		return &ResponseError{Op: op, Message: "no answer"}
	}
	resp := he.Response
	he.Response = nil // drop the request it points to, which holds the JWT
	msg := responseMessage(resp)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return &AuthError{Status: resp.StatusCode, Message: msg}
	case resp.StatusCode == http.StatusNotFound,
		resp.StatusCode == http.StatusForbidden && !rateLimited(resp):
		return &InstallationError{InstallationID: installationID, Status: resp.StatusCode, Message: msg}
	}
	return &ResponseError{Op: op, Status: resp.StatusCode, Message: msg}
}

// rateLimited tells a 403 rate limit from a refusal.
func rateLimited(resp *http.Response) bool {
	return resp.Header.Get("X-RateLimit-Remaining") == "0" || resp.Header.Get("Retry-After") != ""
}

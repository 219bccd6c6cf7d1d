package cmd

import (
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/ghactions"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/ghurl"
	"github.com/python-trio/snekomatic/internal/duration"
)

// Modes of authentication.
const (
	ModeApp   = ghsession.ModeApp
	ModeToken = ghsession.ModeToken
)

// AuthOptions say where GitHub is and who to be there; shared by every
// command that talks to GitHub. complete resolves the credentials from the
// flags and the environment.
type AuthOptions struct {
	// Credentials: Mode is ModeApp when App credentials are given (they
	// win over a token), else ModeToken.
	ghsession.Credentials
	WebURL         string
	PrivateKeyFile string

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
	var err error
	if a.APIURL, a.WebURL, err = apiAndWeb(d, a.APIURL, f.Changed("api-url")); err != nil {
		return err
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
	if a.MaxWait <= 0 {
		return usagef("--max-wait %s must be positive", a.MaxWait)
	}

	orgs, err := checkOrgs(a.Orgs)
	if err != nil {
		return err
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
		if err := a.completeApp(idText, keyText); err != nil {
			return err
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

// apiAndWeb is the GitHub instance a command talks to or links to: --api-url
// when given, else $GITHUB_API_URL, else github.com's, checked, and the web
// address that goes with it.
func apiAndWeb(d *Deps, api string, given bool) (string, string, error) {
	if !given {
		api = d.Getenv("GITHUB_API_URL")
	}
	if api == "" {
		api = ghurl.DefaultAPI
	}
	if err := ghurl.Check("--api-url", api); err != nil {
		return "", "", &UsageError{err}
	}
	web, err := ghurl.WebFor(api)
	if err != nil {
		return "", "", &UsageError{err}
	}
	return api, web, nil
}

// completeApp reads the App's id and private key.
func (a *AuthOptions) completeApp(idText, keyText string) error {
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
	return nil
}

// tokenVars are where a token is read from, in order.
var tokenVars = []string{"GH_TOKEN", "GITHUB_TOKEN"}

// unpacedEnv, set to 1, turns off the spacing of writes and the caps on
// content-creating requests. It exists for tests and benchmarks that run the
// binary against a fake GitHub whose limits are off, since a child process
// cannot share their simulated clock; against GitHub leave it unset.
const unpacedEnv = "SNEKOMATIC_TEST_UNPACED"

// connect opens the session; it sends nothing. content, if not nil, is the
// state the content budget reads and records (reconcile's).
func connect(a *AuthOptions, d *Deps, log *slog.Logger, content ghsession.ContentLog) (*ghsession.Session, error) {
	var topts ghtransport.Options
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
	base := d.Transport
	// Under everything, so that a retry after an interruption is not
	// sent either.
	if d.gate != nil {
		if base == nil {
			base = http.DefaultTransport
		}
		base = d.gate.Transport(base)
		topts.Stop = d.gate.Stopped()
	}
	return ghsession.New(ghsession.Config{Credentials: a.Credentials, Base: base, Options: topts, Logger: log,
		Mask: func(secret string) { maskSecret(d, secret) }, Content: content})
}

// maskSecret asks GitHub Actions to hide a secret in every log line. Like
// every workflow command it goes to stderr, so that stdout stays the report
// alone (the runner reads commands from both).
func maskSecret(d *Deps, secret string) {
	if inActions(d) {
		ghactions.Mask(d.Stderr, secret)
	}
}

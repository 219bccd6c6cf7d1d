package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/reconcile"
)

// Exit codes, as gh (cli/cli) has them where they overlap.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	// ExitAuth: no credentials, or GitHub refused them (gh exits 4 when
	// it is not logged in).
	ExitAuth = 4
	// ExitInterrupted: Ctrl-C or SIGTERM (128 + SIGINT, as a shell says).
	ExitInterrupted = 130
)

// exitCodesHelp is the table --help and the README show.
const exitCodesHelp = `Exit codes:
  0    success
  1    a failure in at least one organization (the others still finish and save)
  2    usage or configuration error (nothing was sent)
  4    no credentials, or GitHub refused them
  130  interrupted (Ctrl-C or SIGTERM): what was done is saved`

// tokenScopes says, once for every message, what a token needs.
const tokenScopes = "a dry run needs read:org and public_repo, a real run an organization owner's token with admin:org and public_repo " +
	"(repo instead of public_repo for private repositories; fine-grained: Members and Pull requests, read for a dry run, read and write for a real one)"

// UsageError is a mistake in how the command was called.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error { return &UsageError{fmt.Errorf(format, args...)} }

// SilentError carries an exit code for a failure that has already been
// reported in full (for example in the run report).
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// CredentialsError means there are no credentials, or GitHub refused them.
// It exits ExitAuth. App credentials refused are ghapp.AuthError, which
// exits ExitAuth too.
type CredentialsError struct {
	// Missing: none were given at all.
	Missing bool
	// Var names where the token came from (GH_TOKEN or GITHUB_TOKEN).
	Var string
	// Status and Message are GitHub's answer (401, "Bad credentials").
	Status  int
	Message string
}

func (e *CredentialsError) Error() string {
	if e.Missing {
		return "no credentials: set GH_TOKEN (or GITHUB_TOKEN) to a token, e.g. GH_TOKEN=$(gh auth token), or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or _FILE) for a GitHub App; " +
			tokenScopes
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("GitHub refused the token from %s (%d %s): it is wrong, expired or revoked; set a valid one (%s)", e.Var, e.Status, msg, tokenScopes)
}

// refusals says whether GitHub refused the token, and what it said
// (*ghsession.Session).
type refusals interface {
	Refused() (msg string, ok bool)
}

// refused asks r, which may be nil.
func refused(r refusals) (string, bool) {
	if r == nil {
		return "", false
	}
	return r.Refused()
}

// failure is one error, said once, in words a person can act on.
type failure struct {
	Org  string
	Msg  string
	Code int
}

// explain turns an organization's error into one line that says what is
// wrong and what to do, and the exit code it deserves. It classifies by
// type and status, never by GitHub's wording; the text it writes has no
// URL, no transport chain and no response body.
func explain(ctx context.Context, err error, org string, a *AuthOptions, watch refusals) failure {
	f := failure{Org: org, Code: ExitError}
	var (
		cred  *CredentialsError
		app   *ghapp.AuthError
		ger   *github.ErrorResponse
		gql   *ghtransport.GraphQLError
		dns   *net.DNSError
		uerr  *url.Error
		opErr *net.OpError
		// notFound comes from the owner check (REST), NOT_FOUND from the
		// search (GraphQL): the same fact, said the same way.
		notFound *ghsession.OrgNotFoundError
	)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, ghtransport.ErrNotSent):
		f.Code, f.Msg = ExitInterrupted, "interrupted: stopped before finishing; what was done is saved and the next run continues from there"
	case errors.As(err, &cred):
		f.Code, f.Msg = ExitAuth, cred.Error()
	case errors.As(err, &app):
		f.Code, f.Msg = ExitAuth, app.Error()
	case a != nil && a.Mode == ModeToken && watchSaw(watch) || errors.As(err, &ger) && ger.Response != nil && ger.Response.StatusCode == http.StatusUnauthorized:
		msg, _ := refused(watch)
		if ger != nil && ger.Message != "" {
			msg = ger.Message
		}
		c := &CredentialsError{Var: "GITHUB_TOKEN", Status: http.StatusUnauthorized, Message: msg}
		if a != nil && a.TokenVar != "" {
			c.Var = a.TokenVar
		}
		f.Code, f.Msg = ExitAuth, c.Error()
	case errors.As(err, &gql) && gql.Type == "NOT_FOUND" && org != "", errors.As(err, &notFound):
		who := "these credentials"
		if a != nil && a.Mode == ModeToken && a.TokenVar != "" {
			who = "the token from " + a.TokenVar
		}
		f.Msg = fmt.Sprintf("the organization %s does not exist or %s cannot see it: check the spelling of --org, and that the token's owner is a member (with SSO, authorize the token for %s)", org, who, org)
	case errors.As(err, &ger) && ger.Response != nil && ger.Response.StatusCode == http.StatusForbidden,
		errors.As(err, &gql) && (gql.Type == "FORBIDDEN" || gql.Type == "INSUFFICIENT_SCOPES"):
		f.Msg = cleanText(err) + ": " + permissionAdvice(a, org)
	case errors.As(err, &dns):
		f.Msg = fmt.Sprintf("cannot reach %s (the name does not resolve): check the network or --api-url", dns.Name)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		f.Msg = fmt.Sprintf("cannot reach %s (%s): check the network or --api-url", hostOf(err, opErr.Addr), errtext.OneLine(errText(opErr.Err)))
	case errors.As(err, &uerr) && uerr.Timeout():
		f.Msg = fmt.Sprintf("%s did not answer in time: check the network or --api-url", hostOf(err, nil))
	default:
		f.Msg = cleanText(err)
	}
	return f
}

// permissionAdvice says what to grant when GitHub refused an action for
// lack of permission.
func permissionAdvice(a *AuthOptions, org string) string {
	if a != nil && a.Mode == ModeApp {
		return fmt.Sprintf("the App's installation on %s lacks a permission; snekomatic doctor says which", org)
	}
	who := "the token"
	if a != nil && a.TokenVar != "" {
		who += " from " + a.TokenVar
	}
	return fmt.Sprintf("%s lacks a permission in %s (with SSO, authorize it for %s): %s", who, org, org, tokenScopes)
}

func watchSaw(w refusals) bool { _, ok := refused(w); return ok }

func errText(err error) string {
	if err == nil {
		return ""
	}
	var sys interface{ Unwrap() error }
	if errors.As(err, &sys) && sys.Unwrap() != nil {
		return sys.Unwrap().Error()
	}
	return err.Error()
}

// hostOf finds the host a request went to, from the *url.Error in err.
func hostOf(err error, addr net.Addr) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if u, perr := url.Parse(uerr.URL); perr == nil && u.Host != "" {
			return u.Host
		}
	}
	if addr != nil {
		return addr.String()
	}
	return "GitHub"
}

// graphQLBody matches githubv4's untyped report of a non-200 answer, whose
// body is GitHub's JSON: the status is kept, the body dropped.
var graphQLBody = regexp.MustCompile(`non-200 OK status code: (\d{3}[^"]*?) body: ".*`)

// cleanText is err's own text, with the parts a person cannot use taken
// out: the method and URL *url.Error and go-github put in front, and
// response bodies.
func cleanText(err error) string {
	s := err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) {
		s = strings.Replace(s, uerr.Error(), errText(uerr), 1)
	}
	var ger *github.ErrorResponse
	if errors.As(err, &ger) && ger.Response != nil {
		msg := fmt.Sprintf("GitHub answered %d %s", ger.Response.StatusCode, ger.Message)
		s = strings.Replace(s, ger.Error(), strings.TrimSpace(msg), 1)
	}
	s = graphQLBody.ReplaceAllString(s, "GitHub answered $1")
	return errtext.OneLine(s)
}

// goGitHubPrefix and goGitHubErrors match what go-github's ErrorResponse
// puts around GitHub's message ("POST https://...: 422 Validation Failed
// []"), for reasons that reach cmd only as text (a queued person's).
var (
	goGitHubPrefix = regexp.MustCompile(`\b(GET|POST|PUT|PATCH|DELETE) https?://\S+: (\d{3}) `)
	goGitHubErrors = regexp.MustCompile(` \[\]`)
)

// cleanReason takes URLs and go-github's empty error list out of a reason
// that quotes an error.
func cleanReason(s string) string {
	s = goGitHubPrefix.ReplaceAllString(s, "GitHub answered $2 ")
	s = goGitHubErrors.ReplaceAllString(s, "")
	return graphQLBody.ReplaceAllString(s, "GitHub answered $1")
}

// cleanReasons applies cleanReason to every person in a report.
func cleanReasons(r *reconcile.Report) {
	for _, l := range [][]reconcile.Entry{r.Invited, r.Welcomed, r.Members, r.Pending, r.Queued, r.Counting, r.Skipped} {
		for i := range l {
			l[i].Reason = cleanReason(l[i].Reason)
		}
	}
	for i, w := range r.Warnings {
		r.Warnings[i] = cleanReason(w)
	}
}

// exitCode picks the one code for several failures: an interruption, then
// refused credentials, then any failure.
func exitCode(fs []failure) int {
	code := ExitOK
	rank := map[int]int{ExitOK: 0, ExitError: 1, ExitUsage: 2, ExitAuth: 3, ExitInterrupted: 4}
	for _, f := range fs {
		if rank[f.Code] > rank[code] {
			code = f.Code
		}
	}
	return code
}

package report

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/errtext"
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

// doctorHint ends every message about credentials: doctor says the rest
// (which scopes, which permissions, which organization).
const doctorHint = "snekomatic doctor says what it needs"

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
		return "no credentials: set GH_TOKEN (e.g. to $(gh auth token)), or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY; " + doctorHint
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("GitHub refused the token from %s (%d %s): set a valid one; %s", e.Var, e.Status, errtext.OneLine(msg), doctorHint)
}

// Refusals says whether GitHub refused the token, and what it said
// (*ghsession.Session).
type Refusals interface {
	Refused() (msg string, ok bool)
}

// Auth is what the words need to know of how snekomatic authenticated.
type Auth struct {
	// App: as a GitHub App; otherwise with a token, from TokenVar.
	App      bool
	TokenVar string
	// Watch, if set, knows whether GitHub refused the token.
	Watch Refusals
}

func (a Auth) refused() (string, bool) {
	if a.App || a.Watch == nil {
		return "", false
	}
	return a.Watch.Refused()
}

func (a Auth) tokenVar() string {
	if a.TokenVar == "" {
		return "GITHUB_TOKEN"
	}
	return a.TokenVar
}

// Failure is one error, said once, in words a person can act on.
type Failure struct {
	Org  string
	Msg  string
	Code int
}

// Line is the failure as stderr and the run's error list say it:
// "org: what is wrong: what to do".
func (f Failure) Line() string {
	if f.Org == "" {
		return f.Msg
	}
	return f.Org + ": " + f.Msg
}

// Explain is the one place an error becomes words: one line that says what
// is wrong and what to do, and the exit code it deserves. It classifies by
// type and status, never by an error's text; the line it writes has no
// URL, no transport chain and no response body.
func Explain(ctx context.Context, err error, org string, a Auth) Failure {
	f := Failure{Org: org, Code: ExitError}
	var (
		cred *CredentialsError
		app  *ghapp.AuthError
		gql  *ghtransport.GraphQLError
		dns  *net.DNSError
		uerr *url.Error
		op   *net.OpError
		// notFound comes from the owner check (REST), NOT_FOUND from the
		// search (GraphQL): the same fact, said the same way.
		notFound *ghsession.OrgNotFoundError
	)
	_, sawRefusal := a.refused()
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, ghtransport.ErrNotSent):
		f.Code, f.Msg = ExitInterrupted, "interrupted: stopped before finishing; what was done is saved and the next run continues from there"
	case errors.As(err, &cred):
		f.Code, f.Msg = ExitAuth, cred.Error()
	case errors.As(err, &app):
		f.Code, f.Msg = ExitAuth, app.Error()
	case sawRefusal || status(err) == http.StatusUnauthorized || errors.Is(err, reconcile.ErrCredentialsRefused) && !a.App:
		f.Code, f.Msg = ExitAuth, refusedToken(err, a).Error()
	case errors.As(err, &gql) && gql.Type == "NOT_FOUND" && org != "", errors.As(err, &notFound):
		f.Msg = fmt.Sprintf("the organization %s does not exist or %s cannot see it: check --org; snekomatic doctor --org %s says more", org, who(a), org)
	case status(err) == http.StatusForbidden || errors.Is(err, reconcile.ErrForbidden),
		errors.As(err, &gql) && (gql.Type == "FORBIDDEN" || gql.Type == "INSUFFICIENT_SCOPES"):
		f.Msg = Text(err) + ": " + permissionAdvice(a, org)
	case errors.As(err, &dns):
		f.Msg = fmt.Sprintf("cannot reach %s (the name does not resolve): check the network or --api-url", dns.Name)
	case errors.As(err, &op) && op.Op == "dial":
		f.Msg = fmt.Sprintf("cannot reach %s (%s): check the network or --api-url", hostOf(err, op.Addr), cause(op))
	case errors.As(err, &uerr) && uerr.Timeout():
		f.Msg = fmt.Sprintf("%s did not answer in time: check the network or --api-url", hostOf(err, nil))
	default:
		f.Msg = Text(err)
	}
	return f
}

// refusedToken is the CredentialsError for a token GitHub refused, with
// GitHub's own message when there is one.
func refusedToken(err error, a Auth) *CredentialsError {
	msg, _ := a.refused()
	var ger *github.ErrorResponse
	if errors.As(err, &ger) && ger.Message != "" {
		msg = ger.Message
	}
	return &CredentialsError{Var: a.tokenVar(), Status: http.StatusUnauthorized, Message: msg}
}

func who(a Auth) string {
	if a.App {
		return "these credentials"
	}
	return "the token from " + a.tokenVar()
}

// permissionAdvice says what to grant when GitHub refused an action for
// lack of permission.
func permissionAdvice(a Auth, org string) string {
	if a.App {
		return fmt.Sprintf("the App's installation on %s lacks a permission; snekomatic doctor --org %s says which", org, org)
	}
	return fmt.Sprintf("%s lacks a permission in %s; snekomatic doctor --org %s says which", who(a), org, org)
}

// status is the HTTP status of the answer err reports, or 0.
func status(err error) int {
	var ger *github.ErrorResponse
	if errors.As(err, &ger) && ger.Response != nil {
		return ger.Response.StatusCode
	}
	var s interface{ HTTPStatus() int }
	if errors.As(err, &s) {
		return s.HTTPStatus()
	}
	return 0
}

// cause is what an error wraps, or its own text when it wraps nothing.
func cause(err error) string {
	if u := errors.Unwrap(err); u != nil {
		return errtext.OneLine(u.Error())
	}
	return errtext.OneLine(err.Error())
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

// Text is err's own words on one line. The errors that would put a URL or
// a response body in them are replaced by what they say, by type: a
// *url.Error by its cause, go-github's *ErrorResponse by GitHub's status
// and message.
func Text(err error) string {
	s := err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		s = strings.Replace(s, uerr.Error(), uerr.Err.Error(), 1)
	}
	var ger *github.ErrorResponse
	if errors.As(err, &ger) && ger.Response != nil {
		msg := fmt.Sprintf("GitHub answered %d %s", ger.Response.StatusCode, ger.Message)
		s = strings.Replace(s, ger.Error(), msg, 1)
	}
	return errtext.OneLine(s)
}

// SayOnce keeps the first of identical failures, and says an interruption
// or a refused credential (which are not about one organization) only once.
func SayOnce(fs []Failure) []Failure {
	var out []Failure
	global := map[int]bool{}
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Code == ExitInterrupted || f.Code == ExitAuth {
			if global[f.Code] {
				continue
			}
			global[f.Code] = true
			f.Org = ""
		}
		if seen[f.Line()] {
			continue
		}
		seen[f.Line()] = true
		out = append(out, f)
	}
	return out
}

// ExitCode picks the one code for several failures: an interruption, then
// refused credentials, then any failure.
func ExitCode(fs []Failure) int {
	code := ExitOK
	rank := map[int]int{ExitOK: 0, ExitError: 1, ExitUsage: 2, ExitAuth: 3, ExitInterrupted: 4}
	for _, f := range fs {
		if rank[f.Code] > rank[code] {
			code = f.Code
		}
	}
	return code
}

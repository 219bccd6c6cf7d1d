package ghapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/reconcile"
)

// refusedForRate: GitHub refused the request for a rate limit (primary or
// secondary), or ghtransport gave up waiting one out, so nothing was done.
func refusedForRate(err error) bool {
	var rl *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var waited *ghtransport.RateLimitError
	return errors.As(err, &rl) || errors.As(err, &abuse) || errors.As(err, &waited)
}

// classifyInviteError turns GitHub's answers to POST /orgs/{org}/invitations
// into reconcile's errors. The endpoint documents 201, 404 and 422. A 422
// carries "errors", each with a field and a code (go-github's
// ErrorResponse.Errors); those decide first, and the message only breaks a
// tie between refusals that share a field ("data": already a member,
// already invited, over the invitation rate limit).
//
//   - field team_ids: a configured team is gone: terminal;
//   - field role: the configured role is refused: terminal;
//   - field invitee_id (not missing_field), a 404, or a 422 "Invalid
//     invitee_id" without errors: the invitee is unknown (ErrNoSuchUser,
//     which the caller confirms with GET /user/{id} before believing);
//   - 401 and 403 (not a rate limit): the credentials: terminal.
//
// Any failure without a definite answer (a timeout, a dropped connection, a
// 5xx) may have happened after GitHub created the invitation, so it is
// marked reconcile.ErrMaybeSent and never simply retried.
func classifyInviteError(err error) error {
	var er *github.ErrorResponse
	switch {
	case refusedForRate(err):
		return err // refused before anything was done
	case errors.Is(err, ghtransport.ErrNotSent):
		return fmt.Errorf("%w: %w", reconcile.ErrNotSent, err) // stopped before it went
	case !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode >= 500:
		return fmt.Errorf("%w: %w", reconcile.ErrMaybeSent, shortError(err))
	}
	switch er.Response.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return restError(err)
	case http.StatusNotFound:
		return fmt.Errorf("%w: %v", reconcile.ErrNoSuchUser, shortError(err))
	case http.StatusUnprocessableEntity:
	default:
		return shortError(err)
	}
	for _, e := range er.Errors {
		switch strings.ToLower(e.Field) {
		case "team_ids":
			return reconcile.Terminal(fmt.Errorf("%w: %w", reconcile.ErrTeamRefused, shortError(err)))
		case "role":
			return reconcile.Terminal(fmt.Errorf("GitHub refused the configured role: %v", shortError(err)))
		case "invitee_id":
			if e.Code != "missing_field" {
				return fmt.Errorf("%w: %v", reconcile.ErrNoSuchUser, shortError(err))
			}
		}
	}
	msgs := []string{er.Message}
	for _, e := range er.Errors {
		msgs = append(msgs, e.Message)
	}
	text := strings.ToLower(strings.Join(msgs, " | "))
	switch {
	case strings.Contains(text, "already a part of") || strings.Contains(text, "already a member"):
		return fmt.Errorf("%w: %v", reconcile.ErrAlreadyMember, shortError(err))
	case strings.Contains(text, "already been invited") || strings.Contains(text, "already invited"):
		return fmt.Errorf("%w: %v", reconcile.ErrAlreadyInvited, shortError(err))
	case strings.Contains(text, "invitation rate limit"):
		return fmt.Errorf("%w: %v", reconcile.ErrInvitationLimit, shortError(err))
	case len(er.Errors) == 0 && strings.Contains(text, "invitee"):
		// "Invalid invitee_id", sent without an errors list.
		return fmt.Errorf("%w: %v", reconcile.ErrNoSuchUser, shortError(err))
	}
	return shortError(err)
}

// msgArchived is GitHub's message refusing a write to an archived
// repository, which is read-only ("Archiving repositories":
// https://docs.github.com/repositories/archiving-a-github-repository/archiving-repositories,
// "its issues, pull requests, ... comments ... become read-only").
const msgArchived = "Repository was archived so is read-only."

// classifyCommentError turns GitHub's answers to
// POST /repos/{owner}/{repo}/issues/{issue_number}/comments (documented:
// 201, 403, 404, 410, 422) into reconcile's errors. A 403 is read by what
// it says, as the endpoint's 403 has more than one cause:
//
//   - "Repository was archived so is read-only." is a fact about that one
//     repository: reconcile.ErrCannotComment, and nobody else's welcome
//     stops for it; so is 410 Gone;
//   - any other 403 (not a rate limit), and 401: the credentials, terminal
//     (restError);
//   - no answer, or a 5xx: the comment may have been posted
//     (reconcile.ErrMaybeSent), so it is looked for before posting again.
func classifyCommentError(err error) error {
	var er *github.ErrorResponse
	switch {
	case refusedForRate(err):
		return err // refused before anything was done
	case !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode >= 500:
		return fmt.Errorf("%w: %w", reconcile.ErrMaybeSent, shortError(err))
	case er.Response.StatusCode == http.StatusForbidden && strings.EqualFold(strings.TrimSpace(er.Message), msgArchived):
		return fmt.Errorf("%w: the repository is archived, so read-only (GitHub answered 403 %q)", reconcile.ErrCannotComment, msgArchived)
	case er.Response.StatusCode == http.StatusGone:
		return fmt.Errorf("%w: %w", reconcile.ErrCannotComment, shortError(err))
	}
	return restError(err)
}

// restError marks the answers that no retry cures: 401 (the credentials
// were refused, for instance a token revoked during the run) and 403
// without a rate limit (a permission is missing). Others pass through,
// shortened (shortError).
func restError(err error) error {
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &abuse) {
		return err
	}
	if !errors.As(err, &er) || er.Response == nil {
		return shortError(err)
	}
	switch er.Response.StatusCode {
	case http.StatusUnauthorized:
		return reconcile.Terminal(fmt.Errorf("%w: %w", reconcile.ErrCredentialsRefused, shortError(err)))
	case http.StatusForbidden:
		return reconcile.Terminal(fmt.Errorf("%w: %w", reconcile.ErrForbidden, shortError(err)))
	}
	return shortError(err)
}

// maxExcerpt is how much of an answer's body an error may carry: enough to
// recognise it, never a whole HTML page.
const maxExcerpt = 100

// excerpt is the start of s on one line, at most maxExcerpt characters.
func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxExcerpt {
		return s
	}
	return string([]rune(s)[:maxExcerpt]) + "…"
}

// shortError is a REST error as one short line, typed: go-github's
// ErrorResponse (whose text holds the method, the URL and GitHub's whole
// message, which a proxy's error page can make arbitrarily long) becomes
// a StatusError with the status and the start of the message; a
// *url.Error (whose text holds the URL) a TransportError. Others pass
// unchanged.
func shortError(err error) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		se := &StatusError{Excerpt: excerpt(er.Message), err: err}
		if er.Response != nil {
			se.Status = er.Response.StatusCode
		}
		return se
	}
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		return &TransportError{err: uerr}
	}
	return err
}

// StatusError is an unexpected HTTP answer, with at most the first
// maxExcerpt characters of its body (or of GitHub's message).
type StatusError struct {
	Status  int
	Excerpt string
	err     error
}

func (e *StatusError) Error() string {
	if e.Status == 0 {
		return "GitHub answered: " + e.Excerpt
	}
	msg := "GitHub answered " + strconv.Itoa(e.Status)
	t := http.StatusText(e.Status)
	if t != "" {
		msg += " " + t
	}
	if e.Excerpt != "" && e.Excerpt != t {
		msg += ": " + e.Excerpt
	}
	return msg
}

// HTTPStatus is the answer's status, for callers that classify by it.
func (e *StatusError) HTTPStatus() int { return e.Status }

// Unwrap lets errors.As still find the go-github error underneath.
func (e *StatusError) Unwrap() error { return e.err }

// TransportError is a request that got no answer (a refused connection, a
// timeout, an interruption), said without the URL *url.Error puts in front.
type TransportError struct{ err *url.Error }

func (e *TransportError) Error() string { return e.err.Err.Error() }

// Unwrap returns the *url.Error, so that errors.As and errors.Is see what
// it wraps (a *net.OpError, context.Canceled, ghtransport.ErrNotSent).
func (e *TransportError) Unwrap() error { return e.err }

// graphQLError is a GraphQL query's error as one short line, typed: an
// answer that was not 200 OK is the StatusError statusTypes made of it
// (without githubv4's URL in front), with a 401 marked terminal; a
// failure without an answer is a TransportError.
func graphQLError(err error) error {
	if err == nil {
		return nil
	}
	var se *StatusError
	if !errors.As(err, &se) {
		return shortError(err)
	}
	if se.Status == http.StatusUnauthorized {
		return reconcile.Terminal(fmt.Errorf("%w: %w", reconcile.ErrCredentialsRefused, se))
	}
	return se
}

// statusTypes turns a GraphQL answer that is not 200 OK into a StatusError
// where the response is still at hand, so that the status is known as a
// value: githubv4 (through shurcooL/graphql) would only format it, with
// the whole body, into the text of an untyped error.
// Its client is githubv4's alone, so every request it sees is GraphQL.
type statusTypes struct{ base http.RoundTripper }

var _ http.RoundTripper = (*statusTypes)(nil)

func (t *statusTypes) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode == http.StatusOK {
		return resp, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4*maxExcerpt))
	return nil, &StatusError{Status: resp.StatusCode, Excerpt: excerpt(string(body))}
}

// withStatusTypes is a copy of c with statusTypes over its transport, for
// githubv4.
func withStatusTypes(c *http.Client) *http.Client {
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	typed := *c
	typed.Transport = &statusTypes{base: base}
	return &typed
}

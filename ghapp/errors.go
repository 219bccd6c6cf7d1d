package ghapp

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// AuthError means GitHub refused the App's own credentials, its JWT: the
// App id is wrong, the private key belongs to another App (or was
// revoked), or this machine's clock is far enough off that the JWT looks
// expired or not yet valid.
type AuthError struct {
	// Status is the HTTP status, 401.
	Status int
	// Message is GitHub's message, e.g. "A JSON web token could not be
	// decoded" or "Integration not found", cut to one line.
	Message string
}

// Error names the problem and what to check, without any secret.
func (e *AuthError) Error() string {
	return fmt.Sprintf("GitHub refused the App's credentials (%d %s): check the App id, that the private key belongs to this App, and this machine's clock",
		e.Status, e.Message)
}

// InstallationError means an installation access token could not be had
// because of the installation: it does not exist or belongs to another App
// (404), or it is suspended (403).
type InstallationError struct {
	// InstallationID is the installation asked for.
	InstallationID int64
	// Status is the HTTP status, 404 or 403.
	Status int
	// Message is GitHub's message, cut to one line.
	Message string
}

// Error names the installation and GitHub's answer.
func (e *InstallationError) Error() string {
	if e.Status == http.StatusNotFound {
		return fmt.Sprintf("GitHub App installation %d not found (%d %s): check the installation id and that it belongs to this App",
			e.InstallationID, e.Status, e.Message)
	}
	return fmt.Sprintf("GitHub App installation %d refused a token (%d %s)", e.InstallationID, e.Status, e.Message)
}

// ResponseError is any other unexpected answer to an App request (a 5xx,
// a rate limit, a body that is not what GitHub sends).
type ResponseError struct {
	// Op says what was asked, e.g. "list the App's installations".
	Op string
	// Status is the HTTP status (0 if the status was fine but the body
	// was not).
	Status int
	// Message is GitHub's message or what was wrong with the body, cut
	// to one line.
	Message string
}

// Error names the operation and GitHub's answer.
func (e *ResponseError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s: %s", e.Op, e.Message)
	}
	return fmt.Sprintf("%s: GitHub answered %d %s", e.Op, e.Status, e.Message)
}

// responseMessage reads GitHub's "message" from an error response (at most
// 64 KiB of it), closes the body, and returns the message scrubbed; it
// falls back to the status text.
func responseMessage(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var body struct {
		Message string `json:"message"`
	}
	msg := ""
	if json.Unmarshal(b, &body) == nil {
		msg = scrub(body.Message)
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return msg
}

// credential matches things shaped like secrets: JWTs (three base64url
// parts, the first starting with the encoding of `{"`), GitHub tokens
// (ghs_, ghp_, gho_, ghu_, ghr_, github_pat_) and PEM bodies.
var credential = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*|\bgh[pousr]_[A-Za-z0-9_]+|\bgithub_pat_[A-Za-z0-9_]+|-----BEGIN[^-]*-----[^-]*`)

// scrub makes text from a response safe and short for an error message:
// the first line only, credentials redacted, at most 120 characters (room for the longest
// message GitHub sends about a JWT, never for a whole page).
func scrub(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = credential.ReplaceAllString(strings.TrimSpace(s), "[REDACTED]")
	return truncate(s, 120)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

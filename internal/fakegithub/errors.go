package fakegithub

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Messages the fake puts in error bodies. Tests may compare against these
// constants instead of repeating the strings.
const (
	// MsgNotFound is the message of every REST 404.
	MsgNotFound = "Not Found"
	// MsgBadCredentials is the REST and GraphQL 401 message for an unknown token.
	MsgBadCredentials = "Bad credentials"
	// MsgRequiresAuthentication is the REST 401 message when no token is sent.
	MsgRequiresAuthentication = "Requires authentication"
	// MsgGraphQLRequiresAuthentication is the GraphQL 401 message when no token is sent.
	MsgGraphQLRequiresAuthentication = "This endpoint requires you to be authenticated."
	// MsgValidationFailed is the top-level message of every REST 422.
	MsgValidationFailed = "Validation Failed"
	// MsgProblemsParsingJSON is the REST 400 message for a body that is not JSON.
	MsgProblemsParsingJSON = "Problems parsing JSON"
	// MsgNotAccessibleByToken is the 403 message for a write to an
	// organization that the token is not allowed to touch (see AddToken).
	MsgNotAccessibleByToken = "Resource not accessible by personal access token"
	// MsgMustBeOwner is the 403 message for an invitation created with the
	// token of a user who is not an owner of the organization.
	MsgMustBeOwner = "You must be an organization owner to create invitations."
	// MsgArchived is the 403 message for a write to an archived repository:
	// "its issues, pull requests, ... comments ... become read-only"
	// (https://docs.github.com/repositories/archiving-a-github-repository/archiving-repositories);
	// POST /repos/{owner}/{repo}/issues/{issue_number}/comments documents a 403.
	MsgArchived = "Repository was archived so is read-only."

	// MsgAlreadyMember is the errors[].message of the 422 answered to
	// POST /orgs/{org}/invitations when the invitee is already a member.
	MsgAlreadyMember = "Invitee is already a part of this organization"
	// MsgAlreadyInvited is the errors[].message of the 422 answered to
	// POST /orgs/{org}/invitations when the invitee (by id or by email)
	// already has a pending invitation.
	MsgAlreadyInvited = "Invitee has already been invited"
	// MsgInviteeNotFound is the errors[].message of the 422 answered to
	// POST /orgs/{org}/invitations when invitee_id names no live user
	// (unknown, deleted, a bot, a mannequin or an organization).
	MsgInviteeNotFound = "Invitee does not exist"
	// MsgInvalidInviteeID is the message of the 422, without an errors
	// list, answered to POST /orgs/{org}/invitations for a deleted account.
	MsgInvalidInviteeID = "Invalid invitee_id"
	// MsgInvalidRole is the errors[].message of the 422 for an unknown role.
	MsgInvalidRole = "role is not included in the list"
	// MsgInviteeRequired is the errors[].message of the 422 when neither
	// invitee_id nor email is given.
	MsgInviteeRequired = "invitee_id or email must be provided"
	// MsgUnknownTeam is the errors[].message of the 422 for team_ids naming
	// teams the organization does not have (see AddTeam).
	MsgUnknownTeam = "team_ids contains a team that does not exist"
)

// Documentation URLs of errors outside any one REST route; a route's own
// is in its row of restRoutes (routes.go).
const (
	docREST        = "https://docs.github.com/rest"
	docGraphQL     = "https://docs.github.com/graphql"
	docRateLimit   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	docGraphQLAuth = "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"
)

// FieldError is one entry of the "errors" array of a REST 422 body.
type FieldError struct {
	// Resource is the kind of object, e.g. "OrganizationInvitation".
	Resource string `json:"resource"`
	// Code is GitHub's error code: "invalid", "missing_field",
	// "unprocessable", "already_exists", "custom", ...
	Code string `json:"code"`
	// Field is the offending request field.
	Field string `json:"field"`
	// Message is the human-readable detail (see the Msg constants).
	Message string `json:"message,omitempty"`
}

// restError is the body of every REST error response.
type restError struct {
	Message          string       `json:"message"`
	Errors           []FieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
	Status           string       `json:"status"`
}

// WriteJSON writes v as a JSON response with GitHub's content type. It is
// exported for middlewares (fault injection) that answer on the fake's
// behalf.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // GitHub does not escape <, > and &
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// WriteError writes a GitHub-shaped REST error body:
// {"message":...,"documentation_url":...,"status":"404"}. An empty docURL
// becomes the generic REST documentation URL.
func WriteError(w http.ResponseWriter, status int, message, docURL string) {
	if docURL == "" {
		docURL = docREST
	}
	WriteJSON(w, status, restError{Message: message, DocumentationURL: docURL, Status: strconv.Itoa(status)})
}

// WriteValidationFailed writes a GitHub-shaped 422 "Validation Failed" body
// carrying the given field errors.
func WriteValidationFailed(w http.ResponseWriter, docURL string, errs ...FieldError) {
	if docURL == "" {
		docURL = docREST
	}
	WriteJSON(w, http.StatusUnprocessableEntity, restError{
		Message:          MsgValidationFailed,
		Errors:           errs,
		DocumentationURL: docURL,
		Status:           "422",
	})
}

func writeNotFound(w http.ResponseWriter, docURL string) {
	WriteError(w, http.StatusNotFound, MsgNotFound, docURL)
}

// GraphQLError is one entry of the "errors" array of a GraphQL response, in
// GitHub's shape: GitHub adds a top-level "type" (NOT_FOUND, FORBIDDEN,
// RATE_LIMITED, EXCESSIVE_PAGINATION, ...) next to the standard fields.
type GraphQLError struct {
	// Type is GitHub's error type (NOT_FOUND, FORBIDDEN, RATE_LIMITED, ...);
	// empty for validation errors.
	Type string `json:"type,omitempty"`
	// Path is the response path of the failing field.
	Path []any `json:"path,omitempty"`
	// Extensions carries graphql-ruby's details (code, typeName, ...).
	Extensions map[string]any `json:"extensions,omitempty"`
	// Locations point into the document.
	Locations []Location `json:"locations,omitempty"`
	// Message is the error text.
	Message string `json:"message"`
}

// Location is a line/column pair in a GraphQL document (1-based).
type Location struct {
	// Line is 1-based.
	Line int `json:"line"`
	// Column is 1-based.
	Column int `json:"column"`
}

// Error implements error.
func (e *GraphQLError) Error() string { return e.Message }

// WriteGraphQLErrors writes an HTTP 200 GraphQL response carrying only
// errors (no "data"), the way GitHub answers documents it refuses to run.
func WriteGraphQLErrors(w http.ResponseWriter, errs ...*GraphQLError) {
	WriteJSON(w, http.StatusOK, map[string]any{"errors": errs})
}

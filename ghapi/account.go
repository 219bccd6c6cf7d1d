package ghapi

import (
	"context"
	"net/http"
	"strings"
)

// The reads of accounts: who the credentials are and what they may do
// (for the command line: doctor and the owner check of a personal token),
// and whether an account exists (for reconcile, before it records an
// invitee as gone).

// TokenUser reads the token's user (GET /user). scopes are the classic
// OAuth scopes GitHub lists for the token in X-OAuth-Scopes; it lists none
// for fine-grained and installation tokens.
func (c *Client) TokenUser(ctx context.Context) (login string, scopes []string, err error) {
	u, resp, err := c.rest.Users.Get(ctx, "")
	if err != nil {
		return "", nil, restError(err)
	}
	if s := resp.Header.Get("X-OAuth-Scopes"); s != "" {
		scopes = strings.Split(strings.ReplaceAll(s, " ", ""), ",")
	}
	return u.GetLogin(), scopes, nil
}

// OrgMembership reads login's membership of org
// (GET /orgs/{org}/memberships/{username}): its state ("active" or
// "pending") and role ("admin" for an owner, "member"). found is false when
// GitHub answers 404, which it does alike for someone who is not a member
// and for an organization these credentials cannot see (OrgExists tells
// them apart).
func (c *Client) OrgMembership(ctx context.Context, org, login string) (state, role string, found bool, err error) {
	m, _, err := c.rest.Organizations.GetOrgMembership(ctx, login, org)
	switch {
	case isStatus(err, http.StatusNotFound):
		return "", "", false, nil
	case err != nil:
		return "", "", false, restError(err)
	}
	return m.GetState(), m.GetRole(), true, nil
}

// OrgExists reports whether org exists and these credentials can see it
// (GET /orgs/{org}): false only when GitHub answers 404.
func (c *Client) OrgExists(ctx context.Context, org string) (bool, error) {
	_, _, err := c.rest.Organizations.Get(ctx, org)
	return exists(err)
}

// UserExists implements reconcile.UserReader with GET /user/{account_id}:
// false only when GitHub answers 404.
func (c *Client) UserExists(ctx context.Context, id int64) (bool, error) {
	_, _, err := c.rest.Users.GetByID(ctx, id)
	return exists(err)
}

// exists reads the answer to a GET of one thing: it exists, unless GitHub
// answered 404; any other failure says nothing either way.
func exists(err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case isStatus(err, http.StatusNotFound):
		return false, nil
	}
	return false, restError(err)
}

package cmd

import (
	"context"
	"fmt"

	"github.com/python-trio/snekomatic/ghapi"
)

// ownerCheck is what a personal token's user is in an organization, for
// deciding whether it may invite: GitHub lets only organization owners
// create invitations
// (https://docs.github.com/rest/orgs/members#create-an-organization-invitation).
type ownerCheck struct {
	Login string
	// Owner is set when the user is an active owner (role "admin").
	Owner bool
	// Why says, when not Owner, what the user is instead.
	Why string
}

// checkOwner reads the user's membership of org (one request, and one
// more when GitHub answers 404).
func checkOwner(ctx context.Context, c *ghapi.Client, login, org string) (ownerCheck, error) {
	oc := ownerCheck{Login: login}
	st, role, found, err := c.OrgMembership(ctx, org, login)
	switch {
	case err != nil:
		return oc, fmt.Errorf("read %s's membership of %s: %w", login, org, err)
	case !found:
		// GitHub answers 404 alike for a stranger and for an organization
		// that does not exist (or that the token cannot see); one more read,
		// only on this path, tells which.
		if exists, oerr := c.OrgExists(ctx, org); oerr == nil && !exists {
			return oc, &orgNotFoundError{Org: org}
		}
		oc.Why = fmt.Sprintf("%s is not a member of %s", login, org)
	case st == "active" && role == "admin":
		oc.Owner = true
	default:
		oc.Why = fmt.Sprintf("%s is %s %s of %s", login, st, role, org)
	}
	return oc, nil
}

// tokenLogin returns the token's user, read once per run (GET /user) and
// shared by every organization.
func (s *session) tokenLogin(ctx context.Context, c *ghapi.Client) (string, error) {
	// Not s.mu: the request below may build the token's transport stack,
	// which reads the state under s.mu.
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	if s.login != "" {
		return s.login, nil
	}
	login, _, err := c.TokenUser(ctx)
	if err != nil {
		return "", fmt.Errorf("read the token's user: %w", err)
	}
	s.login = login
	return s.login, nil
}

// NotOwnerError is why an organization is not acted on in token mode: the
// token's user may not invite there. Nothing was sent.
type NotOwnerError struct {
	Org, Login, Why string
}

func (e *NotOwnerError) Error() string {
	return fmt.Sprintf("%s: only organization owners can invite; use an owner's token, or a GitHub App with Organization members: Read & write", e.Why)
}

// mayInvite checks, before anything is sent to org in token mode, that the
// token's user is an owner there.
func (s *session) mayInvite(ctx context.Context, c *ghapi.Client, org string) error {
	login, err := s.tokenLogin(ctx, c)
	if err != nil {
		return err
	}
	oc, err := checkOwner(ctx, c, login, org)
	if err != nil {
		return err
	}
	if !oc.Owner {
		return &NotOwnerError{Org: org, Login: login, Why: oc.Why}
	}
	return nil
}

// orgNotFoundError: GitHub knows no organization of that name, or will not
// show it to these credentials.
type orgNotFoundError struct{ Org string }

func (e *orgNotFoundError) Error() string {
	return fmt.Sprintf("the organization %s does not exist or cannot be seen", e.Org)
}

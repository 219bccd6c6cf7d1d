package ghsession

import (
	"context"
	"fmt"
)

// Account is what the owner check reads of GitHub (*ghapi.Client).
type Account interface {
	// TokenUser is the token's user (GET /user).
	TokenUser(ctx context.Context) (login string, scopes []string, err error)
	// OrgMembership is a user's membership of an organization.
	OrgMembership(ctx context.Context, org, login string) (state, role string, found bool, err error)
	// OrgExists says whether GitHub shows the organization.
	OrgExists(ctx context.Context, org string) (bool, error)
}

// OwnerCheck is what a personal token's user is in an organization, for
// deciding whether it may invite: GitHub lets only organization owners
// create invitations
// (https://docs.github.com/rest/orgs/members#create-an-organization-invitation).
type OwnerCheck struct {
	Login string
	// Owner is set when the user is an active owner (role "admin").
	Owner bool
	// Why says, when not Owner, what the user is instead.
	Why string
}

// CheckOwner reads the user's membership of org (one request, and one
// more when GitHub answers 404).
func CheckOwner(ctx context.Context, c Account, login, org string) (OwnerCheck, error) {
	oc := OwnerCheck{Login: login}
	st, role, found, err := c.OrgMembership(ctx, org, login)
	switch {
	case err != nil:
		return oc, fmt.Errorf("read %s's membership of %s: %w", login, org, err)
	case !found:
		// GitHub answers 404 alike for a stranger and for an organization
		// that does not exist (or that the token cannot see); one more read,
		// only on this path, tells which.
		if exists, oerr := c.OrgExists(ctx, org); oerr == nil && !exists {
			return oc, &OrgNotFoundError{Org: org}
		}
		oc.Why = fmt.Sprintf("%s is not a member of %s", login, org)
	case st == "active" && role == "admin":
		oc.Owner = true
	default:
		oc.Why = fmt.Sprintf("%s is %s %s of %s", login, st, role, org)
	}
	return oc, nil
}

// tokenLogin returns the token's user, read once per session (GET /user)
// and shared by every organization.
func (s *Session) tokenLogin(ctx context.Context, c Account) (string, error) {
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

// MayInvite checks, before anything is sent to org in token mode, that the
// token's user is an owner there (c is the organization's target's
// client). Token mode only: an installation token has no user.
func (s *Session) MayInvite(ctx context.Context, c Account, org string) error {
	login, err := s.tokenLogin(ctx, c)
	if err != nil {
		return err
	}
	oc, err := CheckOwner(ctx, c, login, org)
	if err != nil {
		return err
	}
	if !oc.Owner {
		return &NotOwnerError{Org: org, Login: login, Why: oc.Why}
	}
	return nil
}

// OrgNotFoundError: GitHub knows no organization of that name, or will not
// show it to these credentials.
type OrgNotFoundError struct{ Org string }

func (e *OrgNotFoundError) Error() string {
	return fmt.Sprintf("the organization %s does not exist or cannot be seen", e.Org)
}

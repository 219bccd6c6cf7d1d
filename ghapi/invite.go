package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/ghtransport"

	"github.com/python-trio/snekomatic/reconcile"
)

// SendInvitation implements reconcile.Inviter with
// POST /orgs/{org}/invitations. (PUT /orgs/{org}/memberships/{user} would
// also invite, but for someone who is already an owner it silently changes
// their role, so it is never used.)
func (c *Client) SendInvitation(ctx context.Context, org string, userID int64, opts reconcile.InviteOptions) error {
	role := opts.Role
	if role == "" {
		role = reconcile.RoleDirectMember
	}
	req := &github.CreateOrgInvitationOptions{InviteeID: github.Ptr(userID), Role: github.Ptr(role)}
	if len(opts.TeamIDs) > 0 {
		req.TeamID = opts.TeamIDs
	}
	_, _, err := c.rest.Organizations.CreateOrgInvitation(ctx, org, req)
	if err != nil {
		return classifyInviteError(err)
	}
	return nil
}

// classifyInviteError turns GitHub's refusals that are really outcomes into
// reconcile's sentinel errors. GitHub answers all of them with the same 422
// status and no machine-readable code, so the message is the only thing that
// tells them apart.
//
// Any failure without a definite 4xx answer (a timeout, a dropped
// connection, a 5xx) may have happened after GitHub created the invitation,
// so it is marked reconcile.ErrMaybeSent and never simply retried.
func classifyInviteError(err error) error {
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var waited *ghtransport.RateLimitError
	switch {
	case errors.As(err, &rl), errors.As(err, &abuse), errors.As(err, &waited):
		return err // refused before anything was done
	case !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode >= 500:
		return fmt.Errorf("%w: %w", reconcile.ErrMaybeSent, err)
	case er.Response.StatusCode != http.StatusUnprocessableEntity:
		return err
	}
	msgs := []string{er.Message}
	for _, e := range er.Errors {
		msgs = append(msgs, e.Message)
	}
	text := strings.ToLower(strings.Join(msgs, " | "))
	switch {
	case strings.Contains(text, "already a part of") || strings.Contains(text, "already a member"):
		return fmt.Errorf("%w: %v", reconcile.ErrAlreadyMember, err)
	case strings.Contains(text, "already been invited") || strings.Contains(text, "already invited"):
		return fmt.Errorf("%w: %v", reconcile.ErrAlreadyInvited, err)
	case strings.Contains(text, "invitation rate limit"):
		return fmt.Errorf("%w: %v", reconcile.ErrInvitationLimit, err)
	case strings.Contains(text, "does not exist") || strings.Contains(text, "not found") || strings.Contains(text, "could not be found") ||
		strings.Contains(text, "invalid invitee_id"): // a deleted account: 422, no errors list
		return fmt.Errorf("%w: %v", reconcile.ErrNoSuchUser, err)
	}
	return err
}

// Comment implements reconcile.Inviter.
func (c *Client) Comment(ctx context.Context, repo string, number int, body string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	cm, _, err := c.rest.Issues.CreateComment(ctx, owner, name, number, &github.IssueComment{Body: github.Ptr(body)})
	if err != nil {
		return "", err
	}
	return cm.GetHTMLURL(), nil
}

// FindComment implements reconcile.Inviter by reading the pull request's
// comments, 100 a page.
func (c *Client) FindComment(ctx context.Context, repo string, number int, marker string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cms, resp, err := c.rest.Issues.ListComments(ctx, owner, name, number, opts)
		if err != nil {
			return "", err
		}
		for _, cm := range cms {
			if strings.Contains(cm.GetBody(), marker) {
				return cm.GetHTMLURL(), nil
			}
		}
		if resp.NextPage == 0 {
			return "", nil
		}
		opts.Page = resp.NextPage
	}
}

func splitRepo(repo string) (string, string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" {
		return "", "", fmt.Errorf("repository %q is not owner/name", repo)
	}
	return owner, name, nil
}

package ghapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v88/github"

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

// Comment implements reconcile.Inviter.
func (c *Client) Comment(ctx context.Context, repo string, number int, body string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	cm, _, err := c.rest.Issues.CreateComment(ctx, owner, name, number, &github.IssueComment{Body: github.Ptr(body)})
	if err != nil {
		return "", restError(err)
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
			return "", restError(err)
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

package ghapi

import (
	"context"
	"errors"
	"fmt"
	"github.com/python-trio/snekomatic/ghtransport"
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
	if opts.NoWelcome {
		ctx = ghtransport.WithoutFollowUp(ctx)
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
		return "", classifyCommentError(err)
	}
	return cm.GetHTMLURL(), nil
}

// SetSelf tells the client who snekomatic is on GitHub, for FindComment:
// self returns the login its comments are written by (the token's user, or
// the App's bot account, "SLUG[bot]"). It is called when first needed.
func (c *Client) SetSelf(self func(context.Context) (string, error)) {
	c.selfMu.Lock()
	defer c.selfMu.Unlock()
	c.self, c.selfLogin = self, ""
}

// author returns the login set with SetSelf, asked for once.
func (c *Client) author(ctx context.Context) (string, error) {
	c.selfMu.Lock()
	defer c.selfMu.Unlock()
	if c.selfLogin != "" {
		return c.selfLogin, nil
	}
	if c.self == nil {
		return "", errors.New("whose comments are snekomatic's is not known (no SetSelf): a marker cannot be trusted")
	}
	login, err := c.self(ctx)
	if err != nil {
		return "", fmt.Errorf("learn whose comments are snekomatic's: %w", err)
	}
	if login == "" {
		return "", errors.New("learn whose comments are snekomatic's: GitHub named no login")
	}
	c.selfLogin = login
	return login, nil
}

// maxRESTPages bounds the REST listings: 1,000 pages of 100 is far
// more than any pull request has comments, or any organization failed
// invitations.
const maxRESTPages = 1000

// FindComment implements reconcile.Inviter by reading the pull request's
// comments, 100 a page. A comment counts only when snekomatic's own
// identity (SetSelf) wrote it: anyone may write the marker into a comment
// of theirs. A Link to a page already read, or more than maxRESTPages
// pages, fails with reconcile.ErrEndlessPages.
func (c *Client) FindComment(ctx context.Context, repo string, number int, marker string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	self, err := c.author(ctx)
	if err != nil {
		return "", err
	}
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	pages := restPages{what: fmt.Sprintf("the comments on %s#%d", repo, number), max: maxRESTPages}
	for {
		cms, resp, err := c.rest.Issues.ListComments(ctx, owner, name, number, opts)
		if err != nil {
			return "", restError(err)
		}
		for _, cm := range cms {
			if strings.EqualFold(cm.GetUser().GetLogin(), self) && strings.Contains(cm.GetBody(), marker) {
				return cm.GetHTMLURL(), nil
			}
		}
		if resp.NextPage == 0 {
			return "", nil
		}
		if err := pages.next(opts.Page, resp.NextPage); err != nil {
			return "", err
		}
		opts.Page = resp.NextPage
	}
}

// restPages guards a REST listing that follows Link rel="next"
// (https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api)
// against a server whose next link never ends: to a page already read, or
// on past max pages.
type restPages struct {
	what string
	max  int
	seen map[int]bool
}

// next checks the step from page cur (0: the first, as page 1) to page to.
func (p *restPages) next(cur, to int) error {
	if p.seen == nil {
		p.seen = map[int]bool{}
	}
	p.seen[max(cur, 1)] = true
	switch {
	case p.seen[to]:
		return fmt.Errorf("%w: GitHub's listing of %s links on to page %d, which was already read", reconcile.ErrEndlessPages, p.what, to)
	case len(p.seen) >= p.max:
		return fmt.Errorf("%w: GitHub's listing of %s goes on past %d pages", reconcile.ErrEndlessPages, p.what, p.max)
	}
	return nil
}

func splitRepo(repo string) (string, string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" {
		return "", "", fmt.Errorf("repository %q is not owner/name", repo)
	}
	return owner, name, nil
}

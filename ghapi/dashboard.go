package ghapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/reconcile"
)

// The approval issue (reconcile.DashboardKeeper), through GitHub's REST
// issues endpoints (https://docs.github.com/rest/issues/issues).

// FindDashboard returns the newest issue in repo written by snekomatic's
// own identity (SetSelf) whose body holds marker, open or closed; nil when
// there is none. It reads one page: "List repository issues"
// (https://docs.github.com/rest/issues/issues#list-repository-issues)
// with creator (the user that created the issue) set to snekomatic's own
// login, state=all, newest first, 100 a page. The author is checked again
// on each issue: only snekomatic's own issue counts, as only its own
// comments do (FindComment), since anyone may type the marker.
func (c *Client) FindDashboard(ctx context.Context, repo, marker string) (*reconcile.Dashboard, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, err
	}
	self, err := c.author(ctx)
	if err != nil {
		return nil, err
	}
	opts := &github.IssueListByRepoOptions{Creator: self, State: "all", Sort: "created", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: 100}}
	issues, _, err := c.rest.Issues.ListByRepo(ctx, owner, name, opts)
	if err != nil {
		return nil, restError(err)
	}
	for _, is := range issues {
		if is.IsPullRequest() || !strings.EqualFold(is.GetUser().GetLogin(), self) || !strings.Contains(is.GetBody(), marker) {
			continue
		}
		return &reconcile.Dashboard{Number: is.GetNumber(), URL: is.GetHTMLURL(), Body: is.GetBody(), Open: is.GetState() == "open"}, nil
	}
	return nil, nil
}

// CreateDashboard opens the approval issue ("Create an issue",
// https://docs.github.com/rest/issues/issues#create-an-issue).
func (c *Client) CreateDashboard(ctx context.Context, repo, title, body string) (*reconcile.Dashboard, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, err
	}
	is, _, err := c.rest.Issues.Create(ctx, owner, name, &github.IssueRequest{Title: &title, Body: &body})
	if err != nil {
		return nil, fmt.Errorf("create an issue: %w", restError(err))
	}
	return &reconcile.Dashboard{Number: is.GetNumber(), URL: is.GetHTMLURL(), Body: is.GetBody(), Open: is.GetState() == "open"}, nil
}

// EditDashboard replaces the approval issue's body, and reopens it when
// asked, in one request ("Update an issue",
// https://docs.github.com/rest/issues/issues#update-an-issue).
func (c *Client) EditDashboard(ctx context.Context, repo string, number int, body string, reopen bool) error {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return err
	}
	req := &github.IssueRequest{Body: &body}
	if reopen {
		req.State = github.Ptr("open")
	}
	if _, _, err := c.rest.Issues.Edit(ctx, owner, name, number, req); err != nil {
		return fmt.Errorf("update issue #%d: %w", number, restError(err))
	}
	return nil
}

var _ reconcile.DashboardKeeper = (*Client)(nil)

// Package reconciletest provides a scripted reconcile.Client for tests of
// reconcile's outcome branches.
//
// The client holds a tiny organization (members, pending invitations,
// teams, comments, accounts) and behaves like GitHub on it: an invitation
// to a member is refused as ErrAlreadyMember, one to an account that is
// gone as ErrNoSuchUser, one naming a team that no longer exists is refused
// for its team_ids. A test scripts the exceptions, one Step per call of a
// method, in order: an error to return, whether GitHub acted anyway (an
// answer lost after the fact), a stale read, or a change to make first.
// Verify fails the test if a scripted step was never used, so a script
// cannot silently stop exercising the branch it was written for.
package reconciletest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/python-trio/snekomatic/reconcile"
)

// Step scripts one call of a method.
type Step struct {
	// Err is returned by the call (nil: the normal answer).
	Err error
	// Acts: the request is carried out even though Err is returned (the
	// answer was lost on its way back).
	Acts bool
	// Stale: a read answers as if the writes of this run had not been
	// seen yet (Membership: "not a member"; FindComment: nothing).
	Stale bool
	// Then, if set, changes the organization before the call is served.
	Then func(c *Client)
}

// Invitation is one invitation GitHub created.
type Invitation struct {
	UserID  int64
	TeamIDs []int64
	Role    string
}

// Client is a scripted reconcile.Client. Set its fields before the run;
// read Created, Comments and Calls after it. It is safe for concurrent use.
type Client struct {
	mu sync.Mutex
	// PRs are the merged pull requests search finds (window filtered).
	PRs []reconcile.PullRequest
	// State maps user ids to their membership; absent is "not a member".
	State map[int64]reconcile.MemberState
	// Logins maps lower-case logins to the id that holds each now; a
	// login not in it belongs to the author of a pull request with it.
	Logins map[string]int64
	// Teams maps team slugs to ids.
	Teams map[string]int64
	// Gone holds the ids of accounts that no longer exist.
	Gone map[int64]bool
	// Comments maps "owner/repo#n" to the comment bodies on it.
	Comments map[string][]string
	// Archived holds the repositories ("owner/repo") that are archived:
	// GitHub refuses comments there (reconcile.ErrCannotComment), as ghapi
	// reads its 403 "Repository was archived so is read-only.".
	Archived map[string]bool
	// Failed are the organization's failed invitations.
	Failed []reconcile.FailedInvitation
	// Script maps method names ("SendInvitation", "Membership",
	// "Memberships", "Comment", "FindComment", "UserExists", "TeamID",
	// "SearchMerged", "CountMerged", "FailedInvitations") to the steps of
	// their successive calls.
	Script map[string][]Step

	// Created lists the invitations GitHub created, in order.
	Created []Invitation
	// Calls lists every call, as "Method arg".
	Calls []string
}

var _ reconcile.Client = (*Client)(nil)

// New returns a client with empty maps.
func New() *Client {
	return &Client{State: map[int64]reconcile.MemberState{}, Logins: map[string]int64{}, Teams: map[string]int64{},
		Gone: map[int64]bool{}, Comments: map[string][]string{}, Archived: map[string]bool{}, Script: map[string][]Step{}}
}

// Verify fails t if a scripted step was never used.
func (c *Client) Verify(t testing.TB) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for m, steps := range c.Script {
		if len(steps) > 0 {
			t.Errorf("reconciletest: %d scripted %s steps were never used", len(steps), m)
		}
	}
}

// Invited counts the invitations created for id.
func (c *Client) Invited(id int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, inv := range c.Created {
		if inv.UserID == id {
			n++
		}
	}
	return n
}

// CommentsOn returns the bodies of the comments on a pull request.
func (c *Client) CommentsOn(repo string, number int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.Comments[key(repo, number)])
}

// Posted counts every comment.
func (c *Client) Posted() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, cs := range c.Comments {
		n += len(cs)
	}
	return n
}

func key(repo string, number int) string { return fmt.Sprintf("%s#%d", repo, number) }

// step takes the next scripted step of method (the zero Step when none is
// left) and applies its change; caller holds c.mu.
func (c *Client) step(method, arg string) Step {
	c.Calls = append(c.Calls, method+" "+arg)
	steps := c.Script[method]
	if len(steps) == 0 {
		return Step{}
	}
	s := steps[0]
	c.Script[method] = steps[1:]
	if s.Then != nil {
		s.Then(c)
	}
	return s
}

// SearchMerged serves every pull request in the window on one page.
func (c *Client) SearchMerged(_ context.Context, org string, q reconcile.SearchQuery, cursor string) (reconcile.SearchPage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.step("SearchMerged", org); s.Err != nil {
		return reconcile.SearchPage{}, s.Err
	}
	page := reconcile.SearchPage{Members: -1, Pending: -1}
	for _, pr := range c.PRs {
		if !pr.MergedAt.Before(q.Window.From) && !pr.MergedAt.After(q.Window.To) && !pr.CreatedAt.Before(q.CreatedFrom) {
			page.PRs = append(page.PRs, pr)
		}
	}
	page.Total = len(page.PRs)
	return page, nil
}

// idOf returns the id that holds login now; caller holds c.mu.
func (c *Client) idOf(login string) int64 {
	if id, ok := c.Logins[strings.ToLower(login)]; ok {
		return id
	}
	for _, pr := range c.PRs {
		if strings.EqualFold(pr.Author.Login, login) {
			return pr.Author.ID
		}
	}
	return 0
}

// Membership answers by login, with the id of the account holding it.
func (c *Client) Membership(_ context.Context, org, login string) (reconcile.MemberState, int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.step("Membership", login)
	if s.Err != nil {
		return reconcile.NotMember, 0, s.Err
	}
	id := c.idOf(login)
	st := c.State[id]
	if s.Stale || st == reconcile.NotMember || c.Gone[id] {
		return reconcile.NotMember, 0, nil
	}
	return st, id, nil
}

// Memberships lists everyone by id.
func (c *Client) Memberships(_ context.Context, org string) (map[int64]reconcile.MemberState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.step("Memberships", org); s.Err != nil {
		return nil, s.Err
	}
	out := map[int64]reconcile.MemberState{}
	for id, st := range c.State {
		if st != reconcile.NotMember {
			out[id] = st
		}
	}
	return out, nil
}

// SendInvitation refuses as GitHub does, or creates the invitation.
func (c *Client) SendInvitation(_ context.Context, org string, userID int64, opts reconcile.InviteOptions) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.step("SendInvitation", fmt.Sprint(userID))
	if s.Err != nil && !s.Acts {
		return s.Err
	}
	err := c.invite(userID, opts)
	if s.Err != nil {
		return s.Err
	}
	return err
}

func (c *Client) invite(userID int64, opts reconcile.InviteOptions) error {
	for _, tid := range opts.TeamIDs {
		if !slices.Contains(mapsValues(c.Teams), tid) {
			return reconcile.Terminal(fmt.Errorf("%w: team_ids invalid", reconcile.ErrTeamRefused))
		}
	}
	switch {
	case c.Gone[userID]:
		return fmt.Errorf("%w: invitee_id invalid", reconcile.ErrNoSuchUser)
	case c.State[userID] == reconcile.ActiveMember:
		return reconcile.ErrAlreadyMember
	case c.State[userID] == reconcile.PendingInvitee:
		return reconcile.ErrAlreadyInvited
	}
	c.State[userID] = reconcile.PendingInvitee
	c.Created = append(c.Created, Invitation{UserID: userID, TeamIDs: slices.Clone(opts.TeamIDs), Role: opts.Role})
	return nil
}

func mapsValues(m map[string]int64) []int64 {
	out := make([]int64, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Comment posts a comment; a step that Acts posts it and loses the answer.
func (c *Client) Comment(_ context.Context, repo string, number int, body string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.step("Comment", key(repo, number))
	if s.Err != nil && !s.Acts {
		return "", s.Err
	}
	if c.Archived[repo] {
		return "", fmt.Errorf("%w: the repository is archived, so read-only", reconcile.ErrCannotComment)
	}
	k := key(repo, number)
	c.Comments[k] = append(c.Comments[k], body)
	url := fmt.Sprintf("https://github.test/%s/pull/%d#comment-%d", repo, number, len(c.Comments[k]))
	if s.Err != nil {
		return "", s.Err
	}
	return url, nil
}

// FindComment returns the URL of the first comment holding marker.
func (c *Client) FindComment(_ context.Context, repo string, number int, marker string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.step("FindComment", key(repo, number))
	if s.Err != nil {
		return "", s.Err
	}
	if s.Stale {
		return "", nil
	}
	for i, b := range c.Comments[key(repo, number)] {
		if strings.Contains(b, marker) {
			return fmt.Sprintf("https://github.test/%s/pull/%d#comment-%d", repo, number, i+1), nil
		}
	}
	return "", nil
}

// TeamID resolves a slug.
func (c *Client) TeamID(_ context.Context, org, slug string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.step("TeamID", slug); s.Err != nil {
		return 0, s.Err
	}
	id, ok := c.Teams[slug]
	if !ok {
		return 0, reconcile.ErrNoSuchTeam
	}
	return id, nil
}

// CountMerged counts the pull requests of each login in PRs.
func (c *Client) CountMerged(_ context.Context, org string, logins []string) (map[string]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.step("CountMerged", strings.Join(logins, ",")); s.Err != nil {
		return nil, s.Err
	}
	out := map[string]int{}
	for _, l := range logins {
		for _, pr := range c.PRs {
			if strings.EqualFold(pr.Author.Login, l) {
				out[l]++
			}
		}
	}
	return out, nil
}

// FailedInvitations lists Failed.
func (c *Client) FailedInvitations(_ context.Context, org string) ([]reconcile.FailedInvitation, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.step("FailedInvitations", org); s.Err != nil {
		return nil, s.Err
	}
	return slices.Clone(c.Failed), nil
}

// UserExists is false for accounts in Gone.
func (c *Client) UserExists(_ context.Context, id int64) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.step("UserExists", fmt.Sprint(id)); s.Err != nil {
		return false, s.Err
	}
	return !c.Gone[id], nil
}

package reconcile

import (
	"context"
	"errors"
	"time"
)

// PullRequest is a merged pull request as the planner needs it.
type PullRequest struct {
	NodeID    string // GraphQL id; the key for de-duplication
	Repo      string // owner/name
	Number    int
	URL       string
	CreatedAt time.Time
	MergedAt  time.Time
	Author    Author
	// RepoFork, RepoArchived and RepoPrivate describe the repository, for
	// RepoFilter.
	RepoFork, RepoArchived, RepoPrivate bool
	// Credit is what its commits say of its authors: read only when
	// SearchQuery.CoAuthors asks (coauthor.go); nil otherwise.
	Credit *Credit
}

// Author is who opened a pull request.
type Author struct {
	// Type is the GraphQL __typename of the author: "User", "Bot",
	// "Mannequin", ... or "" when the account was deleted (author: null).
	Type  string
	ID    int64 // databaseId; 0 when unknown
	Login string
}

// Window is an inclusive range of merge times, to the second (the precision
// of GitHub's search qualifiers).
type Window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// SearchQuery says which merged pull requests to search for.
type SearchQuery struct {
	// Window bounds the merge time.
	Window Window
	// CreatedFrom, when set, keeps only pull requests created at or after
	// it. Results are always sorted by creation time, oldest first.
	CreatedFrom time.Time
	// CoAuthors asks for the authors of each pull request's commits too
	// (PullRequest.Credit), for Policy.CoAuthors.
	CoAuthors bool
}

// SearchPage is one page of the merged pull requests in a window.
type SearchPage struct {
	// Total is how many pull requests match, including those past the
	// search cap that cannot be paged to.
	Total int
	PRs   []PullRequest
	// Hidden counts results served as null nodes (pull requests the
	// credentials cannot see): served, but not in PRs.
	Hidden    int
	EndCursor string
	HasNext   bool
	// Members and Pending are the sizes of the organization's member list and
	// pending invitation list, or -1 when the page does not say. The planner
	// uses them to pick the cheaper way to check membership.
	Members, Pending int
}

// PointCounter is implemented by clients that count the GraphQL rate-limit
// points they spend; the report then shows them.
type PointCounter interface {
	GraphQLPoints() int
}

// Searcher finds merged pull requests.
type Searcher interface {
	// SearchMerged returns the page after cursor ("" for the first) of the
	// pull requests in org that match q, oldest creation first.
	SearchMerged(ctx context.Context, org string, q SearchQuery, cursor string) (SearchPage, error)
}

// MemberState is a person's standing in an organization as GitHub tells
// it now (its membership states "active" and "pending"). It is not what
// the state file records about them (state.Member, state.Pending): that is
// what snekomatic saw when it first met them.
type MemberState int

// The membership states.
const (
	NotMember      MemberState = iota
	ActiveMember               // a member, of any role
	PendingInvitee             // invited, not yet accepted
)

func (m MemberState) String() string {
	switch m {
	case ActiveMember:
		return "member"
	case PendingInvitee:
		return "pending"
	}
	return "not a member"
}

// MembershipReader reads who belongs to an organization.
type MembershipReader interface {
	// Membership looks up one person by login. It returns the id of the
	// account the login belongs to now, so that a rename between the search
	// and the lookup is noticed rather than acted on.
	Membership(ctx context.Context, org, login string) (MemberState, int64, error)
	// Memberships lists every member (any role) and every pending invitee,
	// keyed by user id. When the credentials may not list the pending
	// invitations, it returns the members with ErrPendingNotListed.
	Memberships(ctx context.Context, org string) (map[int64]MemberState, error)
}

// InviteOptions say how to invite.
type InviteOptions struct {
	// Role is RoleDirectMember ("" means that too) or RoleAdmin.
	Role string
	// TeamIDs are the teams the invitee joins when they accept.
	TeamIDs []int64
	// NoWelcome says that no welcome comment will follow this invitation
	// (comments are off, or its pull request is too old), so that it
	// needs room for itself alone under GitHub's hourly limit on
	// content-creating requests.
	NoWelcome bool
}

// Inviter changes things on GitHub: the only interface here that mutates.
type Inviter interface {
	// SendInvitation sends an organization invitation to a user, by id.
	SendInvitation(ctx context.Context, org string, userID int64, opts InviteOptions) error
	// Comment posts a comment on a pull request and returns its URL.
	Comment(ctx context.Context, repo string, number int, body string) (string, error)
	// FindComment returns the URL of a comment on the pull request whose body
	// contains marker, or "" when there is none. Only comments written by
	// snekomatic's own identity count: anyone can write the marker.
	FindComment(ctx context.Context, repo string, number int, marker string) (string, error)
}

// PolicyReader reads what some Policy options need: asked for only when
// the policy uses them.
type PolicyReader interface {
	// TeamID resolves a team slug to its id; ErrNoSuchTeam when the
	// organization has no such team.
	TeamID(ctx context.Context, org, slug string) (int64, error)
	// CountMerged counts each login's merged pull requests in org, all
	// time, keyed by the logins as given.
	CountMerged(ctx context.Context, org string, logins []string) (map[string]int, error)
	// FailedInvitations lists the organization's failed invitations.
	FailedInvitations(ctx context.Context, org string) ([]FailedInvitation, error)
}

// UserReader reads accounts by id.
type UserReader interface {
	// UserExists reports whether the account with this user id exists
	// (GET /user/{account_id}): false only when GitHub answers 404, so
	// that "the account no longer exists" rests on positive evidence.
	UserExists(ctx context.Context, id int64) (bool, error)
}

// Client is everything one organization's run needs from GitHub.
type Client interface {
	Searcher
	MembershipReader
	Inviter
	PolicyReader
	UserReader
}

// Errors an Inviter returns for GitHub's answers that are outcomes, not
// failures.
var (
	// ErrAlreadyMember: GitHub refused the invitation because the person is
	// already part of the organization.
	ErrAlreadyMember = errors.New("already a member of the organization")
	// ErrAlreadyInvited: the person already has a pending invitation.
	ErrAlreadyInvited = errors.New("already invited to the organization")
	// ErrNoSuchUser: GitHub refused the invitee as unknown (a 404, or a 422
	// about invitee_id). It is not final by itself: the account's absence
	// is confirmed with UserReader before anyone is recorded as gone.
	ErrNoSuchUser = errors.New("no such user")
	// ErrTeamRefused: GitHub refused the invitation because of its
	// team_ids (a configured team was deleted after it was resolved). It
	// comes wrapped in a TerminalError.
	ErrTeamRefused = errors.New("GitHub refused the invitation's teams")
	// ErrCredentialsRefused: GitHub answered 401 (the token was revoked or
	// expired). It comes wrapped in a TerminalError.
	ErrCredentialsRefused = errors.New("GitHub refused the credentials (401)")
	// ErrForbidden: GitHub answered 403 without a rate limit (the
	// credentials lack a permission). It comes wrapped in a TerminalError.
	ErrForbidden = errors.New("refused for lack of a permission")
	// ErrInvitationLimit: the organization has used up GitHub's allowance of
	// invitations for the last 24 hours.
	ErrInvitationLimit = errors.New("over the organization's invitation rate limit")
	// ErrMaybeSent: the request failed in a way that leaves open whether
	// GitHub acted on it (a timeout, a 5xx, a dropped connection). Whoever
	// gets it must look before sending again.
	ErrMaybeSent = errors.New("the request may have been carried out")
	// ErrNotSent: the request certainly did not reach GitHub, because the
	// run is stopping (interrupted while it waited to be sent). Nothing is
	// left to look up, and nothing more will be sent.
	ErrNotSent = errors.New("not sent")
	// ErrNoSuchTeam: the organization has no team with that slug.
	ErrNoSuchTeam = errors.New("no such team")
	// ErrCannotComment: GitHub refuses comments on this pull request for a
	// reason that belongs to it, not to the credentials (its repository is
	// archived, so read-only). The welcome is impossible; nobody else's is.
	ErrCannotComment = errors.New("GitHub does not allow comments on this pull request")
	// ErrEndlessPages: a paged read was told to go on to a page it had
	// already read (a cursor or page number repeated), or went on past any
	// plausible number of pages. Following it would never end, so the
	// organization fails instead.
	ErrEndlessPages = errors.New("GitHub's pages do not end")
)

package ghapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v88/github"
	"github.com/shurcooL/githubv4"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/reconcile"
)

// Client talks to one GitHub instance with one identity. Make one per
// organization: it counts the GraphQL points its queries spend, which the
// report shows per organization.
type Client struct {
	gql    *githubv4.Client
	rest   *github.Client
	points atomic.Int64

	// self is who snekomatic is (SetSelf); selfLogin its answer, once read.
	selfMu    sync.Mutex
	self      func(context.Context) (string, error)
	selfLogin string
}

var _ reconcile.Client = (*Client)(nil)

// New returns a Client whose REST and GraphQL clients share httpClient, which
// must already authenticate its requests.
func New(httpClient *http.Client, apiURL, graphqlURL string) (*Client, error) {
	base := strings.TrimRight(apiURL, "/") + "/"
	// Rate limits are waited out by the transport (package ghtransport);
	// go-github's own check would refuse requests without sending them.
	rest, err := github.NewClient(github.WithHTTPClient(httpClient), github.WithURLs(&base, &base),
		github.WithUserAgent("snekomatic"), github.WithDisableRateLimitCheck())
	if err != nil {
		return nil, fmt.Errorf("REST client for %s: %w", apiURL, err)
	}
	return &Client{gql: githubv4.NewEnterpriseClient(graphqlURL, withStatusTypes(httpClient)), rest: rest}, nil
}

// GraphQLPoints is the GraphQL rate-limit cost this client has spent.
func (c *Client) GraphQLPoints() int { return int(c.points.Load()) }

type rateLimit struct {
	Cost      int
	Remaining int
	ResetAt   time.Time
}

// prFields are what the search reads of every merged pull request.
type prFields struct {
	ID         string
	Number     int
	URL        string
	CreatedAt  time.Time
	MergedAt   time.Time
	Repository struct {
		NameWithOwner string
		IsFork        bool
		IsArchived    bool
		IsPrivate     bool
	}
	Author struct {
		Typename string `graphql:"__typename"`
		Login    string
		User     struct {
			DatabaseID int64 `graphql:"databaseId"`
		} `graphql:"... on User"`
	}
}

func (pr prFields) pullRequest() reconcile.PullRequest {
	return reconcile.PullRequest{
		NodeID: pr.ID, Repo: pr.Repository.NameWithOwner, Number: pr.Number, URL: pr.URL, CreatedAt: pr.CreatedAt, MergedAt: pr.MergedAt,
		Author:   reconcile.Author{Type: pr.Author.Typename, Login: pr.Author.Login, ID: pr.Author.User.DatabaseID},
		RepoFork: pr.Repository.IsFork, RepoArchived: pr.Repository.IsArchived, RepoPrivate: pr.Repository.IsPrivate,
	}
}

type prNode struct {
	PullRequest prFields `graphql:"... on PullRequest"`
}

func (n prNode) pullRequest() reconcile.PullRequest { return n.PullRequest.pullRequest() }

// searchNode is a search result as one of the two query shapes reads it
// (prNode, or prCreditNode with the commits' authors).
type searchNode interface {
	pullRequest() reconcile.PullRequest
}

type searchConn[N searchNode] struct {
	IssueCount int
	PageInfo   struct {
		HasNextPage bool
		EndCursor   string
	}
	Nodes []N
}

// The first page of a window also asks for the sizes of the organization's
// member and invitation lists: the planner needs them to choose how to check
// membership, and asking here saves a request of its own.
//
// The pending invitations are asked for under an organization of their own
// (the alias "invitations"): GitHub shows them only to owners, and refuses
// them to anyone else with a FORBIDDEN error on that field, whose null goes
// up to the organization above it (pendingMembers is non-null). Under its
// own alias the null stops there, and the search and the member count
// survive as partial data.
type firstPageQuery[N searchNode] struct {
	Search       *searchConn[N] `graphql:"search(query: $query, type: ISSUE, first: 100)"`
	Organization *struct {
		MembersWithRole struct{ TotalCount int } `graphql:"membersWithRole(first: 1)"`
	} `graphql:"organization(login: $org)"`
	Invitations *struct {
		PendingMembers struct{ TotalCount int } `graphql:"pendingMembers(first: 1)"`
	} `graphql:"invitations: organization(login: $org)"`
	RateLimit rateLimit
}

// invitationsAlias is the response key under which the queries here ask
// for pending invitations; refusals there are tolerated (queryPartial).
const invitationsAlias = "invitations"

type nextPageQuery[N searchNode] struct {
	Search    *searchConn[N] `graphql:"search(query: $query, type: ISSUE, first: 100, after: $after)"`
	RateLimit rateLimit
}

// SearchMerged implements reconcile.Searcher. With q.CoAuthors the same
// query also reads the authors of each pull request's commits
// (prCreditNode): one query shape or the other, never a request more.
func (c *Client) SearchMerged(ctx context.Context, org string, sq reconcile.SearchQuery, cursor string) (reconcile.SearchPage, error) {
	if sq.CoAuthors {
		return searchMerged[prCreditNode](ctx, c, org, sq, cursor)
	}
	return searchMerged[prNode](ctx, c, org, sq, cursor)
}

func searchMerged[N searchNode](ctx context.Context, c *Client, org string, sq reconcile.SearchQuery, cursor string) (reconcile.SearchPage, error) {
	q, err := MergedQuery(org, sq.Window.From, sq.Window.To, sq.CreatedFrom)
	if err != nil {
		return reconcile.SearchPage{}, err
	}
	page := reconcile.SearchPage{Members: -1, Pending: -1}
	var conn *searchConn[N]
	if cursor == "" {
		var res firstPageQuery[N]
		refused, err := c.queryPartial(ctx, &res, map[string]any{"query": githubv4.String(q), "org": githubv4.String(org)})
		if err != nil {
			return page, err
		}
		conn = res.Search
		c.points.Add(int64(res.RateLimit.Cost))
		if res.Organization == nil {
			return page, fmt.Errorf("GitHub answered null for the organization %s: it does not exist or these credentials cannot see it", org)
		}
		page.Members = res.Organization.MembersWithRole.TotalCount
		if !refused && res.Invitations != nil {
			page.Pending = res.Invitations.PendingMembers.TotalCount
		}
	} else {
		var res nextPageQuery[N]
		err = c.gql.Query(ctx, &res, map[string]any{"query": githubv4.String(q), "after": githubv4.String(cursor)})
		if err != nil {
			return page, graphQLError(err)
		}
		conn = res.Search
		c.points.Add(int64(res.RateLimit.Cost))
	}
	if conn == nil {
		return page, fmt.Errorf("GitHub answered the search for pull requests merged in %s with null and no error", org)
	}
	page.Total, page.HasNext, page.EndCursor = conn.IssueCount, conn.PageInfo.HasNextPage, conn.PageInfo.EndCursor
	for _, n := range conn.Nodes {
		pr := n.pullRequest()
		if pr.NodeID == "" {
			// A null node: a pull request these credentials may not see
			// (is:pr rules out anything else).
			page.Hidden++
			continue
		}
		page.PRs = append(page.PRs, pr)
	}
	return page, nil
}

// Membership implements reconcile.MembershipReader with
// GET /orgs/{org}/memberships/{username}, which answers "active" for members
// of any role, "pending" for invitees, and 404 for everyone else.
func (c *Client) Membership(ctx context.Context, org, login string) (reconcile.MemberState, int64, error) {
	m, _, err := c.rest.Organizations.GetOrgMembership(ctx, login, org)
	if isStatus(err, http.StatusNotFound) {
		return reconcile.NotMember, 0, nil
	}
	if err != nil {
		return reconcile.NotMember, 0, restError(err)
	}
	id := m.GetUser().GetID()
	switch m.GetState() {
	case "active":
		return reconcile.ActiveMember, id, nil
	case "pending":
		return reconcile.PendingInvitee, id, nil
	}
	return reconcile.NotMember, id, fmt.Errorf("GitHub answered an unknown membership state %q", m.GetState())
}

type userNodes struct {
	PageInfo struct {
		HasNextPage bool
		EndCursor   string
	}
	Nodes []struct {
		DatabaseID int64 `graphql:"databaseId"`
	}
}

// The pending invitations have an alias of their own, as in
// firstPageQuery, so that a refusal of them leaves the members.
type rosterQuery struct {
	Organization *struct {
		MembersWithRole userNodes `graphql:"membersWithRole(first: 100, after: $members)"`
	} `graphql:"organization(login: $org)"`
	Invitations *struct {
		PendingMembers userNodes `graphql:"pendingMembers(first: 100, after: $pending)"`
	} `graphql:"invitations: organization(login: $org)"`
	RateLimit rateLimit
}

// Memberships implements reconcile.MembershipReader. It pages through the
// members and the pending invitees in the same GraphQL requests, so listing
// costs as many requests as the longer of the two lists has pages of 100,
// and it learns user ids (the REST invitation list only gives logins).
//
// When GitHub refuses the pending invitations to these credentials (a
// FORBIDDEN error on them, with the members as partial data), it lists the
// members alone and returns them with reconcile.ErrPendingNotListed, so
// that the caller checks everyone else one by one.
func (c *Client) Memberships(ctx context.Context, org string) (map[int64]reconcile.MemberState, error) {
	out := map[int64]reconcile.MemberState{}
	var membersAfter, pendingAfter *githubv4.String
	membersDone, pendingDone, pendingRefused := false, false, false
	membersSeen := cursors{what: "the members of " + org}
	pendingSeen := cursors{what: "the pending invitations of " + org}
	for page := 0; !membersDone || !pendingDone; page++ {
		if page == maxRosterPages {
			return nil, fmt.Errorf("%w: GitHub's lists of the members and pending invitations of %s go on past %d pages",
				reconcile.ErrEndlessPages, org, maxRosterPages)
		}
		var res rosterQuery
		refused, err := c.queryPartial(ctx, &res, map[string]any{"org": githubv4.String(org), "members": membersAfter, "pending": pendingAfter})
		if err != nil {
			return nil, err
		}
		c.points.Add(int64(res.RateLimit.Cost))
		if res.Organization == nil {
			return nil, fmt.Errorf("GitHub answered null for the organization %s: it does not exist or these credentials cannot see it", org)
		}
		if refused || res.Invitations == nil {
			// The invitations are not listed to us: what was read of them
			// on earlier pages is dropped too, so that none is half known.
			if !pendingRefused {
				for id, st := range out {
					if st == reconcile.PendingInvitee {
						delete(out, id)
					}
				}
			}
			pendingRefused, pendingDone = true, true
			res.Invitations = nil
		}
		// A page that says there is more but gives no cursor would be asked
		// for again and again: stop rather than loop or guess.
		if !membersDone && noCursor(res.Organization.MembersWithRole) {
			return nil, fmt.Errorf("%w: GitHub reported another page of the members of %s but gave no cursor to it", reconcile.ErrEndlessPages, org)
		}
		if !pendingDone && noCursor(res.Invitations.PendingMembers) {
			return nil, fmt.Errorf("%w: GitHub reported another page of the pending invitations of %s but gave no cursor to it", reconcile.ErrEndlessPages, org)
		}
		// A finished list is asked for again from its last cursor, which
		// returns nothing, rather than switching to another query shape.
		if !membersDone {
			for _, n := range res.Organization.MembersWithRole.Nodes {
				out[n.DatabaseID] = reconcile.ActiveMember
			}
			membersDone = !res.Organization.MembersWithRole.PageInfo.HasNextPage
			membersAfter = cursorOf(res.Organization.MembersWithRole, membersAfter)
			if err := membersSeen.next(membersDone, membersAfter); err != nil {
				return nil, err
			}
		}
		if !pendingDone {
			for _, n := range res.Invitations.PendingMembers.Nodes {
				if out[n.DatabaseID] != reconcile.ActiveMember {
					out[n.DatabaseID] = reconcile.PendingInvitee
				}
			}
			pendingDone = !res.Invitations.PendingMembers.PageInfo.HasNextPage
			pendingAfter = cursorOf(res.Invitations.PendingMembers, pendingAfter)
			if err := pendingSeen.next(pendingDone, pendingAfter); err != nil {
				return nil, err
			}
		}
	}
	if pendingRefused {
		return out, fmt.Errorf("list pending invitations of %s: %w", org, reconcile.ErrPendingNotListed)
	}
	return out, nil
}

// queryPartial runs a GraphQL query whose pending invitations (under
// invitationsAlias) GitHub may refuse to these credentials. refused is set
// when it did, with FORBIDDEN errors on that alias only: v then holds the
// rest of the answer, and the alias is null. Any other error fails the
// query as c.gql.Query would, typed errors as ghtransport.GraphQLErrors.
func (c *Client) queryPartial(ctx context.Context, v any, vars map[string]any) (refused bool, err error) {
	pctx, pd := ghtransport.WithPartialData(ctx)
	err = c.gql.Query(pctx, v, vars)
	switch {
	case err == nil:
		return false, nil
	case len(pd.Errors) == 0:
		return false, graphQLError(err)
	}
	for _, e := range pd.Errors {
		if e.Type != "FORBIDDEN" || len(e.Path) == 0 || e.Path[0] != invitationsAlias {
			return false, pd.Errors
		}
	}
	// githubv4 decodes the data and then returns the answer's errors, whose
	// text is the first error's message; any other error (the data did not
	// decode) leaves v unreliable.
	if err.Error() != pd.Errors[0].Message {
		return false, fmt.Errorf("decode a GraphQL answer with partial data: %w", err)
	}
	return true, nil
}

// maxRosterPages bounds Memberships against a server whose pages never
// end: 1,000 pages of 100 is far more than any organization has.
const maxRosterPages = 1000

// cursors guards a GraphQL listing that follows pageInfo.endCursor
// (https://docs.github.com/graphql/guides/using-pagination-in-the-graphql-api)
// against a server that answers a cursor it gave before: asking for the
// page after it again would never end.
type cursors struct {
	what string
	seen map[string]bool
}

// next records the cursor to the next page of an unfinished list, and
// fails when it was given before.
func (c *cursors) next(done bool, cursor *githubv4.String) error {
	if done || cursor == nil {
		return nil
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[string(*cursor)] {
		return fmt.Errorf("%w: GitHub's list of %s gave the cursor %q twice", reconcile.ErrEndlessPages, c.what, string(*cursor))
	}
	c.seen[string(*cursor)] = true
	return nil
}

func noCursor(u userNodes) bool { return u.PageInfo.HasNextPage && u.PageInfo.EndCursor == "" }

func cursorOf(u userNodes, prev *githubv4.String) *githubv4.String {
	if u.PageInfo.EndCursor == "" {
		return prev
	}
	s := githubv4.String(u.PageInfo.EndCursor)
	return &s
}

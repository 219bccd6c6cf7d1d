package ghapi

import "github.com/python-trio/snekomatic/reconcile"

// How much of a pull request's commits the search reads for co-author
// credit. GitHub charges a query by the connections it may read: one
// request per parent node for each connection, summed and divided by 100
// (https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api).
// A page of 100 pull requests with commits(first: 25) and, under each
// commit, authors(first: 10) is 1 + 100 + 100×25 requests: 26 points,
// where the page alone costs 1 (BENCHMARKS.md measures both). Reading 100
// commits would cost 101 points a page, a backfill of 10,000 pull requests
// twice GitHub's 5,000 points an hour, for the rare pull request of more
// than 25 commits; a co-author is most often on the one commit of a squash
// merge. Commits past the first 25, and authors past the first 10 of a
// commit, are not read, and the report says so for each pull request where
// that happens.

// prCreditNode is a search result with the authors of its commits, for
// reconcile.Policy.CoAuthors. GitActor.user is typed User: an address that
// belongs to no account, or to a bot, answers null.
type prCreditNode struct {
	PullRequest struct {
		prFields
		Commits struct {
			TotalCount int
			Nodes      []struct {
				Commit struct {
					Authors struct {
						TotalCount int
						Nodes      []struct {
							User *struct {
								DatabaseID int64 `graphql:"databaseId"`
								Login      string
								Typename   string `graphql:"__typename"`
							}
						}
					} `graphql:"authors(first: 10)"`
				}
			}
		} `graphql:"commits(first: 25)"`
	} `graphql:"... on PullRequest"`
}

func (n prCreditNode) pullRequest() reconcile.PullRequest {
	pr := n.PullRequest.pullRequest()
	cm := n.PullRequest.Commits
	cr := &reconcile.Credit{Commits: cm.TotalCount, Read: len(cm.Nodes)}
	seen := map[int64]bool{}
	for _, c := range cm.Nodes {
		as := c.Commit.Authors
		if len(as.Nodes) < as.TotalCount {
			cr.Cut++
		}
		for _, a := range as.Nodes {
			switch {
			case a.User == nil:
				cr.Unresolved++
			case !seen[a.User.DatabaseID]:
				seen[a.User.DatabaseID] = true
				cr.CoAuthors = append(cr.CoAuthors, reconcile.Author{Type: a.User.Typename, ID: a.User.DatabaseID, Login: a.User.Login})
			}
		}
	}
	pr.Credit = cr
	return pr
}

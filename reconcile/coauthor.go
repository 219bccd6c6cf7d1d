package reconcile

import (
	"context"
	"fmt"
	"strings"
)

// Co-author credit (Policy.CoAuthors). GitHub lists a commit's authors as
// "the git author and the Co-authored-by message trailer. The git author
// will always be first" (GraphQL Commit.authors), each with the account
// its email belongs to, or none
// (https://docs.github.com/en/pull-requests/committing-changes-to-your-project/creating-and-editing-commits/creating-a-commit-with-multiple-authors).
// With the option on, every account so named on a merged pull request's
// commits is a candidate as its author is, and the pull request counts
// once for them towards MinMergedPRs. The committer (who may only have
// merged or rebased) is not an author and earns nothing.

// Credit is what the commits of a pull request say of who wrote it.
type Credit struct {
	// CoAuthors are the user accounts GitHub resolves among the authors of
	// the commits read (git authors and Co-authored-by trailers), each
	// once, in the order met, the pull request's own author left out.
	CoAuthors []Author
	// Unresolved counts the authors whose address belongs to no account
	// (GitHub answers user: null; so does a bot's address).
	Unresolved int
	// Commits is how many commits the pull request has; Read how many of
	// them were read. Cut counts the commits read whose authors were not
	// all read.
	Commits, Read, Cut int
}

// skipped says what of pr's commits was not read, or "".
func (c *Credit) skipped(pr PullRequest) string {
	var parts []string
	if c.Read < c.Commits {
		parts = append(parts, fmt.Sprintf("co-authors of the first %d of %d commits considered", c.Read, c.Commits))
	}
	if c.Cut > 0 {
		parts = append(parts, fmt.Sprintf("%d commits have more authors than were read", c.Cut))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s#%d: %s", pr.Repo, pr.Number, strings.Join(parts, "; "))
}

// coAuthors are the people credited on pr besides its author: with
// credit on, the resolved users among its commits' authors. A co-author
// that is not a plain user account (GitHub resolves only users, but a
// client could be told otherwise) or has no id is left out.
func coAuthors(pr PullRequest, on bool) []Author {
	if !on || pr.Credit == nil {
		return nil
	}
	var out []Author
	for _, a := range pr.Credit.CoAuthors {
		if a.Type != "User" || a.ID <= 0 || a.ID == pr.Author.ID || strings.HasSuffix(a.Login, "[bot]") {
			continue
		}
		out = append(out, a)
	}
	return out
}

// CoAuthorOf is how a co-author's pull request is named in the report and
// the state: "co-author of OWNER/REPO#N".
func CoAuthorOf(pr PullRequest) string {
	return fmt.Sprintf("co-author of %s#%d", pr.Repo, pr.Number)
}

// inviteReason is what the report says of an invitation: the note of an
// unusual one, and whose pull request a co-author's is.
func inviteReason(c Candidate) string {
	if !c.CoAuthor || c.PR.Repo == "" {
		return c.Note
	}
	if c.Note == "" {
		return CoAuthorOf(c.PR)
	}
	return CoAuthorOf(c.PR) + "; " + c.Note
}

// withCredit asks every search for the authors of the commits too.
type withCredit struct{ Searcher }

func (s withCredit) SearchMerged(ctx context.Context, org string, q SearchQuery, cursor string) (SearchPage, error) {
	q.CoAuthors = true
	return s.Searcher.SearchMerged(ctx, org, q, cursor)
}

// addCoAuthored adds to the merged pull requests counted for
// Policy.MinMergedPRs (all time, as author) those read on which each
// person is credited as a co-author only. Search cannot find co-authored
// pull requests, so those merged before the window are not counted.
func addCoAuthored(lk Lookup, coAuthored map[int64]int) {
	for id, n := range coAuthored {
		if _, counted := lk.Merged[id]; counted {
			lk.Merged[id] += n
		}
	}
}

// reportCredit says what the search left unread of the pull requests'
// commits, and how many authors named no account.
func (r *orgRun) reportCredit(prs []PullRequest) {
	unresolved := 0
	for _, pr := range prs {
		if pr.Credit == nil {
			continue
		}
		unresolved += pr.Credit.Unresolved
		if s := pr.Credit.skipped(pr); s != "" {
			r.rep.Warnings = append(r.rep.Warnings, s)
			r.log.Warn("not every commit's authors were read", "pr", pr.URL, "what", s)
		}
	}
	if unresolved > 0 {
		r.log.Info("commit authors with no GitHub account (an unknown address, or a bot's) are not credited", "authors", unresolved)
	}
}

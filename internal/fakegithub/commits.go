package fakegithub

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
)

// A pull request's commits and their authors, as GraphQL serves them:
// PullRequest.commits (a PullRequestCommitConnection of PullRequestCommit,
// each holding a Commit) and Commit.authors (a GitActorConnection).
//
// GitHub documents a commit's authors as "the git author and the
// Co-authored-by message trailer. The git author will always be first"
// (schema.graphql, Commit.authors), each a GitActor whose user is "the
// GitHub user corresponding to the email field. Null if no such user
// exists" (GitActor.user, typed User: a bot's address resolves to no User).
// A co-author is credited by a "Co-authored-by: name <email>" trailer
// whose email GitHub matches to an account
// (https://docs.github.com/en/pull-requests/committing-changes-to-your-project/creating-and-editing-commits/creating-a-commit-with-multiple-authors).
// The committer is not among the authors.

// CommitAuthor is one author of a commit: the git author, or a
// Co-authored-by trailer.
type CommitAuthor struct {
	// Name and Email are as written in the commit.
	Name, Email string
	// UserID is the account GitHub matches the email to; 0 when none
	// does (GitActor.user is null then, as it is for a bot's address).
	UserID int64
}

// Commit is one commit of a pull request.
type Commit struct {
	// Headline is the first line of the message.
	Headline string
	// Authors are the git author first, then the co-authors.
	Authors []CommitAuthor
}

// SetCommits replaces a pull request's commits. A pull request whose
// commits were never set has one, by its author.
func (g *GitHub) SetCommits(prID int64, commits []Commit) {
	g.mu.Lock()
	defer g.mu.Unlock()
	it := g.w.items[prID]
	if it == nil || it.isIssue {
		panic(fmt.Sprintf("fakegithub: no pull request with id %d", prID))
	}
	for _, c := range commits {
		for _, a := range c.Authors {
			if a.UserID != 0 && g.w.accounts[a.UserID] == nil {
				panic(fmt.Sprintf("fakegithub: no account with id %d", a.UserID))
			}
		}
	}
	it.commits = append([]Commit(nil), commits...)
}

// AuthorOf is the CommitAuthor of an account, with the noreply address
// GitHub gives it.
func (g *GitHub) AuthorOf(userID int64) CommitAuthor {
	a := g.Account(userID)
	if a == nil {
		panic(fmt.Sprintf("fakegithub: no account with id %d", userID))
	}
	return CommitAuthor{Name: a.Login, Email: fmt.Sprintf("%d+%s@users.noreply.github.com", a.ID, a.Login), UserID: a.ID}
}

// prCommit is a commit of a stored pull request, the value behind both
// PullRequestCommit and Commit.
type prCommit struct {
	it *item
	i  int
	c  Commit
}

// commitsOf lists the commits of a pull request: those set, or one by its
// author.
func (g *GitHub) commitsOf(it *item) []*prCommit {
	cs := it.commits
	if cs == nil {
		var authors []CommitAuthor
		if a := g.w.accounts[it.AuthorID]; a != nil {
			authors = []CommitAuthor{{Name: a.Login, Email: fmt.Sprintf("%d+%s@users.noreply.github.com", a.ID, a.Login), UserID: a.ID}}
		} else {
			authors = []CommitAuthor{{Name: "ghost", Email: "ghost@example.com"}}
		}
		cs = []Commit{{Headline: it.Title, Authors: authors}}
	}
	out := make([]*prCommit, len(cs))
	for i, c := range cs {
		out[i] = &prCommit{it: it, i: i, c: c}
	}
	return out
}

// oid is a stable made-up commit hash.
func (c *prCommit) oid() string {
	sum := sha1.Sum(fmt.Appendf(nil, "%d/%d", c.it.ID, c.i))
	return hex.EncodeToString(sum[:])
}

// PullRequest.commits.
func (g *GitHub) prCommits(_ *resolveCtx, obj any, args map[string]any) (any, error) {
	cs := g.commitsOf(obj.(*item))
	cc := offsetCursors()
	lo, hi, pi, err := connPage(len(cs), args, cc)
	if err != nil {
		return nil, err
	}
	nodes := []any{}
	for i := lo; i < hi; i++ {
		nodes = append(nodes, cs[i])
	}
	return map[string]any{"totalCount": len(cs), "pageInfo": pi, "nodes": nodes}, nil
}

func (g *GitHub) commitResolvers(pullRequestCommit bool) map[string]resolver {
	get := func(obj any) *prCommit { return obj.(*prCommit) }
	path := func(obj any) string {
		c := get(obj)
		if pullRequestCommit {
			return fmt.Sprintf("%s/commits/%s", itemPath(c.it), c.oid())
		}
		return fmt.Sprintf("/%s/commit/%s", c.it.repo.FullName(), c.oid())
	}
	prefix := "C"
	if pullRequestCommit {
		prefix = "PURC"
	}
	m := map[string]resolver{
		"id": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return makeNodeID(prefix, get(obj).it.ID<<16|int64(get(obj).i)), nil
		},
		"resourcePath": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return path(obj), nil },
		"url":          func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return g.URL() + path(obj), nil },
	}
	if pullRequestCommit {
		m["commit"] = func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return obj, nil }
		m["pullRequest"] = func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).it, nil }
		return m
	}
	m["messageHeadline"] = func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).c.Headline, nil }
	m["authors"] = g.commitAuthors
	return m
}

// Commit.authors: GitActors whose user is the matching User, or null.
func (g *GitHub) commitAuthors(_ *resolveCtx, obj any, args map[string]any) (any, error) {
	as := obj.(*prCommit).c.Authors
	lo, hi, pi, err := connPage(len(as), args, offsetCursors())
	if err != nil {
		return nil, err
	}
	nodes := []any{}
	for _, a := range as[lo:hi] {
		var user any
		if acct := g.w.accounts[a.UserID]; acct != nil && !acct.deleted && acct.Type == "User" {
			user = acct
		}
		nodes = append(nodes, map[string]any{"__typename": "GitActor", "name": a.Name, "email": a.Email, "user": user})
	}
	return map[string]any{"totalCount": len(as), "pageInfo": pi, "nodes": nodes}, nil
}

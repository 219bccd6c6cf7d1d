package fakegithub

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// A pull request's commits list their authors as GitHub does: the git
// author first, then the co-authors, each with the User their address
// belongs to, or null (an unknown address, or a bot's: GitActor.user is a
// User). Nested connections are paid for by GitHub's formula.
func TestCommitAuthors(t *testing.T) {
	f := newFixture(t)
	g := f.g
	pr := g.AddPR(f.repo, f.carol.ID, "Pair work", base)
	g.SetCommits(pr.ID, []Commit{
		{Headline: "one", Authors: []CommitAuthor{g.AuthorOf(f.carol.ID), g.AuthorOf(f.bob.ID), {Name: "Nobody", Email: "nobody@example.com"}}},
		{Headline: "two", Authors: []CommitAuthor{g.AuthorOf(f.alice.ID), g.AuthorOf(f.bot.ID)}},
	})
	_, body := rawGraphQL(t, g, tok, `{
		rateLimit { cost }
		search(query: "org:acme is:pr is:merged Pair", type: ISSUE, first: 100) { nodes { ... on PullRequest { number
			commits(first: 100) { totalCount nodes { commit { messageHeadline
				authors(first: 10) { totalCount nodes { name email user { databaseId login __typename } } } } } } } } }
	}`, nil)
	if errs := body["errors"]; errs != nil {
		t.Fatalf("errors: %v", errs)
	}
	got, _ := json.Marshal(body["data"].(map[string]any)["search"])
	for _, want := range []string{
		`"totalCount":2`, `"messageHeadline":"one"`,
		`"name":"carol"`, `"__typename":"User","databaseId":` + strconv.FormatInt(f.carol.ID, 10) + `,"login":"carol"`,
		`"login":"bob"`, `"name":"Nobody","user":null`,
		`"name":"dependabot[bot]"`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
	if strings.Contains(string(got), `"login":"dependabot`) {
		t.Errorf("a bot resolved as a User: %s", got)
	}
	// 1 search + 100 commits connections + 100×100 authors connections,
	// divided by 100: 101.
	if c := body["data"].(map[string]any)["rateLimit"].(map[string]any)["cost"]; c != float64(101) {
		t.Errorf("cost %v, want 101", c)
	}
}

// A pull request whose commits were never set has one, by its author.
func TestDefaultCommitIsByTheAuthor(t *testing.T) {
	f := newFixture(t)
	_, body := rawGraphQL(t, f.g, tok, `{ node(id: "`+f.mergedPR.NodeID+`") { ... on PullRequest {
		commits(first: 5) { totalCount nodes { commit { authors(first: 5) { nodes { user { login } } } } } } } } }`, nil)
	got, _ := json.Marshal(body["data"])
	if !strings.Contains(string(got), `"totalCount":1`) || !strings.Contains(string(got), `"login":"carol"`) {
		t.Errorf("got %s", got)
	}
}

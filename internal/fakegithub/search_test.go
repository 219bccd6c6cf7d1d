package fakegithub

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func titles(t *testing.T, g *GitHub, query string) []string {
	t.Helper()
	prs, err := g.Search(query)
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	var out []string
	for _, p := range prs {
		out = append(out, p.Title)
	}
	slices.Sort(out)
	return out
}

// dateWorld has PRs merged at day boundaries around 2024-03-10.
func dateWorld(t *testing.T) *GitHub {
	g := New(t)
	g.AddToken(tok)
	g.AddOrg("acme")
	r := g.AddRepo("acme", "w")
	u := g.AddUser("u")
	d := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	g.AddPR(r, u.ID, "a", d("2024-03-09T23:59:59Z"))
	g.AddPR(r, u.ID, "b", d("2024-03-10T00:00:00Z"))
	g.AddPR(r, u.ID, "c", d("2024-03-10T12:00:00Z"))
	g.AddPR(r, u.ID, "d", d("2024-03-10T23:59:59Z"))
	g.AddPR(r, u.ID, "e", d("2024-03-11T00:00:00Z"))
	return g
}

func TestSearchDates(t *testing.T) {
	g := dateWorld(t)
	cases := map[string]string{
		"merged:2024-03-10":                                           "b c d",
		"merged:2024-03-10..2024-03-10":                               "b c d",
		"merged:2024-03-09..2024-03-10":                               "a b c d",
		"merged:2024-03-10..*":                                        "b c d e",
		"merged:*..2024-03-10":                                        "a b c d",
		"merged:>=2024-03-10":                                         "b c d e",
		"merged:>2024-03-10":                                          "e",
		"merged:<=2024-03-10":                                         "a b c d",
		"merged:<2024-03-10":                                          "a",
		"merged:>=2024-03-10T12:00:00Z":                               "c d e",
		"merged:>2024-03-10T12:00:00Z":                                "d e",
		"merged:2024-03-10T00:00:00Z..2024-03-10T12:00:00Z":           "b c",
		"merged:2024-03-10T00:00:00+00:00..2024-03-10T12:00:00+00:00": "b c",
		"merged:2024-03-10T13:00:00+01:00..2024-03-10T23:59:59Z":      "c d",
		"merged:2024-03-10T12:00:00Z":                                 "c",
		"merged:<2024-03-10T00:00:00Z":                                "a",
		"created:2024-03-10":                                          "c d e", // created an hour before merging
		"closed:2024-03-11":                                           "e",
		"updated:>=2024-03-11":                                        "e",
	}
	for q, want := range cases {
		if got := strings.Join(titles(t, g, "org:acme is:pr "+q), " "); got != want {
			t.Errorf("%s: got %q, want %q", q, got, want)
		}
	}
	for _, bad := range []string{"merged:>garbage", "merged:2024-13-01", "merged:*..*", "label:bug", "is:draft", "sort:best"} {
		if _, err := g.Search(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	// The same through GraphQL: an inclusive range covers both end days.
	nodes, n, _ := searchAll(t, g, "org:acme is:pr is:merged merged:2024-03-09..2024-03-10", 2)
	if n != 4 || len(nodes) != 4 {
		t.Errorf("graphql range: %d %d", n, len(nodes))
	}
	_, body := rawGraphQL(t, g, tok, `{ search(query: "merged:>yesterday", type: ISSUE, first: 1) { issueCount } }`, nil)
	if e := firstError(t, body); e["type"] != "INVALID_SEARCH_QUERY" {
		t.Errorf("bad date via GraphQL: %v", body)
	}
}

func TestSearchQualifiers(t *testing.T) {
	f := newFixture(t)
	g := f.g
	other := g.AddRepo("acme", "gadgets")
	g.AddPR(other, f.alice.ID, "Add gadget support", base)
	g.AddPR(f.repo, f.bob.ID, "Open widget work", time.Time{})
	g.AddIssue(f.repo, f.bob.ID, "Widgets are broken", time.Time{})
	g.AddIssue(f.repo, f.bob.ID, "Fixed issue", base)
	g.AddPR(f.otherRepo, f.carol.ID, "Fix elsewhere", base)

	cases := map[string]string{
		"org:acme is:pr is:merged":                   "Add gadget support|Fix the frobnicator",
		"org:acme is:pr is:unmerged":                 "Abandoned idea|Open widget work",
		"org:acme is:pr is:open":                     "Open widget work",
		"org:acme is:pr is:closed":                   "Abandoned idea|Add gadget support|Fix the frobnicator",
		"org:acme is:issue":                          "Fixed issue|Widgets are broken",
		"org:acme type:issue state:open":             "Widgets are broken",
		"org:acme is:merged":                         "Add gadget support|Fix the frobnicator",
		"repo:acme/gadgets":                          "Add gadget support",
		"repo:acme/gadgets repo:other/stuff":         "Add gadget support|Fix elsewhere",
		"org:acme org:other is:merged":               "Add gadget support|Fix elsewhere|Fix the frobnicator",
		`org:"acme" is:merged`:                       "Add gadget support|Fix the frobnicator",
		"ORG:ACME IS:MERGED":                         "Add gadget support|Fix the frobnicator",
		"is:pr is:merged fix":                        "Fix elsewhere|Fix the frobnicator",
		"org:acme is:pr is:merged fix":               "Fix the frobnicator",
		"org:acme is:pr is:merged FROBNICATOR":       "Fix the frobnicator",
		`org:acme is:pr "the frob"`:                  "Fix the frobnicator",
		`org:acme is:pr "frob the"`:                  "",
		"org:acme is:pr -fix":                        "Abandoned idea|Add gadget support|Open widget work",
		"org:acme is:pr NOT fix":                     "Abandoned idea|Add gadget support|Open widget work",
		"org:acme is:pr -repo:acme/widgets":          "Add gadget support",
		"org:acme is:pr author:alice":                "Add gadget support",
		"org:acme is:pr is:merged in:title gadget":   "Add gadget support",
		"org:acme is:pr is:merged nosuchword":        "",
		"org:acme is:pr is:merged fix:typo":          "", // unknown key: free text
		"org:acme is:pr is:merged archived:false":    "Add gadget support|Fix the frobnicator",
		"org:acme is:pr is:merged sort:created-desc": "Add gadget support|Fix the frobnicator",
		"org:nope": "",
	}
	for q, want := range cases {
		if got := strings.Join(titles(t, g, q), "|"); got != want {
			t.Errorf("%s:\n got %q\nwant %q", q, got, want)
		}
	}

	// An injected bare word changes results, as on GitHub.
	_, all, _ := searchAll(t, g, "org:acme is:pr is:merged", 10)
	_, narrowed, _ := searchAll(t, g, "org:acme is:pr is:merged gadget", 10)
	if all != 2 || narrowed != 1 {
		t.Errorf("free text: %d → %d", all, narrowed)
	}
}

func TestSearchIndexLag(t *testing.T) {
	f := newFixture(t)
	g := f.g
	now := base.Add(time.Hour)
	g.SetClock(func() time.Time { return now })

	// Hidden PRs are invisible to search but resolvable by id.
	fresh := g.AddPR(f.repo, f.bob.ID, "Fresh", now.Add(-5*time.Minute))
	g.SetHidden(fresh.ID, true)
	_, n, _ := searchAll(t, g, "org:acme is:pr is:merged", 10)
	if n != 1 {
		t.Errorf("hidden: %d results", n)
	}
	_, body := rawGraphQL(t, g, tok, `query($id: ID!) { node(id: $id) { ... on PullRequest { title } } }`, map[string]any{"id": fresh.NodeID})
	if body["data"].(map[string]any)["node"].(map[string]any)["title"] != "Fresh" {
		t.Errorf("node lookup of hidden PR: %v", body)
	}
	g.SetHidden(fresh.ID, false)
	if got := titles(t, g, "org:acme is:pr is:merged"); len(got) != 2 {
		t.Errorf("unhidden: %v", got)
	}

	// With a 15-minute lag, a PR merged 5 minutes ago is still indexed as
	// open, and one created since is not indexed at all.
	g.SetIndexLag(15 * time.Minute)
	g.AddPR(f.repo, f.bob.ID, "Brand new", time.Time{})
	if got := titles(t, g, "org:acme is:pr is:merged"); strings.Join(got, "|") != "Fix the frobnicator" {
		t.Errorf("lagged merged: %v", got)
	}
	if got := titles(t, g, "org:acme is:pr is:open"); strings.Join(got, "|") != "Fresh" {
		t.Errorf("lagged open: %v", got)
	}
	now = now.Add(20 * time.Minute)
	if got := titles(t, g, "org:acme is:pr is:merged"); len(got) != 2 {
		t.Errorf("after the lag: %v", got)
	}
	if got := titles(t, g, "org:acme is:pr is:open"); strings.Join(got, "|") != "Brand new" {
		t.Errorf("after the lag, open: %v", got)
	}
}

func TestSearchOrderIsNotInsertionOrder(t *testing.T) {
	g := New(t)
	g.AddOrg("o")
	r := g.AddRepo("o", "r")
	u := g.AddUser("u")
	for i := range 20 {
		g.AddPR(r, u.ID, "pr", base.Add(time.Duration(i)*time.Hour))
	}
	a, _ := g.Search("org:o")
	b, _ := g.Search("org:o")
	inOrder := true
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Fatal("order is not deterministic")
		}
		if i > 0 && a[i].Number < a[i-1].Number {
			inOrder = false
		}
	}
	if inOrder {
		t.Error("search returned insertion order")
	}
	asc, _ := g.Search("org:o sort:created-asc")
	for i := 1; i < len(asc); i++ {
		if asc[i].CreatedAt.Before(asc[i-1].CreatedAt) {
			t.Fatal("sort:created-asc not honoured")
		}
	}
}

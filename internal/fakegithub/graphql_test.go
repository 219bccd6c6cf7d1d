package fakegithub

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shurcooL/githubv4"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// authorFragment is how snekomatic-style code reads PR authors: the
// concrete type decides whether the author can be invited.
type authorFragment struct {
	Typename string `graphql:"__typename"`
	Login    string
	User     struct {
		DatabaseID int64 `graphql:"databaseId"`
	} `graphql:"... on User"`
	Bot struct {
		DatabaseID int64 `graphql:"databaseId"`
	} `graphql:"... on Bot"`
	Mannequin struct {
		DatabaseID int64 `graphql:"databaseId"`
	} `graphql:"... on Mannequin"`
}

type prNode struct {
	Typename    string `graphql:"__typename"`
	PullRequest struct {
		ID         githubv4.ID
		DatabaseID int64 `graphql:"databaseId"`
		Number     int
		Title      string
		URL        githubv4.URI
		Merged     bool
		MergedAt   *githubv4.DateTime
		State      githubv4.PullRequestState
		Author     *authorFragment
		Repository struct {
			NameWithOwner string
			Owner         struct{ Login string }
		}
	} `graphql:"... on PullRequest"`
}

type searchResp struct {
	Search struct {
		IssueCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *githubv4.String
		}
		Nodes []prNode
	} `graphql:"search(query: $q, type: ISSUE, first: $first, after: $after)"`
	RateLimit struct {
		Cost      int
		Remaining int
	}
}

// searchAll pages through a search with githubv4 and returns every node.
func searchAll(t *testing.T, g *GitHub, query string, pageSize int) (nodes []prNode, issueCount, requests int) {
	t.Helper()
	c := gqlClient(g, tok)
	vars := map[string]any{"q": githubv4.String(query), "first": githubv4.Int(pageSize), "after": (*githubv4.String)(nil)}
	for {
		var q searchResp
		if err := c.Query(ctx(t), &q, vars); err != nil {
			t.Fatalf("search %q: %v", query, err)
		}
		requests++
		nodes = append(nodes, q.Search.Nodes...)
		issueCount = q.Search.IssueCount
		if !q.Search.PageInfo.HasNextPage {
			return
		}
		vars["after"] = q.Search.PageInfo.EndCursor
		if requests > 100 {
			t.Fatal("runaway pagination")
		}
	}
}

func TestGraphQLSearchAuthors(t *testing.T) {
	f := newFixture(t)
	g := f.g
	day := base.Add(24 * time.Hour)
	byBot := g.AddPR(f.repo, f.bot.ID, "Bump lodash", day)
	byMannequin := g.AddPR(f.repo, f.mannequin.ID, "Imported change", day)
	gone := g.AddUser("gone")
	byGhost := g.AddPR(f.repo, gone.ID, "Orphaned change", day)
	g.DeleteUser(gone.ID)
	g.AddPR(f.repo, f.alice.ID, "Open one", time.Time{})

	nodes, count, _ := searchAll(t, g, "org:acme is:pr is:merged", 100)
	if count != 4 || len(nodes) != 4 {
		t.Fatalf("count %d, nodes %d", count, len(nodes))
	}
	seen := map[int64]prNode{}
	for _, n := range nodes {
		if n.Typename != "PullRequest" {
			t.Errorf("typename %q", n.Typename)
		}
		seen[n.PullRequest.DatabaseID] = n
	}
	carol := seen[f.mergedPR.ID].PullRequest
	if carol.Author == nil || carol.Author.Typename != "User" || carol.Author.Login != "carol" || carol.Author.User.DatabaseID != f.carol.ID {
		t.Errorf("carol's PR author %+v", carol.Author)
	}
	if !carol.Merged || carol.MergedAt == nil || !carol.MergedAt.Time.Equal(base) || carol.State != githubv4.PullRequestStateMerged ||
		carol.Repository.NameWithOwner != "acme/widgets" || carol.Repository.Owner.Login != "acme" ||
		carol.URL.String() != g.URL()+"/acme/widgets/pull/"+strconv.Itoa(f.mergedPR.Number) || carol.ID != githubv4.ID(f.mergedPR.NodeID) {
		t.Errorf("carol's PR %+v", carol)
	}
	bot := seen[byBot.ID].PullRequest.Author
	if bot == nil || bot.Typename != "Bot" || bot.Login != "dependabot" || bot.Bot.DatabaseID != f.bot.ID {
		t.Errorf("bot author %+v", bot)
	}
	mq := seen[byMannequin.ID].PullRequest.Author
	if mq == nil || mq.Typename != "Mannequin" || mq.Mannequin.DatabaseID != f.mannequin.ID {
		t.Errorf("mannequin author %+v", mq)
	}
	if a := seen[byGhost.ID].PullRequest.Author; a != nil {
		t.Errorf("deleted author %+v", a)
	}
	// author: qualifiers, including the bot's app/ form.
	if _, n, _ := searchAll(t, g, "org:acme author:app/dependabot", 10); n != 1 {
		t.Errorf("author:app/dependabot → %d", n)
	}
	if _, n, _ := searchAll(t, g, "org:acme author:dependabot[bot]", 10); n != 1 {
		t.Errorf("author:dependabot[bot] → %d", n)
	}
	if _, n, _ := searchAll(t, g, "org:acme author:carol author:alice", 10); n != 3 {
		t.Errorf("two authors → %d", n)
	}
	if _, n, _ := searchAll(t, g, "org:acme -author:carol is:pr", 10); n != 4 {
		t.Errorf("-author:carol → %d", n)
	}
}

func TestGraphQLSearchCap(t *testing.T) {
	g := New(t)
	g.AddToken(tok)
	g.AddOrg("big")
	repo := g.AddRepo("big", "repo")
	u := g.AddUser("prolific")
	for i := range 1050 {
		g.AddPR(repo, u.ID, fmt.Sprint("PR ", i), base.Add(time.Duration(i)*time.Minute))
	}
	nodes, count, requests := searchAll(t, g, "org:big is:pr is:merged", 100)
	if count != 1050 || len(nodes) != 1000 || requests != 10 {
		t.Fatalf("issueCount %d, reachable %d in %d requests", count, len(nodes), requests)
	}
	distinct := map[int]bool{}
	sorted := true
	for i, n := range nodes {
		distinct[n.PullRequest.Number] = true
		if i > 0 && n.PullRequest.Number < nodes[i-1].PullRequest.Number {
			sorted = false
		}
	}
	if len(distinct) != 1000 {
		t.Errorf("%d distinct", len(distinct))
	}
	if sorted {
		t.Error("results came in number order; the order should be arbitrary")
	}
	// A cursor past the cap yields nothing more.
	var q searchResp
	err := gqlClient(g, tok).Query(ctx(t), &q, map[string]any{
		"q": githubv4.String("org:big"), "first": githubv4.Int(100),
		"after": githubv4.String("Y3Vyc29yOjEwMDA="), // cursor:1000
	})
	if err != nil || len(q.Search.Nodes) != 0 || q.Search.PageInfo.HasNextPage || q.Search.IssueCount != 1050 {
		t.Errorf("past the cap: %v %+v", err, q.Search)
	}
}

func TestGraphQLPaginationLimits(t *testing.T) {
	f := newFixture(t)
	g := f.g
	var q searchResp
	err := gqlClient(g, tok).Query(ctx(t), &q, map[string]any{
		"q": githubv4.String("org:acme"), "first": githubv4.Int(101), "after": (*githubv4.String)(nil),
	})
	want := "Requesting 101 records on the `search` connection exceeds the `first` limit of 100 records."
	if err == nil || err.Error() != want {
		t.Errorf("first: 101 → %v", err)
	}
	resp, body := rawGraphQL(t, g, tok, `{ search(query: "org:acme", type: ISSUE, first: 101) { issueCount } }`, nil)
	e := firstError(t, body)
	if resp.StatusCode != 200 || e["type"] != "EXCESSIVE_PAGINATION" || e["message"] != want {
		t.Errorf("raw: %d %v", resp.StatusCode, body)
	}
	_, body = rawGraphQL(t, g, tok, `{ search(query: "org:acme", type: ISSUE) { issueCount } }`, nil)
	e = firstError(t, body)
	if e["type"] != "MISSING_PAGINATION_BOUNDARIES" ||
		e["message"] != "You must provide a `first` or `last` value to properly paginate the `search` connection." {
		t.Errorf("missing first: %v", body)
	}
	_, body = rawGraphQL(t, g, tok, `{ organization(login: "acme") { membersWithRole(last: 500) { totalCount } } }`, nil)
	if e := firstError(t, body); e["message"] != "Requesting 500 records on the `membersWithRole` connection exceeds the `last` limit of 100 records." {
		t.Errorf("last: 500: %v", body)
	}
}

func TestGraphQLValidationErrors(t *testing.T) {
	f := newFixture(t)
	g := f.g
	resp, body := rawGraphQL(t, g, tok, "query {\n  viewer {\n    login\n    frobs\n  }\n}", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, has := body["data"]; has {
		t.Errorf("validation failure has data: %v", body)
	}
	e := firstError(t, body)
	ext, _ := e["extensions"].(map[string]any)
	locs, _ := e["locations"].([]any)
	if e["message"] != "Field 'frobs' doesn't exist on type 'User'" || ext["code"] != "undefinedField" ||
		ext["typeName"] != "User" || ext["fieldName"] != "frobs" || len(locs) != 1 ||
		fmt.Sprint(locs[0]) != "map[column:5 line:4]" || fmt.Sprint(e["path"]) != "[query viewer frobs]" {
		t.Errorf("error %v", e)
	}
	// githubv4 surfaces the message.
	var q struct {
		Viewer struct{ Frobs string }
	}
	if err := gqlClient(g, tok).Query(ctx(t), &q, nil); err == nil || !strings.Contains(err.Error(), "doesn't exist on type 'User'") {
		t.Errorf("githubv4: %v", err)
	}
	cases := map[string]string{
		`{ search(query: "x", first: 1) { issueCount } }`:                   "Field 'search' is missing required arguments: type",
		`{ viewer { login(upper: true) } }`:                                 "Field 'login' doesn't accept argument 'upper'",
		`{ viewer }`:                                                        "Field must have selections (field 'viewer' returns User but has no selections. Did you mean 'viewer { ... }'?)",
		`query($x: String!) { viewer { login } }`:                           "Variable $x is declared by anonymous query but not used",
		`{ user(login: $who) { login } }`:                                   "Variable $who is used by anonymous query but not declared",
		`{ viewer { login `:                                                 `Parse error on "<EOF>" at [1, 18]`,
		`mutation { addStar(input: {}) { clientMutationId } }`:              "Schema is not configured for mutations",
		`{ search(query: "x", type: ISSUE, first: 1) { nodes { title } } }`: "Selections can't be made directly on unions (see selections on SearchResultItem)",
	}
	for doc, want := range cases {
		_, body := rawGraphQL(t, g, tok, doc, nil)
		if e := firstError(t, body); e["message"] != want {
			t.Errorf("%s\n got %q\nwant %q", doc, e["message"], want)
		}
	}
	// Invalid variable values.
	_, body = rawGraphQL(t, g, tok, `query($login: String!) { user(login: $login) { login } }`, map[string]any{})
	if e := firstError(t, body); e["message"] != "Variable $login of type String! was provided invalid value" {
		t.Errorf("missing variable: %v", e)
	}
}

func TestGraphQLLookups(t *testing.T) {
	f := newFixture(t)
	g := f.g
	resp, body := rawGraphQL(t, g, tok, `query($id: ID!, $ids: [ID!]!) {
		organization(login: "nope") { login }
		user(login: "carol") { login databaseId url }
		viewer { login isViewer }
		node(id: $id) { __typename ... on PullRequest { number } }
		nodes(ids: $ids) { id }
		repository(owner: "acme", name: "widgets") { nameWithOwner isPrivate visibility owner { __typename login } }
	}`, map[string]any{"id": f.mergedPR.NodeID, "ids": []string{f.alice.NodeID, "bogus"}})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	data := body["data"].(map[string]any)
	if data["organization"] != nil {
		t.Errorf("organization %v", data["organization"])
	}
	user := data["user"].(map[string]any)
	if user["login"] != "carol" || user["databaseId"] != float64(f.carol.ID) || user["url"] != g.URL()+"/carol" {
		t.Errorf("user %v", user)
	}
	if v := data["viewer"].(map[string]any); v["login"] != DefaultTokenOwner || v["isViewer"] != true {
		t.Errorf("viewer %v", v)
	}
	if n := data["node"].(map[string]any); n["__typename"] != "PullRequest" || n["number"] != float64(f.mergedPR.Number) {
		t.Errorf("node %v", n)
	}
	nodes := data["nodes"].([]any)
	if len(nodes) != 2 || nodes[1] != nil || nodes[0].(map[string]any)["id"] != f.alice.NodeID {
		t.Errorf("nodes %v", nodes)
	}
	repo := data["repository"].(map[string]any)
	if repo["nameWithOwner"] != "acme/widgets" || repo["visibility"] != "PUBLIC" || fmt.Sprint(repo["owner"]) != "map[__typename:Organization login:acme]" {
		t.Errorf("repository %v", repo)
	}
	errs := body["errors"].([]any)
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	e0, e1 := errs[0].(map[string]any), errs[1].(map[string]any)
	if e0["type"] != "NOT_FOUND" || e0["message"] != "Could not resolve to an Organization with the login of 'nope'." || fmt.Sprint(e0["path"]) != "[organization]" {
		t.Errorf("org error %v", e0)
	}
	if e1["type"] != "NOT_FOUND" || fmt.Sprint(e1["path"]) != "[nodes 1]" {
		t.Errorf("nodes error %v", e1)
	}
	// Output keeps document order, aliases included.
	req, _ := http.NewRequest("POST", g.GraphQLURL(), strings.NewReader(`{"query":"{ b: viewer { login } a: viewer { id } }"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	wire, _ := io.ReadAll(res.Body)
	if !strings.HasPrefix(string(wire), `{"data":{"b":{"login":"token-owner"},"a":{"id":"U_`) {
		t.Errorf("wire order: %s", wire)
	}
}

func TestGraphQLMembersAndPending(t *testing.T) {
	f := newFixture(t)
	g := f.g
	for _, u := range g.AddUsers("dave", "erin", "frank") {
		g.SetMember("acme", u.ID, "member")
	}
	g.AddPendingInvitation("acme", f.carol.ID)
	var q struct {
		Organization struct {
			MembersWithRole struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *githubv4.String
				}
				Edges []struct {
					Role githubv4.OrganizationMemberRole
					Node struct {
						Login      string
						DatabaseID int64 `graphql:"databaseId"`
					}
				}
			} `graphql:"membersWithRole(first: 2, after: $after)"`
			PendingMembers struct {
				TotalCount int
				Nodes      []struct{ Login string }
			} `graphql:"pendingMembers(first: 10)"`
		} `graphql:"organization(login: $org)"`
	}
	vars := map[string]any{"org": githubv4.String("acme"), "after": (*githubv4.String)(nil)}
	var logins, roles []string
	for range 10 {
		if err := gqlClient(g, tok).Query(ctx(t), &q, vars); err != nil {
			t.Fatal(err)
		}
		for _, e := range q.Organization.MembersWithRole.Edges {
			logins = append(logins, e.Node.Login)
			roles = append(roles, string(e.Role))
		}
		if !q.Organization.MembersWithRole.PageInfo.HasNextPage {
			break
		}
		vars["after"] = q.Organization.MembersWithRole.PageInfo.EndCursor
	}
	if strings.Join(logins, ",") != "alice,bob,dave,erin,frank" || roles[0] != "ADMIN" || roles[1] != "MEMBER" ||
		q.Organization.MembersWithRole.TotalCount != 5 {
		t.Errorf("members %v %v", logins, roles)
	}
	if p := q.Organization.PendingMembers; p.TotalCount != 1 || p.Nodes[0].Login != "carol" {
		t.Errorf("pending %+v", p)
	}
}

func TestGraphQLRateLimit(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.SetClock(func() time.Time { return base })
	resp, body := rawGraphQL(t, g, tok, `{
		rateLimit { cost limit remaining used nodeCount resetAt }
		organization(login: "acme") { membersWithRole(first: 100) { nodes { login } } }
		search(query: "org:acme", type: ISSUE, first: 100) { issueCount }
	}`, nil)
	rl := body["data"].(map[string]any)["rateLimit"].(map[string]any)
	if rl["cost"] != float64(1) || rl["limit"] != float64(5000) || rl["remaining"] != float64(4999) || rl["used"] != float64(1) ||
		rl["nodeCount"] != float64(200) || rl["resetAt"] != "2024-03-10T13:00:00Z" {
		t.Errorf("rateLimit %v", rl)
	}
	if resp.Header.Get("X-RateLimit-Resource") != "graphql" || resp.Header.Get("X-RateLimit-Remaining") != "4999" {
		t.Errorf("headers %v", resp.Header)
	}
	// A nested connection under a 100-node connection costs ~100 requests.
	_, body = rawGraphQL(t, g, tok, `{
		rateLimit(dryRun: true) { cost remaining }
		search(query: "org:acme", type: ISSUE, first: 100) { nodes { ... on Organization { membersWithRole(first: 100) { totalCount } } } }
	}`, nil)
	rl = body["data"].(map[string]any)["rateLimit"].(map[string]any)
	if rl["cost"] != float64(1) || rl["remaining"] != float64(4999) {
		t.Errorf("dry run %v", rl)
	}
	_, body = rawGraphQL(t, g, tok, `{
		rateLimit { cost remaining }
		a: search(query: "org:acme", type: ISSUE, first: 100) { nodes { ... on Organization { membersWithRole(first: 100) { totalCount } } } }
		b: search(query: "org:acme", type: ISSUE, first: 100) { nodes { ... on Organization { membersWithRole(first: 100) { totalCount } } } }
	}`, nil)
	rl = body["data"].(map[string]any)["rateLimit"].(map[string]any)
	if rl["cost"] != float64(2) || rl["remaining"] != float64(4997) {
		t.Errorf("cost %v", rl)
	}
	// Exhaustion.
	g.SetRateLimitRemaining(tok, "graphql", 0)
	resp, body = rawGraphQL(t, g, tok, `{ viewer { login } }`, nil)
	if e := firstError(t, body); resp.StatusCode != 200 || e["type"] != "RATE_LIMITED" || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("exhausted: %d %v", resp.StatusCode, body)
	}
}

func TestGraphQLRestrictedToken(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.AddToken("acme-only", "acme")
	g.AddPR(f.otherRepo, f.carol.ID, "elsewhere", base)
	_, body := rawGraphQL(t, g, "acme-only", `{ organization(login: "other") { login } search(query: "is:pr", type: ISSUE, first: 10) { issueCount } }`, nil)
	if e := firstError(t, body); e["type"] != "NOT_FOUND" {
		t.Errorf("org: %v", body)
	}
	if n := body["data"].(map[string]any)["search"].(map[string]any)["issueCount"]; n != float64(2) {
		t.Errorf("restricted search sees %v", n)
	}
}

func TestRequestsRecordGraphQL(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.ResetRequests()
	searchAll(t, g, "org:acme is:pr", 1)
	searchAll(t, g, "org:acme is:pr", 1)
	docs := g.GraphQLDocuments()
	if len(docs) != 1 || !strings.Contains(docs[0], "search(query: $q") {
		t.Fatalf("documents %q", docs)
	}
	reqs := g.Requests()
	if len(reqs) != 4 || reqs[0].Variables["q"] != "org:acme is:pr" || reqs[0].Variables["first"] != int64(1) {
		t.Errorf("requests %+v", reqs)
	}
	// Every document received validates against the embedded schema.
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: SchemaSDL()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, errs := gqlparser.LoadQueryWithRules(schema, d, nil); errs != nil {
			t.Errorf("%s: %v", d, errs)
		}
	}
}

func TestConcurrentRequests(t *testing.T) {
	f := newFixture(t)
	g := f.g
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := g.AddUser(fmt.Sprint("c", i))
			g.AddPR(f.repo, u.ID, "concurrent", base)
			var q searchResp
			err := gqlClient(g, tok).Query(ctx(t), &q, map[string]any{"q": githubv4.String("org:acme"), "first": githubv4.Int(50), "after": (*githubv4.String)(nil)})
			if err != nil {
				t.Error(err)
			}
			_, _, err = restClient(t, g, tok).Organizations.CreateOrgInvitation(ctx(t), "acme", nil)
			_ = err // 422: no invitee; only checking for races
		}()
	}
	wg.Wait()
	if got := g.CountRequests(); got[KindGraphQL] != 8 || got[KindRESTWrite] != 8 {
		t.Errorf("counts %v", got)
	}
}

func TestGraphQLFragmentsVariablesDirectives(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.AddPR(f.repo, f.bot.ID, "Bump", base)
	doc := `
query Find($q: String!, $n: Int = 5, $withRepo: Boolean = false) {
  search(query: $q, type: ISSUE, first: $n) {
    nodes { ...PR }
    edges { cursor node { __typename } }
  }
}
fragment PR on PullRequest {
  title
  author { ...A }
  repository @include(if: $withRepo) { name }
  number @skip(if: true)
}
fragment A on Actor {
  login
  ... on User { databaseId }
  ... on Node { id }
}
query Other { viewer { login } }`
	resp, err := http.Post(g.GraphQLURL(), "application/json", strings.NewReader(fmt.Sprintf(
		`{"query":%q,"operationName":"Find","variables":{"q":"org:acme is:merged sort:created-asc"}}`, doc)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no token: %d", resp.StatusCode)
	}
	_, body := rawDo(t, "POST", g.GraphQLURL(), tok, map[string]any{
		"query": doc, "operationName": "Find", "variables": map[string]any{"q": "org:acme is:merged author:carol author:app/dependabot"},
	})
	if body["errors"] != nil {
		t.Fatalf("errors %v", body["errors"])
	}
	search := body["data"].(map[string]any)["search"].(map[string]any)
	nodes := search["nodes"].([]any)
	if len(nodes) != 2 {
		t.Fatalf("nodes %v", nodes)
	}
	for _, n := range nodes {
		m := n.(map[string]any)
		if _, has := m["repository"]; has {
			t.Error("@include(if: false) field present")
		}
		if _, has := m["number"]; has {
			t.Error("@skip(if: true) field present")
		}
		a := m["author"].(map[string]any)
		switch a["login"] {
		case "carol":
			if a["databaseId"] != float64(f.carol.ID) || a["id"] != f.carol.NodeID {
				t.Errorf("carol %v", a)
			}
		case "dependabot":
			if _, has := a["databaseId"]; has || a["id"] != f.bot.NodeID {
				t.Errorf("bot %v", a)
			}
		default:
			t.Errorf("author %v", a)
		}
	}
	if e := search["edges"].([]any); len(e) != 2 || e[0].(map[string]any)["node"].(map[string]any)["__typename"] != "PullRequest" {
		t.Errorf("edges %v", e)
	}
	// Variables given as a JSON string, and a variable overriding a default.
	_, body = rawDo(t, "POST", g.GraphQLURL(), tok, map[string]any{
		"query": doc, "operationName": "Find", "variables": `{"q":"org:acme","n":1,"withRepo":true}`,
	})
	nodes = body["data"].(map[string]any)["search"].(map[string]any)["nodes"].([]any)
	if len(nodes) != 1 {
		t.Errorf("n=1 gave %v", body)
	} else if _, has := nodes[0].(map[string]any)["repository"]; !has {
		t.Errorf("withRepo: %v", nodes[0])
	}
	// Several operations without operationName.
	_, body = rawGraphQL(t, g, tok, doc, map[string]any{"q": "x"})
	if e := firstError(t, body); e["message"] != "An operation name is required" {
		t.Errorf("no operation name: %v", e)
	}
}

func TestCloseDoesNotHangOnHungHandler(t *testing.T) {
	g := NewServer()
	g.AddToken(tok)
	started := make(chan struct{})
	g.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			select {
			case <-r.Context().Done():
			case <-g.Closing():
			}
		})
	})
	go func() {
		resp, err := g.Client(tok).Get(g.RESTURL() + "user")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	done := make(chan struct{})
	go func() { g.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hung handler")
	}
}

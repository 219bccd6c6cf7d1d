package fakegithub

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v88/github"
)

func TestAuth(t *testing.T) {
	f := newFixture(t)
	g := f.g

	// No token.
	_, _, err := restClient(t, g, "").Organizations.Get(ctx(t), "acme")
	er := asErrorResponse(t, err, http.StatusUnauthorized)
	if er.Message != MsgRequiresAuthentication {
		t.Errorf("message %q", er.Message)
	}
	// Unknown token.
	_, _, err = restClient(t, g, "nope").Organizations.Get(ctx(t), "acme")
	er = asErrorResponse(t, err, http.StatusUnauthorized)
	if er.Message != MsgBadCredentials || er.DocumentationURL == "" {
		t.Errorf("got %+v", er)
	}
	// "token X" scheme works as well as Bearer.
	resp, body := rawDo(t, "GET", g.RESTURL()+"orgs/acme", tok, nil)
	if resp.StatusCode != 200 || body["login"] != "acme" {
		t.Errorf("token scheme: %d %v", resp.StatusCode, body)
	}
	// GraphQL without a token.
	resp, body = rawGraphQL(t, g, "", "{ viewer { login } }", nil)
	if resp.StatusCode != 401 || body["message"] != MsgGraphQLRequiresAuthentication {
		t.Errorf("graphql no token: %d %v", resp.StatusCode, body)
	}
	resp, body = rawGraphQL(t, g, "nope", "{ viewer { login } }", nil)
	if resp.StatusCode != 401 || body["message"] != MsgBadCredentials {
		t.Errorf("graphql bad token: %d %v", resp.StatusCode, body)
	}
	// Paths outside the GHES prefixes are 404, even with a good token.
	for _, p := range []string{"/orgs/acme", "/graphql", "/api/v4/orgs/acme", "/"} {
		resp, body = rawDo(t, "GET", g.URL()+p, tok, nil)
		if resp.StatusCode != 404 || body["message"] != MsgNotFound {
			t.Errorf("%s: %d %v", p, resp.StatusCode, body)
		}
	}
	// Unknown REST routes and wrong methods are JSON 404s.
	resp, body = rawDo(t, "GET", g.RESTURL()+"orgs/acme/teams", tok, nil)
	if resp.StatusCode != 404 || body["message"] != MsgNotFound {
		t.Errorf("unknown route: %d %v", resp.StatusCode, body)
	}
	resp, _ = rawDo(t, "PATCH", g.RESTURL()+"orgs/acme/invitations", tok, nil)
	if resp.StatusCode != 404 {
		t.Errorf("wrong method: %d", resp.StatusCode)
	}
}

func TestHeadersAndRateLimit(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.SetClock(func() time.Time { return base })
	c := restClient(t, g, tok)

	_, resp, err := c.Organizations.Get(ctx(t), "acme")
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	if got := h.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("content type %q", got)
	}
	if h.Get("X-GitHub-Request-Id") == "" {
		t.Error("no request id")
	}
	if h.Get("X-RateLimit-Resource") != "core" || resp.Rate.Limit != 5000 || resp.Rate.Remaining != 4999 || resp.Rate.Used != 1 {
		t.Errorf("rate %+v resource %q", resp.Rate, h.Get("X-RateLimit-Resource"))
	}
	if want := base.Add(time.Hour); !resp.Rate.Reset.Time.Equal(want) {
		t.Errorf("reset %v, want %v", resp.Rate.Reset, want)
	}
	_, resp, _ = c.Organizations.Get(ctx(t), "acme")
	if resp.Rate.Remaining != 4998 {
		t.Errorf("remaining %d", resp.Rate.Remaining)
	}
	// GET /rate_limit is free and reports all resources.
	rl, _, err := c.RateLimit.Get(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if rl.Core.Remaining != 4998 || rl.GraphQL.Limit != 5000 || rl.Search.Limit != 30 {
		t.Errorf("rate_limit %+v %+v %+v", rl.Core, rl.GraphQL, rl.Search)
	}
	// Another token has its own window.
	g.AddToken("tok2")
	_, resp, _ = restClient(t, g, "tok2").Organizations.Get(ctx(t), "acme")
	if resp.Rate.Remaining != 4999 {
		t.Errorf("tok2 remaining %d", resp.Rate.Remaining)
	}
	// Exhaustion: 403 with remaining 0, decoded as *github.RateLimitError.
	g.SetRateLimitRemaining(tok, "core", 0)
	_, _, err = restClient(t, g, tok).Organizations.Get(ctx(t), "acme")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) || rle.Rate.Remaining != 0 {
		t.Errorf("want RateLimitError, got %T %v", err, err)
	}
	// The window resets an hour later.
	g.SetClock(func() time.Time { return base.Add(61 * time.Minute) })
	_, resp, err = restClient(t, g, tok).Organizations.Get(ctx(t), "acme")
	if err != nil || resp.Rate.Remaining != 4999 {
		t.Errorf("after reset: %v %+v", err, resp)
	}
}

func TestListMembersPagination(t *testing.T) {
	f := newFixture(t)
	g := f.g
	for _, u := range g.AddUsers("dave", "erin", "frank") {
		g.SetMember("acme", u.ID, "member")
	}
	c := restClient(t, g, tok)
	opts := &github.ListMembersOptions{ListOptions: github.ListOptions{PerPage: 2}}
	var logins []string
	pages := 0
	for {
		users, resp, err := c.Organizations.ListMembers(ctx(t), "acme", opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if pages == 1 {
			if resp.NextPage != 2 || resp.LastPage != 3 {
				t.Errorf("page 1: next %d last %d, Link %q", resp.NextPage, resp.LastPage, resp.Header.Get("Link"))
			}
			link := resp.Header.Get("Link")
			if !strings.Contains(link, "/api/v3/orgs/acme/members?page=2&per_page=2") || !strings.Contains(link, `rel="last"`) {
				t.Errorf("Link %q", link)
			}
		}
		if len(users) > 2 {
			t.Fatalf("page of %d", len(users))
		}
		for _, u := range users {
			logins = append(logins, u.GetLogin())
			if u.GetID() == 0 || u.GetNodeID() == "" || u.GetType() != "User" || u.GetHTMLURL() == "" {
				t.Errorf("user %+v", u)
			}
		}
		if resp.NextPage == 0 {
			if resp.PrevPage != 2 || resp.FirstPage != 1 {
				t.Errorf("last page: prev %d first %d", resp.PrevPage, resp.FirstPage)
			}
			break
		}
		opts.Page = resp.NextPage
	}
	if want := "alice,bob,dave,erin,frank"; strings.Join(logins, ",") != want || pages != 3 {
		t.Errorf("members %v in %d pages, want %s", logins, pages, want)
	}
	admins, _, err := c.Organizations.ListMembers(ctx(t), "acme", &github.ListMembersOptions{Role: "admin"})
	if err != nil || len(admins) != 1 || admins[0].GetLogin() != "alice" {
		t.Errorf("admins %v %v", admins, err)
	}
	_, _, err = c.Organizations.ListMembers(ctx(t), "nope", nil)
	asErrorResponse(t, err, 404)

	// Default page size 30, maximum 100.
	for i := range 120 {
		u := g.AddUser(fmt.Sprintf("user%03d", i))
		g.SetMember("acme", u.ID, "member")
	}
	users, _, _ := c.Organizations.ListMembers(ctx(t), "acme", nil)
	if len(users) != 30 {
		t.Errorf("default page %d", len(users))
	}
	users, resp, _ := c.Organizations.ListMembers(ctx(t), "acme", &github.ListMembersOptions{ListOptions: github.ListOptions{PerPage: 500}})
	if len(users) != 100 || resp.LastPage != 2 {
		t.Errorf("per_page 500 gave %d, last %d", len(users), resp.LastPage)
	}
}

func TestInvitations(t *testing.T) {
	f := newFixture(t)
	g := f.g
	c := restClient(t, g, tok)
	dave := g.AddUser("dave")

	inv, resp, err := c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{
		InviteeID: github.Ptr(f.carol.ID), Role: github.Ptr("direct_member"),
	})
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create: %v %v", resp, err)
	}
	if inv.GetLogin() != "carol" || inv.GetRole() != "direct_member" || inv.GetID() == 0 ||
		inv.GetInviter().GetLogin() != DefaultTokenOwner || inv.CreatedAt == nil || inv.GetNodeID() == "" {
		t.Errorf("invitation %+v", inv)
	}

	check422 := func(err error, field, msg string) {
		t.Helper()
		er := asErrorResponse(t, err, 422)
		if er.Message != MsgValidationFailed || len(er.Errors) != 1 || er.Errors[0].Message != msg ||
			er.Errors[0].Field != field || er.Errors[0].Resource != "OrganizationInvitation" || er.DocumentationURL == "" {
			t.Errorf("422 %+v", er)
		}
	}
	invite := func(id int64, role string) error {
		_, _, err := c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{InviteeID: &id, Role: &role})
		return err
	}
	check422(invite(f.carol.ID, "direct_member"), "data", MsgAlreadyInvited)
	check422(invite(f.bob.ID, "direct_member"), "data", MsgAlreadyMember)
	check422(invite(dave.ID, "overlord"), "role", MsgInvalidRole)
	asErrorResponse(t, invite(999999, "direct_member"), 404) // no such account
	check422(invite(f.bot.ID, "direct_member"), "invitee_id", MsgInviteeNotFound)
	gone := g.AddUser("gone")
	g.DeleteUser(gone.ID)
	if er := asErrorResponse(t, invite(gone.ID, "direct_member"), 422); er.Message != MsgInvalidInviteeID || len(er.Errors) != 0 {
		t.Errorf("a deleted invitee: %+v, want 422 %q without errors", er, MsgInvalidInviteeID)
	}

	// By email; duplicate email.
	_, _, err = c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{Email: github.Ptr("x@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{Email: github.Ptr("X@example.com")})
	check422(err, "data", MsgAlreadyInvited)

	// Bad JSON.
	resp2, body := rawDo(t, "POST", g.RESTURL()+"orgs/acme/invitations", tok, "not an object")
	if resp2.StatusCode != 400 || body["message"] != MsgProblemsParsingJSON {
		t.Errorf("string body: %d %v", resp2.StatusCode, body)
	}
	resp2, body = rawDo(t, "POST", g.RESTURL()+"orgs/acme/invitations", tok, map[string]any{"invitee_id": "abc"})
	if resp2.StatusCode != 422 || !strings.Contains(body["message"].(string), "'properties/invitee_id', string is not an integer") {
		t.Errorf("invitee_id string: %d %v", resp2.StatusCode, body)
	}

	created := g.CreatedInvitations("acme")
	if len(created) != 2 || created[0].InviteeID != f.carol.ID || created[0].Login != "carol" || created[1].Email != "x@example.com" {
		t.Errorf("created %+v", created)
	}

	// Listing pending invitations, with pagination.
	g.AddPendingInvitation("acme", dave.ID)
	pending, _, err := c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", nil)
	if err != nil || len(pending) != 3 {
		t.Fatalf("pending %v %v", pending, err)
	}
	if pending[1].Email == nil || pending[0].Email != nil || pending[0].GetLogin() != "carol" || pending[2].GetLogin() != "dave" {
		t.Errorf("pending %v", pending)
	}
	page, resp, _ := c.Organizations.ListPendingOrgInvitations(ctx(t), "acme", &github.ListOptions{PerPage: 2, Page: 2})
	if len(page) != 1 || resp.PrevPage != 1 {
		t.Errorf("page 2: %v prev %d", page, resp.PrevPage)
	}
	if got := len(g.PendingInvitations("acme")); got != 3 {
		t.Errorf("PendingInvitations %d", got)
	}

	// Expiry moves an invitation to failed_invitations; acceptance makes a member.
	g.ExpireInvitation("acme", f.carol.ID)
	failed, _, err := c.Organizations.ListFailedOrgInvitations(ctx(t), "acme", nil)
	if err != nil || len(failed) != 1 || failed[0].GetFailedReason() != FailedReasonExpired || failed[0].FailedAt == nil {
		t.Errorf("failed %v %v", failed, err)
	}
	if err := invite(f.carol.ID, "direct_member"); err != nil {
		t.Errorf("re-inviting after expiry: %v", err)
	}
	g.AcceptInvitation("acme", dave.ID)
	if len(g.PendingInvitations("acme")) != 2 {
		t.Errorf("pending after accept %v", g.PendingInvitations("acme"))
	}
	check422(invite(dave.ID, "direct_member"), "data", MsgAlreadyMember)
	g.DeclineInvitation("acme", f.carol.ID)
	if len(g.PendingInvitations("acme")) != 1 {
		t.Errorf("pending after decline %v", g.PendingInvitations("acme"))
	}
	// Unknown org.
	_, _, err = c.Organizations.CreateOrgInvitation(ctx(t), "nope", &github.CreateOrgInvitationOptions{InviteeID: &dave.ID})
	asErrorResponse(t, err, 404)
}

func TestRestrictedToken(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.AddToken("acme-only", "acme")
	c := restClient(t, g, "acme-only")
	if _, _, err := c.Organizations.Get(ctx(t), "acme"); err != nil {
		t.Errorf("own org: %v", err)
	}
	_, _, err := c.Organizations.Get(ctx(t), "other")
	asErrorResponse(t, err, 404)
	_, _, err = c.Organizations.ListMembers(ctx(t), "other", nil)
	asErrorResponse(t, err, 404)
	_, _, err = c.Organizations.CreateOrgInvitation(ctx(t), "other", &github.CreateOrgInvitationOptions{InviteeID: &f.carol.ID})
	er := asErrorResponse(t, err, 403)
	if er.Message != MsgNotAccessibleByToken {
		t.Errorf("message %q", er.Message)
	}
	pr := g.AddPR(f.otherRepo, f.carol.ID, "x", base)
	_, _, err = c.Issues.CreateComment(ctx(t), "other", "stuff", pr.Number, &github.IssueComment{Body: github.Ptr("hi")})
	asErrorResponse(t, err, 403)
	_, _, err = c.Issues.ListComments(ctx(t), "other", "stuff", pr.Number, nil)
	asErrorResponse(t, err, 404)
}

func TestMembership(t *testing.T) {
	f := newFixture(t)
	g := f.g
	c := restClient(t, g, tok)
	g.AddPendingInvitation("acme", f.carol.ID)

	m, _, err := c.Organizations.GetOrgMembership(ctx(t), "alice", "acme")
	if err != nil || m.GetState() != "active" || m.GetRole() != "admin" || m.GetUser().GetLogin() != "alice" ||
		m.GetOrganization().GetLogin() != "acme" || !strings.HasSuffix(m.GetOrganizationURL(), "/api/v3/orgs/acme") {
		t.Errorf("alice: %+v %v", m, err)
	}
	m, _, err = c.Organizations.GetOrgMembership(ctx(t), "bob", "acme")
	if err != nil || m.GetState() != "active" || m.GetRole() != "member" {
		t.Errorf("bob: %+v %v", m, err)
	}
	m, _, err = c.Organizations.GetOrgMembership(ctx(t), "carol", "acme")
	if err != nil || m.GetState() != "pending" || m.GetRole() != "member" {
		t.Errorf("carol: %+v %v", m, err)
	}
	dave := g.AddUser("dave")
	_, _, err = c.Organizations.GetOrgMembership(ctx(t), "dave", "acme")
	asErrorResponse(t, err, 404)
	_, _, err = c.Organizations.GetOrgMembership(ctx(t), "nobody", "acme")
	asErrorResponse(t, err, 404)

	// IsMember (GET /orgs/{org}/members/{username}).
	if ok, _, err := c.Organizations.IsMember(ctx(t), "acme", "bob"); !ok || err != nil {
		t.Errorf("IsMember bob %v %v", ok, err)
	}
	if ok, _, _ := c.Organizations.IsMember(ctx(t), "acme", "carol"); ok {
		t.Error("IsMember carol")
	}

	// PUT works (it exists on GitHub) and is visible in the request log.
	m, _, err = c.Organizations.EditOrgMembership(ctx(t), "dave", "acme", &github.Membership{Role: github.Ptr("member")})
	if err != nil || m.GetState() != "pending" {
		t.Errorf("PUT: %+v %v", m, err)
	}
	if got := g.CreatedInvitations("acme"); len(got) != 1 || got[0].InviteeID != dave.ID {
		t.Errorf("created %+v", got)
	}
	var puts int
	for _, r := range g.Requests() {
		if r.Method == "PUT" && strings.Contains(r.Path, "/memberships/") {
			puts++
			if r.Kind != KindRESTWrite || r.Status != 200 || r.Path != "/api/v3/orgs/acme/memberships/dave" {
				t.Errorf("request %+v", r)
			}
		}
	}
	if puts != 1 {
		t.Errorf("%d PUTs", puts)
	}
	// Removing a member.
	g.RemoveMember("acme", f.bob.ID)
	_, _, err = c.Organizations.GetOrgMembership(ctx(t), "bob", "acme")
	asErrorResponse(t, err, 404)
}

func TestComments(t *testing.T) {
	f := newFixture(t)
	g := f.g
	c := restClient(t, g, tok)
	n := f.mergedPR.Number

	cm, resp, err := c.Issues.CreateComment(ctx(t), "acme", "widgets", n, &github.IssueComment{Body: github.Ptr("Welcome!")})
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create: %v %v", resp, err)
	}
	if cm.GetBody() != "Welcome!" || cm.GetUser().GetLogin() != DefaultTokenOwner || cm.GetID() == 0 || cm.CreatedAt == nil ||
		!strings.Contains(cm.GetHTMLURL(), "/acme/widgets/pull/"+strconv.Itoa(n)+"#issuecomment-") || cm.GetNodeID() == "" {
		t.Errorf("comment %+v", cm)
	}
	for i := range 3 {
		if _, _, err := c.Issues.CreateComment(ctx(t), "acme", "widgets", n, &github.IssueComment{Body: github.Ptr(fmt.Sprint("more ", i))}); err != nil {
			t.Fatal(err)
		}
	}
	list, resp, err := c.Issues.ListComments(ctx(t), "acme", "widgets", n, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 3}})
	if err != nil || len(list) != 3 || list[0].GetBody() != "Welcome!" || resp.NextPage != 2 {
		t.Errorf("list %v %v %v", list, resp, err)
	}
	if got := g.Comments("acme/widgets", n); len(got) != 4 || got[0].AuthorLogin != DefaultTokenOwner || got[0].Repo != "acme/widgets" {
		t.Errorf("Comments %+v", got)
	}
	if len(g.AllComments()) != 4 {
		t.Errorf("AllComments %d", len(g.AllComments()))
	}

	_, _, err = c.Issues.CreateComment(ctx(t), "acme", "widgets", 999, &github.IssueComment{Body: github.Ptr("x")})
	asErrorResponse(t, err, 404)
	_, _, err = c.Issues.CreateComment(ctx(t), "acme", "nope", n, &github.IssueComment{Body: github.Ptr("x")})
	asErrorResponse(t, err, 404)
	_, _, err = c.Issues.CreateComment(ctx(t), "acme", "widgets", n, &github.IssueComment{})
	er := asErrorResponse(t, err, 422)
	if len(er.Errors) != 1 || er.Errors[0].Code != "missing_field" || er.Errors[0].Field != "body" {
		t.Errorf("422 %+v", er)
	}
	g.UpdateRepo(f.repo.ID, func(r *Repo) { r.Archived = true })
	_, _, err = c.Issues.CreateComment(ctx(t), "acme", "widgets", n, &github.IssueComment{Body: github.Ptr("x")})
	if er := asErrorResponse(t, err, 403); er.Message != MsgArchived {
		t.Errorf("archived: %q", er.Message)
	}
}

func TestUsers(t *testing.T) {
	f := newFixture(t)
	g := f.g
	c := restClient(t, g, tok)
	u, _, err := c.Users.Get(ctx(t), "carol")
	if err != nil || u.GetID() != f.carol.ID || u.GetType() != "User" || u.GetNodeID() != f.carol.NodeID {
		t.Errorf("carol %+v %v", u, err)
	}
	u, _, err = c.Users.Get(ctx(t), "dependabot[bot]")
	if err != nil || u.GetType() != "Bot" {
		t.Errorf("bot %+v %v", u, err)
	}
	_, _, err = c.Users.Get(ctx(t), "old-import")
	asErrorResponse(t, err, 404)
	me, _, err := c.Users.Get(ctx(t), "")
	if err != nil || me.GetLogin() != DefaultTokenOwner {
		t.Errorf("GET /user %+v %v", me, err)
	}
	g.RenameUser(f.carol.ID, "caroline")
	_, _, err = c.Users.Get(ctx(t), "carol")
	asErrorResponse(t, err, 404)
	if u, _, err := c.Users.Get(ctx(t), "Caroline"); err != nil || u.GetID() != f.carol.ID {
		t.Errorf("renamed %+v %v", u, err)
	}
	g.DeleteUser(f.carol.ID)
	_, _, err = c.Users.Get(ctx(t), "caroline")
	asErrorResponse(t, err, 404)
}

func TestRequestAccountingAndUse(t *testing.T) {
	f := newFixture(t)
	g := f.g
	c := restClient(t, g, tok)
	g.ResetRequests()
	c.Organizations.Get(ctx(t), "acme")
	c.Organizations.Get(ctx(t), "acme")
	c.Issues.CreateComment(ctx(t), "acme", "widgets", f.mergedPR.Number, &github.IssueComment{Body: github.Ptr("x")})
	var q struct{ Viewer struct{ Login string } }
	if err := gqlClient(g, tok).Query(ctx(t), &q, nil); err != nil || q.Viewer.Login != DefaultTokenOwner {
		t.Fatalf("viewer %v %v", q, err)
	}
	got := g.CountRequests()
	if got[KindRESTRead] != 2 || got[KindRESTWrite] != 1 || got[KindGraphQL] != 1 {
		t.Errorf("counts %v", got)
	}
	if KindGraphQL.String() != "graphql" || KindRESTRead.String() != "rest-read" || KindRESTWrite.String() != "rest-write" {
		t.Error("Kind.String")
	}
	reqs := g.Requests()
	if len(reqs) != 4 || reqs[0].Token != tok || reqs[0].Path != "/api/v3/orgs/acme" || reqs[0].Status != 200 ||
		reqs[2].Status != 201 || reqs[3].GraphQL == "" || reqs[3].Kind != KindGraphQL {
		t.Errorf("requests %+v", reqs)
	}

	// A fault-injecting middleware answers for the fake, and is recorded.
	g.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if KindOf(r) == KindRESTWrite && TokenOf(r) == tok {
				WriteError(w, http.StatusBadGateway, "Server Error", "")
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	_, _, err := c.Issues.CreateComment(ctx(t), "acme", "widgets", f.mergedPR.Number, &github.IssueComment{Body: github.Ptr("x")})
	asErrorResponse(t, err, 502)
	if _, _, err := c.Organizations.Get(ctx(t), "acme"); err != nil {
		t.Errorf("reads still work: %v", err)
	}
	reqs = g.Requests()
	if last := reqs[len(reqs)-2]; last.Status != 502 || last.Kind != KindRESTWrite {
		t.Errorf("faulted request %+v", last)
	}
	if len(g.Comments("acme/widgets", f.mergedPR.Number)) != 1 {
		t.Error("faulted comment was stored")
	}
}

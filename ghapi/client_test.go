package ghapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/schematest"
	"github.com/python-trio/snekomatic/reconcile"
)

const tok = "ghp_ghapiTestToken"

func setup(t *testing.T) (*fakegithub.GitHub, *Client) {
	t.Helper()
	gh := fakegithub.New(t)
	gh.AddOrg("trio")
	gh.AddToken(tok)
	// These tests are of the adapter alone: who may invite, and pacing
	// under the content limits, are the e2e tests' business; who may see
	// pending invitations has tests of its own (partial_test.go).
	gh.SetOwnersOnlyInvitations(false)
	gh.SetPendingInvitationsOwnersOnly(false)
	gh.SetContentLimits(0, 0)
	c, err := New(gh.Client(tok), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	// The fake's tokens belong to DefaultTokenOwner: its comments are ours.
	c.SetSelf(func(context.Context) (string, error) { return fakegithub.DefaultTokenOwner, nil })
	t.Cleanup(func() { schematest.ValidateDocuments(t, gh.GraphQLDocuments()) })
	return gh, c
}

func TestInviteOutcomes(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	member := gh.AddUser("member")
	gh.SetMember("trio", member.ID, "admin")
	pending := gh.AddUser("pending")
	gh.AddPendingInvitation("trio", pending.ID)
	gone := gh.AddUser("gone")
	gh.DeleteUser(gone.ID)
	fresh := gh.AddUser("fresh")

	tests := []struct {
		name string
		id   int64
		want error
	}{
		{"new person", fresh.ID, nil},
		{"owner", member.ID, reconcile.ErrAlreadyMember},
		{"pending", pending.ID, reconcile.ErrAlreadyInvited},
		{"deleted", gone.ID, reconcile.ErrNoSuchUser},
		{"twice", fresh.ID, reconcile.ErrAlreadyInvited},
	}
	for _, tt := range tests {
		err := c.SendInvitation(ctx, "trio", tt.id, reconcile.InviteOptions{})
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: Invite error = %v, want %v", tt.name, err, tt.want)
		}
	}
	if inv := gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].Role != "direct_member" {
		t.Errorf("created invitations = %+v", inv)
	}
	for _, r := range gh.Requests() {
		if r.Method == http.MethodPut {
			t.Errorf("unexpected %s %s", r.Method, r.Path)
		}
	}
}

func TestInviteFailuresWithoutAnAnswerMayHaveBeenSent(t *testing.T) {
	gh, c := setup(t)
	u := gh.AddUser("u")
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				fakegithub.WriteError(w, http.StatusBadGateway, "Server Error", "")
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	err := c.SendInvitation(context.Background(), "trio", u.ID, reconcile.InviteOptions{})
	if !errors.Is(err, reconcile.ErrMaybeSent) {
		t.Errorf("a 502 answer to an invitation: error = %v, want ErrMaybeSent", err)
	}
}

func TestMembership(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	m := gh.AddUser("m")
	gh.SetMember("trio", m.ID, "member")
	p := gh.AddUser("p")
	gh.AddPendingInvitation("trio", p.ID)
	n := gh.AddUser("n")
	for _, tt := range []struct {
		who  *fakegithub.Account
		want reconcile.MemberState
	}{{m, reconcile.ActiveMember}, {p, reconcile.PendingInvitee}, {n, reconcile.NotMember}} {
		st, id, err := c.Membership(ctx, "trio", tt.who.Login)
		if err != nil || st != tt.want || (st != reconcile.NotMember && id != tt.who.ID) {
			t.Errorf("Membership(%s) = %v, %d, %v; want %v, %d", tt.who.Login, st, id, err, tt.want, tt.who.ID)
		}
	}
}

func TestMembershipsPagesBothListsTogether(t *testing.T) {
	gh, c := setup(t)
	want := map[int64]reconcile.MemberState{}
	for i := range 250 {
		u := gh.AddUser(fmt.Sprintf("m%d", i))
		gh.SetMember("trio", u.ID, "member")
		want[u.ID] = reconcile.ActiveMember
	}
	for i := range 120 {
		u := gh.AddUser(fmt.Sprintf("p%d", i))
		gh.AddPendingInvitation("trio", u.ID)
		want[u.ID] = reconcile.PendingInvitee
	}
	got, err := c.Memberships(context.Background(), "trio")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("listed %d people, want %d", len(got), len(want))
	}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("user %d: %v, want %v", id, got[id], st)
		}
	}
	if n := gh.CountRequests()[fakegithub.KindGraphQL]; n != 3 {
		t.Errorf("%d GraphQL requests, want 3 (the longer list has 3 pages of 100)", n)
	}
	if c.GraphQLPoints() <= 0 {
		t.Errorf("GraphQL points not counted")
	}
}

func TestSearchMerged(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	repo := gh.AddRepo("trio", "trio")
	u := gh.AddUser("alice")
	gh.SetMember("trio", gh.AddUser("m").ID, "member")
	now := time.Now().UTC().Truncate(time.Second)
	in := gh.AddPR(repo, u.ID, "in", now.Add(-time.Hour))
	gh.AddPR(repo, u.ID, "edge", now.Add(-2*time.Hour)) // exactly at From: included
	gh.AddPR(repo, u.ID, "before", now.Add(-3*time.Hour))
	gh.AddPR(repo, u.ID, "open", time.Time{})
	w := reconcile.SearchQuery{Window: reconcile.Window{From: now.Add(-2 * time.Hour), To: now}}
	page, err := c.SearchMerged(ctx, "trio", w, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 2 || len(page.PRs) != 2 || page.Members != 1 || page.Pending != 0 {
		t.Fatalf("page = %+v", page)
	}
	var got *reconcile.PullRequest
	for i := range page.PRs {
		if page.PRs[i].Number == in.Number {
			got = &page.PRs[i]
		}
	}
	if got == nil || got.Author != (reconcile.Author{Type: "User", ID: u.ID, Login: "alice"}) || got.Repo != "trio/trio" ||
		!got.MergedAt.Equal(now.Add(-time.Hour)) || !strings.HasSuffix(got.URL, fmt.Sprintf("/pull/%d", in.Number)) {
		t.Errorf("pull request = %+v", got)
	}

	if _, err := c.SearchMerged(ctx, "no-such-org", w, ""); err == nil {
		t.Errorf("searching an unknown organization should fail")
	}
}

// Pages after the first are asked for with the cursor, and every page's
// cost is counted.
func TestSearchMergedPages(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	repo := gh.AddRepo("trio", "trio")
	u := gh.AddUser("alice")
	now := time.Now().UTC().Truncate(time.Second)
	for i := range 150 {
		gh.AddPR(repo, u.ID, fmt.Sprint("pr", i), now.Add(-time.Duration(i+1)*time.Second))
	}
	w := reconcile.SearchQuery{Window: reconcile.Window{From: now.Add(-time.Hour), To: now}}
	first, err := c.SearchMerged(ctx, "trio", w, "")
	if err != nil {
		t.Fatal(err)
	}
	spent := c.GraphQLPoints()
	if len(first.PRs) != 100 || !first.HasNext || first.EndCursor == "" || spent <= 0 {
		t.Fatalf("first page: %d prs, next %v %q, %d points", len(first.PRs), first.HasNext, first.EndCursor, spent)
	}
	second, err := c.SearchMerged(ctx, "trio", w, first.EndCursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.PRs) != 50 || second.HasNext || second.Total != 150 || second.Members != -1 {
		t.Errorf("second page: %d prs of %d, next %v, members %d", len(second.PRs), second.Total, second.HasNext, second.Members)
	}
	if c.GraphQLPoints() <= spent {
		t.Errorf("the second page's cost is not counted (%d points after both)", c.GraphQLPoints())
	}
	// Bad input is refused before any request.
	before := gh.CountRequests()[fakegithub.KindGraphQL]
	if _, err := c.SearchMerged(ctx, "trio org:other", w, ""); err == nil || !strings.Contains(err.Error(), "not a valid") {
		t.Errorf("an organization login with a space: %v", err)
	}
	backwards := reconcile.SearchQuery{Window: reconcile.Window{From: now, To: now.Add(-time.Hour)}}
	if _, err := c.SearchMerged(ctx, "trio", backwards, ""); err == nil {
		t.Error("a window that ends before it starts was searched")
	}
	if n := gh.CountRequests()[fakegithub.KindGraphQL]; n != before {
		t.Errorf("%d requests for bad input", n-before)
	}
}

// A 401 on any page of the search is terminal; an organization GitHub
// answers null for is named.
func TestSearchMergedFailures(t *testing.T) {
	w := reconcile.SearchQuery{Window: reconcile.Window{From: time.Now().Add(-time.Hour), To: time.Now()}}
	for _, cursor := range []string{"", "Y3Vyc29y"} {
		gh, c := setup(t)
		var n atomic.Int32
		graphQLStub(gh, &n, 401, func(int) string { return `{"message":"Bad credentials"}` })
		if _, err := c.SearchMerged(context.Background(), "trio", w, cursor); !reconcile.IsTerminal(err) {
			t.Errorf("cursor %q: error = %v, want terminal", cursor, err)
		}
	}
	gh, c := setup(t)
	var n atomic.Int32
	graphQLStub(gh, &n, 200, func(int) string {
		return `{"data":{"search":{"issueCount":0,"pageInfo":{"hasNextPage":false,"endCursor":""},"nodes":[]},"organization":null,` +
			`"rateLimit":{"cost":1,"remaining":1,"resetAt":"2030-01-01T00:00:00Z"}}}`
	})
	if _, err := c.SearchMerged(context.Background(), "trio", w, ""); err == nil || !strings.Contains(err.Error(), "null for the organization trio") {
		t.Errorf("error = %v, want one naming the organization", err)
	}
}

func TestMembershipRefusedIsTerminal(t *testing.T) {
	gh, c := setup(t)
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fakegithub.WriteError(w, http.StatusForbidden, "Resource not accessible by integration", "")
		})
	})
	if _, _, err := c.Membership(context.Background(), "trio", "alice"); !reconcile.IsTerminal(err) || !errors.Is(err, reconcile.ErrForbidden) {
		t.Errorf("error = %v, want the terminal 403", err)
	}
}

func TestNewRefusesABadURL(t *testing.T) {
	if _, err := New(http.DefaultClient, "http://[::1", "http://x/graphql"); err == nil {
		t.Error("New accepted an API URL that does not parse")
	}
}

func TestFindComment(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	repo := gh.AddRepo("trio", "trio")
	pr := gh.AddPR(repo, gh.AddUser("a").ID, "x", time.Now())
	for i := range 130 {
		if _, err := c.Comment(ctx, "trio/trio", pr.Number, fmt.Sprintf("comment %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if url, err := c.FindComment(ctx, "trio/trio", pr.Number, "<!-- marker -->"); err != nil || url != "" {
		t.Errorf("FindComment before = %q, %v", url, err)
	}
	posted, err := c.Comment(ctx, "trio/trio", pr.Number, "hello <!-- marker -->")
	if err != nil {
		t.Fatal(err)
	}
	if url, err := c.FindComment(ctx, "trio/trio", pr.Number, "<!-- marker -->"); err != nil || url != posted {
		t.Errorf("FindComment on page 2 = %q, %v; want %q", url, err, posted)
	}
}

// A look for the marker that fails is an error, never "not found": "not
// found" would let an unsure invitation be sent again. A repository that
// is not owner/name is refused before any request.
func TestCommentsFailLoudly(t *testing.T) {
	gh, c := setup(t)
	ctx := context.Background()
	repo := gh.AddRepo("trio", "trio")
	pr := gh.AddPR(repo, gh.AddUser("a").ID, "x", time.Now())
	if _, err := c.Comment(ctx, "trio/trio", pr.Number, "hello <!-- marker -->"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"trio", "/trio", "trio/"} {
		if _, err := c.FindComment(ctx, bad, pr.Number, "<!-- marker -->"); err == nil || !strings.Contains(err.Error(), "not owner/name") {
			t.Errorf("FindComment(%q) error = %v, want one about the repository", bad, err)
		}
		if _, err := c.Comment(ctx, bad, pr.Number, "hi"); err == nil || !strings.Contains(err.Error(), "not owner/name") {
			t.Errorf("Comment(%q) error = %v, want one about the repository", bad, err)
		}
	}
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fakegithub.WriteError(w, http.StatusForbidden, "Resource not accessible by integration", "")
		})
	})
	url, err := c.FindComment(ctx, "trio/trio", pr.Number, "<!-- marker -->")
	if err == nil || url != "" || !errors.Is(err, reconcile.ErrForbidden) {
		t.Errorf("FindComment on a 403 = %q, %v; want the terminal 403", url, err)
	}
}

func TestMergedQuery(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 11, 2, 12, 30, 5, 0, time.FixedZone("x", 3600))
	q, err := MergedQuery("python-trio", from, to, time.Time{})
	want := "is:pr is:merged org:python-trio merged:2026-11-01T00:00:00+00:00..2026-11-02T11:30:05+00:00 sort:created-asc"
	if err != nil || q != want {
		t.Errorf("MergedQuery = %q, %v\nwant %q", q, err, want)
	}
	q, _ = MergedQuery("python-trio", from, to, from.Add(-time.Hour))
	if want := "created:>=2026-10-31T23:00:00+00:00 sort:created-asc"; !strings.HasSuffix(q, want) {
		t.Errorf("MergedQuery with createdFrom = %q, want it to end %q", q, want)
	}
	for _, bad := range []string{"", "foo is:issue", "a:b", `"x"`, "-lead", "trail-", "dou--ble", strings.Repeat("x", 40), "tab\there", "ünï"} {
		if _, err := MergedQuery(bad, from, to, time.Time{}); err == nil {
			t.Errorf("MergedQuery(%q) accepted an invalid login", bad)
		}
	}
	if _, err := MergedQuery("ok", to, from, time.Time{}); err == nil {
		t.Errorf("a window that ends before it starts was accepted")
	}
}

// FuzzMergedQuery checks that no organization name can add a qualifier:
// whatever it is given, the builder either refuses it or produces exactly
// the four terms it means to.
func FuzzMergedQuery(f *testing.F) {
	for _, s := range []string{"python-trio", "foo is:issue", "a b", "x\ny", "org:evil", "A-b_c"} {
		f.Add(s)
	}
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	f.Fuzz(func(t *testing.T, org string) {
		q, err := MergedQuery(org, from, to, time.Time{})
		if err != nil {
			return
		}
		terms := strings.Fields(q)
		if len(terms) != 5 || terms[2] != "org:"+org || strings.ContainsAny(org, " :\"'\t\n\\") {
			t.Fatalf("org %q produced query %q", org, q)
		}
	})
}

// A list that ended without a cursor (an empty one) is asked for again
// from its start, never with a cursor GitHub did not give ("").
func TestMembershipsNeverSendsAnEmptyCursor(t *testing.T) {
	gh, c := setup(t)
	for i := range 150 {
		gh.SetMember("trio", gh.AddUser(fmt.Sprintf("m%d", i)).ID, "member")
	}
	var mu sync.Mutex
	var bodies []string
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "graphql") {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				mu.Lock()
				bodies = append(bodies, string(b))
				mu.Unlock()
			}
			next.ServeHTTP(w, r)
		})
	})
	got, err := c.Memberships(context.Background(), "trio")
	if err != nil || len(got) != 150 {
		t.Fatalf("listed %d, %v", len(got), err)
	}
	if len(bodies) != 2 {
		t.Fatalf("%d requests, want 2", len(bodies))
	}
	for _, b := range bodies {
		if strings.Contains(b, `"pending":""`) {
			t.Errorf("request with an empty cursor: %s", b)
		}
	}
}

package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
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
	// under the content limits, are the e2e tests' business.
	gh.SetOwnersOnlyInvitations(false)
	gh.SetContentLimits(0, 0)
	c, err := New(gh.Client(tok), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
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
	}{{m, reconcile.Member}, {p, reconcile.Pending}, {n, reconcile.NotMember}} {
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
		want[u.ID] = reconcile.Member
	}
	for i := range 120 {
		u := gh.AddUser(fmt.Sprintf("p%d", i))
		gh.AddPendingInvitation("trio", u.ID)
		want[u.ID] = reconcile.Pending
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

package ghapi

// Tests written for the mutation sweep (MUTATION.md).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
)

// withScopes adds GitHub's X-OAuth-Scopes header, as for a classic token,
// to every answer.
type withScopes struct {
	base   http.RoundTripper
	scopes string
}

func (s withScopes) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(req)
	if err == nil {
		resp.Header.Set("X-OAuth-Scopes", s.scopes)
	}
	return resp, err
}

// TokenUser lists a classic token's scopes, and none for a token GitHub
// lists none for (fine-grained, installation).
func TestTokenUserScopes(t *testing.T) {
	gh, c := setup(t)
	if _, scopes, err := c.TokenUser(context.Background()); err != nil || scopes != nil {
		t.Errorf("TokenUser without scopes = %q, %v; want none", scopes, err)
	}
	hc := gh.Client(tok)
	hc.Transport = withScopes{hc.Transport, "admin:org, repo,  read:user"}
	sc, err := New(hc, gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, scopes, err := sc.TokenUser(context.Background()); err != nil || strings.Join(scopes, "|") != "admin:org|repo|read:user" {
		t.Errorf("TokenUser with scopes = %q, %v", scopes, err)
	}
}

// Exactly fifty people are one request, and nobody is none.
func TestCountMergedFullBatchAndNobody(t *testing.T) {
	gh, c := setup(t)
	var logins []string
	for i := range countBatch {
		logins = append(logins, gh.AddUser(fmt.Sprintf("user%d", i)).Login)
	}
	gh.ResetRequests()
	if counts, err := c.CountMerged(context.Background(), "trio", nil); err != nil || len(counts) != 0 {
		t.Errorf("CountMerged of nobody = %v, %v", counts, err)
	}
	if n := len(gh.Requests()); n != 0 {
		t.Errorf("%d requests to count nobody", n)
	}
	if counts, err := c.CountMerged(context.Background(), "trio", logins); err != nil || len(counts) != countBatch {
		t.Errorf("CountMerged of %d = %d counts, %v", countBatch, len(counts), err)
	}
	if n := gh.CountRequests()[fakegithub.KindGraphQL]; n != 1 {
		t.Errorf("%d requests for %d people, want 1", n, countBatch)
	}
}

// demoteOnSecondQuery takes away the token's user's ownership of trio just
// before the second GraphQL query goes, so that GitHub shows the pending
// invitations on the first page of the roster and refuses them on the
// next.
type demoteOnSecondQuery struct {
	gh    *fakegithub.GitHub
	base  http.RoundTripper
	count int
}

func (d *demoteOnSecondQuery) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == fakegithub.GraphQLPath {
		d.count++
		if d.count == 2 {
			d.gh.SetMember("trio", d.gh.TokenOwner().ID, "member")
		}
	}
	return d.base.RoundTrip(req)
}

// Invitations refused on a later page of the roster: those read on earlier
// pages are dropped too (none is half known), and the members are kept.
func TestMembershipsDropsInvitationsReadBeforeTheyWereRefused(t *testing.T) {
	gh, _ := setupWithErrorTypes(t)
	gh.MakeOwner("trio", gh.TokenOwner().ID)
	var members []int64
	for i := range 150 {
		u := gh.AddUser(fmt.Sprintf("m%03d", i))
		gh.SetMember("trio", u.ID, "member")
		members = append(members, u.ID)
	}
	pending := gh.AddUser("pending")
	gh.AddPendingInvitation("trio", pending.ID)
	hc := &http.Client{Transport: ghtransport.NewGraphQLErrorTypes(
		&demoteOnSecondQuery{gh: gh, base: &fakegithub.TokenTransport{Token: tok}}, ghtransport.Options{})}
	c, err := New(hc, gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.Memberships(context.Background(), "trio")
	if !errors.Is(err, reconcile.ErrPendingNotListed) {
		t.Fatalf("Memberships error %v, want ErrPendingNotListed", err)
	}
	if st, ok := all[pending.ID]; ok {
		t.Errorf("the invitee read on the first page is listed as %v", st)
	}
	for _, id := range members {
		if all[id] != reconcile.ActiveMember {
			t.Fatalf("member %d is %v", id, all[id])
		}
	}
}

// A comment answered 500 may have been posted: it is looked for before it
// is posted again.
func TestCommentAnswered500MayHaveBeenPosted(t *testing.T) {
	u, _ := url.Parse("https://api.github.com/repos/trio/trio/issues/1/comments")
	for _, code := range []int{500, 502} {
		er := &github.ErrorResponse{Response: &http.Response{StatusCode: code, Request: &http.Request{Method: "POST", URL: u}}, Message: "oops"}
		if err := classifyCommentError(er); !errors.Is(err, reconcile.ErrMaybeSent) {
			t.Errorf("%d: %v; want ErrMaybeSent", code, err)
		}
	}
}

// A listing stops once it has read max pages.
func TestRestPagesStopsAtMax(t *testing.T) {
	p := restPages{what: "x", max: 3}
	if err := p.next(0, 2); err != nil {
		t.Fatalf("page 1 to 2: %v", err)
	}
	if err := p.next(2, 3); err != nil {
		t.Fatalf("page 2 to 3: %v", err)
	}
	if err := p.next(3, 4); !errors.Is(err, reconcile.ErrEndlessPages) {
		t.Errorf("page 3 to 4 of at most 3: %v; want ErrEndlessPages", err)
	}
}

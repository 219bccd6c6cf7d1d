package ghtransport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v88/github"
	"github.com/shurcooL/githubv4"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// These tests run go-github and githubv4 through the stack against the
// fake GitHub, built as the command builds it: auth → ghtransport → base.

const tok = "ghp_transportTest"

type world struct {
	gh   *fakegithub.GitHub
	rest *github.Client
	gql  *githubv4.Client
	c    *clock
}

func newWorld(t *testing.T, o ghtransport.Options) *world {
	t.Helper()
	gh := fakegithub.New(t)
	gh.AddOrg("acme")
	gh.AddToken(tok)
	gh.MakeOwner("acme", gh.TokenOwner().ID) // only owners may invite
	c := newClock()
	gh.SetClock(c.Now) // the fake's rate-limit resets follow the test's clock
	if o.Now == nil {
		o.Now, o.Sleep = c.Now, c.Sleep
	}
	if o.Logger == nil {
		o.Logger = testLogger(t)
	}
	if o.AttemptTimeout == 0 {
		o.AttemptTimeout = 5 * time.Second
	}
	hc := &http.Client{Transport: &fakegithub.TokenTransport{Token: tok, Base: ghtransport.New(nil, o)}}
	rest, err := github.NewClient(github.WithHTTPClient(hc), github.WithEnterpriseURLs(gh.RESTURL(), gh.RESTURL()))
	if err != nil {
		t.Fatal(err)
	}
	return &world{gh: gh, rest: rest, gql: githubv4.NewEnterpriseClient(gh.GraphQLURL(), hc), c: c}
}

type orgQuery struct {
	Organization *struct{ Login string } `graphql:"organization(login: $org)"`
}

func (w *world) queryOrg(org string) (string, error) {
	return w.queryOrgCtx(context.Background(), org)
}

func (w *world) queryOrgCtx(ctx context.Context, org string) (string, error) {
	var q orgQuery
	err := w.gql.Query(ctx, &q, map[string]any{"org": githubv4.String(org)})
	if err != nil || q.Organization == nil {
		return "", err
	}
	return q.Organization.Login, nil
}

func TestGraphQLErrorTypesThroughGithubv4(t *testing.T) {
	w := newWorld(t, ghtransport.Options{})

	login, err := w.queryOrg("acme")
	if err != nil || login != "acme" {
		t.Fatalf("query acme: %q %v; the answer without errors must reach githubv4 whole", login, err)
	}

	_, err = w.queryOrg("nope")
	var ge *ghtransport.GraphQLError
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v (%T), want a *GraphQLError", err, err)
	}
	if ge.Type != "NOT_FOUND" || ge.Message != "Could not resolve to an Organization with the login of 'nope'." || fmt.Sprint(ge.Path) != "[organization]" {
		t.Errorf("got %+v", ge)
	}
	var list ghtransport.GraphQLErrors
	if !errors.As(err, &list) || list.Type() != "NOT_FOUND" {
		t.Errorf("err = %v, want GraphQLErrors of type NOT_FOUND", err)
	}

	// Errors without a type (validation) pass through as githubv4 reports them.
	var bogus struct {
		Viewer struct{ Bogus string }
	}
	err = w.gql.Query(context.Background(), &bogus, nil)
	if err == nil || errors.As(err, &ge) {
		t.Errorf("err = %v, want githubv4's own error", err)
	}
}

func TestStackRidesOutFaultsOnReads(t *testing.T) {
	w := newWorld(t, ghtransport.Options{AttemptTimeout: 100 * time.Millisecond})
	fi := w.gh.InjectFaults(fakegithub.Faults{Seed: 7, Rate502: 0.25, SecondaryEvery: 5, GraphQLRateLimitedEvery: 3, HangEvery: 17})
	// A bound of the test's own on the real time: if the attempts were not
	// bounded, a hung request would fail here, not hang the test.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 20 {
		if org, _, err := w.rest.Organizations.Get(ctx, "acme"); err != nil || org.GetLogin() != "acme" {
			t.Fatalf("REST read %d: %v %v", i, org, err)
		}
		if login, err := w.queryOrgCtx(ctx, "acme"); err != nil || login != "acme" {
			t.Fatalf("GraphQL read %d: %q %v", i, login, err)
		}
	}
	n := fi.Counts()
	t.Logf("faults: %+v", n)
	if n.BadGateway == 0 || n.Secondary == 0 || n.GraphQLRateLimited == 0 || n.Hung == 0 {
		t.Errorf("not every kind of fault happened: %+v", n)
	}
}

func TestInvitationsAreNeverSentTwice(t *testing.T) {
	isPost := func(r *http.Request) bool { return r.Method == http.MethodPost }
	for _, tt := range []struct {
		name      string
		faults    fakegithub.Faults
		performed bool
	}{
		{"502, not performed", fakegithub.Faults{Rate502: 1, Only: isPost}, false},
		{"502 after performing", fakegithub.Faults{Rate502: 1, AmbiguousWrites: true, Only: isPost}, true},
		{"hung", fakegithub.Faults{HangEvery: 1, Only: isPost}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, ghtransport.Options{AttemptTimeout: 200 * time.Millisecond})
			u := w.gh.AddUser("newcomer")
			w.gh.InjectFaults(tt.faults)
			_, _, err := w.rest.Organizations.CreateOrgInvitation(context.Background(), "acme",
				&github.CreateOrgInvitationOptions{InviteeID: github.Ptr(u.ID), Role: github.Ptr("direct_member")})
			if err == nil {
				t.Fatal("no error")
			}
			posts := 0
			for _, r := range w.gh.Requests() {
				if r.Method == http.MethodPost {
					posts++
				}
			}
			if posts != 1 {
				t.Errorf("the fake saw %d POSTs, want exactly 1", posts)
			}
			if got := len(w.gh.CreatedInvitations("acme")); got != map[bool]int{false: 0, true: 1}[tt.performed] {
				t.Errorf("%d invitations created", got)
			}
		})
	}
}

func TestSecondaryLimitedInvitationIsSentOnce(t *testing.T) {
	w := newWorld(t, ghtransport.Options{})
	u := w.gh.AddUser("newcomer")
	posts := 0 // Only runs under the injector's lock
	w.gh.InjectFaults(fakegithub.Faults{SecondaryEvery: 1, Only: func(r *http.Request) bool {
		if r.Method == http.MethodPost {
			posts++
		}
		return posts == 1
	}})
	_, _, err := w.rest.Organizations.CreateOrgInvitation(context.Background(), "acme",
		&github.CreateOrgInvitationOptions{InviteeID: github.Ptr(u.ID), Role: github.Ptr("direct_member")})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(w.gh.CreatedInvitations("acme")); got != 1 {
		t.Errorf("%d invitations created, want 1", got)
	}
	if got := w.c.Waits(); len(got) != 1 || got[0] != time.Second {
		t.Errorf("waits %v, want the 1s of Retry-After", got)
	}
}

func TestPrimaryLimitWaitsForTheFakesReset(t *testing.T) {
	w := newWorld(t, ghtransport.Options{MaxWait: 2 * time.Hour})
	w.gh.AddUser("x") // starts the token's window on the fake's clock
	if _, _, err := w.rest.Users.Get(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	w.gh.SetRateLimitRemaining(tok, "core", 0)
	if _, _, err := w.rest.Users.Get(context.Background(), "x"); err != nil {
		t.Fatalf("after waiting for the reset: %v", err)
	}
	if got := w.c.Waits(); len(got) != 1 || got[0] < time.Hour || got[0] > time.Hour+2*time.Second {
		t.Errorf("waits %v, want about an hour", got)
	}
}

func TestPrimaryLimitPastMaxWaitThroughGoGitHub(t *testing.T) {
	w := newWorld(t, ghtransport.Options{})
	w.gh.SetRateLimitRemaining(tok, "core", 0)
	_, _, err := w.rest.Organizations.Get(context.Background(), "acme")
	var rle *ghtransport.RateLimitError
	if !errors.As(err, &rle) || rle.Kind != ghtransport.KindPrimary {
		t.Fatalf("err = %v (%T), want a primary *RateLimitError", err, err)
	}
	t.Logf("go-github says: %v", err)
}

func TestGraphQLBudgetExhaustedOnTheFake(t *testing.T) {
	w := newWorld(t, ghtransport.Options{})
	w.gh.SetRateLimitRemaining(tok, "graphql", 0)
	_, err := w.queryOrg("acme")
	var rle *ghtransport.RateLimitError
	if !errors.As(err, &rle) || rle.Kind != ghtransport.KindGraphQL {
		t.Fatalf("err = %v (%T), want a graphql *RateLimitError", err, err)
	}
}

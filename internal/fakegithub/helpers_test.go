package fakegithub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v88/github"
	"github.com/shurcooL/githubv4"
)

// base is the reference time of the tests' worlds.
var base = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)

const tok = "ghp_test"

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func restClient(t *testing.T, g *GitHub, token string) *github.Client {
	t.Helper()
	opts := []github.ClientOptionsFunc{github.WithEnterpriseURLs(g.RESTURL(), g.RESTURL())}
	if token != "" {
		opts = append(opts, github.WithAuthToken(token))
	}
	c, err := github.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func gqlClient(g *GitHub, token string) *githubv4.Client {
	return githubv4.NewEnterpriseClient(g.GraphQLURL(), g.Client(token))
}

// fixture is a small world: org acme with admin alice and member bob; carol
// unaffiliated; a bot and a mannequin; repository acme/widgets.
type fixture struct {
	g                  *GitHub
	org                *Account
	alice, bob, carol  *Account
	bot, mannequin     *Account
	repo               *Repo
	other              *Account // organization "other"
	otherRepo          *Repo
	mergedPR, closedPR *PR
}

func newFixture(t *testing.T) *fixture {
	g := New(t)
	f := &fixture{g: g}
	g.AddToken(tok)
	// The fixture's tests are about other things than who may invite
	// (TestOnlyOwnersInvite is about that), or who may see pending
	// invitations (TestPendingInvitationsAreOwnersOnly).
	g.SetOwnersOnlyInvitations(false)
	g.SetPendingInvitationsOwnersOnly(false)
	f.org = g.AddOrg("acme")
	f.alice, f.bob, f.carol = g.AddUser("alice"), g.AddUser("bob"), g.AddUser("carol")
	f.bot = g.AddBot("dependabot[bot]")
	f.mannequin = g.AddMannequin("old-import")
	g.SetMember("acme", f.alice.ID, "admin")
	g.SetMember("acme", f.bob.ID, "member")
	f.repo = g.AddRepo("acme", "widgets")
	f.other = g.AddOrg("other")
	f.otherRepo = g.AddRepo("other", "stuff")
	f.mergedPR = g.AddPR(f.repo, f.carol.ID, "Fix the frobnicator", base)
	f.closedPR = g.AddClosedPR(f.repo, f.carol.ID, "Abandoned idea", base)
	return f
}

// rawDo sends a request and decodes a JSON body.
func rawDo(t *testing.T, method, url, token string, body any) (*http.Response, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx(t), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("body %q: %v", raw, err)
		}
	}
	return resp, m
}

// rawGraphQL posts a GraphQL document.
func rawGraphQL(t *testing.T, g *GitHub, token, query string, vars map[string]any) (*http.Response, map[string]any) {
	t.Helper()
	return rawDo(t, http.MethodPost, g.GraphQLURL(), token, map[string]any{"query": query, "variables": vars})
}

// firstError returns errors[0] of a GraphQL response.
func firstError(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("no errors in %v", body)
	}
	return errs[0].(map[string]any)
}

func asErrorResponse(t *testing.T, err error, status int) *github.ErrorResponse {
	t.Helper()
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		t.Fatalf("error %v (%T) is not a *github.ErrorResponse", err, err)
	}
	if er.Response.StatusCode != status {
		t.Fatalf("status %d, want %d (%v)", er.Response.StatusCode, status, err)
	}
	return er
}

package ghapi

// Tests written for the mutation sweep (docs/mutation-decisions.md).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v88/github"

	"github.com/python-trio/snekomatic/internal/fakegithub"
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

// An error of exactly 300 characters is kept as it is; one more and it is
// cut to GitHub's status and an excerpt.
func TestShortErrorKeepsThreeHundredCharacters(t *testing.T) {
	mk := func(n int) error {
		u, _ := url.Parse("https://api.github.com/x")
		er := &github.ErrorResponse{Response: &http.Response{StatusCode: 502, Request: &http.Request{Method: "GET", URL: u}}}
		er.Message = strings.Repeat("m", n-len(er.Error()))
		return er
	}
	if err := mk(300); len(err.Error()) != 300 || shortError(err) != err {
		t.Errorf("an error of %d characters was shortened: %v", len(err.Error()), shortError(err))
	}
	err := mk(301)
	var se *StatusError
	if got := shortError(err); len(err.Error()) != 301 || !errorsAs(got, &se) || se.Status != 502 {
		t.Errorf("an error of %d characters: %v", len(err.Error()), got)
	}
}

func errorsAs(err error, se **StatusError) bool {
	s, ok := err.(*StatusError)
	*se = s
	return ok
}

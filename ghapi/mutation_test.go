package ghapi

// Tests written for the mutation sweep (docs/mutation-decisions.md).

import (
	"context"
	"net/http"
	"strings"
	"testing"
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

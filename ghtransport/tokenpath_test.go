package ghtransport

import "testing"

func TestIsAccessTokensPath(t *testing.T) {
	for path, want := range map[string]bool{
		"/app/installations/42/access_tokens":        true,
		"/api/v3/app/installations/42/access_tokens": true,
		"/app/installations/abc/access_tokens":       false,
		"/app/installations/42":                      false,
		"/app/installations/42/access_tokens/x":      false,
		"/orgs/acme/invitations":                     false,
	} {
		if got := IsAccessTokensPath(path); got != want {
			t.Errorf("IsAccessTokensPath(%q) = %v, want %v", path, got, want)
		}
	}
}

package ghurl

import (
	"strings"
	"testing"
)

func TestURLs(t *testing.T) {
	for _, tt := range []struct{ api, gql, web string }{
		{"https://api.github.com", "https://api.github.com/graphql", "https://github.com"},
		{"https://api.github.com/", "https://api.github.com/graphql", "https://github.com"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql", "https://ghe.example.com"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql", "https://ghe.example.com"},
		{"http://127.0.0.1:8080/api/v3/", "http://127.0.0.1:8080/api/graphql", "http://127.0.0.1:8080"},
	} {
		if got := GraphQLFor(tt.api); got != tt.gql {
			t.Errorf("GraphQLFor(%s) = %s, want %s", tt.api, got, tt.gql)
		}
		if got, err := WebFor(tt.api); err != nil || got != tt.web {
			t.Errorf("WebFor(%s) = %s, %v, want %s", tt.api, got, err, tt.web)
		}
	}
}

func TestCheck(t *testing.T) {
	for s, ok := range map[string]bool{
		"https://api.github.com": true, "http://127.0.0.1:8080/api/v3": true,
		"api.github.com": false, "ftp://example.com": false, "https://": false, "%": false,
	} {
		err := Check("--api-url", s)
		if (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want ok=%v", s, err, ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "--api-url ") {
			t.Errorf("Check(%q) = %q: does not name the flag first", s, err)
		}
	}
}

package ghurl

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultAPI is the REST API of github.com.
const DefaultAPI = "https://api.github.com"

// GraphQLFor derives the GraphQL endpoint from a REST base URL: a GitHub
// Enterprise Server base ending in /api/v3 has its GraphQL API at
// /api/graphql; any other base (github.com) serves it at /graphql.
func GraphQLFor(apiURL string) string {
	base := strings.TrimRight(apiURL, "/")
	if strings.HasSuffix(base, "/api/v3") {
		return strings.TrimSuffix(base, "/v3") + "/graphql"
	}
	return base + "/graphql"
}

// WebFor derives the web host that goes with a REST base URL, for links
// meant for people: api.github.com is served by github.com, an Enterprise
// Server's https://HOST/api/v3 by https://HOST.
func WebFor(apiURL string) (string, error) {
	u, err := url.Parse(apiURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("API URL %q is not an absolute URL", apiURL)
	}
	host := u.Host
	if h, ok := strings.CutPrefix(host, "api."); ok {
		host = h
	}
	return u.Scheme + "://" + host, nil
}

// Check reports whether s is an absolute http(s) URL, naming what it is
// (a flag, "API URL") in the error.
func Check(what, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s %q is not an absolute http(s) URL", what, s)
	}
	return nil
}

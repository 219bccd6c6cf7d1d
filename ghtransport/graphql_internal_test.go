package ghtransport

import "testing"

func TestOnlyQueries(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want bool
	}{
		{`{ viewer { login } }`, true},
		{`query { viewer { login } }`, true},
		{`query Q($org: String!) { organization(login: $org) { login } }`, true},
		{"# mutation\nquery { a }", true},
		{`query { search(query: "mutation { x }") { issueCount } }`, true},
		{`query { search(query: """mutation { \""" }""") { issueCount } }`, true},
		{`query Q($o: In = {a: "}"}) @x(if: {b: 1}) { a } fragment F on User { login }`, true},
		{`fragment F on User { login } query { viewer { ...F } }`, true},
		{`query A { a } query B { b }`, true},
		{`mutation { addComment(input: {}) { clientMutationId } }`, false},
		{`mutation M { a }`, false},
		{`query { a } mutation { b }`, false},
		{`subscription { a }`, false},
		{`fragment F on User { login }`, false},
		{``, false},
		{`query { a `, false},
		{`query { a "unterminated }`, false},
		{`{ a } }`, false},
		{`schema { query: Query }`, false},
	} {
		if got := onlyQueries(tt.doc); got != tt.want {
			t.Errorf("onlyQueries(%q) = %v, want %v", tt.doc, got, tt.want)
		}
	}
	for _, tt := range []struct {
		body string
		want bool
	}{
		{`{"query":"{ viewer { login } }"}`, true},
		{`{"query":"mutation { x }"}`, false},
		{`{"variables":{}}`, false},
		{`[{"query":"{ a }"}]`, false},
		{`not json`, false},
	} {
		if got := graphQLIsQuery([]byte(tt.body)); got != tt.want {
			t.Errorf("graphQLIsQuery(%s) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

func TestGraphQLErrorsMessage(t *testing.T) {
	one := GraphQLErrors{{Type: "NOT_FOUND", Message: "Could not resolve\nto a User.", Path: []any{"user"}}}
	if got, want := one.Error(), "NOT_FOUND: Could not resolve to a User."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	three := GraphQLErrors{{Message: "untyped"}, {Type: "FORBIDDEN", Message: "no"}, {Type: "NOT_FOUND", Message: "gone"}}
	if got, want := three.Error(), "FORBIDDEN: no (and 2 more GraphQL errors)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

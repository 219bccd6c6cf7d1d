package ghtransport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

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
		if got := within(t, func() bool { return onlyQueries(tt.doc) }); got != tt.want {
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
		if got := within(t, func() bool { return graphQLIsQuery([]byte(tt.body)) }); got != tt.want {
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

// answers is a base transport that gives one scripted GraphQL answer per
// request.
type answers struct {
	n      int
	bodies []string
	status []int
	header []http.Header
}

func (a *answers) RoundTrip(req *http.Request) (*http.Response, error) {
	i := min(a.n, len(a.bodies)-1)
	a.n++
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range a.header[i] {
		h[k] = v
	}
	return &http.Response{StatusCode: a.status[i], Status: http.StatusText(a.status[i]), Header: h,
		Body: io.NopCloser(strings.NewReader(a.bodies[i])), Request: req}, nil
}

// Each GraphQL answer is decoded once, by whichever layer of the stack
// looks first, however many layers look at it: a rate-limited answer, the
// answer that follows it, and a typed error that GraphQLErrorTypes turns
// into an error.
func TestEachGraphQLAnswerIsDecodedOnce(t *testing.T) {
	var decodes int
	onDecode = func() { decodes++ }
	defer func() { onDecode = nil }()
	reset := strconv.FormatInt(time.Date(2026, 11, 26, 10, 0, 30, 0, time.UTC).Unix(), 10)
	base := &answers{
		bodies: []string{
			`{"data":null,"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}`,
			`{"data":{"viewer":{"login":"x"}}}`,
			`{"data":null,"errors":[{"type":"NOT_FOUND","message":"Could not resolve to a User","path":["user"]}]}`,
		},
		status: []int{200, 200, 200},
		header: []http.Header{{"X-Ratelimit-Reset": {reset}}, nil, nil},
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	o := Options{Now: func() time.Time { return now }, Sleep: func(context.Context, time.Duration) error { return nil }}
	c := &http.Client{Transport: New(base, o)}
	post := func() (*http.Response, error) {
		return c.Post("https://api.github.com/graphql", "application/json", strings.NewReader(`{"query":"{ viewer { login } }"}`))
	}

	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"login":"x"`) {
		t.Fatalf("after the limit, body = %s", b)
	}
	if base.n != 2 || decodes != 2 {
		t.Errorf("a rate-limited answer and the next: %d answers, decoded %d times; want 2 and 2", base.n, decodes)
	}

	decodes = 0
	_, err = post()
	var ge *GraphQLError
	if !errors.As(err, &ge) || ge.Type != "NOT_FOUND" {
		t.Fatalf("typed error: %v", err)
	}
	if decodes != 1 {
		t.Errorf("an answer with a typed error was decoded %d times, want once", decodes)
	}
}

// within returns f's result, failing the test at once if f has not
// returned in five seconds: a scan that loops for ever is a failure, not a
// test that hangs until go test kills it.
func within(t *testing.T, f func() bool) bool {
	t.Helper()
	done := make(chan bool, 1)
	go func() { done <- f() }()
	select {
	case got := <-done:
		return got
	case <-time.After(5 * time.Second):
		t.Fatal("no answer within 5s: an endless loop?")
		return false
	}
}

package ghtransport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// These tests were written against the survivors of a mutation run
// (MUTATION.md).

// peek reads up to its limit and says whether that was the whole body;
// either way the caller still reads the whole body after it.
func TestPeekReadsUpToItsLimit(t *testing.T) {
	const body = "0123456789"
	for _, tt := range []struct {
		limit    int64
		want     string
		complete bool
	}{
		{10, body, true},
		{11, body, true},
		{9, body, false},
	} {
		resp := &http.Response{Body: io.NopCloser(strings.NewReader(body))}
		b, complete := peek(resp, tt.limit)
		if complete != tt.complete || (complete && string(b) != tt.want) {
			t.Errorf("peek(limit %d) = %q, %v; want complete %v", tt.limit, b, complete, tt.complete)
		}
		if rest, err := io.ReadAll(resp.Body); err != nil || string(rest) != body {
			t.Errorf("limit %d: the body read after peek is %q, %v", tt.limit, rest, err)
		}
	}
}

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// discard closes the body it drains (so that the connection is reused),
// and takes a response without one.
func TestDiscardClosesTheBody(t *testing.T) {
	body := &closeCounter{Reader: strings.NewReader("left over")}
	discard(&http.Response{Body: body})
	if body.closed != 1 {
		t.Errorf("body closed %d times, want once", body.closed)
	}
	discard(nil)
	discard(&http.Response{})
}

// errors.As finds a typed error of GraphQLErrors before an untyped one,
// wherever each stands in the answer.
func TestGraphQLErrorsUnwrapTypedFirst(t *testing.T) {
	es := GraphQLErrors{{Message: "validation"}, {Type: "NOT_FOUND", Message: "gone"}, {Message: "other"}}
	var ge *GraphQLError
	if !errors.As(es, &ge) || ge.Type != "NOT_FOUND" {
		t.Errorf("errors.As found %+v, want the NOT_FOUND error", ge)
	}
	got := es.Unwrap()
	if len(got) != 3 || got[1].(*GraphQLError).Message != "validation" || got[2].(*GraphQLError).Message != "other" {
		t.Errorf("Unwrap = %v, want the typed error then the others in order", got)
	}
}

// A comment that runs to the end of the document ends the scan cleanly.
func TestOnlyQueriesWithATrailingComment(t *testing.T) {
	for doc, want := range map[string]bool{
		"query { viewer { login } } # the end":        true,
		"mutation { x } # the end":                    false,
		"# only a comment":                            false,
		"query { viewer { login } }\n# last line\r\n": true,
	} {
		if got := within(t, func() bool { return onlyQueries(doc) }); got != want {
			t.Errorf("onlyQueries(%q) = %v, want %v", doc, got, want)
		}
	}
}

// The edges of onlyQueries' scan: an empty block string, a block string
// holding braces and keywords, a string left open after the last query, a
// document ending in a name (scanned without reading past its end; a
// document the server would refuse does no harm either way), an anonymous
// query with no nested selection.
func TestOnlyQueriesEdges(t *testing.T) {
	for doc, want := range map[string]bool{
		`query { search(query: """""") { issueCount } }`:                   true,
		`query { search(query: """ } mutation { x { """) { issueCount } }`: true,
		`query { a(s: """{""") } mutation { b }`:                           false,
		`query { a } "left open`:                                           false,
		`mutation`:                                                         false,
		`query { a } query`:                                                true,
		`{ a }`:                                                            true,
		`{ a } mutation { b }`:                                             false,
	} {
		if got := within(t, func() bool { return onlyQueries(doc) }); got != want {
			t.Errorf("onlyQueries(%q) = %v, want %v", doc, got, want)
		}
	}
}

// A name runs over every letter, digit and underscore: "query" followed by
// any of them is another word, not a query.
func TestOnlyQueriesReadsWholeNames(t *testing.T) {
	for _, c := range []string{"_", "a", "z", "A", "Z", "0", "9"} {
		doc := "query" + c + " { a }"
		if within(t, func() bool { return onlyQueries(doc) }) {
			t.Errorf("onlyQueries(%q) = true, want false", doc)
		}
	}
}

// The default Sleep returns the context's error once the context is done,
// even for a wait of zero (every time: a timer of zero may be ready too).
func TestSleepOfZeroOnADoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 200 {
		if err := sleep(ctx, 0); !errors.Is(err, context.Canceled) {
			t.Fatalf("sleep(done, 0) = %v, want context.Canceled", err)
		}
	}
	if err := sleep(context.Background(), 0); err != nil {
		t.Errorf("sleep(0) = %v", err)
	}
}

// A budget gives out exactly what it holds.
func TestBudgetGivesExactlyWhatIsLeft(t *testing.T) {
	b := &budget{left: 10 * time.Second}
	if !b.take(10 * time.Second) {
		t.Error("a wait of all that is left was refused")
	}
	if b.take(time.Nanosecond) {
		t.Error("a wait past the budget was allowed")
	}
	if !b.take(0) {
		t.Error("a wait of nothing was refused")
	}
}

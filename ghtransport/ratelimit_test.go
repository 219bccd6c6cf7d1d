package ghtransport_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/ghtransport"
)

const (
	secondaryMsg = `You have exceeded a secondary rate limit. Please wait a few minutes before you try again.`
	secondaryDoc = `https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`
)

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func TestRateLimitsAreWaitedOut(t *testing.T) {
	reset := unix(start.Add(30 * time.Second))
	for _, tt := range []struct {
		name   string
		method string
		path   string
		body   string
		limit  http.HandlerFunc
		wait   time.Duration
	}{
		{
			name: "primary 403", method: "GET", path: "/api/v3/orgs/acme",
			limit: status(403, `{"message":"API rate limit exceeded for user ID 1."}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset),
			wait:  31 * time.Second,
		},
		{
			name: "primary 429", method: "GET", path: "/api/v3/orgs/acme",
			limit: status(429, `{"message":"API rate limit exceeded"}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset),
			wait:  31 * time.Second,
		},
		{
			name: "primary on a write", method: "POST", path: "/api/v3/orgs/acme/invitations", body: `{"invitee_id":1}`,
			limit: status(403, `{"message":"API rate limit exceeded"}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset),
			wait:  31 * time.Second,
		},
		{
			name: "secondary with Retry-After", method: "GET", path: "/api/v3/orgs/acme",
			limit: status(403, `{"message":"`+secondaryMsg+`","documentation_url":"`+secondaryDoc+`"}`, "Retry-After", "7"),
			wait:  7 * time.Second,
		},
		{
			name: "secondary 429 with Retry-After only", method: "GET", path: "/api/v3/orgs/acme",
			limit: status(429, `{}`, "Retry-After", "3"),
			wait:  3 * time.Second,
		},
		{
			name: "secondary on a write", method: "POST", path: "/api/v3/repos/acme/w/issues/1/comments", body: `{"body":"welcome"}`,
			limit: status(403, `{"message":"`+secondaryMsg+`","documentation_url":"`+secondaryDoc+`"}`, "Retry-After", "60"),
			wait:  time.Minute,
		},
		{
			name: "secondary by message, no header", method: "GET", path: "/api/v3/orgs/acme",
			limit: status(403, `{"message":"`+secondaryMsg+`"}`),
			wait:  time.Minute,
		},
		{
			name: "secondary by documentation URL, reset header", method: "GET", path: "/api/v3/orgs/acme",
			limit: status(403, `{"message":"slow down","documentation_url":"https://docs.github.com/en/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits"}`,
				"X-RateLimit-Remaining", "4000", "X-RateLimit-Reset", reset),
			wait: 31 * time.Second,
		},
		{
			name: "GraphQL RATE_LIMITED", method: "POST", path: "/api/graphql", body: gqlQuery,
			limit: status(200, `{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}`,
				"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset),
			wait: 31 * time.Second,
		},
		{
			name: "GraphQL RATE_LIMITED on a mutation without data", method: "POST", path: "/api/graphql", body: gqlMutation,
			limit: status(200, `{"data":null,"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}`,
				"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset),
			wait: 31 * time.Second,
		},
		{
			name: "GraphQL RATE_LIMIT in a 403", method: "POST", path: "/graphql", body: gqlQuery,
			limit: status(403, `{"errors":[{"type":"RATE_LIMIT","message":"API rate limit exceeded"}]}`, "X-RateLimit-Reset", reset),
			wait:  31 * time.Second,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.limit, ok(`{"ok":true}`))
			c := newClock()
			resp, body, err := do(t, ghtransport.New(nil, c.options(t)), tt.method, srv.URL(tt.path), tt.body)
			if err != nil || resp.StatusCode != 200 || body != `{"ok":true}` {
				t.Fatalf("got %v %q %v, want 200", resp, body, err)
			}
			if d := cmp.Diff([]time.Duration{tt.wait}, c.Waits()); d != "" {
				t.Errorf("waits (-want +got):\n%s", d)
			}
			got := srv.Requests()
			if len(got) != 2 || got[1].Body != tt.body {
				t.Errorf("server saw %+v, want the request twice, whole", got)
			}
		})
	}
}

func TestRateLimitFallbackWaitGrows(t *testing.T) {
	limited := status(403, `{"message":"`+secondaryMsg+`"}`)
	srv := serve(t, limited, limited, limited, ok(`{}`))
	c := newClock()
	resp, _, err := do(t, ghtransport.New(nil, c.options(t)), "GET", srv.URL("/x"), "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v %v", resp, err)
	}
	if d := cmp.Diff([]time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute}, c.Waits()); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
}

func TestRateLimitPastMaxWaitFailsAtOnce(t *testing.T) {
	hour := unix(start.Add(time.Hour))
	for _, tt := range []struct {
		name   string
		method string
		path   string
		body   string
		limit  http.HandlerFunc
		want   ghtransport.RateLimitError
	}{
		{
			name: "primary", method: "GET", path: "/api/v3/orgs/acme",
			limit: status(403, `{"message":"API rate limit exceeded"}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", hour),
			want:  ghtransport.RateLimitError{Kind: ghtransport.KindPrimary, Reset: start.Add(time.Hour + time.Second), Wait: time.Hour + time.Second},
		},
		{
			name: "secondary", method: "POST", path: "/api/v3/orgs/acme/invitations", body: `{"invitee_id":1}`,
			limit: status(403, `{"message":"`+secondaryMsg+`"}`, "Retry-After", "3600"),
			want:  ghtransport.RateLimitError{Kind: ghtransport.KindSecondary, Reset: start.Add(time.Hour), Wait: time.Hour},
		},
		{
			name: "graphql", method: "POST", path: "/api/graphql", body: gqlQuery,
			limit: status(200, `{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", hour),
			want:  ghtransport.RateLimitError{Kind: ghtransport.KindGraphQL, Reset: start.Add(time.Hour + time.Second), Wait: time.Hour + time.Second},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.limit)
			c := newClock()
			began := time.Now()
			_, _, err := do(t, ghtransport.New(nil, c.options(t)), tt.method, srv.URL(tt.path), tt.body)
			var rle *ghtransport.RateLimitError
			if !errors.As(err, &rle) {
				t.Fatalf("err = %v (%T), want a *RateLimitError", err, err)
			}
			if d := cmp.Diff(tt.want, *rle); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
			if msg := rle.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, string(tt.want.Kind)) {
				t.Errorf("message %q: want one line naming the limit", msg)
			}
			if w := c.Waits(); len(w) != 0 || time.Since(began) > 5*time.Second {
				t.Errorf("waited %v (%v in real time) before failing", w, time.Since(began))
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}
}

func TestRateLimitGivesUpOnEndlessLimits(t *testing.T) {
	limited := status(403, `{}`, "Retry-After", "1")
	steps := make([]http.HandlerFunc, 11)
	for i := range steps {
		steps[i] = limited
	}
	srv := serve(t, steps...)
	c := newClock()
	_, _, err := do(t, ghtransport.New(nil, c.options(t)), "GET", srv.URL("/x"), "")
	var rle *ghtransport.RateLimitError
	if !errors.As(err, &rle) || rle.Kind != ghtransport.KindSecondary {
		t.Fatalf("err = %v, want a secondary *RateLimitError", err)
	}
	if n := len(srv.Requests()); n != 11 {
		t.Errorf("server saw %d requests, want 11", n)
	}
}

func TestOtherForbiddenPassesThrough(t *testing.T) {
	const body = `{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest"}`
	for _, path := range []string{"/api/v3/orgs/acme/invitations", "/api/graphql"} {
		srv := serve(t, status(403, body, "X-RateLimit-Remaining", "4999"))
		c := newClock()
		resp, got, err := do(t, ghtransport.New(nil, c.options(t)), "POST", srv.URL(path), gqlQuery)
		if err != nil || resp.StatusCode != 403 || got != body {
			t.Errorf("%s: got %v %q %v, want the 403 as is", path, resp, got, err)
		}
	}
}

func TestGraphQLMutationWithDataIsNotResent(t *testing.T) {
	const answer = `{"data":{"addComment":{"clientMutationId":null}},"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}`
	srv := serve(t, status(200, answer, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", unix(start.Add(time.Minute))))
	c := newClock()
	_, _, err := do(t, ghtransport.New(nil, c.options(t)), "POST", srv.URL("/api/graphql"), gqlMutation)
	var ge *ghtransport.GraphQLError
	if !errors.As(err, &ge) || ge.Type != "RATE_LIMITED" {
		t.Errorf("err = %v, want a RATE_LIMITED *GraphQLError", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestSecondaryLimitHoldsBackOtherRequests(t *testing.T) {
	srv := serve(t, status(403, `{"message":"`+secondaryMsg+`"}`, "Retry-After", "10"), ok(`{}`))
	c := newClock()
	o := c.options(t)
	o.MaxWait = 5 * time.Second
	rt := ghtransport.New(nil, o)
	_, _, err := do(t, rt, "GET", srv.URL("/first"), "")
	var rle *ghtransport.RateLimitError
	if !errors.As(err, &rle) {
		t.Fatalf("first request: err = %v, want a *RateLimitError", err)
	}
	// The second request, through the same transport, waits for the
	// limit before it is sent, and fails the same way as it does not fit.
	_, _, err = do(t, rt, "GET", srv.URL("/second"), "")
	if !errors.As(err, &rle) || rle.Kind != ghtransport.KindSecondary || rle.Wait != 10*time.Second {
		t.Fatalf("second request: err = %v, want a 10s secondary *RateLimitError", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("server saw %d requests, want only the first", n)
	}

	o.MaxWait = time.Minute
	_, _, err = do(t, ghtransport.New(nil, o), "GET", srv.URL("/third"), "")
	if err != nil {
		t.Errorf("a fresh transport does not share the hold: %v", err)
	}
	c2 := newClock()
	o2 := c2.options(t)
	srv2 := serve(t, status(403, `{}`, "Retry-After", "10"), ok(`{}`), ok(`{}`))
	rt = ghtransport.New(nil, o2)
	if _, _, err := do(t, rt, "GET", srv2.URL("/a"), ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := do(t, rt, "GET", srv2.URL("/b"), ""); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]time.Duration{10 * time.Second}, c2.Waits()); d != "" {
		t.Errorf("the request that waited out the limit does not wait again, and the next is free (-want +got):\n%s", d)
	}
}

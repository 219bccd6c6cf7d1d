package ghtransport_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/ghtransport"
)

func TestRetryRecoversReads(t *testing.T) {
	for _, code := range []int{500, 502, 503, 504} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			srv := serve(t, status(code, `{"message":"Server Error"}`), status(code, `{}`), ok(`{"login":"acme"}`))
			c := newClock()
			resp, body, err := do(t, ghtransport.New(nil, c.options(t)), "GET", srv.URL("/api/v3/orgs/acme"), "")
			if err != nil || resp.StatusCode != 200 || body != `{"login":"acme"}` {
				t.Fatalf("got %v %q %v, want 200", resp, body, err)
			}
			if n := len(srv.Requests()); n != 3 {
				t.Errorf("server saw %d requests, want 3", n)
			}
			waits := c.Waits()
			if len(waits) != 2 || waits[0] >= time.Second || waits[1] >= 2*time.Second {
				t.Errorf("waits %v, want 2 with full jitter under 1s and 2s", waits)
			}
		})
	}
}

func TestRetryRecoversConnectionFailures(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault http.HandlerFunc
	}{
		{"closed before answering", hangup},
		{"reset", reset},
		{"attempt timed out", stall},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.fault, ok(`{}`))
			c := newClock()
			o := c.options(t)
			o.AttemptTimeout = 50 * time.Millisecond
			resp, _, err := do(t, ghtransport.New(nil, o), "HEAD", srv.URL("/api/v3/orgs/acme"), "")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("got %v %v, want 200", resp, err)
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("server saw %d requests, want 2", n)
			}
		})
	}
}

func TestRetryGivesUp(t *testing.T) {
	t.Run("after MaxAttempts", func(t *testing.T) {
		srv := serve(t, status(502, `{}`), status(502, `{}`), status(502, `{"message":"last"}`))
		c := newClock()
		o := c.options(t)
		o.MaxAttempts = 3
		resp, body, err := do(t, ghtransport.New(nil, o), "GET", srv.URL("/x"), "")
		if err != nil || resp.StatusCode != 502 || body != `{"message":"last"}` {
			t.Fatalf("got %v %q %v, want the last 502", resp, body, err)
		}
		if n := len(srv.Requests()); n != 3 {
			t.Errorf("server saw %d requests, want 3", n)
		}
	})
	t.Run("when the backoff is past MaxWait", func(t *testing.T) {
		srv := serve(t, status(503, `{}`, "Retry-After", "120"))
		c := newClock()
		o := c.options(t)
		o.MaxWait = time.Minute
		resp, _, err := do(t, ghtransport.New(nil, o), "GET", srv.URL("/x"), "")
		if err != nil || resp.StatusCode != 503 {
			t.Fatalf("got %v %v, want the 503", resp, err)
		}
		if w := c.Waits(); len(w) != 0 {
			t.Errorf("waited %v", w)
		}
	})
}

func TestWritesAreNotRetried(t *testing.T) {
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		t.Run(method+" answered 502", func(t *testing.T) {
			srv := serve(t, status(502, `{"message":"Server Error"}`))
			c := newClock()
			resp, body, err := do(t, ghtransport.New(nil, c.options(t)), method, srv.URL("/api/v3/orgs/x/invitations"), `{"invitee_id":1}`)
			if err != nil || resp.StatusCode != 502 || body != `{"message":"Server Error"}` {
				t.Fatalf("got %v %q %v, want the 502 as is", resp, body, err)
			}
			if got := srv.Requests(); len(got) != 1 {
				t.Errorf("server saw %d requests, want exactly 1", len(got))
			}
		})
	}
	for _, tt := range []struct {
		name  string
		fault http.HandlerFunc
	}{
		{"closed before answering", hangup},
		{"timed out", stall},
	} {
		t.Run("POST "+tt.name, func(t *testing.T) {
			srv := serve(t, tt.fault)
			c := newClock()
			o := c.options(t)
			o.AttemptTimeout = 50 * time.Millisecond
			_, _, err := do(t, ghtransport.New(nil, o), "POST", srv.URL("/api/v3/orgs/x/invitations"), `{"invitee_id":1}`)
			if err == nil {
				t.Fatal("no error")
			}
			if got := srv.Requests(); len(got) != 1 {
				t.Errorf("server saw %d requests, want exactly 1", len(got))
			}
		})
	}
}

func TestGraphQLQueryRetriedMutationNot(t *testing.T) {
	t.Run("query", func(t *testing.T) {
		srv := serve(t, status(502, `{"data":null,"errors":[{"message":"Something went wrong"}]}`), ok(gqlData))
		c := newClock()
		resp, body, err := do(t, ghtransport.New(nil, c.options(t)), "POST", srv.URL("/api/graphql"), gqlQuery)
		if err != nil || resp.StatusCode != 200 || body != gqlData {
			t.Fatalf("got %v %q %v", resp, body, err)
		}
		got := srv.Requests()
		if len(got) != 2 || got[0].Body != gqlQuery || got[1].Body != gqlQuery {
			t.Errorf("server saw %+v, want the query twice, whole", got)
		}
	})
	t.Run("mutation", func(t *testing.T) {
		srv := serve(t, status(502, `{}`))
		c := newClock()
		resp, _, err := do(t, ghtransport.New(nil, c.options(t)), "POST", srv.URL("/graphql"), gqlMutation)
		if err != nil || resp.StatusCode != 502 {
			t.Fatalf("got %v %v, want the 502", resp, err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
	t.Run("query at a path that is not the GraphQL endpoint", func(t *testing.T) {
		srv := serve(t, status(502, `{}`))
		c := newClock()
		resp, _, err := do(t, ghtransport.New(nil, c.options(t)), "POST", srv.URL("/api/v3/graphql-lookalike"), gqlQuery)
		if err != nil || resp.StatusCode != 502 || len(srv.Requests()) != 1 {
			t.Fatalf("got %v %v after %d requests, want one 502", resp, err, len(srv.Requests()))
		}
	})
	t.Run("GraphQLPath option", func(t *testing.T) {
		srv := serve(t, status(502, `{}`), ok(gqlData))
		c := newClock()
		o := c.options(t)
		o.GraphQLPath = "/proxy/gql"
		resp, _, err := do(t, ghtransport.New(nil, o), "POST", srv.URL("/proxy/gql"), gqlQuery)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("got %v %v, want 200", resp, err)
		}
	})
}

// onceReader is a request body without GetBody, as a caller streaming its
// body would send.
type onceReader struct{ io.Reader }

func TestBodyReplay(t *testing.T) {
	const body = `{"invitee_id":42,"role":"direct_member"}`
	srv := serve(t,
		status(403, `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`, "Retry-After", "2"),
		status(201, `{"id":1}`))
	c := newClock()
	req, _ := http.NewRequest("POST", srv.URL("/api/v3/orgs/x/invitations"), onceReader{strings.NewReader(body)})
	if req.GetBody != nil {
		t.Fatal("test wants a body without GetBody")
	}
	resp, err := (&http.Client{Transport: ghtransport.New(nil, c.options(t))}).Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("got %v %v, want 201", resp, err)
	}
	resp.Body.Close()
	want := []seen{{"POST", "/api/v3/orgs/x/invitations", body}, {"POST", "/api/v3/orgs/x/invitations", body}}
	if d := cmp.Diff(want, srv.Requests()); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
}

func TestContextCancellationStopsWaiting(t *testing.T) {
	for _, tt := range []struct {
		name string
		step http.HandlerFunc
	}{
		{"rate limit", status(403, `{}`, "Retry-After", "100")},
		{"backoff", status(503, `{}`, "Retry-After", "100")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.step)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(30*time.Millisecond, cancel)
			began := time.Now()
			// The real Sleep: this test must not wait 100 seconds.
			_, _, err := doCtx(ctx, t, ghtransport.New(nil, ghtransport.Options{Logger: testLogger(t)}), "GET", srv.URL("/x"), "")
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if d := time.Since(began); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestLogsKeepSecretsOut(t *testing.T) {
	srv := serve(t, status(502, `{}`), status(403, `{}`, "Retry-After", "1"), ok(`{}`))
	var logs bytes.Buffer
	c := newClock()
	o := c.options(t)
	o.Logger = slogJSON(&logs)
	req, _ := http.NewRequest("GET", srv.URL("/api/v3/orgs/acme?client_secret=hush"), nil)
	req.Header.Set("Authorization", "Bearer ghp_sekrit")
	resp, err := (&http.Client{Transport: ghtransport.New(nil, o)}).Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v %v", resp, err)
	}
	resp.Body.Close()
	out := logs.String()
	t.Log(out)
	for _, bad := range []string{"hush", "sekrit", "Authorization", "client_secret", srv.srv.URL} {
		if strings.Contains(out, bad) {
			t.Errorf("logs contain %q", bad)
		}
	}
	for _, key := range []string{`"method":"GET"`, `"path":"/api/v3/orgs/acme"`, `"status":502`, `"status":403`, `"wait":`, `"attempt":1`, `"kind":"secondary"`} {
		if !strings.Contains(out, key) {
			t.Errorf("logs lack %s", key)
		}
	}
}

// truncated promises a body longer than it sends, then drops the
// connection: the client reads an unexpected EOF.
func truncated(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"login\":")
	_ = buf.Flush()
	conn.Close()
}

func TestRetryRecoversABodyCutOff(t *testing.T) {
	srv := serve(t, truncated, ok(`{"login":"acme"}`))
	c := newClock()
	resp, body, err := do(t, ghtransport.New(nil, c.options(t)), "GET", srv.URL("/api/v3/orgs/acme"), "")
	if err != nil || resp.StatusCode != 200 || body != `{"login":"acme"}` {
		t.Fatalf("got %v %q %v, want the whole second answer", resp, body, err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

func TestWriteWithABodyCutOffIsNotResent(t *testing.T) {
	srv := serve(t, truncated, ok(`{}`))
	c := newClock()
	req, _ := http.NewRequest("POST", srv.URL("/api/v3/orgs/acme/invitations"), strings.NewReader(`{}`))
	resp, err := (&http.Client{Transport: ghtransport.New(nil, c.options(t))}).Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Errorf("a write whose answer was cut off should fail")
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

// A write marked Repeatable (creating an installation token) is retried
// like a read; the same write unmarked is sent once.
func TestRepeatableWriteIsRetried(t *testing.T) {
	for _, marked := range []bool{true, false} {
		srv := serve(t, status(502, `{}`), ok(`{"token":"x"}`))
		c := newClock()
		req, _ := http.NewRequest("POST", srv.URL("/api/v3/app/installations/1/access_tokens"), strings.NewReader(`{}`))
		if marked {
			req = ghtransport.Repeatable(req)
		}
		resp, err := (&http.Client{Transport: ghtransport.New(nil, c.options(t))}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want, wantN := 200, 2
		if !marked {
			want, wantN = 502, 1
		}
		if resp.StatusCode != want || len(srv.Requests()) != wantN {
			t.Errorf("marked=%v: status %d after %d requests, want %d after %d", marked, resp.StatusCode, len(srv.Requests()), want, wantN)
		}
	}
}

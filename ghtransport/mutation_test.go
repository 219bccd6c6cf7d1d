package ghtransport_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/simclock"
)

// These tests were written against the survivors of a mutation run
// (MUTATION.md).

// The content-creating writes are POSTs and PUTs to invitations, comments
// and memberships (PUT /orgs/{org}/memberships/{user} invites); any other
// method to those paths is a write that creates nothing.
func TestWhichWritesCreateContent(t *testing.T) {
	c := newClock()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var mu sync.Mutex
	var heard []string
	o := c.options(t)
	o.ContentSent = func(r *http.Request, _ time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		heard = append(heard, r.Method+" "+r.URL.Path)
		return nil
	}
	rt := ghtransport.New(nil, o)
	for _, r := range []struct{ method, path string }{
		{"PUT", "/orgs/o/memberships/u"},
		{"PATCH", "/orgs/o/memberships/u"},
		{"DELETE", "/orgs/o/memberships/u"},
		{"POST", "/orgs/o/invitations"},
		{"PATCH", "/repos/o/r/issues/comments"},
		{"DELETE", "/orgs/o/invitations"},
	} {
		if _, _, err := do(t, rt, r.method, srv.URL+r.path, "{}"); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(heard) != 2 || heard[0] != "PUT /orgs/o/memberships/u" || heard[1] != "POST /orgs/o/invitations" {
		t.Errorf("content-creating: %q, want the PUT of a membership and the POST of an invitation", heard)
	}
}

// A write that waited for room in the content budget still starts a
// second after the previous write's answer, when that answer came late.
func TestSpacingHoldsAfterAContentWait(t *testing.T) {
	c := simclock.New(start)
	gh := &slowGitHub{clock: c, answer: 59500 * time.Millisecond}
	rt := ghtransport.New(gh, ghtransport.Options{Now: c.Now, Sleep: c.Sleep, Logger: testLogger(t), ContentPerMinute: 1})
	for range 2 {
		if _, _, err := do(t, rt, "POST", "http://github.invalid/api/v3/repos/o/r/issues/1/comments", `{}`); err != nil {
			t.Fatal(err)
		}
	}
	if len(gh.starts) != 2 {
		t.Fatalf("%d writes arrived, want 2", len(gh.starts))
	}
	if minute := gh.starts[1].Sub(gh.starts[0]); minute < time.Minute {
		t.Errorf("the second content-creating write started %s after the first, want a minute", minute)
	}
	if idle := gh.starts[1].Sub(gh.ends[0]); idle < time.Second {
		t.Errorf("the second write started %s after the first's answer, want at least 1s", idle)
	}
}

// A wait that uses up exactly what is left of MaxWait is allowed.
func TestAWaitOfExactlyTheBudgetIsWaited(t *testing.T) {
	s := serve(t, status(403, `{"message":"You have exceeded a secondary rate limit."}`, "Retry-After", "10"), ok(`{}`))
	c := newClock()
	o := c.options(t)
	o.MaxWait = 10 * time.Second
	resp, _, err := do(t, ghtransport.New(nil, o), "GET", s.URL("/api/v3/orgs/o"), "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v; want the 200 after a wait of the whole budget", resp, err)
	}
}

// History that lies ahead of now (another run's clock ran ahead) counts
// against the hour but not against the current minute.
func TestFutureHistoryCountsAgainstTheHourOnly(t *testing.T) {
	for _, tt := range []struct {
		name            string
		perMin, perHour int
		want            time.Duration
	}{
		{"minute", 1, -1, 0},
		{"hour", -1, 1, 30*time.Second + time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			defer srv.Close()
			o := c.options(t)
			o.ContentPerMinute, o.ContentPerHour, o.MaxWait = tt.perMin, tt.perHour, 2*time.Hour
			o.ContentHistory = func(string, time.Time) []time.Time { return []time.Time{start.Add(30 * time.Second)} }
			if _, _, err := do(t, ghtransport.New(nil, o), "POST", srv.URL+"/repos/o/r/issues/1/comments", "{}"); err != nil {
				t.Fatal(err)
			}
			var waited time.Duration
			for _, w := range c.Waits() {
				waited += w
			}
			if waited != tt.want {
				t.Errorf("waited %s, want %s", waited, tt.want)
			}
		})
	}
}

// A write cut short while it waits out its spacing (its context ended)
// certainly did not go: ErrNotSent, and GitHub saw nothing of it.
func TestWriteCancelledInItsSpacingIsNotSent(t *testing.T) {
	s := serve(t, status(201, `{}`))
	rt := ghtransport.New(nil, ghtransport.Options{Logger: testLogger(t), WriteSpacing: time.Hour})
	if _, _, err := do(t, rt, "POST", s.URL("/api/v3/orgs/o/invitations"), `{}`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := doCtx(ctx, t, rt, "POST", s.URL("/api/v3/orgs/o/invitations"), `{}`)
	if !errors.Is(err, ghtransport.ErrNotSent) {
		t.Errorf("err %v, want ErrNotSent", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("GitHub saw %d requests, want the first only", n)
	}
}

type closeRecorder struct {
	io.Reader
	mu     sync.Mutex
	closed bool
}

func (c *closeRecorder) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

// A write that Polite refuses to send has its body closed all the same, as
// a RoundTripper must.
func TestARefusedWriteHasItsBodyClosed(t *testing.T) {
	c := newClock()
	o := c.options(t)
	o.ContentSent = func(*http.Request, time.Time) error { return errors.New("the state could not be written") }
	rt := ghtransport.New(roundTripFunc(func(*http.Request) (*http.Response, error) {
		t.Error("a refused write reached the network")
		return nil, errors.New("sent")
	}), o)
	body := &closeRecorder{Reader: strings.NewReader("{}")}
	req, err := http.NewRequest("POST", "http://github.invalid/api/v3/orgs/o/invitations", body)
	if err != nil {
		t.Fatal(err)
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("{}")), nil }
	if _, err := rt.RoundTrip(req); err == nil {
		t.Fatal("the write went, want it refused")
	}
	body.mu.Lock()
	defer body.mu.Unlock()
	if !body.closed {
		t.Error("the refused write's body was left open")
	}
}

// WithIdentity and PerIdentity send through the base they are given,
// with the identity on the request.
func TestIdentityLayersUseTheirBase(t *testing.T) {
	var got []string
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, ghtransport.IdentityOf(r.Context()))
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
	})
	c := newClock()
	per := ghtransport.NewPerIdentity(base, c.options(t))
	for _, id := range []string{"token", "installation:42"} {
		if _, _, err := do(t, ghtransport.WithIdentity(per, id), "GET", "http://github.invalid/api/v3/orgs/o", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := do(t, ghtransport.WithIdentity(base, "direct"), "GET", "http://github.invalid/api/v3/orgs/o", ""); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "token" || got[1] != "installation:42" || got[2] != "direct" {
		t.Errorf("the base saw identities %q", got)
	}
}

// An X-RateLimit-Reset of 0 says nothing: the wait is the fallback
// minute, not a reset long past.
func TestRateLimitResetOfZeroIsNoReset(t *testing.T) {
	s := serve(t, status(403, `{"message":"API rate limit exceeded"}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "0"), ok(`{}`))
	c := newClock()
	if _, _, err := do(t, ghtransport.New(nil, c.options(t)), "GET", s.URL("/api/v3/orgs/o"), ""); err != nil {
		t.Fatal(err)
	}
	if w := c.Waits(); len(w) != 1 || w[0] != time.Minute {
		t.Errorf("waits %v, want the fallback minute", w)
	}
}

// The logs of a rate-limited request count its attempts from 1.
func TestRateLimitLogsCountAttemptsFromOne(t *testing.T) {
	limited := status(403, `{"message":"You have exceeded a secondary rate limit."}`, "Retry-After", "1")
	steps := []http.HandlerFunc{limited, ok(`{}`)}
	for range 11 {
		steps = append(steps, limited)
	}
	s := serve(t, steps...)
	c := newClock()
	var logs strings.Builder
	o := c.options(t)
	o.Logger = slogJSON(&logs)
	rt := ghtransport.New(nil, o)
	if _, _, err := do(t, rt, "GET", s.URL("/api/v3/orgs/o"), ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := do(t, rt, "GET", s.URL("/api/v3/orgs/o"), ""); err == nil {
		t.Fatal("endless limits did not end in an error")
	}
	var attempts []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec struct {
			Msg     string `json:"msg"`
			Attempt *int   `json:"attempt"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Attempt != nil {
			attempts = append(attempts, strconv.Itoa(*rec.Attempt))
		}
	}
	if got, want := strings.Join(attempts, " "), "1 1 2 3 4 5 6 7 8 9 10 11"; got != want {
		t.Errorf("attempts logged %q, want %q", got, want)
	}
}

// A 403 with Retry-After: 0 is a secondary limit all the same: waited
// (the least wait, a second) and sent again.
func TestRetryAfterZeroIsALimit(t *testing.T) {
	s := serve(t, status(403, `{}`, "Retry-After", "0"), ok(`{}`))
	c := newClock()
	resp, _, err := do(t, ghtransport.New(nil, c.options(t)), "GET", s.URL("/api/v3/orgs/o"), "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v; want the 200 after the limit", resp, err)
	}
	if w := c.Waits(); len(w) != 1 || w[0] != time.Second {
		t.Errorf("waits %v, want one second", w)
	}
}

// An answer to a read larger than what Retry holds in memory reaches the
// caller whole.
func TestAHugeAnswerArrivesWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 32 MiB")
	}
	const size = 32<<20 + 10
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, size))
	})
	c := newClock()
	_, body, err := do(t, ghtransport.New(nil, c.options(t)), "GET", s.URL("/api/v3/orgs/o"), "")
	if err != nil || len(body) != size {
		t.Errorf("got %d bytes, %v; want %d", len(body), err, size)
	}
}

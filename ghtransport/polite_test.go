package ghtransport_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
)

// arrivals is a server that records when (by the test clock) each request
// arrived, and answers 201.
type arrivals struct {
	mu    sync.Mutex
	clock *clock
	at    map[string][]time.Time // by method+path
	all   []time.Time
}

func newArrivals(t *testing.T, c *clock) (*arrivals, *httptest.Server) {
	a := &arrivals{clock: c, at: map[string][]time.Time{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		now := c.Now()
		a.at[r.Method] = append(a.at[r.Method], now)
		if r.Method != http.MethodGet {
			a.all = append(a.all, now)
		}
		a.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)
	return a, srv
}

func TestWritesAreSerialAndSpacedReadsAreNot(t *testing.T) {
	c := newClock()
	a, srv := newArrivals(t, c)
	rt := ghtransport.New(nil, c.options(t))
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, _, err := do(t, rt, "POST", srv.URL+"/api/v3/repos/o/r/issues/1/comments", `{"body":"hi"}`); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, _, err := do(t, rt, "GET", srv.URL+"/api/v3/orgs/o", ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(a.all) != 10 {
		t.Fatalf("%d writes arrived, want 10", len(a.all))
	}
	for i := 1; i < len(a.all); i++ {
		if gap := a.all[i].Sub(a.all[i-1]); gap < time.Second {
			t.Errorf("writes %d and %d arrived %s apart, want at least 1s", i, i+1, gap)
		}
	}
}

func TestContentCreatingRequestsStayUnderGitHubsLimits(t *testing.T) {
	c := newClock()
	a, srv := newArrivals(t, c)
	o := c.options(t)
	o.WriteSpacing = -1 // only the content limits in play
	rt := ghtransport.New(nil, o)
	for range 81 {
		if _, _, err := do(t, rt, "POST", srv.URL+"/api/v3/orgs/o/invitations", `{}`); err != nil {
			t.Fatal(err)
		}
	}
	// The 81st waited until the first was a minute old.
	if got := a.all[80].Sub(a.all[0]); got < time.Minute {
		t.Errorf("81 invitations within %s, want the 81st a minute after the first", got)
	}
	// The first 80 fit in the minute and went at once.
	if got := a.all[79].Sub(a.all[0]); got >= time.Minute {
		t.Errorf("the first 80 took %s; they need not wait", got)
	}
}

func TestHourlyContentBudgetSurvivesRunsAndQueuesTheRest(t *testing.T) {
	c := newClock()
	a, srv := newArrivals(t, c)
	o := c.options(t)
	o.MaxWait = 15 * time.Minute
	// An earlier run sent 500 in the last 40 minutes.
	var history []time.Time
	for i := range 500 {
		history = append(history, start.Add(-40*time.Minute+time.Duration(i)*time.Second))
	}
	o.ContentHistory = func(id string, since time.Time) []time.Time {
		if id != "" || !since.Equal(start.Add(-time.Hour)) {
			t.Errorf("ContentHistory(%q, %v)", id, since)
		}
		return history
	}
	rt := ghtransport.New(nil, o)
	_, _, err := do(t, rt, "POST", srv.URL+"/api/v3/orgs/o/invitations", `{}`)
	var rl *ghtransport.RateLimitError
	if !errors.As(err, &rl) || rl.Kind != ghtransport.KindContent {
		t.Fatalf("err = %v, want a content-creation *RateLimitError", err)
	}
	// An invitation needs room for its welcome comment too: two of the
	// earlier 500 must be an hour old.
	if want := start.Add(20*time.Minute + time.Second); !rl.Reset.Equal(want) {
		t.Errorf("reset %v, want %v (the second oldest an hour old)", rl.Reset, want)
	}
	if len(a.all) != 0 {
		t.Errorf("%d requests sent past the hourly budget", len(a.all))
	}
	// Reads are never held back by it.
	if _, _, err := do(t, rt, "GET", srv.URL+"/api/v3/orgs/o", ""); err != nil {
		t.Errorf("read: %v", err)
	}
}

func TestOneIdentitysCooldownDoesNotStallAnother(t *testing.T) {
	c := newClock()
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		who := r.Header.Get("Authorization")
		seen[who]++
		if who == "a" && seen[who] == 1 {
			w.Header().Set("Retry-After", "600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	base := ghtransport.NewPerIdentity(nil, c.options(t))
	as := func(id string) http.RoundTripper {
		return ghtransport.WithIdentity(roundTripFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", id)
			return base.RoundTrip(r)
		}), id)
	}
	if _, _, err := do(t, as("a"), "GET", srv.URL+"/api/v3/orgs/a", ""); err != nil {
		t.Fatal(err)
	}
	before := len(c.Waits())
	if _, _, err := do(t, as("b"), "GET", srv.URL+"/api/v3/orgs/b", ""); err != nil {
		t.Fatal(err)
	}
	if w := c.Waits()[before:]; len(w) != 0 {
		t.Errorf("identity b waited %v for a's secondary limit", w)
	}
}

func TestA429WithoutRetryAfterWaitsAMinute(t *testing.T) {
	c := newClock()
	s := serve(t, status(429, `{"message":"slow down"}`, "Retry-After", ""), ok(`{}`))
	if _, _, err := do(t, ghtransport.New(nil, c.options(t)), "GET", s.URL("/api/v3/orgs/o"), ""); err != nil {
		t.Fatal(err)
	}
	if w := c.Waits(); len(w) != 1 || w[0] < time.Minute {
		t.Errorf("waits %v, want one of at least a minute", w)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestGraphQLTimeoutIn200IsRetriedForAQuery(t *testing.T) {
	c := newClock()
	timeout := `{"data":null,"errors":[{"message":"Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include ` + "`ABCD`" + ` when reporting this issue."}]}`
	s := serve(t, ok(timeout), ok(`{"data":{"viewer":{"login":"x"}}}`))
	_, body, err := do(t, ghtransport.New(nil, c.options(t)), "POST", s.URL("/api/graphql"), `{"query":"query { viewer { login } }"}`)
	if err != nil || !strings.Contains(body, `"login":"x"`) {
		t.Fatalf("body %q, err %v; want the second answer", body, err)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestGraphQLTimeoutIn200IsNotRetriedForAMutation(t *testing.T) {
	c := newClock()
	timeout := `{"data":null,"errors":[{"message":"Something went wrong while executing your query."}]}`
	s := serve(t, ok(timeout))
	resp, _, err := do(t, ghtransport.New(nil, c.options(t)), "POST", s.URL("/api/graphql"), `{"query":"mutation { x }"}`)
	if err != nil || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %v, err %v; want the 502 it is, once", resp, err)
	}
}

// An invitation that no welcome will follow needs room for itself alone:
// with one place left in the hour it goes, where one that a welcome
// follows waits for two.
func TestInvitationWithoutFollowUpNeedsRoomForItselfAlone(t *testing.T) {
	c := newClock()
	a, srv := newArrivals(t, c)
	o := c.options(t)
	o.MaxWait = -1
	// 499 of the hour's 500 went out in the last 40 minutes.
	var history []time.Time
	for i := range 499 {
		history = append(history, start.Add(-40*time.Minute+time.Duration(i)*time.Second))
	}
	o.ContentHistory = func(string, time.Time) []time.Time { return history }
	rt := ghtransport.New(nil, o)
	var rl *ghtransport.RateLimitError
	if _, _, err := do(t, rt, "POST", srv.URL+"/api/v3/orgs/o/invitations", `{}`); !errors.As(err, &rl) {
		t.Fatalf("an invitation a welcome follows, one place left: err = %v, want it held back", err)
	}
	req, err := http.NewRequestWithContext(ghtransport.WithoutFollowUp(context.Background()), "POST", srv.URL+"/api/v3/orgs/o/invitations", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("an invitation no welcome follows, one place left: %v", err)
	}
	resp.Body.Close()
	if len(a.all) != 1 {
		t.Errorf("%d requests reached GitHub, want the one", len(a.all))
	}
}

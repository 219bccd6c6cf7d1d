package ghtransport_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/simclock"
)

// These tests were written against the survivors of a mutation run
// (docs/mutation-state-ghtransport.md).

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

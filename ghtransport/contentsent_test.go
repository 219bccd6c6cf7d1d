package ghtransport_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
)

func TestContentSentHearsOfEachContentCreatingRequestBeforeItGoes(t *testing.T) {
	c := newClock()
	a, srv := newArrivals(t, c)
	o := c.options(t)
	var heard []string
	var times []time.Time
	refuse := errors.New("the state could not be written")
	o.ContentSent = func(r *http.Request, at time.Time) error {
		heard = append(heard, r.Method+" "+r.URL.Path)
		times = append(times, at)
		if r.URL.Path == "/api/v3/orgs/o/invitations" && len(heard) == 3 {
			return refuse
		}
		return nil
	}
	rt := ghtransport.New(nil, o)
	for _, r := range []struct{ method, path string }{
		{"POST", "/api/v3/orgs/o/invitations"},
		{"GET", "/api/v3/orgs/o"},
		{"POST", "/api/v3/repos/o/r/issues/1/comments"},
		{"DELETE", "/api/v3/orgs/o/invitations/5"}, // a write, not content
	} {
		if _, _, err := do(t, rt, r.method, srv.URL+r.path, "{}"); err != nil {
			t.Fatal(err)
		}
	}
	if len(heard) != 2 || heard[0] != "POST /api/v3/orgs/o/invitations" || heard[1] != "POST /api/v3/repos/o/r/issues/1/comments" {
		t.Fatalf("heard %q, want the invitation and the comment", heard)
	}
	// Told when each went out: after the second's spacing between writes.
	if len(a.all) != 3 || !times[1].Equal(a.all[1]) || times[1].Sub(times[0]) < time.Second {
		t.Errorf("told %v, arrivals %v", times, a.all)
	}

	// A failure to record stops the request.
	_, _, err := do(t, rt, "POST", srv.URL+"/api/v3/orgs/o/invitations", "{}")
	if !errors.Is(err, refuse) || len(a.all) != 3 {
		t.Errorf("err %v with %d arrivals; want the hook's error and nothing sent", err, len(a.all))
	}
}

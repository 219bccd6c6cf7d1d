package fakegithub

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v88/github"
)

// statuses sends n GET /orgs/acme and returns the statuses answered.
func statuses(t *testing.T, g *GitHub, n int) []int {
	t.Helper()
	var out []int
	for range n {
		resp, _ := rawDo(t, "GET", g.RESTURL()+"orgs/acme", tok, nil)
		out = append(out, resp.StatusCode)
	}
	return out
}

func TestFaultsAreDeterministic(t *testing.T) {
	run := func(seed int64) []int {
		f := newFixture(t)
		f.g.InjectFaults(Faults{Seed: seed, Rate502: 0.5, SecondaryEvery: 7})
		return statuses(t, f.g, 40)
	}
	a, b := run(1), run(1)
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", d)
	}
	if cmp.Equal(a, run(2)) {
		t.Errorf("seeds 1 and 2 gave the same 40 faults: %v", a)
	}
	n502, n403 := 0, 0
	for i, s := range a {
		switch {
		case (i+1)%7 == 0:
			if s != 403 {
				t.Errorf("request %d: %d, want the secondary limit", i+1, s)
			}
			n403++
		case s == 502:
			n502++
		case s != 200:
			t.Errorf("request %d: %d", i+1, s)
		}
	}
	if n502 < 8 || n502 > 28 {
		t.Errorf("%d of 40 answered 502 at a rate of 0.5", n502)
	}
}

func TestFault502IsNotPerformed(t *testing.T) {
	f := newFixture(t)
	fi := f.g.InjectFaults(Faults{Rate502: 1})
	resp, body := rawDo(t, "POST", f.g.RESTURL()+"orgs/acme/invitations", tok, map[string]any{"invitee_id": f.carol.ID})
	if resp.StatusCode != 502 || body["message"] != MsgServerError {
		t.Errorf("got %d %v", resp.StatusCode, body)
	}
	if got := f.g.CreatedInvitations("acme"); len(got) != 0 {
		t.Errorf("a faulted invitation was created: %v", got)
	}
	_, _, err := restClient(t, f.g, tok).Organizations.Get(ctx(t), "acme")
	asErrorResponse(t, err, 502)

	resp, body = rawGraphQL(t, f.g, tok, `{ viewer { login } }`, nil)
	if resp.StatusCode != 502 || body["data"] != nil || !strings.HasPrefix(firstError(t, body)["message"].(string), "Something went wrong while executing your query.") {
		t.Errorf("GraphQL got %d %v", resp.StatusCode, body)
	}
	if got, want := fi.Counts(), (FaultCounts{BadGateway: 3}); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	var statuses []int
	for _, r := range f.g.Requests() {
		statuses = append(statuses, r.Status)
	}
	if d := cmp.Diff([]int{502, 502, 502}, statuses); d != "" {
		t.Errorf("recorded statuses (-want +got):\n%s", d)
	}
}

func TestFaultAmbiguousWrites(t *testing.T) {
	f := newFixture(t)
	fi := f.g.InjectFaults(Faults{Rate502: 1, AmbiguousWrites: true})
	c := restClient(t, f.g, tok)
	_, _, err := c.Organizations.CreateOrgInvitation(ctx(t), "acme", &github.CreateOrgInvitationOptions{InviteeID: github.Ptr(f.carol.ID)})
	asErrorResponse(t, err, 502)
	if got := f.g.CreatedInvitations("acme"); len(got) != 1 || got[0].InviteeID != f.carol.ID {
		t.Errorf("the write should have happened before the 502: %v", got)
	}
	// Reads and GraphQL are not performed.
	_, _, err = c.Organizations.Get(ctx(t), "acme")
	asErrorResponse(t, err, 502)
	if got, want := fi.Counts(), (FaultCounts{AmbiguousWrites: 1, BadGateway: 1}); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
}

func TestFaultSecondaryRateLimit(t *testing.T) {
	f := newFixture(t)
	fi := f.g.InjectFaults(Faults{SecondaryEvery: 3})
	got := statuses(t, f.g, 2)
	if d := cmp.Diff([]int{200, 200}, got); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	resp, body := rawDo(t, "POST", f.g.RESTURL()+"orgs/acme/invitations", tok, map[string]any{"invitee_id": f.carol.ID})
	if resp.StatusCode != 403 || resp.Header.Get("Retry-After") != "1" ||
		!strings.HasPrefix(body["message"].(string), MsgSecondaryRateLimit) ||
		!strings.HasSuffix(body["documentation_url"].(string), "secondary-rate-limits") {
		t.Errorf("got %d %v %v", resp.StatusCode, resp.Header, body)
	}
	if got := f.g.CreatedInvitations("acme"); len(got) != 0 {
		t.Errorf("a rate-limited invitation was created: %v", got)
	}
	// go-github recognises it.
	statuses(t, f.g, 2)
	_, _, err := restClient(t, f.g, tok).Organizations.Get(ctx(t), "acme")
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.GetRetryAfter() != time.Second {
		t.Errorf("err = %v, want an *AbuseRateLimitError with RetryAfter 1s", err)
	}
	if n := fi.Counts().Secondary; n != 2 {
		t.Errorf("%d secondary limits, want 2", n)
	}
}

func TestFaultGraphQLRateLimited(t *testing.T) {
	f := newFixture(t)
	now := base.Add(500 * time.Millisecond)
	f.g.SetClock(func() time.Time { return now })
	f.g.InjectFaults(Faults{GraphQLRateLimitedEvery: 2})
	for i := range 3 {
		statuses(t, f.g, 1) // REST requests do not count
		resp, body := rawGraphQL(t, f.g, tok, `{ viewer { login } }`, nil)
		if i != 1 {
			if resp.StatusCode != 200 || body["errors"] != nil {
				t.Errorf("GraphQL request %d: %d %v", i+1, resp.StatusCode, body)
			}
			continue
		}
		e := firstError(t, body)
		if resp.StatusCode != 200 || e["type"] != "RATE_LIMITED" || !strings.HasPrefix(e["message"].(string), "API rate limit exceeded for user ID") || body["data"] != nil {
			t.Errorf("GraphQL request %d: %d %v", i+1, resp.StatusCode, body)
		}
		h := resp.Header
		reset, _ := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
		if h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Resource") != "graphql" || reset != base.Unix()+1 {
			t.Errorf("headers %v; want remaining 0 and the reset a moment after %v", h, now)
		}
	}
}

func TestFaultLatency(t *testing.T) {
	f := newFixture(t)
	fi := f.g.InjectFaults(Faults{Latency: 30 * time.Millisecond})
	began := time.Now()
	if got := statuses(t, f.g, 2); !cmp.Equal(got, []int{200, 200}) {
		t.Errorf("statuses %v", got)
	}
	if d := time.Since(began); d < 60*time.Millisecond {
		t.Errorf("two requests took %v, want at least 60ms", d)
	}
	if n := fi.Counts().Delayed; n != 2 {
		t.Errorf("%d delayed", n)
	}
}

func TestFaultHang(t *testing.T) {
	f := newFixture(t)
	fi := f.g.InjectFaults(Faults{HangEvery: 2})
	client := &http.Client{Transport: &TokenTransport{Token: tok}, Timeout: 100 * time.Millisecond}
	var errs []string
	for range 3 {
		resp, err := client.Get(f.g.RESTURL() + "orgs/acme")
		if err != nil {
			errs = append(errs, "error")
			continue
		}
		resp.Body.Close()
		errs = append(errs, resp.Status)
	}
	if d := cmp.Diff([]string{"200 OK", "error", "200 OK"}, errs); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := f.g.Requests(); len(got) != 3 || got[1].Status != 0 {
		t.Errorf("the hung request should be recorded with status 0: %+v", got)
	}
	if n := fi.Counts().Hung; n != 1 {
		t.Errorf("%d hung", n)
	}
}

func TestCloseDoesNotWaitForAHungRequest(t *testing.T) {
	g := NewServer()
	g.AddToken(tok)
	g.AddOrg("acme")
	g.InjectFaults(Faults{HangEvery: 1})
	done := make(chan error, 1)
	go func() {
		resp, err := g.Client(tok).Get(g.RESTURL() + "orgs/acme")
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("answered %s", resp.Status)
		}
		done <- err
	}()
	for len(g.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { g.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hung request")
	}
	if err := <-done; err == nil || strings.HasPrefix(err.Error(), "answered") {
		t.Errorf("the client got %v, want a dropped connection", err)
	}
}

func TestFaultsOnlyAndStop(t *testing.T) {
	f := newFixture(t)
	fi := f.g.InjectFaults(Faults{Rate502: 1, Only: func(r *http.Request) bool { return KindOf(r) == KindGraphQL }})
	if got := statuses(t, f.g, 2); !cmp.Equal(got, []int{200, 200}) {
		t.Errorf("REST got %v, want no faults", got)
	}
	if resp, _ := rawGraphQL(t, f.g, tok, `{ viewer { login } }`, nil); resp.StatusCode != 502 {
		t.Errorf("GraphQL got %d, want 502", resp.StatusCode)
	}
	fi.Stop()
	if resp, _ := rawGraphQL(t, f.g, tok, `{ viewer { login } }`, nil); resp.StatusCode != 200 {
		t.Errorf("after Stop, GraphQL got %d", resp.StatusCode)
	}
	if n := fi.Counts().BadGateway; n != 1 {
		t.Errorf("%d 502s", n)
	}
}

func TestInjectFaultsRefusesNonsense(t *testing.T) {
	for _, f := range []Faults{{Rate502: 1.5}, {Rate502: -0.1}, {SecondaryEvery: -1}, {Latency: -time.Second}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("InjectFaults(%+v) did not panic", f)
				}
			}()
			New(t).InjectFaults(f)
		}()
	}
}

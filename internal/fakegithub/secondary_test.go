package fakegithub

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/simclock"
)

// moveOn moves the simulated clock on by d.
func moveOn(c *simclock.Clock, d time.Duration) { _ = c.Sleep(context.Background(), d) }

func TestOnlyOwnersInvite(t *testing.T) {
	f := newFixture(t)
	g := f.g
	g.SetOwnersOnlyInvitations(true)
	code, body := invite(t, g, "acme", f.carol.ID)
	if code != http.StatusForbidden || body["message"] != MsgMustBeOwner {
		t.Fatalf("a non-owner's invitation: %d %v, want 403 %q", code, body, MsgMustBeOwner)
	}
	if n := len(g.CreatedInvitations("acme")); n != 0 {
		t.Fatalf("%d invitations created by a non-owner", n)
	}
	g.MakeOwner("acme", g.TokenOwner().ID)
	if code, body := invite(t, g, "acme", f.carol.ID); code != http.StatusCreated {
		t.Fatalf("an owner's invitation: %d %v", code, body)
	}
}

func TestContentLimitsPerMinuteAndHourPerCredential(t *testing.T) {
	f := newFixture(t)
	g := f.g
	clock := simclock.New(time.Now())
	g.SetClock(clock.Now)
	g.SetInvitationCap("acme", 0)
	post := func(tok string) *http.Response {
		resp, _ := rawDo(t, "POST", g.RESTURL()+"repos/acme/widgets/issues/"+fmt.Sprint(f.mergedPR.Number)+"/comments", tok, map[string]any{"body": "hi"})
		return resp
	}
	for i := range DefaultContentPerMinute {
		if resp := post(tok); resp.StatusCode != http.StatusCreated {
			t.Fatalf("comment %d: %d", i+1, resp.StatusCode)
		}
		moveOn(clock, 100*time.Millisecond)
	}
	resp, body := rawDo(t, "POST", g.RESTURL()+"orgs/acme/invitations", tok, map[string]any{"invitee_id": f.carol.ID})
	if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(fmt.Sprint(body["message"]), MsgSecondaryRateLimit) {
		t.Fatalf("the 81st content-creating request in a minute: %d %v, want 403 secondary limit", resp.StatusCode, body)
	}
	// Retry-After: until the first of the 80 is a minute old (52 s on).
	if ra := resp.Header.Get("Retry-After"); ra != "52" {
		t.Errorf("Retry-After %q, want 52", ra)
	}
	// Another credential is counted apart.
	g.AddTokenFor("ghp_other", f.alice.ID)
	if resp := post("ghp_other"); resp.StatusCode != http.StatusCreated {
		t.Errorf("another user's comment: %d", resp.StatusCode)
	}
	if g.ContentLimitRefusals() != 1 {
		t.Errorf("refusals = %d, want 1", g.ContentLimitRefusals())
	}

	// The hour: 500 in all, even at a pace the minute allows.
	moveOn(clock, time.Minute)
	for sent := DefaultContentPerMinute; sent < DefaultContentPerHour; sent++ {
		moveOn(clock, time.Second)
		if resp := post(tok); resp.StatusCode != http.StatusCreated {
			t.Fatalf("comment %d: %d", sent+1, resp.StatusCode)
		}
	}
	moveOn(clock, time.Second)
	if resp := post(tok); resp.StatusCode != http.StatusForbidden || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the 501st in an hour: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	g.SetContentLimits(0, 0)
	if resp := post(tok); resp.StatusCode != http.StatusCreated {
		t.Errorf("with the limits off: %d", resp.StatusCode)
	}
}

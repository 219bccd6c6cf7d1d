package cmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// runFast runs reconcile in-process with waits that take no real time and a
// short timeout per attempt, so that faults cost the test nothing.
func (w *world) runFast(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
	d.Now = func() time.Time { return w.now }
	d.Resilience = func(o *ghtransport.Options) {
		o.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
		o.AttemptTimeout = 300 * time.Millisecond
		o.MaxAttempts = 8
	}
	code := Main(context.Background(), append([]string{"reconcile", "--state", w.statePath, "--org", "trio"}, args...), d)
	return code, out.String(), errb.String()
}

func TestFaultsNeverDoubleAnInvitationOrAComment(t *testing.T) {
	tests := []struct {
		name   string
		faults fakegithub.Faults
		// reruns: how many later runs without faults may be needed to
		// finish (a lost answer to a comment is retried by the next run).
		rerun bool
		// injected says whether the faults of this case really happened,
		// so that a broken injector cannot pass the test.
		injected func(fakegithub.FaultCounts) bool
	}{
		{"502s on a third of requests", fakegithub.Faults{Seed: 1, Rate502: 0.33}, true,
			func(c fakegithub.FaultCounts) bool { return c.BadGateway > 0 }},
		{"secondary rate limit every 3rd request", fakegithub.Faults{Seed: 2, SecondaryEvery: 3}, false,
			func(c fakegithub.FaultCounts) bool { return c.Secondary > 0 }},
		{"GraphQL RATE_LIMITED every 2nd query", fakegithub.Faults{Seed: 3, GraphQLRateLimitedEvery: 2}, false,
			func(c fakegithub.FaultCounts) bool { return c.GraphQLRateLimited > 0 }},
		{"latency", fakegithub.Faults{Seed: 4, Latency: 5 * time.Millisecond}, false,
			func(c fakegithub.FaultCounts) bool { return c.Delayed > 0 }},
		{"a hung request every 4th", fakegithub.Faults{Seed: 5, HangEvery: 4}, true,
			func(c fakegithub.FaultCounts) bool { return c.Hung > 0 }},
		{"writes that happen but whose answer is lost", fakegithub.Faults{Seed: 6, Rate502: 0.5, AmbiguousWrites: true}, true,
			func(c fakegithub.FaultCounts) bool { return c.AmbiguousWrites > 0 }},
		{"429 with a blank Retry-After every 3rd request", fakegithub.Faults{Seed: 8, TooManyEvery: 3, BlankRetryAfter: true}, false,
			func(c fakegithub.FaultCounts) bool { return c.TooMany > 0 }},
		{"GraphQL timeouts in a 200 every 2nd query", fakegithub.Faults{Seed: 9, GraphQLTimeoutEvery: 2}, false,
			func(c fakegithub.FaultCounts) bool { return c.GraphQLTimeouts > 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, fresh := newcomersWorld(t, 4)

			inj := w.gh.InjectFaults(tt.faults)
			code, out, errOut := w.runFast(t)
			inj.Stop()
			if !tt.rerun {
				mustCode(t, code, 0, out, errOut)
			}
			// Later runs (faults over) finish whatever was left.
			for i := 0; i < 3 && (code != 0 || hasWelcomesLeft(w)); i++ {
				w.now = w.now.Add(10 * time.Minute)
				code, out, errOut = w.runFast(t)
			}
			mustCode(t, code, 0, out, errOut)
			counts := inj.Counts()
			t.Logf("faults injected: %+v", counts)
			if !tt.injected(counts) {
				t.Errorf("the faults of this case were never injected: %+v", counts)
			}

			invites := map[int64]int{}
			for _, inv := range w.gh.CreatedInvitations("trio") {
				invites[inv.InviteeID]++
			}
			welcomes := map[string]int{}
			for _, c := range w.gh.AllComments() {
				welcomes[c.Body]++
			}
			for _, u := range fresh {
				if invites[u.ID] != 1 {
					t.Errorf("%s invited %d times", u.Login, invites[u.ID])
				}
			}
			if len(invites) != len(fresh) || len(welcomes) != len(fresh) {
				t.Errorf("invitations %v, %d distinct welcomes; want %d of each", invites, len(welcomes), len(fresh))
			}
			for body, n := range welcomes {
				if n != 1 {
					t.Errorf("welcome posted %d times: %.40q", n, body)
				}
			}
		})
	}
}

// hasWelcomesLeft reports whether someone invited has no recorded welcome.
func hasWelcomesLeft(w *world) bool {
	f, _, err := loadStateErr(w.statePath)
	if err != nil {
		return true
	}
	for _, p := range f.Org("trio").People {
		if p.Status == "invited" && p.CommentURL == "" || p.Status == "inviting" || p.Status == "queued" {
			return true
		}
	}
	return false
}

func TestRateLimitPastMaxWaitFailsTheOrgCleanly(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	w.gh.SetRateLimitRemaining(testToken, "graphql", 0)
	d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
	d.Now = func() time.Time { return w.now }
	code := Main(context.Background(), []string{"reconcile", "--state", w.statePath, "--org", "trio", "--max-wait", "2s"}, d)
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errb)
	}
	if !strings.Contains(errb.String(), "snekomatic: trio: ") || !strings.Contains(strings.ToLower(errb.String()), "rate limit") {
		t.Errorf("stderr should name the org and the rate limit:\n%s", errb.String())
	}
	if len(w.gh.CreatedInvitations("trio")) != 0 {
		t.Errorf("nothing should be sent")
	}
}

func TestAppModeUnderFaultsInvitesEachPersonOnce(t *testing.T) {
	w := newAppWorld(t, nil)
	var fresh []int64
	for _, org := range []string{"alpha", "beta"} {
		for i := range 3 {
			u := w.gh.AddUser(fmt.Sprintf("%s-new%d", org, i))
			fresh = append(fresh, u.ID)
			w.gh.AddPR(w.repos[org], u.ID, "x", time.Now().Add(-time.Duration(i+1)*time.Hour))
		}
	}
	inj := w.gh.InjectFaults(fakegithub.Faults{Seed: 7, Rate502: 0.3, AmbiguousWrites: true, SecondaryEvery: 5})
	run := func() int {
		d, _, _ := testDeps(map[string]string{"GITHUB_APP_ID": strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY": string(w.key),
			"GITHUB_API_URL": w.gh.RESTURL()})
		d.Now = time.Now
		d.Resilience = func(o *ghtransport.Options) {
			o.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
			o.MaxAttempts = 8
		}
		return Main(context.Background(), []string{"reconcile", "--state", w.statePath}, d)
	}
	run()
	inj.Stop()
	// Later runs, the faults over, finish what was left (a welcome whose
	// answer was lost is found by its marker or posted).
	for i := 0; i < 3 && run() != 0; i++ {
	}
	if code := run(); code != 0 {
		t.Fatalf("a run after the faults exited %d", code)
	}
	counts := inj.Counts()
	t.Logf("faults injected: %+v", counts)
	if counts.BadGateway == 0 || counts.AmbiguousWrites == 0 || counts.Secondary == 0 {
		t.Errorf("not every kind of fault was injected: %+v", counts)
	}
	seen := map[int64]int{}
	for _, org := range []string{"alpha", "beta"} {
		for _, inv := range w.gh.CreatedInvitations(org) {
			seen[inv.InviteeID]++
		}
	}
	for _, id := range fresh {
		if seen[id] != 1 {
			t.Errorf("user %d invited %d times", id, seen[id])
		}
	}
	welcomes := map[string]int{}
	for _, c := range w.gh.AllComments() {
		welcomes[c.Body]++
	}
	if len(welcomes) != len(fresh) {
		t.Errorf("%d distinct welcomes, want %d", len(welcomes), len(fresh))
	}
	for body, n := range welcomes {
		if n != 1 {
			t.Errorf("welcome posted %d times: %.40q", n, body)
		}
	}
}

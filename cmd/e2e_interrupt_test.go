package cmd

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/state"
)

// Ctrl-C in the middle of a backfill, with GitHub's real second between
// writes: the write on the wire finishes and is recorded; the writes still
// waiting their second are dropped at once, recorded neither as sent nor
// as "inviting" (they certainly did not go), and the run exits 130 as soon
// as nothing is on the wire, not after the 10 s grace. The next run
// invites and welcomes everyone else, each once.
func TestInterruptDropsTheWritesWaitingToBeSent(t *testing.T) {
	w, fresh := newcomersWorld(t, 12)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
	d.Now = func() time.Time { return w.now }
	d.Resilience = nil // GitHub's second between writes, on the real clock
	var writes atomic.Int32
	var interrupted atomic.Int64
	// Ctrl-C arrives while the third write (the second invitation) is on
	// its way; pacing is on, on the real clock.
	d.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		content := strings.HasSuffix(r.URL.Path, "/invitations") || strings.HasSuffix(r.URL.Path, "/comments")
		if r.Method == http.MethodPost && content && writes.Add(1) == 3 {
			interrupted.Store(time.Now().UnixNano())
			cancel()
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	code := Main(ctx, []string{"reconcile", "--state", w.statePath, "--org", "trio"}, d)
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, ExitInterrupted, out, errb)
	}
	took := time.Since(time.Unix(0, interrupted.Load()))
	t.Logf("exited %s after the interruption", took.Round(time.Millisecond))
	if took > 3*time.Second {
		t.Errorf("exited %s after the interruption; nothing was on the wire after the first 100 ms or so", took.Round(time.Millisecond))
	}
	received := w.gh.CountRequests()[fakegithub.KindRESTWrite]
	org := loadState(t, w.statePath).Org("trio")
	inviting, queued := 0, 0
	for _, p := range org.People {
		switch p.Status {
		case state.Inviting:
			inviting++
		case state.Queued:
			queued++
		}
	}
	t.Logf("GitHub received %d writes; the state records %d sent, %d people inviting, %d queued", received, len(allSent(org)), inviting, queued)
	if received != 3 || len(allSent(org)) != received {
		t.Errorf("GitHub received %d writes and the state records %d as sent; want the 3 that went, both", received, len(allSent(org)))
	}
	if inviting != 0 {
		t.Errorf("%d people left inviting (\"may have been sent\") by requests that never went", inviting)
	}
	if want := len(fresh) - 2; queued != want {
		t.Errorf("%d people queued, want the %d not invited", queued, want)
	}

	nextRunInvitesEachOnce(t, w, fresh)
	if n := len(w.gh.AllComments()); n != len(fresh) {
		t.Errorf("%d welcome comments over both runs, want %d", n, len(fresh))
	}
}

// nextRunInvitesEachOnce runs again after an interrupted run and checks
// that GitHub saw one invitation to each of fresh over both runs.
func nextRunInvitesEachOnce(t *testing.T, w *world, fresh []*fakegithub.Account) {
	t.Helper()
	code, out2, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out2, errOut)
	seen := map[int64]int{}
	for _, inv := range w.gh.CreatedInvitations("trio") {
		seen[inv.InviteeID]++
	}
	for _, u := range fresh {
		if seen[u.ID] != 1 {
			t.Errorf("%s invited %d times over both runs", u.Login, seen[u.ID])
		}
	}
}

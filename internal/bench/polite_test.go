package bench

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/cmd"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/simclock"
)

// The polite scenarios: a backfill of n new people against a fake GitHub
// with its documented content-creation limits on (80 a minute, 500 an
// hour), run hourly on a simulated clock, which the client's pacing and
// waits move on, so that hours pass in a moment.

// politeResult is what a polite backfill took.
type politeResult struct {
	people, writes, runs int
	refused              int           // answers 403/429 to writes
	minGap               time.Duration // least time between two writes
	took                 time.Duration // first write to last, simulated
	floor                time.Duration // the least GitHub's limits allow
}

// contentFloor is when the last of w content-creating requests can go out
// at the earliest, the first at 0, if nothing but GitHub's limits (80 a
// minute, 500 an hour) held them back.
func contentFloor(w int) time.Duration {
	last := w - 1
	hours := last / 500
	inHour := last % 500
	return time.Duration(hours)*time.Hour + time.Duration(inHour/80)*time.Minute
}

func runPolite(b *testing.B, n int) politeResult {
	gh := fakegithub.New(b)
	gh.AddToken(token)
	start := time.Now().UTC().Truncate(time.Hour)
	clock := simclock.New(start) // shared by the client's transports and the fake
	gh.SetClock(clock.Now)
	gh.AddOrg("org")
	gh.MakeOwner("org", gh.TokenOwner().ID)
	gh.SetInvitationCap("org", 500) // an organization over a month old
	repo := gh.AddRepo("org", "main")
	for i := range n {
		u := gh.AddUser(fmt.Sprintf("new%d", i))
		gh.AddPR(repo, u.ID, "change", start.Add(-time.Duration(i+1)*time.Minute))
	}
	statePath := filepath.Join(b.TempDir(), "state.json")
	var out, errb bytes.Buffer
	d := &cmd.Deps{Stdout: &out, Stderr: &errb, Now: clock.Now,
		Getenv: func(k string) string {
			return map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": gh.RESTURL()}[k]
		},
		Resilience: func(o *ghtransport.Options) { o.Now, o.Sleep = clock.Now, clock.Sleep }}
	args := []string{"reconcile", "--state", statePath, "--org", "org", "--daily-invite-limit", "500", "--since", "7d"}
	r := politeResult{people: n}
	// Hourly runs (a scheduled workflow) until everyone is invited and
	// welcomed.
	for run := 0; ; run++ {
		if run > 48 {
			b.Fatalf("not done after 48 hourly runs: %d invitations, %d comments", len(gh.CreatedInvitations("org")), len(gh.AllComments()))
		}
		clock.Set(start.Add(time.Duration(run) * time.Hour))
		if code := cmd.Main(context.Background(), args, d); code != 0 {
			b.Fatalf("run %d exited %d: %s", run+1, code, errb.String())
		}
		r.runs++
		if len(gh.CreatedInvitations("org")) == n && len(gh.AllComments()) == n {
			break
		}
	}
	var first, last time.Time
	for _, q := range gh.Requests() {
		if q.Kind != fakegithub.KindRESTWrite {
			continue
		}
		if q.Status == 403 || q.Status == 429 {
			r.refused++
		}
		if r.writes == 0 {
			first = q.At
		} else if gap := q.At.Sub(last); r.minGap == 0 || gap < r.minGap {
			r.minGap = gap
		}
		last = q.At
		r.writes++
	}
	if c := gh.ContentLimitRefusals(); c > r.refused {
		r.refused = c
	}
	r.took = last.Sub(first)
	r.floor = contentFloor(2 * n)
	return r
}

func BenchmarkPoliteBackfill(b *testing.B) {
	for _, n := range []int{60, 300} {
		b.Run(fmt.Sprintf("people-%d", n), func(b *testing.B) {
			var r politeResult
			for b.Loop() {
				b.StopTimer()
				r = runPolite(b, n)
				b.StartTimer()
			}
			if r.refused != 0 {
				b.Errorf("%d writes refused by GitHub's limits", r.refused)
			}
			if r.minGap < time.Second {
				b.Errorf("two writes %s apart on one token", r.minGap)
			}
			if r.writes != 2*n {
				b.Errorf("%d writes, want %d", r.writes, 2*n)
			}
			b.ReportMetric(float64(r.writes), "writes")
			b.ReportMetric(float64(r.runs), "hourly-runs")
			b.ReportMetric(float64(r.refused), "refused")
			b.ReportMetric(r.minGap.Seconds(), "min-gap-s")
			b.ReportMetric(r.took.Minutes(), "invite-all-min")
			b.ReportMetric(r.floor.Minutes(), "floor-min")
		})
	}
}

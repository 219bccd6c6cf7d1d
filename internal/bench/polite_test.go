package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
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
	minGap               time.Duration // least time between the starts of two writes
	minIdle              time.Duration // least time from an answer to the next write
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

// slowWrites is a transport under which GitHub takes answer, on the
// simulated clock, to answer each write after acting on it.
type slowWrites struct {
	clock  *simclock.Clock
	answer time.Duration
}

func (s slowWrites) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.Method != http.MethodGet && s.answer > 0 {
		_ = s.clock.Sleep(r.Context(), s.answer)
	}
	return resp, err
}

// politeCase is a polite backfill: n people, GitHub taking answer to
// answer a write.
type politeCase struct {
	n      int
	answer time.Duration
	// age is how long before the backfill the pull requests were merged
	// (the newest; each one before it a minute older): past
	// comment.max_age's 30 days, nobody is welcomed.
	age time.Duration
	// uncapped lifts GitHub's invitation cap (500 a day for an
	// organization over a month old), so that only the content limits
	// pace the backfill.
	uncapped bool
}

// comments is how many welcomes the case posts.
func (c politeCase) comments() int {
	if c.age > 30*24*time.Hour {
		return 0
	}
	return c.n
}

// runPolite backfills c.n people.
func runPolite(b *testing.B, c politeCase) politeResult {
	n, answer := c.n, c.answer
	gh := fakegithub.New(b)
	gh.AddToken(token)
	start := time.Now().UTC().Truncate(time.Hour)
	clock := simclock.New(start) // shared by the client's transports and the fake
	gh.SetClock(clock.Now)
	gh.AddOrg("org")
	gh.MakeOwner("org", gh.TokenOwner().ID)
	limit := "500"
	gh.SetInvitationCap("org", 500) // an organization over a month old
	if c.uncapped {
		gh.SetInvitationCap("org", 0)
		limit = "0"
	}
	repo := gh.AddRepo("org", "main")
	for i := range n {
		u := gh.AddUser(fmt.Sprintf("new%d", i))
		gh.AddPR(repo, u.ID, "change", start.Add(-c.age-time.Duration(i+1)*time.Minute))
	}
	statePath := filepath.Join(b.TempDir(), "state.json")
	var out, errb bytes.Buffer
	d := &cmd.Deps{Stdout: &out, Stderr: &errb, Now: clock.Now,
		Getenv: func(k string) string {
			return map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": gh.RESTURL()}[k]
		},
		Resilience: func(o *ghtransport.Options) { o.Now, o.Sleep = clock.Now, clock.Sleep },
		Transport:  slowWrites{clock: clock, answer: answer}}
	since := fmt.Sprintf("%dd", 7+int(c.age/(24*time.Hour)))
	args := []string{"reconcile", "--state", statePath, "--org", "org", "--daily-invite-limit", limit, "--since", since}
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
		if len(gh.CreatedInvitations("org")) == n && len(gh.AllComments()) == c.comments() {
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
	r.minIdle = r.minGap - answer
	r.floor = contentFloor(n + c.comments())
	return r
}

func BenchmarkPoliteBackfill(b *testing.B) {
	old := 31 * 24 * time.Hour // past comment.max_age's default
	for _, c := range []politeCase{{n: 60}, {n: 300}, {n: 60, answer: 800 * time.Millisecond},
		{n: 1000, uncapped: true}, {n: 1000, uncapped: true, age: old}} {
		name := fmt.Sprintf("people-%d", c.n)
		if c.answer > 0 {
			name += fmt.Sprintf("/answer-%s", c.answer)
		}
		if c.uncapped {
			name += "/uncapped"
		}
		if c.age > 0 {
			name += fmt.Sprintf("/merged-%dd-ago", c.age/(24*time.Hour))
		}
		if testing.Short() && c.n > 300 {
			continue
		}
		b.Run(name, func(b *testing.B) {
			var r politeResult
			for b.Loop() {
				b.StopTimer()
				r = runPolite(b, c)
				b.StartTimer()
			}
			if r.refused != 0 {
				b.Errorf("%d writes refused by GitHub's limits", r.refused)
			}
			if r.minIdle < time.Second {
				b.Errorf("a write started %s after the answer to the one before, on one token", r.minIdle)
			}
			if r.writes != c.n+c.comments() {
				b.Errorf("%d writes, want %d", r.writes, c.n+c.comments())
			}
			b.ReportMetric(float64(r.writes), "writes")
			b.ReportMetric(float64(r.runs), "hourly-runs")
			b.ReportMetric(float64(r.refused), "refused")
			b.ReportMetric(r.minGap.Seconds(), "min-gap-s")
			b.ReportMetric(r.minIdle.Seconds(), "min-idle-s")
			b.ReportMetric(r.took.Minutes(), "invite-all-min")
			b.ReportMetric(r.floor.Minutes(), "floor-min")
		})
	}
}

// Package bench measures what a snekomatic run costs in requests, GraphQL
// points, wall time and memory, against the fake GitHub with a fixed latency
// per request, and compares it with the least any exact reconciler could
// spend and with the naive approach of a webhook bot.
//
// Run it with:
//
//	go test ./internal/bench -run '^$' -bench . -benchtime 1x
//
// BENCHMARKS.md at the top of the repository records the numbers.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/cmd"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
)

// Latency is added to every request the fake answers.
const Latency = 20 * time.Millisecond

const token = "ghp_benchmarkToken"

// scenario is one shape of run.
type scenario struct {
	name string
	orgs int
	// per organization:
	prs       int // merged pull requests in the window
	authors   int // distinct authors of those pull requests
	members   int // how many of those authors are members already
	preMember int // further members who merged nothing
	// noop: the cursor is already at now (a run with nothing new).
	noop bool
}

var scenarios = []scenario{
	{name: "a-noop", orgs: 1, prs: 0, authors: 0, noop: true, preMember: 300},
	{name: "b-daily", orgs: 1, prs: 200, authors: 40, members: 35, preMember: 265},
	{name: "c-backfill", orgs: 1, prs: 10000, authors: 2000, members: 1500},
	{name: "d-50-orgs", orgs: 50, prs: 100, authors: 20, members: 18, preMember: 30},
}

// world builds the scenario in a fake GitHub and returns the org names.
func (s scenario) world(gh *fakegithub.GitHub, now time.Time) []string {
	var orgs []string
	for o := range s.orgs {
		org := fmt.Sprintf("org%d", o)
		orgs = append(orgs, org)
		gh.AddOrg(org)
		// Only owners may invite: the token's user is one.
		gh.MakeOwner(org, gh.TokenOwner().ID)
		// An organization over a month old may send 500 invitations a day.
		gh.SetInvitationCap(org, 500)
		repo := gh.AddRepo(org, "main")
		var authors []int64
		for a := range s.authors {
			u := gh.AddUser(fmt.Sprintf("%s-author%d", org, a))
			if a < s.members {
				gh.SetMember(org, u.ID, "member")
			}
			authors = append(authors, u.ID)
		}
		for m := range s.preMember {
			gh.SetMember(org, gh.AddUser(fmt.Sprintf("%s-member%d", org, m)).ID, "member")
		}
		for i := range s.prs {
			// Every author has at least one pull request; merges spread
			// over the last six days.
			at := now.Add(-time.Duration(i+1) * (6 * 24 * time.Hour / time.Duration(s.prs+1)))
			gh.AddPR(repo, authors[i%len(authors)], "change", at)
		}
	}
	return orgs
}

// lowerBound is the least number of requests an exact reconciler needs:
// the search pages, the cheaper of looking each candidate up or listing the
// members (the token's user, an owner, is one of them), and an invitation
// and a comment per new person; and, with a personal token, knowing it may
// invite: the token's user once and its membership in each organization.
func (s scenario) lowerBound() int {
	per := max(1, (s.prs+99)/100)
	candidates := s.authors
	list := max(1, (s.members+s.preMember+1+99)/100)
	per += min(candidates, list)
	if s.noop {
		per = 1
	}
	per += 2 * (s.authors - s.members)
	// The token's membership, read before the organization's run (even
	// when, as in a no-op, it turns out there is nobody to invite).
	per++
	return per*s.orgs + 1 // and the token's user, once
}

// result is what one measured run cost.
type result struct {
	graphql, reads, writes int
	points                 int
	wall                   time.Duration
	peakHeap               uint64
}

func (r result) requests() int { return r.graphql + r.reads + r.writes }

func newFake(b *testing.B) *fakegithub.GitHub {
	gh := fakegithub.New(b)
	gh.AddToken(token)
	gh.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(Latency)
			next.ServeHTTP(w, r)
		})
	})
	return gh
}

// peakHeap samples the live heap while f runs.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// runSnekomatic runs `snekomatic reconcile` in-process over the scenario.
func runSnekomatic(b *testing.B, s scenario) result {
	gh := newFake(b)
	now := time.Now().UTC()
	orgs := s.world(gh, now)
	statePath := filepath.Join(b.TempDir(), "state.json")
	base := []string{"reconcile", "--state", statePath, "--output", "json", "--daily-invite-limit", "500"}
	for _, o := range orgs {
		base = append(base, "--org", o)
	}
	args := append(base, "--since", "7d")
	var out, errb bytes.Buffer
	d := &cmd.Deps{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now },
		Getenv: func(k string) string {
			return map[string]string{"GITHUB_TOKEN": token, "GITHUB_API_URL": gh.RESTURL()}[k]
		},
		// These scenarios measure requests and memory; GitHub's pacing of
		// writes is measured apart, on a simulated clock (polite_test.go).
		Resilience: func(o *ghtransport.Options) {
			o.WriteSpacing, o.ContentPerMinute, o.ContentPerHour = -1, -1, -1
		}}
	gh.SetContentLimits(0, 0)
	if s.noop {
		// A first run brings the cursor to now; the measured run finds
		// nothing new.
		if code := cmd.Main(context.Background(), args, d); code != 0 {
			b.Fatalf("priming run exited %d: %s", code, errb.String())
		}
		args = base
		out.Reset()
		gh.ResetRequests()
	}
	var code int
	start := time.Now()
	peak := peakHeap(func() { code = cmd.Main(context.Background(), args, d) })
	wall := time.Since(start)
	if code != 0 {
		b.Fatalf("snekomatic exited %d: %s", code, errb.String())
	}
	var rep cmd.RunReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		b.Fatal(err)
	}
	r := result{wall: wall, peakHeap: peak}
	invited := 0
	for _, o := range rep.Orgs {
		r.points += o.GraphQLPoints
		invited += len(o.Invited)
	}
	if want := (s.authors - s.members) * s.orgs; invited != want {
		b.Fatalf("invited %d, want %d", invited, want)
	}
	counts := gh.CountRequests()
	r.graphql, r.reads, r.writes = counts[fakegithub.KindGraphQL], counts[fakegithub.KindRESTRead], counts[fakegithub.KindRESTWrite]
	return r
}

// runNaive is what a webhook bot does: on every merged pull request, ask
// whether the author is a member, and invite and thank those who are not.
// Events arrive one at a time, so it has no batching and no concurrency.
func runNaive(b *testing.B, s scenario) result {
	gh := newFake(b)
	now := time.Now().UTC()
	orgs := s.world(gh, now)
	c, err := ghapi.New(gh.Client(token), gh.RESTURL(), gh.GraphQLURL())
	if err != nil {
		b.Fatal(err)
	}
	// The events themselves come for free with webhooks; read them here
	// without counting.
	type event struct {
		org, repo, login string
		number           int
		author           int64
	}
	var events []event
	for _, org := range orgs {
		prs, err := gh.Search(fmt.Sprintf("is:pr is:merged org:%s", org))
		if err != nil {
			b.Fatal(err)
		}
		for _, pr := range prs {
			a := gh.Account(pr.AuthorID)
			events = append(events, event{org: org, repo: pr.Repo.FullName(), number: pr.Number, login: a.Login, author: a.ID})
		}
	}
	gh.ResetRequests()
	// Lift the fake's limit of 5,000 REST requests an hour: the backfill
	// needs more than twice that this way, which on GitHub would take hours
	// of waiting for the limit to reset.
	gh.SetRateLimit(token, "core", 1_000_000)
	gh.SetContentLimits(0, 0) // measured for requests only, as above
	ctx := context.Background()
	start := time.Now()
	peak := peakHeap(func() {
		for _, e := range events {
			st, _, err := c.Membership(ctx, e.org, e.login)
			if err != nil {
				b.Fatal(err)
			}
			if st != 0 {
				continue
			}
			if err := c.SendInvitation(ctx, e.org, e.author, reconcile.InviteOptions{}); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Comment(ctx, e.repo, e.number, "welcome"); err != nil {
				b.Fatal(err)
			}
		}
	})
	r := result{wall: time.Since(start), peakHeap: peak}
	counts := gh.CountRequests()
	r.graphql, r.reads, r.writes = counts[fakegithub.KindGraphQL], counts[fakegithub.KindRESTRead], counts[fakegithub.KindRESTWrite]
	return r
}

func report(b *testing.B, r result, bound int) {
	b.ReportMetric(float64(r.requests()), "requests")
	b.ReportMetric(float64(r.graphql), "graphql")
	b.ReportMetric(float64(r.reads), "rest-reads")
	b.ReportMetric(float64(r.writes), "mutations")
	b.ReportMetric(float64(r.points), "points")
	b.ReportMetric(float64(bound), "lower-bound")
	b.ReportMetric(float64(r.requests())/float64(bound), "x-bound")
	b.ReportMetric(r.wall.Seconds(), "wall-s")
	b.ReportMetric(float64(r.peakHeap)/(1<<20), "peak-MiB")
}

// measure runs one approach over a scenario (each run builds its own fake
// GitHub, outside the timer) and reports the last run's costs.
func measure(b *testing.B, s scenario, run func(*testing.B, scenario) result) result {
	var r result
	for b.Loop() {
		b.StopTimer()
		r = run(b, s)
		b.StartTimer()
	}
	report(b, r, s.lowerBound())
	return r
}

func BenchmarkReconcile(b *testing.B) {
	for _, s := range scenarios {
		b.Run(s.name, func(b *testing.B) {
			r := measure(b, s, runSnekomatic)
			if float64(r.requests()) > 1.1*float64(s.lowerBound()) {
				b.Errorf("%d requests, more than 1.1 x the lower bound %d", r.requests(), s.lowerBound())
			}
		})
	}
}

func BenchmarkNaiveWebhookBot(b *testing.B) {
	for _, s := range scenarios {
		if s.noop {
			continue // a webhook bot with no events does nothing
		}
		if testing.Short() && s.prs*s.orgs > 1000 {
			// Thousands of sequential requests at 20 ms take minutes; the
			// numbers in BENCHMARKS.md come from a full run.
			b.Logf("skipping %s in -short mode", s.name)
			continue
		}
		b.Run(s.name, func(b *testing.B) { measure(b, s, runNaive) })
	}
}

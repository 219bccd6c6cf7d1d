package cmd

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghsession"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/state"
)

// hourlyRunner runs snekomatic on w at a given offset from w.now, with an
// hourly budget of content-creating requests of perHour on both sides.
func hourlyRunner(t *testing.T, w *world, perHour int) func(at time.Duration) {
	w.gh.SetContentLimits(80, perHour)
	return func(at time.Duration) {
		t.Helper()
		w.clock.set(w.now.Add(at))
		d, out, errb := testDeps(map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()})
		d.Now = w.clock.Now
		d.Resilience = func(o *ghtransport.Options) {
			w.clock.resilience(o)
			o.ContentPerHour = perHour
		}
		code := Main(context.Background(), []string{"reconcile", "--state", w.statePath, "--org", "trio"}, d)
		mustCode(t, code, 0, out.String(), errb.String())
	}
}

// The state records when each content-creating request went out, so a run
// an hour after the last one knows the budget is whole again, instead of
// counting the earlier run's requests from the hour after it started.
func TestHourlyBudgetComesBackExactlyAnHourAfterTheRequests(t *testing.T) {
	w, fresh := newcomersWorld(t, 8)
	run := hourlyRunner(t, w, 10)
	writes := func() int { return w.gh.CountRequests()[fakegithub.KindRESTWrite] }

	run(0)
	if n := writes(); n != 10 {
		t.Fatalf("first run: %d writes, want the hour's 10", n)
	}
	sent := allSent(loadState(t, w.statePath).Orgs["trio"])
	if len(sent) != 10 || sent[0].Before(w.now) || sent[9].Sub(sent[0]) < 9*time.Second {
		t.Fatalf("recorded %v: want the 10 requests' times, a second or more apart", sent)
	}
	// An hour and a minute after the first run the hour is whole again:
	// the rest are invited and welcomed.
	run(61 * time.Minute)
	if n := writes(); n != 16 {
		t.Errorf("%d writes after the second run, want 16 (the last 3 people, 2 each)", n)
	}
	if n := len(w.gh.CreatedInvitations("trio")); n != len(fresh) {
		t.Errorf("%d invited, want %d", n, len(fresh))
	}
	if n := w.gh.ContentLimitRefusals(); n != 0 {
		t.Errorf("GitHub refused %d requests", n)
	}
	if sent := allSent(loadState(t, w.statePath).Orgs["trio"]); len(sent) != 6 {
		t.Errorf("recorded %d times after the second run, want its 6 (the first run's are over an hour old)", len(sent))
	}
}

// A state written by a version that did not record the requests is counted
// the old, cautious way (each person's requests an hour after the run that
// decided started), and the first request recorded starts the record with
// that estimate.
func TestARecordStartsFromTheOldEstimate(t *testing.T) {
	w, fresh := newcomersWorld(t, 8)
	writes := func() int { return w.gh.CountRequests()[fakegithub.KindRESTWrite] }
	hourlyRunner(t, w, 12)(0) // 6 people invited and welcomed
	f := loadState(t, w.statePath)
	f.Orgs["trio"].ContentRequests, f.Orgs["trio"].ContentRequestsBy = nil, nil // as an older version left it
	if err := state.Save(w.statePath, f); err != nil {
		t.Fatal(err)
	}

	// With 14 an hour, half an hour later the estimate leaves room for
	// one more person, and the record starts with the estimate.
	run := hourlyRunner(t, w, 14)
	run(30 * time.Minute)
	if n := writes(); n != 14 {
		t.Fatalf("%d writes, want 14", n)
	}
	sent := allSent(loadState(t, w.statePath).Orgs["trio"])
	estimated := 0
	for _, at := range sent {
		// (The state keeps times to the second.)
		if d := at.Sub(w.now.Add(time.Hour)); d > -time.Second && d < time.Second {
			estimated++
		}
	}
	if len(sent) != 14 || estimated != 12 {
		t.Fatalf("record %v: want the 12 estimated at the first run's start plus an hour, and the 2 new", sent)
	}
	// The estimate goes on counting from the record: an hour after the
	// first run nothing fits yet; two hours after, the last person goes.
	run(61 * time.Minute)
	if n := writes(); n != 14 {
		t.Errorf("%d writes an hour later, want still 14", n)
	}
	run(2*time.Hour + time.Minute)
	if n := writes(); n != 16 || len(w.gh.CreatedInvitations("trio")) != len(fresh) {
		t.Errorf("%d writes, %d invited; want 16 and all %d", n, len(w.gh.CreatedInvitations("trio")), len(fresh))
	}
	if n := w.gh.ContentLimitRefusals(); n != 0 {
		t.Errorf("GitHub refused %d requests", n)
	}
}

// allSent is every request time an organization's record holds, of every
// credential, oldest first.
func allSent(o *state.Org) []time.Time {
	out := slices.Clone(o.ContentRequests)
	for _, l := range o.ContentRequestsBy {
		out = append(out, l...)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// The hour's budget is the credential's: requests the same token sent
// for another organization (one not in this run's --org) count, whether
// recorded with the credential or by a version that did not say which
// (counted for every credential); another credential's do not.
func TestHourlyBudgetIsTheCredentialsAcrossOrganizations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		record func(o *state.Org, times []time.Time)
		writes int
	}{
		{"same token", func(o *state.Org, ts []time.Time) {
			o.ContentRequestsBy = map[string][]time.Time{ghsession.Identity{}.String(): ts}
		}, 2},
		{"no identity recorded", func(o *state.Org, ts []time.Time) { o.ContentRequests = ts }, 2},
		{"another credential", func(o *state.Org, ts []time.Time) {
			o.ContentRequestsBy = map[string][]time.Time{ghsession.Identity{Installation: 5}.String(): ts}
		}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := newcomersWorld(t, 8)
			// 8 of the hour's 10 already went out for acme, with this
			// run's token, a few minutes ago.
			f := state.New()
			var ts []time.Time
			for i := range 8 {
				ts = append(ts, w.now.Add(-10*time.Minute+time.Duration(i)*time.Second).UTC().Truncate(time.Second))
			}
			tc.record(f.Org("acme"), ts)
			if err := state.Save(w.statePath, f); err != nil {
				t.Fatal(err)
			}
			hourlyRunner(t, w, 10)(0)
			if n := w.gh.CountRequests()[fakegithub.KindRESTWrite]; n != tc.writes {
				t.Errorf("%d writes for trio, want %d", n, tc.writes)
			}
		})
	}
}

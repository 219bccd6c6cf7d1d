package reconcile

// Tests written for the mutation sweep (MUTATION.md).

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// Adopt records every person not yet known, once, from their oldest merge;
// skips each account that is not a person once; leaves the known alone;
// and writes nothing in a dry run, or when there is nobody to adopt.
func TestAdopt(t *testing.T) {
	ctx := context.Background()
	since := t0.Add(-30 * 24 * time.Hour)
	prs := []PullRequest{
		prBy(1, "User", 11, "ann", t0.Add(-3*time.Hour)),
		prBy(2, "User", 11, "ann", t0.Add(-2*time.Hour)),
		prBy(3, "Bot", 12, "helper[bot]", t0.Add(-3*time.Hour)),
		prBy(4, "Bot", 12, "helper[bot]", t0.Add(-2*time.Hour)),
		prBy(5, "User", 13, "known", t0.Add(-time.Hour)),
		prBy(6, "User", 14, "bob", t0.Add(-4*time.Hour)),
	}
	for i := range prs {
		prs[i].CreatedAt = prs[i].MergedAt.Add(-time.Hour)
	}
	open := func(t *testing.T) *state.Store {
		st, _, err := state.Open(filepath.Join(t.TempDir(), "state.json"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		if err := st.Update("trio", func(e *state.Edit) {
			e.Put(13, &state.Person{Login: "known", Status: state.Queued, At: t0.Add(-time.Hour), Reason: "cap"})
		}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	logins := func(es []Entry) string {
		var out []string
		for _, e := range es {
			out = append(out, e.Login+"#"+e.PR.URL[strings.LastIndex(e.PR.URL, "/")+1:])
		}
		return strings.Join(out, ",")
	}

	st := open(t)
	rep, err := Adopt(ctx, &listSearcher{pages: []SearchPage{{Total: len(prs), PRs: prs}}}, st, "trio", AdoptOptions{Since: since, Now: t0, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := logins(rep.Adopted); got != "bob#6,ann#1" {
		t.Errorf("adopted %s; want bob and ann, by their oldest merge", got)
	}
	if got := logins(rep.Skipped); got != "helper[bot]#3" || rep.Skipped[0].Reason != "bot" {
		t.Errorf("skipped %+v; want the bot once", rep.Skipped)
	}
	if rep.Known != 1 || rep.PullRequests != 6 || rep.SearchRequests != 1 || !rep.DryRun {
		t.Errorf("report %+v", rep)
	}
	if n := len(st.Org("trio").People); n != 1 {
		t.Errorf("a dry run recorded %d people; want the one known before", n)
	}

	_, err = Adopt(ctx, &listSearcher{pages: []SearchPage{{Total: len(prs), PRs: prs}}}, st, "trio", AdoptOptions{Since: since, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	people := st.Org("trio").People
	for _, id := range []int64{11, 14} {
		p := people[id]
		if p == nil || p.Status != state.Adopted || !p.At.Equal(t0) || !strings.HasPrefix(p.Reason, "adopted: merged pull requests since ") {
			t.Errorf("person %d recorded as %+v; want adopted", id, p)
		}
	}
	if p := people[11]; p == nil || p.PR == nil || p.PR.Number != 1 {
		t.Errorf("ann's pull request %+v; want her oldest, #1", p)
	}
	if p := people[13]; p == nil || p.Status != state.Queued {
		t.Errorf("the known person became %+v", p)
	}
	if people[12] != nil || len(people) != 3 {
		t.Errorf("recorded %d people; want ann, bob and the known one", len(people))
	}

	// Everyone known now: nothing to write, nothing written.
	st.InjectFault(func(string) error { return errors.New("no write expected") })
	rep, err = Adopt(ctx, &listSearcher{pages: []SearchPage{{Total: len(prs), PRs: prs}}}, st, "trio", AdoptOptions{Since: since, Now: t0.Add(time.Hour)})
	if err != nil || len(rep.Adopted) != 0 || rep.Known != 3 {
		t.Errorf("second adoption: %+v, %v", rep, err)
	}

	// The search fails: the error, with what was read.
	rep, err = Adopt(ctx, &listSearcher{err: errors.New("502")}, open(t), "trio", AdoptOptions{Since: since, Now: t0})
	if err == nil || rep == nil || rep.Org != "trio" || len(rep.Adopted) != 0 {
		t.Errorf("failed search: %+v, %v", rep, err)
	}
	// The write fails: the error names the organization.
	st = open(t)
	st.InjectFault(func(string) error { return errors.New("disk full") })
	if _, err := Adopt(ctx, &listSearcher{pages: []SearchPage{{Total: len(prs), PRs: prs}}}, st, "trio", AdoptOptions{Since: since, Now: t0}); err == nil || !strings.Contains(err.Error(), "record adopted people of trio") {
		t.Errorf("failed write: %v", err)
	}
}

// An unsure invitation that cannot be settled keeps its person unsure, and
// says why: the failed check's reason, or that no answer settles it.
func TestPlanSaysWhyAnUnsureInvitationStaysUnsure(t *testing.T) {
	cands := []Candidate{{ID: 5, Login: "ann", Unsure: true}}
	ds := Plan(cands, Lookup{Failed: map[int64]string{5: "502 Bad Gateway"}}, Limits{Budget: -1})
	if len(ds) != 1 || ds[0].Action != ActKeepUnsure || !strings.HasSuffix(ds[0].Reason, "is still unknown: 502 Bad Gateway") {
		t.Errorf("decisions %+v; want ann kept unsure for the failed check", ds)
	}
	ds = Plan(cands, Lookup{}, Limits{Budget: -1})
	if len(ds) != 1 || ds[0].Action != ActKeepUnsure || !strings.HasSuffix(ds[0].Reason, "is still unknown: no answer settles it") {
		t.Errorf("decisions %+v; want ann kept unsure, no answer settling it", ds)
	}
}

// The sizes of the member and invitation lists are the first page's that
// gives them (zero included); when none does, they stay unknown (-1).
func TestCollectTakesTheFirstListSizes(t *testing.T) {
	p := func(n int) PullRequest {
		pr := prBy(n, "User", int64(n+1), fmt.Sprint("u", n), t0)
		pr.CreatedAt = t0.Add(time.Duration(n) * time.Minute)
		return pr
	}
	for _, tc := range []struct {
		name             string
		pages            []SearchPage
		members, pending int
	}{
		{"none says", []SearchPage{{Total: 1, PRs: []PullRequest{p(0)}, Members: -1, Pending: -1}}, -1, -1},
		{"the first says none", []SearchPage{
			{Total: 2, PRs: []PullRequest{p(0)}, HasNext: true, EndCursor: "a", Members: 0, Pending: 0},
			{Total: 2, PRs: []PullRequest{p(1)}, Members: 7, Pending: 3},
		}, 0, 0},
		{"the second says", []SearchPage{
			{Total: 2, PRs: []PullRequest{p(0)}, HasNext: true, EndCursor: "a", Members: -1, Pending: -1},
			{Total: 2, PRs: []PullRequest{p(1)}, Members: 7, Pending: 3},
		}, 7, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := collect(context.Background(), &listSearcher{pages: tc.pages}, "o", Window{From: t0, To: t0}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.members != tc.members || c.pending != tc.pending {
				t.Errorf("members %d, pending %d; want %d, %d", c.members, c.pending, tc.members, tc.pending)
			}
		})
	}
}

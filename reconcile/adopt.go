package reconcile

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// AdoptReport says what Adopt did (or, in a dry run, would do) for one
// organization. Its JSON form is printed by `snekomatic state adopt
// --output json`; fields are only ever added.
type AdoptReport struct {
	Org            string `json:"org"`
	DryRun         bool   `json:"dry_run"`
	Window         Window `json:"window"`
	PullRequests   int    `json:"pull_requests"`
	SearchRequests int    `json:"search_requests"`
	// Adopted lists the people recorded as adopted (in a dry run: who
	// would be), oldest merge first.
	Adopted []Entry `json:"adopted"`
	// Known counts authors the state already had, whatever their status;
	// they are left as they are.
	Known int `json:"previously_recorded"`
	// Skipped lists authors that are not people (bots, mannequins,
	// deleted accounts), with the reason, as Report.Skipped does.
	Skipped []Entry `json:"skipped"`
}

// AdoptOptions say which merges Adopt reads: from Since to Now.
type AdoptOptions struct {
	Since, Now time.Time
	// DryRun only reads and counts.
	DryRun bool
}

// Adopt records every User who authored a pull request merged in org from
// opts.Since to opts.Now, and is not yet in the state, with the status
// adopted: they are never invited or welcomed. It is for an organization
// that starts using snekomatic and does not want to invite years of past
// contributors. Nobody already recorded is changed, nor is the cursor.
func Adopt(ctx context.Context, s Searcher, st *state.Store, org string, opts AdoptOptions) (*AdoptReport, error) {
	since, now, dryRun := opts.Since, opts.Now, opts.DryRun
	w, _ := WindowFor(time.Time{}, &since, now, 0, 0)
	rep := &AdoptReport{Org: org, DryRun: dryRun, Window: w, Adopted: []Entry{}, Skipped: []Entry{}}
	col, err := collect(ctx, s, org, w, nil)
	rep.PullRequests, rep.SearchRequests = len(col.prs), col.requests
	if err != nil {
		return rep, err
	}
	prs := slices.Clone(col.prs)
	slices.SortFunc(prs, comparePRs)
	known := st.Org(org).People
	seen := map[int64]bool{}
	skips := skipList{}
	var adopt []PullRequest
	for _, pr := range prs {
		a := pr.Author
		if key, login, reason := notAPerson(pr); reason != "" {
			if skips.first(key) {
				rep.Skipped = append(rep.Skipped, entry(login, a.ID, pr, reason))
			}
			continue
		}
		if seen[a.ID] {
			continue
		}
		seen[a.ID] = true
		if known[a.ID] != nil {
			rep.Known++
			continue
		}
		adopt = append(adopt, pr)
		rep.Adopted = append(rep.Adopted, entry(a.Login, a.ID, pr, ""))
	}
	if dryRun || len(adopt) == 0 {
		return rep, nil
	}
	// One write for everyone: an adoption can cover thousands of people.
	err = st.Update(org, func(o *state.Edit) {
		for _, pr := range adopt {
			if o.Person(pr.Author.ID) == nil {
				o.Put(pr.Author.ID, &state.Person{Login: pr.Author.Login, Status: state.Adopted, At: now, PR: prRef(pr),
					Reason: fmt.Sprintf("adopted: merged pull requests since %s", since.UTC().Format(time.RFC3339))})
			}
		}
	})
	if err != nil {
		return rep, fmt.Errorf("record adopted people of %s: %w", org, err)
	}
	return rep, nil
}

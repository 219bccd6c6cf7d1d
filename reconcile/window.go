package reconcile

import (
	"context"
	"fmt"
	"time"
)

// SearchCap is the most results GitHub search returns for one query.
const SearchCap = 1000

// WindowFor chooses the merge window of a run and says in words why.
//
// since, when set, is a backfill and wins over the cursor. Otherwise the
// window starts overlap before the cursor, or lookback before now on a first
// run. The window never starts after it ends.
func WindowFor(cursor time.Time, since *time.Time, now time.Time, overlap, lookback time.Duration) (Window, string) {
	to := now.UTC().Truncate(time.Second)
	var from time.Time
	var why string
	switch {
	case since != nil:
		from = *since
		why = fmt.Sprintf("backfill from --since %s", from.UTC().Format(time.RFC3339))
	case cursor.IsZero():
		from = now.Add(-lookback)
		why = fmt.Sprintf("first run: no cursor yet, looking back %s", humanDuration(lookback))
	default:
		from = cursor.Add(-overlap)
		why = fmt.Sprintf("from cursor %s less %s overlap", cursor.UTC().Format(time.RFC3339), humanDuration(overlap))
	}
	from = from.UTC().Truncate(time.Second)
	if from.After(to) {
		from = to
	}
	return Window{From: from, To: to}, why
}

func humanDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// collected is what collect read: the pull requests de-duplicated by id, the
// membership sizes from the first page that reported them, and the number of
// search requests made.
type collected struct {
	prs              []PullRequest
	members, pending int
	requests         int
	// notes say what the search left out, for the report's warnings.
	notes []string
}

// collect reads every pull request merged in w.
//
// GitHub search serves at most SearchCap results per query. To get past it
// without wasting requests, results are asked for in order of creation
// (sort:created-asc) and, whenever a query has served all it will while
// reporting more matches, the next query resumes from the creation time of
// the last result (created:>=T, inclusive, so that pull requests created in
// the same second are not lost; the repeats are dropped by id). Every
// request but the last of each query returns a full page, so a window of N
// pull requests costs about N/100 requests however busy it is.
func collect(ctx context.Context, s Searcher, org string, w Window, progress func(collected)) (collected, error) {
	c := collected{members: -1, pending: -1}
	seen := map[string]bool{}
	var createdFrom time.Time
	for {
		q := SearchQuery{Window: w, CreatedFrom: createdFrom}
		served, hidden, last := 0, 0, time.Time{}
		page := SearchPage{HasNext: true}
		var err error
		cursors := map[string]bool{}
		for cursor := ""; page.HasNext; cursor = page.EndCursor {
			if err := endless(cursors, cursor, w); err != nil {
				return c, err
			}
			page, err = s.SearchMerged(ctx, org, q, cursor)
			if err != nil {
				return c, fmt.Errorf("search pull requests merged %s..%s: %w", w.From.Format(time.RFC3339), w.To.Format(time.RFC3339), err)
			}
			c.requests++
			if c.members < 0 && page.Members >= 0 {
				c.members, c.pending = page.Members, page.Pending
			}
			// Results the credentials may not see come back as null nodes:
			// they were served, just not shown.
			served += page.Hidden
			hidden += page.Hidden
			for _, pr := range page.PRs {
				served++
				last = maxTime(last, pr.CreatedAt)
				if !seen[pr.NodeID] {
					seen[pr.NodeID] = true
					c.prs = append(c.prs, pr)
				}
			}
			if progress != nil {
				progress(c)
			}
			if page.EndCursor == "" {
				break
			}
		}
		if hidden > 0 {
			c.notes = append(c.notes, fmt.Sprintf("search served %d pull requests that these credentials cannot see (null results); their authors were not read", hidden))
		}
		if page.Total <= served || served == 0 {
			return c, nil
		}
		if served < SearchCap {
			// Not the cap: the count drifted (the index changed while
			// paging) or GitHub held results back. Resuming would only
			// serve the same results again, so note it and move on.
			c.notes = append(c.notes, fmt.Sprintf("search reported %d matching pull requests but served %d; the rest could not be read", page.Total, served))
			return c, nil
		}
		// The cap cut this query short: resume after what it served.
		if last.IsZero() {
			// Every result served was hidden: there is no creation time to
			// resume from.
			c.notes = append(c.notes, fmt.Sprintf("search reported %d matching pull requests but served only hidden ones; the rest could not be read", page.Total))
			return c, nil
		}
		if !last.After(createdFrom) {
			return c, fmt.Errorf("more than %d pull requests merged %s..%s were created at %s; search cannot list them all",
				SearchCap, w.From.Format(time.RFC3339), w.To.Format(time.RFC3339), last.Format(time.RFC3339))
		}
		createdFrom = last
	}
}

// endless guards the search's paging: a cursor GitHub gave before would
// serve the same page again, and so on forever; and a query serves at most
// SearchCap results, so it cannot take more pages than that. cursors holds
// the cursors of the query followed so far.
func endless(cursors map[string]bool, cursor string, w Window) error {
	span := w.From.Format(time.RFC3339) + ".." + w.To.Format(time.RFC3339)
	switch {
	case cursor == "":
		return nil
	case cursors[cursor]:
		return fmt.Errorf("search pull requests merged %s: %w: GitHub gave the cursor %q twice", span, ErrEndlessPages, cursor)
	case len(cursors) >= SearchCap:
		return fmt.Errorf("search pull requests merged %s: %w: one query went on past %d pages", span, ErrEndlessPages, SearchCap)
	}
	cursors[cursor] = true
	return nil
}

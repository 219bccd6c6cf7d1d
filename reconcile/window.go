package reconcile

import (
	"context"
	"fmt"
	"time"
)

// SearchCap is the most results GitHub search returns for one query.
const SearchCap = 1000

// Defaults for choosing the window.
const (
	DefaultLookback = 7 * 24 * time.Hour
	DefaultOverlap  = time.Hour
)

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
}

// collect reads every merged pull request in w, cutting the window into
// slices while a slice matches more than the search cap.
func collect(ctx context.Context, s Searcher, org string, w Window, progress func(collected)) (collected, error) {
	c := collected{members: -1, pending: -1}
	seen := map[string]bool{}
	var walk func(w Window) error
	walk = func(w Window) error {
		page, err := s.SearchMerged(ctx, org, w, "")
		if err != nil {
			return fmt.Errorf("search merged pull requests %s..%s: %w", w.From.Format(time.RFC3339), w.To.Format(time.RFC3339), err)
		}
		c.note(page)
		if page.Total > SearchCap {
			slices := splitWindow(w, page.Total)
			if len(slices) < 2 {
				return fmt.Errorf("more than %d pull requests were merged within one second at %s; search cannot list them all", SearchCap, w.From.Format(time.RFC3339))
			}
			for _, sl := range slices {
				if err := walk(sl); err != nil {
					return err
				}
			}
			return nil
		}
		for {
			for _, pr := range page.PRs {
				if !seen[pr.NodeID] {
					seen[pr.NodeID] = true
					c.prs = append(c.prs, pr)
				}
			}
			if progress != nil {
				progress(c)
			}
			if !page.HasNext || page.EndCursor == "" {
				return nil
			}
			page, err = s.SearchMerged(ctx, org, w, page.EndCursor)
			if err != nil {
				return fmt.Errorf("search merged pull requests %s..%s: %w", w.From.Format(time.RFC3339), w.To.Format(time.RFC3339), err)
			}
			c.note(page)
		}
	}
	err := walk(w)
	return c, err
}

func (c *collected) note(p SearchPage) {
	c.requests++
	if c.members < 0 && p.Members >= 0 {
		c.members, c.pending = p.Members, p.Pending
	}
}

// splitWindow cuts w into equal slices, enough that each is expected to hold
// about 90% of the cap if merges are spread evenly (fewer slices waste fewer
// part-filled pages); slices that still hold too many are cut again by the
// caller. Bounds are whole seconds and the
// slices do not overlap (search ranges include both ends).
func splitWindow(w Window, total int) []Window {
	secs := int64(w.To.Sub(w.From)/time.Second) + 1
	n := int64((total + SearchCap*9/10 - 1) / (SearchCap * 9 / 10))
	n = max(n, 2)
	n = min(n, secs)
	if n < 2 {
		return nil
	}
	out := make([]Window, 0, n)
	from := w.From
	for i := int64(1); i <= n; i++ {
		end := w.From.Add(time.Duration(secs*i/n)*time.Second - time.Second)
		if i == n {
			end = w.To
		}
		out = append(out, Window{From: from, To: end})
		from = end.Add(time.Second)
	}
	return out
}

package ghapi

import (
	"fmt"
	"time"

	"github.com/python-trio/snekomatic/ghname"
)

// searchTime is the date-time form GitHub's search qualifiers document.
const searchTime = "2006-01-02T15:04:05+00:00"

// MergedQuery builds the search query for pull requests merged in org between
// from and to, both inclusive, to the second, sorted by creation time, oldest
// first. A non-zero createdFrom keeps only those created at or after it.
func MergedQuery(org string, from, to, createdFrom time.Time) (string, error) {
	// A login that is not well-formed (spaces, colons, quotes) could smuggle
	// extra qualifiers into the query, so it is refused before any request.
	if !ghname.ValidLogin(org) {
		return "", fmt.Errorf("%q is not a valid GitHub organization login", org)
	}
	if to.Before(from) {
		return "", fmt.Errorf("search window ends (%s) before it starts (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	q := fmt.Sprintf("is:pr is:merged org:%s merged:%s..%s", org, from.UTC().Format(searchTime), to.UTC().Format(searchTime))
	if !createdFrom.IsZero() {
		q += " created:>=" + createdFrom.UTC().Format(searchTime)
	}
	return q + " sort:created-asc", nil
}

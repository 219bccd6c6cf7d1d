package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/duration"
)

// ParseSince reads the --since value: an RFC 3339 time
// (2026-11-01T12:00:00Z), a date (2026-11-01, midnight UTC), or a duration
// before now (72h, 90m, or 14d for days). The result is never after now.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("--since is empty")
	}
	var t time.Time
	if v, err := time.Parse(time.RFC3339, s); err == nil {
		t = v
	} else if v, err := time.Parse(time.DateOnly, s); err == nil {
		t = v
	} else if d, ok := parseAgo(s); ok {
		if d < 0 {
			return time.Time{}, fmt.Errorf("--since %q: a duration must not be negative", s)
		}
		t = now.Add(-d)
	} else {
		return time.Time{}, fmt.Errorf("--since %q: want an RFC 3339 time (2026-11-01T12:00:00Z), a date (2026-11-01) or a duration (72h, 14d)", s)
	}
	if t.After(now) {
		return time.Time{}, fmt.Errorf("--since %q is in the future", s)
	}
	if t.Year() < 2008 {
		return time.Time{}, fmt.Errorf("--since %q is before GitHub existed", s)
	}
	return t.UTC(), nil
}

// parseAgo reads a duration the way every snekomatic duration is read.
func parseAgo(s string) (time.Duration, bool) {
	d, err := duration.Parse(s)
	return d, err == nil
}

package reconcile

import (
	"testing"
	"time"
)

func TestWelcomeInTime(t *testing.T) {
	day := 24 * time.Hour
	for _, tt := range []struct {
		name    string
		merged  time.Time
		maxAge  time.Duration
		wantWhy string
	}{
		{"recent", t0.Add(-2 * day), 30 * day, ""},
		{"exactly max_age", t0.Add(-30 * day), 30 * day, ""},
		{"older", t0.Add(-45 * day), 30 * day, "no welcome: the pull request was merged 45 days ago (comment.max_age 30d)"},
		{"a day", t0.Add(-day - time.Hour), 12 * time.Hour, "no welcome: the pull request was merged 1 day ago (comment.max_age 12h0m0s)"},
		{"hours", t0.Add(-3 * time.Hour), time.Hour, "no welcome: the pull request was merged 3h0m0s ago (comment.max_age 1h0m0s)"},
		{"no limit", t0.Add(-400 * day), 0, ""},
		{"merge time unknown", time.Time{}, day, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			why, due := welcomeInTime(PullRequest{MergedAt: tt.merged}, t0, tt.maxAge)
			if why != tt.wantWhy || due != (tt.wantWhy == "") {
				t.Errorf("got %q, %v; want %q", why, due, tt.wantWhy)
			}
		})
	}
}

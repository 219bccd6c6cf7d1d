package reconcile

import (
	"fmt"
	"time"
)

// welcomeInTime decides whether someone invited at now on pr is welcomed on
// it under Policy.CommentMaxAge: not when the pull request was merged
// longer ago than maxAge (0: no limit), since a comment on a pull request
// its author has long moved on from notifies them for little, and the
// invitation's own email already tells them. why is what the state and
// the report say instead.
func welcomeInTime(pr PullRequest, now time.Time, maxAge time.Duration) (why string, inTime bool) {
	if maxAge <= 0 || pr.MergedAt.IsZero() || now.Sub(pr.MergedAt) <= maxAge {
		return "", true
	}
	days := int(now.Sub(pr.MergedAt) / (24 * time.Hour))
	ago := fmt.Sprintf("%d days ago", days)
	if days == 1 {
		ago = "1 day ago"
	} else if days == 0 {
		ago = now.Sub(pr.MergedAt).Truncate(time.Minute).String() + " ago"
	}
	return fmt.Sprintf("no welcome: the pull request was merged %s (comment.max_age %s)", ago, humanDuration(maxAge)), false
}

// tooLate is why d's invitation goes without a welcome because its pull
// request is too old (welcomeInTime), or "" when it is welcomed or no
// welcome is wanted anyway.
func (r *orgRun) tooLate(d Decision) string {
	if !r.wantsWelcome(d) {
		return ""
	}
	why, _ := welcomeInTime(d.PR, r.opts.Now, r.opts.Policy.CommentMaxAge)
	return why
}

// withLate is a report reason with why added, when there is one.
func withLate(reason, why string) string {
	switch {
	case why == "":
		return reason
	case reason == "":
		return why
	}
	return reason + "; " + why
}

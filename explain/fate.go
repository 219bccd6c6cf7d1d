package explain

import (
	"fmt"

	"github.com/python-trio/snekomatic/internal/duration"
	"github.com/python-trio/snekomatic/reconcile"
)

// The answers for the statuses of approval (proposed; rejected is in
// decideFinal) and of what became of an invitation (expired; accepted and
// failed are in decideFinal), by reconcile's rules: reconcile/approval*.go
// and reconcile/fate.go.

// decideProposed: a proposed person waits for a maintainer's tick on the
// approval issue; nothing else (another pull request, a membership) moves
// them until the next run reads it. Once approval is off, they join the
// queue (reconcile.Classify).
func decideProposed(f Facts) Verdict {
	repo := f.Policy.ApprovalRepo
	if repo == "" {
		return Verdict{KindInviteNextRun, fmt.Sprintf("invited on the next run: proposed for approval on %s, but %s asks for approval no more, so the proposed join the queue, which the next run serves first",
			day(f.Record.At), f.Org)}
	}
	a := f.Approval
	switch {
	case a == nil:
		return Verdict{KindAwaitingApproval, fmt.Sprintf("waits for approval on the approval issue in %s (the issue snekomatic wrote there whose hidden marker is %q), proposed on %s: a maintainer's tick there has the next run invite them, removing the line declines them",
			repo, reconcile.DashboardMarker(f.Org)+" … -->", day(f.Record.At))}
	case !a.Found:
		return Verdict{KindAwaitingApproval, fmt.Sprintf("waits for approval, but %s has no approval issue of %s now (deleted, or its hidden marker line removed): the next run opens a new one listing them", repo, f.Org)}
	}
	next := "waits for approval on " + a.URL
	if !a.Open {
		next += " (closed now: the next run reopens it)"
	}
	return Verdict{KindAwaitingApproval, next + ", proposed on " + day(f.Record.At) + ": a maintainer's tick there has the next run invite them, removing the line declines them"}
}

// decideExpired: snekomatic's invitation expired unanswered. renew_expired:
// once renews it only on the run that learns of the expiry
// (reconcile/fate.go, applyFate), so a record already "expired" was not
// renewed by that run; reinvite_expired_after still applies to it on their
// next merged pull request (reconcile/plan.go, settled).
func decideExpired(f Facts) Verdict {
	p := f.Record
	what := "the invitation expired on " + day(p.At)
	if p.Renewed {
		what += ", after it had been sent again once (renew_expired: once), which is never done twice"
	}
	if d := f.Policy.ReinviteExpiredAfter; d > 0 {
		return Verdict{KindOnMerge, fmt.Sprintf("%s; under reinvite_expired_after (%s) their next merged pull request brings a new invitation if it expired that long ago",
			what, duration.Format(d))}
	}
	if f.Policy.RenewExpired && !p.Renewed {
		what += ": renew_expired: once sends an invitation again only on the run that learns of its expiry, and that run did not (renew_expired was off then, or they were excluded)"
	}
	return Verdict{KindNever, "never again: " + what}
}

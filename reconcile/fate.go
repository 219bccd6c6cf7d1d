package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// What became of each invitation snekomatic sent: accepted, still pending,
// expired, or ended otherwise (declined, cancelled by an owner, another
// failure GitHub gives). Each run learns it for the invitations it is still
// open about (openInvitations), from two sources:
//
//   - membership: whether each such invitee is a member or still has a
//     pending invitation, read the way the candidates' membership is read
//     (lookup: one request each, or the member and invitation lists when
//     those are fewer requests, as chooseLookup decides);
//   - GET /orgs/{org}/failed_invitations, read at most once a run (and
//     shared with reinvite_expired_after), and only when one of them is
//     neither a member nor pending: "The return hash contains failed_at and
//     failed_reason fields which represent the time at which the invitation
//     failed and the reason for the failure"
//     (https://docs.github.com/rest/orgs/members#list-failed-organization-invitations).
//
// GitHub's documentation gives no list of failed_reason values; GitHub's
// docs team gave them in https://github.com/github/docs/issues/4423: "No
// seats available.", "This user isn't able to use this feature due to
// trade regulations.", "Invitation already accepted.", "Invitation is
// invalid.", and "Invitation expired. User did not accept this invite for
// 7 days." There is none for a cancelled or declined invitation: an owner
// cancels an invitation "any time before the user accepts"
// (https://docs.github.com/organizations/managing-membership-in-your-organization/canceling-or-editing-an-invitation-to-join-your-organization)
// and it is then simply no longer pending. So an invitee who is not a
// member, no longer pending, and not among the failed invitations declined
// or had their invitation cancelled: either way, someone said no, and they
// are never invited again (state.Failed).

// FateWindow is how long after sending an invitation snekomatic goes on
// asking what became of it. GitHub lets an invitation expire after seven
// days ("If an invitee does not accept the invitation within seven days,
// the pending invitation expires automatically",
// https://docs.github.com/organizations/managing-membership-in-your-organization/inviting-users-to-join-your-organization),
// so every fate is settled a week after the invitation; the rest of the 30
// days is for runs that did not happen (a schedule paused, a credential
// refused for a while), so that the first run after weeks of downtime
// still learns it. Past it, a record simply stays "invited": asking longer
// would cost requests every run for invitations nobody can do anything
// about any more.
const FateWindow = 30 * 24 * time.Hour

// PendingReportAfter is how long an invitation stays unanswered before the
// report lists it as still pending: a fresh one is not news.
const PendingReportAfter = 24 * time.Hour

// openInvitations are the people whose invitation's fate a run asks about:
// recorded as invited by snekomatic within FateWindow of now, and not still
// owed a welcome (the welcome step retries those first, and needs them
// "invited"), sorted by id.
func openInvitations(people map[int64]*state.Person, now time.Time) []int64 {
	var ids []int64
	for id, p := range people {
		if p.Status != state.Invited || p.At.Before(now.Add(-FateWindow)) {
			continue
		}
		if p.CommentURL == "" && !p.NoComment && p.PR != nil {
			continue // owed a welcome
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Fate is what a run learned about one open invitation.
type Fate struct {
	// Status is state.Accepted, state.Expired or state.Failed; state.Invited
	// while it is still pending; "" when nothing could be learned.
	Status state.Status
	// At is when the fate came: when GitHub says it failed, or now.
	At     time.Time
	Reason string
}

// DecideFate is the pure decision of what became of p's invitation, given
// their membership now (known is false when it could not be read) and the
// organization's failed invitations.
func DecideFate(p *state.Person, st MemberState, known bool, failed []FailedInvitation, now time.Time) Fate {
	switch {
	case !known:
		return Fate{}
	case st == ActiveMember:
		return Fate{Status: state.Accepted, At: now}
	case st == PendingInvitee:
		return Fate{Status: state.Invited, At: p.At}
	}
	// The latest failure of an invitation to this login sent no earlier
	// than ours (an older one is someone else's invitation).
	var f *FailedInvitation
	for i := range failed {
		c := &failed[i]
		if !strings.EqualFold(c.Login, p.Login) || c.FailedAt.Before(p.At.Truncate(time.Second)) {
			continue
		}
		if f == nil || c.FailedAt.After(f.FailedAt) {
			f = c
		}
	}
	switch {
	case f == nil:
		return Fate{Status: state.Failed, At: now, Reason: "declined, or cancelled by an owner: no longer pending, not a member, and not among GitHub's failed invitations"}
	case isExpiry(f.Reason):
		return Fate{Status: state.Expired, At: f.FailedAt, Reason: f.Reason}
	}
	return Fate{Status: state.Failed, At: f.FailedAt, Reason: "GitHub: " + f.Reason}
}

// isExpiry reports whether a failed_reason is an expiry ("Invitation
// expired. User did not accept this invite for 7 days.").
func isExpiry(reason string) bool { return strings.Contains(strings.ToLower(reason), "expired") }

// learnFates learns what became of the open invitations, records it
// (unless a dry run) and reports it. Under renew_expired: once, an expired
// invitation not renewed before is queued again, to be sent by this run's
// plan like any other invitation. It returns whether it changed the state.
func (r *orgRun) learnFates(ctx context.Context, known state.Org, col collected) (bool, error) {
	ids := openInvitations(known.People, r.opts.Now)
	if len(ids) == 0 {
		return false, nil
	}
	cands := make([]Candidate, 0, len(ids))
	for _, id := range ids {
		cands = append(cands, Candidate{ID: id, Login: known.People[id].Login})
	}
	lk, err := lookup(ctx, r.c, r.org, cands, col.members, col.pending)
	if err != nil {
		return false, fmt.Errorf("check the membership of people invited in the last %s: %w", humanDuration(FateWindow), err)
	}
	var failed []FailedInvitation
	for _, id := range ids {
		if st, ok := lk.States[id]; ok && st == NotMember {
			if failed, err = r.failedInvitations(ctx); err != nil {
				return false, err
			}
			break
		}
	}
	changes := map[int64]*state.Person{}
	for _, id := range ids {
		p := known.People[id]
		st, ok := lk.States[id]
		if p2 := r.applyFate(p, DecideFate(p, st, ok, failed, r.opts.Now)); p2 != nil {
			changes[id] = p2
		}
	}
	if r.opts.DryRun || len(changes) == 0 {
		return false, nil
	}
	if err := r.st.Update(r.org, func(o *state.Edit) { o.PutAll(changes) }); err != nil {
		return false, fmt.Errorf("record what became of %d invitations: %w", len(changes), err)
	}
	return true, nil
}

// applyFate reports one invitation's fate and returns the record to save
// (nil: nothing changes).
func (r *orgRun) applyFate(p *state.Person, f Fate) *state.Person {
	e := Entry{Login: p.Login, Reason: f.Reason}
	if p.PR != nil {
		e.PR = prLink(pullRequest(p.PR, r.opts.WebURL))
	}
	switch f.Status {
	case "":
		return nil
	case state.Invited:
		days := int(r.opts.Now.Sub(p.At) / (24 * time.Hour))
		if r.opts.Now.Sub(p.At) >= PendingReportAfter {
			e.Reason = fmt.Sprintf("invited %d days ago (%s), not accepted yet; GitHub lets an invitation expire after 7 days", days, p.At.UTC().Format(time.DateOnly))
			e.PendingDays = days
			r.rep.StillPending = append(r.rep.StillPending, e)
		}
		return nil
	}
	q := *p
	q.Status, q.At, q.Reason, q.InvitedAt = f.Status, f.At, f.Reason, p.At
	switch f.Status {
	case state.Accepted:
		e.Reason = fmt.Sprintf("invited %s", p.At.UTC().Format(time.DateOnly))
		r.rep.Accepted = append(r.rep.Accepted, e)
	case state.Expired:
		e.Reason = fmt.Sprintf("invited %s, expired %s unanswered", p.At.UTC().Format(time.DateOnly), f.At.UTC().Format(time.DateOnly))
		if why := r.renewal(p); why != "" {
			q.Status, q.At, q.Reason, q.InvitedAt, q.Renewed = state.Queued, r.opts.Now, why, time.Time{}, true
			e.Reason += "; " + why
		}
		r.rep.Expired = append(r.rep.Expired, e)
	case state.Failed:
		r.rep.Declined = append(r.rep.Declined, e)
	}
	return &q
}

// renewal is why p's expired invitation is sent again, or "" when it is
// not: renew_expired is not once, it was renewed before, or they are
// excluded now.
func (r *orgRun) renewal(p *state.Person) string {
	if !r.opts.Policy.RenewExpired || p.Renewed {
		return ""
	}
	if _, excluded := r.opts.Policy.excludedBy(p.Login); excluded {
		return ""
	}
	if r.opts.DryRun {
		return "would be invited again, once (renew_expired: once)"
	}
	return "inviting again, once (renew_expired: once)"
}

// failedInvitations lists the organization's failed invitations, read at
// most once a run (learnFates and reinvite_expired_after share it).
func (r *orgRun) failedInvitations(ctx context.Context) ([]FailedInvitation, error) {
	if r.failedRead {
		return r.failed, nil
	}
	failed, err := r.c.FailedInvitations(ctx, r.org)
	if err != nil {
		return nil, fmt.Errorf("list failed invitations of %s: %w", r.org, err)
	}
	r.failed, r.failedRead = failed, true
	return failed, nil
}

func prLink(pr PullRequest) *PRLink {
	if pr.Repo == "" {
		return nil
	}
	return &PRLink{Repo: pr.Repo, Number: pr.Number, URL: pr.URL}
}

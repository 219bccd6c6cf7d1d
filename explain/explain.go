package explain

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/duration"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// Facts is everything known about one person in one organization.
type Facts struct {
	// Login is the login asked about; Org the organization.
	Login, Org string
	// StatePath names the state file, for the words.
	StatePath string
	// OrgInState: the state file has the organization (a run recorded it).
	OrgInState bool
	// Cursor is the end of the organization's last merge window read
	// completely (zero: none yet).
	Cursor time.Time
	// Record is the state's record of the person (nil: none), ID its key.
	ID     int64
	Record *state.Person
	// OtherID and Other are a record under the same login with another id
	// than GitHub's for it: another account, whose login changed hands.
	OtherID int64
	Other   *state.Person
	// Policy is the organization's resolved policy; PolicyNote says what
	// it was resolved without, if anything.
	Policy     reconcile.Policy
	PolicyNote string
	// GitHub is what GitHub answered now; nil when it was not asked, and
	// NotAsked says why.
	GitHub   *GitHub
	NotAsked string
	// Web is the GitHub instance's web address, for pull request links
	// (empty: github.com).
	Web string
	// Approval is the organization's approval issue as GitHub has it now,
	// when it was looked for (a proposed person, online); nil otherwise.
	Approval *ApprovalIssue
}

// ApprovalIssue is what GitHub's listing of the approval repository's
// issues gave, found the way a run finds it (by its hidden marker, written
// by snekomatic's own identity).
type ApprovalIssue struct {
	// Found: there is one; then URL is its web address and Open whether it
	// is open.
	Found bool   `json:"found"`
	URL   string `json:"url,omitempty"`
	Open  bool   `json:"open,omitempty"`
}

// GitHub is what GitHub said about the login when it was asked.
type GitHub struct {
	// Found: an account is called Login (GET /users/{username}); then ID
	// and Type ("User", "Bot", "Organization") are its.
	Found bool
	ID    int64
	Type  string
	// Membership is the account's standing in the organization: Member,
	// Pending, NotMember, or "" when it was not asked.
	Membership string
	// Merged is how many merged pull requests of Login GitHub's search
	// counts in the organization; -1 when they were not counted.
	Merged int
}

// The memberships GitHub can answer.
const (
	Member    = "member"
	Pending   = "pending"
	NotMember = "none"
)

// Find is the state's record of the person: the one of id when id is
// known (GitHub gave it), else the latest under login, without case.
// other is a record under login with another id than a known one.
func Find(o *state.Org, login string, id int64) (foundID int64, p *state.Person, otherID int64, other *state.Person) {
	if o == nil {
		return 0, nil, 0, nil
	}
	byLogin := func() (int64, *state.Person) {
		var bestID int64
		var best *state.Person
		for pid, q := range o.People {
			if !strings.EqualFold(q.Login, login) {
				continue
			}
			if best == nil || q.At.After(best.At) || q.At.Equal(best.At) && pid < bestID {
				bestID, best = pid, q
			}
		}
		return bestID, best
	}
	if id <= 0 {
		foundID, p = byLogin()
		return foundID, p, 0, nil
	}
	if oid, q := byLogin(); q != nil && oid != id {
		otherID, other = oid, q
	}
	if q := o.People[id]; q != nil {
		return id, q, otherID, other
	}
	return 0, nil, otherID, other
}

// WantsCount reports whether counting the person's merged pull requests
// (one search request) can change the answer: a user not yet settled for
// good, who is not a member or invitee, in an organization that asks for
// more than one merged pull request, or of whom nothing is recorded.
func WantsCount(f Facts) bool {
	g := f.GitHub
	if g == nil || !g.Found || g.Type != "User" || g.Membership != NotMember || reconcile.NotACandidate(f.Login, g.Type, f.Policy) != "" {
		return false
	}
	if f.Record == nil {
		return true
	}
	return !f.Record.Status.Final() && f.Policy.MinMergedPRs > 1
}

// Verdict is what happens next to the person.
type Verdict struct {
	// Kind is one of the Kind constants, for scripts.
	Kind string `json:"kind"`
	// Next says it in words, without a final full stop.
	Next string `json:"next"`
}

// The kinds of verdict.
const (
	// KindNever: snekomatic will never invite them (the words say why).
	KindNever = "never"
	// KindInviteNextRun: the next run invites them.
	KindInviteNextRun = "invite-next-run"
	// KindQueued: they wait in the queue, which the next run serves first
	// (GitHub was not asked whether anything stands in the way).
	KindQueued = "queued"
	// KindUnsure: an invitation may have been sent; the next run asks
	// GitHub before sending it again.
	KindUnsure = "unsure"
	// KindCounting: they need more merged pull requests.
	KindCounting = "counting"
	// KindOnMerge: nothing is pending; a merged pull request of theirs
	// makes them a candidate.
	KindOnMerge = "on-merge"
	// KindUnknownOrg: the state file has nothing for the organization.
	KindUnknownOrg = "unknown-org"
	// KindAwaitingApproval: they are proposed on the organization's
	// approval issue; a maintainer's tick there invites them.
	KindAwaitingApproval = "awaiting-approval"
	// KindJoined: they accepted snekomatic's invitation.
	KindJoined = "joined"
)

// Decide is what happens next to the person, from the facts alone.
func Decide(f Facts) Verdict {
	if !f.OrgInState {
		return Verdict{KindUnknownOrg, fmt.Sprintf("nothing yet: %s is not in the state file %s, so no run has recorded anyone there", f.Org, f.StatePath)}
	}
	g := f.trustedGitHub()
	typ := ""
	if g != nil {
		typ = g.Type
	}
	if why := reconcile.NotACandidate(f.Login, typ, f.Policy); why != "" && (f.Record == nil || !f.Record.Status.Final()) {
		return never(f, why)
	}
	if f.Record == nil {
		return decideUnrecorded(f, g)
	}
	if f.Record.Status.Final() {
		return decideFinal(f, g)
	}
	return decidePending(f, g)
}

// never is the verdict for someone who is never a candidate.
func never(f Facts, why string) Verdict {
	switch {
	case why == "bot":
		why = "a bot account: bots are never invited"
	case f.Record != nil:
		why += " (the record stays as it is, so lifting the exclusion serves them again)"
	}
	return Verdict{KindNever, "never: " + why}
}

// trustedGitHub is GitHub's answer when it is about the recorded person
// (or there is no record): a record found by login while GitHub knows no
// such login may be an account renamed since.
func (f Facts) trustedGitHub() *GitHub {
	g := f.GitHub
	if g == nil || !g.Found || f.Record != nil && f.ID != g.ID {
		return nil
	}
	return g
}

func decideUnrecorded(f Facts, g *GitHub) Verdict {
	if f.GitHub != nil && !f.GitHub.Found {
		return Verdict{KindNever, fmt.Sprintf("never: GitHub has no account called %s", f.Login)}
	}
	if g != nil {
		switch g.Membership {
		case Member:
			return Verdict{KindNever, fmt.Sprintf("never: already a member of %s (a run records members; it does not invite them)", f.Org)}
		case Pending:
			return Verdict{KindNever, fmt.Sprintf("never: already invited to %s by someone else (a run records that; it does not invite again)", f.Org)}
		}
	}
	need := "their first merged pull request"
	if n := f.Policy.MinMergedPRs; n > 1 {
		need = fmt.Sprintf("a merged pull request, once they have %d", n)
	}
	next := fmt.Sprintf("invited after %s in %s is read by a run", need, f.Org)
	if g != nil && g.Merged > 0 {
		next += fmt.Sprintf("; GitHub counts %s of theirs there already, none of which a run has read: merged before snekomatic's first window, in a repository the policy leaves out, or since the last run (the next run reads those)", plural(g.Merged, "merged pull request"))
	}
	return Verdict{KindOnMerge, next}
}

func decideFinal(f Facts, g *GitHub) Verdict {
	p := f.Record
	on := day(p.At)
	switch p.Status {
	case state.Invited:
		return decideInvited(f, g)
	case state.Member:
		return Verdict{KindNever, "never: already a member when first seen on " + on}
	case state.Pending:
		return Verdict{KindNever, "never: already held an invitation from someone else when first seen on " + on}
	case state.Adopted:
		return Verdict{KindNever, "never: adopted on " + on + " (recorded so as never to be invited)"}
	case state.Skipped:
		return Verdict{KindNever, "never: skipped on " + on + ": " + p.Reason}
	case state.Rejected:
		return Verdict{KindNever, "never: the maintainers said no on the approval issue on " + on + " (`snekomatic state forget` undoes it)"}
	case state.Accepted:
		return Verdict{KindJoined, "joined: accepted the invitation (seen on " + on + ")"}
	case state.Expired:
		return decideExpired(f)
	case state.Failed:
		return Verdict{KindNever, "never again: the invitation ended on " + on + " without them joining: " + cmp.Or(p.Reason, "no reason recorded")}
	}
	return Verdict{KindNever, fmt.Sprintf("never: %s since %s", p.Status, on)}
}

func decideInvited(f Facts, g *GitHub) Verdict {
	p := f.Record
	on := day(p.At)
	if reconcile.RecordedDeclined(p) {
		return Verdict{KindNever, "never: declined (or cancelled) the invitation sent on " + on}
	}
	next := "never again: invited on " + on
	if g == nil {
		return Verdict{KindNever, next}
	}
	switch g.Membership {
	case Member:
		return Verdict{KindNever, next + ", and a member now"}
	case Pending:
		return Verdict{KindNever, next + ", and the invitation is still pending"}
	}
	next += ", and not a member now (the invitation was declined, cancelled or expired)"
	if d := f.Policy.ReinviteExpiredAfter; d > 0 {
		return Verdict{KindOnMerge, fmt.Sprintf("%s; under reinvite_expired_after (%s) their next merged pull request brings a new invitation if it expired that long ago",
			strings.TrimPrefix(next, "never again: "), duration.Format(d))}
	}
	return Verdict{KindNever, next}
}

// decidePending is for the people a run still has business with: queued,
// inviting, counting.
func decidePending(f Facts, g *GitHub) Verdict {
	p := f.Record
	if p.Status == state.Proposed {
		return decideProposed(f)
	}
	if g != nil && p.Status != state.Inviting {
		switch g.Membership {
		case Member:
			return Verdict{KindNever, "never: a member of " + f.Org + " now, which the next run records"}
		case Pending:
			return Verdict{KindNever, "never: invited to " + f.Org + " by someone else, which the next run records"}
		}
	}
	switch p.Status {
	case state.Queued:
		if g != nil {
			return Verdict{KindInviteNextRun, "invited on the next run, which serves the queue first (queued on " + day(p.At) + ": " + p.Reason + ")"}
		}
		return Verdict{KindQueued, "waits in the queue since " + day(p.At) + " (" + p.Reason + "); the next run serves the queue first"}
	case state.Inviting:
		if g != nil && (g.Membership == Member || g.Membership == Pending) {
			return Verdict{KindUnsure, "the invitation sent on " + day(p.At) + " arrived: the next run records it and welcomes them"}
		}
		return Verdict{KindUnsure, "an invitation may have been sent on " + day(p.At) + ": the next run asks GitHub whether it arrived, and sends it again only if there is no trace of it"}
	}
	return decideCounting(f, g)
}

func decideCounting(f Facts, g *GitHub) Verdict {
	p := f.Record
	want := f.Policy.MinMergedPRs
	since := day(p.At)
	if p.PR != nil && !p.PR.MergedAt.IsZero() {
		since = day(p.PR.MergedAt)
	}
	switch {
	case want <= 1:
		return Verdict{KindOnMerge, "invited after their next merged pull request (merged after " + since + "): min_merged_prs is no longer above 1"}
	case g == nil || g.Merged < 0:
		return Verdict{KindCounting, fmt.Sprintf("needs more merged pull requests (counted on %s: %s); min_merged_prs is %d", day(p.At), p.Reason, want)}
	case g.Merged < want:
		return Verdict{KindCounting, fmt.Sprintf("needs %s (GitHub counts %d of the %d min_merged_prs asks for)", plural(want-g.Merged, "more merged pull request"), g.Merged, want)}
	}
	return Verdict{KindInviteNextRun, fmt.Sprintf("invited by the next run that reads a pull request of theirs merged after %s: GitHub counts %d merged pull requests, and min_merged_prs asks for %d", since, g.Merged, want)}
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

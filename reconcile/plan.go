package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/python-trio/snekomatic/state"
)

// Candidate is a person who may need an invitation.
type Candidate struct {
	ID    int64
	Login string
	// PR is their earliest merged pull request among those read, or the one
	// recorded when they were queued by an earlier run.
	PR PullRequest
	// Queued is set when an earlier run queued them.
	Queued bool
	// Unsure is set when an earlier run may have sent the invitation but
	// could not record whether GitHub received it (state.Inviting).
	Unsure bool
	// Note explains an invitation that is not the usual first one (an
	// expired invitation renewed under Policy.ReinviteExpiredAfter).
	Note string
	// CoAuthor is set when PR is one they co-authored (Policy.CoAuthors)
	// rather than opened.
	CoAuthor bool
	// Renewal is set for someone whose expired invitation was renewed
	// (state.Person.Renewed): their first invitation's welcome stands,
	// and no second one is posted.
	Renewal *Renewal
}

// Renewal is the first invitation's welcome of a renewed invitation.
type Renewal struct {
	CommentURL string
	NoComment  bool
}

// renewalOf is p's Renewal, nil unless p was renewed.
func renewalOf(p *state.Person) *Renewal {
	if p == nil || !p.Renewed {
		return nil
	}
	return &Renewal{CommentURL: p.CommentURL, NoComment: p.NoComment}
}

// Skip is an author who is never a candidate, with the reason.
type Skip struct {
	Login  string
	PR     PullRequest
	Reason string
}

// Classification is what Classify makes of the pull requests and the
// state: who needs a membership check, who is skipped and why, and how many
// authors were already settled by an earlier run.
type Classification struct {
	Candidates []Candidate
	Skipped    []Skip
	// Known counts distinct authors already recorded and settled: a final
	// status, or counting with no pull request merged since they were
	// counted.
	Known int
	// Renamed maps ids of known people who are not candidates to their new
	// login.
	Renamed map[int64]string
	// Filtered counts the pull requests dropped by Policy.Repos.
	Filtered int
	// CoAuthored counts, by user id, the pull requests read on which a
	// person is credited as a co-author and is not the author
	// (Policy.CoAuthors): each counts towards Policy.MinMergedPRs.
	CoAuthored map[int64]int
}

// Classify is the first, pure half of planning: it sorts every author into
// a candidate, a skip or someone already settled. It applies the policy's
// repository filter and exclusions; reinvite names people recorded as
// invited who may be invited again (see ExpiredLongAgo), with the reason.
// web is the GitHub instance's web address, for the pull request links of
// people queued by an earlier run (the state keeps only repository and
// number).
func Classify(prs []PullRequest, known map[int64]*state.Person, pol Policy, reinvite map[int64]string, web string) Classification {
	prs = slices.Clone(prs)
	slices.SortFunc(prs, comparePRs)
	var cl Classification
	byID := map[int64]int{}
	skips := skipList{}
	knownSeen := map[int64]string{} // id → current login
	ks := classifying{known: known, reinvite: reinvite, byID: byID, seen: knownSeen}
	skip := func(key, login string, pr PullRequest, reason string) {
		if skips.first(key) {
			cl.Skipped = append(cl.Skipped, Skip{Login: login, PR: pr, Reason: reason})
		}
	}
	for _, pr := range prs {
		if pol.Repos.Drops(pr) != "" {
			cl.Filtered++
			continue
		}
		a := pr.Author
		key, login, reason := notAPerson(pr)
		if reason == "" {
			if pat, ok := pol.excludedBy(a.Login); ok {
				reason = excludedReason(pat)
			}
		}
		if reason != "" {
			skip(key, login, pr, reason)
		} else {
			cl.consider(ks, a, pr, false)
		}
		for _, co := range coAuthors(pr, pol.CoAuthors) {
			if pat, ok := pol.excludedBy(co.Login); ok {
				skip("User/"+strings.ToLower(co.Login), co.Login, pr, excludedReason(pat))
				continue
			}
			cl.consider(ks, co, pr, true)
		}
	}
	// People queued by an earlier run keep their place and their original
	// pull request, even when the cursor has long passed it. So do people
	// proposed while the organization asked for approval, once it no longer
	// does: nobody reads the approval issue for them any more.
	for id, p := range known {
		if p.Status != state.Queued && p.Status != state.Inviting && !(p.Status == state.Proposed && pol.ApprovalRepo == "") {
			continue
		}
		c := Candidate{ID: id, Login: p.Login, Queued: true, Unsure: p.Status == state.Inviting, PR: pullRequest(p.PR, web),
			Renewal: renewalOf(p), CoAuthor: p.CoAuthor}
		i, seen := byID[id]
		if seen {
			c.Login = cl.Candidates[i].Login // the fresher login
		}
		if pat, ok := pol.excludedBy(c.Login); ok {
			// Excluded since they were queued: left in the state as they
			// are, so that lifting the exclusion serves them again.
			skip("User/"+strings.ToLower(c.Login), c.Login, c.PR, excludedReason(pat))
			continue
		}
		if seen {
			cl.Candidates[i] = c
			continue
		}
		byID[id] = len(cl.Candidates)
		cl.Candidates = append(cl.Candidates, c)
	}
	cl.countKnown(known, knownSeen, byID)
	slices.SortFunc(cl.Candidates, compareCandidates)
	return cl
}

// consider sorts one person credited on pr (its author, or with coAuthor
// a co-author) into a candidate or someone already settled, and counts
// the pull requests a co-author is credited on (each once, however many
// commits name them).
func (cl *Classification) consider(ks classifying, a Author, pr PullRequest, coAuthor bool) {
	known, reinvite, byID, knownSeen := ks.known, ks.reinvite, ks.byID, ks.seen
	if coAuthor {
		if cl.CoAuthored == nil {
			cl.CoAuthored = map[int64]int{}
		}
		cl.CoAuthored[a.ID]++
	}
	p := known[a.ID]
	if p != nil && settled(p, pr, reinvite[a.ID] != "") {
		knownSeen[a.ID] = a.Login
		return
	}
	if _, ok := byID[a.ID]; ok {
		return // prs are sorted, so the first one seen is the earliest
	}
	c := Candidate{ID: a.ID, Login: a.Login, PR: pr, CoAuthor: coAuthor, Renewal: renewalOf(p)}
	if p != nil && (p.Status == state.Invited || p.Status == state.Expired) {
		c.Note = reinvite[a.ID]
	}
	byID[a.ID] = len(cl.Candidates)
	cl.Candidates = append(cl.Candidates, c)
}

// classifying is what Classify keeps while it reads the pull requests.
type classifying struct {
	known    map[int64]*state.Person
	reinvite map[int64]string
	// byID indexes the candidates; seen holds the current logins of the
	// known people met who are settled.
	byID map[int64]int
	seen map[int64]string
}

// countKnown counts the known people seen (id → current login) who are
// not candidates, and notes those whose login changed.
func (cl *Classification) countKnown(known map[int64]*state.Person, seen map[int64]string, cands map[int64]int) {
	for id, login := range seen {
		if _, cand := cands[id]; cand {
			continue
		}
		cl.Known++
		if known[id].Login != login {
			if cl.Renamed == nil {
				cl.Renamed = map[int64]string{}
			}
			cl.Renamed[id] = login
		}
	}
}

// notAPerson says why pr's author can never be invited: a deleted account
// (GitHub gives no author), a bot, a mannequin, another kind of account, or
// a user without an id. reason is "" for a user who can be. key and login
// are what the author is listed under, once however many pull requests
// they merged: a deleted account has no login, so each of its pull
// requests is its own "ghost".
func notAPerson(pr PullRequest) (key, login, reason string) {
	a := pr.Author
	key, login = a.Type+"/"+strings.ToLower(a.Login), a.Login
	switch {
	case a.Type == "":
		return "deleted/" + pr.NodeID, "ghost", "deleted account"
	case a.Type == "Bot":
		reason = "bot"
	case a.Type == "Mannequin":
		reason = "mannequin (imported placeholder, not a real account)"
	case a.Type != "User":
		reason = fmt.Sprintf("not a user account (%s)", a.Type)
	case a.ID <= 0:
		reason = "no user id"
	}
	return key, login, reason
}

// skipList remembers which skipped authors have been listed.
type skipList map[string]bool

// first reports whether key is listed for the first time.
func (l skipList) first(key string) bool {
	if l[key] {
		return false
	}
	l[key] = true
	return true
}

// settled reports whether a recorded person needs nothing on account of
// pr: a final status (unless they may be invited again), or counting on a
// pull request merged no earlier than this one.
func settled(p *state.Person, pr PullRequest, reinvite bool) bool {
	switch {
	case p.Status == state.Counting:
		return p.PR != nil && !pr.MergedAt.After(p.PR.MergedAt)
	case (p.Status == state.Invited || p.Status == state.Expired) && reinvite:
		return false
	case p.Status == state.Proposed:
		return true // the approval issue decides, not another pull request
	}
	return p.Status.Final()
}

func excludedReason(pattern string) string {
	return fmt.Sprintf("excluded by config (pattern %s)", pattern)
}

// compareCandidates puts the queue first, then the earliest merge first, so
// that a limited run serves the people who have waited longest.
func compareCandidates(a, b Candidate) int {
	if a.Queued != b.Queued {
		if a.Queued {
			return -1
		}
		return 1
	}
	if c := a.PR.MergedAt.Compare(b.PR.MergedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func comparePRs(a, b PullRequest) int {
	if c := a.MergedAt.Compare(b.MergedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Repo, b.Repo); c != 0 {
		return c
	}
	return cmp.Compare(a.Number, b.Number)
}

// Action is what the plan does about one candidate.
type Action string

// The actions of a plan.
const (
	ActInvite        Action = "invite"
	ActRecordMember  Action = "record-member"
	ActRecordPending Action = "record-pending"
	ActQueue         Action = "queue" // stays (or becomes) state.Queued, for a later run
	// ActConfirm: an earlier run's invitation reached GitHub after all (the
	// person is now pending or a member); record it and welcome them.
	ActConfirm Action = "confirm-invitation"
	// ActCount: fewer merged pull requests than Policy.MinMergedPRs;
	// recorded as counting until their next merged pull request.
	ActCount Action = "count"
	// ActKeepUnsure: an earlier run's invitation may have been sent and
	// GitHub's answer does not settle it: the person stays "inviting".
	ActKeepUnsure Action = "keep-unsure"
	// ActRecordDeclined: an earlier run's invitation arrived (its welcome
	// is on their pull request) but they are not a member: it was declined
	// or cancelled. Recorded as invited, never asked again.
	ActRecordDeclined Action = "record-declined"
	// ActPropose: the organization asks its maintainers first
	// (Policy.ApprovalRepo): recorded as proposed, listed on the approval
	// issue, not invited (see Gate).
	ActPropose Action = "propose"
)

// Decision is one line of a plan.
type Decision struct {
	Candidate
	Action Action
	Reason string
	// CommentURL is our welcome comment, when it was found already posted
	// (ActConfirm, ActRecordDeclined).
	CommentURL string
}

// Lookup is the membership of the candidates as read from GitHub. A
// candidate missing from States could not be checked (Failed says why).
// Merged holds the merged pull request counts of the candidates that were
// counted for Policy.MinMergedPRs. Markers (and MarkerURLs, for those found)
// hold what a look for the welcome marker found, for unsure candidates whose
// membership did not settle them.
type Lookup struct {
	States     map[int64]MemberState
	Failed     map[int64]string
	Merged     map[int64]int
	Markers    map[int64]Marker
	MarkerURLs map[int64]string
}

// unsure is the evidence about an unsure candidate. A state is only in
// States when it was answered about this very account (see lookup).
func (lk Lookup) unsure(id int64) UnsureEvidence {
	st, ok := lk.States[id]
	if !ok {
		return UnsureEvidence{LookupFailed: true}
	}
	return UnsureEvidence{State: st, ID: id, Marker: lk.Markers[id]}
}

// Limits bound a plan.
type Limits struct {
	// Budget is how many invitations may be planned; < 0 means no limit.
	// The rest are queued with LimitReason.
	Budget      int
	LimitReason string
	// MinMergedPRs: newcomers with fewer merged pull requests (Lookup.Merged)
	// are not invited but counted. People queued by an earlier run passed
	// this test then and are not held to it again.
	MinMergedPRs int
}

// Plan is the second, pure half of planning: given the candidates and their
// membership, it decides each one.
func Plan(cands []Candidate, lk Lookup, lim Limits) []Decision {
	budget := lim.Budget
	out := make([]Decision, 0, len(cands))
	for _, c := range cands {
		d := Decision{Candidate: c}
		st, ok := lk.States[c.ID]
		switch {
		case c.Unsure:
			switch ResolveUnsure(c.ID, lk.unsure(c.ID)) {
			case Arrived:
				// They were checked and not a member before the invitation
				// was sent, so the invitation they hold (or accepted) is ours.
				d.Action, d.Reason = ActConfirm, "the invitation sent by an earlier run arrived"
				d.CommentURL = lk.MarkerURLs[c.ID]
			case Declined:
				d.Action, d.Reason = ActRecordDeclined, "the invitation sent by an earlier run arrived (its welcome is posted) and was declined or cancelled"
				d.CommentURL = lk.MarkerURLs[c.ID]
			case SendAgain:
				if budget == 0 {
					// Not sent now: they stay "inviting", so that the run
					// that sends it still treats "already invited" as ours.
					d.Action, d.Reason = ActKeepUnsure, lim.LimitReason
					break
				}
				d.Action, d.Reason = ActInvite, "no trace of the invitation an earlier run may have sent: sending it again"
				if budget > 0 {
					budget--
				}
			default:
				why := lk.Failed[c.ID]
				if why == "" {
					why = "no answer settles it"
				}
				d.Action, d.Reason = ActKeepUnsure, "whether the invitation sent by an earlier run arrived is still unknown: "+why
			}
		case !ok:
			d.Action, d.Reason = ActQueue, "membership could not be checked: "+lk.Failed[c.ID]
		case st == ActiveMember:
			d.Action, d.Reason = ActRecordMember, "already a member"
		case st == PendingInvitee:
			d.Action, d.Reason = ActRecordPending, "already has a pending invitation"
		case lim.MinMergedPRs > 1 && !c.Queued && lk.Merged[c.ID] < lim.MinMergedPRs:
			d.Action = ActCount
			if n, ok := lk.Merged[c.ID]; ok {
				d.Reason = fmt.Sprintf("%d of the %d merged pull requests min_merged_prs asks for", n, lim.MinMergedPRs)
			} else {
				d.Reason = "merged pull requests could not be counted"
			}
		case budget == 0:
			d.Action, d.Reason = ActQueue, lim.LimitReason
		default:
			d.Action, d.Reason = ActInvite, inviteReason(c)
			if budget > 0 {
				budget--
			}
		}
		out = append(out, d)
	}
	return out
}

// lookupStrategy is how to learn the membership of the candidates.
type lookupStrategy int

const (
	lookupEach lookupStrategy = iota // one request per candidate
	lookupList                       // page through members and invitations
)

// chooseLookup picks the cheaper exact way to check n candidates in an
// organization with the given numbers of members and pending invitations.
// Looking each candidate up (GET /orgs/{org}/memberships/{user}, which
// answers "active" for members and "pending" for invitees) costs one request
// each; listing pages through members and invitees 100 at a time, both lists
// in the same requests, so it costs as many requests as the longer list has
// pages, however many candidates there are. When the sizes are unknown (-1)
// listing is assumed to take two requests.
func chooseLookup(n, members, pending int) lookupStrategy {
	listCost := 2
	if members >= 0 && pending >= 0 {
		listCost = max(pages(members), pages(pending))
	}
	if n <= listCost {
		return lookupEach
	}
	return lookupList
}

func pages(n int) int { return max(1, (n+99)/100) }

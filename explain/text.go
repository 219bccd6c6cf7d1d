package explain

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// paragraph says the facts and the verdict in plain words: the state's
// record, the policy, GitHub, and what happens next.
func paragraph(f Facts, a Answer) string {
	if !f.OrgInState {
		return fmt.Sprintf("%s in %s: %s.", f.Login, f.Org, a.Verdict.Next)
	}
	s := []string{recordSentence(f)}
	if f.Other != nil {
		s = append(s, fmt.Sprintf("The state's record under the login %s is of another account (id %d, %s on %s): the login has changed hands since.",
			f.Other.Login, f.OtherID, f.Other.Status, day(f.Other.At)))
	}
	if !unknownPerson(a) {
		s = append(s, policySentence(f, a.Policy))
	}
	s = append(s, gitHubSentence(f), "Next: "+a.Verdict.Next+".")
	return strings.Join(s, " ")
}

// unknownPerson: nothing is known of the person but that nothing is
// recorded; their answer is one line, without the policy (the verdict says
// how many merged pull requests it asks for).
func unknownPerson(a Answer) bool {
	return a.Record == nil && a.Other == nil && a.GitHub == nil && a.Policy.NotACandidate == ""
}

// statusWords says what each status means, after "as".
var statusWords = map[state.Status]string{
	state.Invited:  "invited by snekomatic",
	state.Member:   "a member already when first seen",
	state.Pending:  "holding someone else's invitation when first seen",
	state.Skipped:  "skipped",
	state.Queued:   "queued for an invitation",
	state.Inviting: "being invited (an invitation was about to be sent, and whether GitHub received it is not recorded)",
	state.Counting: "counting merged pull requests",
	state.Adopted:  "adopted (recorded so as never to be invited)",
	state.Proposed: "proposed on the approval issue",
	state.Rejected: "rejected on the approval issue",
	state.Accepted: "having accepted snekomatic's invitation",
	state.Expired:  "having let snekomatic's invitation expire",
	state.Failed:   "having an invitation of snekomatic's that ended without them joining",
}

func recordSentence(f Facts) string {
	p := f.Record
	if p == nil {
		window := "no run has read it completely yet"
		if !f.Cursor.IsZero() {
			window = "read up to " + f.Cursor.UTC().Format("2006-01-02 15:04 MST")
		}
		return fmt.Sprintf("The state file %s has no record of %s in %s: no merged pull request of %s has been seen in %s's window (%s).",
			f.StatePath, f.Login, f.Org, f.Login, f.Org, window)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The state file %s records %s (id %d) in %s as %s on %s", f.StatePath, p.Login, f.ID, f.Org,
		cmp.Or(statusWords[p.Status], string(p.Status)), day(p.At))
	if p.PR != nil {
		as := "for"
		if p.CoAuthor {
			as = "as a co-author of"
		}
		fmt.Fprintf(&b, ", %s %s", as, p.PR.URL(f.Web))
		if !p.PR.MergedAt.IsZero() {
			fmt.Fprintf(&b, " (merged %s)", day(p.PR.MergedAt))
		}
	}
	if !p.InvitedAt.IsZero() {
		fmt.Fprintf(&b, "; invited on %s", day(p.InvitedAt))
	}
	if p.Renewed {
		b.WriteString("; its expired invitation was sent again once (renew_expired: once)")
	}
	switch {
	case reconcile.RecordedDeclined(p):
		fmt.Fprintf(&b, "; recorded as declined: %s", p.Reason)
	case p.Reason != "":
		fmt.Fprintf(&b, "; reason: %s", p.Reason)
	}
	switch {
	case p.CommentURL != "":
		fmt.Fprintf(&b, "; welcomed at %s", p.CommentURL)
	case p.NoComment && p.Reason == "":
		b.WriteString("; never welcomed: invited while welcome comments were off")
	case p.NoComment:
		b.WriteString("; never welcomed")
	}
	b.WriteString(".")
	return b.String()
}

func policySentence(f Facts, pf PolicyFacts) string {
	switch {
	case pf.NotACandidate == "bot":
		return fmt.Sprintf("%s is a bot account: bots are never candidates.", f.Login)
	case pf.ExcludedBy != "":
		return fmt.Sprintf("%s's policy excludes %s (pattern %s).", f.Org, f.Login, pf.ExcludedBy)
	case pf.NotACandidate != "":
		return fmt.Sprintf("%s is never a candidate: %s.", f.Login, pf.NotACandidate)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s's policy invites after %s, as %s", f.Org, plural(pf.MinMergedPRs, "merged pull request"), roleWords(pf.Role))
	if len(pf.Teams) > 0 {
		fmt.Fprintf(&b, ", into the teams %s", strings.Join(pf.Teams, ", "))
	}
	if pf.Comment {
		b.WriteString(", with a welcome comment")
	} else {
		b.WriteString(", without a welcome comment")
	}
	if pf.CoAuthors {
		b.WriteString(", crediting co-authors of merged pull requests too")
	}
	if pf.ApprovalRepo != "" {
		fmt.Fprintf(&b, ", once a maintainer approves them on the approval issue in %s", pf.ApprovalRepo)
	}
	if pf.RenewExpired == config.RenewOnce {
		b.WriteString(", and sends an invitation that expired unanswered again, once (renew_expired: once)")
	}
	if pf.Note != "" {
		b.WriteString(" (" + pf.Note + ")")
	}
	b.WriteString(".")
	return b.String()
}

func roleWords(role string) string {
	if role == reconcile.RoleAdmin {
		return "an owner (admin)"
	}
	return "a direct member"
}

func gitHubSentence(f Facts) string {
	g := f.GitHub
	switch {
	case g == nil:
		return "GitHub was not asked (" + f.NotAsked + ")."
	case !g.Found:
		return fmt.Sprintf("GitHub says now that no account is called %s (never, or not since a rename or a deletion).", f.Login)
	case g.Type != "User":
		kind := strings.ToLower(g.Type)
		article := "a"
		if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
			article = "an"
		}
		return fmt.Sprintf("GitHub says now that %s (id %d) is %s %s account, not a user.", f.Login, g.ID, article, kind)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GitHub says now that %s is a user (id %d)", f.Login, g.ID)
	switch g.Membership {
	case Member:
		fmt.Fprintf(&b, ", a member of %s", f.Org)
	case Pending:
		fmt.Fprintf(&b, " with a pending invitation to %s", f.Org)
	case NotMember:
		fmt.Fprintf(&b, ", not a member of %s nor invited", f.Org)
	}
	if g.Merged >= 0 {
		fmt.Fprintf(&b, ", with %s there", plural(g.Merged, "merged pull request"))
	}
	b.WriteString(".")
	return b.String()
}

// wrap breaks s into lines of at most width columns between words (a word
// longer than that, a URL, stays whole on a line of its own).
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		switch {
		case n == 0:
		case n+1+len(w) > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

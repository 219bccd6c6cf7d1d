package reconcile

import (
	"strings"

	"github.com/python-trio/snekomatic/state"
)

// The rules of Classify and apply, exported one by one for `snekomatic
// explain`, which answers "why is this person (not) invited" without a
// run: an explanation that called its own copy of a rule could drift from
// the decision it explains.

// BotSuffix ends the REST login of a GitHub App's bot account
// ("dependabot[bot]"). GraphQL, which the search reads, gives the login
// without it and says "Bot" as the author's type instead.
const BotSuffix = "[bot]"

// ExcludedBy returns the first of the policy's exclusion patterns that
// login matches, as Classify applies them (path.Match, without case).
func (p Policy) ExcludedBy(login string) (pattern string, ok bool) { return p.excludedBy(login) }

// ExcludedReason is the reason Classify gives for an author excluded by
// pattern.
func ExcludedReason(pattern string) string { return excludedReason(pattern) }

// NotACandidate says why an author called login, of the given GraphQL
// type ("User", "Bot", ...; "" when unknown), is never a candidate under
// pol, in Classify's words: a bot (by its type, or by BotSuffix when the
// type is not known), another kind of account, or an excluded login. It is
// "" when nothing known says so.
func NotACandidate(login, typ string, pol Policy) string {
	if typ == "" && strings.HasSuffix(strings.ToLower(login), BotSuffix) {
		typ = "Bot"
	}
	if typ != "" {
		// A positive id: the question here is the account's kind, not
		// whether the search gave its id.
		if _, _, reason := notAPerson(PullRequest{Author: Author{Type: typ, Login: login, ID: 1}}); reason != "" {
			return reason
		}
	}
	if pat, ok := pol.excludedBy(login); ok {
		return excludedReason(pat)
	}
	return ""
}

// RecordedDeclined reports whether p is an invitee that a run recorded as
// having declined (ActRecordDeclined): invited, with the reason, and
// welcomed, since the welcome marker on their pull request was the
// evidence. The other invitees with a reason are those GitHub would never
// take a welcome for, who are recorded without a comment and marked
// NoComment (which a declined invitee also is when welcome comments were
// off by the time it was recorded: its comment tells it apart).
func RecordedDeclined(p *state.Person) bool {
	return p != nil && p.Status == state.Invited && p.Reason != "" && (p.CommentURL != "" || !p.NoComment)
}

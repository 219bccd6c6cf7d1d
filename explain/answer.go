package explain

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// Answer is the whole explanation: the facts, the verdict and the
// paragraph that says them. It is what `explain --output json` prints
// (docs/command-line.md documents it); fields are only ever added.
type Answer struct {
	Login      string `json:"login"`
	Org        string `json:"org"`
	State      string `json:"state"`
	OrgInState bool   `json:"org_in_state"`
	// Record is the state's record of the person; null when there is none.
	Record *Record `json:"record"`
	// Other is a record under the same login of another account (the
	// login changed hands); omitted when there is none.
	Other  *Record      `json:"other_record,omitempty"`
	Policy PolicyFacts  `json:"policy"`
	GitHub *GitHubFacts `json:"github"`
	// NotAsked says why GitHub was not asked (then GitHub is null).
	NotAsked string  `json:"github_not_asked,omitempty"`
	Verdict  Verdict `json:"verdict"`
	// ApprovalIssue is the approval issue GitHub has now, when it was
	// looked for (a proposed person, online); omitted otherwise.
	ApprovalIssue *ApprovalIssue `json:"approval_issue,omitempty"`
	// Text is the paragraph `explain` prints, on one line.
	Text string `json:"text"`
}

// Record is a person's record in the state file.
type Record struct {
	ID         int64        `json:"id"`
	Login      string       `json:"login"`
	Status     state.Status `json:"status"`
	At         time.Time    `json:"at"`
	PR         *PR          `json:"pr,omitempty"`
	Reason     string       `json:"reason,omitempty"`
	CommentURL string       `json:"comment_url,omitempty"`
	NoComment  bool         `json:"no_comment,omitempty"`
	// Declined: recorded as having declined the invitation.
	Declined bool `json:"declined,omitempty"`
	// InvitedAt is when snekomatic's invitation was sent, once its fate
	// (accepted, expired, failed) is recorded.
	InvitedAt time.Time `json:"invited_at,omitzero"`
	// Renewed: an expired invitation was sent again once (renew_expired).
	Renewed bool `json:"renewed,omitempty"`
	// CoAuthor: PR is a pull request they co-authored, not opened.
	CoAuthor bool `json:"co_author,omitempty"`
}

// PR is the pull request a record was decided on.
type PR struct {
	Repo     string    `json:"repo"`
	Number   int       `json:"number"`
	URL      string    `json:"url"`
	MergedAt time.Time `json:"merged_at,omitzero"`
}

// PolicyFacts is what the organization's resolved policy says about the
// person.
type PolicyFacts struct {
	// NotACandidate is why the policy never makes the login a candidate
	// ("bot", "excluded by config (pattern X)"), or "".
	NotACandidate string `json:"not_a_candidate,omitempty"`
	// ExcludedBy is the exclusion pattern the login matches, or "".
	ExcludedBy   string   `json:"excluded_by,omitempty"`
	MinMergedPRs int      `json:"min_merged_prs"`
	Role         string   `json:"role"`
	Teams        []string `json:"teams"`
	Comment      bool     `json:"comment"`
	// ApprovalRepo is where the approval issue is (OWNER/NAME) when the
	// maintainers approve each invitation first; "" when they do not.
	ApprovalRepo string `json:"approval_repo,omitempty"`
	// CoAuthors: co-authors of a merged pull request are credited too.
	CoAuthors bool `json:"co_authors,omitempty"`
	// RenewExpired is renew_expired: "never" or "once".
	RenewExpired string `json:"renew_expired"`
	// Note says what the policy was resolved without, if anything.
	Note string `json:"note,omitempty"`
}

// GitHubFacts is what GitHub said now.
type GitHubFacts struct {
	// Account is "user", "bot", "organization" (GitHub's type, lower
	// case), or "none" when no account has the login.
	Account string `json:"account"`
	ID      int64  `json:"id,omitempty"`
	// Membership is "member", "pending" or "none"; omitted when not asked.
	Membership string `json:"membership,omitempty"`
	// MergedPRs is GitHub's count of the login's merged pull requests in
	// the organization; omitted when they were not counted.
	MergedPRs *int `json:"merged_prs,omitempty"`
}

// Explain decides (Decide) and says everything in f.
func Explain(f Facts) Answer {
	a := Answer{Login: f.Login, Org: f.Org, State: f.StatePath, OrgInState: f.OrgInState, NotAsked: f.NotAsked,
		Record: record(f.ID, f.Record, f.Web), Other: record(f.OtherID, f.Other, f.Web), Verdict: Decide(f), ApprovalIssue: f.Approval}
	pol := f.Policy
	a.Policy = PolicyFacts{MinMergedPRs: max(pol.MinMergedPRs, 1), Role: cmp.Or(pol.Role, reconcile.RoleDirectMember),
		Teams: append([]string{}, pol.Teams...), Comment: !pol.NoComment, Note: f.PolicyNote, ApprovalRepo: pol.ApprovalRepo,
		RenewExpired: config.RenewNever, CoAuthors: pol.CoAuthors}
	if pol.RenewExpired {
		a.Policy.RenewExpired = config.RenewOnce
	}
	a.Policy.ExcludedBy, _ = pol.ExcludedBy(f.Login)
	typ := ""
	if g := f.trustedGitHub(); g != nil {
		typ = g.Type
	}
	a.Policy.NotACandidate = reconcile.NotACandidate(f.Login, typ, pol)
	if g := f.GitHub; g != nil {
		a.GitHub = &GitHubFacts{Account: "none", Membership: g.Membership}
		if g.Found {
			a.GitHub.Account, a.GitHub.ID = strings.ToLower(g.Type), g.ID
		}
		if g.Merged >= 0 {
			n := g.Merged
			a.GitHub.MergedPRs = &n
		}
	}
	a.Text = paragraph(f, a)
	return a
}

func record(id int64, p *state.Person, web string) *Record {
	if p == nil {
		return nil
	}
	r := &Record{ID: id, Login: p.Login, Status: p.Status, At: p.At, Reason: p.Reason, CommentURL: p.CommentURL,
		NoComment: p.NoComment, Declined: reconcile.RecordedDeclined(p), InvitedAt: p.InvitedAt, Renewed: p.Renewed,
		CoAuthor: p.CoAuthor}
	if p.PR != nil {
		r.PR = &PR{Repo: p.PR.Repo, Number: p.PR.Number, URL: p.PR.URL(web), MergedAt: p.PR.MergedAt}
	}
	return r
}

// WriteJSON prints a as indented JSON.
func WriteJSON(w io.Writer, a Answer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}

// WriteText prints a's paragraph, wrapped at width columns. The answers
// that need no paragraph (an organization the state does not have, a
// person of whom nothing is known) are one line, whatever their length.
func WriteText(w io.Writer, a Answer, width int) error {
	text := a.Text
	if a.OrgInState && !unknownPerson(a) {
		text = wrap(text, width)
	}
	_, err := fmt.Fprintln(w, text)
	return err
}

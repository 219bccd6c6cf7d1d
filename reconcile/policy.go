package reconcile

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/state"
)

// Policy is one organization's choices about whom to invite, how, and how
// much at once. PolicyFrom builds it from the configuration package's
// resolved policy, which holds snekomatic's built-in defaults; this package
// knows nothing of YAML. In the zero Policy, only the invitation settings
// are the defaults (every eligible author, after one merged pull request,
// as a direct member of no team, with the standard welcome comment): its
// window and caps are zero, which invites nobody.
type Policy struct {
	// Role is the invitation's role: RoleDirectMember ("" means that too)
	// or RoleAdmin.
	Role string
	// Teams are team slugs the invitee is added to when they accept. They
	// are resolved to ids at the start of each run; a missing team fails
	// the organization before anything is sent.
	Teams []string
	// Exclude lists login patterns (path.Match syntax, case-insensitive)
	// of people never invited.
	Exclude []string
	// MinMergedPRs is how many merged pull requests in the organization a
	// person needs before they are invited; 1 or less means the first.
	MinMergedPRs int
	// Repos says which repositories' pull requests count.
	Repos RepoFilter
	// NoComment turns the welcome comment off: invitees are invited
	// without one, and recorded so that none is posted later.
	NoComment bool
	// Comment, when set, renders the welcome comment from a WelcomeData;
	// nil means the standard text. WelcomeMarker is always appended.
	Comment *template.Template
	// CommentMaxAge, when positive, is how long after its merge a pull
	// request is still welcomed on: someone whose pull request is older is
	// invited without a welcome comment, and recorded so that none is
	// posted later (welcomeDue). Zero means no limit.
	CommentMaxAge time.Duration
	// CoAuthors credits the co-authors of a merged pull request (the
	// accounts GitHub resolves among its commits' authors) as its author
	// is credited (coauthor.go).
	CoAuthors bool
	// ReinviteExpiredAfter, when positive, lets someone snekomatic invited
	// be invited again on their next merged pull request once their
	// invitation expired at least that long ago. Zero keeps the promise of
	// asking only once.
	ReinviteExpiredAfter time.Duration
	// RenewExpired (renew_expired: once) sends an invitation of
	// snekomatic's that expired unanswered again, once, as soon as a run
	// learns of the expiry, without waiting for another merged pull
	// request, and without a second welcome (see learnFates).
	RenewExpired bool
	// Overlap is how far before the cursor the window starts.
	Overlap time.Duration
	// Lookback is how far back a first run (no cursor) reads.
	Lookback time.Duration
	// MaxInvites caps the invitations of this run; negative means no cap.
	MaxInvites int
	// DailyInviteLimit is how many invitations GitHub lets the organization
	// create in 24 hours (50, or 500 for older or paid organizations); the
	// invitations recorded in the state in the last 24 hours count against
	// it, so a run does not knowingly walk into GitHub's refusal. Zero or
	// less means no limit.
	DailyInviteLimit int
	// ApprovalRepo, when set (OWNER/NAME), asks the maintainers first:
	// newcomers are proposed on an issue in that repository, and invited
	// once a maintainer ticks their box there (approval.go).
	ApprovalRepo string
}

// The invitation roles a Policy may ask for: config's names, which are
// GitHub's.
const (
	RoleDirectMember = config.RoleDirectMember
	RoleAdmin        = config.RoleAdmin
)

// PolicyFrom is the run's policy for a resolved configuration
// (config.Resolve): the one place configuration becomes reconcile's types.
func PolicyFrom(r config.Resolved) Policy {
	return Policy{
		Role:         r.Role,
		Teams:        slices.Clone(r.Teams),
		Exclude:      slices.Clone(r.Exclude),
		MinMergedPRs: r.MinMergedPRs,
		Repos: RepoFilter{
			Include:      slices.Clone(r.RepoInclude),
			Exclude:      slices.Clone(r.RepoExclude),
			SkipForks:    r.SkipForks,
			SkipArchived: r.SkipArchived,
			SkipPrivate:  r.SkipPrivate,
		},
		NoComment:            !r.Comment,
		Comment:              r.Template,
		CommentMaxAge:        r.CommentMaxAge,
		CoAuthors:            r.CoAuthors,
		ReinviteExpiredAfter: r.ReinviteExpiredAfter,
		RenewExpired:         r.RenewExpired == config.RenewOnce,
		ApprovalRepo:         r.ApprovalRepo,
		Overlap:              r.Overlap,
		Lookback:             r.Lookback,
		MaxInvites:           r.MaxInvites,
		DailyInviteLimit:     r.DailyInviteLimit,
	}
}

// RepoFilter selects the repositories whose merged pull requests are read.
// Patterns use path.Match syntax and are matched case-insensitively against
// the repository's name, or against owner/name when they contain a slash.
type RepoFilter struct {
	// Include, when not empty, keeps only repositories matching one of
	// these patterns.
	Include []string
	// Exclude drops repositories matching any of these patterns.
	Exclude []string
	// SkipForks, SkipArchived and SkipPrivate drop pull requests merged
	// into forks, archived repositories and private (or internal)
	// repositories.
	SkipForks, SkipArchived, SkipPrivate bool
}

// Drops reports why a pull request's repository is filtered out, or "".
func (f RepoFilter) Drops(pr PullRequest) string {
	switch {
	case f.SkipForks && pr.RepoFork:
		return "fork"
	case f.SkipArchived && pr.RepoArchived:
		return "archived"
	case f.SkipPrivate && pr.RepoPrivate:
		return "private"
	}
	if len(f.Include) > 0 {
		if _, ok := matchRepo(f.Include, pr.Repo); !ok {
			return "not included"
		}
	}
	if p, ok := matchRepo(f.Exclude, pr.Repo); ok {
		return "excluded (" + p + ")"
	}
	return ""
}

func matchRepo(patterns []string, fullName string) (string, bool) {
	full := strings.ToLower(fullName)
	_, name, _ := strings.Cut(full, "/")
	for _, p := range patterns {
		subject := name
		if strings.Contains(p, "/") {
			subject = full
		}
		if ok, _ := path.Match(strings.ToLower(p), subject); ok {
			return p, true
		}
	}
	return "", false
}

// excludedBy returns the first pattern of the policy that login matches.
func (p Policy) excludedBy(login string) (string, bool) {
	l := strings.ToLower(login)
	for _, pat := range p.Exclude {
		if ok, _ := path.Match(strings.ToLower(pat), l); ok {
			return pat, true
		}
	}
	return "", false
}

// invitationRole is the REST role to invite with.
func (p Policy) invitationRole() string {
	if p.Role == "" {
		return RoleDirectMember
	}
	return p.Role
}

// WelcomeData is what a welcome comment template can use:
// {{.Login}}, {{.Org}}, {{.PR.Repo}}, {{.PR.Number}}, {{.PR.URL}},
// {{.AcceptURL}} and {{.CoAuthor}}.
type WelcomeData struct {
	Login     string
	Org       string
	PR        WelcomePR
	AcceptURL string
	// CoAuthor is true when Login co-authored the pull request (a commit
	// names them as an author; Policy.CoAuthors) rather than opened it.
	CoAuthor bool
}

// WelcomePR is the pull request a welcome comment is posted on.
type WelcomePR struct {
	Repo   string
	Number int
	URL    string
}

// SampleWelcomeData is what templates are tried with when they are loaded,
// so that a template that cannot render fails then rather than mid-run.
var SampleWelcomeData = WelcomeData{
	Login: "octocat", Org: "example",
	PR:        WelcomePR{Repo: "example/project", Number: 1, URL: "https://github.com/example/project/pull/1"},
	AcceptURL: "https://github.com/orgs/example/invitation",
}

// RenderWelcome renders a custom welcome comment and appends the hidden
// marker, which a rerun searches for before posting (so the marker is not
// the template's business and cannot be left out).
func RenderWelcome(t *template.Template, d WelcomeData, userID int64) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render the welcome comment template: %w", err)
	}
	body := strings.TrimRight(b.String(), "\n")
	return body + "\n\n" + WelcomeMarker(d.Org, userID) + "\n", nil
}

// FailedInvitation is an organization invitation that failed (expired, or
// the invitee was removed), as GET /orgs/{org}/failed_invitations lists it.
type FailedInvitation struct {
	Login    string
	FailedAt time.Time
	Reason   string
}

// ExpiredLongAgo picks the people to invite again under
// Policy.ReinviteExpiredAfter: those recorded as invited whose invitation
// failed as expired at least after before now, and after snekomatic sent
// it (an older failure is someone else's invitation). Failed invitations
// name people by login, so they are matched against the authors' current
// logins (authors maps lower-case login to user id), not against the
// possibly stale logins in the state.
func ExpiredLongAgo(known map[int64]*state.Person, authors map[string]int64, failed []FailedInvitation, now time.Time, after time.Duration) map[int64]string {
	out := map[int64]string{}
	if after <= 0 {
		return out
	}
	for _, f := range failed {
		if !strings.Contains(strings.ToLower(f.Reason), "expired") || f.FailedAt.After(now.Add(-after)) {
			continue
		}
		id, ok := authors[strings.ToLower(f.Login)]
		if !ok {
			continue
		}
		p := known[id]
		if p == nil || p.Status != state.Invited || f.FailedAt.Before(p.At.Truncate(time.Second)) {
			continue
		}
		out[id] = fmt.Sprintf("their invitation expired on %s; inviting again (reinvite_expired_after %s)",
			f.FailedAt.UTC().Format(time.DateOnly), humanDuration(after))
	}
	return out
}

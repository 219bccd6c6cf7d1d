package config

import (
	"slices"
	"strings"
	"text/template"
	"time"
)

// DefaultPath is where snekomatic looks for its configuration, relative to
// the working directory, when --config is not given.
const DefaultPath = ".github/snekomatic.yml"

// The values of the role key. They are the role names of GitHub's REST
// invitation endpoint, which is where the caller sends them.
const (
	RoleDirectMember = "direct_member"
	RoleAdmin        = "admin"
)

// The values of the renew_expired key: what becomes of an invitation of
// snekomatic's that expired unanswered.
const (
	// RenewNever (the default): it is not sent again (unless
	// reinvite_expired_after and a new merged pull request say so).
	RenewNever = "never"
	// RenewOnce: it is sent again once, by the next run that learns of the
	// expiry, without waiting for another merged pull request.
	RenewOnce = "once"
)

// File is a whole configuration file.
type File struct {
	// Defaults apply to every organization.
	Defaults Policy
	// Orgs override the defaults for one organization, keyed by its
	// lower-case login.
	Orgs map[string]Policy
	// OrgOrder holds the keys of Orgs in the order the file lists them.
	OrgOrder []string
	// OrgLines holds the line each key of Orgs is on.
	OrgLines map[string]int
}

// Policy is one level of configuration. A nil pointer (or nil slice) is a
// setting this level leaves to the level below; the caller supplies the
// built-in default of a setting no level makes.
type Policy struct {
	// Role is RoleDirectMember or RoleAdmin.
	Role *string
	// Teams are team slugs.
	Teams *[]string
	// Exclude are login patterns (path.Match syntax, case-insensitive).
	Exclude []string
	// MinMergedPRs is at least 1.
	MinMergedPRs *int
	Repos        Repos
	Comment      Comment
	Credit       Credit
	// Lookback is positive.
	Lookback *time.Duration
	// Overlap is 0 or more.
	Overlap *time.Duration
	// MaxInvites is -1 (no limit) or more.
	MaxInvites *int
	// DailyInviteLimit is 0 (not tracked) or more.
	DailyInviteLimit *int
	// ReinviteExpiredAfter is 0 (never) or more.
	ReinviteExpiredAfter *time.Duration
	// RenewExpired is RenewNever or RenewOnce.
	RenewExpired *string
	// ApprovalRepo is approval.issue_repo (OWNER/NAME): the repository of
	// the issue on which the maintainers approve each invitation.
	ApprovalRepo *string
}

// Repos is the repository filter of a Policy.
type Repos struct {
	// Include and Exclude are repository patterns (path.Match syntax,
	// matching the name, or owner/name when the pattern has a /).
	Include, Exclude                     *[]string
	SkipForks, SkipArchived, SkipPrivate *bool
}

// Comment is the welcome comment setting of a Policy.
type Comment struct {
	Enabled *bool
	// Template has been tried with the sample the file was read with.
	Template *template.Template
	// MaxAge is 0 (no limit) or more.
	MaxAge *time.Duration
}

// Credit says who a merged pull request earns an invitation for.
type Credit struct {
	// CoAuthors counts the co-authors of its commits, not only its author.
	CoAuthors *bool
}

// For is the policy of one organization: the file's defaults, overridden by
// the organization's own file (own, may be nil), overridden by the file's
// entry for the organization.
func (f *File) For(org string, own *Policy) Policy {
	p := f.Defaults
	if own != nil {
		p = p.Overlay(*own)
	}
	if o, ok := f.Orgs[strings.ToLower(org)]; ok {
		p = p.Overlay(o)
	}
	return p
}

// Overlay returns p with every setting q makes replacing p's, except that
// exclusions add up.
func (p Policy) Overlay(q Policy) Policy {
	r := p
	over(&r.Role, q.Role)
	over(&r.Teams, q.Teams)
	r.Exclude = nil
	for _, e := range append(slices.Clone(p.Exclude), q.Exclude...) {
		if !slices.Contains(r.Exclude, e) {
			r.Exclude = append(r.Exclude, e)
		}
	}
	over(&r.MinMergedPRs, q.MinMergedPRs)
	over(&r.Repos.Include, q.Repos.Include)
	over(&r.Repos.Exclude, q.Repos.Exclude)
	over(&r.Repos.SkipForks, q.Repos.SkipForks)
	over(&r.Repos.SkipArchived, q.Repos.SkipArchived)
	over(&r.Repos.SkipPrivate, q.Repos.SkipPrivate)
	over(&r.Comment.Enabled, q.Comment.Enabled)
	over(&r.Comment.Template, q.Comment.Template)
	over(&r.Comment.MaxAge, q.Comment.MaxAge)
	over(&r.Credit.CoAuthors, q.Credit.CoAuthors)
	over(&r.Lookback, q.Lookback)
	over(&r.Overlap, q.Overlap)
	over(&r.MaxInvites, q.MaxInvites)
	over(&r.DailyInviteLimit, q.DailyInviteLimit)
	over(&r.ReinviteExpiredAfter, q.ReinviteExpiredAfter)
	over(&r.RenewExpired, q.RenewExpired)
	over(&r.ApprovalRepo, q.ApprovalRepo)
	return r
}

func over[T any](dst **T, src *T) {
	if src != nil {
		*dst = src
	}
}

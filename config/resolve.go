package config

import (
	"slices"
	"text/template"
	"time"
)

// The built-in defaults: what a setting is when no level makes it.
const (
	DefaultRole             = RoleDirectMember
	DefaultMinMergedPRs     = 1
	DefaultLookback         = 7 * 24 * time.Hour
	DefaultOverlap          = time.Hour
	DefaultMaxInvites       = -1 // no limit
	DefaultDailyInviteLimit = 50 // GitHub's allowance for a young organization on the free plan
	DefaultCommentMaxAge    = 30 * 24 * time.Hour
)

// Resolved is one organization's complete policy: every level merged and
// every setting no level made filled in with its built-in default. It is
// plain data, a copy the caller may keep.
type Resolved struct {
	Role         string
	Teams        []string
	Exclude      []string
	MinMergedPRs int
	RepoInclude  []string
	RepoExclude  []string
	SkipForks    bool
	SkipArchived bool
	SkipPrivate  bool
	// Comment says whether a welcome comment is posted; Template, when
	// not nil, is its text (nil: the standard one).
	Comment  bool
	Template *template.Template
	// CommentMaxAge is 0 (no limit) or more: past it, no welcome.
	CommentMaxAge time.Duration
	// CoAuthors credits a pull request's co-authors (credit.co_authors).
	CoAuthors bool
	Lookback  time.Duration
	Overlap   time.Duration
	// MaxInvites is -1 (no limit) or more.
	MaxInvites int
	// DailyInviteLimit is 0 (not tracked) or more.
	DailyInviteLimit     int
	ReinviteExpiredAfter time.Duration
	// RenewExpired is RenewNever or RenewOnce.
	RenewExpired string
	// ApprovalRepo is the repository of the approval issue (OWNER/NAME);
	// "" (the default) invites without asking.
	ApprovalRepo string
}

// Resolve is the one place a run's policy for org is decided: the file's
// defaults, the organization's own file (own, nil when there is none or it
// was not read), the file's entry for org, then flags (the settings given
// explicitly on the command line), over the built-in defaults. f may be
// nil (no configuration file).
func Resolve(f *File, org string, own *Policy, flags Policy) Resolved {
	if f == nil {
		f = &File{}
	}
	return fill(f.For(org, own).Overlay(flags))
}

// fill is p with the built-in default of every setting p leaves unset.
func fill(p Policy) Resolved {
	return Resolved{
		Role:                 orDefault(p.Role, DefaultRole),
		Teams:                slices.Clone(orDefault(p.Teams, nil)),
		Exclude:              slices.Clone(p.Exclude),
		MinMergedPRs:         orDefault(p.MinMergedPRs, DefaultMinMergedPRs),
		RepoInclude:          slices.Clone(orDefault(p.Repos.Include, nil)),
		RepoExclude:          slices.Clone(orDefault(p.Repos.Exclude, nil)),
		SkipForks:            orDefault(p.Repos.SkipForks, false),
		SkipArchived:         orDefault(p.Repos.SkipArchived, false),
		SkipPrivate:          orDefault(p.Repos.SkipPrivate, false),
		Comment:              orDefault(p.Comment.Enabled, true),
		Template:             p.Comment.Template,
		CommentMaxAge:        orDefault(p.Comment.MaxAge, DefaultCommentMaxAge),
		CoAuthors:            orDefault(p.Credit.CoAuthors, false),
		Lookback:             orDefault(p.Lookback, DefaultLookback),
		Overlap:              orDefault(p.Overlap, DefaultOverlap),
		MaxInvites:           orDefault(p.MaxInvites, DefaultMaxInvites),
		DailyInviteLimit:     orDefault(p.DailyInviteLimit, DefaultDailyInviteLimit),
		ReinviteExpiredAfter: orDefault(p.ReinviteExpiredAfter, 0),
		RenewExpired:         orDefault(p.RenewExpired, RenewNever),
		ApprovalRepo:         orDefault(p.ApprovalRepo, ""),
	}
}

// orDefault is *p, or def when p is nil (a setting no level made).
func orDefault[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

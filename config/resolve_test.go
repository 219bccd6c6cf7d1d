package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// No file, no organization file, no flags: every built-in default.
func TestResolveBuiltinDefaults(t *testing.T) {
	got := Resolve(nil, "trio", nil, Policy{})
	want := Resolved{Role: "direct_member", MinMergedPRs: 1, Comment: true, Lookback: 7 * 24 * time.Hour,
		Overlap: time.Hour, MaxInvites: -1, DailyInviteLimit: 50, RenewExpired: RenewNever, CommentMaxAge: 30 * 24 * time.Hour}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

// The levels in order: file defaults, the organization's own file, the
// file's entry, flags; exclusions add up.
func TestResolveLevels(t *testing.T) {
	f, err := Parse(strings.NewReader(`
defaults: {teams: [a], exclude: ["*-bot"], max_invites: 3, overlap: 2h, lookback: 1d, comment: {max_age: 0}}
orgs:
  Trio: {min_merged_prs: 5, lookback: 3d, credit: {co_authors: true}}
`), "f.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	own, err := ParseOrg(strings.NewReader("teams: [own-team]\nexclude: [eve]\nmax_invites: 7\n"), "own.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	lookback := 4 * time.Hour
	got := Resolve(f, "trio", own, Policy{Lookback: &lookback})
	want := Resolved{Role: "direct_member", Teams: []string{"own-team"}, Exclude: []string{"*-bot", "eve"}, MinMergedPRs: 5,
		Comment: true, Lookback: 4 * time.Hour, Overlap: 2 * time.Hour, MaxInvites: 7, DailyInviteLimit: 50, RenewExpired: RenewNever, CoAuthors: true}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Error(d)
	}
	// Another organization has no entry: the defaults and its own file.
	if got := Resolve(f, "other", nil, Policy{}); got.Lookback != 24*time.Hour || got.MaxInvites != 3 || got.Teams[0] != "a" || got.CoAuthors {
		t.Errorf("other: %+v", got)
	}
}

// The result is a copy: changing it changes neither the file nor the
// next resolution.
func TestResolvedIsACopy(t *testing.T) {
	f, err := Parse(strings.NewReader("defaults: {teams: [a], exclude: [x], repos: {include: [r]}}\n"), "f.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	r := Resolve(f, "o", nil, Policy{})
	r.Teams[0], r.Exclude[0], r.RepoInclude[0] = "changed", "changed", "changed"
	if again := Resolve(f, "o", nil, Policy{}); again.Teams[0] != "a" || again.Exclude[0] != "x" || again.RepoInclude[0] != "r" {
		t.Errorf("the file changed: %+v", again)
	}
}

// OrgOrder lists the organizations as the file does, not sorted.
func TestOrgOrderIsTheFilesOrder(t *testing.T) {
	f, err := Parse(strings.NewReader("orgs:\n  zeta: {}\n  Alpha: {}\n  mid: {}\n"), "f.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"zeta", "alpha", "mid"}, f.OrgOrder); d != "" {
		t.Error(d)
	}
}

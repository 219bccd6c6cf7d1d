package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// full is testdata/full.yml: every key, once. cmd's tests of the
// conversion to reconcile.Options read the same file.
var full = func() string {
	b, err := os.ReadFile(filepath.Join("testdata", "full.yml"))
	if err != nil {
		panic(err)
	}
	return string(b)
}()

func ptr[T any](v T) *T { return &v }

// TestParseFullFile reads every key once and checks the data, and how an
// organization's entry merges over the defaults. Package cmd's tests check
// what the run does with it.
func TestParseFullFile(t *testing.T) {
	f, err := Parse(strings.NewReader(full), "snekomatic.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	got := f.For("somewhere", nil)
	if got.Comment.Template == nil {
		t.Fatal("the comment template was not kept")
	}
	var b strings.Builder
	if err := got.Comment.Template.Execute(&b, sample); err != nil {
		t.Fatal(err)
	}
	wantBody := "Thanks @octocat for example/project#1 (https://github.com/example/project/pull/1)!\n" +
		"Join example: https://github.com/orgs/example/invitation\n"
	if b.String() != wantBody {
		t.Errorf("rendered comment:\n%s\nwant:\n%s", b.String(), wantBody)
	}
	got.Comment.Template = nil
	want := Policy{
		Role: ptr("direct_member"), Teams: &[]string{"contributors", "docs"}, Exclude: []string{"spammer", "*-test"},
		MinMergedPRs: ptr(2),
		Repos: Repos{Include: &[]string{"*"}, Exclude: &[]string{"sandbox-*", "python-trio/old"},
			SkipForks: ptr(true), SkipArchived: ptr(true), SkipPrivate: ptr(false)},
		Comment: Comment{Enabled: ptr(true), MaxAge: ptr(60 * 24 * time.Hour)}, Credit: Credit{CoAuthors: ptr(true)},
		Lookback: ptr(14 * 24 * time.Hour), Overlap: ptr(90 * time.Minute), MaxInvites: ptr(10), DailyInviteLimit: ptr(500),
		ReinviteExpiredAfter: ptr(365 * 24 * time.Hour), RenewExpired: ptr(RenewOnce),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}

	// The organization's entry overrides field by field; its key ignores
	// case; exclusions add up; an empty list clears the teams.
	po := f.For("python-trio", nil)
	if po.Teams == nil || len(*po.Teams) != 0 || *po.MinMergedPRs != 1 || *po.Comment.Enabled || *po.Overlap != 90*time.Minute {
		t.Errorf("python-trio policy = %+v", po)
	}
	if po.Comment.Template == nil {
		t.Errorf("python-trio should keep the default template (it is only not used)")
	}
	if diff := cmp.Diff([]string{"spammer", "*-test", "bot-like"}, po.Exclude); diff != "" {
		t.Errorf("exclusions should add up (-want +got):\n%s", diff)
	}
	if _, ok := f.Orgs["other"]; !ok {
		t.Errorf("an org with no settings should still be listed")
	}
}

func TestEmptyFileSetsNothing(t *testing.T) {
	f, err := Parse(strings.NewReader(""), "empty.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Policy{}, f.For("x", nil)); diff != "" {
		t.Errorf("an empty file should leave every setting to the built-in defaults (-want +got):\n%s", diff)
	}
}

func TestPrecedence(t *testing.T) {
	f, err := Parse(strings.NewReader(`
defaults: {max_invites: 1, overlap: 1h, lookback: 1d, min_merged_prs: 5, exclude: [a]}
orgs:
  trio: {max_invites: 3}
`), "c.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	own, err := ParseOrg(strings.NewReader("max_invites: 2\noverlap: 2h\nexclude: [b]\n"), "trio/.github/snekomatic.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	lookback := 3 * time.Hour
	p := f.For("trio", own).Overlay(Policy{Lookback: &lookback}) // an explicit flag
	// max_invites: orgs entry (3) beats the org's own file (2) beats
	// defaults (1); overlap: own file beats defaults; lookback: the flag.
	if *p.MaxInvites != 3 || *p.Overlap != 2*time.Hour || *p.Lookback != 3*time.Hour || *p.MinMergedPRs != 5 {
		t.Errorf("merged policy = %+v", p)
	}
	if diff := cmp.Diff([]string{"a", "b"}, p.Exclude); diff != "" {
		t.Errorf("exclude (-want +got):\n%s", diff)
	}
	// Overlay leaves both of its inputs as they were.
	if *f.Defaults.MaxInvites != 1 || *f.Defaults.Lookback != 24*time.Hour || len(f.Defaults.Exclude) != 1 {
		t.Errorf("the file's defaults changed: %+v", f.Defaults)
	}
}

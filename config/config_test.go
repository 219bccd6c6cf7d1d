package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/python-trio/snekomatic/reconcile"
)

const full = `
# Everything, once.
defaults:
  role: direct_member
  teams: [contributors, docs]
  exclude: [spammer, "*-test"]
  min_merged_prs: 2
  repos:
    include: ["*"]
    exclude: ["sandbox-*", "python-trio/old"]
    skip_forks: true
    skip_archived: true
    skip_private: false
  comment:
    enabled: true
    template: |
      Thanks @{{.Login}} for {{.PR.Repo}}#{{.PR.Number}} ({{.PR.URL}})!
      Join {{.Org}}: {{.AcceptURL}}
  lookback: 14d
  overlap: 90m
  max_invites: 10
  daily_invite_limit: 500
  reinvite_expired_after: 365d
orgs:
  Python-Trio:
    teams: []
    exclude: [bot-like]
    min_merged_prs: 1
    comment: {enabled: false}
  other:
`

func TestParseFullFile(t *testing.T) {
	f, err := Parse(strings.NewReader(full), "snekomatic.yml")
	if err != nil {
		t.Fatal(err)
	}
	var o reconcile.Options
	f.For("somewhere", nil).Apply(&o)
	want := reconcile.Options{
		Lookback: 14 * 24 * time.Hour, Overlap: 90 * time.Minute, MaxInvites: 10, DailyInviteLimit: 500,
		Policy: reconcile.Policy{
			Role: "direct_member", Teams: []string{"contributors", "docs"}, Exclude: []string{"spammer", "*-test"},
			MinMergedPRs: 2,
			Repos: reconcile.RepoFilter{Include: []string{"*"}, Exclude: []string{"sandbox-*", "python-trio/old"},
				SkipForks: true, SkipArchived: true},
			ReinviteExpiredAfter: 365 * 24 * time.Hour,
		},
	}
	if diff := cmp.Diff(want, o, cmpopts.IgnoreFields(reconcile.Policy{}, "Comment")); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	body, err := reconcile.RenderWelcome(o.Policy.Comment, reconcile.SampleWelcomeData, 7)
	if err != nil {
		t.Fatal(err)
	}
	wantBody := "Thanks @octocat for example/project#1 (https://github.com/example/project/pull/1)!\n" +
		"Join example: https://github.com/orgs/example/invitation\n\n" + reconcile.WelcomeMarker("example", 7) + "\n"
	if body != wantBody {
		t.Errorf("rendered comment:\n%s\nwant:\n%s", body, wantBody)
	}

	// The organization's entry overrides field by field; its key ignores
	// case; exclusions add up; an empty list clears the teams.
	var po reconcile.Options
	f.For("python-trio", nil).Apply(&po)
	if len(po.Policy.Teams) != 0 || po.Policy.MinMergedPRs != 1 || !po.Policy.NoComment || po.Overlap != 90*time.Minute {
		t.Errorf("python-trio policy = %+v", po.Policy)
	}
	if diff := cmp.Diff([]string{"spammer", "*-test", "bot-like"}, po.Policy.Exclude); diff != "" {
		t.Errorf("exclusions should add up (-want +got):\n%s", diff)
	}
	if _, ok := f.Orgs["other"]; !ok {
		t.Errorf("an org with no settings should still be listed")
	}
}

func TestBuiltInDefaults(t *testing.T) {
	f, err := Parse(strings.NewReader(""), "empty.yml")
	if err != nil {
		t.Fatal(err)
	}
	var o reconcile.Options
	f.For("x", nil).Apply(&o)
	want := reconcile.Options{Lookback: reconcile.DefaultLookback, Overlap: reconcile.DefaultOverlap, MaxInvites: -1,
		DailyInviteLimit: DefaultDailyInviteLimit, Policy: reconcile.Policy{Role: "direct_member", MinMergedPRs: 1}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("built-in defaults (-want +got):\n%s", diff)
	}
}

func TestPrecedence(t *testing.T) {
	f, err := Parse(strings.NewReader(`
defaults: {max_invites: 1, overlap: 1h, lookback: 1d, min_merged_prs: 5, exclude: [a]}
orgs:
  trio: {max_invites: 3}
`), "c.yml")
	if err != nil {
		t.Fatal(err)
	}
	own, err := ParseOrg(strings.NewReader("max_invites: 2\noverlap: 2h\nexclude: [b]\n"), "trio/.github/snekomatic.yml")
	if err != nil {
		t.Fatal(err)
	}
	lookback := 3 * time.Hour
	p := f.For("trio", own).Overlay(Policy{Lookback: &lookback}) // an explicit flag
	var o reconcile.Options
	p.Apply(&o)
	// max_invites: orgs entry (3) beats the org's own file (2) beats
	// defaults (1); overlap: own file beats defaults; lookback: the flag.
	if o.MaxInvites != 3 || o.Overlap != 2*time.Hour || o.Lookback != 3*time.Hour || o.Policy.MinMergedPRs != 5 {
		t.Errorf("merged options = %+v", o)
	}
	if diff := cmp.Diff([]string{"a", "b"}, o.Policy.Exclude); diff != "" {
		t.Errorf("exclude (-want +got):\n%s", diff)
	}
}

func TestParseErrorsNameKeyAndLine(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"unknown top-level key", "default:\n  role: admin\n", `c.yml:1: default: unknown key (known keys here: defaults, orgs)`},
		{"unknown policy key", "defaults:\n  role: admin\n  tems: [x]\n", `c.yml:3: defaults.tems: unknown key`},
		{"unknown nested key", "orgs:\n  trio:\n    repos:\n      skip_fork: true\n", `c.yml:4: orgs.trio.repos.skip_fork: unknown key`},
		{"bad role", "defaults:\n  role: owner\n", `c.yml:2: defaults.role: "owner" is not a role`},
		{"role not a string", "defaults:\n  role: [admin]\n", `c.yml:2: defaults.role: want a string, found a list`},
		{"bad team slug", "defaults:\n  teams: [ok, \"bad slug\"]\n", `c.yml:2: defaults.teams: "bad slug" is not a team slug`},
		{"teams not a list", "defaults:\n  teams: core\n", `c.yml:2: defaults.teams: want a list`},
		{"bad exclude pattern", "defaults:\n  exclude: [\"[abc\"]\n", `c.yml:2: defaults.exclude: "[abc" is not a valid pattern`},
		{"exclude with slash", "defaults:\n  exclude: [a/b]\n", `c.yml:2: defaults.exclude: "a/b": a pattern may not contain /`},
		{"min_merged_prs zero", "defaults:\n  min_merged_prs: 0\n", `c.yml:2: defaults.min_merged_prs: 0 is out of range: want at least 1`},
		{"min_merged_prs text", "defaults:\n  min_merged_prs: two\n", `c.yml:2: defaults.min_merged_prs: want a whole number, at least 1; found "two"`},
		{"max_invites too low", "defaults:\n  max_invites: -2\n", `c.yml:2: defaults.max_invites: -2 is out of range`},
		{"daily limit negative", "defaults:\n  daily_invite_limit: -1\n", `c.yml:2: defaults.daily_invite_limit: -1 is out of range`},
		{"bad duration", "defaults:\n  overlap: soon\n", `c.yml:2: defaults.overlap: "soon" is not a duration`},
		{"negative duration", "defaults:\n  reinvite_expired_after: -5d\n", `c.yml:2: defaults.reinvite_expired_after: -5d must not be negative`},
		{"zero lookback", "defaults:\n  lookback: 0\n", `c.yml:2: defaults.lookback: 0 must be positive`},
		{"bool as text", "defaults:\n  repos:\n    skip_forks: yes\n", `c.yml:3: defaults.repos.skip_forks: want true or false, found "yes"`},
		{"repo pattern with two slashes", "defaults:\n  repos:\n    exclude: [a/b/c]\n", `c.yml:3: defaults.repos.exclude: "a/b/c": a pattern may not contain more than one /`},
		{"template does not parse", "defaults:\n  comment:\n    template: \"Hi {{.Login\"\n", `c.yml:3: defaults.comment.template: template: comment:1: unclosed action`},
		{"template names an unknown field", "defaults:\n  comment:\n    template: \"Hi {{.Name}}\"\n", `c.yml:3: defaults.comment.template: template: comment:1:5: executing "comment" at <.Name>: can't evaluate field Name`},
		{"template renders nothing", "defaults:\n  comment:\n    template: \"{{if false}}x{{end}}\"\n", `c.yml:3: defaults.comment.template: the template renders an empty comment`},
		{"comment enabled not a bool", "defaults:\n  comment:\n    enabled: off\n", `c.yml:3: defaults.comment.enabled: want true or false`},
		{"duplicate key", "defaults:\n  role: admin\n  role: admin\n", `c.yml:3: defaults.role: set twice (first on line 2)`},
		{"duplicate org in another case", "orgs:\n  trio: {}\n  Trio: {}\n", `c.yml:3: orgs.Trio: set twice (first on line 2; logins ignore case)`},
		{"bad org login", "orgs:\n  \"not an org\": {}\n", `c.yml:2: orgs: "not an org" is not a GitHub organization login`},
		{"defaults not a mapping", "defaults: [1]\n", `c.yml:1: defaults: want a mapping of keys`},
		{"top level not a mapping", "- a\n", `c.yml:1: the top level must be a mapping`},
		{"null value", "defaults:\n  role:\n", `c.yml:2: defaults.role: want a string, found nothing`},
		{"not YAML", "defaults:\n  role: [\n", `c.yml:2: not valid YAML`},
		{"two documents", "defaults: {}\n---\norgs: {}\n", `c.yml:2: holds more than one YAML document`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.input), "c.yml")
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error should be one line: %q", err)
			}
		})
	}
}

func TestParseOrgFile(t *testing.T) {
	p, err := ParseOrg(strings.NewReader("teams: [newcomers]\ncomment:\n  enabled: false\n"), "trio/.github/snekomatic.yml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Teams == nil || (*p.Teams)[0] != "newcomers" || p.Comment.Enabled == nil || *p.Comment.Enabled {
		t.Errorf("org policy = %+v", p)
	}
	for input, wantErr := range map[string]string{
		"role: admin\n":            `o.yml:1: role: admin (organization owner) can only be set in snekomatic's own configuration`,
		"defaults:\n  teams: []\n": `o.yml:1: defaults: unknown key`,
		"orgs: {}\n":               `o.yml:1: orgs: unknown key`,
	} {
		if _, err := ParseOrg(strings.NewReader(input), "o.yml"); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseOrg(%q) error = %v, want %q", input, err, wantErr)
		}
	}
	if p, err := ParseOrg(strings.NewReader("# nothing yet\n"), "o.yml"); err != nil || p == nil {
		t.Errorf("an empty org file: %+v, %v", p, err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snekomatic.yml")
	if err := os.WriteFile(path, []byte("defaults:\n  max_invites: 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil || *f.Defaults.MaxInvites != 4 {
		t.Fatalf("Load = %+v, %v", f, err)
	}
	missing := filepath.Join(dir, "nope.yml")
	if _, err := Load(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(missing) error = %v, want one naming the file", err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"90m": 90 * time.Minute, "14d": 14 * 24 * time.Hour, "1h30m": 90 * time.Minute, "0d": 0} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "1.5d", "tomorrow", "99999999d"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", in)
		}
	}
}

// TestREADMEExamplesParse keeps the README's examples honest: the full
// example file and the organization file both load.
func TestREADMEExamplesParse(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Skipf("no README: %v", err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var blocks []string
	for rest := section; ; {
		_, after, found := strings.Cut(rest, "```yaml\n")
		if !found {
			break
		}
		block, tail, _ := strings.Cut(after, "```")
		blocks, rest = append(blocks, block), tail
	}
	if len(blocks) != 2 {
		t.Fatalf("found %d YAML examples in the Configuration section, want 2", len(blocks))
	}
	f, err := Parse(strings.NewReader(blocks[0]), "README full example")
	if err != nil {
		t.Fatal(err)
	}
	var o reconcile.Options
	f.For("python-trio", nil).Apply(&o)
	if o.Policy.MinMergedPRs != 2 || o.Policy.Comment == nil || len(o.Policy.Exclude) != 2 {
		t.Errorf("README example policy = %+v", o.Policy)
	}
	if _, err := ParseOrg(strings.NewReader(blocks[1]), "README organization example"); err != nil {
		t.Fatal(err)
	}
}

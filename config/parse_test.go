package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseErrorsNameKeyAndLine(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"unknown top-level key", "default:\n  role: admin\n", `c.yml:1: default: unknown key (known keys here: defaults, orgs)`},
		{"unknown policy key", "defaults:\n  role: admin\n  tems: [x]\n", `c.yml:3: defaults.tems: unknown key`},
		{"key starting with a newline", "defaults:\n  \"\\nrole\": x\n", `c.yml:2: defaults.\nrole: unknown key`},
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
		{"renew_expired unknown", "defaults:\n  renew_expired: twice\n", `c.yml:2: defaults.renew_expired: "twice" is not a choice: want never or once`},
		{"zero lookback", "defaults:\n  lookback: 0\n", `c.yml:2: defaults.lookback: 0 must be positive`},
		{"bool as text", "defaults:\n  repos:\n    skip_forks: yes\n", `c.yml:3: defaults.repos.skip_forks: want true or false, found "yes"`},
		{"repo pattern with two slashes", "defaults:\n  repos:\n    exclude: [a/b/c]\n", `c.yml:3: defaults.repos.exclude: "a/b/c": a pattern may not contain more than one /`},
		{"template does not parse", "defaults:\n  comment:\n    template: \"Hi {{.Login\"\n", `c.yml:3: defaults.comment.template: template: comment:1: unclosed action`},
		{"template names an unknown field", "defaults:\n  comment:\n    template: \"Hi {{.Name}}\"\n", `c.yml:3: defaults.comment.template: template: comment:1:5: executing "comment" at <.Name>: can't evaluate field Name`},
		{"template renders nothing", "defaults:\n  comment:\n    template: \"{{if false}}x{{end}}\"\n", `c.yml:3: defaults.comment.template: the template renders an empty comment`},
		{"comment enabled not a bool", "defaults:\n  comment:\n    enabled: off\n", `c.yml:3: defaults.comment.enabled: want true or false`},
		{"bad max_age", "defaults:\n  comment:\n    max_age: a month\n", `c.yml:3: defaults.comment.max_age: "a month" is not a duration`},
		{"co_authors not a bool", "defaults:\n  credit:\n    co_authors: yes\n", `c.yml:3: defaults.credit.co_authors: want true or false, found "yes"`},
		{"unknown credit key", "defaults:\n  credit:\n    reviewers: true\n", `c.yml:3: defaults.credit.reviewers: unknown key (known keys here: co_authors)`},
		{"duplicate key", "defaults:\n  role: admin\n  role: admin\n", `c.yml:3: defaults.role: set twice (first on line 2)`},
		{"duplicate org in another case", "orgs:\n  trio: {}\n  Trio: {}\n", `c.yml:3: orgs.Trio: set twice (first on line 2; logins ignore case)`},
		{"bad org login", "orgs:\n  \"not an org\": {}\n", `c.yml:2: orgs: "not an org" is not a GitHub organization login`},
		{"defaults not a mapping", "defaults: [1]\n", `c.yml:1: defaults: want a mapping of keys`},
		{"top level not a mapping", "- a\n", `c.yml:1: the top level must be a mapping`},
		{"null value", "defaults:\n  role:\n", `c.yml:2: defaults.role: want a string, found nothing`},
		{"not YAML", "defaults:\n  role: [\n", `c.yml:2: not valid YAML`},
		{"not UTF-8", "defaults:\n  role: \xff\n", `c.yml: not valid YAML: invalid leading UTF-8 octet`},
		{"two documents", "defaults: {}\n---\norgs: {}\n", `c.yml:2: holds more than one YAML document`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.input), "c.yml", sample)
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
	p, err := ParseOrg(strings.NewReader("teams: [newcomers]\ncomment:\n  enabled: false\n"), "trio/.github/snekomatic.yml", sample)
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
		if _, err := ParseOrg(strings.NewReader(input), "o.yml", sample); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseOrg(%q) error = %v, want %q", input, err, wantErr)
		}
	}
	if p, err := ParseOrg(strings.NewReader("# nothing yet\n"), "o.yml", sample); err != nil || p == nil {
		t.Errorf("an empty org file: %+v, %v", p, err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snekomatic.yml")
	if err := os.WriteFile(path, []byte("defaults:\n  max_invites: 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path, sample)
	if err != nil || *f.Defaults.MaxInvites != 4 {
		t.Fatalf("Load = %+v, %v", f, err)
	}
	missing := filepath.Join(dir, "nope.yml")
	// No line to name: the file, then the cause.
	if _, err := Load(missing, sample); err == nil || !strings.HasPrefix(err.Error(), missing+": ") {
		t.Errorf("Load(missing) error = %v, want one naming the file", err)
	}
}

// TestLowestValuesAccepted: each number and duration takes the lowest value
// its rule allows (-1 for no invitation limit, 0 for no daily tracking, and
// so on, and a zero duration written either as 0 or with a unit), not
// just the values one above.
func TestLowestValuesAccepted(t *testing.T) {
	f, err := Parse(strings.NewReader("defaults:\n  min_merged_prs: 1\n  max_invites: -1\n  daily_invite_limit: 0\n"+
		"  overlap: 0m\n  reinvite_expired_after: 0\n  lookback: 1m\norgs:\n  trio: {max_invites: 0}\n"), "c.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	d := f.Defaults
	if *d.MinMergedPRs != 1 || *d.MaxInvites != -1 || *d.DailyInviteLimit != 0 || *d.Overlap != 0 || *d.ReinviteExpiredAfter != 0 || *d.Lookback != time.Minute {
		t.Errorf("defaults = %+v", d)
	}
	if got := *f.For("trio", nil).MaxInvites; got != 0 {
		t.Errorf("trio max_invites = %d, want 0", got)
	}
}

// TestAliases: YAML anchors and aliases are followed wherever a value or a
// key may stand, so that one block of settings can serve several
// organizations.
func TestAliases(t *testing.T) {
	f, err := Parse(strings.NewReader(`
defaults: &base {max_invites: 2, teams: &teams [core], exclude: ["*bot"]}
orgs:
  trio: *base
  other: {teams: *teams, &k overlap: 1h}
  third: {*k : 2h}
`), "c.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	trio := f.Orgs["trio"]
	if trio.MaxInvites == nil || *trio.MaxInvites != 2 || trio.Teams == nil || (*trio.Teams)[0] != "core" {
		t.Errorf("trio = %+v", trio)
	}
	other := f.Orgs["other"]
	if other.Teams == nil || (*other.Teams)[0] != "core" || other.Overlap == nil || *other.Overlap != time.Hour {
		t.Errorf("other = %+v", other)
	}
	if third := f.Orgs["third"]; third.Overlap == nil || *third.Overlap != 2*time.Hour {
		t.Errorf("third = %+v", third)
	}
}

package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/reconcile"
)

// The tests of the resolution a run and doctor share (config.Resolve, then
// reconcile.PolicyFrom): what a run does with the configuration. Package
// config's own tests check the reading and merging.

// fullConfig is config's testdata/full.yml: every key, once.
var fullConfig = func() string {
	b, err := os.ReadFile(filepath.Join("..", "config", "testdata", "full.yml"))
	if err != nil {
		panic(err)
	}
	return string(b)
}()

func parseConfig(t *testing.T, input string) *config.File {
	t.Helper()
	f, err := config.Parse(strings.NewReader(input), "snekomatic.yml", reconcile.SampleWelcomeData)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// resolve is an organization's policy as a run gets it.
func resolve(f *config.File, org string, own *config.Policy, flags config.Policy) reconcile.Policy {
	return reconcile.PolicyFrom(config.Resolve(f, org, own, flags))
}

func TestPolicyFullFile(t *testing.T) {
	f := parseConfig(t, fullConfig)
	p := resolve(f, "somewhere", nil, config.Policy{})
	want := reconcile.Policy{
		Role: "direct_member", Teams: []string{"contributors", "docs"}, Exclude: []string{"spammer", "*-test"},
		MinMergedPRs: 2,
		Repos: reconcile.RepoFilter{Include: []string{"*"}, Exclude: []string{"sandbox-*", "python-trio/old"},
			SkipForks: true, SkipArchived: true},
		ReinviteExpiredAfter: 365 * 24 * time.Hour, RenewExpired: true, CommentMaxAge: 60 * 24 * time.Hour, CoAuthors: true,
		Lookback: 14 * 24 * time.Hour, Overlap: 90 * time.Minute, MaxInvites: 10, DailyInviteLimit: 500,
	}
	if diff := cmp.Diff(want, p, cmpopts.IgnoreFields(reconcile.Policy{}, "Comment")); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	body, err := reconcile.RenderWelcome(p.Comment, reconcile.SampleWelcomeData, 7)
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
	po := resolve(f, "python-trio", nil, config.Policy{})
	if len(po.Teams) != 0 || po.MinMergedPRs != 1 || !po.NoComment || po.Overlap != 90*time.Minute {
		t.Errorf("python-trio policy = %+v", po)
	}
	if diff := cmp.Diff([]string{"spammer", "*-test", "bot-like"}, po.Exclude); diff != "" {
		t.Errorf("exclusions should add up (-want +got):\n%s", diff)
	}
}

func TestPolicyBuiltInDefaults(t *testing.T) {
	f := parseConfig(t, "")
	want := reconcile.Policy{Role: "direct_member", MinMergedPRs: 1, Lookback: 7 * 24 * time.Hour, Overlap: time.Hour,
		MaxInvites: -1, DailyInviteLimit: 50, CommentMaxAge: 30 * 24 * time.Hour}
	for _, p := range []reconcile.Policy{resolve(f, "x", nil, config.Policy{}), resolve(nil, "x", nil, config.Policy{})} {
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("built-in defaults (-want +got):\n%s", diff)
		}
	}
}

func TestPolicyPrecedence(t *testing.T) {
	f := parseConfig(t, `
defaults: {max_invites: 1, overlap: 1h, lookback: 1d, min_merged_prs: 5, exclude: [a]}
orgs:
  trio: {max_invites: 3}
`)
	own, err := config.ParseOrg(strings.NewReader("max_invites: 2\noverlap: 2h\nexclude: [b]\n"), "trio/.github/snekomatic.yml", reconcile.SampleWelcomeData)
	if err != nil {
		t.Fatal(err)
	}
	lookback := 3 * time.Hour
	o := resolve(f, "trio", own, config.Policy{Lookback: &lookback}) // an explicit flag
	// max_invites: orgs entry (3) beats the org's own file (2) beats
	// defaults (1); overlap: own file beats defaults; lookback: the flag.
	if o.MaxInvites != 3 || o.Overlap != 2*time.Hour || o.Lookback != 3*time.Hour || o.MinMergedPRs != 5 {
		t.Errorf("merged options = %+v", o)
	}
	if diff := cmp.Diff([]string{"a", "b"}, o.Exclude); diff != "" {
		t.Errorf("exclude (-want +got):\n%s", diff)
	}
}

// TestConfigRolesAreReconcileRoles: PolicyFrom passes the role through, so
// config's names must be reconcile's.
func TestConfigRolesAreReconcileRoles(t *testing.T) {
	for in, want := range map[string]string{config.RoleDirectMember: reconcile.RoleDirectMember, config.RoleAdmin: reconcile.RoleAdmin} {
		f := parseConfig(t, "defaults: {role: "+in+"}\n")
		if got := resolve(f, "x", nil, config.Policy{}).Role; got != want {
			t.Errorf("role %s became %q, want %q", in, got, want)
		}
	}
}

// TestTemplateTriedWithWelcomeData: the configuration's templates are tried
// with reconcile's sample, so a field WelcomeData lacks fails at load.
func TestTemplateTriedWithWelcomeData(t *testing.T) {
	input := "defaults:\n  comment:\n    template: \"Hi {{.Name}}\"\n"
	_, err := config.Parse(strings.NewReader(input), "c.yml", reconcile.SampleWelcomeData)
	want := `c.yml:3: defaults.comment.template: template: comment:1:5: executing "comment" at <.Name>: can't evaluate field Name`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want one containing %q", err, want)
	}
	if err != nil && !strings.Contains(err.Error(), "(the fields are .Login, .Org, .PR.Repo, .PR.Number, .PR.URL, .AcceptURL and .CoAuthor)") {
		t.Errorf("error = %v, want it to list WelcomeData's fields", err)
	}
}

// TestREADMEExamplesParse keeps the configuration page's examples honest
// (docs/configuration.md, moved there from the README): the full example
// file and the organization file both load.
func TestREADMEExamplesParse(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "configuration.md"))
	if err != nil {
		t.Fatalf("the configuration page: %v", err)
	}
	section := string(data)
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
		t.Fatalf("found %d YAML examples in docs/configuration.md, want 2", len(blocks))
	}
	f, err := config.Parse(strings.NewReader(blocks[0]), "README full example", reconcile.SampleWelcomeData)
	if err != nil {
		t.Fatal(err)
	}
	o := resolve(f, "python-trio", nil, config.Policy{})
	if o.MinMergedPRs != 2 || o.Comment == nil || len(o.Exclude) != 2 {
		t.Errorf("README example policy = %+v", o)
	}
	if _, err := config.ParseOrg(strings.NewReader(blocks[1]), "README organization example", reconcile.SampleWelcomeData); err != nil {
		t.Fatal(err)
	}
}

package config

import (
	"strings"
	"testing"
)

// approval.issue_repo is read per organization, from the file, the
// organization's own file or the flags, and is off by default.
func TestApprovalRepoResolves(t *testing.T) {
	f, err := Parse(strings.NewReader("orgs:\n  trio:\n    approval: {issue_repo: python-trio/.github}\n"), "f.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	if got := Resolve(f, "Trio", nil, Policy{}).ApprovalRepo; got != "python-trio/.github" {
		t.Errorf("trio: %q", got)
	}
	if got := Resolve(f, "other", nil, Policy{}).ApprovalRepo; got != "" {
		t.Errorf("off by default, got %q", got)
	}
	own, err := ParseOrg(strings.NewReader("approval:\n  issue_repo: other/admin\n"), "own.yml", sample)
	if err != nil {
		t.Fatal(err)
	}
	if got := Resolve(nil, "other", own, Policy{}).ApprovalRepo; got != "other/admin" {
		t.Errorf("own file: %q", got)
	}
	flag := "x/y"
	if got := Resolve(f, "trio", own, Policy{ApprovalRepo: &flag}).ApprovalRepo; got != "x/y" {
		t.Errorf("flag: %q", got)
	}
}

func TestApprovalErrors(t *testing.T) {
	for _, tt := range []struct{ input, want string }{
		{"defaults:\n  approval: {issue_repo: nope}\n", `c.yml:2: defaults.approval.issue_repo: "nope" is not a repository`},
		{"defaults:\n  approval: {}\n", `c.yml:2: defaults.approval: issue_repo is missing`},
		{"defaults:\n  approval: {repo: a/b}\n", `c.yml:2: defaults.approval.repo: unknown key`},
		{"defaults:\n  approval: a/b\n", `c.yml:2: defaults.approval: want a mapping`},
	} {
		_, err := Parse(strings.NewReader(tt.input), "c.yml", sample)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.input, err, tt.want)
		}
	}
}

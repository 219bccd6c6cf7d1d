package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With approval on for the demo organization, the first run proposes
// (nobody invited), a maintainer ticks boxes on the fake, and the second
// run invites them.
func TestDemoShowsTheApprovalCycle(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	if err := os.WriteFile(cfg, []byte("orgs:\n  our-org:\n    approval: {issue_repo: our-org/admin}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runDemo(t, "--config", cfg)
	mustCode(t, code, 0, out, errOut)
	run1, run2, _ := strings.Cut(out, "== Run 2")
	for _, want := range []string{
		"proposed on the approval issue (not invited until ticked) (3):",
		"POST /repos/our-org/admin/issues -> 201  open the approval issue in our-org/admin",
		"a maintainer ticks alice's and bob's boxes on the approval issue our-org/admin#1",
	} {
		if !strings.Contains(run1, want) {
			t.Errorf("run 1 lacks %q:\n%s", want, run1)
		}
	}
	if strings.Contains(run1, "/invitations -> 201") {
		t.Errorf("run 1 invited someone:\n%s", run1)
	}
	for _, want := range []string{
		"approved on the approval issue (2):",
		"invite alice", "invite bob",
		"PATCH /repos/our-org/admin/issues/1 -> 200  update the approval issue our-org/admin#1",
		`"l":"chen","s":"proposed"`,
	} {
		if !strings.Contains(run2, want) {
			t.Errorf("run 2 lacks %q:\n%s", want, run2)
		}
	}
}

package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/python-trio/snekomatic/demo"
	"github.com/python-trio/snekomatic/state"
)

// runDemo runs `snekomatic demo args...` in-process. The environment holds
// credentials and an Actions summary file that the demo must ignore.
func runDemo(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	summary := filepath.Join(t.TempDir(), "summary.md")
	d, out, errb := testDeps(map[string]string{
		"GITHUB_TOKEN":        "ghp_theUsersRealTokenMustNotBeUsed",
		"GITHUB_API_URL":      "https://github.invalid/api/v3",
		"GITHUB_STEP_SUMMARY": summary,
	})
	code := Main(context.Background(), append([]string{"demo"}, args...), d)
	if _, err := os.Stat(summary); err == nil {
		t.Errorf("the demo wrote the GitHub Actions step summary")
	}
	return code, out.String(), errb.String()
}

func TestDemoInvitesWelcomesAndSendsNothingTheSecondTime(t *testing.T) {
	// A configuration in the working directory must not change the demo
	// unless it is named with --config.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "snekomatic.yml"), []byte("defaults:\n  min_merged_prs: 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)

	code, out, errOut := runDemo(t)
	mustCode(t, code, 0, out, errOut)
	if errOut != "" {
		t.Errorf("stderr should be empty on success:\n%s", errOut)
	}
	run1, rest, ok := strings.Cut(out, "== Run 2")
	if !ok {
		t.Fatalf("no second run:\n%s", out)
	}
	run2, stateShown, ok := strings.Cut(rest, "== The state file")
	if !ok {
		t.Fatalf("the state file is not shown:\n%s", out)
	}
	for _, want := range []string{
		"Nothing is sent to GitHub",
		"invited (3):", "alice  snekomatic-demo/widgets#1", "bob ", "chen ",
		"welcomed (3):",
		"already members (1):\n    mia", "already invited (1):\n    pat",
		"(deleted account)", "dependabot  snekomatic-demo/widgets#4  (bot)",
		"POST /orgs/snekomatic-demo/invitations -> 201  invite alice",
		"welcome comment on snekomatic-demo/widgets#1",
	} {
		if !strings.Contains(run1, want) {
			t.Errorf("run 1 lacks %q:\n%s", want, run1)
		}
	}
	for _, want := range []string{
		"previously recorded: 2", "0 changes", "nothing changed on GitHub",
		"The second run sent nothing", "bob declined",
	} {
		if !strings.Contains(run2, want) {
			t.Errorf("run 2 lacks %q:\n%s", want, run2)
		}
	}
	if strings.Contains(run2, "invited (") || strings.Contains(run2, "POST ") {
		t.Errorf("run 2 sent something:\n%s", run2)
	}
	for _, want := range []string{`"version":2`, `"l":"alice"`, `"s":"invited"`, `"s":"pending"`, "Nothing touched GitHub"} {
		if !strings.Contains(stateShown, want) {
			t.Errorf("the end of the demo lacks %q:\n%s", want, stateShown)
		}
	}
}

func TestDemoKeepWritesTheFilesAndNeverOverwrites(t *testing.T) {
	keep := filepath.Join(t.TempDir(), "kept")
	code, out, errOut := runDemo(t, "--keep", keep)
	mustCode(t, code, 0, out, errOut)

	st, fresh, err := state.Load(filepath.Join(keep, demo.StateFile))
	if err != nil || fresh {
		t.Fatalf("kept state file: fresh=%v err=%v", fresh, err)
	}
	if n := len(st.Org("snekomatic-demo").People); n != 5 {
		t.Errorf("kept state has %d people, want 5 (alice, bob, chen, mia, pat)", n)
	}
	log, err := os.ReadFile(filepath.Join(keep, demo.LogFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# run 1", "POST /api/v3/orgs/snekomatic-demo/invitations -> 201 (rest-write)", "query: query(", "# run 2"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("request log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(string(log), demo.Token) {
		t.Errorf("the request log shows the token")
	}
	if runLog, err := os.ReadFile(filepath.Join(keep, demo.RunLog)); err != nil || !strings.Contains(string(runLog), "policy org=") {
		t.Errorf("run log: %v\n%s", err, runLog)
	}
	if !strings.Contains(out, "Kept in "+keep) {
		t.Errorf("output does not say where the files are:\n%s", out)
	}

	// A second demo into the same directory refuses before it starts.
	before, _ := os.ReadFile(filepath.Join(keep, demo.StateFile))
	code, out, errOut = runDemo(t, "--keep", keep)
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "already exists") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stdout %q, stderr %q: want a one-line usage error and no output", code, out, errOut)
	}
	if after, _ := os.ReadFile(filepath.Join(keep, demo.StateFile)); string(after) != string(before) {
		t.Errorf("the kept state file was changed")
	}
}

func TestDemoRunsUnderTheUsersConfiguration(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	if err := os.WriteFile(cfg, []byte(`defaults:
  teams: [contributors]
  min_merged_prs: 2
orgs:
  our-org:
    comment:
      enabled: false
`), 0o644); err != nil {
		t.Fatal(err)
	}
	keep := t.TempDir()
	code, out, errOut := runDemo(t, "--config", cfg, "--keep", keep)
	mustCode(t, code, 0, out, errOut)
	run1, run2, _ := strings.Cut(out, "== Run 2")
	for _, want := range []string{
		"named after its first organization, our-org",
		"--config " + cfg,
		// Only alice has two merged pull requests; bob and chen are counted.
		"invited (1):\n    alice  our-org/widgets#1",
		"counting merged pull requests (min_merged_prs) (2):",
		// Welcome comments are off for this organization.
		"1 change\n",
	} {
		if !strings.Contains(run1, want) && !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, run1)
		}
	}
	if strings.Contains(out, "welcomed (") || strings.Contains(out, "welcome comment on") {
		t.Errorf("the configuration turns comments off, yet:\n%s", out)
	}
	// The team the configuration names exists in the sample (a missing
	// one would fail the run).
	if log, _ := os.ReadFile(filepath.Join(keep, demo.LogFile)); !strings.Contains(string(log), "GET /api/v3/orgs/our-org/teams/contributors -> 200") {
		t.Errorf("the team was not looked up:\n%s", log)
	}
	// Bob's second pull request brings him to two: he is due now, once.
	if !strings.Contains(run2, "invite bob") || !strings.Contains(run2, "nobody was invited or welcomed twice") {
		t.Errorf("run 2:\n%s", run2)
	}
}

func TestDemoBadConfigurationIsOneLineAndNothingRuns(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(cfg, []byte("defaults:\n  min_merged_prs: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"invalid":   {"--config", cfg},
		"missing":   {"--config", filepath.Join(t.TempDir(), "absent.yml")},
		"empty":     {"--config="},
		"bad org":   {"--org", "-nope"},
		"extra arg": {"now"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runDemo(t, args...)
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d", code, ExitUsage)
			}
			if out != "" {
				t.Errorf("stdout should be empty:\n%s", out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "snekomatic: ") {
				t.Errorf("want one error line, got %q", errOut)
			}
		})
	}
	_, _, errOut := runDemo(t, "--config", cfg)
	if !strings.Contains(errOut, cfg+":2: defaults.min_merged_prs") {
		t.Errorf("the error should name the file, line and key: %q", errOut)
	}
}

// TestDemoNamesTheSampleAfterTheFirstListedOrganization: --config's help
// promises the first organization the file lists, not the alphabetically
// first.
func TestDemoNamesTheSampleAfterTheFirstListedOrganization(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	writeFile(t, cfg, "orgs:\n  zz-listed-first: {}\n  aa-listed-second: {}\n")
	code, out, errOut := runDemo(t, "--config", cfg)
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(out, "named after its first organization, zz-listed-first") {
		t.Errorf("the sample is not named after the first listed organization:\n%s", out)
	}
}

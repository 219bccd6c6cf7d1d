package actiontest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckActivityWarnsBeforeGitHubDisablesTheSchedule(t *testing.T) {
	for _, tc := range []struct {
		name     string
		age      time.Duration
		env      []string
		wantWarn bool
	}{
		{name: "a commit yesterday", age: 24 * time.Hour},
		{name: "49 days", age: 49 * 24 * time.Hour},
		{name: "51 days", age: 51 * 24 * time.Hour, wantWarn: true},
		{name: "51 days, private repository", age: 51 * 24 * time.Hour, env: []string{"REPO_PRIVATE=true"}},
		{name: "51 days, threshold 60", age: 51 * 24 * time.Hour, env: []string{"INACTIVITY_WARN_DAYS=60"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			needTools(t, "git", "bash")
			dir, rn := t.TempDir(), newRunner(t)
			git(t, dir, "init", "--quiet", "--initial-branch=main")
			writeFile(t, filepath.Join(dir, "f"), "x\n")
			git(t, dir, "add", "f")
			when := time.Now().Add(-tc.age).UTC().Format(time.RFC3339)
			cmd := exec.Command("git", "commit", "--quiet", "-m", "old")
			cmd.Dir = dir
			cmd.Env = append(append(baseEnv(t), identity...), "GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("commit: %v\n%s", err, out)
			}

			res := runScript(t, dir, "check-activity.sh", append(append(baseEnv(t), rn.env()...), tc.env...))
			if res.code != 0 {
				t.Fatalf("check-activity.sh failed: %v", res)
			}
			warned := strings.Contains(res.stdout, "::warning title=snekomatic: schedule at risk::")
			inSummary := strings.Contains(rn.summaryText(t), "**Schedule at risk.**")
			if warned != tc.wantWarn || inSummary != tc.wantWarn {
				t.Errorf("warned %v, in summary %v, want %v: %v", warned, inSummary, tc.wantWarn, res)
			}
			if tc.wantWarn && !strings.Contains(res.stdout, "60 days") {
				t.Errorf("the warning does not name GitHub's 60 days: %v", res)
			}
		})
	}
}

func TestCheckActivityOutsideARepository(t *testing.T) {
	needTools(t, "git", "bash")
	res := runScript(t, t.TempDir(), "check-activity.sh", baseEnv(t))
	if res.code != 0 || strings.Contains(res.stdout, "::warning") {
		t.Errorf("want a quiet success without a checkout: %v", res)
	}
}

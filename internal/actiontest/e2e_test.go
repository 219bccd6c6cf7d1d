package actiontest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/schematest"
	"github.com/python-trio/snekomatic/internal/testbin"
)

// snekomaticBinary builds cmd/snekomatic once for the test process
// (testbin), as the action's build step does.
func snekomaticBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		missingTool(t, os.Getenv, "go is not on PATH: cannot build snekomatic for the end-to-end test")
	}
	p, err := testbin.Path()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// report is the part of `--output json` this test reads.
type report struct {
	DryRun bool `json:"dry_run"`
	Orgs   []struct {
		Org     string `json:"org"`
		Invited []struct {
			Login string `json:"login"`
		} `json:"invited"`
	} `json:"orgs"`
}

func readReport(t *testing.T, path string) report {
	t.Helper()
	var r report
	if err := json.Unmarshal([]byte(readFile(t, path)), &r); err != nil {
		t.Fatalf("report %s: %v", path, err)
	}
	return r
}

// TestActionEndToEnd runs the action's steps as the runner would, with the
// real binary against the fake GitHub: run.sh runs snekomatic, whose state
// commit-state.sh then commits and pushes. Four runs: the first invites
// alice and creates the state file; the second invites bob and records
// him; the third finds nothing new and commits nothing (only the cursor
// moved); a dry run finds carol but sends and commits nothing.
func TestActionEndToEnd(t *testing.T) {
	needTools(t, "git", "bash", "jq")
	bin := snekomaticBinary(t)
	const token = "ghp_actionE2EtokenThatMustStayMasked01"
	gh := fakegithub.New(t)
	schematest.Attach(t, gh)
	gh.AddOrg("trio")
	gh.AddToken(token)
	gh.MakeOwner("trio", gh.TokenOwner().ID) // only owners can invite
	repo := gh.AddRepo("trio", "trio")
	gh.AddPR(repo, gh.AddUser("alice").ID, "fix a typo", time.Now().Add(-2*time.Hour))

	r := newRepo(t)
	rn := newRunner(t)
	env := append(baseEnv(t), rn.env()...)
	env = append(env,
		"SNEKOMATIC_BIN="+bin,
		"GITHUB_API_URL="+gh.RESTURL(),
		"INPUT_TOKEN="+token,
		"INPUT_ORGS=trio",
		"INPUT_STATE_PATH="+statePath,
		"INPUT_STATE_BACKEND=commit",
		"GITHUB_SERVER_URL=https://github.com", "GITHUB_REPOSITORY=trio/.github", "GITHUB_RUN_ID=7", "GITHUB_RUN_ATTEMPT=1",
	)
	step := func(dryRun bool) (runOut, commitOut map[string]string) {
		t.Helper()
		dr := fmt.Sprint(dryRun)
		res := runScript(t, r.work, "run.sh", append(env, "INPUT_DRY_RUN="+dr), "run")
		if res.code != 0 {
			t.Fatalf("run.sh failed: %v", res)
		}
		checkNoSecret(t, res, token)
		if !strings.Contains(res.stdout, "::add-mask::"+token) {
			t.Errorf("the token was not masked: %v", res)
		}
		runOut = rn.outputs(t)
		res = runScript(t, r.work, "commit-state.sh", append(env,
			"STATE_PATH="+statePath, "DRY_RUN="+dr, "REPORT_PATH="+runOut["report-path"], "RETRY_DELAY_SECONDS=0"))
		if res.code != 0 {
			t.Fatalf("commit-state.sh failed: %v", res)
		}
		return runOut, rn.outputs(t)
	}
	subject := func() string { return git(t, r.remote, "log", "-1", "--format=%s", "main") }

	// 1. alice: invited, and the new state file is committed.
	out, commit := step(false)
	if out["invited"] != "1" || out["queued"] != "0" || out["state-changed"] != "true" {
		t.Fatalf("first run outputs %v", out)
	}
	if rep := readReport(t, out["report-path"]); len(rep.Orgs) != 1 || len(rep.Orgs[0].Invited) != 1 || rep.Orgs[0].Invited[0].Login != "alice" {
		t.Errorf("first report: %+v", rep)
	}
	if commit["committed"] != "true" || subject() != "snekomatic: create snekomatic-state.json [skip ci]" {
		t.Fatalf("first commit: %v, subject %q", commit, subject())
	}
	if commit["commit-sha"] != r.remoteHead(t) {
		t.Errorf("commit-sha %q, want the pushed head %s", commit["commit-sha"], r.remoteHead(t))
	}
	// The lock file beside the state file is ignored by git, so that a
	// workflow's own `git add -A` does not commit it.
	if _, err := os.Stat(filepath.Join(r.work, statePath+".lock")); err == nil {
		if st := git(t, r.work, "status", "--porcelain", "--untracked-files=all"); strings.Contains(st, ".lock") {
			t.Errorf("the lock file shows in git status: %q", st)
		}
	}
	remote, _ := r.remoteFile(t, statePath)
	if local := readFile(t, filepath.Join(r.work, statePath)); remote != local || !strings.Contains(remote, `"l":"alice"`) {
		t.Errorf("remote state %q, local %q", remote, local)
	}

	// 2. bob merges (after the first run's cursor less the overlap, so
	// within the next window): invited, recorded, committed with the counts.
	gh.AddPR(repo, gh.AddUser("bob").ID, "add a test", time.Now().Add(-time.Minute))
	out, commit = step(false)
	if out["invited"] != "1" || commit["committed"] != "true" {
		t.Fatalf("second run: outputs %v, commit %v", out, commit)
	}
	if got, want := subject(), "snekomatic: record invited 1, queued 0 in snekomatic-state.json [skip ci]"; got != want {
		t.Errorf("second subject %q, want %q", got, want)
	}

	// 3. Nothing new: the cursor moves a few seconds, which is not worth a
	// commit.
	head := r.remoteHead(t)
	out, commit = step(false)
	if out["invited"] != "0" || commit["committed"] != "false" || r.remoteHead(t) != head {
		t.Errorf("quiet run: outputs %v, commit %v", out, commit)
	}

	// 4. A dry run: carol would be invited; nothing is sent, the state file
	// is untouched and nothing is committed.
	gh.AddPR(repo, gh.AddUser("carol").ID, "docs", time.Now().Add(-time.Minute))
	before := readFile(t, filepath.Join(r.work, statePath))
	out, commit = step(true)
	if out["invited"] != "1" || out["state-changed"] != "false" || commit["committed"] != "false" {
		t.Errorf("dry run: outputs %v, commit %v", out, commit)
	}
	if rep := readReport(t, out["report-path"]); !rep.DryRun {
		t.Errorf("the dry run's report does not say so")
	}
	if after := readFile(t, filepath.Join(r.work, statePath)); after != before {
		t.Errorf("the dry run changed the state file")
	}
	if r.remoteHead(t) != head {
		t.Errorf("the dry run committed")
	}
	if n := len(gh.CreatedInvitations("trio")); n != 2 {
		t.Errorf("%d invitations on GitHub, want 2 (alice and bob; none from the dry run)", n)
	}
}

// TestActionAppModeEndToEnd runs the action in App mode: the App id and the
// PEM key go in as inputs, snekomatic reconciles every organization the App
// is installed on (no orgs input), and no line of the key is ever printed.
// A GITHUB_TOKEN left in the job's environment is not what snekomatic uses.
func TestActionAppModeEndToEnd(t *testing.T) {
	needTools(t, "git", "bash", "jq")
	bin := snekomaticBinary(t)
	const appID = 777
	gh := fakegithub.New(t)
	schematest.Attach(t, gh)
	key := gh.NewApp(t, appID)
	perms := map[string]string{"members": "write", "pull_requests": "write", "metadata": "read"}
	for _, org := range []string{"alpha", "beta"} {
		gh.AddOrg(org)
		repo := gh.AddRepo(org, "code")
		gh.AddInstallation(appID, org, perms)
		gh.AddPR(repo, gh.AddUser("new-in-"+org).ID, "first", time.Now().Add(-time.Hour))
	}

	r, rn := newRepo(t), newRunner(t)
	env := append(baseEnv(t), rn.env()...)
	env = append(env,
		"SNEKOMATIC_BIN="+bin,
		"GITHUB_API_URL="+gh.RESTURL(),
		"GITHUB_TOKEN=ghp_theWorkflowsOwnTokenNotForSnekomatic",
		fmt.Sprintf("INPUT_APP_ID=%d", appID),
		"INPUT_PRIVATE_KEY="+string(key),
		"INPUT_STATE_PATH="+statePath,
		"INPUT_STATE_BACKEND=commit",
		"INPUT_DRY_RUN=false",
	)
	res := runScript(t, r.work, "run.sh", env, "run")
	if res.code != 0 {
		t.Fatalf("run.sh failed: %v", res)
	}
	checkNoSecret(t, res, string(key))
	out := rn.outputs(t)
	if out["invited"] != "2" || out["state-changed"] != "true" {
		t.Errorf("outputs %v, want 2 invited over both installations", out)
	}
	for _, org := range []string{"alpha", "beta"} {
		if n := len(gh.CreatedInvitations(org)); n != 1 {
			t.Errorf("%s: %d invitations, want 1", org, n)
		}
	}
}

package actiontest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	snstate "github.com/python-trio/snekomatic/state"
)

const statePath = "snekomatic-state.json"

// state is a state file in snekomatic's format for one organization.
// people is the inside of its "people" object.
func state(cursor, people string) string {
	return fmt.Sprintf(`{
  "orgs": {
    "trio": {
      "cursor": %q,
      "people": {%s}
    }
  },
  "version": 1
}
`, cursor, people)
}

const (
	alice = `
        "1": {"at": "2026-11-20T10:00:00Z", "login": "alice", "status": "invited"}`
	aliceAndBob = alice + `,
        "2": {"at": "2026-11-26T10:00:00Z", "login": "bob", "status": "invited"}`
	aliceQueued = `
        "1": {"at": "2026-11-20T10:00:00Z", "login": "alice", "reason": "--max-invites 0 reached for this run", "status": "queued"}`
	aliceQueuedAgain = `
        "1": {"at": "2026-11-21T10:00:00Z", "login": "alice", "reason": "membership could not be checked: 502", "status": "queued"}`
)

// commitEnv is the environment of the "Commit the state file" step.
func commitEnv(t *testing.T, rn *runner, extra ...string) []string {
	t.Helper()
	env := append(baseEnv(t), rn.env()...)
	env = append(env, "STATE_PATH="+statePath, "RETRY_DELAY_SECONDS=0", "SNEKOMATIC_BIN="+snekomaticBinary(t))
	return append(env, extra...)
}

func TestCommitStateCommitsANewStateFileAndPushesIt(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	content := state("2026-11-26T10:00:00Z", alice)
	writeFile(t, filepath.Join(r.work, statePath), content)
	// Other changes in the checkout are not the action's to commit.
	writeFile(t, filepath.Join(r.work, "README.md"), "edited by an earlier step\n")

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn,
		"GITHUB_SERVER_URL=https://github.com", "GITHUB_REPOSITORY=python-trio/snekomatic",
		"GITHUB_RUN_ID=42", "GITHUB_RUN_ATTEMPT=2"))
	if res.code != 0 {
		t.Fatalf("commit-state.sh failed: %v", res)
	}
	out := rn.outputs(t)
	if out["committed"] != "true" || out["commit"] != r.remoteHead(t) {
		t.Errorf("outputs %v, want committed=true and commit=%s", out, r.remoteHead(t))
	}
	if got, ok := r.remoteFile(t, statePath); !ok || got != content {
		t.Errorf("remote %s = %q (present %v), want %q", statePath, got, ok, content)
	}
	if got, want := git(t, r.remote, "log", "-1", "--format=%s", "main"), "snekomatic: create snekomatic-state.json [skip ci]"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	if got := git(t, r.remote, "log", "-1", "--format=%b", "main"); !strings.Contains(got, "Run: https://github.com/python-trio/snekomatic/actions/runs/42/attempts/2") {
		t.Errorf("body does not link the run:\n%s", got)
	}
	if got, want := git(t, r.remote, "log", "-1", "--format=%an <%ae>", "main"), "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"; got != want {
		t.Errorf("author %q, want %q", got, want)
	}
	if got := git(t, r.remote, "show", "--name-only", "--format=", "main"); got != statePath {
		t.Errorf("commit changes %q, want only %s", got, statePath)
	}
	if got := git(t, r.work, "status", "--porcelain"); got != "M README.md" {
		t.Errorf("checkout status %q, want the README edit left alone", got)
	}
}

func TestCommitStateDoesNothingWhenNothingChanged(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	before := r.remoteHead(t)

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 || !strings.Contains(res.stdout, "unchanged") {
		t.Fatalf("want success saying the file is unchanged: %v", res)
	}
	if out := rn.outputs(t); out["committed"] != "false" {
		t.Errorf("outputs %v, want committed=false", out)
	}
	if after := r.remoteHead(t); after != before {
		t.Errorf("remote moved from %s to %s", before, after)
	}
}

func TestCommitStateDoesNothingOnADryRun(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	before := r.remoteHead(t)
	// A dry run never writes the state file; even if something had, a dry
	// run commits nothing.
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-27T10:00:00Z", aliceAndBob))

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn, "DRY_RUN=true"))
	if res.code != 0 || !strings.Contains(res.stdout, "dry run") {
		t.Fatalf("want success saying it is a dry run: %v", res)
	}
	if out := rn.outputs(t); out["committed"] != "false" {
		t.Errorf("outputs %v, want committed=false", out)
	}
	if after := r.remoteHead(t); after != before {
		t.Errorf("remote moved from %s to %s on a dry run", before, after)
	}
	if got := git(t, r.work, "rev-parse", "HEAD"); got != before {
		t.Errorf("the checkout's HEAD moved to %s on a dry run", got)
	}
}

func TestCommitStateWithoutAStateFile(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	before := r.remoteHead(t)
	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 || !strings.Contains(res.stdout, "nothing to commit") {
		t.Fatalf("want success with nothing to commit: %v", res)
	}
	if after := r.remoteHead(t); after != before {
		t.Errorf("remote moved")
	}
}

func TestCommitStateCommitsACursorOnlyChangeOnceADay(t *testing.T) {
	needTools(t, "jq")
	committed := state("2026-11-26T10:00:00Z", alice)
	for _, tc := range []struct {
		name        string
		now         string
		env         []string
		wantCommit  bool
		wantSubject string
	}{
		{name: "cursor an hour on", now: state("2026-11-26T11:00:00Z", alice)},
		{name: "cursor 23h59m on", now: state("2026-11-27T09:59:00Z", alice)},
		{name: "cursor a day on", now: state("2026-11-27T10:00:00Z", alice), wantCommit: true,
			wantSubject: "snekomatic: move the cursor in snekomatic-state.json [skip ci]"},
		{name: "every change with cursor-commit-hours 0", now: state("2026-11-26T10:05:00Z", alice),
			env: []string{"CURSOR_COMMIT_HOURS=0"}, wantCommit: true,
			wantSubject: "snekomatic: move the cursor in snekomatic-state.json [skip ci]"},
		{name: "a new person", now: state("2026-11-26T11:00:00Z", aliceAndBob), wantCommit: true,
			wantSubject: "snekomatic: record new people in snekomatic-state.json [skip ci]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, rn := newRepo(t), newRunner(t)
			r.commitInWork(t, statePath, committed)
			before := r.remoteHead(t)
			writeFile(t, filepath.Join(r.work, statePath), tc.now)

			res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn, tc.env...))
			if res.code != 0 {
				t.Fatalf("commit-state.sh failed: %v", res)
			}
			moved := r.remoteHead(t) != before
			if moved != tc.wantCommit {
				t.Fatalf("committed = %v, want %v: %v", moved, tc.wantCommit, res)
			}
			if !tc.wantCommit {
				if !strings.Contains(res.stdout, "only the cursor moved") {
					t.Errorf("no word on why nothing was committed: %v", res)
				}
				return
			}
			if got := git(t, r.remote, "log", "-1", "--format=%s", "main"); got != tc.wantSubject {
				t.Errorf("subject %q, want %q", got, tc.wantSubject)
			}
		})
	}
}

func TestCommitStateIgnoresAQueuedPersonsRetries(t *testing.T) {
	needTools(t, "jq")
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-20T10:00:00Z", aliceQueued))
	before := r.remoteHead(t)
	// A day later she is still queued, with a new date and reason: only
	// the cursor (an hour on) matters, and it is not yet a day behind.
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-20T11:00:00Z", aliceQueuedAgain))
	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 || r.remoteHead(t) != before {
		t.Fatalf("a queued person's retry was committed: %v", res)
	}
}

// The same in version 2 of the state file, one person a line.
func TestCommitStateIgnoresAQueuedPersonsRetriesInVersion2(t *testing.T) {
	needTools(t, "jq")
	v2 := func(cursor, at, reason string) string {
		return `{"version":2,"orgs":{
"trio":{"cursor":"` + cursor + `","people":[
 {"id":1,"l":"alice","s":"queued","at":"` + at + `","pr":"trio/trio#1","r":"` + reason + `"}
]}
}}
`
	}
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, v2("2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z", "--max-invites 0 reached for this run"))
	before := r.remoteHead(t)
	writeFile(t, filepath.Join(r.work, statePath), v2("2026-11-20T11:00:00Z", "2026-11-21T10:00:00Z", "membership could not be checked: 502"))
	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 || r.remoteHead(t) != before {
		t.Fatalf("a queued person's retry was committed: %v", res)
	}
	// Someone invited is a change to commit at once.
	writeFile(t, filepath.Join(r.work, statePath), strings.Replace(v2("2026-11-20T11:00:00Z", "2026-11-21T10:00:00Z", "x"), `"s":"queued"`, `"s":"invited"`, 1))
	res = runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 || r.remoteHead(t) == before {
		t.Fatalf("an invitation was not committed: %v", res)
	}
}

func TestCommitStateNamesTheCountsFromTheReport(t *testing.T) {
	needTools(t, "jq")
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-26T11:00:00Z", aliceAndBob))
	report := filepath.Join(rn.temp, "report.json")
	writeFile(t, report, `{"dry_run": false, "orgs": [{"org": "trio", "invited": [{"login": "bob"}], "queued": [{"login": "x"}, {"login": "y"}]}, {"org": "other", "invited": [], "queued": []}]}`)

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn, "REPORT_PATH="+report))
	if res.code != 0 {
		t.Fatalf("commit-state.sh failed: %v", res)
	}
	if got, want := git(t, r.remote, "log", "-1", "--format=%s", "main"), "snekomatic: record invited 1, queued 2 in snekomatic-state.json [skip ci]"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
}

func TestCommitStateWinsARaceWithAnotherPushByRebasing(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	// While snekomatic runs, someone pushes another file.
	r.pushFromElsewhere(t, map[string]string{"CONTRIBUTING.md": "be nice\n"})
	theirs := r.remoteHead(t)
	content := state("2026-11-26T11:00:00Z", aliceAndBob)
	writeFile(t, filepath.Join(r.work, statePath), content)

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 {
		t.Fatalf("commit-state.sh failed: %v", res)
	}
	if !strings.Contains(res.stdout, "moved during the run: rebasing") {
		t.Errorf("no word of the rebase: %v", res)
	}
	if got, ok := r.remoteFile(t, statePath); !ok || got != content {
		t.Errorf("remote state = %q, want %q", got, content)
	}
	if _, ok := r.remoteFile(t, "CONTRIBUTING.md"); !ok {
		t.Errorf("the other push was lost")
	}
	if parent := git(t, r.remote, "rev-parse", "main^"); parent != theirs {
		t.Errorf("the state commit's parent is %s, want the other push %s (a rebase, not a merge)", parent, theirs)
	}
	if out := rn.outputs(t); out["committed"] != "true" || out["commit"] != r.remoteHead(t) {
		t.Errorf("outputs %v", out)
	}
}

// A refused push names the remote, whose path or URL may hold "403" by
// chance (a temporary directory's random digits did, once): only a 403 on
// its own is a permission refusal, and a branch that moved is rebased onto.
func TestCommitStateRebasesWhenTheRemotesPathHolds403(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	moved := filepath.Join(filepath.Dir(r.remote), "remote-41403349.git")
	if err := os.Rename(r.remote, moved); err != nil {
		t.Fatal(err)
	}
	r.remote, r.url = moved, "file://"+filepath.ToSlash(moved)
	git(t, r.work, "remote", "set-url", "origin", r.url)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	r.pushFromElsewhere(t, map[string]string{"CONTRIBUTING.md": "be nice\n"})
	content := state("2026-11-26T11:00:00Z", aliceAndBob)
	writeFile(t, filepath.Join(r.work, statePath), content)

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 || !strings.Contains(res.stdout, "moved during the run: rebasing") {
		t.Fatalf("commit-state.sh did not rebase: %v", res)
	}
	if got, ok := r.remoteFile(t, statePath); !ok || got != content {
		t.Errorf("remote state = %q, want %q", got, content)
	}
}

func TestCommitStateMergesAnEditToSomeoneElsesRecord(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	// Someone forgets alice by hand (state forget, pushed) while the run
	// records bob: both edits are kept.
	r.pushFromElsewhere(t, map[string]string{statePath: state("2026-11-26T10:00:00Z", "")})
	theirs := r.remoteHead(t)
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-26T11:00:00Z", aliceAndBob))

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 {
		t.Fatalf("commit-state.sh failed: %v", res)
	}
	got, _ := r.remoteFile(t, statePath)
	if strings.Contains(got, "alice") || !strings.Contains(got, "bob") || !strings.Contains(got, "2026-11-26T11:00:00Z") {
		t.Errorf("merged state = %s, want bob recorded, alice forgotten and the new cursor", got)
	}
	if parent := git(t, r.remote, "rev-parse", "main^"); parent != theirs {
		t.Errorf("the state commit's parent is %s, want the other push %s", parent, theirs)
	}
	if out := rn.outputs(t); out["committed"] != "true" || out["commit-sha"] != r.remoteHead(t) {
		t.Errorf("outputs %v", out)
	}
}

func TestCommitStateStopsWhenTheSameRecordChangedMeanwhile(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	// Someone forgets alice by hand while this run changes her record:
	// their edit must not be overwritten.
	edited := state("2026-11-26T10:00:00Z", "")
	r.pushFromElsewhere(t, map[string]string{statePath: edited})
	theirs := r.remoteHead(t)
	aliceWelcomed := `
        "1": {"at": "2026-11-20T10:00:00Z", "comment_url": "https://x/1", "login": "alice", "status": "invited"}`
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-26T11:00:00Z", aliceWelcomed))

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn, "RUNNER_TEMP="+t.TempDir(), "GITHUB_RUN_ID=77"))
	if res.code != 1 || !strings.Contains(res.stdout, "::error title=snekomatic: state not committed::") ||
		!strings.Contains(res.stdout, `was changed on main during the run, in records this run changed too (conflict: organization "trio", person 1: changed on one side and forgotten on the other)`) ||
		!strings.Contains(res.stdout, "gh run download 77 -n snekomatic-state-77-1") {
		t.Fatalf("want exit 1 with an error annotation about the conflict and how to restore: %v", res)
	}
	if r.remoteHead(t) != theirs {
		t.Errorf("the remote moved")
	}
	if got, _ := r.remoteFile(t, statePath); got != edited {
		t.Errorf("the hand edit was overwritten: %q", got)
	}
	out := rn.outputs(t)
	if out["committed"] != "false" || out["artifact-name"] != "snekomatic-state-77-1" {
		t.Errorf("outputs %v", out)
	}
	if kept := readFile(t, out["artifact-path"]); !strings.Contains(kept, "https://x/1") {
		t.Errorf("the artifact is not this run's state: %q", kept)
	}
}

// TestCommitStateRetriesAPassingFailure: a push that fails for a reason
// that passes (here the remote's hook fails twice, as a 5xx would) is
// tried again, and then succeeds.
func TestCommitStateRetriesAPassingFailure(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	count := filepath.Join(t.TempDir(), "pushes")
	hook := filepath.Join(r.remote, "hooks", "pre-receive")
	writeFile(t, hook, "#!/bin/sh\necho push >>'"+count+"'\nif [ $(wc -l <'"+count+"') -le 2 ]; then echo 'fatal: internal server error 502' >&2; exit 1; fi\n")
	if err := os.Chmod(hook, 0o755); err != nil {
		t.Fatal(err)
	}
	// git reports a failing hook as "pre-receive hook declined", which is
	// a refusal; a stand-in git makes the failure look like the network's.
	bin := t.TempDir()
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	writeFile(t, filepath.Join(bin, "git"), "#!/bin/sh\nif [ \"$1\" = push ]; then '"+realGit+"' \"$@\" 2>/dev/null; rc=$?; [ $rc -eq 0 ] || echo 'fatal: unable to access: The requested URL returned error: 502' >&2; exit $rc; fi\nexec '"+realGit+"' \"$@\"\n")
	if err := os.Chmod(filepath.Join(bin, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := commitEnv(t, rn, "PUSH_ATTEMPTS=5")
	for i, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			env[i] = "PATH=" + bin + ":" + strings.TrimPrefix(e, "PATH=")
		}
	}
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-26T10:00:00Z", alice))
	res := runScript(t, r.work, "commit-state.sh", env)
	if res.code != 0 || !strings.Contains(res.stdout, "passing reason") {
		t.Fatalf("want a retried, then successful push: %v", res)
	}
	if got := strings.Count(readFile(t, count), "push"); got != 3 {
		t.Errorf("pushed %d times, want 3", got)
	}
}

func TestCommitStateFailsAtOnceWhenThePushIsRefused(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	count := filepath.Join(t.TempDir(), "pushes")
	hook := filepath.Join(r.remote, "hooks", "pre-receive")
	writeFile(t, hook, "#!/bin/sh\necho push >>'"+count+"'\necho 'protected branch' >&2\nexit 1\n")
	if err := os.Chmod(hook, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-26T10:00:00Z", alice))

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn, "PUSH_ATTEMPTS=5", "RUNNER_TEMP="+t.TempDir()))
	if res.code != 1 || !strings.Contains(res.stdout, "not because the branch moved") ||
		!strings.Contains(res.stdout, "contents: write") {
		t.Fatalf("want exit 1 naming the permission: %v", res)
	}
	if got := strings.Count(readFile(t, count), "push"); got != 1 {
		t.Errorf("pushed %d times, want 1: a refusal is not retried", got)
	}
}

func TestCommitStateWithAnAbsolutePathInASubdirectory(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	abs := filepath.Join(r.work, "ops", "state.json")
	content := state("2026-11-26T10:00:00Z", alice)
	writeFile(t, abs, content)
	env := commitEnv(t, rn)
	env = append(env, "STATE_PATH="+abs) // the later value wins
	res := runScript(t, r.work, "commit-state.sh", env)
	if res.code != 0 {
		t.Fatalf("commit-state.sh failed: %v", res)
	}
	if got, ok := r.remoteFile(t, "ops/state.json"); !ok || got != content {
		t.Errorf("remote ops/state.json = %q (present %v)", got, ok)
	}
	if got, want := git(t, r.remote, "log", "-1", "--format=%s", "main"), "snekomatic: create ops/state.json [skip ci]"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	// Unchanged now: found by the same path in HEAD.
	res = runScript(t, r.work, "commit-state.sh", env)
	if res.code != 0 || !strings.Contains(res.stdout, "unchanged") {
		t.Errorf("second run: %v", res)
	}
}

func TestCommitStateNeedsABranchAndARepository(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-26T10:00:00Z", alice))
	git(t, r.work, "checkout", "--quiet", "--detach")
	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 1 || !strings.Contains(res.stdout, "HEAD is not on a branch") {
		t.Errorf("detached HEAD: %v", res)
	}

	plain := t.TempDir()
	writeFile(t, filepath.Join(plain, statePath), state("2026-11-26T10:00:00Z", alice))
	res = runScript(t, plain, "commit-state.sh", commitEnv(t, rn))
	if res.code != 1 || !strings.Contains(res.stdout, "is not in a git checkout") || !strings.Contains(res.stdout, "actions/checkout") {
		t.Errorf("no repository: %v", res)
	}
}

// actions/checkout with `path:` puts the repository in a subdirectory of the
// workspace, where the steps run: the state file's own repository is used.
func TestCommitStateInACheckoutBelowTheWorkspace(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	workspace := filepath.Dir(r.work)
	content := state("2026-11-26T10:00:00Z", alice)
	writeFile(t, filepath.Join(r.work, statePath), content)
	env := append(commitEnv(t, rn), "STATE_PATH="+filepath.Base(r.work)+"/"+statePath)

	res := runScript(t, workspace, "commit-state.sh", append(env, "DRY_RUN=True"))
	if res.code != 0 || !strings.Contains(res.stdout, "dry run") {
		t.Fatalf("DRY_RUN=True: %v", res)
	}
	res = runScript(t, workspace, "commit-state.sh", env)
	if res.code != 0 {
		t.Fatalf("commit-state.sh failed: %v", res)
	}
	if got, ok := r.remoteFile(t, statePath); !ok || got != content {
		t.Errorf("remote %s = %q (present %v)", statePath, got, ok)
	}
}

// saveState writes f where the test says, as snekomatic writes it
// (version 2).
func saveState(t *testing.T, path string, f *snstate.File) string {
	t.Helper()
	if err := snstate.Save(path, f); err != nil {
		t.Fatal(err)
	}
	return readFile(t, path)
}

func person(login string, s snstate.Status, at string) *snstate.Person {
	when, _ := time.Parse(time.RFC3339, at)
	return &snstate.Person{Login: login, Status: s, At: when}
}

// The state file in version 2 (people in a list): a run records dave while
// someone pushes `snekomatic state forget bob` made with the binary. Both
// are kept; the merge is the binary's (jq's, before, could not index
// version 2's list and pushed nothing).
func TestCommitStateMergesARunWithAForgetPushedMeanwhile(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	bin := snekomaticBinary(t)
	base := snstate.New()
	o := base.Org("trio")
	o.Cursor, _ = time.Parse(time.RFC3339, "2026-11-26T10:00:00Z")
	o.People[1] = person("alice", snstate.Invited, "2026-11-20T10:00:00Z")
	o.People[2] = person("bob", snstate.Invited, "2026-11-21T10:00:00Z")
	scratch := filepath.Join(t.TempDir(), statePath)
	r.commitInWork(t, statePath, saveState(t, scratch, base))

	// Elsewhere: state forget bob, by the binary, pushed.
	elsewhere := filepath.Join(t.TempDir(), statePath)
	writeFile(t, elsewhere, readFile(t, scratch))
	if out, err := exec.Command(bin, "state", "forget", "--state", elsewhere, "--org", "trio", "bob").CombinedOutput(); err != nil {
		t.Fatalf("state forget: %v\n%s", err, out)
	}
	forgotten := readFile(t, elsewhere)
	if strings.Contains(forgotten, "bob") {
		t.Fatalf("state forget left bob: %s", forgotten)
	}
	r.pushFromElsewhere(t, map[string]string{statePath: forgotten})

	// This run: dave invited, the cursor moved.
	ours, err := snstate.Decode([]byte(readFile(t, scratch)))
	if err != nil {
		t.Fatal(err)
	}
	ours.Org("trio").People[4] = person("dave", snstate.Invited, "2026-11-26T11:00:00Z")
	ours.Org("trio").Cursor, _ = time.Parse(time.RFC3339, "2026-11-26T11:00:00Z")
	saveState(t, filepath.Join(r.work, statePath), ours)

	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn))
	if res.code != 0 || !strings.Contains(res.stdout, "rebasing") {
		t.Fatalf("commit-state.sh did not merge and push: %v", res)
	}
	got, _ := r.remoteFile(t, statePath)
	merged, err := snstate.Decode([]byte(got))
	if err != nil {
		t.Fatalf("merged state unreadable: %v\n%s", err, got)
	}
	mo := merged.Orgs["trio"]
	if mo.People[1] == nil || mo.People[2] != nil || mo.People[4] == nil || mo.Cursor.Format(time.RFC3339) != "2026-11-26T11:00:00Z" {
		t.Errorf("merged state = %s, want alice and dave, bob forgotten, the run's cursor", got)
	}
}

// Without a binary to merge with, the push stops with one line saying so,
// and the state is kept as an artifact.
func TestCommitStateSaysWhenTheMergeCannotRun(t *testing.T) {
	r, rn := newRepo(t), newRunner(t)
	r.commitInWork(t, statePath, state("2026-11-26T10:00:00Z", alice))
	r.pushFromElsewhere(t, map[string]string{statePath: state("2026-11-26T10:00:00Z", "")})
	writeFile(t, filepath.Join(r.work, statePath), state("2026-11-26T11:00:00Z", aliceAndBob))
	res := runScript(t, r.work, "commit-state.sh", commitEnv(t, rn, "RUNNER_TEMP="+t.TempDir(),
		"SNEKOMATIC_BIN="+filepath.Join(t.TempDir(), "missing")))
	if res.code != 1 || !strings.Contains(res.stdout, "could not be merged") {
		t.Fatalf("want exit 1 saying the merge could not run: %v", res)
	}
}

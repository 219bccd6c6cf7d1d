package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/state"
)

// peopleWorld is a world after one run: alice invited, bob a member, dependabot skipped.
func peopleWorld(t *testing.T) (*world, *fakegithub.Account, *fakegithub.Account) {
	t.Helper()
	w := newWorld(t)
	alice, bob := w.gh.AddUser("alice"), w.gh.AddUser("bob")
	w.gh.SetMember("trio", bob.ID, "member")
	w.merged(t, alice, time.Hour)
	w.merged(t, bob, time.Hour)
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	return w, alice, bob
}

func TestStateShow(t *testing.T) {
	w, alice, bob := peopleWorld(t)
	before, _ := os.ReadFile(w.statePath)
	w.gh.ResetRequests()

	code, out, errOut := w.runCmd(t, "state", "show", "--state", w.statePath)
	mustCode(t, code, 0, out, errOut)
	for _, want := range []string{
		"trio: 2 people (cursor ",
		"  invited (1):", fmt.Sprintf("alice  %d", alice.ID), "trio/trio#1", "#issuecomment-",
		"  member (1):", fmt.Sprintf("bob  %d", bob.ID),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, " \n") {
		t.Errorf("trailing spaces:\n%q", out)
	}
	if strings.Index(out, "invited (1)") > strings.Index(out, "member (1)") {
		t.Errorf("invited should come before member:\n%s", out)
	}

	code, out, errOut = w.runCmd(t, "state", "show", "--state", w.statePath, "--org", "TRIO", "--output", "json")
	mustCode(t, code, 0, out, errOut)
	var doc ShownState
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Orgs) != 1 || doc.Orgs[0].Org != "trio" || len(doc.Orgs[0].People) != 2 || doc.Orgs[0].Cursor == nil {
		t.Fatalf("json = %+v", doc)
	}
	p := doc.Orgs[0].People[0]
	if p.ID != alice.ID || p.Status != state.Invited || p.PR == nil || p.CommentURL == "" || p.At.IsZero() {
		t.Errorf("first person = %+v", p)
	}

	code, out, _ = w.runCmd(t, "state", "show", "--state", w.statePath, "--org", "elsewhere")
	if code != 0 || !strings.Contains(out, "elsewhere: 0 people (no cursor yet)") {
		t.Errorf("an unknown org: exit %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(w.statePath); string(after) != string(before) || len(w.gh.Requests()) != 0 {
		t.Errorf("show must only read the state file")
	}
	if _, err := os.Stat(w.statePath + ".lock"); err == nil {
		// The run before created it; show must not need it, which the
		// next check proves by holding it.
		holder, _, err := state.Open(w.statePath)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		if code, _, errOut := w.runCmd(t, "state", "show", "--state", w.statePath); code != 0 {
			t.Errorf("show while a run holds the lock: exit %d %s", code, errOut)
		}
	}
}

func TestStateForget(t *testing.T) {
	w, alice, bob := peopleWorld(t)

	code, out, errOut := w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", "ALICE")
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(out, fmt.Sprintf("forgot alice (id %d, invited since", alice.ID)) {
		t.Errorf("output:\n%s", out)
	}
	st := loadState(t, w.statePath).Org("trio")
	if st.People[alice.ID] != nil || st.People[bob.ID] == nil {
		t.Fatalf("state after forgetting alice: %+v", st.People)
	}
	// Forgotten, she is asked again on her next merged pull request (she
	// declined the first invitation).
	w.gh.DeclineInvitation("trio", alice.ID)
	w.now = w.now.Add(2 * time.Hour)
	w.merged(t, alice, 10*time.Minute)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if n := len(w.gh.CreatedInvitations("trio")); n != 2 {
		t.Errorf("%d invitations, want alice invited again", n)
	}

	// By id; nothing changes unless everyone named is found.
	code, _, errOut = w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", fmt.Sprint(bob.ID), "nobody")
	if code != ExitError || !strings.Contains(errOut, `nobody with the login "nobody" is remembered in trio`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if loadState(t, w.statePath).Org("trio").People[bob.ID] == nil {
		t.Errorf("bob was forgotten although the command failed")
	}
	code, out, errOut = w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", fmt.Sprint(bob.ID))
	mustCode(t, code, 0, out, errOut)
	if loadState(t, w.statePath).Org("trio").People[bob.ID] != nil {
		t.Errorf("bob was not forgotten by id")
	}

	// A login that two ids once had must be told apart by id.
	if err := state.Save(w.statePath, func() *state.File {
		f := loadState(t, w.statePath)
		f.Org("trio").People[1] = &state.Person{Login: "same", Status: state.Member, At: w.now}
		f.Org("trio").People[2] = &state.Person{Login: "Same", Status: state.Member, At: w.now}
		return f
	}()); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", "same")
	if code != ExitError || !strings.Contains(errOut, "name one by id: [1 2]") {
		t.Errorf("ambiguous login: exit %d: %s", code, errOut)
	}
	code, _, errOut = w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", "424242")
	if code != ExitError || !strings.Contains(errOut, "nobody with user id 424242") {
		t.Errorf("unknown id: exit %d: %s", code, errOut)
	}

	// It takes the lock like a run.
	holder, _, err := state.Open(w.statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, _, errOut = w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", "1")
	if code != ExitError || !strings.Contains(errOut, "another snekomatic run") {
		t.Errorf("forget while locked: exit %d: %s", code, errOut)
	}
}

func TestStateAdopt(t *testing.T) {
	w := newWorld(t)
	past := w.gh.AddUsers("old-timer", "regular", "known")
	w.gh.AddPR(w.repo, past[0].ID, "x", w.now.Add(-300*24*time.Hour))
	w.gh.AddPR(w.repo, past[1].ID, "x", w.now.Add(-200*24*time.Hour))
	w.gh.AddPR(w.repo, past[1].ID, "x", w.now.Add(-100*24*time.Hour))
	w.gh.AddPR(w.repo, past[2].ID, "x", w.now.Add(-50*24*time.Hour))
	w.gh.AddPR(w.repo, w.gh.AddBot("dependabot[bot]").ID, "x", w.now.Add(-50*24*time.Hour))
	ancient := w.gh.AddUser("ancient")
	w.gh.AddPR(w.repo, ancient.ID, "x", w.now.Add(-800*24*time.Hour))
	// known is already queued: adoption leaves them be.
	f := state.New()
	f.Org("trio").People[past[2].ID] = &state.Person{Login: "known", Status: state.Queued, At: w.now.Add(-time.Hour),
		PR: &state.PRRef{Repo: "trio/trio", Number: 4}}
	if err := state.Save(w.statePath, f); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(w.statePath)

	code, out, errOut := w.runCmd(t, "state", "adopt", "--state", w.statePath, "--org", "trio", "--since", "365d", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(out, "trio: 5 merged pull requests") || !strings.Contains(out, "would adopt 2 people; 1 already remembered") ||
		!strings.Contains(out, "1 authors not people") || !strings.Contains(out, "Dry run") {
		t.Errorf("dry run output:\n%s", out)
	}
	if after, _ := os.ReadFile(w.statePath); string(after) != string(before) {
		t.Errorf("a dry run changed the state file")
	}

	code, out, errOut = w.runCmd(t, "state", "adopt", "--state", w.statePath, "--org", "trio", "--since", "365d", "--output", "json")
	mustCode(t, code, 0, out, errOut)
	var run AdoptRun
	if err := json.Unmarshal([]byte(out), &run); err != nil || len(run.Orgs) != 1 || len(run.Orgs[0].Adopted) != 2 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	st := loadState(t, w.statePath).Org("trio")
	for _, who := range past[:2] {
		if p := st.People[who.ID]; p == nil || p.Status != state.Adopted || p.PR == nil {
			t.Errorf("%s = %+v, want adopted", who.Login, p)
		}
	}
	if p := st.People[past[2].ID]; p.Status != state.Queued {
		t.Errorf("known was changed: %+v", p)
	}
	if st.People[ancient.ID] != nil || !st.Cursor.IsZero() {
		t.Errorf("adoption went before --since or moved the cursor: %+v", st)
	}
	if len(w.gh.CreatedInvitations("trio")) != 0 || len(w.gh.AllComments()) != 0 {
		t.Errorf("adoption must not invite or comment")
	}

	// The next run leaves the adopted alone.
	w.merged(t, past[1], time.Hour)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	for _, inv := range w.gh.CreatedInvitations("trio") {
		if inv.InviteeID == past[1].ID {
			t.Errorf("an adopted contributor was invited")
		}
	}
}

func TestStateCommandUsageErrors(t *testing.T) {
	w := newWorld(t)
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"state"}, "state needs a command"},
		{[]string{"state", "show", "--output", "yaml"}, `--output "yaml"`},
		{[]string{"state", "show", "--org", "bad org"}, `--org "bad org"`},
		{[]string{"state", "forget", "alice"}, "--org"},
		{[]string{"state", "forget", "--org", "trio"}, "requires at least 1 arg"},
		{[]string{"state", "adopt", "--org", "trio"}, "--since is required"},
		{[]string{"state", "adopt", "--since", "2025-01-01"}, "--org is required"},
		{[]string{"state", "adopt", "--org", "trio", "--since", "soon"}, `--since "soon"`},
	} {
		code, _, errOut := w.runCmd(t, tt.args...)
		if code != ExitUsage || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.wantErr)
		}
	}
}

// TestStateForgetSeveralOrgsAndDryRun: --org repeats, as in the other
// commands, and --dry-run says whom it would forget and changes nothing.
func TestStateForgetSeveralOrgsAndDryRun(t *testing.T) {
	w, alice, _ := peopleWorld(t)
	f := loadState(t, w.statePath)
	f.Org("labs").People[alice.ID] = &state.Person{Login: "alice", Status: state.Member, At: w.now}
	if err := state.Save(w.statePath, f); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(w.statePath)
	code, out, errOut := w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", "--org", "labs", "--dry-run", "alice")
	mustCode(t, code, 0, out, errOut)
	for _, want := range []string{"trio: would forget alice", "labs: would forget alice", "Dry run: the state file was not changed."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if after, _ := os.ReadFile(w.statePath); string(after) != string(before) {
		t.Errorf("the dry run changed the state file")
	}
	code, out, errOut = w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", "--org", "labs", "alice")
	mustCode(t, code, 0, out, errOut)
	st := loadState(t, w.statePath)
	if st.Org("trio").People[alice.ID] != nil || st.Org("labs").People[alice.ID] != nil {
		t.Errorf("alice is still remembered: %v %v", st.Org("trio").People, st.Org("labs").People)
	}
	// Someone remembered in neither: nothing changes, one line says so.
	code, _, errOut = w.runCmd(t, "state", "forget", "--state", w.statePath, "--org", "trio", "--org", "labs", "zed")
	if code != ExitError || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, `nobody with the login "zed" is remembered in trio, labs`) {
		t.Errorf("exit %d: %q", code, errOut)
	}
}

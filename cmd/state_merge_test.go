package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

func mergeFiles(t *testing.T, base, ours, theirs *state.File) (dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, f := range map[string]*state.File{"base": base, "ours": ours, "theirs": theirs} {
		if f == nil {
			continue
		}
		if err := state.Save(filepath.Join(dir, name), f); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runMerge(t *testing.T, dir string) (int, string) {
	t.Helper()
	d, _, errb := testDeps(nil)
	d.Now = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
	code := Main(context.Background(), []string{"state", "merge",
		filepath.Join(dir, "base"), filepath.Join(dir, "ours"), filepath.Join(dir, "theirs")}, d)
	return code, errb.String()
}

func onePerson(id int64, login string, s state.Status, at time.Time) *state.File {
	f := state.New()
	f.Org("trio").People[id] = &state.Person{Login: login, Status: s, At: at}
	return f
}

func TestStateMergeWritesTheMergeOverOurs(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	base := onePerson(1, "alice", state.Queued, at)
	ours := onePerson(1, "alice", state.Invited, at)
	theirs := onePerson(1, "alice", state.Queued, at.Add(time.Hour)) // a retry, behind ours
	theirs.Org("trio").People[2] = &state.Person{Login: "bob", Status: state.Invited, At: at}
	dir := mergeFiles(t, base, ours, theirs)
	if code, errs := runMerge(t, dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got, _, err := state.Load(filepath.Join(dir, "ours"))
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Orgs["trio"].People; p[1].Status != state.Invited || p[2] == nil {
		t.Errorf("merged %v: want alice invited and bob", p)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".ours.tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestStateMergeConflictExits1WithOneLineEach(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	base := onePerson(1, "alice", state.Invited, at)
	ours := onePerson(1, "alice", state.Invited, at)
	ours.Org("trio").People[1].CommentURL = "https://github.com/trio/trio/pull/1#issuecomment-1"
	dir := mergeFiles(t, base, ours, state.New())
	code, errs := runMerge(t, dir)
	if code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, `organization "trio", person 1`) {
		t.Fatalf("exit %d, stderr %q: want 1 and one line naming the record", code, errs)
	}
}

func TestStateMergeBadInputLeavesOursAlone(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	dir := mergeFiles(t, onePerson(1, "a", state.Queued, at), onePerson(1, "a", state.Invited, at), nil)
	os.WriteFile(filepath.Join(dir, "theirs"), []byte(`{"version":2,"orgs":{`), 0o644)
	before, _ := os.ReadFile(filepath.Join(dir, "ours"))
	code, errs := runMerge(t, dir)
	if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "theirs") {
		t.Fatalf("exit %d, stderr %q: want 2 and one line naming the file", code, errs)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "ours")); string(after) != string(before) {
		t.Errorf("OURS was changed")
	}
}

// git gives an empty base when both sides added the file.
func TestStateMergeEmptyBase(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	dir := mergeFiles(t, nil, onePerson(1, "a", state.Invited, at), onePerson(2, "b", state.Invited, at))
	os.WriteFile(filepath.Join(dir, "base"), nil, 0o644)
	if code, errs := runMerge(t, dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got, _, _ := state.Load(filepath.Join(dir, "ours"))
	if len(got.Orgs["trio"].People) != 2 {
		t.Errorf("merged %v, want both", got.Orgs["trio"].People)
	}
}

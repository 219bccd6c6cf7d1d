package cmd

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/state"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A dry run takes no lock and creates nothing: no .lock file, no journal,
// no state file; and a run holding the lock does not stop it.
func TestDryRunTakesNoLockAndCreatesNothing(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	dir := filepath.Dir(w.statePath)
	code, out, errOut := w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("a dry run created %v", names)
	}
	// While another run holds the file, a dry run still reads it.
	holder, _, err := state.Open(w.statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, out, errOut = w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(out, "alice") {
		t.Errorf("dry run report lacks alice:\n%s", out)
	}
}

// A run leaves the state file and its lock, no journal; a no-op run writes
// the file once (the cursor), and a run that changes nothing at all does
// not write it.
func TestRunFoldsTheJournalIntoOneWrite(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	base := filepath.Base(w.statePath)
	if names := dirNames(t, filepath.Dir(w.statePath)); !slices.Equal(names, []string{base, base + ".lock"}) {
		t.Errorf("after a run the directory holds %v", names)
	}
	data, _ := os.ReadFile(w.statePath)
	if !strings.HasPrefix(string(data), `{"version":2,`) || !strings.Contains(string(data), `"l":"alice","s":"invited"`) {
		t.Errorf("state file:\n%s", data)
	}
	// Same time again: the cursor does not move, nothing changes, nothing
	// is written.
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(w.statePath, old, old)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if fi, _ := os.Stat(w.statePath); !fi.ModTime().Equal(old) {
		t.Errorf("a run that changed nothing rewrote the state file")
	}
	w.now = w.now.Add(time.Hour)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if fi, _ := os.Stat(w.statePath); fi.ModTime().Equal(old) {
		t.Errorf("the cursor was not saved")
	}
	if got := loadState(t, w.statePath).Org("trio").Cursor; !got.Equal(w.now.Truncate(time.Second)) {
		t.Errorf("cursor = %v, want %v", got, w.now)
	}
}

// A version 1 state file is read by a dry run and by state show without
// being changed, and rewritten as version 2 by the first run that writes.
func TestVersion1StateIsMigratedByTheFirstRealRun(t *testing.T) {
	w := newWorld(t)
	bob := w.gh.AddUser("bob")
	w.merged(t, bob, time.Hour)
	v1 := `{"version": 1, "orgs": {"trio": {"people": {"` + itoa(bob.ID) + `": {"login": "bob", "status": "invited", "at": "2026-01-01T00:00:00Z",
  "pr": {"repo": "trio/trio", "number": 1, "url": "https://github.com/trio/trio/pull/1"}, "comment_url": "https://github.com/trio/trio/pull/1#issuecomment-5"}}}}}
`
	os.WriteFile(w.statePath, []byte(v1), 0o644)
	code, out, errOut := w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	d, sout, serr := testDeps(nil)
	if code := Main(t.Context(), []string{"state", "show", "--state", w.statePath}, d); code != 0 || !strings.Contains(sout.String(), "bob") {
		t.Fatalf("state show on version 1: exit %d\n%s\n%s", code, sout, serr)
	}
	if now, _ := os.ReadFile(w.statePath); string(now) != v1 {
		t.Fatalf("a dry run or state show changed the version 1 file")
	}
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	now, _ := os.ReadFile(w.statePath)
	want := `{"id":` + itoa(bob.ID) + `,"l":"bob","s":"invited","at":"2026-01-01T00:00:00Z","pr":"trio/trio#1","c":5}`
	if !strings.HasPrefix(string(now), `{"version":2,`) || !strings.Contains(string(now), want) {
		t.Errorf("not migrated; want a line %s in:\n%s", want, now)
	}
	if n := len(w.gh.CreatedInvitations("trio")); n != 0 {
		t.Errorf("bob, invited in version 1, was invited again")
	}
}

// A state file reached through a symbolic link is replaced where it lives;
// the link stays a link.
func TestStateThroughASymlink(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	real := w.statePath
	link := filepath.Join(t.TempDir(), "link.json")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	w.statePath = link
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if f := loadState(t, real); len(f.Org("trio").People) != 1 {
		t.Errorf("the real file does not hold alice")
	}
	holder, _, err := state.Open(real)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, _, errOut = w.run(t, "--org", "trio")
	if code != ExitError || !strings.Contains(errOut, "another snekomatic run") {
		t.Errorf("a run through the link while the file is held: exit %d, %s", code, errOut)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A killed run's journal is folded into the state file by state fold (the
// Action does this before committing or caching the file alone).
func TestStateFoldAppliesALeftoverJournal(t *testing.T) {
	w := newWorld(t)
	st, _, err := state.Open(w.statePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Update("trio", func(e *state.Edit) {
		e.Put(7, &state.Person{Login: "seven", Status: state.Inviting, At: w.now})
	}); err != nil {
		t.Fatal(err)
	}
	st.Close() // killed before the end of the run
	if _, err := os.Stat(w.statePath + ".journal"); err != nil {
		t.Fatal(err)
	}
	d, out, errb := testDeps(nil)
	if code := Main(t.Context(), []string{"state", "fold", "--state", w.statePath}, d); code != 0 {
		t.Fatalf("state fold: exit %d\n%s\n%s", code, out, errb)
	}
	data, err := os.ReadFile(w.statePath)
	if err != nil || !strings.Contains(string(data), `{"id":7,"l":"seven","s":"inviting"`) {
		t.Fatalf("the journal was not folded in (%v):\n%s", err, data)
	}
	if _, err := os.Stat(w.statePath + ".journal"); !os.IsNotExist(err) {
		t.Errorf("the journal is still there")
	}
}

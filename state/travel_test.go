package state

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A run is killed with bob queued; its state and journal are copied to a
// second machine. The first machine recovers, invites bob (who declines:
// he stays invited), and commits. The second machine then receives that
// newer state file with the old journal beside it: the journal is merged,
// not replayed, and bob is not queued again.
func TestJournalIsNotReplayedOverANewerStateFile(t *testing.T) {
	one, two := filepath.Join(t.TempDir(), "state.json"), filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, one)
	if err := s.Update("o", put(1, "alice", Invited)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("o", func(e *Edit) {
		e.Put(2, &Person{Login: "bob", Status: Queued, At: t0})
		e.Put(3, &Person{Login: "carol", Status: Queued, At: t0})
	}); err != nil {
		t.Fatal(err)
	}
	s.Close() // killed
	copyFile(t, one, two)
	copyFile(t, one+".journal", two+".journal")

	s1 := mustOpen(t, one)
	if err := s1.Update("o", put(2, "bob", Invited)); err != nil {
		t.Fatal(err)
	}
	if err := s1.Commit(); err != nil {
		t.Fatal(err)
	}
	s1.Close()
	copyFile(t, one, two) // git pull, or a cache restore

	s2 := mustOpen(t, two)
	o := s2.Org("o")
	if p := o.People[2]; p == nil || p.Status != Invited {
		t.Errorf("bob = %+v, want invited (the journal's queued is behind)", p)
	}
	if p := o.People[3]; p == nil || p.Status != Queued {
		t.Errorf("carol = %+v, want the journal's queued (the file has none)", p)
	}
	if w := s2.Warnings(); len(w) != 1 || !strings.Contains(w[0], "merged, not replayed") || strings.Contains(w[0], "\n") {
		t.Errorf("warnings %q, want one line saying the journal was merged", w)
	}
	// The journal now names the file it applies to: a second open replays
	// it plainly, without a warning.
	if err := s2.Commit(); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	s3 := mustOpen(t, two)
	if w := s3.Warnings(); len(w) != 0 {
		t.Errorf("warnings after the merge was committed: %q", w)
	}
}

// A journal of an older version (no header) is replayed as before.
func TestHeaderlessJournalIsReplayed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	os.WriteFile(path+".journal", []byte(`{"org":"o","p":{"id":7,"l":"seven","s":"inviting","at":"2026-11-01T00:00:00Z"}}`+"\n"), 0o644)
	s := mustOpen(t, path)
	if p := s.Org("o").People[7]; p == nil || p.Status != Inviting {
		t.Errorf("not replayed: %+v", p)
	}
	if lines, _ := os.ReadFile(path + ".journal"); !strings.HasPrefix(string(lines), `{"base":"","writer":`) {
		t.Errorf("the adopted journal does not name its writer:\n%s", lines)
	}
}

// A stale journal's forget applies only when the file still holds the
// very record the run forgot.
func TestStaleForgetNeedsTheSameRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f := New()
	f.Org("o").People[1] = pp("a", Invited, 0)
	f.Org("o").People[2] = pp("b", Invited, 0)
	Save(path, f)
	s := mustOpen(t, path)
	s.Update("o", func(e *Edit) { e.Forget(1); e.Forget(2) })
	s.Close()
	f.Org("o").People[2] = pp("b", Invited, time.Hour) // changed meanwhile
	f.Org("o").Cursor = t0
	Save(path, f)
	s2 := mustOpen(t, path)
	if o := s2.Org("o"); o.People[1] != nil || o.People[2] == nil {
		t.Errorf("people %v: want a forgotten, b (changed since) kept", o.People)
	}
}

func writeJournalOf(t *testing.T, path string, w Writer) {
	t.Helper()
	b := appendWriter([]byte(`{"base":"","writer":`), w)
	b = append(b, "}\n"...)
	b = append(b, `{"org":"o","p":{"id":7,"l":"seven","s":"inviting","at":"2026-11-01T00:00:00Z"}}`+"\n"...)
	if err := os.WriteFile(path+".journal", b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Someone removed the .lock of a live run: its journal is not replayed as
// a crash by the next run, which refuses in one line naming the writer.
// Once the writer (a real process here) has ended, it is.
func TestLiveRunsJournalIsNotReplayed(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command")
	}
	child := exec.Command(sleep, "60")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	path := filepath.Join(t.TempDir(), "state.json")
	w := Writer{Host: self.Host, PID: child.Process.Pid, Start: t0}
	writeJournalOf(t, path, w)
	before, _ := os.ReadFile(path + ".journal")

	_, _, err = Open(path)
	if !errors.Is(err, ErrLiveJournal) || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), w.String()) {
		t.Fatalf("Open = %v, want one line naming %s", err, w)
	}
	if after, _ := os.ReadFile(path + ".journal"); string(after) != string(before) {
		t.Errorf("the live run's journal was changed")
	}
	// A dry run only reads.
	if _, _, err := OpenReadOnly(path); err != nil {
		t.Errorf("OpenReadOnly: %v", err)
	}
	child.Process.Kill()
	child.Wait()
	s := mustOpen(t, path)
	if s.Org("o").People[7] == nil {
		t.Errorf("the ended run's journal was not replayed")
	}
}

// A writer on another host is taken as live, unless the lock this run now
// holds was last held by it.
func TestOtherHostsJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	w := Writer{Host: self.Host + "-elsewhere", PID: 4242, Start: t0}
	writeJournalOf(t, path, w)
	if _, _, err := Open(path); !errors.Is(err, ErrLiveJournal) || !strings.Contains(err.Error(), ".lock") {
		t.Fatalf("Open = %v, want a live writer", err)
	}
	os.WriteFile(path+".lock", append(appendWriter(nil, w), '\n'), 0o644)
	s := mustOpen(t, path)
	if s.Org("o").People[7] == nil {
		t.Errorf("not replayed although the lock was its")
	}
	if data, _ := os.ReadFile(path + ".lock"); !strings.Contains(string(data), self.Host) || strings.Contains(string(data), "elsewhere") {
		t.Errorf("the lock file does not name its holder: %s", data)
	}
}

func TestHardLinkedStateFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	Save(path, sample())
	if err := os.Link(path, filepath.Join(dir, "other.json")); err != nil {
		t.Skip("no hard links here:", err)
	}
	_, _, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "2 hard links") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Open = %v, want one line about the hard links", err)
	}
}

// A write killed between creating its temporary file and renaming it
// leaves the temporary file; the next run that holds the lock removes it.
func TestTemporaryFilesOfAKilledWriteAreRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	left := []string{filepath.Join(dir, ".state.json.tmp-123"), filepath.Join(dir, ".state.json.journal.tmp-9")}
	other := filepath.Join(dir, ".other.json.tmp-1")
	for _, n := range append(left, other) {
		os.WriteFile(n, []byte("{"), 0o644)
	}
	ro, _, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if _, err := os.Stat(left[0]); err != nil {
		t.Errorf("a read-only open removed a file: %v", err)
	}
	mustOpen(t, path)
	for _, n := range left {
		if _, err := os.Stat(n); !os.IsNotExist(err) {
			t.Errorf("%s is still there", n)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temporary was removed")
	}
}

// Times a clock that ran ahead recorded would hold back every request
// until then; they are dropped with a warning.
func TestFutureSentTimesAreDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f := New()
	o := f.Org("o")
	o.ContentRequests = []time.Time{t0.Add(-time.Minute), t0.Add(30 * time.Second), t0.Add(2 * time.Hour)}
	o.ContentRequestsBy = map[string][]time.Time{"token": {t0, t0.Add(time.Hour)}, "installation:1": {t0.Add(3 * time.Hour)}}
	Save(path, f)
	s := mustOpen(t, path)
	s.DropFutureSent(t0)
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0], "3 times") {
		t.Errorf("warnings %q, want one saying 3 times were dropped", w)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	g, _, _ := Load(path)
	if got := g.Orgs["o"]; len(got.ContentRequests) != 2 || len(got.ContentRequestsBy) != 1 || len(got.ContentRequestsBy["token"]) != 1 {
		t.Errorf("sent %v, sent_by %v: want the future ones gone", got.ContentRequests, got.ContentRequestsBy)
	}
}

package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func put(id int64, login string, s Status) func(e *Edit) {
	return func(e *Edit) { e.Put(id, &Person{Login: login, Status: s, At: t0}) }
}

func mustOpen(t *testing.T, path string) *Store {
	t.Helper()
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	// The header (which file the journal applies to, and who writes it)
	// is tested on its own.
	if len(lines) > 0 && strings.HasPrefix(lines[0], `{"base":`) {
		lines = lines[1:]
	}
	return lines
}

func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Open(path)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	// A read-only open (a dry run) is not blocked.
	if _, _, err := OpenReadOnly(path); err != nil {
		t.Errorf("OpenReadOnly while locked: %v", err)
	}
	a.Close()
	b, _, err := Open(path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	b.Close()
}

// An Update writes only the people it changed, to the journal, and leaves
// the state file alone; Commit folds the journal in once and removes it.
func TestUpdateAppendsToTheJournalAndCommitFolds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := Save(path, sample()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	s := mustOpen(t, path)
	if err := s.Update("python-trio", func(e *Edit) {
		e.Put(1, &Person{Login: "a", Status: Inviting, At: t0})
		e.Put(2, &Person{Login: "b", Status: Inviting, At: t0})
		e.Put(9, &Person{Login: "nine", Status: Member, At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}) // unchanged
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("python-trio", func(e *Edit) {
		p := e.Person(1)
		p.Status = Invited
		e.Put(1, p)
		e.Forget(100)
		e.SetCursor(t0.Add(time.Hour))
	}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("Update rewrote the state file")
	}
	lines := readLines(t, path+".journal")
	want := []string{
		`{"org":"python-trio","p":{"id":1,"l":"a","s":"inviting","at":"2026-11-01T00:00:00Z"}}`,
		`{"org":"python-trio","p":{"id":2,"l":"b","s":"inviting","at":"2026-11-01T00:00:00Z"}}`,
		`{"org":"python-trio","p":{"id":1,"l":"a","s":"invited","at":"2026-11-01T00:00:00Z"}}`,
		`{"org":"python-trio","forget":100,"was":{"id":100,"l":"hundred","s":"queued","at":"2026-11-03T00:00:00Z","pr":"python-trio/trio#43","r":"a \"quoted\" \u003creason\u003e"}}`,
		`{"org":"python-trio","cursor":"2026-11-01T01:00:00Z"}`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("journal:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".journal"); !os.IsNotExist(err) {
		t.Errorf("the journal is still there after Commit: %v", err)
	}
	f, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o := f.Org("python-trio")
	if o.People[1].Status != Invited || o.People[2].Status != Inviting || o.People[100] != nil || !o.Cursor.Equal(t0.Add(time.Hour)) {
		t.Errorf("committed state is wrong: %+v %+v %+v %v", o.People[1], o.People[2], o.People[100], o.Cursor)
	}
	// Nothing more changed: a second Commit writes nothing.
	info, _ := os.Stat(path)
	os.Chtimes(path, t0, t0)
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.Stat(path); !again.ModTime().Equal(t0) || again.Size() != info.Size() {
		t.Errorf("a Commit with nothing new rewrote the file")
	}
}

// A run killed before Commit leaves its journal; the next run (and a
// read-only look) sees everything the journal announced.
func TestJournalIsReplayedAfterACrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update("o", put(7, "seven", Inviting)); err != nil {
		t.Fatal(err)
	}
	s.Close() // died before Commit
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the state file was written before Commit")
	}
	// A torn last line, as a process killed in mid-write leaves.
	jf, _ := os.OpenFile(path+".journal", os.O_APPEND|os.O_WRONLY, 0)
	jf.WriteString(`{"org":"o","p":{"id":8,"l":"eig`)
	jf.Close()

	ro, fresh, err := OpenReadOnly(path)
	if err != nil || fresh {
		t.Fatalf("read-only open: fresh=%v err=%v", fresh, err)
	}
	if p := ro.Org("o").People[7]; p == nil || p.Status != Inviting {
		t.Errorf("read-only open did not replay the journal: %+v", p)
	}
	if ro.Org("o").People[8] != nil {
		t.Errorf("a torn line was replayed")
	}

	s2, fresh, err := Open(path)
	if err != nil || fresh {
		t.Fatalf("Open after a crash: fresh=%v err=%v", fresh, err)
	}
	defer s2.Close()
	if err := s2.Update("o", put(9, "nine", Member)); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path+".journal")
	if len(lines) != 2 || strings.Contains(lines[1], "eig") {
		t.Errorf("the torn line was not cut before appending:\n%s", strings.Join(lines, "\n"))
	}
	if err := s2.Commit(); err != nil {
		t.Fatal(err)
	}
	f, _, _ := Load(path)
	if f.Org("o").People[7] == nil || f.Org("o").People[9] == nil {
		t.Errorf("the replayed and the new change must both be committed: %+v", f.Org("o").People)
	}
}

// A journal left by a run that died after writing the file but before
// removing the journal is replayed onto the file it already is in: nothing
// changes.
func TestReplayingACommittedJournalChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	s.Update("o", put(7, "seven", Invited))
	s.Update("o", func(e *Edit) { e.SetCursor(t0) })
	journal, _ := os.ReadFile(path + ".journal")
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	committed, _ := os.ReadFile(path)
	os.WriteFile(path+".journal", journal, 0o644)
	s2 := mustOpen(t, path)
	if err := s2.Commit(); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(path); string(now) != string(committed) {
		t.Errorf("replaying a committed journal changed the file:\n%s\n%s", committed, now)
	}
}

func TestBadJournalIsRefusedWithItsLine(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":   "{\"org\":\"o\",\"cursor\":\"2026-01-01T00:00:00Z\"}\nnot json\n",
		"two kinds": `{"org":"o","forget":3,"cursor":"2026-01-01T00:00:00Z"}` + "\n",
		"bad org":   `{"org":"O","forget":3}` + "\n",
		"id 0":      `{"org":"o","p":{"id":0,"l":"x","s":"member","at":"2026-01-01T00:00:00Z"}}` + "\n",
		"unknown":   `{"org":"o","forget":3,"extra":1}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			os.WriteFile(path+".journal", []byte(content), 0o644)
			_, _, err := Open(path)
			if err == nil || !strings.Contains(err.Error(), path+".journal") || !strings.Contains(err.Error(), "line ") ||
				strings.Contains(err.Error(), "\n") {
				t.Fatalf("error = %v, want one line naming the journal and the line", err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a state file was created")
			}
			if after, _ := os.ReadFile(path + ".journal"); string(after) != content {
				t.Errorf("the journal was modified")
			}
		})
	}
}

func TestCommitDetectsConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	if err := s.Update("o", put(1, "a", Invited)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	// Someone else rewrites the file behind the store's back.
	other := New()
	other.Org("o").People[2] = &Person{Login: "b", Status: Member, At: t0}
	if err := Save(path, other); err != nil {
		t.Fatal(err)
	}
	theirs, _ := os.ReadFile(path)
	if err := s.Update("o", put(3, "c", Inviting)); err != nil {
		t.Fatal(err)
	}
	err := s.Commit()
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("Commit over a changed file: error = %v, want ErrConflict", err)
	}
	if now, _ := os.ReadFile(path); string(now) != string(theirs) {
		t.Errorf("the other writer's file was overwritten")
	}
	s.Close()
	// What this run announced is not lost: the next run applies it onto
	// the other writer's file.
	f, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Org("o").People[2] == nil || f.Org("o").People[3] == nil || f.Org("o").People[3].Status != Inviting {
		t.Errorf("after a conflict the next run should see both: %+v", f.Org("o").People)
	}
}

// A failed write leaves nothing behind, in memory or in the journal.
func TestFailedUpdateIsRolledBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	if err := s.Update("o", put(1, "a", Queued)); err != nil {
		t.Fatal(err)
	}
	disk := errors.New("disk full")
	s.InjectFault(func(org string) error {
		if org == "o" {
			return disk
		}
		return nil
	})
	err := s.Update("o", func(e *Edit) {
		e.Put(1, &Person{Login: "a", Status: Inviting, At: t0})
		e.Put(2, &Person{Login: "b", Status: Inviting, At: t0})
		e.SetCursor(t0)
	})
	if !errors.Is(err, disk) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Update error = %v, want the fault, naming the file", err)
	}
	o := s.Org("o")
	if o.People[1].Status != Queued || o.People[2] != nil || !o.Cursor.IsZero() {
		t.Errorf("a failed Update stayed in memory: %+v %+v %v", o.People[1], o.People[2], o.Cursor)
	}
	if lines := readLines(t, path+".journal"); len(lines) != 1 {
		t.Errorf("a failed Update reached the journal: %q", lines)
	}
	// Other organizations still write.
	if err := s.Update("p", put(3, "c", Member)); err != nil {
		t.Fatal(err)
	}
}

// A person the file could not hold is refused before anything is written.
func TestUpdateRefusesAPersonWithoutAnID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	err := s.Update("o", put(0, "ghost", Invited))
	if err == nil || !strings.Contains(err.Error(), "not a GitHub user id") {
		t.Fatalf("error = %v", err)
	}
	if s.Org("o").People[0] != nil {
		t.Errorf("kept in memory")
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a file was written")
	}
}

func TestReadOnlyStoreNeverWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, _, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update("o", func(o *Edit) { o.SetCursor(t0) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Errorf("a read-only store created files: %v", entries)
	}
}

// A version 1 file stays as it is until a run writes; that run writes
// version 2.
func TestVersion1IsMigratedByTheFirstWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	v1 := `{"version": 1, "orgs": {"o": {"people": {"5": {"login": "x", "status": "member", "at": "2026-01-01T00:00:00Z"}}}}}`
	os.WriteFile(path, []byte(v1), 0o644)
	ro, _, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	ro.Update("o", func(e *Edit) { e.SetCursor(t0) })
	ro.Commit()
	s := mustOpen(t, path)
	if err := s.Commit(); err != nil { // nothing changed
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(path); string(now) != v1 {
		t.Fatalf("a run that changed nothing rewrote the file")
	}
	s.Update("o", func(e *Edit) { e.SetCursor(t0) })
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	now, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(now), `{"version":2,`) || !strings.Contains(string(now), `{"id":5,"l":"x","s":"member"`) {
		t.Errorf("not migrated:\n%s", now)
	}
}

// The state file reached through a symbolic link: the lock and the
// replacement are on the real file, the link stays a link, and a run
// through the link and one on the file exclude each other.
func TestSymlinkedStateFile(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "sub", "link.json")
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	if err := os.Symlink("../real.json", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	// The target does not exist yet: the first run creates it.
	a, _, err := Open(link)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(real); !errors.Is(err, ErrLocked) {
		t.Fatalf("Open(real) while a run holds the link: error = %v, want ErrLocked", err)
	}
	if err := a.Update("o", put(1, "a", Invited)); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a link: %v %v", fi, err)
	}
	if f, _, err := Load(real); err != nil || f.Org("o").People[1] == nil {
		t.Fatalf("the real file does not hold the change: %v", err)
	}
	b, _, err := Open(real)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(link); !errors.Is(err, ErrLocked) {
		t.Fatalf("Open(link) while a run holds the file: error = %v, want ErrLocked", err)
	}
	b.Close()
	if _, err := os.Stat(link + ".lock"); !os.IsNotExist(err) {
		t.Errorf("a lock file was made beside the link")
	}
}

func TestSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.Symlink(b, a); err != nil {
		t.Skip(err)
	}
	os.Symlink(a, b)
	if _, _, err := Open(a); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Fatalf("error = %v", err)
	}
}

// InvitationsSince counts invitations by the time their status was set.
func TestSentSince(t *testing.T) {
	o := &Org{People: map[int64]*Person{
		1: {Status: Invited, At: t0},
		2: {Status: Invited, At: t0.Add(-time.Second)},
		3: {Status: Member, At: t0.Add(time.Hour)},
		4: {Status: Invited, At: t0.Add(time.Hour)},
	}}
	if n := o.InvitationsSince(t0); n != 2 {
		t.Errorf("InvitationsSince = %d, want 2", n)
	}
}

// What Org and Edit.Person return are copies: changing them changes
// nothing stored, and nothing reaches the journal without Put.
func TestReadsAreCopies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	if err := s.Update("o", func(e *Edit) {
		e.Put(1, &Person{Login: "a", Status: Queued, At: t0, PR: &PRRef{Repo: "o/r", Number: 1}})
	}); err != nil {
		t.Fatal(err)
	}
	o := s.Org("o")
	o.People[1].Login = "changed"
	o.People[1].PR.Number = 99
	o.People[2] = &Person{Login: "b", Status: Member}
	if err := s.Update("o", func(e *Edit) {
		p := e.Person(1)
		p.Status = Invited
		p.PR.Number = 98
	}); err != nil {
		t.Fatal(err)
	}
	got := s.Org("o")
	if p := got.People[1]; p.Login != "a" || p.Status != Queued || p.PR.Number != 1 || len(got.People) != 1 {
		t.Errorf("a change to a copy reached the store: %+v %+v (%d people)", p, p.PR, len(got.People))
	}
	if lines := readLines(t, path+".journal"); len(lines) != 1 {
		t.Errorf("journal: %q", lines)
	}
	// A person put and changed afterwards by the caller stays as put.
	p := &Person{Login: "c", Status: Member, At: t0}
	s.Update("o", func(e *Edit) { e.Put(3, p) })
	p.Login = "later"
	if s.Org("o").People[3].Login != "c" {
		t.Errorf("Put kept the caller's pointer")
	}
}

// Organizations update the store from their own goroutines; one Commit
// writes them all.
func TestConcurrentOrganizationsShareOneCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	var wg sync.WaitGroup
	for o := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			org := fmt.Sprintf("org%d", o)
			for i := range 20 {
				if err := s.Update(org, put(int64(i+1), "p", Invited)); err != nil {
					t.Error(err)
				}
			}
			s.Update(org, func(e *Edit) { e.SetCursor(t0) })
		}()
	}
	wg.Wait()
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	f, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for o := range 8 {
		org := f.Org(fmt.Sprintf("org%d", o))
		if len(org.People) != 20 || !org.Cursor.Equal(t0) {
			t.Errorf("org%d: %d people, cursor %v", o, len(org.People), org.Cursor)
		}
	}
}

package state

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

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

func TestUpdateSavesAndDetectsConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, fresh, err := Open(path)
	if err != nil || !fresh {
		t.Fatal(fresh, err)
	}
	defer s.Close()
	if err := s.Update("o", func(o *Org) { o.People[1] = &Person{Login: "a", Status: Invited, At: t0} }); err != nil {
		t.Fatal(err)
	}
	f, _, err := Load(path)
	if err != nil || f.Org("o").People[1] == nil {
		t.Fatalf("Update did not reach the disk: %v", err)
	}
	// Someone else rewrites the file behind the store's back.
	other := New()
	other.Org("o").People[2] = &Person{Login: "b", Status: Member, At: t0}
	if err := Save(path, other); err != nil {
		t.Fatal(err)
	}
	theirs, _ := os.ReadFile(path)
	err = s.Update("o", func(o *Org) { o.People[3] = &Person{Login: "c", Status: Invited, At: t0} })
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("Update over a changed file: error = %v, want ErrConflict", err)
	}
	if now, _ := os.ReadFile(path); string(now) != string(theirs) {
		t.Errorf("the other writer's file was overwritten")
	}
	if s.Org("o").People[3] != nil {
		t.Errorf("a failed Update stayed in memory")
	}
}

func TestReadOnlyStoreNeverWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, _, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update("o", func(o *Org) { o.Cursor = t0 }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("read-only store created the file")
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Errorf("read-only store created a lock file")
	}
}

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

package state

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"sync"
	"time"
)

// ErrLocked means another run holds the state file.
var ErrLocked = errors.New("another snekomatic run is using this state file (it holds the .lock file beside it); wait for it to finish")

// ErrConflict means the file changed on disk after this run read it.
var ErrConflict = errors.New("the file was changed by someone else during this run; nothing was overwritten, run again")

// Store is the state of one run: the decoded file plus the path it is saved
// to. Every change goes through Update, which applies it and writes the file
// before returning, so progress survives a crash at any later moment. It is
// safe for concurrent use by the goroutines of different organizations.
type Store struct {
	mu       sync.Mutex
	path     string
	file     *File
	readOnly bool
	// onDisk is what this store last read from or wrote to path (nil: no
	// file). A save first checks that the file still holds exactly this,
	// so that a concurrent writer is detected, never overwritten.
	onDisk  []byte
	release func()
}

// Open locks and loads the state file at path (see Load) for a run that will
// change it. fresh reports that there was no file yet. A second Open of the
// same path while the first is not closed fails at once with ErrLocked.
// Close releases the lock.
func Open(path string) (s *Store, fresh bool, err error) {
	release, err := lockFile(path)
	if err != nil {
		return nil, false, &Error{Path: path, Err: err}
	}
	s, fresh, err = OpenReadOnly(path)
	if err != nil {
		release()
		return nil, false, err
	}
	s.readOnly, s.release = false, release
	return s, fresh, nil
}

// OpenReadOnly loads the state file without locking it or ever writing it:
// for dry runs and for showing the state.
func OpenReadOnly(path string) (s *Store, fresh bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, false, &Error{Path: path, Err: unwrapPathError(err)}
	}
	f, fresh, err := Load(path)
	if err != nil {
		return nil, false, err
	}
	if fresh {
		data = nil
	}
	return &Store{path: path, file: f, onDisk: data, readOnly: true}, fresh, nil
}

// Close releases the lock taken by Open.
func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.release != nil {
		s.release()
		s.release = nil
	}
}

// NewMemoryStore returns a store that never touches the disk.
func NewMemoryStore(f *File) *Store {
	if f == nil {
		f = New()
	}
	return &Store{file: f, readOnly: true}
}

// Path is the file the store saves to.
func (s *Store) Path() string { return s.path }

// Org returns a deep copy of what is remembered about org.
func (s *Store) Org(org string) Org {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.Org(org).clone()
}

// Update applies fn to org's record and saves the whole file. If saving
// fails the change is rolled back in memory too, so memory never claims more
// than the disk holds.
func (s *Store) Update(org string, fn func(o *Org)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.file.Org(org)
	before := o.clone()
	fn(o)
	if s.readOnly {
		return nil
	}
	if err := s.save(); err != nil {
		*o = before
		return err
	}
	return nil
}

func (s *Store) save() error {
	current, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		current, err = nil, nil
	}
	if err != nil {
		return &Error{Path: s.path, Err: unwrapPathError(err)}
	}
	if !bytes.Equal(current, s.onDisk) {
		return &Error{Path: s.path, Err: ErrConflict}
	}
	data, err := Encode(s.file)
	if err != nil {
		return &Error{Path: s.path, Err: err}
	}
	if err := writeAtomic(s.path, data); err != nil {
		return &Error{Path: s.path, Err: err}
	}
	s.onDisk = data
	return nil
}

// Snapshot returns a deep copy of the whole file.
func (s *Store) Snapshot() *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &File{Version: s.file.Version, Orgs: make(map[string]*Org, len(s.file.Orgs))}
	for k, o := range s.file.Orgs {
		oc := o.clone()
		c.Orgs[k] = &oc
	}
	return c
}

func (o *Org) clone() Org {
	c := Org{Cursor: o.Cursor, People: make(map[int64]*Person, len(o.People))}
	for id, p := range o.People {
		pc := *p
		if p.PR != nil {
			pr := *p.PR
			pc.PR = &pr
		}
		c.People[id] = &pc
	}
	return c
}

// SentSince counts the invitations snekomatic sent in this organization at
// or after t, for staying under GitHub's daily invitation cap.
func (o *Org) SentSince(t time.Time) int {
	n := 0
	for _, p := range o.People {
		if p.Status == Invited && !p.At.Before(t) {
			n++
		}
	}
	return n
}

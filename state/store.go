package state

import (
	"sync"
	"time"
)

// Store is the state of one run: the decoded file plus the path it is saved
// to. Every change goes through Update, which applies it and writes the file
// before returning, so progress survives a crash at any later moment. It is
// safe for concurrent use by the goroutines of different organizations.
type Store struct {
	mu       sync.Mutex
	path     string
	file     *File
	readOnly bool
}

// Open loads the state file at path (see Load). fresh reports that there was
// no file yet.
func Open(path string) (s *Store, fresh bool, err error) {
	f, fresh, err := Load(path)
	if err != nil {
		return nil, false, err
	}
	return &Store{path: path, file: f}, fresh, nil
}

// NewMemoryStore returns a store that never touches the disk.
func NewMemoryStore(f *File) *Store {
	if f == nil {
		f = New()
	}
	return &Store{file: f, readOnly: true}
}

// ReadOnly makes every later Update change memory only, never the file: the
// guarantee behind a dry run, independent of whether the caller remembers
// not to call Update.
func (s *Store) ReadOnly() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readOnly = true
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
	if err := Save(s.path, s.file); err != nil {
		*o = before
		return err
	}
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

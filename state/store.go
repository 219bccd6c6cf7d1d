package state

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// ErrLocked means another run holds the state file.
var ErrLocked = errors.New("another snekomatic run is using this state file (it holds the .lock file beside it); wait for it to finish")

// ErrConflict means the file changed on disk after this run read it.
var ErrConflict = errors.New("the file was changed by someone else during this run; nothing was overwritten (this run's changes wait in the .journal file beside it and are applied by the next run), run again")

// Store is the state of one run. It keeps the promise the reconciler is
// built on, that nothing is sent to GitHub before it is written down, at a
// cost that follows what changed, not what is remembered:
//
//   - Update appends the people it changed to a journal beside the state
//     file (path + ".journal", one JSON line a change) and flushes it to
//     disk before returning: O(k) for k changed people.
//   - Commit folds the journal into the state file once, at the end of the
//     run, for every organization of the run together (group commit), and
//     removes the journal.
//   - A run that died before Commit leaves its journal; the next Open (and a
//     read-only open, which only reads) replays it. Replaying is idempotent:
//     each line holds a person's whole record, not a difference.
//
// It is safe for concurrent use by the goroutines of different
// organizations.
type Store struct {
	mu sync.Mutex
	// path is the name the caller gave, for messages; real is that path
	// with symbolic links resolved: the file that is locked, read and
	// replaced, so that a run through a link and one on the file itself
	// exclude each other, and the link stays a link.
	path, real string
	file       *File
	readOnly   bool
	release    func()
	// base is the hash of the state file as this store last read or wrote
	// it (exists false: there was none). Commit first checks that the file
	// still holds exactly this, so that a concurrent writer is detected,
	// never overwritten.
	// maphash, not a cryptographic hash: this guards against accidents,
	// not attackers (who could write the file anyway), and hashing 15 MB
	// with SHA-256 twice a run cost a tenth of a no-op run's CPU.
	base   uint64
	exists bool
	// journal is open for appending once the run has changed something;
	// jlen is the length of its complete records.
	journal *os.File
	jlen    int64
	// dirty: the state holds changes (replayed or new) that the state file
	// does not.
	dirty bool
	// broken is set when the journal could not be restored after a failed
	// write; no later change is accepted.
	broken error
	fault  func(org string) error
	buf    []byte
	// warnings: see Warnings.
	warnings []string
}

// hashSeed is this process's seed for the file's hash; hashes are only
// compared within one process.
var hashSeed = maphash.MakeSeed()

// Open locks and loads the state file at path, and replays the journal a
// killed run may have left beside it, for a run that will change it. fresh
// reports that there was no state yet. A second Open of the same file (by
// any name) while the first is not closed fails at once with ErrLocked.
// Changes reach the state file on Commit; Close releases the lock.
func Open(path string) (s *Store, fresh bool, err error) {
	real, err := resolve(path)
	if err != nil {
		return nil, false, &Error{Path: path, Err: err}
	}
	if err := checkLinks(real); err != nil {
		return nil, false, &Error{Path: path, Err: err}
	}
	release, lock, err := lockFile(real)
	if err != nil {
		return nil, false, &Error{Path: path, Err: err}
	}
	prev, err := claimLock(lock)
	if err == nil {
		removeTemporaries(real)
		s, fresh, err = open(path, real, &held{prev: prev})
	}
	if err != nil {
		release()
		return nil, false, err
	}
	s.readOnly, s.release = false, release
	return s, fresh, nil
}

// held is what open knows of the lock a store holds.
type held struct {
	// prev is the lock's previous holder, as the lock file named it.
	prev *Writer
}

// checkLinks refuses a state file with more than one name: the lock is
// taken per name (the .lock beside it), so two runs through two hard links
// of one file would both proceed.
func checkLinks(real string) error {
	fi, err := os.Stat(real)
	if err != nil {
		return nil // missing: nothing to share; unreadable: reading says why
	}
	if n := linkCount(fi); n > 1 {
		return fmt.Errorf("the file has %d hard links: runs through different names would not exclude each other; keep one name (use a symbolic link for the others)", n)
	}
	return nil
}

// removeTemporaries removes what writeAtomic leaves when it is killed
// between creating its temporary file and renaming it (.NAME.tmp-*): with
// the lock held, no other writer of this file is at work.
func removeTemporaries(real string) {
	for _, file := range []string{real, real + ".journal"} {
		names, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "."+globEscape(filepath.Base(file))+".tmp-*"))
		for _, name := range names {
			os.Remove(name)
		}
	}
}

// globEscape escapes the pattern characters of filepath.Match in a name.
func globEscape(name string) string {
	var b strings.Builder
	for _, r := range name {
		if strings.ContainsRune(`*?[\\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// OpenFor opens the state file for a command that changes it (Open), or,
// in a dry run, reads it without locking, creating or writing anything
// (OpenReadOnly).
func OpenFor(path string, dryRun bool) (s *Store, fresh bool, err error) {
	if dryRun {
		return OpenReadOnly(path)
	}
	return Open(path)
}

// OpenReadOnly loads the state file and replays its journal in memory,
// without locking, writing or creating anything: for dry runs and for
// showing the state. Updates change only the memory.
func OpenReadOnly(path string) (s *Store, fresh bool, err error) {
	real, err := resolve(path)
	if err != nil {
		return nil, false, &Error{Path: path, Err: err}
	}
	return open(path, real, nil)
}

// open reads the file and its journal; lk is nil for a read-only store.
func open(path, resolved string, lk *held) (*Store, bool, error) {
	f, data, err := readFile(resolved)
	if err != nil {
		return nil, false, &Error{Path: path, Err: err}
	}
	s := &Store{path: path, real: resolved, file: f, readOnly: true, exists: data != nil}
	if data != nil {
		s.base = maphash.Bytes(hashSeed, data)
	}
	replayed, err := s.openJournal0(data, lk)
	if err != nil {
		return nil, false, err
	}
	s.dirty = replayed > 0
	return s, data == nil && replayed == 0, nil
}

// openJournal0 replays or merges the journal beside the file, if any (see
// journalHeader), and for a locked store adopts it: rewritten under a
// header naming this process and this file.
func (s *Store) openJournal0(data []byte, lk *held) (int, error) {
	h, lines, jdata, err := s.readJournal()
	if err != nil || jdata == nil {
		return 0, err
	}
	stale := false
	if h != nil {
		if lk != nil && !writerGone(h.Writer, lk.prev) {
			return 0, &Error{Path: s.path, Err: liveJournalError(h.Writer)}
		}
		stale = h.Base != fileSum(data)
	}
	n, t, err := s.replay(lines, stale)
	if err != nil {
		return 0, err
	}
	if stale {
		s.warnings = append(s.warnings, fmt.Sprintf("the journal %s was written against another version of the state file "+
			"(a newer one came in, by git pull or a cache restore?); it was merged, not replayed: %d of its records were further along and were kept, the others were dropped",
			s.journalPath(), n))
	}
	if lk != nil {
		if err := s.rewriteJournal(t, n, data); err != nil {
			return 0, &Error{Path: s.path, Err: err}
		}
	}
	return n, nil
}

// DropFutureSent drops the times of requests sent more than a minute after
// now (a clock that ran ahead wrote them): kept, they would hold back every
// request until that time, as if GitHub's hourly limit were spent. A run
// calls it once, on its own clock, right after opening the store; what it
// dropped is said in Warnings, and written by the next Commit.
func (s *Store) DropFutureSent(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit := now.Add(time.Minute)
	dropped := 0
	// The lists are oldest first: the future is at their end.
	keep := func(l []time.Time) []time.Time {
		i := len(l)
		for i > 0 && l[i-1].After(limit) {
			i--
		}
		dropped += len(l) - i
		return l[:i]
	}
	for _, o := range s.file.Orgs {
		if o.ContentRequests != nil {
			o.ContentRequests = keep(o.ContentRequests)
		}
		for id, l := range o.ContentRequestsBy {
			if l = keep(l); len(l) == 0 {
				delete(o.ContentRequestsBy, id)
			} else {
				o.ContentRequestsBy[id] = l
			}
		}
	}
	if dropped > 0 {
		s.warnings = append(s.warnings, fmt.Sprintf("%d times of requests sent later than %s (a clock that ran ahead?) were dropped from the state file %s",
			dropped, limit.UTC().Format(time.RFC3339), s.path))
		s.dirty = true
	}
}

// Warnings lists, one line each, what opening the store found and settled
// (a journal merged rather than replayed, times from the future dropped),
// for the caller to log.
func (s *Store) Warnings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.warnings)
}

// Close releases the lock taken by Open. Changes not committed stay in the
// journal, where the next run finds them.
func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.journal != nil {
		s.journal.Close()
		s.journal = nil
	}
	if s.release != nil {
		s.release()
		s.release = nil
	}
}

// InjectFault makes the store call fault before each write (of the journal
// or of the file; org is "" for the file); when fault returns an error,
// that write fails with it, as on a full disk. It is for tests of what
// callers do when the state cannot be written.
func (s *Store) InjectFault(fault func(org string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = fault
}

// Org returns a deep copy of what is remembered about org. It copies every
// person, so a run calls it once per organization.
func (s *Store) Org(org string) Org {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.file.Orgs[strings.ToLower(org)]
	if o == nil {
		return Org{People: map[int64]*Person{}}
	}
	return o.clone()
}

// ContentRequestsRecorded reports whether org's content-creating requests
// are recorded (Org.ContentRequests is not nil), without copying anyone.
func (s *Store) ContentRequestsRecorded(org string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.file.Orgs[strings.ToLower(org)]
	return o != nil && (o.ContentRequests != nil || o.ContentRequestsBy != nil)
}

// ContentRequestsBy lists, over every organization of the state, the content-creating
// requests sent at or after since by the credential identity (Org.ContentRequestsBy),
// with those recorded without an identity (Org.ContentRequests), which count for
// every credential. GitHub counts its hourly limit per credential, whatever
// the organization.
func (s *Store) ContentRequestsBy(identity string, since time.Time) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Time
	for _, o := range s.file.Orgs {
		for _, l := range [][]time.Time{o.ContentRequests, o.ContentRequestsBy[identity]} {
			for _, t := range l {
				if !t.Before(since) {
					out = append(out, t)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// Cursor returns org's cursor, without copying anyone.
func (s *Store) Cursor(org string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.file.Orgs[strings.ToLower(org)]; o != nil {
		return o.Cursor
	}
	return time.Time{}
}

// Update applies fn's changes to org's record and, for a store opened with
// Open, writes them to the journal and flushes it to disk before returning,
// so they survive a crash at any later moment. If writing fails the changes
// are rolled back in memory too, so memory never claims more than the disk
// holds.
func (s *Store) Update(org string, fn func(e *Edit)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return &Error{Path: s.path, Err: s.broken}
	}
	key := strings.ToLower(org)
	e := &Edit{o: s.file.Org(key), old: map[int64]*Person{}}
	fn(e)
	if len(e.order) == 0 && !e.cursorSet && !e.sentSet && !e.sentBySet {
		return nil
	}
	if s.readOnly {
		return nil
	}
	if err := s.appendJournal(key, e); err != nil {
		e.undo()
		return &Error{Path: s.path, Err: err}
	}
	s.dirty = true
	return nil
}

// Commit writes the state, with every change of the run, to the state file
// (in the current version, which migrates a version 1 file) and removes
// the journal. Nothing is written when nothing changed. If the file changed
// on disk since it was read, Commit writes nothing and returns ErrConflict;
// the journal stays for the next run.
func (s *Store) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readOnly || !s.dirty {
		return nil
	}
	if s.fault != nil {
		if err := s.fault(""); err != nil {
			return &Error{Path: s.path, Err: err}
		}
	}
	current, err := os.ReadFile(s.real)
	exists := err == nil
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	if err != nil {
		return &Error{Path: s.path, Err: errtext.PathCause(err)}
	}
	if exists != s.exists || (exists && maphash.Bytes(hashSeed, current) != s.base) {
		return &Error{Path: s.path, Err: ErrConflict}
	}
	current = nil
	data, err := Encode(s.file)
	if err != nil {
		return &Error{Path: s.path, Err: err}
	}
	if err := writeAtomic(s.real, data); err != nil {
		return &Error{Path: s.path, Err: err}
	}
	s.base, s.exists, s.dirty = maphash.Bytes(hashSeed, data), true, false
	// The journal goes only now that the file holds all of it; a crash
	// before this line replays it onto the file, which changes nothing.
	if err := s.dropJournal(); err != nil {
		return &Error{Path: s.path, Err: err}
	}
	return nil
}

func (o *Org) clone() Org {
	c := Org{Cursor: o.Cursor, People: make(map[int64]*Person, len(o.People))}
	if o.ContentRequests != nil {
		c.ContentRequests = slices.Clone(o.ContentRequests)
	}
	if o.ContentRequestsBy != nil {
		c.ContentRequestsBy = make(map[string][]time.Time, len(o.ContentRequestsBy))
		for id, l := range o.ContentRequestsBy {
			c.ContentRequestsBy[id] = slices.Clone(l)
		}
	}
	// Two allocations for everyone rather than two a person.
	people := make([]Person, 0, len(o.People))
	prs := make([]PRRef, 0, len(o.People))
	for id, p := range o.People {
		people = append(people, *p)
		pc := &people[len(people)-1]
		if p.PR != nil {
			prs = append(prs, *p.PR)
			pc.PR = &prs[len(prs)-1]
		}
		c.People[id] = pc
	}
	return c
}

func (p *Person) clone() *Person {
	c := *p
	if p.PR != nil {
		pr := *p.PR
		c.PR = &pr
	}
	return &c
}

func (p *Person) equal(q *Person) bool {
	if p.Login != q.Login || p.Status != q.Status || !p.At.Equal(q.At) || p.Reason != q.Reason ||
		p.CommentURL != q.CommentURL || p.NoComment != q.NoComment || (p.PR == nil) != (q.PR == nil) ||
		!p.InvitedAt.Equal(q.InvitedAt) || p.Renewed != q.Renewed || p.CoAuthor != q.CoAuthor {
		return false
	}
	return p.PR == nil || (p.PR.Repo == q.PR.Repo && p.PR.Number == q.PR.Number && p.PR.MergedAt.Equal(q.PR.MergedAt))
}

// InvitationsSince counts the invitations snekomatic sent in this organization at
// or after t, for staying under GitHub's daily invitation cap. An
// invitation whose fate is known (accepted, expired, failed) counts by
// when it was sent (InvitedAt), not by when its fate was learned.
func (o *Org) InvitationsSince(t time.Time) int {
	n := 0
	for _, p := range o.People {
		switch p.Status {
		case Invited:
			if !p.At.Before(t) {
				n++
			}
		case Accepted, Expired, Failed:
			if !p.InvitedAt.IsZero() && !p.InvitedAt.Before(t) {
				n++
			}
		}
	}
	return n
}

// Edit is one Update's view of an organization's record. It reads the
// current record and records every change, so that only what changed is
// written to the journal, and a failed write can be undone.
type Edit struct {
	o         *Org
	old       map[int64]*Person // first-touched people as they were (nil: absent)
	order     []int64
	oldCursor time.Time
	cursorSet bool
	oldSent   []time.Time
	sentSet   bool
	oldSentBy map[string][]time.Time
	sentBySet bool
}

// Person returns a copy of the person with id, or nil if nobody with that
// id is remembered. Changing the copy changes nothing until it is Put.
func (e *Edit) Person(id int64) *Person {
	p := e.o.People[id]
	if p == nil {
		return nil
	}
	return p.clone()
}

// Put records p (a copy of it) as the person with id. Putting what is
// already recorded is not a change. A nil p forgets them.
func (e *Edit) Put(id int64, p *Person) {
	if p == nil {
		e.Forget(id)
		return
	}
	cur := e.o.People[id]
	if cur != nil && cur.equal(p) {
		return
	}
	e.touch(id, cur)
	e.o.People[id] = p.clone()
}

// Forget removes the person with id, if remembered.
func (e *Edit) Forget(id int64) {
	cur, ok := e.o.People[id]
	if !ok {
		return
	}
	e.touch(id, cur)
	delete(e.o.People, id)
}

// Cursor is the organization's cursor.
func (e *Edit) Cursor() time.Time { return e.o.Cursor }

// SetCursor moves the organization's cursor to t.
func (e *Edit) SetCursor(t time.Time) {
	if t.Equal(e.o.Cursor) {
		return
	}
	if !e.cursorSet {
		e.oldCursor, e.cursorSet = e.o.Cursor, true
	}
	e.o.Cursor = t
}

// ContentRequests is when the organization's content-creating requests went out in
// the last hour (see Org.ContentRequests); nil when none were recorded.
func (e *Edit) ContentRequests() []time.Time { return slices.Clone(e.o.ContentRequests) }

// AddContentRequest records that a content-creating request for the organization
// goes out at t (rounded up to the second: counted late rather than early)
// and drops the times more than an hour before it. The record starts
// exact: a nil ContentRequests becomes a list even when nothing is left in it.
func (e *Edit) AddContentRequest(t time.Time) {
	if !e.sentSet {
		e.oldSent, e.sentSet = e.o.ContentRequests, true
	}
	t = roundUp(t)
	kept := keepSince(e.o.ContentRequests, t.Add(-time.Hour))
	i, _ := slices.BinarySearchFunc(kept, t, func(a, b time.Time) int { return a.Compare(b) })
	e.o.ContentRequests = slices.Insert(kept, i, t)
}

// AddContentRequestBy records, as AddContentRequest does, that a
// content-creating request goes out at t, sent by the credential identity
// (see Org.ContentRequestsBy). Entries of every identity, and of
// ContentRequests, more than an hour before t are dropped.
func (e *Edit) AddContentRequestBy(identity string, t time.Time) {
	if identity == "" {
		e.AddContentRequest(t)
		return
	}
	if !e.sentBySet {
		e.oldSentBy, e.sentBySet = e.o.ContentRequestsBy, true
	}
	t = roundUp(t)
	cut := t.Add(-time.Hour)
	by := make(map[string][]time.Time, len(e.o.ContentRequestsBy)+1)
	for id, l := range e.o.ContentRequestsBy {
		if kept := keepSince(l, cut); len(kept) > 0 {
			by[id] = kept
		}
	}
	l := by[identity]
	i, _ := slices.BinarySearchFunc(l, t, func(a, b time.Time) int { return a.Compare(b) })
	by[identity] = slices.Insert(l, i, t)
	e.o.ContentRequestsBy = by
	if len(e.o.ContentRequests) > 0 && e.o.ContentRequests[0].Before(cut) {
		if !e.sentSet {
			e.oldSent, e.sentSet = e.o.ContentRequests, true
		}
		e.o.ContentRequests = keepSince(e.o.ContentRequests, cut)
	}
}

// keepSince returns a new list of the times of l at or after cut.
func keepSince(l []time.Time, cut time.Time) []time.Time {
	kept := make([]time.Time, 0, len(l)+1)
	for _, s := range l {
		if !s.Before(cut) {
			kept = append(kept, s)
		}
	}
	return kept
}

// roundUp rounds t up to the second, in UTC: a request is counted late
// rather than early.
func roundUp(t time.Time) time.Time {
	if r := t.Truncate(time.Second); r.Before(t) {
		t = r.Add(time.Second)
	}
	return t.UTC()
}

// SeedContentRequests starts an exact record with times counted otherwise (for what
// runs before the record began sent); it does nothing once the record has
// started. Each time is rounded up to the second, like AddContentRequest's.
func (e *Edit) SeedContentRequests(ts []time.Time) {
	if e.o.ContentRequests != nil || e.o.ContentRequestsBy != nil {
		return
	}
	for _, t := range ts {
		e.AddContentRequest(t)
	}
	if e.o.ContentRequests == nil {
		if !e.sentSet {
			e.oldSent, e.sentSet = nil, true
		}
		e.o.ContentRequests = []time.Time{}
	}
}

func (e *Edit) touch(id int64, cur *Person) {
	if _, seen := e.old[id]; seen {
		return
	}
	e.old[id] = cur
	e.order = append(e.order, id)
}

func (e *Edit) undo() {
	for id, p := range e.old {
		if p == nil {
			delete(e.o.People, id)
		} else {
			e.o.People[id] = p
		}
	}
	if e.cursorSet {
		e.o.Cursor = e.oldCursor
	}
	if e.sentSet {
		e.o.ContentRequests = e.oldSent
	}
	if e.sentBySet {
		e.o.ContentRequestsBy = e.oldSentBy
	}
}

// resolve follows symbolic links in path to the file they name (which may
// not exist yet), with the directory resolved too, so that every name of one
// state file locks, reads and replaces the same file. A directory that
// cannot be resolved is left as it is: opening the file there fails with a
// clearer error.
func resolve(path string) (string, error) {
	for range 40 {
		dir, err := filepath.EvalSymlinks(filepath.Dir(path))
		if err != nil {
			return path, nil
		}
		path = filepath.Join(dir, filepath.Base(path))
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", fmt.Errorf("read symbolic link: %w", errtext.PathCause(err))
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		path = target
	}
	return "", errors.New("too many levels of symbolic links")
}

// PutAll puts every person of people (see Put).
func (e *Edit) PutAll(people map[int64]*Person) {
	for id, p := range people {
		e.Put(id, p)
	}
}

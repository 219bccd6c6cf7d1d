package state

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// The journal is path + ".journal": one JSON object a line, each line a
// whole fact about one organization, written before the request it
// announces is sent:
//
//	{"org":"python-trio","p":{"id":10,"l":"ten","s":"inviting","at":"2026-11-02T00:00:00Z","pr":"python-trio/trio#42"}}
//	{"org":"python-trio","forget":10}
//	{"org":"python-trio","cursor":"2026-11-26T09:00:00Z"}
//	{"org":"python-trio","sent":["2026-11-26T09:00:01Z","2026-11-26T09:00:02Z"]}
//
// A line is a person's whole record (or the organization's whole list of
// content-creating requests of the last hour) (the same object as in the state
// file), so replaying a line twice changes nothing. A last line without its
// newline was being written when the run died: Update had not returned, so
// nothing it announced was sent, and it is ignored (and cut off before the
// next append).

// journalRecord is one decoded journal line; exactly one of P, Forget,
// Cursor, Sent and SentBy is set. Was, beside Forget, is the record that
// was forgotten (absent in journals of older versions).
type journalRecord struct {
	Org    string                  `json:"org"`
	P      *personV2               `json:"p,omitempty"`
	Forget int64                   `json:"forget,omitempty"`
	Was    *personV2               `json:"was,omitempty"`
	Cursor *time.Time              `json:"cursor,omitempty"`
	Sent   *[]time.Time            `json:"sent,omitempty"`
	SentBy *map[string][]time.Time `json:"sent_by,omitempty"`
}

// journalHeader is the first line of a journal (journals of older
// versions have none): the state file the journal's records were written
// against, and the process that writes it.
//
//	{"base":"sha256:<hex of the state file>","writer":{"host":"h","pid":42,"start":"2026-11-26T09:00:00Z"}}
//
// base is "" when there was no state file.
type journalHeader struct {
	Base   string `json:"base"`
	Writer Writer `json:"writer"`
}

func (s *Store) journalPath() string { return s.real + ".journal" }

// readJournal reads the journal's complete lines and its header, if any.
// data is nil when there is no journal.
func (s *Store) readJournal() (h *journalHeader, lines [][]byte, data []byte, err error) {
	data, err = os.ReadFile(s.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, nil
	}
	if err != nil {
		return nil, nil, nil, &Error{Path: s.journalPath(), Err: errtext.PathCause(err)}
	}
	complete := bytes.LastIndexByte(data, '\n') + 1
	s.jlen = int64(complete)
	for rest := data[:complete]; len(rest) > 0; {
		var text []byte
		text, rest, _ = bytes.Cut(rest, []byte("\n"))
		lines = append(lines, text)
	}
	if len(lines) > 0 && bytes.HasPrefix(lines[0], []byte(`{"base":`)) {
		h = new(journalHeader)
		if err := strictUnmarshal(lines[0], h); err != nil {
			return nil, nil, nil, &Error{Path: s.journalPath(), Err: fmt.Errorf("line 1: %v", err)}
		}
		lines[0] = nil
	}
	return h, lines, data, nil
}

// replay applies the journal's lines to s.file. stale: the journal was
// written against another state file than this one, and is merged rather
// than replayed (see apply). It returns how many records it applied and
// which records they touched.
func (s *Store) replay(lines [][]byte, stale bool) (int, *touched, error) {
	n, t := 0, &touched{}
	for i, text := range lines {
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		ok, err := s.apply(text, stale, t)
		if err != nil {
			return 0, nil, &Error{Path: s.journalPath(), Err: fmt.Errorf("line %d: %v", i+1, err)}
		}
		if ok {
			n++
		}
	}
	return n, t, nil
}

// touched lists what a replay changed, so that the journal can be written
// again, as facts, under a new header.
type touched struct {
	people []orgID
	orgs   []string // cursor or sent lists
}

type orgID struct {
	org string
	id  int64
}

func parseRecord(line []byte) (*journalRecord, error) {
	var r journalRecord
	if err := strictUnmarshal(line, &r); err != nil {
		return nil, err
	}
	if err := checkOrgName(r.Org, false); err != nil {
		return nil, err
	}
	set := 0
	for _, b := range []bool{r.P != nil, r.Forget != 0, r.Cursor != nil, r.Sent != nil, r.SentBy != nil} {
		if b {
			set++
		}
	}
	if set != 1 || (r.Was != nil && r.Forget == 0) {
		return nil, errors.New(`a line holds exactly one of "p", "forget", "cursor", "sent" and "sent_by"`)
	}
	return &r, nil
}

// apply applies one journal line. Replayed over the file it was written
// against (stale false), each line is a fact and replaces what it names.
// Merged into a newer file (stale true), by Merge3's rules with the
// journal as one side and the newer file as the other, never backwards:
// a person's record only when it is further along than the file's (or
// the file has none); a forget only when the file still holds the very
// record the run forgot (so never for older journals, whose forget lines
// do not say); the later cursor; the union of the sent lists. ok reports
// whether the line changed anything.
func (s *Store) apply(line []byte, stale bool, t *touched) (ok bool, err error) {
	r, err := parseRecord(line)
	if err != nil {
		return false, err
	}
	o := s.file.Org(r.Org)
	switch {
	case r.P != nil:
		var p Person
		if err := r.P.to(&p); err != nil {
			return false, fmt.Errorf("person %d: %v", r.P.ID, err)
		}
		if cur := o.People[r.P.ID]; stale && cur != nil && compareProgress(&p, cur) <= 0 {
			return false, nil
		}
		o.People[r.P.ID] = &p
		t.people = append(t.people, orgID{r.Org, r.P.ID})
	case r.Forget != 0:
		if stale && !s.stillWas(o.People[r.Forget], r.Was) {
			return false, nil
		}
		delete(o.People, r.Forget)
		t.people = append(t.people, orgID{r.Org, r.Forget})
	case r.Sent != nil || r.SentBy != nil:
		if err := applySent(o, r, stale); err != nil {
			return false, err
		}
		t.orgs = append(t.orgs, r.Org)
	default:
		if err := checkTime(*r.Cursor); err != nil {
			return false, fmt.Errorf("cursor %v", err)
		}
		if stale && !r.Cursor.After(o.Cursor) {
			return false, nil
		}
		o.Cursor = *r.Cursor
		t.orgs = append(t.orgs, r.Org)
	}
	return true, nil
}

// stillWas reports whether cur is the record a forget line says it forgot.
func (s *Store) stillWas(cur *Person, was *personV2) bool {
	if cur == nil || was == nil {
		return false
	}
	var w Person
	return was.to(&w) == nil && cur.equal(&w)
}

func applySent(o *Org, r *journalRecord, stale bool) error {
	if r.Sent != nil {
		sent := *r.Sent
		if sent == nil {
			sent = []time.Time{}
		}
		if err := checkSent(sent); err != nil {
			return fmt.Errorf("sent: %v", err)
		}
		if stale {
			sent = unionSent(o.ContentRequests, sent, newest(o.ContentRequests, sent))
		}
		o.ContentRequests = sent
		return nil
	}
	by := *r.SentBy
	if by == nil {
		by = map[string][]time.Time{}
	}
	if err := checkSentBy(by); err != nil {
		return fmt.Errorf("sent_by: %v", err)
	}
	if stale {
		var all []time.Time
		for _, l := range by {
			all = append(all, l...)
		}
		for _, l := range o.ContentRequestsBy {
			all = append(all, l...)
		}
		by = unionSentBy(o.ContentRequestsBy, by, newest(all, nil))
	}
	o.ContentRequestsBy = by
	return nil
}

// newest is the latest time of a and b (zero when both are empty).
func newest(a, b []time.Time) time.Time {
	var n time.Time
	for _, t := range slices.Concat(a, b) {
		if t.After(n) {
			n = t
		}
	}
	return n
}

// appendJournal writes e's changes to org as journal lines, in one write,
// and flushes them to disk. On failure the journal is cut back to what it
// held before, so that no half-written change is replayed later.
func (s *Store) appendJournal(org string, e *Edit) error {
	if s.fault != nil {
		if err := s.fault(org); err != nil {
			return err
		}
	}
	if s.journal == nil {
		if err := s.openJournal(); err != nil {
			return err
		}
	}
	b := s.buf[:0]
	if s.jlen == 0 {
		b = s.appendHeader(b, s.headerBase())
	}
	b, err := appendEdit(b, org, e)
	s.buf = b
	if err != nil {
		return err
	}
	_, err = s.journal.WriteAt(b, s.jlen)
	if err == nil {
		err = s.journal.Sync()
	}
	if err != nil {
		if terr := s.journal.Truncate(s.jlen); terr != nil {
			s.broken = fmt.Errorf("the journal could not be restored after a failed write (%v); no further change is accepted", terr)
		}
		return fmt.Errorf("write the journal: %w", errtext.PathCause(err))
	}
	s.jlen += int64(len(b))
	return nil
}

// openJournal opens the journal for appending, dropping a torn last line
// left by a killed run.
func (s *Store) openJournal() error {
	f, err := os.OpenFile(s.journalPath(), os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open the journal: %w", errtext.PathCause(err))
	}
	// Drop a torn last line left by a killed run, and make the new
	// file's name durable before anything relies on it.
	if err := f.Truncate(s.jlen); err != nil {
		f.Close()
		return fmt.Errorf("truncate the journal: %w", errtext.PathCause(err))
	}
	syncDir(filepath.Dir(s.journalPath()))
	s.journal = f
	return nil
}

// headerBase is the base a new journal names: the state file's hash as it
// is on disk, or "unknown" when that is no longer the file this store read
// (someone replaced it without the lock), so that the journal is merged,
// never replayed, over whatever file is there later.
func (s *Store) headerBase() string {
	data, err := os.ReadFile(s.real)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !s.exists:
		return ""
	case err != nil || !s.exists || maphash.Bytes(hashSeed, data) != s.base:
		return "unknown"
	}
	return fileSum(data)
}

// fileSum is the base a journal names for a state file's contents.
func fileSum(data []byte) string {
	if data == nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (s *Store) appendHeader(b []byte, base string) []byte {
	b = append(b, `{"base":`...)
	b = appendString(b, base)
	b = append(b, `,"writer":`...)
	b = appendWriter(b, self)
	return append(b, "}\n"...)
}

// appendEdit writes e's changes to org as journal lines.
func appendEdit(b []byte, org string, e *Edit) ([]byte, error) {
	for _, id := range e.order {
		b = append(b, `{"org":`...)
		b = appendString(b, org)
		if p := e.o.People[id]; p != nil {
			if err := checkPerson(id, p); err != nil {
				return b, fmt.Errorf("person %d: %v", id, err)
			}
			b = append(b, `,"p":`...)
			b = appendPerson(b, id, p)
		} else {
			b = append(b, `,"forget":`...)
			b = strconv.AppendInt(b, id, 10)
			if was := e.old[id]; was != nil {
				b = append(b, `,"was":`...)
				b = appendPerson(b, id, was)
			}
		}
		b = append(b, "}\n"...)
	}
	if e.cursorSet {
		b = append(b, `{"org":`...)
		b = appendString(b, org)
		b = append(b, `,"cursor":`...)
		b = appendTime(b, e.o.Cursor)
		b = append(b, "}\n"...)
	}
	if e.sentSet {
		if err := checkSent(e.o.ContentRequests); err != nil {
			return b, fmt.Errorf("sent: %v", err)
		}
		b = append(b, `{"org":`...)
		b = appendString(b, org)
		b = append(b, `,"sent":`...)
		b = appendTimes(b, e.o.ContentRequests)
		b = append(b, "}\n"...)
	}
	if e.sentBySet {
		by := e.o.ContentRequestsBy
		if by == nil {
			by = map[string][]time.Time{}
		}
		if err := checkSentBy(by); err != nil {
			return b, fmt.Errorf("sent_by: %v", err)
		}
		b = append(b, `{"org":`...)
		b = appendString(b, org)
		b = append(b, ',')
		b = appendSentBy(b, by)
		b = append(b, "}\n"...)
	}
	return b, nil
}

// rewriteJournal replaces the journal a store adopted (left by a run that
// is gone, or merged into a newer file) with the facts it replayed, under
// a header naming this file and this process, so that the next run knows
// whose it is and what it applies to. With nothing replayed it is removed.
func (s *Store) rewriteJournal(t *touched, n int, data []byte) error {
	if n == 0 {
		return s.dropJournal()
	}
	b := s.appendHeader(nil, fileSum(data))
	slices.SortFunc(t.people, func(a, b orgID) int {
		if c := strings.Compare(a.org, b.org); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for _, k := range slices.Compact(t.people) {
		e := &Edit{o: s.file.Org(k.org), order: []int64{k.id}}
		var err error
		if b, err = appendEdit(b, k.org, e); err != nil {
			return err
		}
	}
	for _, org := range slices.Compact(slices.Sorted(slices.Values(t.orgs))) {
		o := s.file.Org(org)
		e := &Edit{o: o, cursorSet: !o.Cursor.IsZero(), sentSet: o.ContentRequests != nil, sentBySet: o.ContentRequestsBy != nil}
		var err error
		if b, err = appendEdit(b, org, e); err != nil {
			return err
		}
	}
	if err := writeAtomic(s.journalPath(), b); err != nil {
		return fmt.Errorf("rewrite the journal: %w", err)
	}
	s.jlen = int64(len(b))
	return nil
}

// dropJournal removes the journal once the state file holds it.
func (s *Store) dropJournal() error {
	if s.journal != nil {
		s.journal.Close()
		s.journal = nil
	}
	s.jlen = 0
	err := os.Remove(s.journalPath())
	if err == nil {
		syncDir(filepath.Dir(s.journalPath()))
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	// Replaying it would change nothing, but an empty journal is cleaner.
	if terr := os.Truncate(s.journalPath(), 0); terr != nil {
		return fmt.Errorf("remove the journal: %w", errtext.PathCause(err))
	}
	return nil
}

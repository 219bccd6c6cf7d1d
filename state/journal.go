package state

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
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
// Cursor and Sent is set.
type journalRecord struct {
	Org    string       `json:"org"`
	P      *personV2    `json:"p,omitempty"`
	Forget int64        `json:"forget,omitempty"`
	Cursor *time.Time   `json:"cursor,omitempty"`
	Sent   *[]time.Time `json:"sent,omitempty"`
}

func (s *Store) journalPath() string { return s.real + ".journal" }

// replay applies the journal, if any, to s.file and returns how many
// records it applied.
func (s *Store) replay() (int, error) {
	data, err := os.ReadFile(s.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, &Error{Path: s.journalPath(), Err: errtext.PathCause(err)}
	}
	complete := bytes.LastIndexByte(data, '\n') + 1
	s.jlen = int64(complete)
	n := 0
	for line, rest := 1, data[:complete]; len(rest) > 0; line++ {
		var text []byte
		text, rest, _ = bytes.Cut(rest, []byte("\n"))
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		if err := s.apply(text); err != nil {
			return 0, &Error{Path: s.journalPath(), Err: fmt.Errorf("line %d: %v", line, err)}
		}
		n++
	}
	return n, nil
}

func (s *Store) apply(line []byte) error {
	var r journalRecord
	if err := strictUnmarshal(line, &r); err != nil {
		return err
	}
	if err := checkOrgName(r.Org, false); err != nil {
		return err
	}
	set := 0
	for _, b := range []bool{r.P != nil, r.Forget != 0, r.Cursor != nil, r.Sent != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		return errors.New(`a line holds exactly one of "p", "forget", "cursor" and "sent"`)
	}
	o := s.file.Org(r.Org)
	switch {
	case r.P != nil:
		var p Person
		if err := r.P.to(&p); err != nil {
			return fmt.Errorf("person %d: %v", r.P.ID, err)
		}
		o.People[r.P.ID] = &p
	case r.Forget != 0:
		delete(o.People, r.Forget)
	case r.Sent != nil:
		sent := *r.Sent
		if sent == nil {
			sent = []time.Time{}
		}
		if err := checkSent(sent); err != nil {
			return fmt.Errorf("sent: %v", err)
		}
		o.Sent = sent
	default:
		if err := checkTime(*r.Cursor); err != nil {
			return fmt.Errorf("cursor %v", err)
		}
		o.Cursor = *r.Cursor
	}
	return nil
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
	}
	b := s.buf[:0]
	for _, id := range e.order {
		b = append(b, `{"org":`...)
		b = appendString(b, org)
		if p := e.o.People[id]; p != nil {
			b = append(b, `,"p":`...)
			b = appendPerson(b, id, p)
		} else {
			b = append(b, `,"forget":`...)
			b = strconv.AppendInt(b, id, 10)
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
		if err := checkSent(e.o.Sent); err != nil {
			return fmt.Errorf("sent: %v", err)
		}
		b = append(b, `{"org":`...)
		b = appendString(b, org)
		b = append(b, `,"sent":[`...)
		for i, t := range e.o.Sent {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTime(b, t)
		}
		b = append(b, "]}\n"...)
	}
	s.buf = b
	for _, id := range e.order {
		if p := e.o.People[id]; p != nil {
			if err := checkPerson(id, p); err != nil {
				return fmt.Errorf("person %d: %v", id, err)
			}
		}
	}
	_, err := s.journal.WriteAt(b, s.jlen)
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

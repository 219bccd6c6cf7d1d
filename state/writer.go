package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Writer names a process that holds, or held, a state file's lock and
// writes its journal. The lock file holds the last holder's Writer and the
// journal's header the journal's writer, so that a run that takes the lock
// can tell a journal left by a run that is gone (replay it) from one a
// live run is still writing after someone removed its lock file (leave it
// alone).
type Writer struct {
	Host  string    `json:"host"`
	PID   int       `json:"pid"`
	Start time.Time `json:"start"`
}

func (w Writer) String() string {
	return fmt.Sprintf("host %s, pid %d, started %s", w.Host, w.PID, w.Start.UTC().Format(time.RFC3339))
}

// self is this process.
var self = func() Writer {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return Writer{Host: host, PID: os.Getpid(), Start: time.Now().UTC().Truncate(time.Second)}
}()

// processAlive reports whether a process with pid runs on this host; a
// variable for tests.
var processAlive = pidAlive

func appendWriter(b []byte, w Writer) []byte {
	b = append(b, `{"host":`...)
	b = appendString(b, w.Host)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(w.PID), 10)
	b = append(b, `,"start":`...)
	b = appendTime(b, w.Start)
	return append(b, '}')
}

// claimLock reads the lock file's previous holder (nil when it names none:
// new, or written by an older version) and writes this process in its
// place. The lock is held.
func claimLock(f *os.File) (prev *Writer, err error) {
	var buf [512]byte
	n, _ := f.ReadAt(buf[:], 0)
	if line := bytes.TrimSpace(buf[:n]); len(line) > 0 {
		var w Writer
		if json.Unmarshal(line, &w) == nil && w.PID > 0 {
			prev = &w
		}
	}
	data := append(appendWriter(nil, self), '\n')
	if err := f.Truncate(0); err != nil {
		return nil, fmt.Errorf("write the lock file: %w", err)
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		return nil, fmt.Errorf("write the lock file: %w", err)
	}
	return prev, nil
}

// writerGone decides whether the journal's writer w can no longer append
// to it, for a store that now holds the lock whose previous holder was
// prev. It is gone when it is this process (whose earlier store closed),
// when it is the lock's previous holder (we hold that lock now), or when
// it ran on this host and its process has ended. A writer on another host
// that the lock does not name may hold a lock file someone removed: it is
// taken as live.
func writerGone(w Writer, prev *Writer) bool {
	switch {
	case w == self:
		return true
	case prev != nil && w.Host == prev.Host && w.PID == prev.PID && w.Start.Equal(prev.Start):
		return true
	case w.Host == self.Host:
		return !processAlive(w.PID)
	}
	return false
}

// ErrLiveJournal is wrapped by the error of an Open that found the journal
// of a run that may still be running.
var ErrLiveJournal = fmt.Errorf("its journal is being written by another run")

func liveJournalError(w Writer) error {
	hint := "wait for it to finish"
	if w.Host != self.Host {
		hint = "once it has ended, put its .lock file back beside the state file, or delete the journal (losing its records)"
	}
	return fmt.Errorf("%w (%s) that still runs although the .lock file no longer says so (was it removed?): %s",
		ErrLiveJournal, w, hint)
}

//go:build unix

package state

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// lockFile takes an exclusive lock on path+".lock" without waiting. The lock
// file is left in place when released: removing it would let a run that
// opened it just before the removal lock an orphan while another creates a
// new one.
func lockFile(path string) (release func(), lock *os.File, err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("create lock file: %w", errtext.PathCause(err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil, ErrLocked
		}
		return nil, nil, fmt.Errorf("lock %s.lock: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, f, nil
}

// pidAlive reports whether a process with pid exists on this host (one
// that exists but is not ours to signal is alive too).
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// linkCount is how many names (hard links) the file has.
func linkCount(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

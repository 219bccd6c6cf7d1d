//go:build windows

package state

import (
	"errors"
	"fmt"
	"os"

	"github.com/python-trio/snekomatic/internal/errtext"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive lock on path+".lock" without waiting, with
// LockFileEx (golang.org/x/sys/windows: the standard library does not
// export it). Windows releases the lock when the handle is closed, also
// when the process dies. As on unix, the lock file is left in place.
func lockFile(path string) (release func(), lock *os.File, err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("create lock file: %w", errtext.PathCause(err))
	}
	h := windows.Handle(f.Fd())
	ol := new(windows.Overlapped)
	const flags = windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY
	if err := windows.LockFileEx(h, flags, 0, 1, 0, ol); err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, nil, ErrLocked
		}
		return nil, nil, fmt.Errorf("lock %s.lock: %w", path, err)
	}
	return func() {
		_ = windows.UnlockFileEx(h, 0, 1, 0, ol)
		f.Close()
	}, f, nil
}

// pidAlive reports whether a process with pid exists on this host.
func pidAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}

// linkCount: Windows is not asked; hard links to a state file are rare
// there.
func linkCount(os.FileInfo) uint64 { return 1 }

//go:build !unix && !windows

package state

import (
	"errors"
	"io/fs"
	"os"
)

// lockFile refuses where this build knows no way to lock a file: two runs
// on one state file without a lock could each invite the same people.
func lockFile(string) (func(), *os.File, error) {
	return nil, nil, errors.New("this platform has no file locking that snekomatic knows; use a read-only command (--dry-run, state show)")
}

// pidAlive cannot tell here, so every process is taken as alive.
func pidAlive(int) bool { return true }

// linkCount cannot tell here.
func linkCount(fs.FileInfo) uint64 { return 1 }

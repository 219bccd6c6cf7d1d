//go:build !unix && !windows

package state

import "errors"

// lockFile refuses where this build knows no way to lock a file: two runs
// on one state file without a lock could each invite the same people.
func lockFile(string) (func(), error) {
	return nil, errors.New("this platform has no file locking that snekomatic knows; use a read-only command (--dry-run, state show)")
}

// Package state keeps what snekomatic remembers between runs: for each
// organization, a cursor (how far merged pull requests have been read) and
// everyone the bot has ever decided about, keyed by their numeric GitHub user
// id.
//
// The file is meant to be committed to a repository or kept in the GitHub
// Actions cache, so it is written deterministically (sorted keys, UTC times
// truncated to the second, two-space indentation, trailing newline) and
// atomically (temporary file in the same directory, fsync, rename, fsync of
// the directory). A crash leaves either the old file or the new one, never a
// mixture.
//
// The package touches only the local file system; it knows nothing about
// GitHub.
package state

// Package state keeps what snekomatic remembers between runs: for each
// organization, a cursor (how far merged pull requests have been read) and
// everyone the bot has ever decided about, keyed by their numeric GitHub user
// id.
//
// The file is meant to be committed to a repository or kept in the GitHub
// Actions cache, so it is written deterministically, one person a line,
// sorted by id (docs/state-format.md describes it), and atomically
// (temporary file in the same directory, fsync, rename, fsync of the
// directory): a crash leaves either the old file or the new one, never a
// mixture.
//
// A run does not rewrite the file for every change. Store.Update appends
// what changed to a journal beside the file and flushes it before returning,
// so that nothing is sent to GitHub before it is on disk; Store.Commit folds
// the journal into the file once, at the end of the run; the next Open
// replays a journal that a killed run left behind.
//
// The package touches only the local file system; it knows nothing about
// GitHub.
package state

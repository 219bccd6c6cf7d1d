// Package demo is `snekomatic demo`: the sample organization (a world for
// the in-memory fake GitHub), the story of two reconcile runs against it
// with people answering their invitations in between, and the narration
// of what each run sent, read from the fake's request log. It shows a new
// user what snekomatic does without asking them for owner-level
// credentials first.
//
// The runs are the real reconcile, unchanged: the command passes it in
// (Options.Reconcile), so this package does not depend on the command line
// and the command keeps the flags, the environment and the exit codes.
//
// What it may touch: the fake GitHub (internal/fakegithub; this package,
// with the fake-github command, is the only product code that may import
// it), a temporary directory it removes, and the directory named with
// --keep, where it creates files but never replaces one. It never reaches
// the network beyond 127.0.0.1 and reads no credentials.
//
// The files: world.go holds the sample organization, demo.go the story,
// narrate.go what each run's requests did.
package demo

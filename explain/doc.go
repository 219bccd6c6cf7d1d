// Package explain answers `snekomatic explain LOGIN --org ORG`: everything
// snekomatic knows and decides about one person, in one paragraph of plain
// words and as a JSON document.
//
// Its decisions are pure: cmd and runner.AskGitHub gather the Facts (the state file's record,
// the organization's resolved policy, and, when it has credentials, what
// GitHub says now, which Read asks through the Reader interface: at most
// three reads) and this package decides what happens next (Decide)
// and says it (Explain, WriteText). The rules it applies are reconcile's
// own (reconcile.NotACandidate, Policy.ExcludedBy, RecordedDeclined,
// state.Status.Final), never a copy, so that an explanation cannot drift
// from the decision a run makes.
//
// The person is their GitHub user id, as everywhere in snekomatic: when
// GitHub was asked, the state's record is the one of the id GitHub gives
// for the login, and a record under the same login with another id is
// another account (the login changed hands). Without GitHub the record is
// found by login.
package explain

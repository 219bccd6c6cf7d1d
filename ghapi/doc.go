// Package ghapi is snekomatic's GitHub adapter: it implements the interfaces
// that package reconcile declares, with githubv4 for GraphQL (the search for
// merged pull requests, organization sizes and rosters, batched counts of
// merged pull requests) and go-github for REST (membership look-ups,
// invitations, comments, teams, failed invitations, and an organization's
// own configuration file), plus the reads `snekomatic doctor` and the owner
// check of a personal token make (account.go).
//
// It is the only package that knows GitHub's wire formats: how a search query
// is spelled, which 422 means "already a member". (Where an instance serves
// its APIs is package ghurl's.) Authentication is not its business: it is handed
// an *http.Client that already carries a token (a static token, or a GitHub
// App installation token from package ghapp), shared by both API clients.
//
// Errors: every method returns GitHub's answer classified the same way
// (restError for REST, graphQLError for GraphQL: 401 becomes
// reconcile.TerminalError; a 403 is read per endpoint by what it says, so
// that a comment on an archived repository fails that comment alone while
// any other 403 is terminal; long bodies are cut to an excerpt, and the
// invitation endpoint's refusals become reconcile's sentinel errors), and
// none names its own step: the caller, which knows why it asked, says what
// it was doing once ("invite alice: ...").
package ghapi

// Package ghapi is snekomatic's GitHub adapter: it implements the interfaces
// that package reconcile declares, with githubv4 for GraphQL (the search for
// merged pull requests, organization sizes and rosters, batched counts of
// merged pull requests) and go-github for REST (membership look-ups,
// invitations, comments, teams, failed invitations, and an organization's
// own configuration file).
//
// It is the only package that knows GitHub's wire formats: how a search query
// is spelled, which 422 means "already a member", where the web host of an
// Enterprise Server lives. Authentication is not its business: it is handed
// an *http.Client that already carries a token (a static token, or a GitHub
// App installation token from package ghapp), shared by both API clients.
package ghapi

// Package reconcile decides whom to invite into a GitHub organization and
// carries the decision out.
//
// One run over one organization has four steps:
//
//  1. Window. Merged pull requests are read in a window [From, To] of merge
//     times. To is now; From is the stored cursor less an overlap (GitHub's
//     search index lags behind merges, so a pull request merged just before
//     the last run may only now be searchable), or the --since time of a
//     backfill, or a default look-back on the very first run. Reading a pull
//     request twice is harmless: every step below is idempotent.
//
//  2. Collect. GitHub search returns at most 1,000 results for one query,
//     however many match, but it does report the true count. Results are
//     requested oldest creation first, and a query that the cap cuts short
//     is followed by one that resumes from the creation time of its last
//     result, so nobody is missed in a busy backfill and no request is spent
//     on results already read. Results are de-duplicated by pull request id.
//
//  3. Plan (pure, no I/O). Each pull request's author becomes a candidate
//     when it is a User: bots, mannequins and deleted accounts (author null)
//     are never candidates. A person is their numeric user id, never their
//     login, since logins can be renamed and reused. Anyone already recorded
//     in the state with a final status is left alone for good. The remaining
//     candidates are checked against the organization's members and pending
//     invitations, read fresh from GitHub on every run (level-based: the
//     state is not trusted to know who joined since). Members and people
//     with a pending invitation are recorded as such; everyone else gets an
//     invitation and a welcome comment on their earliest merged pull request
//     in the window.
//
//  4. Apply. Invitations are sent with POST /orgs/{org}/invitations, never
//     PUT /orgs/{org}/memberships/{user} (which would turn an owner into a
//     plain member). Each outcome is saved to the state file as it happens,
//     so a run killed half-way loses nothing. One person's failure does not
//     stop the others: they are queued and tried first on the next run. Only
//     when everything up to To has been read does the cursor move to To.
//
// A dry run stops after step 3 and reports the plan; it sends no mutating
// request and does not write the state file.
//
// The package reaches GitHub only through the small interfaces in
// github.go, which the ghapi package implements for the real API and tests
// implement with a fake.
package reconcile

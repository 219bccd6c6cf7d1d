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
//  3. Plan (pure, no I/O: Classify, then Plan). Pull requests in repositories the Policy leaves
//     out (RepoFilter: name patterns, forks, archived, private) are dropped
//     and counted. Each remaining pull request's author becomes a candidate
//     when it is a User: bots, mannequins, deleted accounts (author null)
//     and logins matching the Policy's exclusions are never candidates. A
//     person is their numeric user id, never their login, since logins can
//     be renamed and reused; a known person's login is refreshed when they
//     are seen. Anyone already recorded in the state with a final status is
//     left alone for good (unless their invitation expired long enough ago
//     for Policy.ReinviteExpiredAfter); someone recorded as counting comes
//     back only with a pull request merged after the one they were counted
//     on. The remaining candidates are checked against the organization's
//     members and pending invitations, read fresh from GitHub on every run
//     (level-based: the state is not trusted to know who joined since).
//     Members and people with a pending invitation are recorded as such.
//     With Policy.MinMergedPRs, the others' merged pull requests in the
//     organization are counted (fifty people per search request) and those
//     below it are recorded as counting. Everyone else gets an invitation
//     (role and teams from the Policy; teams are resolved before anything
//     is read, so a missing one fails the run at once) and a welcome comment
//     on their earliest merged pull request in the window, unless the
//     Policy turns comments off.
//
//  4. Apply. Invitations are sent with POST /orgs/{org}/invitations, never
//     PUT /orgs/{org}/memberships/{user} (which would turn an owner into a
//     plain member). Everything is written down through state.Store.Update,
//     which appends to the state's journal on disk before returning: the
//     people settled without a request in one write; invitations in batches
//     of 20, each batch saved as "inviting" before its first invitation goes
//     out and its outcomes (welcome comments included) saved when it is done
//     (a welcome's hidden marker finds a comment posted but not yet saved).
//     The command folds the journal into the state file once, at the
//     end of the run, and a run killed half-way leaves the journal for the
//     next run to replay, so nothing is lost. One person's failure does not
//     stop the others: they are queued and tried first on the next run. Only
//     when everything up to To has been read does the cursor move to To (a
//     --since after the cursor leaves it where it was, and says so).
//
// The journal. Nothing is sent before it is written down: people are saved
// as "inviting" before their invitation goes out. Whoever finds someone
// "inviting" (the next run, after a crash; this run, after a lost answer)
// does not know whether GitHub created the invitation, and ResolveUnsure
// alone decides, from GitHub's answers: a member or pending invitee with
// the same user id holds our invitation (record it, welcome them unless our
// welcome marker is on their pull request); not a member but the marker is
// there means ours arrived and was declined (record it, never ask again);
// not a member and no marker means it never arrived (send it); anything
// less certain keeps them "inviting" for the next run. GitHub's "already
// invited" or "already a member" in answer to such a second send is the
// same evidence as a pending membership: ours arrived.
//
// Errors are transient (an outage, a rate limit, a lost answer: the people
// concerned wait in the queue for the next run) unless they are a
// TerminalError: the credentials were refused, a permission is missing, or
// a configured team is gone. A terminal error stops the organization's
// changes at once; everyone not yet served is queued, nobody is given a
// final status on its account, and the error is reported once. An invitee
// GitHub refuses as unknown is recorded as gone only after GET /user/{id}
// answers 404.
//
// A dry run stops after step 3 and reports the plan; it sends no mutating
// request and writes neither the state file nor its journal.
//
// The shape of the code. Org makes one orgRun for the organization: the
// client, the store, the organization, the Options (and so its Policy),
// the report, the logger, and what the run learns as it goes (its errors,
// the terminal failure that stopped its changes, why the invitations not
// yet sent wait). Every step is a small method of it: run reads the window
// and plans (plan, collect, lookUp), and apply carries the plan out
// (recordSettled, settle, sendBatch, inviteOne, the welcomes). The
// decisions are pure functions apart from the requests and writes: Classify
// and Plan plan, ResolveUnsure settles an unsure invitation (unsure.go),
// and decideInvitation turns GitHub's answer to one invitation (with what
// was read after it: whether an unknown invitee's account is gone, which
// team a refusal is about) into its outcome (outcome.go): the status to
// record, the report's list and reason, the error if any, whether it is
// terminal, and whether the invitations after it wait.
//
// Options hold what is the same for every organization of a run (now,
// --since, dry run, the web address, the logger); Policy holds each
// organization's own settings, window and invitation caps included.
// PolicyFrom builds a Policy from config.Resolve's result: the one place
// configuration becomes reconcile's types (package config says why there).
//
// The package reaches GitHub only through the small interfaces in
// github.go, which the ghapi package implements for the real API and tests
// implement with a fake.
package reconcile

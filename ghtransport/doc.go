// Package ghtransport holds the http.RoundTrippers that let snekomatic's
// GitHub clients (go-github and githubv4, sharing one *http.Client) ride
// out GitHub's faults and limits. Package ghsession builds, for every
// credential,
//
//	authWatch → oauth2 or the App's installation token → WithIdentity
//	  → NewPerIdentity(base, opts) → that identity's stack → base transport
//
// and each stack (New builds one on its own) is small transports,
// outermost first:
//
//	GraphQLErrorTypes → Polite → RateLimit → Retry → graphQLTimeouts → base
//
// New builds the stack for one credential. NewPerIdentity builds one per
// credential (the identity WithIdentity puts in the request context, above
// the authentication), so that each personal token or App installation has
// its own write pacing, content budget and secondary-limit cooldown: one
// installation's cooldown never stalls another's requests.
//
// # Polite writes
//
// Polite is what GitHub asks of an integration that writes: one write at a
// time per credential, each starting at least a second after the answer to
// the previous one came back (WriteSpacing), and content-creating
// requests (invitations, comments, GraphQL mutations) at most 80 in any
// rolling minute and 500 in any rolling hour, counting what earlier runs
// sent (Options.ContentHistory; Options.ContentSent hears of each one
// just before it goes, for the caller to record). A content-creating
// request that would wait past its budget for the hour to free up is not
// sent: it fails with a *RateLimitError of KindContent, for the caller to
// queue. An invitation waits for room for two, so that its welcome comment
// fits the hour too.
//
// # Stopping
//
// When the caller closes Options.Stop (Ctrl-C), every request still
// waiting in the stack (for its write turn, its spacing, the content
// budget, a rate limit or a backoff) fails at once with an error matching
// ErrNotSent, and ContentSent never hears of it: it certainly did not reach
// GitHub, so nobody needs to look it up later. What is already on the wire
// is left to finish.
//
// graphQLTimeouts turns GitHub's GraphQL timeout (HTTP 200, no data, one
// untyped "Something went wrong while executing your query" error) into the
// 502 it stands for, so that Retry retries queries and never mutations.
//
// Each can also be used on its own. They share one wait budget per request
// (Options.MaxWait, carried in the request context), so a request never
// spends more than MaxWait in total sleeping on backoff and rate limits,
// however the layers combine.
//
// # What is retried, and why writes mostly are not
//
// Retry re-sends reads only: GET and HEAD, and GraphQL POSTs whose document
// holds nothing but queries. They are retried on 500, 502, 503 and 504, on
// timeouts of one attempt (Options.AttemptTimeout), and on connections
// reset, refused or closed before an answer, with exponential backoff and
// full jitter, at most Options.MaxAttempts times. Any other POST, PUT, PATCH
// or DELETE is sent exactly once and its 5xx or error is handed back as is:
// a 502 or a timeout can come after GitHub acted, and an invitation or a
// comment must never be sent twice blindly. The caller decides, after
// reading the state again.
//
// RateLimit is the exception, and retries writes too: a request refused by
// a rate limit was not performed. GitHub checks primary and secondary
// limits before it handles a REST request, and it computes a GraphQL
// document's cost before running it, refusing it whole with RATE_LIMITED
// when the points left do not cover it. So re-sending a rate-limited
// request cannot do anything twice. (One hedge: a GraphQL answer that
// carries both data and a RATE_LIMITED error is only retried for a query.)
//
// Limits recognised:
//
//   - primary: 403 or 429 with x-ratelimit-remaining: 0; wait until
//     x-ratelimit-reset (plus a second, as the header is whole seconds);
//   - secondary: 403 or 429 with Retry-After, or whose body is GitHub's
//     secondary-limit message or documentation URL, or any 429 (a blank
//     Retry-After included); wait Retry-After, else
//     until x-ratelimit-reset, else a minute, doubling each time (as
//     GitHub's documentation asks). A secondary limit also holds back every
//     other request through the same transport until it has passed;
//   - GraphQL: an error whose type is RATE_LIMITED (or RATE_LIMIT) in a 200
//     or 403 answer from the GraphQL endpoint; wait until x-ratelimit-reset.
//
// A wait that would take a request past its budget (or the eleventh limit
// in a row for one request) is not started: the request fails at once with
// a *RateLimitError saying which limit and when it resets.
//
// # Libraries
//
// Backoff is a few lines of our own rather than cenkalti/backoff: that
// library's timer cannot be replaced (its Retry sleeps on real timers and
// reads time.Now), its jitter is ±50% around the interval rather than full
// jitter, and the delays must come out of the same per-request budget as
// rate-limit waits, which a self-contained retry loop cannot share.
//
// Secondary limits are recognised with github.com/gofri/go-github-ratelimit's
// own rule (SecondaryRateLimitBody.IsSecondaryRateLimit: the message prefix
// or the documentation URL suffix), so that when GitHub rewords its answer,
// updating that well-kept library updates us too; go-github recognises them
// by the same URL suffixes. Its RoundTrippers are not used: they sleep on
// the real clock (tests would sleep for real and could not check waits),
// the secondary limiter's sleep budget accumulates over the transport's
// whole life instead of per request, it hands the 403 back when it gives up
// instead of a typed error, it knows nothing of GraphQL's RATE_LIMITED, and
// its primary limiter fails requests rather than waiting for the reset.
//
// # GraphQL error types
//
// githubv4 reports GraphQL errors by message only, dropping the "type" that
// GitHub adds (NOT_FOUND, FORBIDDEN, RATE_LIMITED, INSUFFICIENT_SCOPES, ...).
// GraphQLErrorTypes reads a 200 answer from the GraphQL endpoint and, if any
// of its errors has a type, fails the round trip with GraphQLErrors, so that
//
//	var ge *ghtransport.GraphQLError
//	if errors.As(err, &ge) && ge.Type == "NOT_FOUND" { ... }
//
// works on what githubv4 returns (http.Client wraps the error in a
// *url.Error, which unwraps). Partial data that came with a typed error is
// dropped, unless the request's context comes from WithPartialData: then an
// answer with data and errors that each name their field goes through to
// githubv4, which decodes the data, and the typed errors are kept for the
// caller. Answers whose errors carry no type pass through untouched.
//
// Several layers look into GraphQL answers (graphQLTimeouts for the timeout
// in a 200, RateLimit for RATE_LIMITED and secondary limits, GraphQLErrorTypes
// for the types), but each answer is decoded once: the first layer to look
// leaves what it read in the request's context for the others (answerMemo
// in graphql.go).
//
// # For callers
//
//   - The errors this package returns (*RateLimitError, GraphQLErrors,
//     timeouts) reach go-github and githubv4 as transport errors, wrapped in
//     *url.Error: go-github does not turn them into its own
//     *github.RateLimitError. A *RateLimitError always means the request was
//     not performed.
//   - go-github refuses, without sending it, any request made while the
//     last answer it saw said x-ratelimit-remaining: 0. To let RateLimit do
//     the waiting instead, build the go-github client with
//     github.WithDisableRateLimitCheck() (or put github.BypassRateLimitCheck
//     in the context).
//   - http.Client.Timeout bounds the whole call, waits included, and would
//     cut rate-limit waits short; leave it unset and let
//     Options.AttemptTimeout bound each attempt.
//   - Logs name the method and the URL path only: never headers, query
//     strings or error texts that could carry a secret.
package ghtransport

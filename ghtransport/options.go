package ghtransport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxWait        = 15 * time.Minute
	DefaultMaxAttempts    = 5
	DefaultAttemptTimeout = time.Minute
)

// Options configure the transports. The zero value means the defaults.
type Options struct {
	// MaxWait bounds the total time one request may spend waiting on rate
	// limits and retry backoff, across all the layers it goes through
	// (default 15 minutes). A rate-limit wait that does not fit fails the
	// request with a *RateLimitError; a backoff that does not fit ends the
	// retries with the last answer.
	MaxWait time.Duration
	// MaxAttempts bounds how often Retry sends one read (default 5; 1
	// turns retries off).
	MaxAttempts int
	// AttemptTimeout bounds one attempt, from sending the request to
	// closing the response body (default 1 minute; negative: no bound).
	// A read that times out is retried; a write is not.
	AttemptTimeout time.Duration
	// GraphQLPath is the URL path of the GraphQL endpoint. Empty means
	// "/graphql" (github.com) or "/api/graphql" (GitHub Enterprise Server).
	GraphQLPath string
	// Logger receives waits and retries; nil discards them.
	Logger *slog.Logger
	// Sleep waits for d or until ctx is done, returning ctx's error then;
	// nil means a timer. Tests inject it so that nothing really sleeps.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock that rate-limit resets are compared with; nil means
	// time.Now.
	Now func() time.Time

	// WriteSpacing is the least time between the answer to one write with
	// a credential and the start of the next (default DefaultWriteSpacing,
	// GitHub's "at least one second"; negative: no spacing, for tests of
	// other things).
	WriteSpacing time.Duration
	// ContentPerMinute and ContentPerHour cap the content-creating
	// requests of one credential in any rolling minute and hour (defaults
	// DefaultContentPerMinute and DefaultContentPerHour, GitHub's
	// secondary limits; negative: no cap).
	ContentPerMinute, ContentPerHour int
	// ContentHistory, if set, returns when content-creating requests were
	// sent with a credential since a time, by earlier runs (from the
	// state), so that runs close together never add up past the hourly
	// limit. It is called once per identity, on its first request.
	ContentHistory func(identity string, since time.Time) []time.Time
	// ContentSent, if set, is told of each content-creating request just
	// before it is sent, after any wait, with the time it goes out, so
	// that the caller can record it for the next run's ContentHistory. If
	// it fails, the request is not sent and its error is returned.
	ContentSent func(req *http.Request, at time.Time) error
	// Stop, if set, is closed when the caller stops sending (Ctrl-C):
	// from then on no request starts a wait, a wait in progress (a write
	// for its turn or spacing, room in the content budget, a rate limit or
	// a retry's backoff) ends at once, and the request fails with an
	// error matching ErrNotSent. Requests already handed to the network
	// are left to finish. Nil: never.
	Stop <-chan struct{}
}

// ErrNotSent marks the failure of a request that certainly did not reach
// GitHub: it was stopped (Options.Stop, its context ended) while waiting
// to be sent. Unlike a timeout or a dropped connection it leaves nothing
// to look up; test for it with errors.Is. (For a read that Retry was
// retrying, it is the retry that was not sent.)
var ErrNotSent = errors.New("the request was not sent")

// errStopped is a wait ended by Options.Stop.
var errStopped = fmt.Errorf("%w: stopping", ErrNotSent)

func (o Options) withDefaults() Options {
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.AttemptTimeout == 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Stop != nil {
		o.Sleep = stoppable(o.Sleep, o.Stop)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.WriteSpacing == 0 {
		o.WriteSpacing = DefaultWriteSpacing
	}
	if o.ContentPerMinute == 0 {
		o.ContentPerMinute = DefaultContentPerMinute
	}
	if o.ContentPerHour == 0 {
		o.ContentPerHour = DefaultContentPerHour
	}
	return o
}

// isGraphQL reports whether a request is a POST to the GraphQL endpoint.
func (o *Options) isGraphQL(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := r.URL.Path
	if o.GraphQLPath != "" {
		return p == o.GraphQLPath
	}
	return p == "/graphql" || p == "/api/graphql"
}

// New returns base wrapped in the whole stack for one credential:
// GraphQLErrorTypes, then Polite, then RateLimit, then Retry. A nil base
// means http.DefaultTransport. Use NewPerIdentity when several
// credentials share the base.
func New(base http.RoundTripper, o Options) http.RoundTripper {
	return newStack(base, o, "")
}

func newStack(base http.RoundTripper, o Options, identity string) http.RoundTripper {
	var history []time.Time
	if o.ContentHistory != nil {
		now := o.Now
		if now == nil {
			now = time.Now
		}
		history = o.ContentHistory(identity, now().Add(-time.Hour))
	}
	if base == nil {
		base = http.DefaultTransport
	}
	retry := NewRetry(&graphQLTimeouts{base: base, o: o}, o)
	return NewGraphQLErrorTypes(NewPolite(NewRateLimit(retry, o), o, history), o)
}

// stoppable makes sleep end with errStopped as soon as stop is closed.
func stoppable(sleep func(context.Context, time.Duration) error, stop <-chan struct{}) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		select {
		case <-stop:
			return errStopped
		default:
		}
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		go func() {
			select {
			case <-stop:
				cancel(errStopped)
			case <-ctx.Done():
			}
		}()
		err := sleep(ctx, d)
		if err != nil && context.Cause(ctx) == errStopped {
			return errStopped
		}
		return err
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// budget is what is left of a request's MaxWait. It travels in the request
// context so that every layer draws on the same one.
type budget struct {
	mu   sync.Mutex
	left time.Duration
}

type budgetKey struct{}

// withBudget returns req carrying a budget: the one already in its context,
// or a fresh one of limit.
func withBudget(req *http.Request, limit time.Duration) (*http.Request, *budget) {
	if b, ok := req.Context().Value(budgetKey{}).(*budget); ok {
		return req, b
	}
	b := &budget{left: limit}
	return req.WithContext(context.WithValue(req.Context(), budgetKey{}, b)), b
}

// take spends d if that much is left.
func (b *budget) take(d time.Duration) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d > b.left {
		return false
	}
	b.left -= d
	return true
}

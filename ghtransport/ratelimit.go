package ghtransport

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofri/go-github-ratelimit/v2/github_ratelimit/github_secondary_ratelimit"
)

// RateLimitKind says which of GitHub's limits refused a request.
type RateLimitKind string

// Kinds of rate limit.
const (
	// KindPrimary is the REST budget of requests per hour
	// (403 or 429 with x-ratelimit-remaining: 0).
	KindPrimary RateLimitKind = "primary"
	// KindSecondary is a secondary ("abuse") limit: too many requests at
	// once, too many writes, too much CPU (403 or 429 with Retry-After, or
	// GitHub's secondary-limit message).
	KindSecondary RateLimitKind = "secondary"
	// KindGraphQL is the GraphQL budget of points per hour (an error of
	// type RATE_LIMITED).
	KindGraphQL RateLimitKind = "graphql"
)

// RateLimitError is returned, instead of a response, when waiting for a
// rate limit to pass would take a request past its wait budget
// (Options.MaxWait). The request was not performed.
type RateLimitError struct {
	// Kind is the limit that refused the request.
	Kind RateLimitKind
	// Reset is when the limit is expected to lift.
	Reset time.Time
	// Wait is how long the request would have had to wait.
	Wait time.Duration
}

// Error returns a one-line description.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("GitHub %s rate limit until %s: waiting %s more is past the time allowed",
		e.Kind, e.Reset.UTC().Format(time.RFC3339), e.Wait.Round(time.Second))
}

// Waits used when GitHub says a request was rate limited but not until
// when: GitHub's documentation asks for at least a minute, growing
// exponentially while the limit lasts.
const (
	fallbackWait = time.Minute
	// resetSlack is added to waits until x-ratelimit-reset, which is in
	// whole seconds, so the retry does not arrive a moment early.
	resetSlack = time.Second
	// minWait is the least a rate-limited request waits before it is sent
	// again, even when the reset it was given has passed.
	minWait = time.Second
	// maxRateLimitRetries stops a server that keeps refusing with short
	// waits from holding a request for the whole budget.
	maxRateLimitRetries = 10
	// maxErrorPeek caps how much of a REST 403 or 429 body is read to
	// recognise a secondary limit (GraphQL answers are read once, up to
	// maxGraphQLPeek, for every layer).
	maxErrorPeek = 1 << 20
)

// RateLimit waits out GitHub's primary, secondary and GraphQL rate limits
// and sends the request again, writes included (a rate-limited request was
// not performed). A wait that does not fit in the request's budget fails it
// with a *RateLimitError. After a secondary limit, every request through
// the same RateLimit waits until it has passed, as GitHub asks.
type RateLimit struct {
	base http.RoundTripper
	o    Options

	mu sync.Mutex
	// until is when the last secondary limit seen lifts.
	until time.Time
}

var _ http.RoundTripper = (*RateLimit)(nil)

// NewRateLimit wraps base (nil: http.DefaultTransport).
func NewRateLimit(base http.RoundTripper, o Options) *RateLimit {
	if base == nil {
		base = http.DefaultTransport
	}
	return &RateLimit{base: base, o: o.withDefaults()}
}

// limit is a rate limit recognised in an answer.
type limit struct {
	kind  RateLimitKind
	reset time.Time
	wait  time.Duration
}

// RoundTrip implements http.RoundTripper.
func (t *RateLimit) RoundTrip(req *http.Request) (*http.Response, error) {
	req, err := replayable(req)
	if err != nil {
		return nil, err
	}
	req, b := withBudget(req, t.o.MaxWait)
	ctx := req.Context()
	gql, query := t.o.isGraphQL(req), false
	if gql {
		req = withAnswerMemo(req)
		body, err := requestBody(req)
		if err != nil {
			return nil, err
		}
		query = graphQLIsQuery(body)
	}
	log := t.o.Logger
	// waited is the end of the last limit this request waited for itself,
	// so that it does not wait for it twice through the cooldown.
	var waited time.Time
	for n := 0; ; n++ {
		if l, ok := t.cooldown(); ok && l.reset.After(waited) {
			if !b.take(l.wait) {
				log.Warn("GitHub secondary rate limit lasts too long; giving up", "method", req.Method,
					"path", req.URL.Path, "kind", l.kind, "wait", l.wait.String())
				return nil, &RateLimitError{Kind: l.kind, Reset: l.reset, Wait: l.wait}
			}
			log.Info("waiting for a GitHub secondary rate limit to pass", "method", req.Method,
				"path", req.URL.Path, "kind", l.kind, "wait", l.wait.String())
			if err := t.o.Sleep(ctx, l.wait); err != nil {
				return nil, err
			}
		}
		r, err := resend(req, n)
		if err != nil {
			return nil, err
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil {
			return resp, err
		}
		l, ok := t.detect(r, resp, gql, query, n)
		if !ok {
			return resp, nil
		}
		discard(resp)
		if l.kind == KindSecondary {
			t.hold(l.reset)
		}
		if n >= maxRateLimitRetries || !b.take(l.wait) {
			log.Warn("GitHub rate limit lasts too long; giving up", "method", req.Method,
				"path", req.URL.Path, "status", resp.StatusCode, "kind", l.kind, "wait", l.wait.String(), "attempt", n+1)
			return nil, &RateLimitError{Kind: l.kind, Reset: l.reset, Wait: l.wait}
		}
		log.Info("GitHub rate limit; waiting to send again", "method", req.Method, "path", req.URL.Path,
			"status", resp.StatusCode, "kind", l.kind, "wait", l.wait.String(), "attempt", n+1)
		if err := t.o.Sleep(ctx, l.wait); err != nil {
			return nil, err
		}
		waited = l.reset
	}
}

// cooldown returns the secondary limit still in force, if any.
func (t *RateLimit) cooldown() (limit, bool) {
	t.mu.Lock()
	until := t.until
	t.mu.Unlock()
	if wait := until.Sub(t.o.Now()); wait > 0 {
		return limit{kind: KindSecondary, reset: until, wait: wait}, true
	}
	return limit{}, false
}

// hold makes other requests wait for a secondary limit until reset.
func (t *RateLimit) hold(reset time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if reset.After(t.until) {
		t.until = reset
	}
}

// detect recognises a rate-limited answer to req; n is how many times this
// request has been rate limited already.
func (t *RateLimit) detect(req *http.Request, resp *http.Response, gql, query bool, n int) (limit, bool) {
	now := t.o.Now()
	h := resp.Header
	reset, hasReset := unixHeader(h, "X-RateLimit-Reset")
	untilReset := func(kind RateLimitKind) limit {
		if !hasReset {
			return t.fallback(kind, now, n)
		}
		wait := max(reset.Sub(now)+resetSlack, minWait)
		return limit{kind: kind, reset: now.Add(wait), wait: wait}
	}
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusTooManyRequests:
	case http.StatusOK:
		if !gql {
			return limit{}, false
		}
		ans, ok := graphQLAnswerOf(req, resp)
		// A mutation that returned data did something: do not repeat it.
		if !ok || !ans.rateLimited() || ans.hasData && !query {
			return limit{}, false
		}
		return untilReset(KindGraphQL), true
	default:
		return limit{}, false
	}

	primary := KindPrimary
	if gql {
		primary = KindGraphQL
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		return untilReset(primary), true
	}
	if ra, ok := retryAfter(resp, now); ok {
		wait := max(ra, minWait)
		return limit{kind: KindSecondary, reset: now.Add(wait), wait: wait}, true
	}
	// The body: GitHub's secondary-limit message, or in a GraphQL answer
	// a RATE_LIMITED error. A GraphQL answer is read as such (once, with
	// the members of the plain error body), a REST one here. A body that is
	// not JSON (or too long to read) says nothing; a 429 is still a limit,
	// below.
	var body github_secondary_ratelimit.SecondaryRateLimitBody
	var ans graphQLAnswer
	if gql {
		ans, _ = graphQLAnswerOf(req, resp)
		body = github_secondary_ratelimit.SecondaryRateLimitBody{Message: ans.message, DocumentURL: ans.documentationURL}
	} else if b, complete := peek(resp, maxErrorPeek); complete && json.Unmarshal(b, &body) != nil {
		body = github_secondary_ratelimit.SecondaryRateLimitBody{}
	}
	if body.IsSecondaryRateLimit() {
		if hasReset && reset.After(now) {
			return untilReset(KindSecondary), true
		}
		return t.fallback(KindSecondary, now, n), true
	}
	if gql && ans.rateLimited() {
		return untilReset(KindGraphQL), true
	}
	// 429 always means a rate limit ("Rate limits for the REST API": "you
	// will receive a 403 or 429 response"), even with a blank Retry-After
	// and a body we do not recognise: wait a minute, then longer.
	if resp.StatusCode == http.StatusTooManyRequests {
		if hasReset && reset.After(now) {
			return untilReset(KindSecondary), true
		}
		return t.fallback(KindSecondary, now, n), true
	}
	return limit{}, false
}

// fallback is the wait when GitHub did not say how long: a minute,
// doubling each time the same request is limited again.
func (t *RateLimit) fallback(kind RateLimitKind, now time.Time, n int) limit {
	wait := fallbackWait << min(n, 10)
	return limit{kind: kind, reset: now.Add(wait), wait: wait}
}

func (a graphQLAnswer) rateLimited() bool {
	for _, e := range a.errors {
		if e.Type == "RATE_LIMITED" || e.Type == "RATE_LIMIT" {
			return true
		}
	}
	return false
}

// unixHeader reads a header holding seconds since the epoch.
func unixHeader(h http.Header, key string) (time.Time, bool) {
	s, err := strconv.ParseInt(h.Get(key), 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}, false
	}
	return time.Unix(s, 0), true
}

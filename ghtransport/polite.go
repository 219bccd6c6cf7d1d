package ghtransport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"
)

// GitHub's asks of an integration that writes, from "Best practices for
// using the REST API"
// (https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api):
// "make requests serially instead of concurrently" and "if you are making
// a large number of POST, PATCH, PUT, or DELETE requests, wait at least one
// second between each request"; and from "Rate limits for the REST API"
// (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits):
// "no more than 80 content-generating requests per minute and no more than
// 500 content-generating requests per hour" (creating an invitation and
// posting a comment both generate content and notifications).
const (
	DefaultWriteSpacing     = time.Second
	DefaultContentPerMinute = 80
	DefaultContentPerHour   = 500
)

// KindContent is GitHub's secondary limit on content-creating requests,
// when Polite would have to wait past a request's budget for it.
const KindContent RateLimitKind = "content-creation"

// Polite is the well-behaved writer GitHub asks for: it sends one write at
// a time, at least Options.WriteSpacing after the previous one ended, and
// holds content-creating requests back so that no rolling minute has more
// than Options.ContentPerMinute of them and no rolling hour more than
// Options.ContentPerHour, counting those that earlier runs sent
// (Options.ContentHistory). A content-creating request that would have to
// wait past its budget for the hourly count to fall is not sent: it fails
// with a *RateLimitError of KindContent, so that the caller queues it for a
// later run. Reads pass straight through, concurrently.
//
// Once Options.Stop is closed, a write still waiting here (for its turn,
// its spacing or room in the content budget) fails at once with an error
// matching ErrNotSent, and no write starts; the one already handed to the
// network finishes.
//
// One Polite must serve exactly one credential (see PerIdentity): GitHub
// counts its limits per user or installation.
type Polite struct {
	base http.RoundTripper
	o    Options

	// turn is held for the whole of one write, waits included: a
	// one-slot semaphore rather than a mutex, so that a write waiting for
	// its turn can give up when the caller stops.
	turn chan struct{}
	// ended is when the last write's answer came back (zero: none yet);
	// guarded by turn. The spacing runs from there, not from its start.
	ended time.Time
	// sent holds the start times of content-creating requests in the last
	// hour, oldest first; guarded by turn.
	sent []time.Time
}

var _ http.RoundTripper = (*Polite)(nil)

// NewPolite wraps base (nil: http.DefaultTransport). history holds the
// times of content-creating requests already sent with this credential
// (by earlier runs); those older than an hour are ignored.
func NewPolite(base http.RoundTripper, o Options, history []time.Time) *Polite {
	if base == nil {
		base = http.DefaultTransport
	}
	o = o.withDefaults()
	p := &Polite{base: base, o: o, turn: make(chan struct{}, 1)}
	p.sent = append(p.sent, history...)
	sort.Slice(p.sent, func(i, j int) bool { return p.sent[i].Before(p.sent[j]) })
	return p
}

// invitationPath matches an invitation, which counts for two in the content
// budget: its welcome comment must fit in the hour too (wait).
var invitationPath = regexp.MustCompile(`/invitations$`)

// contentPath matches the REST writes that create content GitHub notifies
// people about: invitations, comments and membership changes.
var contentPath = regexp.MustCompile(`/(invitations|comments)$|/memberships/[^/]+$`)

// classify says whether req is a write, and whether it creates content.
// GraphQL mutations count as both. The App's token requests are not
// content.
func (t *Polite) classify(req *http.Request) (write, content bool, r *http.Request, err error) {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false, false, req, nil
	}
	if t.o.isGraphQL(req) {
		r, err := replayable(req)
		if err != nil {
			return false, false, nil, err
		}
		body, err := requestBody(r)
		if err != nil {
			return false, false, nil, err
		}
		mutation := !graphQLIsQuery(body)
		return mutation, mutation, r, nil
	}
	if IsAccessTokensPath(req.URL.Path) {
		return true, false, req, nil
	}
	content = (req.Method == http.MethodPost || req.Method == http.MethodPut) && contentPath.MatchString(req.URL.Path)
	return true, content, req, nil
}

// accessTokensPath matches the path of an App's installation token request
// ("Create an installation access token for an app",
// POST /app/installations/{installation_id}/access_tokens), under any API
// prefix.
var accessTokensPath = regexp.MustCompile(`/app/installations/[0-9]+/access_tokens$`)

// IsAccessTokensPath reports whether a URL path is an App's installation
// token request, under any API prefix. It is the one definition: ghapp
// uses it to see tokens arrive, Polite to leave them out of the pacing.
func IsAccessTokensPath(path string) bool { return accessTokensPath.MatchString(path) }

// RoundTrip implements http.RoundTripper.
func (t *Polite) RoundTrip(req *http.Request) (*http.Response, error) {
	write, content, req, err := t.classify(req)
	if err != nil {
		return nil, err
	}
	if !write {
		return t.base.RoundTrip(req)
	}
	req, b := withBudget(req, t.o.MaxWait)
	if err := t.waitTurn(req.Context()); err != nil {
		closeBody(req)
		return nil, err
	}
	defer func() { <-t.turn }()
	if err := t.wait(req, content, b); err != nil {
		closeBody(req)
		return nil, err
	}
	if content {
		at := t.o.Now()
		if t.o.ContentSent != nil {
			if err := t.o.ContentSent(req, at); err != nil {
				closeBody(req)
				return nil, err
			}
		}
		t.sent = append(t.sent, at)
	}
	resp, err := t.base.RoundTrip(req)
	t.ended = t.o.Now()
	var refused *RateLimitError
	if content && (errors.As(err, &refused) || errors.Is(err, ErrNotSent)) {
		// Refused by a limit, or stopped below before it went: it was
		// not performed. (What ContentSent recorded stays: counting a
		// request that never went is the safe side.)
		t.sent = t.sent[:len(t.sent)-1]
	}
	return resp, err
}

// waitTurn takes the write turn, unless ctx ends or the caller stops first.
func (t *Polite) waitTurn(ctx context.Context) error {
	select {
	case <-t.o.Stop:
		return errStopped
	default:
	}
	select {
	case t.turn <- struct{}{}:
		return nil
	case <-t.o.Stop:
		return errStopped
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrNotSent, ctx.Err())
	}
}

// wait holds a write, its turn taken, until it may go: room in the content
// budget (content), then WriteSpacing after the previous write ended. An
// error means that it must not be sent.
func (t *Polite) wait(req *http.Request, content bool, b *budget) error {
	if content {
		now := t.o.Now()
		// An invitation goes only when its welcome comment fits in the
		// hour too, so that nobody is invited and left unwelcomed; one
		// that no welcome will follow (WithoutFollowUp) needs room for
		// itself alone.
		need := 1
		if invitationPath.MatchString(req.URL.Path) && !noFollowUp(req.Context()) {
			need = 2
		}
		if wait, reset := t.contentWait(now, need); wait > 0 {
			if !b.take(wait) {
				t.o.Logger.Info("GitHub's limit on content-creating requests is used up; leaving this one for a later run",
					"method", req.Method, "path", req.URL.Path, "wait", wait.String())
				return &RateLimitError{Kind: KindContent, Reset: reset, Wait: wait}
			}
			t.o.Logger.Info("pacing content-creating requests under GitHub's limit", "method", req.Method,
				"path", req.URL.Path, "wait", wait.String())
			if err := t.pause(req.Context(), wait); err != nil {
				return err
			}
		}
	}
	// GitHub: "wait at least one second between each request" that
	// writes, read as a pause between the answer to one and the start of
	// the next. octokit/plugin-throttling spaces the starts instead (its
	// "write" Bottleneck group, maxConcurrent 1 and minTime 1000, through
	// which a no-op is scheduled before each write: src/index.ts,
	// src/wrap-request.ts), so that a write GitHub takes 800 ms to answer
	// is followed 200 ms later by the next.
	if t.o.WriteSpacing > 0 && !t.ended.IsZero() {
		if d := t.ended.Add(t.o.WriteSpacing).Sub(t.o.Now()); d > 0 {
			if err := t.pause(req.Context(), d); err != nil {
				return err
			}
		}
	}
	select {
	case <-t.o.Stop:
		return errStopped
	default:
		return nil
	}
}

// pause sleeps d before a write that has not gone; whatever cuts it short
// leaves the write certainly not sent.
func (t *Polite) pause(ctx context.Context, d time.Duration) error {
	if err := t.o.Sleep(ctx, d); err != nil {
		if errors.Is(err, ErrNotSent) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	return nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// contentWait is how long a content-creating request must wait at now so
// that neither rolling window goes over, and when that wait ends.
func (t *Polite) contentWait(now time.Time, need int) (time.Duration, time.Time) {
	kept := t.sent[:0]
	for _, s := range t.sent {
		if s.After(now.Add(-time.Hour)) {
			kept = append(kept, s)
		}
	}
	t.sent = kept
	until := now
	// History from the state may lie ahead of now (the caller counts a
	// past run's requests late rather than early); it counts against the
	// hour, not against the current minute.
	over := func(limit, n int, window time.Duration) {
		var in []time.Time
		for _, s := range t.sent {
			if s.After(now.Add(-window)) && (window == time.Hour || !s.After(now)) {
				in = append(in, s)
			}
		}
		sort.Slice(in, func(i, j int) bool { return in[i].Before(in[j]) })
		if limit > 0 && len(in)+n > limit {
			// The last that must fall out of the window for n more.
			if end := in[len(in)+n-limit-1].Add(window); end.After(until) {
				until = end
			}
		}
	}
	over(t.o.ContentPerMinute, 1, time.Minute)
	over(t.o.ContentPerHour, need, time.Hour)
	return until.Sub(now), until
}

// identityKey carries the credential a request is sent with.
type identityKey struct{}

// WithIdentity returns a RoundTripper that marks every request with the
// credential it acts as ("token", "installation:42"), for a PerIdentity
// further down, under the authentication.
func WithIdentity(base http.RoundTripper, identity string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return base.RoundTrip(r.WithContext(context.WithValue(r.Context(), identityKey{}, identity)))
	})
}

// IdentityOf returns the identity WithIdentity put in ctx, or "".
func IdentityOf(ctx context.Context) string {
	s, _ := ctx.Value(identityKey{}).(string)
	return s
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// PerIdentity gives each credential its own stack (New): its own write
// pacing, content budget and secondary-limit cooldown, so that one
// installation's cooldown never holds back another's requests, while the
// organizations that share one token share its pacing. The identity is
// the one WithIdentity set; requests without one share a stack.
type PerIdentity struct {
	base http.RoundTripper
	o    Options

	mu     sync.Mutex
	stacks map[string]http.RoundTripper
}

var _ http.RoundTripper = (*PerIdentity)(nil)

// NewPerIdentity wraps base (nil: http.DefaultTransport).
func NewPerIdentity(base http.RoundTripper, o Options) *PerIdentity {
	if base == nil {
		base = http.DefaultTransport
	}
	return &PerIdentity{base: base, o: o, stacks: map[string]http.RoundTripper{}}
}

// RoundTrip implements http.RoundTripper.
func (p *PerIdentity) RoundTrip(req *http.Request) (*http.Response, error) {
	return p.stack(IdentityOf(req.Context())).RoundTrip(req)
}

func (p *PerIdentity) stack(id string) http.RoundTripper {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stacks[id]
	if s == nil {
		s = newStack(p.base, p.o, id)
		p.stacks[id] = s
	}
	return s
}

// followUpKey marks, in a request's context, an invitation that no
// welcome comment will follow (WithoutFollowUp).
type followUpKey struct{}

// WithoutFollowUp marks the requests of ctx as invitations that no
// content-creating request follows (their welcome comment will not be
// posted: comments are off, or the pull request is too old), so that each
// needs room for itself alone in the hour's content budget, not for a
// welcome too.
func WithoutFollowUp(ctx context.Context) context.Context {
	return context.WithValue(ctx, followUpKey{}, true)
}

func noFollowUp(ctx context.Context) bool {
	v, _ := ctx.Value(followUpKey{}).(bool)
	return v
}

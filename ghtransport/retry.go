package ghtransport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// Backoff between attempts: full jitter, a random delay between zero and
// backoffBase·2ⁿ, capped at backoffCap.
const (
	backoffBase = time.Second
	backoffCap  = 30 * time.Second
)

// Retry re-sends reads (GET, HEAD, GraphQL queries) that failed in a way
// worth retrying: 500, 502, 503 or 504, a timed-out attempt, a connection
// reset, refused or closed before an answer or in the middle of its body.
// Writes are sent once. Every attempt is bounded by Options.AttemptTimeout.
type Retry struct {
	base http.RoundTripper
	o    Options
}

var _ http.RoundTripper = (*Retry)(nil)

// NewRetry wraps base (nil: http.DefaultTransport).
func NewRetry(base http.RoundTripper, o Options) *Retry {
	if base == nil {
		base = http.DefaultTransport
	}
	return &Retry{base: base, o: o.withDefaults()}
}

// RoundTrip implements http.RoundTripper.
func (t *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	read, req, err := t.isRead(req)
	if err != nil {
		return nil, err
	}
	if !read {
		return t.attempt(req)
	}
	req, b := withBudget(req, t.o.MaxWait)
	ctx := req.Context()
	log := t.o.Logger
	for n := 0; ; n++ {
		r, err := resend(req, n)
		if err != nil {
			return nil, err
		}
		resp, err := t.attempt(r)
		if err == nil {
			if berr := bufferBody(resp); berr != nil {
				resp, err = nil, berr
			}
		}
		reason := retryable(ctx, resp, err)
		if reason == "" {
			return resp, err
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		attempt := n + 1
		if attempt >= t.o.MaxAttempts {
			log.Warn("giving up on a GitHub request", "method", req.Method, "path", req.URL.Path,
				"status", status, "reason", reason, "attempt", attempt)
			return resp, err
		}
		wait := jitter(n)
		if ra, ok := retryAfter(resp, t.o.Now()); ok && ra > wait {
			wait = ra
		}
		if !b.take(wait) {
			log.Warn("giving up on a GitHub request: no time left to wait", "method", req.Method,
				"path", req.URL.Path, "status", status, "reason", reason, "attempt", attempt, "wait", wait.String())
			return resp, err
		}
		discard(resp)
		log.Warn("retrying a GitHub request", "method", req.Method, "path", req.URL.Path,
			"status", status, "reason", reason, "attempt", attempt, "wait", wait.String())
		if err := t.o.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

type repeatableKey struct{}

// Repeatable marks a request that is not a read but is safe to send again
// (creating an installation token: a second token does no harm), so that
// Retry retries it like a read. The mark travels in the request's context.
func Repeatable(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), repeatableKey{}, true))
}

func isRepeatable(req *http.Request) bool {
	v, _ := req.Context().Value(repeatableKey{}).(bool)
	return v
}

// isRead reports whether req is safe to send twice. For a GraphQL request
// that means reading its body, so it returns req made replayable.
func (t *Retry) isRead(req *http.Request) (bool, *http.Request, error) {
	get := req.Method == http.MethodGet || req.Method == http.MethodHead || isRepeatable(req)
	if !get && !t.o.isGraphQL(req) {
		return false, req, nil
	}
	req, err := replayable(req)
	if err != nil || get {
		return get, req, err
	}
	body, err := requestBody(req)
	if err != nil {
		return false, nil, err
	}
	return graphQLIsQuery(body), req, nil
}

// attempt sends req once, bounded by AttemptTimeout until the response
// body is closed.
func (t *Retry) attempt(req *http.Request) (*http.Response, error) {
	if t.o.AttemptTimeout < 0 {
		return t.base.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.o.AttemptTimeout)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return resp, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// maxBuffered is the largest answer to a read that is held in memory. The
// answers snekomatic reads (pages of 100) are far smaller.
const maxBuffered = 32 << 20

// bufferBody reads a read's answer into memory before it is handed over, so
// that a body cut off mid-way (the connection dropped: an unexpected EOF, a
// reset, a timeout) is retried like any dropped connection instead of
// reaching the caller as a decoding error. An answer larger than
// maxBuffered is handed over as it streams, its start put back.
func bufferBody(resp *http.Response) error {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBuffered+1))
	if err != nil {
		resp.Body.Close()
		return fmt.Errorf("read the answer: %w", err)
	}
	if len(b) > maxBuffered {
		resp.Body = &peekedBody{Reader: io.MultiReader(bytes.NewReader(b), resp.Body), Closer: resp.Body}
		return nil
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelBody) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// retryable says why an attempt's outcome is worth retrying, or "" if it
// is not. The reason is a fixed phrase: error texts can hold URLs.
func retryable(ctx context.Context, resp *http.Response, err error) string {
	if err == nil {
		switch resp.StatusCode {
		case http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return "status " + strconv.Itoa(resp.StatusCode)
		}
		return ""
	}
	if ctx.Err() != nil {
		return "" // the caller gave up
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE):
		return "connection closed"
	}
	return ""
}

// jitter is the delay before retry n+1: "full jitter", uniform in
// [0, min(cap, base·2ⁿ)), which spreads out clients that failed together.
func jitter(n int) time.Duration {
	d := backoffCap
	if n < 16 {
		d = min(backoffCap, backoffBase<<n)
	}
	return time.Duration(rand.Int64N(int64(d)))
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

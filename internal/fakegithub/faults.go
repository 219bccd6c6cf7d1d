package fakegithub

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Fault injection: GitHub's 502s, secondary rate limits, GraphQL
// RATE_LIMITED answers, latency and requests that never get an answer.

// MsgSecondaryRateLimit starts the message of a secondary rate limit; the
// full message goes on with GitHub's advice to quote the request id.
const MsgSecondaryRateLimit = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."

// MsgServerError is the message of an injected REST 502.
const MsgServerError = "Server Error"

const docSecondaryRateLimit = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"

// Faults describes the faults InjectFaults adds. Counting ("every Nth")
// and the random draws follow the order in which matching requests
// arrive, so the same seed and the same sequence of requests give the same
// faults. When one request is due several faults, the first in this order
// wins: hang, secondary limit, GraphQL RATE_LIMITED, 502.
//
// A faulted request is answered before authentication and before any
// handler runs, so it was not performed and uses no rate limit, as on
// GitHub: except with AmbiguousWrites, which performs a REST write and
// then answers 502 anyway.
type Faults struct {
	// Seed seeds the draws of Rate502.
	Seed int64
	// Rate502 is the share of requests (0 to 1) answered 502: REST in
	// GitHub's {"message":"Server Error"} shape, GraphQL with a
	// "Something went wrong while executing your query" error.
	Rate502 float64
	// AmbiguousWrites makes a 502 drawn for a REST write (POST, PUT,
	// PATCH, DELETE) happen after the write was performed, as when GitHub
	// acts and the answer is lost on the way back. The client cannot tell
	// the difference; a careful one reads the state before trying again.
	AmbiguousWrites bool
	// SecondaryEvery answers every Nth request 403 with Retry-After: 1
	// and GitHub's secondary-rate-limit message and documentation URL.
	SecondaryEvery int
	// GraphQLRateLimitedEvery answers every Nth GraphQL request 200 with
	// an error of type RATE_LIMITED, x-ratelimit-remaining: 0 and a reset
	// a second or so ahead of the fake's clock.
	GraphQLRateLimitedEvery int
	// TooManyEvery answers every Nth request 429 with GitHub's
	// secondary-limit message, as GitHub may instead of 403 ("Rate limits
	// for the REST API": "you will receive a 403 or 429 response"). With
	// BlankRetryAfter the Retry-After header is present but empty, and
	// the 403s of SecondaryEvery carry none either: a client must then
	// wait at least a minute (the same document: "if the retry-after
	// response header is present ... Otherwise, wait for at least one
	// minute before retrying").
	TooManyEvery    int
	BlankRetryAfter bool
	// GraphQLTimeoutEvery answers every Nth GraphQL request the way
	// GitHub reports a query that ran out of time: HTTP 200, "data" null
	// and one untyped error, "Something went wrong while executing your
	// query. This may be the result of a timeout..." ("Rate limits and
	// query limits for the GraphQL API", Timeouts:
	// https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#timeouts).
	GraphQLTimeoutEvery int
	// Latency delays every request (on the real clock).
	Latency time.Duration
	// HangEvery makes every Nth request never get an answer: it waits
	// until the client gives up or the server closes, then the connection
	// is dropped. It is recorded with Status 0.
	HangEvery int
	// StuckPages makes every paged answer say that there is a next page,
	// which is the page just served: a GraphQL connection's pageInfo says
	// hasNextPage true with the endCursor it first gave (at that place in
	// the answer), and a REST listing's Link header has rel="next" pointing
	// at the page just read. It is GitHub's paging
	// (https://docs.github.com/graphql/guides/using-pagination-in-the-graphql-api,
	// https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api)
	// stuck in place, as a proxy or a bug might leave it: a client that
	// follows it without looking never stops. It applies to GraphQL
	// requests and REST reads, and is counted in Stuck.
	StuckPages bool
	// Only, if set, limits faults (and counting) to the requests for
	// which it returns true. It is called for one request at a time, with
	// the injector's lock held (so it may keep counters of its own but
	// must not call the injector). KindOf and TokenOf work inside it.
	Only func(*http.Request) bool
}

// FaultCounts counts the faults injected so far.
type FaultCounts struct {
	// BadGateway counts 502s answered without performing the request.
	BadGateway int
	// AmbiguousWrites counts writes performed and then answered 502.
	AmbiguousWrites int
	// Secondary counts secondary rate limits.
	Secondary int
	// GraphQLRateLimited counts GraphQL RATE_LIMITED answers.
	GraphQLRateLimited int
	// TooMany counts 429s.
	TooMany int
	// GraphQLTimeouts counts GraphQL timeouts answered in a 200.
	GraphQLTimeouts int
	// Hung counts requests left without an answer.
	Hung int
	// Delayed counts requests delayed by Latency.
	Delayed int
	// Stuck counts answers StuckPages rewrote.
	Stuck int
}

// FaultInjector is the handle on faults added by InjectFaults.
type FaultInjector struct {
	g *GitHub
	f Faults

	mu      sync.Mutex
	rng     *rand.Rand
	n, nGQL int
	stopped bool
	counts  FaultCounts
	// cursors are the endCursors StuckPages answers, by place in the answer.
	cursors map[string]any
}

// InjectFaults adds a middleware (see Use) that injects the faults f
// describes. Each call adds an independent injector with its own counters;
// Stop turns one off.
func (g *GitHub) InjectFaults(f Faults) *FaultInjector {
	switch {
	case f.Rate502 < 0 || f.Rate502 > 1:
		panic(fmt.Sprintf("fakegithub: Rate502 %v is not between 0 and 1", f.Rate502))
	case f.SecondaryEvery < 0 || f.GraphQLRateLimitedEvery < 0 || f.HangEvery < 0 || f.Latency < 0 ||
		f.TooManyEvery < 0 || f.GraphQLTimeoutEvery < 0:
		panic("fakegithub: negative fault setting")
	}
	fi := &FaultInjector{g: g, f: f, rng: rand.New(rand.NewPCG(uint64(f.Seed), 0x5eed_fa17))}
	g.Use(fi.middleware)
	return fi
}

// Stop stops injecting faults; requests already held keep their fault.
func (fi *FaultInjector) Stop() {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.stopped = true
}

// Counts returns the faults injected so far.
func (fi *FaultInjector) Counts() FaultCounts {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.counts
}

type fault int

const (
	faultNone fault = iota
	faultHang
	faultSecondary
	faultTooMany
	faultGraphQLTimeout
	faultGraphQLRateLimited
	fault502
	faultAmbiguous502
	faultStuckPages
)

// decide picks the fault of the next matching request.
func (fi *FaultInjector) decide(r *http.Request) (fault, bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.stopped || fi.f.Only != nil && !fi.f.Only(r) {
		return faultNone, false
	}
	f := &fi.f
	fi.n++
	gql := KindOf(r) == KindGraphQL
	if gql {
		fi.nGQL++
	}
	draw := fi.rng.Float64() // drawn for every request, to keep the sequence
	delay := f.Latency > 0
	if delay {
		fi.counts.Delayed++
	}
	switch {
	case every(fi.n, f.HangEvery):
		fi.counts.Hung++
		return faultHang, delay
	case every(fi.n, f.SecondaryEvery):
		fi.counts.Secondary++
		return faultSecondary, delay
	case every(fi.n, f.TooManyEvery):
		fi.counts.TooMany++
		return faultTooMany, delay
	case gql && every(fi.nGQL, f.GraphQLTimeoutEvery):
		fi.counts.GraphQLTimeouts++
		return faultGraphQLTimeout, delay
	case gql && every(fi.nGQL, f.GraphQLRateLimitedEvery):
		fi.counts.GraphQLRateLimited++
		return faultGraphQLRateLimited, delay
	case f.StuckPages && (gql || KindOf(r) == KindRESTRead):
		fi.counts.Stuck++
		return faultStuckPages, delay
	case draw < f.Rate502:
		if f.AmbiguousWrites && KindOf(r) == KindRESTWrite {
			fi.counts.AmbiguousWrites++
			return faultAmbiguous502, delay
		}
		fi.counts.BadGateway++
		return fault502, delay
	}
	return faultNone, delay
}

func every(n, every int) bool { return every > 0 && n%every == 0 }

func (fi *FaultInjector) middleware(next http.Handler) http.Handler {
	g := fi.g
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, delay := fi.decide(r)
		if delay {
			g.holdOrAbort(r, time.After(fi.f.Latency))
		}
		switch f {
		case faultNone:
			next.ServeHTTP(w, r)
		case faultHang:
			g.holdOrAbort(r, nil)
		case faultSecondary, faultTooMany:
			w.Header().Set("Retry-After", "1")
			if fi.f.BlankRetryAfter {
				w.Header()["Retry-After"] = []string{""}
			}
			msg := MsgSecondaryRateLimit + " If you reach out to GitHub Support for help, please include the request ID " +
				w.Header().Get("X-GitHub-Request-Id") + "."
			code := http.StatusForbidden
			if f == faultTooMany {
				code = http.StatusTooManyRequests
			}
			WriteError(w, code, msg, docSecondaryRateLimit)
		case faultGraphQLTimeout:
			body := &orderedObject{}
			body.set("data", nil)
			body.set("errors", []*GraphQLError{{Message: graphQLTimeoutMessage(w)}})
			WriteJSON(w, http.StatusOK, body)
		case faultGraphQLRateLimited:
			g.writeGraphQLRateLimited(w, r)
		case fault502:
			write502(w, r)
		case faultStuckPages:
			fi.serveStuck(next, w, r)
		case faultAmbiguous502:
			next.ServeHTTP(httptest.NewRecorder(), r)
			write502(w, r)
		}
	})
}

// holdOrAbort waits for done (nil: forever), and drops the connection
// without an answer if the client gives up or the server closes first.
func (g *GitHub) holdOrAbort(r *http.Request, done <-chan time.Time) {
	select {
	case <-done:
		return
	case <-r.Context().Done():
	case <-g.Closing():
	}
	panic(http.ErrAbortHandler)
}

func write502(w http.ResponseWriter, r *http.Request) {
	if KindOf(r) == KindGraphQL {
		body := &orderedObject{}
		body.set("data", nil)
		body.set("errors", []*GraphQLError{{Message: graphQLTimeoutMessage(w)}})
		WriteJSON(w, http.StatusBadGateway, body)
		return
	}
	WriteJSON(w, http.StatusBadGateway, struct {
		Message string `json:"message"`
	}{MsgServerError})
}

// writeGraphQLRateLimited answers like a GraphQL request over its budget.
func (g *GitHub) writeGraphQLRateLimited(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	now := g.now()
	msg := "API rate limit exceeded."
	if t := g.w.tokens[TokenOf(r)]; t != nil {
		msg = g.rateLimitMessage(t)
	}
	g.mu.Unlock()
	limit := rateLimits["graphql"].limit
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(now.Truncate(time.Second).Add(time.Second).Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit))
	h.Set("X-RateLimit-Resource", "graphql")
	WriteGraphQLErrors(w, &GraphQLError{Type: "RATE_LIMITED", Message: msg})
}

// graphQLTimeoutMessage is GitHub's text for a GraphQL query that failed
// or ran out of time, quoting the request id.
func graphQLTimeoutMessage(w http.ResponseWriter) string {
	return "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `" +
		w.Header().Get("X-GitHub-Request-Id") + "` when reporting this issue."
}

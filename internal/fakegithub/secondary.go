package fakegithub

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// GitHub's secondary limit on content-creating requests, on by default.
//
// "Rate limits for the REST API", About secondary rate limits
// (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits):
// "No more than 80 content-generating requests per minute and no more than
// 500 content-generating requests per hour are allowed", counted per user
// or App installation; a request over the limit gets "a 403 or 429
// response and an error message that indicates that you exceeded a
// secondary rate limit", with a retry-after header when GitHub says how
// long to wait. Creating an invitation and posting a comment both create
// content ("Create an organization invitation" and "Create an issue
// comment": "Creating content too quickly using this endpoint may result
// in secondary rate limiting").

// Defaults of SetContentLimits: GitHub's documented limits.
const (
	DefaultContentPerMinute = 80
	DefaultContentPerHour   = 500
)

// contentLimits is one fake's setting and the requests it counted
// (GitHub.content). It has a lock of its own: limitContent counts a
// request without holding g.mu.
type contentLimits struct {
	mu                 sync.Mutex
	perMinute, perHour int
	// sent holds, per credential, when each accepted content-creating
	// request arrived.
	sent    map[string][]time.Time
	refused int
}

func newContentLimits() *contentLimits {
	return &contentLimits{perMinute: DefaultContentPerMinute, perHour: DefaultContentPerHour, sent: map[string][]time.Time{}}
}

// SetContentLimits sets how many content-creating requests (new
// invitations and comments) one credential may send per rolling minute and
// per rolling hour of the fake's clock before the fake answers 403 with
// GitHub's secondary-limit message and a Retry-After. The defaults are
// GitHub's 80 and 500; 0 turns a limit off (for a focused test).
func (g *GitHub) SetContentLimits(perMinute, perHour int) {
	cl := g.content
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.perMinute, cl.perHour = perMinute, perHour
}

// ContentLimitRefusals counts the requests refused by the content limits.
func (g *GitHub) ContentLimitRefusals() int {
	cl := g.content
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.refused
}

// credentialOf names what GitHub counts limits against: the installation
// for its tokens, else the user.
func credentialOf(t *tokenState) string {
	if t.inst != nil {
		return "installation:" + strconv.FormatInt(t.inst.id, 10)
	}
	return "user:" + strconv.FormatInt(t.ownerID, 10)
}

// limitContent refuses requests over the limits; restRouter puts it in
// front of the routes that create content (route.creates), after
// authentication and the installation's checks.
func (g *GitHub) limitContent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		now := g.now()
		key := credentialOf(stateOf(r).tok)
		g.mu.Unlock()
		if wait := g.content.admit(key, now); wait > 0 {
			secs := int((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			msg := MsgSecondaryRateLimit + " If you reach out to GitHub Support for help, please include the request ID " +
				w.Header().Get("X-GitHub-Request-Id") + "."
			WriteError(w, http.StatusForbidden, msg, docSecondaryRateLimit)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// admit counts a request at now, or says how long until it would fit.
func (cl *contentLimits) admit(key string, now time.Time) time.Duration {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	sent := cl.sent[key]
	i := 0
	for i < len(sent) && !sent[i].After(now.Add(-time.Hour)) {
		i++
	}
	sent = sent[i:]
	var wait time.Duration
	check := func(limit int, window time.Duration) {
		if limit <= 0 {
			return
		}
		n := 0
		for _, s := range sent {
			if s.After(now.Add(-window)) {
				n++
			}
		}
		if n >= limit {
			in := sent[len(sent)-n:]
			wait = max(wait, in[n-limit].Add(window).Sub(now))
		}
	}
	check(cl.perMinute, time.Minute)
	check(cl.perHour, time.Hour)
	if wait > 0 {
		cl.refused++
		cl.sent[key] = sent
		return wait
	}
	cl.sent[key] = append(sent, now)
	return 0
}

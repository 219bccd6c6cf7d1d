package ghsession

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// ContentLog is what the session needs of the state (*state.Store) for the
// hourly budget of content-creating requests: what an organization's record
// says, and a way to record one more request.
type ContentLog interface {
	Org(org string) state.Org
	Update(org string, fn func(e *state.Edit)) error
	// ContentRequestsBy lists what a credential was recorded sending since
	// a time, in every organization of the state.
	ContentRequestsBy(identity string, since time.Time) []time.Time
	// ContentRequestsRecorded says whether an organization's record has
	// send times (written by this version), or must be estimated from its
	// people.
	ContentRequestsRecorded(org string) bool
}

var _ ContentLog = (*state.Store)(nil)

// orgKey carries, in a request's context, the organization whose target
// sent it (forOrg), for contentSent.
type orgKey struct{}

// forOrg marks every request with the organization its target acts on, so
// that a content-creating request is recorded under it.
type forOrg struct {
	base http.RoundTripper
	org  string
}

var _ http.RoundTripper = (*forOrg)(nil)

func (t *forOrg) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(req.WithContext(context.WithValue(req.Context(), orgKey{}, t.org)))
}

// contentHistory is ghtransport.Options.ContentHistory: the content-creating
// requests a credential sent since a time, as the state records them. The
// token is shared by all its organizations; an installation acts on one.
//
// Runs of this version record when each request went out and with which
// credential (state.Org.ContentRequestsBy, see contentSent), and those
// times are used as they are, over every organization of the state: the
// hour's budget is the credential's, whichever organizations this run was
// given. For an
// organization whose state has no such record (written by an older
// version), it is estimated from the people (legacyContent).
func (s *Session) contentHistory(identity string, since time.Time) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.content.ContentRequestsBy(identity, since)
	for _, org := range s.scope[identity] {
		if s.content.ContentRequestsRecorded(org) {
			continue
		}
		// Kept for contentSent, taken before this run records anyone.
		est := legacyContent(s.content.Org(org), since)
		if s.legacy == nil {
			s.legacy = map[string][]time.Time{}
		}
		s.legacy[strings.ToLower(org)] = est
		out = append(out, est...)
	}
	return out
}

// legacyContent estimates an organization's content-creating requests since
// a time from its people, for a state without a record of them: every
// person recorded as invited counts as one invitation, and as one comment
// more when their welcome was posted.
//
// A person keeps one time, the start of the run that decided
// (state.Person.At), not when the requests went out, which may be later in
// that run. So that runs close together never add up past GitHub's hourly
// limit, each request is taken as sent up to assumedRunLength after that
// time: counting it late is safe, counting it early is not.
func legacyContent(o state.Org, since time.Time) []time.Time {
	var out []time.Time
	for _, at := range requestsFromPeople(o, since.Add(-assumedRunLength)) {
		out = append(out, at.Add(assumedRunLength))
	}
	return out
}

// contentSent is ghtransport.Options.ContentSent: it records, in the
// journal and before the request goes, when a content-creating request for
// an organization is sent. An organization's record starts with the
// estimate contentHistory made from the people before this run recorded
// anyone, so that what older versions sent in the last hour still counts.
func (s *Session) contentSent(req *http.Request, at time.Time) error {
	org, _ := req.Context().Value(orgKey{}).(string)
	if org == "" {
		return nil
	}
	s.mu.Lock()
	seed := s.legacy[strings.ToLower(org)]
	s.mu.Unlock()
	identity := ghtransport.IdentityOf(req.Context())
	return s.content.Update(org, func(e *state.Edit) {
		e.SeedContentRequests(seed)
		e.AddContentRequestBy(identity, at)
	})
}

// assumedRunLength is how long after its start a run is taken to have sent
// its requests (see contentHistory): an hour, the window GitHub counts
// over, which a run does not outlast in practice.
const assumedRunLength = time.Hour

// requestsFromPeople estimates the content-creating requests an
// organization's people show since a time (see contentHistory).
func requestsFromPeople(o state.Org, since time.Time) []time.Time {
	var out []time.Time
	for _, p := range o.People {
		at := p.At
		switch p.Status {
		case state.Invited, state.Inviting:
		case state.Accepted, state.Expired, state.Failed:
			at = p.InvitedAt // when the invitation went out, not its fate
		default:
			continue
		}
		if at.IsZero() || at.Before(since) {
			continue
		}
		out = append(out, at)
		if p.CommentURL != "" {
			out = append(out, at)
		}
	}
	return out
}

// ReconcileClient is the GitHub client reconcile acts through, with one
// translation: an invitation that the polite transport held back because the
// credential's hourly budget of content-creating requests is spent (a
// ghtransport.RateLimitError of KindContent: nothing was sent) is GitHub's
// invitation limit to reconcile, so that it and everyone after it wait in
// the queue for a later run instead of failing the organization.
type ReconcileClient struct {
	*ghapi.Client
}

var _ reconcile.Client = ReconcileClient{}

// SendInvitation implements reconcile.Inviter.
func (c ReconcileClient) SendInvitation(ctx context.Context, org string, userID int64, opts reconcile.InviteOptions) error {
	err := c.Client.SendInvitation(ctx, org, userID, opts)
	var rl *ghtransport.RateLimitError
	if errors.As(err, &rl) && rl.Kind == ghtransport.KindContent {
		return fmt.Errorf("%w: GitHub's limit of %d content-creating requests an hour is spent until %s",
			reconcile.ErrInvitationLimit, ghtransport.DefaultContentPerHour, rl.Reset.UTC().Format(time.RFC3339))
	}
	return err
}

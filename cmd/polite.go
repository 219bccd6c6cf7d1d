package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// unpacedEnv, set to 1, turns off the spacing of writes and the caps on
// content-creating requests. It exists for tests and benchmarks that run the
// binary against a fake GitHub whose limits are off, since a child process
// cannot share their simulated clock; against GitHub leave it unset.
const unpacedEnv = "SNEKOMATIC_TEST_UNPACED"

// Identities of the credentials, one transport stack each.
const identityToken = "token"

func installationIdentity(id int64) string { return "installation:" + strconv.FormatInt(id, 10) }

// withIdentity returns c with every request marked as sent by identity.
func withIdentity(c *http.Client, identity string) *http.Client {
	out := *c
	out.Transport = ghtransport.WithIdentity(c.Transport, identity)
	return &out
}

// useState lets the transports count what earlier runs sent.
func (s *session) useState(st *state.Store) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store = st
}

func (s *session) setInstallationOrg(id int64, org string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.instOrg[id] = org
}

// contentHistory is ghtransport.Options.ContentHistory: the content-creating
// requests a credential sent since a time, as the state records them. The
// token is shared by all its organizations; an installation acts on one.
//
// Runs of this version record when each request went out and with which
// credential (state.Org.SentBy, see contentSent), and those times are used
// as they are, over every organization of the state: the hour's budget is
// the credential's, whichever organizations this run was given. For an
// organization whose state has no such record (written by an older
// version), it is estimated from the people (legacyContent).
func (s *session) contentHistory(identity string, since time.Time) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return nil
	}
	var orgs []string
	switch {
	case identity == identityToken:
		orgs = s.opts.Orgs
	case strings.HasPrefix(identity, "installation:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(identity, "installation:"), 10, 64)
		if err != nil || s.instOrg[id] == "" {
			return nil
		}
		orgs = []string{s.instOrg[id]}
	}
	// What was recorded counts for its credential in every organization
	// of the state, not only this run's (state.Store.SentBy).
	out := s.store.SentBy(identity, since)
	for _, org := range orgs {
		if s.store.SentRecorded(org) {
			continue
		}
		// Kept for contentSent, taken before this run records anyone.
		est := legacyContent(s.store.Org(org), since)
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
	for _, at := range sentSince(o, since.Add(-assumedRunLength)) {
		out = append(out, at.Add(assumedRunLength))
	}
	return out
}

// contentOrgKey marks a request's context with the organization a
// content-creating request is made for (pacedClient), so that contentSent
// knows where to record it.
type contentOrgKey struct{}

// contentSent is ghtransport.Options.ContentSent: it records, in the
// journal and before the request goes, when a content-creating request for
// an organization is sent. An organization's record starts with the
// estimate contentHistory made from the people before this run recorded
// anyone, so that what older versions sent in the last hour still counts.
func (s *session) contentSent(req *http.Request, at time.Time) error {
	org, _ := req.Context().Value(contentOrgKey{}).(string)
	s.mu.Lock()
	st, seed := s.store, s.legacy[strings.ToLower(org)]
	s.mu.Unlock()
	if org == "" || st == nil {
		return nil
	}
	identity := ghtransport.IdentityOf(req.Context())
	return st.Update(org, func(e *state.Edit) {
		e.SeedSent(seed)
		e.AddSentBy(identity, at)
	})
}

// assumedRunLength is how long after its start a run is taken to have sent
// its requests (see contentHistory): an hour, the window GitHub counts
// over, which a run does not outlast in practice.
const assumedRunLength = time.Hour

// sentSince lists the content-creating requests an organization's record
// shows since a time (see contentHistory).
func sentSince(o state.Org, since time.Time) []time.Time {
	var out []time.Time
	for _, p := range o.People {
		if (p.Status != state.Invited && p.Status != state.Inviting) || p.At.Before(since) {
			continue
		}
		out = append(out, p.At)
		if p.CommentURL != "" {
			out = append(out, p.At)
		}
	}
	return out
}

// pacedClient is the GitHub client reconcile acts through, with one
// translation: an invitation that the polite transport held back because
// the credential's hourly budget of content-creating requests is spent
// (a ghtransport.RateLimitError of KindContent: nothing was sent) is
// GitHub's invitation limit to reconcile, so that it and everyone after it
// wait in the queue for a later run instead of failing the organization.
type pacedClient struct {
	*ghapi.Client
}

var _ reconcile.Client = pacedClient{}

// SendInvitation implements reconcile.Inviter.
func (c pacedClient) SendInvitation(ctx context.Context, org string, userID int64, opts reconcile.InviteOptions) error {
	err := c.Client.SendInvitation(context.WithValue(ctx, contentOrgKey{}, org), org, userID, opts)
	var rl *ghtransport.RateLimitError
	if errors.As(err, &rl) && rl.Kind == ghtransport.KindContent {
		return fmt.Errorf("%w: GitHub's limit of %d content-creating requests an hour is spent until %s",
			reconcile.ErrInvitationLimit, ghtransport.DefaultContentPerHour, rl.Reset.UTC().Format(time.RFC3339))
	}
	return err
}

// Comment implements reconcile.Inviter. The welcome comment is counted
// under the organization that owns the pull request's repository, the one
// whose merged pull requests are searched.
func (c pacedClient) Comment(ctx context.Context, repo string, number int, body string) (string, error) {
	owner, _, _ := strings.Cut(repo, "/")
	return c.Client.Comment(context.WithValue(ctx, contentOrgKey{}, owner), repo, number, body)
}

// selectionWarning says, for an installation limited to selected
// repositories, that its search sees only those: authors of pull requests
// merged elsewhere in the organization are not found.
func selectionWarning(inst *ghapp.Installation) string {
	if inst == nil || inst.RepositorySelection != "selected" {
		return ""
	}
	return fmt.Sprintf("the App's installation on %s can see only the repositories selected for it; pull requests merged in the others are not found (give it all repositories to cover them)", inst.Account)
}

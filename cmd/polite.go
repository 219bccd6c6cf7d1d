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

// writeSpacingEnv overrides the spacing between writes (a duration; 0 turns
// it off). It exists for tests that run the binary against a fake GitHub;
// against GitHub leave it unset: GitHub asks for at least a second.
const writeSpacingEnv = "SNEKOMATIC_TEST_WRITE_SPACING"

// noContentCapEnv, set to 1, lifts the client's caps on content-creating
// requests (80 a minute, 500 an hour), for benchmarks that measure the
// binary's own cost of a large backfill in one run against a fake GitHub
// whose limits are off. Against GitHub leave it unset: GitHub enforces
// those limits itself, with secondary rate limits.
const noContentCapEnv = "SNEKOMATIC_TEST_NO_CONTENT_CAP"

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
// requests a credential sent since a time, as the state records them. Every
// person recorded as invited counts as one invitation, and as one comment
// more when their welcome was posted. The token is shared by all its
// organizations; an installation acts on one.
//
// The state keeps one time per person, the start of the run that decided
// (state.Person.At), not when the requests went out, which may be later in
// that run. So that runs close together never add up past GitHub's hourly
// limit, each request is taken as sent up to assumedRunLength after that
// time: counting it late is safe, counting it early is not.
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
	var out []time.Time
	for _, org := range orgs {
		for _, at := range sentSince(s.store.Org(org), since.Add(-assumedRunLength)) {
			out = append(out, at.Add(assumedRunLength))
		}
	}
	return out
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
	err := c.Client.SendInvitation(ctx, org, userID, opts)
	var rl *ghtransport.RateLimitError
	if errors.As(err, &rl) && rl.Kind == ghtransport.KindContent {
		return fmt.Errorf("%w: GitHub's limit of %d content-creating requests an hour is spent until %s",
			reconcile.ErrInvitationLimit, ghtransport.DefaultContentPerHour, rl.Reset.UTC().Format(time.RFC3339))
	}
	return err
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

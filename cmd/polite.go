package cmd

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/state"
)

// writeSpacingEnv overrides the spacing between writes (a duration; 0 turns
// it off). It exists for tests that run the binary against a fake GitHub;
// against GitHub leave it unset: GitHub asks for at least a second.
const writeSpacingEnv = "SNEKOMATIC_TEST_WRITE_SPACING"

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
// person recorded as invited at or after since counts as one invitation,
// and as one comment more when their welcome was posted (the state keeps
// one time per person, so the comment is counted at the invitation's time:
// at worst a little early, which only makes the count stricter). The token
// is shared by all its organizations; an installation acts on one.
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
		out = append(out, sentSince(s.store.Org(org), since)...)
	}
	return out
}

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

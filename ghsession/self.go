package ghsession

import (
	"context"
	"errors"

	"github.com/python-trio/snekomatic/ghapi"
)

// trustOwnComments tells client whose comments are snekomatic's own, so that
// a welcome marker is believed only in a comment snekomatic wrote (anyone
// can write the marker): with a token, the token's user (read once, GET
// /user, only when a marker is looked for); in App mode the App's bot
// account, "SLUG[bot]", the slug as the installation listing gave it.
func (s *Session) trustOwnComments(client *ghapi.Client, t Target) {
	if s.app == nil {
		client.SetSelf(func(ctx context.Context) (string, error) { return s.tokenLogin(ctx, client) })
		return
	}
	slug := ""
	if t.Installation != nil {
		slug = t.Installation.AppSlug
	}
	client.SetSelf(func(context.Context) (string, error) {
		if slug == "" {
			return "", errors.New("GitHub's list of the App's installations did not give the App's slug")
		}
		return slug + "[bot]", nil
	})
}

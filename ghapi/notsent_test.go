package ghapi

import (
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/reconcile"
)

// An invitation the transport stopped before it went (the run was
// interrupted while it waited for its turn) is not sent, certainly: not
// "maybe sent", which would leave its person "inviting" for a later look-up.
func TestInvitationStoppedBeforeItWentIsNotSent(t *testing.T) {
	err := classifyInviteError(&url.Error{Op: "Post", URL: "https://api.github.com/orgs/o/invitations",
		Err: fmt.Errorf("interrupted: %w", ghtransport.ErrNotSent)})
	if !errors.Is(err, reconcile.ErrNotSent) || errors.Is(err, reconcile.ErrMaybeSent) {
		t.Errorf("classified as %v; want reconcile.ErrNotSent and not ErrMaybeSent", err)
	}
}

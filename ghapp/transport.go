package ghapp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/bradleyfalzon/ghinstallation/v2"

	"github.com/python-trio/snekomatic/ghtransport"
)

var (
	_ http.RoundTripper = (*installationTransport)(nil)
	_ http.RoundTripper = (*tokenObserver)(nil)
	_ http.RoundTripper = (*ghinstallation.Transport)(nil)
	_ http.RoundTripper = (*ghinstallation.AppsTransport)(nil)
)

// installationTransport authenticates as one installation through
// ghinstallation's Transport, which caches the token, renews it a minute
// before it expires and serialises renewals. On top of that, a 401 to a
// request sent with a token ghinstallation still believed valid (revoked,
// or this machine's clock behind GitHub's, so the token expired early)
// replaces that Transport with a fresh one and retries the request once.
type installationTransport struct {
	app    *App
	id     int64
	client *http.Client // the one client over this transport
	cur    atomic.Pointer[ghinstallation.Transport]
}

// RoundTrip implements http.RoundTripper.
func (t *installationTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr := t.cur.Load()
	// ghinstallation consumes and closes the body; a retry needs a new one.
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return nil, t.app.tokenError(t.id, err)
	}
	if resp.StatusCode != http.StatusUnauthorized || !replayable {
		return resp, nil
	}
	retry := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		retry.Body = body
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	// Only the first of many requests refused at once renews: the others
	// find the Transport already replaced and use the new one.
	t.cur.CompareAndSwap(tr, t.app.newTokenTransport(t.id))
	resp, err = t.cur.Load().RoundTrip(retry)
	if err != nil {
		return nil, t.app.tokenError(t.id, err)
	}
	return resp, nil
}

// tokenObserver sits under every transport of an App. It reads each
// successful answer to a token request, checks that it holds a token and
// passes the token to onToken before anyone can use it. A token answer
// without a token becomes a ResponseError here, so that ghinstallation
// never caches an empty token.
type tokenObserver struct {
	base    http.RoundTripper
	onToken func(string)
}

// RoundTrip implements http.RoundTripper.
func (o *tokenObserver) RoundTrip(req *http.Request) (*http.Response, error) {
	isToken := req.Method == http.MethodPost && ghtransport.IsAccessTokensPath(req.URL.Path)
	if isToken {
		// Creating a token changes nothing that matters if done twice, so
		// a 5xx or a dropped connection is retried like a read instead of
		// failing the whole organization.
		req = ghtransport.Repeatable(req)
	}
	resp, err := o.base.RoundTrip(req)
	if err != nil || !isToken || resp.StatusCode/100 != 2 {
		return resp, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	var body struct {
		Token string `json:"token"`
	}
	if err != nil || json.Unmarshal(b, &body) != nil || body.Token == "" {
		return nil, &ResponseError{Op: "create installation token", Message: "the answer holds no token"}
	}
	if o.onToken != nil {
		o.onToken(body.Token)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

package ghsession

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// authWatch remembers whether GitHub refused the token (401) and what it
// said. githubv4 reports a GraphQL 401 as untyped text, so the status is
// taken from the response here instead of from the error's words. It sits
// on top of the authenticated transport and changes nothing it passes on.
type authWatch struct {
	base http.RoundTripper
	mu   sync.Mutex
	// refused is GitHub's message for the first 401 (nil before one).
	refused *string
}

var _ http.RoundTripper = (*authWatch)(nil)

func (w *authWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		var body struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &body)
		msg := errtext.OneLine(body.Message)
		if len(msg) > 100 {
			msg = msg[:100]
		}
		w.mu.Lock()
		if w.refused == nil {
			w.refused = &msg
		}
		w.mu.Unlock()
	}
	return resp, err
}

// seen returns GitHub's message and true once a 401 went by.
func (w *authWatch) seen() (string, bool) {
	if w == nil {
		return "", false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.refused == nil {
		return "", false
	}
	return *w.refused, true
}

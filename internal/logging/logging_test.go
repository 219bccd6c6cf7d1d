package logging

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"
)

// TestProgressLinesPassAtTheQuietLevel: a long read's "still reading" line
// shows at a terminal even when only warnings do; other info does not.
func TestProgressLinesPassAtTheQuietLevel(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(New(&b, slog.LevelWarn, false))
	log.Info("policy", "org", "trio")
	log.Info("still reading merged pull requests", "pull_requests", 300, "progress", true)
	log.Warn("retrying a GitHub request", "path", "/graphql", "err", errors.New("502 bad\ngateway"))
	want := "still reading merged pull requests pull_requests=300\nwarning: retrying a GitHub request path=/graphql err=\"502 bad gateway\"\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}

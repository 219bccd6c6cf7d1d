package interrupt

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/python-trio/snekomatic/ghtransport"
)

// TestGateRefusesOnlyAfterClosing: requests pass until the gate closes;
// after that none reaches the server, and the error says it was not sent.
func TestGateRefusesOnlyAfterClosing(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer srv.Close()
	var nilGate *Gate
	if nilGate.Interrupted() {
		t.Fatal("a nil gate is never interrupted")
	}
	g := &Gate{}
	c := &http.Client{Transport: g.Transport(http.DefaultTransport)}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	g.Close()
	g.Close()
	select {
	case <-g.Stopped():
	default:
		t.Fatal("Stopped is not closed after Close")
	}
	if _, err := c.Get(srv.URL); !errors.Is(err, ErrInterrupted) || !errors.Is(err, ghtransport.ErrNotSent) {
		t.Fatalf("after Close: %v", err)
	}
	if hits != 1 || !g.Interrupted() {
		t.Fatalf("hits %d, interrupted %v", hits, g.Interrupted())
	}
}

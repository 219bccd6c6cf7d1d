package reconcile_test

// Tests written for the mutation sweep (MUTATION.md), of
// what reconcile logs.

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/python-trio/snekomatic/internal/reconciletest"
	"github.com/python-trio/snekomatic/reconcile"
)

// logRecords keeps each record's message and its attributes' keys.
type logRecords struct {
	mu   sync.Mutex
	recs []map[string]string
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	m := map[string]string{"msg": r.Message}
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, m)
	return nil
}
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logRecords) WithGroup(string) slog.Handler      { return h }

// find returns the record with the message, or nil.
func (h *logRecords) find(msg string) map[string]string {
	for _, r := range h.recs {
		if r["msg"] == msg {
			return r
		}
	}
	return nil
}

// An invitation's outcome is logged with the person, and the error only
// when there is one; no outcome is logged without words.
func TestInvitationOutcomesAreLogged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sendErr error
		msg     string
		withErr bool
	}{
		{"invited", nil, "invited", false},
		{"refused", errors.New("422 something new"), "invitation failed", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := reconciletest.New()
			c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice")}
			if tc.sendErr != nil {
				c.Script["SendInvitation"] = []reconciletest.Step{{Err: tc.sendErr}}
			}
			h := &logRecords{}
			opts := options()
			opts.Logger = slog.New(h)
			runOrg(t, c, tempStore(t), opts)
			r := h.find(tc.msg)
			if r == nil {
				t.Fatalf("no %q record in %v", tc.msg, h.recs)
			}
			if r["login"] != "alice" || r["user_id"] != "10" {
				t.Errorf("record %v; want alice's login and id", r)
			}
			if _, ok := r["err"]; ok != tc.withErr {
				t.Errorf("record %v: err present %v, want %v", r, ok, tc.withErr)
			}
			if r := h.find(""); r != nil {
				t.Errorf("a record without a message: %v", r)
			}
		})
	}
}

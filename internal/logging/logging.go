// Package logging is snekomatic's log handler: human-readable lines, the
// same at a terminal and under GitHub Actions, and the one rule for what is
// shown by default (Level). cmd owns the flags and the writer; workflow
// commands (groups, annotations) are internal/ghactions'.
//
// What it may touch: nothing but the writer it is given.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// Levels are the names --log-level accepts, least important first.
var Levels = []string{"debug", "info", "warn", "error"}

// Level decides what is shown: the level named (one of Levels), else
// verbose, else quiet at a terminal (warnings and errors, as gh is) and
// everything a run did under GitHub Actions, where the log is read after
// the fact (debug too when the runner is debugging).
func Level(name string, verbose, actions, runnerDebug bool) slog.Level {
	switch name {
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	if actions && runnerDebug {
		return slog.LevelDebug
	}
	if verbose || actions {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

// New returns a handler that writes to w the records at level or above.
// With dropErrors, error records are left out: every error a run logs is
// also returned, and said once at the end in words a person can act on.
func New(w io.Writer, level slog.Level, dropErrors bool) slog.Handler {
	return &lineHandler{w: w, level: level, mu: &sync.Mutex{}, dropErrors: dropErrors}
}

// lineHandler prints "warning: message key=value ..." lines, without the
// time (a terminal and the Actions log both show when). Records marked
// progress=true (a long read's "still reading") pass at info even when
// only warnings are shown, so that a long run is not silent.
type lineHandler struct {
	w      io.Writer
	level  slog.Level
	mu     *sync.Mutex
	attrs  []slog.Attr
	prefix string
	// dropErrors leaves error records out (New).
	dropErrors bool
}

var _ slog.Handler = (*lineHandler)(nil)

func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level || l >= slog.LevelInfo
}

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	progress := false
	var b strings.Builder
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString("error: ")
	case r.Level >= slog.LevelWarn:
		b.WriteString("warning: ")
	case r.Level < slog.LevelInfo:
		b.WriteString("debug: ")
	}
	b.WriteString(r.Message)
	write := func(a slog.Attr) bool {
		if a.Key == "progress" && a.Value.Kind() == slog.KindBool {
			progress = a.Value.Bool()
			return true
		}
		writeAttr(&b, h.prefix, a)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	if r.Level < h.level && !(progress && r.Level >= slog.LevelInfo) || h.dropErrors && r.Level >= slog.LevelError {
		return nil
	}
	b.WriteString("\n")
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func writeAttr(b *strings.Builder, prefix string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, prefix+a.Key+".", g)
		}
		return
	}
	var v string
	switch a.Value.Kind() {
	case slog.KindTime:
		v = a.Value.Time().UTC().Format(time.RFC3339)
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			v = errtext.OneLine(err.Error())
		} else {
			v = fmt.Sprint(a.Value.Any())
		}
	default:
		v = a.Value.String()
	}
	if v == "" || strings.ContainsAny(v, " \t\"=") {
		v = strconv.Quote(v)
	}
	fmt.Fprintf(b, " %s%s=%s", prefix, a.Key, v)
}

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(slices.Clone(h.attrs), as...)
	return &c
}

func (h *lineHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.prefix += name + "."
	return &c
}

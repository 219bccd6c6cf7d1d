package cmd

import (
	"context"
	"fmt"
	"github.com/python-trio/snekomatic/internal/ghactions"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/pflag"
)

// logOptions are the root command's flags about logs.
type logOptions struct {
	verbose bool
	level   string
}

var logLevels = []string{"debug", "info", "warn", "error"}

func (l *logOptions) addFlags(f *pflag.FlagSet) {
	f.BoolVarP(&l.verbose, "verbose", "v", false, "log what is being done (same as --log-level info)")
	f.StringVar(&l.level, "log-level", "", "least important log to show: debug, info, warn or error (default warn at a terminal; info under GitHub Actions, debug when RUNNER_DEBUG=1)")
}

func (l *logOptions) check() error {
	if l.level != "" && !slices.Contains(logLevels, l.level) {
		return usagef("--log-level %q: want debug, info, warn or error", l.level)
	}
	return nil
}

// logLevel decides what is shown: --log-level, else -v, else quiet at a
// terminal (warnings and errors, as gh is) and everything a run did under
// GitHub Actions, where the log is read after the fact.
func logLevel(d *Deps) slog.Level {
	var l logOptions
	if d.logs != nil {
		l = *d.logs
	}
	switch l.level {
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	if inActions(d) && d.Getenv("RUNNER_DEBUG") == "1" {
		return slog.LevelDebug
	}
	if l.verbose || inActions(d) {
		return slog.LevelInfo
	}
	return slog.LevelWarn
}

// newLogger writes human-readable lines to stderr, the same under GitHub
// Actions (where the log is read in the browser) as at a terminal; only
// what is shown by default differs (see logLevel).
func newLogger(d *Deps) *slog.Logger {
	explicit := d.logs != nil && (d.logs.verbose || d.logs.level != "")
	return slog.New(&lineHandler{w: d.Stderr, level: logLevel(d), mu: &sync.Mutex{}, dropErrors: !explicit})
}

// logGroup folds what follows into a collapsible group of the Actions log,
// and returns the function that closes it; elsewhere it does nothing.
func logGroup(d *Deps, title string) func() {
	if !inActions(d) {
		return func() {}
	}
	return ghactions.Group(d.Stderr, title)
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
	// dropErrors leaves error records out: every error a run logs is also
	// returned, and said once at the end in words a person can act on
	// (printFailure). Asked for with -v or --log-level, the log has them.
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

package cmd

import (
	"log/slog"
	"slices"

	"github.com/python-trio/snekomatic/internal/ghactions"
	"github.com/python-trio/snekomatic/internal/logging"

	"github.com/spf13/pflag"
)

// logOptions are the root command's flags about logs.
type logOptions struct {
	verbose bool
	level   string
}

var logLevels = logging.Levels

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

// logLevel decides what is shown (logging.Level): --log-level, else -v,
// else by where it runs.
func logLevel(d *Deps) slog.Level {
	var l logOptions
	if d.logs != nil {
		l = *d.logs
	}
	return logging.Level(l.level, l.verbose, inActions(d), d.Getenv("RUNNER_DEBUG") == "1")
}

// newLogger writes human-readable lines to stderr, the same under GitHub
// Actions (where the log is read in the browser) as at a terminal; only
// what is shown by default differs (see logLevel).
func newLogger(d *Deps) *slog.Logger {
	explicit := d.logs != nil && (d.logs.verbose || d.logs.level != "")
	return slog.New(logging.New(d.Stderr, logLevel(d), !explicit))
}

// logGroup folds what follows into a collapsible group of the Actions log,
// and returns the function that closes it; elsewhere it does nothing.
func logGroup(d *Deps, title string) func() {
	if !inActions(d) {
		return func() {}
	}
	return ghactions.Group(d.Stderr, title)
}

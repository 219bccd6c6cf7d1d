package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/internal/duration"
	"github.com/python-trio/snekomatic/report"
	"github.com/python-trio/snekomatic/runner"
	"github.com/python-trio/snekomatic/state"
)

// ReconcileOptions are the parsed and validated inputs of `snekomatic reconcile`.
type ReconcileOptions struct {
	AuthOptions
	StatePath  string
	DryRun     bool
	Since      *time.Time
	Overlap    time.Duration
	Lookback   time.Duration
	MaxInvites int
	DailyLimit int
	// ApprovalRepo is --approval-repo (OWNER/NAME).
	ApprovalRepo string
	Output       string
	Concurrency  int
	Now          time.Time
	// ConfigPath is the configuration file read ("" when there is none),
	// and Config what it holds.
	ConfigPath string
	Config     *config.File
	// flagPolicy holds the settings given explicitly on the command line,
	// which win over every configuration file.
	flagPolicy config.Policy

	Deps *Deps
}

// NewCmdReconcile builds `snekomatic reconcile`. runF replaces the run
// function in tests; nil means reconcileRun.
func NewCmdReconcile(d *Deps, runF func(context.Context, *ReconcileOptions) error) *cobra.Command {
	o := &ReconcileOptions{Deps: d}
	var since string
	c := &cobra.Command{
		Use:   "reconcile",
		Short: "Invite the authors of newly merged pull requests and welcome them",
		Long: `Reads the pull requests merged in each organization since the last run,
invites every author who is not yet a member, has no pending invitation and
was never asked before, thanks them on their pull request, and records
everyone it has seen in the state file.

Authentication, in this order:
  GitHub App: GITHUB_APP_ID (or --app-id) and GITHUB_APP_PRIVATE_KEY, or
    GITHUB_APP_PRIVATE_KEY_FILE (or --private-key-file). Every organization
    the App is installed on is reconciled with its own installation's token;
    --org narrows the set.
  Token: GH_TOKEN, else GITHUB_TOKEN, for the organizations named with --org.`,
		Example: `  # What would happen, without sending anything (a token from gh)
  GH_TOKEN=$(gh auth token) snekomatic reconcile --org python-trio --dry-run

  # A real run, at most 10 invitations, catching up on two weeks
  snekomatic reconcile --org python-trio --max-invites 10 --since 14d

  # As a GitHub App, every organization it is installed on, JSON report
  GITHUB_APP_ID=123 GITHUB_APP_PRIVATE_KEY_FILE=app.pem snekomatic reconcile --output json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.complete(since, c.Flags()); err != nil {
				return o.failedToStart(c.Context(), err)
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return reconcileRun(c.Context(), o)
		},
	}
	f := c.Flags()
	o.AuthOptions.addFlags(f)
	addStateFlag(f, &o.StatePath, "state file: cursor and everyone seen")
	f.BoolVar(&o.DryRun, "dry-run", false, "print the plan; send nothing and leave the state file as it is")
	f.StringVar(&since, "since", "", "read merges from this time instead of the cursor (RFC 3339, YYYY-MM-DD, or a duration such as 72h or 14d)")
	f.Var(duration.NewValue(config.DefaultOverlap, &o.Overlap), "overlap", "start each window this long before the cursor, for search index lag (90m, 36h, 7d)")
	f.Var(duration.NewValue(config.DefaultLookback, &o.Lookback), "lookback", "how far back a first run (no cursor yet) reads (90m, 36h, 7d)")
	f.IntVar(&o.MaxInvites, "max-invites", config.DefaultMaxInvites, "at most this many invitations per organization per run (-1: no limit); the rest wait in the queue")
	f.IntVar(&o.DailyLimit, "daily-invite-limit", config.DefaultDailyInviteLimit, "invitations GitHub allows the organization per 24 hours (50; 500 for organizations over a month old or on a paid plan; 0: don't track)")
	f.StringVar(&o.ApprovalRepo, "approval-repo", "", "ask the maintainers first: propose newcomers on an issue in this repository (OWNER/NAME) and invite those ticked there (docs/approval.md)")
	addOutputFlag(c, &o.Output, "report format on stdout: text or json")
	f.IntVar(&o.Concurrency, "concurrency", 4, "organizations reconciled at once")
	f.StringVar(&o.ConfigPath, "config", "", "YAML configuration: defaults and per-organization settings (default "+config.DefaultPath+" when it exists)")
	return c
}

// complete fills defaults from the environment and validates everything that
// can be checked without a request.
func (o *ReconcileOptions) complete(since string, f *pflag.FlagSet) error {
	d := o.Deps
	o.Now = d.Now().UTC()
	if since != "" {
		t, err := ParseSince(since, o.Now)
		if err != nil {
			return &UsageError{err}
		}
		o.Since = &t
	}
	if err := checkOutput(o.Output); err != nil {
		return err
	}
	switch {
	case o.Overlap < 0:
		return usagef("--overlap %s must not be negative", f.Lookup("overlap").Value)
	case o.Lookback <= 0:
		return usagef("--lookback %s must be positive", f.Lookup("lookback").Value)
	case o.Concurrency < 1:
		return usagef("--concurrency %d must be at least 1", o.Concurrency)
	case o.MaxInvites < -1:
		return usagef("--max-invites %d: use -1 for no limit, or 0 or more", o.MaxInvites)
	case o.DailyLimit < 0:
		return usagef("--daily-invite-limit %d must not be negative", o.DailyLimit)
	case o.StatePath == "":
		return usagef("--state must not be empty")
	}
	if err := o.loadConfig(f); err != nil {
		return err
	}
	return o.AuthOptions.complete(d, f)
}

func reconcileRun(ctx context.Context, o *ReconcileOptions) error {
	d := o.Deps
	log := newLogger(d)
	// Under Actions the log is folded into a group; the report and the
	// errors come after it, in the open.
	endGroup := logGroup(d, "snekomatic reconcile: log")
	defer func() { endGroup() }()
	log.Info("snekomatic "+version(), "dry_run", o.DryRun) // the first line says which build runs
	run := newRunReport(o)
	failures, ran := runner.Run(ctx, runner.Options{
		StatePath: o.StatePath, DryRun: o.DryRun, Now: o.Now, Since: o.Since, WebURL: o.WebURL,
		Concurrency: o.Concurrency, CheckOwner: o.Mode == ModeToken && !o.DryRun,
		Policies: runner.Policies{Config: o.Config, Flags: o.flagPolicy}, ConfigPath: o.ConfigPath, Log: log,
		Connect: func(store *state.Store) (*ghsession.Session, error) { return connect(&o.AuthOptions, d, log, store) },
		Explain: func(ctx context.Context, err error, org string, watch report.Refusals) failure {
			return describe(ctx, err, org, &o.AuthOptions, watch)
		},
		Interrupted: d.gate.Interrupted,
	}, run)
	endGroup()
	endGroup = func() {}
	return o.finish(run, failures, ran)
}

// finish says the run's failures, each once, in the report (written to
// stdout when the run got as far as a report, or asked for JSON, which is
// a document on every failure) and on stderr, and returns the exit code.
func (o *ReconcileOptions) finish(run *RunReport, failures []failure, ran bool) error {
	d := o.Deps
	failures = report.SayOnce(failures)
	for _, f := range failures {
		run.Errors = append(run.Errors, f.Line())
	}
	if ran || o.Output == "json" {
		if err := writeReport(d.Stdout, o, run); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if ran {
		if err := writeActionsOutputs(d, run); err != nil {
			newLogger(d).Warn("could not write the step summary", "err", err)
		}
	}
	for _, f := range failures {
		printFailure(d, f)
	}
	if code := report.ExitCode(failures); code != ExitOK {
		return &SilentError{Code: code}
	}
	return nil
}

// failedToStart says why the run could not start. With --output json it
// is said in the document too, so that stdout is JSON on every failure.
func (o *ReconcileOptions) failedToStart(ctx context.Context, err error) error {
	if o.Output != "json" {
		return err
	}
	return o.finish(newRunReport(o), []failure{describe(ctx, err, "", &o.AuthOptions, nil)}, false)
}

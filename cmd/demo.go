package cmd

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/demo"
	"github.com/python-trio/snekomatic/ghname"
	"github.com/python-trio/snekomatic/reconcile"
)

// The demo runs the real reconcile, unchanged, against the in-memory fake
// GitHub the end-to-end tests use (package demo); this file holds its
// flags and the reconcile command it runs.

// DemoOptions are the parsed and validated inputs of `snekomatic demo`.
type DemoOptions struct {
	// KeepDir, if set, receives the state file and the fake's request log.
	KeepDir string
	// ConfigPath is the user's configuration ("" for the built-in
	// defaults), and Config what it holds.
	ConfigPath string
	Config     *config.File
	// Org is the sample organization's login.
	Org string
	// OrgFromConfig is set when Org was taken from the configuration.
	OrgFromConfig bool

	Deps *Deps
}

// NewCmdDemo builds `snekomatic demo`. runF replaces the run function in
// tests; nil means demoRun.
func NewCmdDemo(d *Deps, runF func(context.Context, *DemoOptions) error) *cobra.Command {
	o := &DemoOptions{Deps: d}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Show what a run does, on a fake GitHub in this process (no credentials, no network)",
		Long: `Starts a fake GitHub on 127.0.0.1 inside this process, with a small sample
organization, and runs the real reconcile against it twice: the first run
invites and welcomes the newcomers, the second shows that nobody is asked
twice. Then it shows the state file and what each step sent.

Nothing is sent to GitHub and no credentials are read from the environment.
With --config, the runs use your configuration (the sample organization takes
the name of the first organization it lists, and has the teams it names).`,
		Example: `  # Two runs on a sample organization, then the state file and what was sent
  snekomatic demo

  # What your configuration would do, keeping the state file and request log
  snekomatic demo --config .github/snekomatic.yml --keep ./demo-out`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.complete(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return demoRun(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.KeepDir, "keep", "", "keep the state file, the run's log and the fake's request log in this directory")
	f.StringVar(&o.ConfigPath, "config", "", "run under this configuration file (default: snekomatic's built-in defaults)")
	f.StringVar(&o.Org, "org", "", "name of the sample organization (default: the first one in --config, else "+demo.DefaultOrg+")")
	return c
}

func (o *DemoOptions) complete(c *cobra.Command) error {
	f := c.Flags()
	if f.Changed("config") && o.ConfigPath == "" {
		return usagef("--config must not be empty")
	}
	o.Config = &config.File{Orgs: map[string]config.Policy{}}
	if o.ConfigPath != "" {
		cfg, err := config.Load(o.ConfigPath, reconcile.SampleWelcomeData)
		if err != nil {
			return &UsageError{err}
		}
		o.Config = cfg
	}
	switch {
	case f.Changed("org"):
		if !ghname.ValidLogin(o.Org) {
			return usagef("--org %q is not a valid GitHub organization login", o.Org)
		}
	case len(o.Config.OrgOrder) > 0:
		o.Org, o.OrgFromConfig = o.Config.OrgOrder[0], true
	default:
		o.Org = demo.DefaultOrg
	}
	if f.Changed("keep") {
		if o.KeepDir == "" {
			return usagef("--keep must not be empty")
		}
		if err := demo.CheckKeep(o.KeepDir); err != nil {
			return &UsageError{err}
		}
	}
	return nil
}

func demoRun(ctx context.Context, o *DemoOptions) error {
	d := o.Deps
	return demo.Run(ctx, demo.Options{
		Org: o.Org, OrgFromConfig: o.OrgFromConfig, ConfigPath: o.ConfigPath, Config: o.Config, KeepDir: o.KeepDir,
		Now: d.Now, Stdout: d.Stdout, Stderr: d.Stderr,
		Reconcile: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			inner := &Deps{Stdout: stdout, Stderr: stderr, Getenv: demo.Env, Now: d.Now, Transport: demo.Transport(), Resilience: d.Resilience,
				logs: &logOptions{level: "info"}} // the kept run log says what each step did
			c := NewCmdReconcile(inner, nil)
			c.SilenceUsage, c.SilenceErrors = true, true
			c.SetArgs(args)
			c.SetOut(stdout)
			c.SetErr(stderr)
			err := c.ExecuteContext(ctx)
			var silent *SilentError
			if errors.As(err, &silent) {
				return demo.ErrReported
			}
			return err
		},
	})
}

package cmd

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/doctor"
	"github.com/python-trio/snekomatic/runner"
)

// DoctorOptions are the inputs of `snekomatic doctor`.
type DoctorOptions struct {
	AuthOptions
	StatePath  string
	ConfigPath string
	// configGiven: --config was named (then it must exist).
	configGiven bool
	Output      string
	Deps        *Deps
}

// NewCmdDoctor builds `snekomatic doctor`.
func NewCmdDoctor(d *Deps, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{Deps: d}
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Check that credentials, permissions, state file and configuration are ready for a run",
		Long: `Checks, before a run needs it, everything a run will need, and changes
nothing: that the state file's directory exists and the state file and its
lock can be created there (and that an existing state file reads); that
the configuration file parses; then for each organization (each App
installation, or each --org with a token) that the credentials work and
carry the permissions a run needs, that invitations can be sent (with a
token: that its owner is an owner of the organization), that merged pull
requests can be read, that the configuration's teams exist and that its
welcome comment renders.

It prints one row per organization, with the reason for each "no" on the
lines below it, and exits 0 when everything a run needs is there, 1 when
something is missing.`,
		Example: `  GH_TOKEN=$(gh auth token) snekomatic doctor --org python-trio
  snekomatic doctor --state ops/snekomatic-state.json --config ops/snekomatic.yml
  snekomatic doctor --output json | jq '.orgs[] | select(.ok | not)'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.StatePath == "" {
				return usagef("--state must not be empty")
			}
			if err := checkOutput(o.Output); err != nil {
				return err
			}
			o.configGiven = c.Flags().Changed("config")
			if o.configGiven && o.ConfigPath == "" {
				return usagef("--config must not be empty")
			}
			if err := o.AuthOptions.complete(d, c.Flags()); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return doctorRun(c.Context(), o)
		},
	}
	f := c.Flags()
	o.AuthOptions.addFlags(f)
	addStateFlag(f, &o.StatePath, "state file to check")
	f.StringVar(&o.ConfigPath, "config", "", "configuration file to check (default "+config.DefaultPath+" when it exists)")
	addOutputFlag(c, &o.Output, "")
	return c
}

// DoctorReport is what `doctor --output json` prints (package doctor's
// Report). Fields are only ever added.
type DoctorReport = doctor.Report

func doctorRun(ctx context.Context, o *DoctorOptions) error {
	d := o.Deps
	log := newLogger(d)
	sess, err := connect(&o.AuthOptions, d, log, nil)
	if err != nil {
		return err
	}
	ts, err := sess.Targets(ctx)
	if err != nil {
		return err
	}
	var app doctor.App
	if a := sess.App(); a != nil {
		app = a
	}
	rep, err := doctor.Run(ctx, doctor.Options{
		Mode: o.Mode, TokenVar: o.TokenVar, Orgs: o.Orgs, APIURL: o.APIURL, GraphQLURL: o.GraphQLURL, WebURL: o.WebURL,
		StatePath: o.StatePath, ConfigPath: o.ConfigPath, ConfigGiven: o.configGiven,
	}, runner.Doctor{Words: func(ctx context.Context, err error, org string) string {
		return explain(ctx, err, org, &o.AuthOptions, sess).Msg
	}}, app, runner.DoctorTargets(ts))
	if err != nil {
		return err
	}
	if o.Output == "json" {
		enc := json.NewEncoder(d.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := doctor.WriteText(d.Stdout, rep, o.TokenVar, 100); err != nil {
		return err
	}
	if !rep.OK {
		// A refused token exits as a run would (4), as refused App
		// credentials do.
		if _, refused := sess.Refused(); refused {
			return &SilentError{Code: ExitAuth}
		}
		return &SilentError{Code: ExitError}
	}
	return nil
}

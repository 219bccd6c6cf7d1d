package cmd

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/python-trio/snekomatic/report"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/runner"
)

// StateAdoptOptions are the inputs of `snekomatic state adopt`.
type StateAdoptOptions struct {
	AuthOptions
	StatePath string
	Since     time.Time
	DryRun    bool
	Output    string
	Now       time.Time
	Deps      *Deps
}

// NewCmdStateAdopt builds `snekomatic state adopt`.
func NewCmdStateAdopt(d *Deps, runF func(context.Context, *StateAdoptOptions) error) *cobra.Command {
	o := &StateAdoptOptions{Deps: d}
	var since string
	c := &cobra.Command{
		Use:   "adopt --org ORG --since DATE",
		Short: "Record past contributors as seen, without inviting or welcoming them",
		Long: `For an organization that starts using snekomatic and does not want to invite
years of past contributors: records every author of a pull request merged in
the organization since DATE, who is not remembered yet, with the status
adopted. They are never invited or welcomed. Nobody already remembered is
changed, and neither is the cursor. With --dry-run it only counts.

It needs the same credentials as reconcile (a GitHub App, or GH_TOKEN or
GITHUB_TOKEN).`,
		Example: `  # Count first, then record everyone who contributed in the last year
  snekomatic state adopt --org python-trio --since 365d --dry-run
  snekomatic state adopt --org python-trio --since 2025-12-01`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Now = d.Now().UTC()
			if since == "" {
				return usagef("--since is required: the date from which past contributors are adopted")
			}
			t, err := ParseSince(since, o.Now)
			if err != nil {
				return &UsageError{err}
			}
			o.Since = t
			if err := checkOutput(o.Output); err != nil {
				return err
			}
			if len(o.Orgs) == 0 {
				return usagef("--org is required: name each organization to adopt")
			}
			if err := o.AuthOptions.complete(d, c.Flags()); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateAdoptRun(c.Context(), o)
		},
	}
	f := c.Flags()
	o.AuthOptions.addFlags(f)
	addStateFlag(f, &o.StatePath, "")
	f.StringVar(&since, "since", "", "adopt the authors of pull requests merged from this time (RFC 3339, YYYY-MM-DD, or a duration such as 365d)")
	f.BoolVar(&o.DryRun, "dry-run", false, "only count; leave the state file as it is")
	addOutputFlag(c, &o.Output, "")
	return c
}

// AdoptRun is the JSON document `state adopt --output json` prints
// (package runner's).
type AdoptRun = runner.AdoptRun

func stateAdoptRun(ctx context.Context, o *StateAdoptOptions) error {
	d := o.Deps
	log := newLogger(d)
	endGroup := logGroup(d, "snekomatic state adopt: log")
	defer func() { endGroup() }()
	run, failures, err := runner.Adopt(ctx, runner.AdoptOptions{
		StatePath: o.StatePath, Since: o.Since, Now: o.Now, DryRun: o.DryRun,
		Connect: func() (*ghsession.Session, error) { return connect(&o.AuthOptions, d, log, nil) },
		Explain: func(ctx context.Context, err error, org string, watch report.Refusals) failure {
			return explain(ctx, err, org, &o.AuthOptions, watch)
		},
	})
	if err != nil {
		return err
	}
	endGroup()
	endGroup = func() {}
	if err := writeAdoptRun(d.Stdout, o.Output, run); err != nil {
		return err
	}
	for _, f := range failures {
		printFailure(d, f)
	}
	if code := report.ExitCode(failures); code != ExitOK {
		return &SilentError{Code: code}
	}
	return nil
}

// writeAdoptRun writes the adoption as JSON or as a line per organization.
func writeAdoptRun(w io.Writer, output string, run *AdoptRun) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}
	return run.WriteText(w)
}

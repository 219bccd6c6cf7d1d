package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/python-trio/snekomatic/report"
	"io"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/reconcile"
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

// AdoptRun is the JSON document `state adopt --output json` prints. It has
// the shape of reconcile's: people in lists, errors per organization and
// all of them at the top.
type AdoptRun struct {
	DryRun bool          `json:"dry_run"`
	State  string        `json:"state"`
	Orgs   []*AdoptedOrg `json:"orgs"`
	Errors []string      `json:"errors"`
}

// AdoptedOrg is one organization's adoption and its errors.
type AdoptedOrg struct {
	*reconcile.AdoptReport
	Errors []string `json:"errors"`
}

func stateAdoptRun(ctx context.Context, o *StateAdoptOptions) error {
	d := o.Deps
	log := newLogger(d)
	endGroup := logGroup(d, "snekomatic state adopt: log")
	defer func() { endGroup() }()
	store, _, err := openState(o.StatePath, o.DryRun)
	if err != nil {
		return err
	}
	defer store.Close()
	sess, err := connect(&o.AuthOptions, d, log, nil)
	if err != nil {
		return err
	}
	targets, err := sess.Targets(ctx)
	if err != nil {
		return err
	}
	run := AdoptRun{DryRun: o.DryRun, State: o.StatePath, Orgs: []*AdoptedOrg{}, Errors: []string{}}
	orgs := make([]*AdoptedOrg, len(targets))
	errs := ghsession.Each(targets, 1, func(i int, t ghsession.Target, c *ghapi.Client) error {
		rep, err := reconcile.Adopt(ctx, c, store, t.Org, reconcile.AdoptOptions{Since: o.Since, Now: o.Now, DryRun: o.DryRun})
		orgs[i] = &AdoptedOrg{AdoptReport: rep, Errors: []string{}}
		return err
	})
	var failures []failure
	for i, err := range errs {
		if orgs[i] != nil {
			run.Orgs = append(run.Orgs, orgs[i])
		}
		if err != nil {
			f := explain(ctx, err, targets[i].Org, &o.AuthOptions, sess)
			failures = append(failures, f)
			if orgs[i] != nil {
				orgs[i].Errors = append(orgs[i].Errors, f.Msg)
			}
		}
	}
	// One write of the state file for every organization.
	if err := store.Commit(); err != nil {
		failures = append(failures, failure{Code: ExitError, Msg: errtext.OneLine(err.Error())})
	}
	failures = report.SayOnce(failures)
	for _, f := range failures {
		run.Errors = append(run.Errors, strings.TrimPrefix(f.Org+": "+f.Msg, ": "))
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
func writeAdoptRun(w io.Writer, output string, run AdoptRun) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}
	for _, r := range run.Orgs {
		if len(r.Errors) > 0 && r.PullRequests == 0 {
			fmt.Fprintf(w, "%s: failed before its merged pull requests were read (error below)\n", r.Org)
			continue
		}
		verb := "adopted"
		if r.DryRun {
			verb = "would adopt"
		}
		fmt.Fprintf(w, "%s: %d merged pull requests from %s to %s; %s %d people; %d already remembered (left as they were); %d authors not people (bots, mannequins, deleted)\n",
			r.Org, r.PullRequests, report.FormatTime(r.Window.From), report.FormatTime(r.Window.To), verb, len(r.Adopted), r.Known, len(r.Skipped))
	}
	if run.DryRun {
		fmt.Fprintln(w, "Dry run: the state file was not changed.")
	}
	return nil
}

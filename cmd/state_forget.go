package cmd

import (
	"context"
	"fmt"

	"github.com/python-trio/snekomatic/report"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/state"
)

// StateForgetOptions are the inputs of `snekomatic state forget`.
type StateForgetOptions struct {
	StatePath string
	Orgs      []string
	// Who are logins or numeric user ids.
	Who    []string
	DryRun bool
	Deps   *Deps
}

// NewCmdStateForget builds `snekomatic state forget`.
func NewCmdStateForget(d *Deps, runF func(context.Context, *StateForgetOptions) error) *cobra.Command {
	o := &StateForgetOptions{Deps: d}
	c := &cobra.Command{
		Use:   "forget --org ORG [--org ORG...] LOGIN|ID...",
		Short: "Forget people, so that they are invited on their next merged pull request",
		Long: `Removes people from the state file, for someone who changed their mind (or
whose invitation was lost): snekomatic treats them as new, and invites and
welcomes them on their next merged pull request. Name them by login (as the
state file knows it, ignoring case) or by numeric user id; each is forgotten
in every organization named with --org that remembers them. Nothing is
changed unless everyone named is found in at least one of them. It takes
the state file's lock and saves atomically; it sends no request. With
--dry-run it only says whom it would forget.`,
		Example: `  # Forget alice in one organization
  snekomatic state forget --org python-trio alice

  # See first what would be forgotten in two organizations
  snekomatic state forget --org python-trio --org trio-labs --dry-run alice 12345`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(o.Orgs) == 0 {
				return usagef("--org is required: name the organization(s) to forget people in")
			}
			orgs, err := checkOrgs(o.Orgs)
			if err != nil {
				return err
			}
			o.Orgs, o.Who = orgs, args
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateForgetRun(c.Context(), o)
		},
	}
	addStateFlag(c.Flags(), &o.StatePath, "")
	c.Flags().StringArrayVar(&o.Orgs, "org", nil, "the organization (required; repeatable)")
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "only say whom it would forget; leave the state file as it is")
	return c
}

func stateForgetRun(_ context.Context, o *StateForgetOptions) error {
	store, _, err := state.OpenFor(o.StatePath, o.DryRun)
	if err != nil {
		return err
	}
	defer store.Close()
	plan, err := state.PlanForget(store, o.Orgs, o.Who)
	if err != nil {
		return err
	}
	if !o.DryRun {
		if err := store.ForgetPlanned(plan); err != nil {
			return err
		}
		// Said only once it is on disk.
		if err := store.Commit(); err != nil {
			return err
		}
	}
	verb := "forgot"
	if o.DryRun {
		verb = "would forget"
	}
	for _, f := range plan {
		for _, id := range f.Order {
			p := f.Who[id]
			fmt.Fprintf(o.Deps.Stdout, "%s: %s %s (id %d, %s since %s); they are invited on their next merged pull request\n",
				f.Org, verb, p.Login, id, p.Status, report.FormatTime(p.At))
		}
	}
	if o.DryRun {
		fmt.Fprintln(o.Deps.Stdout, "Dry run: the state file was not changed.")
	}
	return nil
}

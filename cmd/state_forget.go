package cmd

import (
	"context"
	"errors"
	"fmt"
	"github.com/python-trio/snekomatic/report"
	"slices"
	"strconv"
	"strings"

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
	addStateFlag(c.Flags(), &o.StatePath)
	c.Flags().StringArrayVar(&o.Orgs, "org", nil, "the organization (required; repeatable)")
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "only say whom it would forget; leave the state file as it is")
	return c
}

func stateForgetRun(_ context.Context, o *StateForgetOptions) error {
	store, _, err := openState(o.StatePath, o.DryRun)
	if err != nil {
		return err
	}
	defer store.Close()
	type forget struct {
		org   string
		ids   map[int64]bool
		order []int64
		who   map[int64]*state.Person
	}
	plan := make([]*forget, len(o.Orgs))
	found := map[string]bool{}
	for i, org := range o.Orgs {
		f := &forget{org: org, ids: map[int64]bool{}, who: store.Org(org).People}
		plan[i] = f
		for _, who := range o.Who {
			id, err := findPerson(f.who, who, org)
			var nf *notRemembered
			if errors.As(err, &nf) {
				continue
			}
			if err != nil {
				return err
			}
			found[who] = true
			if !f.ids[id] {
				f.ids[id] = true
				f.order = append(f.order, id)
			}
		}
	}
	for _, who := range o.Who {
		if !found[who] {
			where := strings.Join(o.Orgs, ", ")
			return fmt.Errorf("nobody %s is remembered in %s: nothing was changed (see snekomatic state show --org %s)", describeWho(who), where, o.Orgs[0])
		}
	}
	if !o.DryRun {
		for _, f := range plan {
			if len(f.ids) == 0 {
				continue
			}
			if err := store.Update(f.org, func(org *state.Edit) {
				for id := range f.ids {
					org.Forget(id)
				}
			}); err != nil {
				return err
			}
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
		for _, id := range f.order {
			p := f.who[id]
			fmt.Fprintf(o.Deps.Stdout, "%s: %s %s (id %d, %s since %s); they are invited on their next merged pull request\n",
				f.org, verb, p.Login, id, p.Status, report.FormatTime(p.At))
		}
	}
	if o.DryRun {
		fmt.Fprintln(o.Deps.Stdout, "Dry run: the state file was not changed.")
	}
	return nil
}

func describeWho(who string) string {
	if _, err := strconv.ParseInt(who, 10, 64); err == nil {
		return "with user id " + who
	}
	return fmt.Sprintf("with the login %q", who)
}

// notRemembered is findPerson's answer for someone the organization does
// not remember.
type notRemembered struct{ who, org string }

func (e *notRemembered) Error() string {
	return fmt.Sprintf("nobody %s is remembered in %s (see snekomatic state show --org %s)", describeWho(e.who), e.org, e.org)
}

// findPerson resolves a login or an id to a remembered person.
func findPerson(people map[int64]*state.Person, who, org string) (int64, error) {
	if id, err := strconv.ParseInt(who, 10, 64); err == nil {
		if people[id] == nil {
			return 0, &notRemembered{who, org}
		}
		return id, nil
	}
	var found []int64
	for id, p := range people {
		if strings.EqualFold(p.Login, who) {
			found = append(found, id)
		}
	}
	slices.Sort(found)
	switch len(found) {
	case 0:
		return 0, &notRemembered{who, org}
	case 1:
		return found[0], nil
	}
	return 0, fmt.Errorf("the login %q names %d people in %s (a login was renamed and reused): name one by id: %v", who, len(found), org, found)
}

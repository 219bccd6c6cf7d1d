package cmd

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/ghurl"
	"github.com/python-trio/snekomatic/state"
)

// StateShowOptions are the inputs of `snekomatic state show`.
type StateShowOptions struct {
	StatePath string
	Orgs      []string
	Output    string
	// APIURL is the GitHub API the state was written against (--api-url,
	// else GITHUB_API_URL), and WebURL the web host links go to.
	APIURL, WebURL string
	Deps           *Deps
}

// NewCmdStateShow builds `snekomatic state show`.
func NewCmdStateShow(d *Deps, runF func(context.Context, *StateShowOptions) error) *cobra.Command {
	o := &StateShowOptions{Deps: d}
	c := &cobra.Command{
		Use:   "show",
		Short: "List everyone remembered, by status, with when and the pull request",
		Long: `Lists everyone the state file remembers, organization by organization,
grouped by status (those snekomatic still has business with first), with
when the status was set, the pull request it was decided on and the reason.
It only reads the state file: it takes no lock and sends no request.`,
		Example: `  snekomatic state show --org python-trio
  snekomatic state show --output json | jq '.orgs[].people[] | select(.status == "queued")'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkOutput(o.Output); err != nil {
				return err
			}
			orgs, err := checkOrgs(o.Orgs)
			if err != nil {
				return err
			}
			o.Orgs = orgs
			if o.APIURL, o.WebURL, err = apiAndWeb(d, o.APIURL, c.Flags().Changed("api-url")); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateShowRun(c.Context(), o)
		},
	}
	f := c.Flags()
	addStateFlag(f, &o.StatePath, "")
	f.StringArrayVar(&o.Orgs, "org", nil, "only this organization (repeatable)")
	addOutputFlag(c, &o.Output, "")
	f.StringVar(&o.APIURL, "api-url", "", "GitHub API base URL the state belongs to, for the links (default $GITHUB_API_URL, else "+ghurl.DefaultAPI+")")
	return c
}

// ShownState is the JSON document `state show --output json` prints
// (state.Shown). Fields are only ever added.
type ShownState = state.Shown

func stateShowRun(_ context.Context, o *StateShowOptions) error {
	// Read only, and no copy: the state can hold 100,000 people.
	snap, _, err := state.Load(o.StatePath)
	if err != nil {
		return err
	}
	web := ""
	if o.Output == "json" { // the text has no use for the addresses
		web = o.WebURL
	}
	doc := state.Show(snap, o.StatePath, o.Orgs, web)
	w := o.Deps.Stdout
	if o.Output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	return doc.WriteText(w)
}

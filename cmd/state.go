package cmd

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/ghname"
)

// NewCmdState builds `snekomatic state`, the commands that show and
// correct what snekomatic remembers. Each has a file of its own
// (state_show.go, state_forget.go, state_adopt.go, state_fold.go,
// state_merge.go); the
// flag checks they share are here.
func NewCmdState(d *Deps) *cobra.Command {
	c := &cobra.Command{
		Use:   "state",
		Short: "Show and correct what snekomatic remembers about people",
		Example: `  snekomatic state show --org python-trio
  snekomatic state forget --org python-trio --dry-run alice`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return usagef("state needs a command: show, forget, adopt, fold or merge")
		},
	}
	c.AddCommand(NewCmdStateShow(d, nil), NewCmdStateForget(d, nil), NewCmdStateAdopt(d, nil), NewCmdStateFold(d, nil),
		NewCmdStateMerge(d, nil))
	return c
}

// addStateFlag is the --state flag of every command that reads the
// state file; usage "" says "the state file".
func addStateFlag(f *pflag.FlagSet, p *string, usage string) {
	f.StringVar(p, "state", "snekomatic-state.json", cmp.Or(usage, "the state file"))
}

// addOutputFlag is the --output flag (text or json, checked by
// checkOutput) with its completion; usage "" says "text or json".
func addOutputFlag(c *cobra.Command, p *string, usage string) {
	c.Flags().StringVar(p, "output", "text", cmp.Or(usage, "text or json"))
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
}

// checkOutput checks an --output flag (addOutputFlag).
func checkOutput(s string) error {
	if s != "text" && s != "json" {
		return usagef("--output %q: want text or json", s)
	}
	return nil
}

// checkOrgs checks --org values, trimmed of spaces, and drops repeats,
// which GitHub logins compare without case.
func checkOrgs(orgs []string) ([]string, error) {
	var out []string
	for _, org := range orgs {
		org = strings.TrimSpace(org)
		if !ghname.ValidLogin(org) {
			return nil, usagef("--org %q is not a valid GitHub organization login", org)
		}
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, org) }) {
			out = append(out, org)
		}
	}
	return out, nil
}

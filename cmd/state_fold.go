package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/state"
)

// StateFoldOptions are the inputs of `snekomatic state fold`.
type StateFoldOptions struct {
	StatePath string
	Deps      *Deps
}

// NewCmdStateFold builds `snekomatic state fold`.
func NewCmdStateFold(d *Deps, runF func(context.Context, *StateFoldOptions) error) *cobra.Command {
	o := &StateFoldOptions{Deps: d}
	c := &cobra.Command{
		Use:   "fold",
		Short: "Write a journal left by a killed run into the state file",
		Long: `A run writes each change to a journal beside the state file (the state
file's name plus .journal) before acting on it, and folds the journal into the
state file when it ends. A run that was killed leaves the journal, which the
next run applies. fold applies it now, for a state file that is about to be
committed or cached without its journal. It takes the state file's lock and
sends no request; with no journal it changes nothing.`,
		Example: `  # Before committing the state file by hand after a killed run
  snekomatic state fold --state snekomatic-state.json
  git add snekomatic-state.json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateFoldRun(c.Context(), o)
		},
	}
	addStateFlag(c.Flags(), &o.StatePath, "")
	return c
}

func stateFoldRun(_ context.Context, o *StateFoldOptions) error {
	store, _, err := state.Open(o.StatePath)
	if err != nil {
		return err
	}
	defer store.Close()
	return store.Commit()
}

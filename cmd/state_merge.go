package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/internal/errtext"
	"github.com/python-trio/snekomatic/state"
)

// StateMergeOptions are the inputs of `snekomatic state merge`.
type StateMergeOptions struct {
	Base, Ours, Theirs string
	Deps               *Deps
}

// NewCmdStateMerge builds `snekomatic state merge BASE OURS THEIRS`, a git
// merge driver for the state file.
func NewCmdStateMerge(d *Deps, runF func(context.Context, *StateMergeOptions) error) *cobra.Command {
	o := &StateMergeOptions{Deps: d}
	c := &cobra.Command{
		Use:   "merge BASE OURS THEIRS",
		Short: "Merge two copies of the state file record by record (a git merge driver)",
		Long: `Merges OURS and THEIRS, two copies of a state file that went apart from
BASE, person by person, and writes the result over OURS, as git's merge
drivers do (%O %A %B). A record changed on one side only is taken from it; a
record changed on both is taken from the side further along (counting,
queued, inviting, then every final status; then the later time); someone
forgotten on one side and untouched on the other stays forgotten; the later
cursor and both sides' requests of the last hour are kept. Versions 1 and 2
are read; the result is version 2. An empty BASE is an empty state.

Exit status 0: merged. 1: some records cannot be settled (one line each on
stderr; OURS then holds the merge with our side of those records). 2: a file
cannot be read; OURS is untouched.`,
		Example: `  # .gitattributes
  snekomatic-state.json merge=snekomatic
  # once per clone
  git config merge.snekomatic.name "snekomatic state file"
  git config merge.snekomatic.driver "snekomatic state merge %O %A %B"`,
		Args: cobra.ExactArgs(3),
		RunE: func(c *cobra.Command, args []string) error {
			o.Base, o.Ours, o.Theirs = args[0], args[1], args[2]
			if runF != nil {
				return runF(c.Context(), o)
			}
			return stateMergeRun(c.Context(), o)
		},
	}
	return c
}

func stateMergeRun(_ context.Context, o *StateMergeOptions) error {
	var files [3]*state.File
	for i, path := range []string{o.Base, o.Ours, o.Theirs} {
		f, err := readMergeInput(path, i == 0)
		if err != nil {
			return &UsageError{err}
		}
		files[i] = f
	}
	merged, conflicts := state.Merge3(files[0], files[1], files[2], o.Deps.Now())
	if err := state.Save(o.Ours, merged); err != nil {
		return &UsageError{err}
	}
	if len(conflicts) == 0 {
		return nil
	}
	for _, c := range conflicts {
		fmt.Fprintf(o.Deps.Stderr, "snekomatic: state merge: conflict: %s\n", c)
	}
	return &SilentError{Code: ExitError}
}

// readMergeInput reads one side of a merge. An empty or missing base (git
// gives an empty one when both sides added the file) is an empty state.
func readMergeInput(path string, base bool) (*state.File, error) {
	data, err := os.ReadFile(path)
	if base && (errors.Is(err, fs.ErrNotExist) || (err == nil && len(data) == 0)) {
		return state.New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, errtext.PathCause(err))
	}
	f, err := state.Decode(data)
	if err != nil {
		return nil, &state.Error{Path: path, Err: err}
	}
	return f, nil
}

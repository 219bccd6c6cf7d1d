package cmd

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/internal/buildinfo"
)

// VersionOptions are the flags of `snekomatic version`.
type VersionOptions struct {
	Deps   *Deps
	Output string
	// Info is the build information to print; the command fills it from
	// the binary.
	Info buildinfo.Info
}

// NewCmdVersion builds `snekomatic version`. The root's --version prints the
// same line.
func NewCmdVersion(d *Deps, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	o := &VersionOptions{Deps: d}
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version of this binary",
		Example: `  snekomatic version
  snekomatic version --output json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkOutput(o.Output); err != nil {
				return err
			}
			o.Info = buildinfo.Get()
			if runF != nil {
				return runF(c.Context(), o)
			}
			return versionRun(o)
		},
	}
	addOutputFlag(c, &o.Output, "")
	return c
}

// addVersion adds `snekomatic version` to the root, and --version, which
// prints the same line.
func addVersion(root *cobra.Command, d *Deps) {
	root.AddCommand(NewCmdVersion(d, nil))
	root.Version = buildinfo.Get().String()
	root.SetVersionTemplate("{{.Version}}\n")
}

func versionRun(o *VersionOptions) error {
	if o.Output == "json" {
		enc := json.NewEncoder(o.Deps.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(o.Info)
	}
	_, err := fmt.Fprintln(o.Deps.Stdout, o.Info)
	return err
}

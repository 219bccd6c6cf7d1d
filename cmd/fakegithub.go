package cmd

import (
	"context"
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/demo"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// `snekomatic fake-github` serves the fake the tests use, on a port, with
// a world read from a file: to try a workflow, a configuration or a
// backfill with --api-url before trusting snekomatic with real credentials,
// or to reproduce a bug report.

// FakeGitHubOptions are the parsed and validated inputs of
// `snekomatic fake-github`.
type FakeGitHubOptions struct {
	// WorldPath is the world file ("": the demo's sample organization).
	WorldPath string
	World     *fakegithub.World
	// Addr is the address to listen on.
	Addr string
	// KeysDir is where the Apps' private keys are written ("": a
	// temporary directory); they are removed when the server stops.
	KeysDir string

	Deps *Deps
	// ready, if set, is called with the server's root URL once it serves
	// (for tests, which listen on a free port).
	ready func(url string)
}

// NewCmdFakeGitHub builds `snekomatic fake-github`. runF replaces the run
// function in tests; nil means fakeGitHubRun.
func NewCmdFakeGitHub(d *Deps, runF func(context.Context, *FakeGitHubOptions) error) *cobra.Command {
	o := &FakeGitHubOptions{Deps: d}
	c := &cobra.Command{
		Use:   "fake-github",
		Short: "Serve a fake GitHub (REST and GraphQL) with a world read from a file, for trying snekomatic safely",
		Long: `Serves the in-memory fake GitHub that snekomatic's own tests use, with the
organizations, people, pull requests, tokens and faults of a world file
(YAML or JSON; see docs/fake-github.md). It prints the REST and GraphQL URLs
and a token to use, and logs every request to stderr. Point snekomatic at it
with --api-url; nothing reaches GitHub. The world lives in memory: stop the
server (Ctrl-C) and it is gone.

Without --world it serves the sample organization of 'snekomatic demo'.`,
		Example: `  snekomatic fake-github --world examples/world.yaml --addr 127.0.0.1:8080
  GITHUB_TOKEN=ghp_fakeOwnerToken snekomatic reconcile --org acme \
    --api-url http://127.0.0.1:8080/api/v3/ --state /tmp/state.json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.complete(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			if err := fakeGitHubRun(c.Context(), o); err != nil {
				return err
			}
			// Stopping (Ctrl-C) is how a server ends: exit 0, with none
			// of the words for a run cut short.
			return &SilentError{Code: ExitOK}
		},
	}
	f := c.Flags()
	f.StringVar(&o.WorldPath, "world", "", "world file, YAML or JSON (default: the sample organization of 'snekomatic demo')")
	f.StringVar(&o.Addr, "addr", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	f.StringVar(&o.KeysDir, "keys-dir", "", "directory for the private keys of the world's Apps (default: a temporary one); removed on exit")
	return c
}

func (o *FakeGitHubOptions) complete(c *cobra.Command) error {
	if c.Flags().Changed("world") && o.WorldPath == "" {
		return usagef("--world must not be empty")
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return usagef("--addr %q is not host:port (such as 127.0.0.1:8080)", o.Addr)
	}
	if o.WorldPath == "" {
		o.World = demo.World(demo.DefaultOrg, nil)
		return nil
	}
	w, err := fakegithub.LoadWorld(o.WorldPath)
	if err != nil {
		return &UsageError{err}
	}
	o.World = w
	return nil
}

func fakeGitHubRun(ctx context.Context, o *FakeGitHubOptions) error {
	d := o.Deps
	if d.logs == nil || (!d.logs.verbose && d.logs.level == "") {
		// The request log is what this server is for: shown unless asked
		// for less.
		shown := *d
		shown.logs = &logOptions{level: "info"}
		d = &shown
	}
	l, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.Addr, err)
	}
	log := newLogger(d)
	gh, err := fakegithub.ServeWorld(l, o.World, d.Now, log)
	if err != nil {
		return err
	}
	defer gh.Close()
	if err := gh.WriteAppKeys(o.KeysDir); err != nil {
		return err
	}
	defer func() {
		if err := gh.RemoveAppKeys(); err != nil {
			log.Warn("could not remove the Apps' private keys", "err", err)
		}
	}()
	src := o.WorldPath
	if src == "" {
		src = "the demo's sample organization"
	}
	gh.WriteBanner(d.Stdout, src, demo.DefaultOrg)
	if o.ready != nil {
		o.ready(gh.URL())
	}
	// Ctrl-C closes the gate at once (a run's context ends only after a
	// grace for the requests in flight, which a server need not wait for).
	var interrupted <-chan struct{}
	if d.gate != nil {
		interrupted = d.gate.Stopped()
	}
	select {
	case <-ctx.Done():
	case <-interrupted:
	}
	fmt.Fprintln(d.Stderr, "fake-github: stopped")
	return nil
}

package cmd

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/ghactions"
	"github.com/python-trio/snekomatic/internal/interrupt"
)

// Deps is what commands take from the outside world. Tests replace it.
type Deps struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// Transport is the base HTTP transport; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Resilience, if set, adjusts how requests are retried and wait on rate
	// limits (tests shorten timeouts and replace sleeping).
	Resilience func(*ghtransport.Options)

	// logs are the root command's log flags (nil: the defaults).
	logs *logOptions
	// gate stops new requests after an interruption (nil: never).
	gate *interrupt.Gate
	// started is set once a command runs: an error before that is cobra's
	// refusal of the command line.
	started bool
}

// SystemDeps are the real process's.
func SystemDeps() *Deps {
	return &Deps{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
}

// NewRootCmd assembles the command tree.
func NewRootCmd(d *Deps) *cobra.Command {
	logs := &logOptions{}
	d.logs = logs
	root := &cobra.Command{
		Use:   "snekomatic",
		Short: "Invite the authors of merged pull requests to join their GitHub organization",
		Long: `snekomatic invites the authors of merged pull requests to join their GitHub
organization, thanks them on their pull request, and remembers everyone it
has seen in a state file, so that nobody is asked twice.

Credentials come from the environment, never from flags: GH_TOKEN (then
GITHUB_TOKEN) for a token, or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY (or
GITHUB_APP_PRIVATE_KEY_FILE) for a GitHub App.`,
		Example: `  # See what a run would do, with the token gh already has
  GH_TOKEN=$(gh auth token) snekomatic reconcile --org python-trio --dry-run

  # Check credentials, permissions, state file and configuration first
  snekomatic doctor --org python-trio`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			if err := logs.check(); err != nil {
				return err
			}
			d.started = true
			return nil
		},
		// An argument where a command belongs is a usage error on one
		// line; without a command, the help.
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(c, args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	logs.addFlags(root.PersistentFlags())
	_ = root.RegisterFlagCompletionFunc("log-level", fixedCompletion(logLevels...))
	root.SetOut(d.Stdout)
	root.SetErr(d.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	root.AddCommand(NewCmdReconcile(d, nil), NewCmdDoctor(d, nil), NewCmdState(d), NewCmdExplain(d, nil))
	root.AddCommand(NewCmdDemo(d, nil), NewCmdFakeGitHub(d, nil))
	// Every command's --help ends with the exit codes, after the flags.
	root.SetHelpTemplate(root.HelpTemplate() + "\n" + exitCodesHelp + "\n")
	addVersion(root, d)
	addCompletion(root)
	return root
}

// completionExamples are the ways cobra's own help for each shell loads
// the script.
var completionExamples = map[string]string{
	"bash":       "  source <(snekomatic completion bash)\n  snekomatic completion bash > /etc/bash_completion.d/snekomatic",
	"zsh":        `  snekomatic completion zsh > "${fpath[1]}/_snekomatic"`,
	"fish":       "  snekomatic completion fish > ~/.config/fish/completions/snekomatic.fish",
	"powershell": "  snekomatic completion powershell | Out-String | Invoke-Expression",
}

// addCompletion adds cobra's `completion` command now, rather than when the
// root runs, so that its help can carry examples like every other command's.
func addCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = `  # bash, for this shell only
  source <(snekomatic completion bash)

  # zsh, for every new shell
  snekomatic completion zsh > "${fpath[1]}/_snekomatic"`
		for _, sh := range c.Commands() {
			sh.Example = completionExamples[sh.Name()]
		}
	}
}

// Main runs the command line and returns the exit code. It is the one place
// that maps errors to exit codes and prints them.
func Main(ctx context.Context, args []string, d *Deps) int {
	root := NewRootCmd(d)
	root.SetArgs(args)
	// Ctrl-C or SIGTERM (ctx is done): requests in flight finish, no new
	// one starts, the run saves what it did and exits 130.
	d.gate = &interrupt.Gate{}
	runCtx, cancel := d.gate.Watch(ctx, interruptGrace)
	defer cancel()
	err := root.ExecuteContext(runCtx)
	if err == nil && ctx.Err() == nil {
		return ExitOK
	}
	if err == nil {
		err = context.Canceled
	}
	var silent *SilentError
	if errors.As(err, &silent) {
		return silent.Code
	}
	if !d.started {
		// cobra refused the command line (an unknown command or flag, a
		// wrong number of arguments) before any command ran.
		err = &UsageError{err}
	}
	f := describe(ctx, err, "", nil, nil)
	printFailure(d, f)
	return f.Code
}

// unknownCommand is the error for a command that does not exist, with
// cobra's suggestions on the same line.
func unknownCommand(c *cobra.Command, name string) error {
	hint := "snekomatic --help lists the commands"
	if s := c.SuggestionsFor(name); len(s) > 0 {
		hint = "did you mean " + strings.Join(s, " or ") + "?"
	}
	return usagef("unknown command %q: %s", name, hint)
}

// flagError names the flag and echoes the value as typed, in place of
// pflag's message, which quotes the parser ("strconv.ParseInt: parsing
// ...").
func flagError(err error) error {
	var inv *pflag.InvalidValueError
	if !errors.As(err, &inv) {
		return &UsageError{err}
	}
	name, value := "--"+inv.GetFlag().Name, inv.GetValue()
	switch inv.GetFlag().Value.Type() {
	case "int", "int64":
		return usagef("%s %q: want a whole number", name, value)
	case "bool":
		return usagef("%s=%q: want true or false", name, value)
	}
	// Values of snekomatic's own types (durations) say what they want,
	// with the value, themselves.
	return usagef("%s: %v", name, errors.Unwrap(err))
}

// inActions reports whether snekomatic runs as a GitHub Actions step.
func inActions(d *Deps) bool { return ghactions.Enabled(d.Getenv) }

// fixedCompletion offers a flag's values to shell completion.
func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

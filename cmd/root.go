package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/ghtransport"
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
	gate *interruptGate
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
			return logs.check()
		},
	}
	logs.addFlags(root.PersistentFlags())
	_ = root.RegisterFlagCompletionFunc("log-level", fixedCompletion(logLevels...))
	root.SetOut(d.Stdout)
	root.SetErr(d.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{err} })
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
	d.gate = &interruptGate{}
	runCtx, cancel := d.gate.watch(ctx, interruptGrace)
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
	var usage *UsageError
	if errors.As(err, &usage) || isCobraUsage(err) {
		printFailure(d, failure{Msg: errtext.OneLine(err.Error()), Code: ExitUsage})
		return ExitUsage
	}
	f := explain(ctx, err, "", nil, nil)
	printFailure(d, f)
	return f.Code
}

// printFailure says one failure, once, on stderr: "snekomatic: org: what
// is wrong: what to do". Under GitHub Actions the same line is an ::error
// annotation, which the log shows in place and the run's page lists.
func printFailure(d *Deps, f failure) {
	msg := f.Msg
	if f.Org != "" {
		msg = f.Org + ": " + msg
	}
	if inActions(d) {
		var b strings.Builder
		title := "snekomatic"
		if f.Org != "" {
			title += ": " + f.Org
		}
		writeCommand(&b, "error", title, f.Msg)
		fmt.Fprint(d.Stderr, b.String())
		return
	}
	fmt.Fprintf(d.Stderr, "snekomatic: %s\n", msg)
}

// inActions reports whether snekomatic runs as a GitHub Actions step.
func inActions(d *Deps) bool { return d.Getenv("GITHUB_ACTIONS") == "true" }

// isCobraUsage recognises the errors cobra makes itself for an unknown
// command or a wrong number of arguments, which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "accepts ") ||
		strings.HasPrefix(msg, "requires at least") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag")
}

// fixedCompletion offers a flag's values to shell completion.
func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

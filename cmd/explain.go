package cmd

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/config"
	why "github.com/python-trio/snekomatic/explain"
	"github.com/python-trio/snekomatic/ghname"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/runner"
	"github.com/python-trio/snekomatic/state"
)

// ExplainOptions are the inputs of `snekomatic explain`.
type ExplainOptions struct {
	AuthOptions
	Login      string
	StatePath  string
	ConfigPath string
	// configGiven: --config was named (then it must exist).
	configGiven bool
	Offline     bool
	Output      string
	Deps        *Deps
	// notAsked says why GitHub is not asked; "" when it is.
	notAsked string
}

// explainWidth is where the paragraph wraps.
const explainWidth = 80

// NewCmdExplain builds `snekomatic explain`.
func NewCmdExplain(d *Deps, runF func(context.Context, *ExplainOptions) error) *cobra.Command {
	o := &ExplainOptions{Deps: d}
	c := &cobra.Command{
		Use:   "explain LOGIN --org ORG",
		Short: "Say everything snekomatic knows and decides about one person, and what happens next",
		Long: `Says, in one paragraph, everything snekomatic knows and decides about one
person in one organization: their record in the state file (status, when,
the pull request, the welcome comment, the reason), what the organization's
policy says about them (a bot, an excluded login, min_merged_prs, role,
teams, approval, renew_expired), what GitHub says now (the account, its
membership, and when it can matter its merged pull requests), and what
happens next: invited on the next run, waiting in the queue, waiting for
approval, needing more merged pull requests, joined, or never, and why.

With credentials (the same as reconcile's) it asks GitHub at most three
reads: GET /users/{login}, GET /orgs/{org}/memberships/{login}, and one
search count of merged pull requests when the count can change the answer
(App mode also reads the organization's own configuration, as a run does).
For someone proposed on the approval issue, it finds that issue as a run
does (one page of the approval repository's issues; with a token, GET /user
too) and gives its URL.
Without credentials, or with --offline, it asks GitHub nothing and says so.
It never writes anything and takes no lock.

Someone the state file does not know, or an organization it does not have,
is an answer too: exit 0.`,
		Example: `  snekomatic explain alice --org python-trio --offline
  GH_TOKEN=$(gh auth token) snekomatic explain alice --org python-trio
  snekomatic explain dependabot[bot] --org python-trio
  snekomatic explain alice --org python-trio --output json | jq .verdict`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.complete(c, args[0]); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return explainRun(c.Context(), o)
		},
	}
	f := c.Flags()
	o.AuthOptions.addFlags(f)
	addStateFlag(f, &o.StatePath, "")
	f.StringVar(&o.ConfigPath, "config", "", "configuration file (default "+config.DefaultPath+" when it exists)")
	f.BoolVar(&o.Offline, "offline", false, "ask GitHub nothing: answer from the state file and the configuration alone")
	addOutputFlag(c, &o.Output, "")
	return c
}

// complete validates the arguments and decides whether GitHub is asked;
// it sends nothing.
func (o *ExplainOptions) complete(c *cobra.Command, login string) error {
	bare := login
	if len(login) > len(reconcile.BotSuffix) && strings.EqualFold(login[len(login)-len(reconcile.BotSuffix):], reconcile.BotSuffix) {
		bare = login[:len(login)-len(reconcile.BotSuffix)]
	}
	if !ghname.ValidLogin(bare) {
		return usagef("%q is not a valid GitHub login", login)
	}
	o.Login = login
	if err := checkOutput(o.Output); err != nil {
		return err
	}
	if o.StatePath == "" {
		return usagef("--state must not be empty")
	}
	o.configGiven = c.Flags().Changed("config")
	if o.configGiven && o.ConfigPath == "" {
		return usagef("--config must not be empty")
	}
	orgs, err := checkOrgs(o.Orgs)
	switch {
	case err != nil:
		return err
	case len(orgs) != 1:
		return usagef("--org is required, once: name the organization to explain %s in", login)
	}
	if o.Offline {
		o.Orgs, o.notAsked = orgs, "--offline"
		// Links need the instance's web address; no credential is read:
		// --offline answers whatever state the credentials are in.
		o.APIURL, o.WebURL, err = apiAndWeb(o.Deps, o.APIURL, c.Flags().Changed("api-url"))
		return err
	}
	var cred *CredentialsError
	if err := o.AuthOptions.complete(o.Deps, c.Flags()); errors.As(err, &cred) && cred.Missing {
		o.Orgs, o.notAsked = orgs, "no credentials were given"
		return nil
	} else if err != nil {
		return err
	}
	return nil
}

func explainRun(ctx context.Context, o *ExplainOptions) error {
	d := o.Deps
	_, cfg, err := config.LoadOrDefault(o.ConfigPath, o.configGiven, reconcile.SampleWelcomeData)
	if err != nil {
		return &UsageError{err}
	}
	st, fresh, err := state.Load(o.StatePath)
	if err != nil {
		return err
	}
	org := o.Orgs[0]
	f := why.Facts{Login: o.Login, Org: org, StatePath: o.StatePath, NotAsked: o.notAsked, Web: o.WebURL}
	so := st.Orgs[strings.ToLower(org)]
	if !fresh && so != nil {
		f.OrgInState, f.Cursor = true, so.Cursor
	}
	policy := runner.Policies{Config: cfg}
	if o.notAsked != "" {
		if f.Policy, _, err = policy.Org(ctx, nil, org, false); err != nil {
			return err
		}
		f.ID, f.Record, _, _ = why.Find(so, o.Login, 0)
	} else if err := o.askGitHub(ctx, &f, so, policy); err != nil {
		return err
	}
	a := why.Explain(f)
	if o.Output == "json" {
		return why.WriteJSON(d.Stdout, a)
	}
	return why.WriteText(d.Stdout, a, explainWidth)
}

// askGitHub resolves the organization's policy as a run does and fills in
// what GitHub says now. A failure is said as a run says it (exit 4 for
// refused credentials), once.
func (o *ExplainOptions) askGitHub(ctx context.Context, f *why.Facts, so *state.Org, policy runner.Policies) error {
	d := o.Deps
	sess, err := connect(&o.AuthOptions, d, newLogger(d), nil)
	if err != nil {
		return err
	}
	if err := runner.AskGitHub(ctx, sess, policy, f, so, o.Mode == ModeApp); err != nil {
		fl := explain(ctx, err, f.Org, &o.AuthOptions, sess)
		printFailure(d, fl)
		return &SilentError{Code: fl.Code}
	}
	return nil
}

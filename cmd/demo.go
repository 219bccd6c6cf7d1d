package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghname"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
)

// The demo runs the real reconcile, unchanged, against the in-memory fake
// GitHub the end-to-end tests use: the one way to show a new user what
// snekomatic does without asking them for owner-level credentials first.

// DemoOptions are the parsed and validated inputs of `snekomatic demo`.
type DemoOptions struct {
	// KeepDir, if set, receives the state file and the fake's request log.
	KeepDir string
	// ConfigPath is the user's configuration ("" for the built-in
	// defaults), and Config what it holds.
	ConfigPath string
	Config     *config.File
	// Org is the sample organization's login.
	Org string
	// OrgFromConfig is set when Org was taken from the configuration.
	OrgFromConfig bool

	Deps *Deps
}

// Files written to --keep DIR.
const (
	demoStateFile = "snekomatic-state.json"
	demoLogFile   = "fake-github-requests.log"
	demoRunLog    = "snekomatic.log"
)

const demoDefaultOrg = "snekomatic-demo"

// demoToken is the token the fake accepts in the demo; it is not a GitHub
// token and is only ever sent to 127.0.0.1.
const demoToken = "ghp_snekomaticDEMOnotARealToken000000"

// NewCmdDemo builds `snekomatic demo`. runF replaces the run function in
// tests; nil means demoRun.
func NewCmdDemo(d *Deps, runF func(context.Context, *DemoOptions) error) *cobra.Command {
	o := &DemoOptions{Deps: d}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Show what a run does, on a fake GitHub in this process (no credentials, no network)",
		Long: `Starts a fake GitHub on 127.0.0.1 inside this process, with a small sample
organization, and runs the real reconcile against it twice: the first run
invites and welcomes the newcomers, the second shows that nobody is asked
twice. Then it shows the state file and what each step sent.

Nothing is sent to GitHub and no credentials are read from the environment.
With --config, the runs use your configuration (the sample organization takes
the name of the first organization it lists, and has the teams it names).`,
		Example: `  # Two runs on a sample organization, then the state file and what was sent
  snekomatic demo

  # What your configuration would do, keeping the state file and request log
  snekomatic demo --config .github/snekomatic.yml --keep ./demo-out`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.complete(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return demoRun(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.KeepDir, "keep", "", "keep the state file, the run's log and the fake's request log in this directory")
	f.StringVar(&o.ConfigPath, "config", "", "run under this configuration file (default: snekomatic's built-in defaults)")
	f.StringVar(&o.Org, "org", "", "name of the sample organization (default: the first one in --config, else "+demoDefaultOrg+")")
	return c
}

func (o *DemoOptions) complete(c *cobra.Command) error {
	f := c.Flags()
	if f.Changed("config") && o.ConfigPath == "" {
		return usagef("--config must not be empty")
	}
	o.Config = &config.File{Orgs: map[string]config.Policy{}}
	if o.ConfigPath != "" {
		cfg, err := config.Load(o.ConfigPath, reconcile.SampleWelcomeData)
		if err != nil {
			return &UsageError{err}
		}
		o.Config = cfg
	}
	switch {
	case f.Changed("org"):
		if !ghname.ValidLogin(o.Org) {
			return usagef("--org %q is not a valid GitHub organization login", o.Org)
		}
	case len(o.Config.Orgs) > 0:
		orgs := make([]string, 0, len(o.Config.Orgs))
		for k := range o.Config.Orgs {
			orgs = append(orgs, k)
		}
		slices.Sort(orgs)
		o.Org, o.OrgFromConfig = orgs[0], true
	default:
		o.Org = demoDefaultOrg
	}
	if f.Changed("keep") {
		if o.KeepDir == "" {
			return usagef("--keep must not be empty")
		}
		// Refuse before anything runs rather than overwrite an earlier
		// demo's (or anybody's) files.
		for _, name := range []string{demoStateFile, demoLogFile, demoRunLog} {
			p := filepath.Join(o.KeepDir, name)
			if _, err := os.Stat(p); err == nil {
				return usagef("--keep %s: %s already exists; choose another directory or remove it", o.KeepDir, p)
			}
		}
		if fi, err := os.Stat(o.KeepDir); err == nil && !fi.IsDir() {
			return usagef("--keep %s is not a directory", o.KeepDir)
		}
	}
	return nil
}

// demoPerson is one author in the sample organization; the world is built
// from this list and the introduction printed from it, so they agree.
type demoPerson struct {
	login string
	kind  string // users, bots or deleted_users
	// ago are the merge times of their pull requests, before now.
	ago  []time.Duration
	role string // "member" or "admin" for members
	// pending marks an invitation someone sent by hand earlier.
	pending bool
	note    string
}

const demoOwner = "demo-owner"

var demoPeople = []demoPerson{
	{login: "alice", kind: "users", ago: []time.Duration{30 * time.Hour, 5 * time.Hour}, note: "new: two merged pull requests (welcomed on the first)"},
	{login: "bob", kind: "users", ago: []time.Duration{20 * time.Hour}, note: "new: will decline his invitation between the two runs"},
	{login: "chen", kind: "users", ago: []time.Duration{30 * time.Minute}, note: "new: merged half an hour ago, so the second run reads it again"},
	{login: "mia", kind: "users", ago: []time.Duration{26 * time.Hour}, role: "member", note: "already a member"},
	{login: "pat", kind: "users", ago: []time.Duration{10 * time.Hour}, pending: true, note: "invited earlier by a maintainer, by hand; has not answered yet"},
	{login: "dependabot[bot]", kind: "bots", ago: []time.Duration{8 * time.Hour}, note: "a bot: never invited"},
	{login: "gone-account", kind: "deleted_users", ago: []time.Duration{12 * time.Hour}, note: "account deleted since: GitHub shows no author"},
	{login: demoOwner, kind: "users", role: "admin", note: "an owner of the organization: the token's user (GitHub lets only owners invite)"},
}

// demoWorld is the sample organization, with the teams the policy names
// so that a configuration asking for teams works.
func demoWorld(org string, teams []string) *fakegithub.World {
	w := &fakegithub.World{
		Orgs:   []fakegithub.WorldOrg{{Login: org, Teams: teams}},
		Tokens: []fakegithub.WorldToken{{Value: demoToken, User: demoOwner}},
	}
	repos := []fakegithub.WorldRepo{{Name: org + "/widgets"}, {Name: org + "/docs"}}
	n := 0
	for _, p := range demoPeople {
		switch p.kind {
		case "users":
			w.Users = append(w.Users, p.login)
		case "bots":
			w.Bots = append(w.Bots, p.login)
		case "deleted_users":
			w.DeletedUsers = append(w.DeletedUsers, p.login)
		}
		if p.role != "" {
			w.Orgs[0].Members = append(w.Orgs[0].Members, fakegithub.WorldMember{Login: p.login, Role: p.role})
		}
		if p.pending {
			w.Orgs[0].PendingInvitations = append(w.Orgs[0].PendingInvitations, p.login)
		}
		for _, ago := range p.ago {
			r := &repos[n%len(repos)]
			n++
			r.PullRequests = append(r.PullRequests, fakegithub.WorldPR{
				Author: p.login, Title: "A change by " + p.login, At: fmt.Sprintf("%ds", int(ago.Seconds())),
			})
		}
	}
	w.Repos = repos
	return w
}

// demoEnv is the whole environment the demo's runs see: the user's own
// GITHUB_TOKEN or App credentials must never be picked up (nor GitHub
// Actions' step summary written).
func demoEnv(key string) string {
	if key == "GITHUB_TOKEN" {
		return demoToken
	}
	return ""
}

func demoRun(ctx context.Context, o *DemoOptions) error {
	d := o.Deps
	out := d.Stdout
	now := d.Now().UTC()

	tmp, err := os.MkdirTemp("", "snekomatic-demo-")
	if err != nil {
		return fmt.Errorf("make a temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	statePath := filepath.Join(tmp, demoStateFile)
	configPath := o.ConfigPath
	if configPath == "" {
		// Name an empty configuration explicitly: without --config,
		// reconcile would read .github/snekomatic.yml from the working
		// directory, and the demo promises the built-in defaults.
		configPath = filepath.Join(tmp, "empty-config.yml")
		if err := os.WriteFile(configPath, nil, 0o600); err != nil {
			return fmt.Errorf("write the demo's configuration: %w", err)
		}
	}

	gh := fakegithub.NewServer()
	defer gh.Close()
	gh.SetClock(d.Now)
	var teamList []string
	if teams := o.Config.For(o.Org, nil).Teams; teams != nil {
		teamList = slices.Clone(*teams)
	}
	built, err := gh.AddWorld(demoWorld(o.Org, teamList), now)
	if err != nil {
		return fmt.Errorf("build the sample organization: %w", err)
	}

	fmt.Fprintf(out, "snekomatic demo: a fake GitHub at %s, inside this process.\n", gh.URL())
	fmt.Fprintf(out, "Nothing is sent to GitHub, and no credentials are read: the runs below talk only to 127.0.0.1.\n\n")
	if o.ConfigPath != "" {
		fmt.Fprintf(out, "Configuration: %s", o.ConfigPath)
		if o.OrgFromConfig {
			fmt.Fprintf(out, " (the sample organization is named after its first organization, %s)", o.Org)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "The sample organization %s, repositories %s/widgets and %s/docs:\n", o.Org, o.Org, o.Org)
	for _, p := range demoPeople {
		prs := ""
		if len(p.ago) > 0 {
			prs = fmt.Sprintf("%d merged", len(p.ago))
		}
		fmt.Fprintf(out, "  %-16s %-9s %s\n", p.login, prs, p.note)
	}

	var logs bytes.Buffer // the runs' own logs (stderr of a real run)
	reqLog := &strings.Builder{}
	args := []string{"reconcile", "--org", o.Org, "--state", statePath, "--api-url", gh.RESTURL(), "--config", configPath}
	shown := []string{"reconcile", "--org", o.Org, "--state", demoStateFile, "--api-url", gh.RESTURL()}
	if o.ConfigPath != "" {
		shown = append(shown, "--config", o.ConfigPath)
	}

	narr := &narrator{gh: gh, org: o.Org}
	run := func(n int) error {
		fmt.Fprintf(out, "\n== Run %d: GITHUB_TOKEN=<the fake's token> snekomatic %s\n\n", n, strings.Join(shown, " "))
		before := len(gh.Requests())
		inner := &Deps{Stdout: out, Stderr: &logs, Getenv: demoEnv, Now: d.Now, Transport: demoTransport(), Resilience: d.Resilience,
			logs: &logOptions{level: "info"}} // the kept run log says what each step did
		c := NewCmdReconcile(inner, nil)
		c.SilenceUsage, c.SilenceErrors = true, true
		c.SetArgs(args[1:])
		c.SetOut(out)
		c.SetErr(&logs)
		runErr := c.ExecuteContext(ctx)
		reqs := gh.Requests()[before:]
		writeRequestLog(reqLog, n, reqs)
		fmt.Fprintf(out, "\nWhat run %d sent (from the fake's request log):\n", n)
		narr.describe(out, reqs)
		if runErr != nil {
			// The run's log says what went wrong; a demo that fails is a bug
			// or a configuration the sample cannot satisfy.
			io.Copy(d.Stderr, &logs)
			var silent *SilentError
			if errors.As(runErr, &silent) {
				return fmt.Errorf("demo run %d failed (see the report above)", n)
			}
			return fmt.Errorf("demo run %d: %w", n, runErr)
		}
		return nil
	}

	if err := run(1); err != nil {
		return err
	}

	// Between the runs, people answer their invitations, as they would.
	alice, bob := built.Accounts["alice"], built.Accounts["bob"]
	var meanwhile []string
	if hasPending(gh, o.Org, alice.ID) {
		gh.AcceptInvitation(o.Org, alice.ID)
		meanwhile = append(meanwhile, "alice accepts her invitation")
	}
	bobDeclined := hasPending(gh, o.Org, bob.ID)
	if bobDeclined {
		gh.DeclineInvitation(o.Org, bob.ID)
		meanwhile = append(meanwhile, "bob declines his")
	}
	meanwhile = append(meanwhile, "bob merges another pull request")
	gh.AddPR(built.Repos[strings.ToLower(o.Org+"/widgets")], bob.ID, "Another change by bob", d.Now().Add(-time.Minute))
	fmt.Fprintf(out, "\n== Meanwhile on the fake GitHub: %s.\n", strings.Join(meanwhile, "; "))

	before := len(gh.Requests())
	if err := run(2); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s\n", secondRunVerdict(gh, o.Org, gh.Requests()[before:], bobDeclined))

	data, err := os.ReadFile(statePath)
	if err != nil {
		return fmt.Errorf("read the demo's state file: %w", err)
	}
	fmt.Fprintf(out, "\n== The state file (%s): everyone seen, by user id, and the cursor\n\n%s", demoStateFile, data)
	if !bytes.HasSuffix(data, []byte("\n")) {
		fmt.Fprintln(out)
	}

	if o.KeepDir != "" {
		if err := keepFiles(o.KeepDir, map[string][]byte{
			demoStateFile: data, demoLogFile: []byte(reqLog.String()), demoRunLog: logs.Bytes(),
		}); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nKept in %s: %s (the state file), %s (every request the fake received) and %s (the runs' logs).\n",
			o.KeepDir, demoStateFile, demoLogFile, demoRunLog)
	}
	fmt.Fprintf(out, "\nNothing touched GitHub: every request went to the fake at %s, which is gone now.\n", gh.URL())
	fmt.Fprintf(out, "To run for real, see the README: a token with `reconcile --dry-run` first, then a GitHub App.\n")
	return nil
}

func hasPending(gh *fakegithub.GitHub, org string, id int64) bool {
	return slices.ContainsFunc(gh.PendingInvitations(org), func(i fakegithub.Invitation) bool { return i.InviteeID == id })
}

// secondRunVerdict says what the second run shows, from what the fake
// saw rather than from what the demo expects, so that a configuration that
// changes the story (or a bug) is told as it is.
func secondRunVerdict(gh *fakegithub.GitHub, org string, run2 []fakegithub.Request, bobDeclined bool) string {
	invited := map[int64]int{}
	for _, inv := range gh.CreatedInvitations(org) {
		invited[inv.InviteeID]++
	}
	commented := map[string]int{}
	for _, c := range gh.AllComments() {
		commented[fmt.Sprintf("%s#%d", c.Repo, c.Number)]++
	}
	for id, n := range invited {
		if n > 1 {
			return fmt.Sprintf("Something is wrong: user %d was invited %d times. Please report it, with the output above.", id, n)
		}
	}
	for pr, n := range commented {
		if n > 1 {
			return fmt.Sprintf("Something is wrong: %s was commented on %d times. Please report it, with the output above.", pr, n)
		}
	}
	writes := 0
	for _, r := range run2 {
		if r.Kind == fakegithub.KindRESTWrite {
			writes++
		}
	}
	if writes > 0 {
		return "The second run sent only what the configuration makes due now; nobody was invited or welcomed twice."
	}
	s := "The second run sent nothing. It read chen's pull request again (each window overlaps the last one,\n" +
		"because GitHub's search lags behind merges) and bob's new one, and asked nobody twice"
	if bobDeclined {
		s += ": bob declined,\nand the state file remembers that he was asked, so he is never invited again."
	} else {
		s += "."
	}
	return s
}

// demoTransport never uses a proxy: the fake is on 127.0.0.1 and the demo
// promises that nothing leaves the machine.
func demoTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	return t
}

// keepFiles writes the demo's files into dir, creating it if needed. It
// never replaces a file that exists, and removes what it wrote if it
// cannot write them all.
func keepFiles(dir string, files map[string][]byte) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--keep %s: %w", dir, errtext.PathCause(err))
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var written []string
	defer func() {
		if err != nil {
			for _, p := range written {
				os.Remove(p)
			}
		}
	}()
	for _, n := range names {
		p := filepath.Join(dir, n)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("--keep %s: %s already exists", dir, p)
			}
			return fmt.Errorf("--keep %s: %w", dir, errtext.PathCause(err))
		}
		written = append(written, p)
		_, werr := f.Write(files[n])
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("--keep %s: write %s: %w", dir, n, werr)
		}
	}
	return nil
}

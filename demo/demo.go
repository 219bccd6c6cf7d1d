package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/internal/errtext"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// Files written to Options.KeepDir.
const (
	StateFile = "snekomatic-state.json"
	LogFile   = "fake-github-requests.log"
	RunLog    = "snekomatic.log"
)

// ErrReported is what Options.Reconcile returns (wrapped or not) for a run
// that failed after printing its report, which says why.
var ErrReported = errors.New("the run failed; its report says why")

// Options are what the demo runs with.
type Options struct {
	// Org is the sample organization's login; OrgFromConfig says it was
	// taken from the configuration.
	Org           string
	OrgFromConfig bool
	// ConfigPath is the user's configuration ("" for the built-in
	// defaults), and Config what it holds.
	ConfigPath string
	Config     *config.File
	// KeepDir, if set, receives the state file, the runs' log and the
	// fake's request log.
	KeepDir string
	Now     func() time.Time
	// Stdout gets the story; Stderr the runs' log when one fails.
	Stdout, Stderr io.Writer
	// Reconcile runs `snekomatic reconcile args...` (args without the
	// command's name), its report on stdout and its log on stderr, with
	// Token as its only credential.
	Reconcile func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// demo is one demo in progress: the fake, and what the runs left.
type demo struct {
	o     Options
	gh    *fakegithub.GitHub
	built *fakegithub.Built
	// args are the runs' arguments; shown, those printed.
	args, shown []string
	logs        bytes.Buffer // the runs' own logs (stderr of a real run)
	reqLog      strings.Builder
	narr        *narrator
	// welcomeShown: a welcome comment was shown (showWelcome).
	welcomeShown bool
}

// Run starts the fake GitHub with the sample organization, runs reconcile
// against it twice with people answering their invitations in between,
// and tells what happened.
func Run(ctx context.Context, o Options) error {
	tmp, err := os.MkdirTemp("", "snekomatic-demo-")
	if err != nil {
		return fmt.Errorf("make a temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	statePath := filepath.Join(tmp, StateFile)
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
	gh.SetClock(o.Now)
	var teamList []string
	if teams := o.Config.For(o.Org, nil).Teams; teams != nil {
		teamList = slices.Clone(*teams)
	}
	built, err := gh.AddWorld(World(o.Org, teamList), o.Now().UTC())
	if err != nil {
		return fmt.Errorf("build the sample organization: %w", err)
	}
	addApprovalRepo(gh, o.Org, approvalRepo(o))
	dm := &demo{o: o, gh: gh, built: built, narr: &narrator{gh: gh, org: o.Org},
		args:  []string{"--org", o.Org, "--state", statePath, "--api-url", gh.RESTURL(), "--config", configPath},
		shown: []string{"reconcile", "--org", o.Org, "--state", StateFile, "--api-url", gh.RESTURL()}}
	if o.ConfigPath != "" {
		dm.shown = append(dm.shown, "--config", o.ConfigPath)
	}
	dm.intro()
	if err := dm.run(ctx, 1); err != nil {
		return err
	}
	bobDeclined := dm.meanwhile()
	before := len(gh.Requests())
	if err := dm.run(ctx, 2); err != nil {
		return err
	}
	fmt.Fprintf(o.Stdout, "\n%s\n", secondRunVerdict(gh, o.Org, gh.Requests()[before:], bobDeclined))
	return dm.end(statePath)
}

// intro says where the fake is and who is in the sample organization.
func (dm *demo) intro() {
	o, out := dm.o, dm.o.Stdout
	fmt.Fprintf(out, "snekomatic demo: a fake GitHub at %s, inside this process.\n", dm.gh.URL())
	fmt.Fprintf(out, "Nothing is sent to GitHub, and no credentials are read: the runs below talk only to 127.0.0.1.\n\n")
	if o.ConfigPath != "" {
		fmt.Fprintf(out, "Configuration: %s", o.ConfigPath)
		if o.OrgFromConfig {
			fmt.Fprintf(out, " (the sample organization is named after its first organization, %s)", o.Org)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "The sample organization %s, repositories %s/widgets and %s/docs:\n", o.Org, o.Org, o.Org)
	for _, p := range people {
		prs := ""
		if len(p.ago) > 0 {
			prs = fmt.Sprintf("%d merged", len(p.ago))
		}
		fmt.Fprintf(out, "  %-16s %-9s %s\n", p.login, prs, p.note)
	}
}

// run is the demo's n-th reconcile, and what it sent.
func (dm *demo) run(ctx context.Context, n int) error {
	out := dm.o.Stdout
	fmt.Fprintf(out, "\n== Run %d: GITHUB_TOKEN=<the fake's token> snekomatic %s\n\n", n, strings.Join(dm.shown, " "))
	before, comments := len(dm.gh.Requests()), len(dm.gh.AllComments())
	runErr := dm.o.Reconcile(ctx, dm.args, out, &dm.logs)
	reqs := dm.gh.Requests()[before:]
	writeRequestLog(&dm.reqLog, n, reqs)
	fmt.Fprintf(out, "\nWhat run %d sent (from the fake's request log):\n", n)
	dm.narr.describe(out, reqs)
	dm.showWelcome(out, comments)
	if runErr != nil {
		// The run's log says what went wrong; a demo that fails is a bug
		// or a configuration the sample cannot satisfy.
		io.Copy(dm.o.Stderr, &dm.logs)
		if errors.Is(runErr, ErrReported) {
			return fmt.Errorf("demo run %d failed (see the report above)", n)
		}
		return fmt.Errorf("demo run %d: %w", n, runErr)
	}
	return nil
}

// meanwhile has people answer their invitations between the runs, as they
// would, and bob merge another pull request; it reports whether bob
// declined one.
func (dm *demo) meanwhile() (bobDeclined bool) {
	gh, org := dm.gh, dm.o.Org
	alice, bob := dm.built.Accounts["alice"], dm.built.Accounts["bob"]
	var said []string
	if repo := approvalRepo(dm.o); repo != "" {
		said = dm.approve(repo)
	}
	if hasPending(gh, org, alice.ID) {
		gh.AcceptInvitation(org, alice.ID)
		said = append(said, "alice accepts her invitation")
	}
	bobDeclined = hasPending(gh, org, bob.ID)
	if bobDeclined {
		gh.DeclineInvitation(org, bob.ID)
		said = append(said, "bob declines his")
	}
	said = append(said, "bob merges another pull request")
	gh.AddPR(dm.built.Repos[strings.ToLower(org+"/widgets")], bob.ID, "Another change by bob", dm.o.Now().Add(-time.Minute))
	fmt.Fprintf(dm.o.Stdout, "\n== Meanwhile on the fake GitHub: %s.\n", strings.Join(said, "; "))
	return bobDeclined
}

// end shows the state file and keeps the files asked for.
func (dm *demo) end(statePath string) error {
	out := dm.o.Stdout
	data, err := os.ReadFile(statePath)
	if err != nil {
		return fmt.Errorf("read the demo's state file: %w", err)
	}
	fmt.Fprintf(out, "\n== The state file (%s): everyone seen, by user id, and the cursor\n\n%s", StateFile, data)
	if !bytes.HasSuffix(data, []byte("\n")) {
		fmt.Fprintln(out)
	}
	if dir := dm.o.KeepDir; dir != "" {
		if err := keepFiles(dir, map[string][]byte{
			StateFile: data, LogFile: []byte(dm.reqLog.String()), RunLog: dm.logs.Bytes(),
		}); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nKept in %s: %s (the state file), %s (every request the fake received) and %s (the runs' logs).\n",
			dir, StateFile, LogFile, RunLog)
	}
	fmt.Fprintf(out, "\nNothing touched GitHub: every request went to the fake at %s, which is gone now.\n", dm.gh.URL())
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

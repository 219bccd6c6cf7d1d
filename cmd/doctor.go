package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// DoctorOptions are the inputs of `snekomatic doctor`.
type DoctorOptions struct {
	AuthOptions
	StatePath  string
	ConfigPath string
	// configGiven: --config was named (then it must exist).
	configGiven bool
	Output      string
	Deps        *Deps
}

// NewCmdDoctor builds `snekomatic doctor`.
func NewCmdDoctor(d *Deps, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{Deps: d}
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Check that credentials, permissions, state file and configuration are ready for a run",
		Long: `Checks, before a run needs it, everything a run will need, and changes
nothing: that the state file's directory exists and the state file and its
lock can be created there (and that an existing state file reads); that
the configuration file parses; then for each organization (each App
installation, or each --org with a token) that the credentials work and
carry the permissions a run needs, that invitations can be sent (with a
token: that its owner is an owner of the organization), that merged pull
requests can be read, that the configuration's teams exist and that its
welcome comment renders.

It prints one row per organization, with the reason for each "no" on the
lines below it, and exits 0 when everything a run needs is there, 1 when
something is missing.`,
		Example: `  GH_TOKEN=$(gh auth token) snekomatic doctor --org python-trio
  snekomatic doctor --state ops/snekomatic-state.json --config ops/snekomatic.yml
  snekomatic doctor --output json | jq '.orgs[] | select(.ok | not)'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.StatePath == "" {
				return usagef("--state must not be empty")
			}
			if err := checkOutput(o.Output); err != nil {
				return err
			}
			o.configGiven = c.Flags().Changed("config")
			if o.configGiven && o.ConfigPath == "" {
				return usagef("--config must not be empty")
			}
			if err := o.AuthOptions.complete(d, c.Flags()); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return doctorRun(c.Context(), o)
		},
	}
	f := c.Flags()
	o.AuthOptions.addFlags(f)
	f.StringVar(&o.StatePath, "state", "snekomatic-state.json", "state file to check")
	f.StringVar(&o.ConfigPath, "config", "", "configuration file to check (default "+config.DefaultPath+" when it exists)")
	f.StringVar(&o.Output, "output", "text", "text or json")
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
	return c
}

// DoctorReport is what `doctor --output json` prints. Fields are only ever
// added.
type DoctorReport struct {
	Mode string `json:"mode"`
	// OK: everything a run needs is there.
	OK bool `json:"ok"`
	// Checks are those about this machine: state file and configuration.
	Checks []DoctorCheck `json:"checks"`
	// Orgs has one entry per organization (and per App installation on a
	// user account, which a run ignores).
	Orgs []DoctorOrg `json:"orgs"`
	// Errors lists every failed check, one line each.
	Errors []string `json:"errors"`
}

// DoctorCheck is one check: its name, whether it passed, and why not.
type DoctorCheck struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	// Skipped: not checked, because an earlier check failed or it does
	// not apply.
	Skipped bool   `json:"skipped,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// DoctorOrg is one organization's (or installation's) checks.
type DoctorOrg struct {
	Account string `json:"account"`
	Type    string `json:"type"`
	// Needed is false for accounts a run ignores (users).
	Needed      bool          `json:"needed"`
	OK          bool          `json:"ok"`
	Permissions []string      `json:"permissions"`
	Checks      []DoctorCheck `json:"checks"`
}

// Names of the per-organization checks, in table order.
const (
	checkToken  = "credentials"
	checkInvite = "can_invite"
	checkRead   = "can_read"
	checkConfig = "config"
)

func pass(name, detail string) DoctorCheck { return DoctorCheck{Name: name, OK: true, Detail: detail} }
func fail(name, detail string) DoctorCheck { return DoctorCheck{Name: name, Detail: detail} }
func skip(name string) DoctorCheck         { return DoctorCheck{Name: name, Skipped: true} }

func doctorRun(ctx context.Context, o *DoctorOptions) error {
	d := o.Deps
	log := newLogger(d)
	rep := DoctorReport{Mode: o.Mode, Checks: []DoctorCheck{}, Orgs: []DoctorOrg{}, Errors: []string{}}
	rep.Checks = append(rep.Checks, checkStateDir(o.StatePath)...)
	cfgCheck, cfg := checkConfigFile(o.ConfigPath, o.configGiven)
	rep.Checks = append(rep.Checks, cfgCheck)

	sess, err := connect(&o.AuthOptions, d, log, nil)
	if err != nil {
		return err
	}
	targets, err := sess.Targets(ctx)
	if err != nil {
		return err
	}
	if app := sess.App(); app != nil {
		insts, err := app.Installations(ctx)
		if err != nil {
			return err // ghapp names the step
		}
		byOrg := map[string]ghsession.Target{}
		for _, t := range targets {
			byOrg[strings.ToLower(t.Org)] = t
		}
		for _, inst := range insts {
			t, wanted := byOrg[strings.ToLower(inst.Account)]
			row := DoctorOrg{Account: inst.Account, Type: inst.AccountType, Permissions: permList(inst.Permissions)}
			if inst.AccountType != "Organization" {
				row.OK = true
				row.Checks = []DoctorCheck{{Name: checkToken, OK: true, Skipped: true, Detail: "not an organization: ignored"}}
				rep.Orgs = append(rep.Orgs, row)
				continue
			}
			if len(o.Orgs) > 0 && !wanted {
				continue
			}
			row.Needed = true
			tok := pass(checkToken, "installation token issued")
			if inst.Suspended {
				tok = fail(checkToken, "the App's installation is suspended; unsuspend it in the organization's settings")
			} else if _, err := app.Token(ctx, inst.ID); err != nil {
				tok = fail(checkToken, explain(ctx, err, t.Org, &o.AuthOptions, sess).Msg)
			}
			invite := pass(checkInvite, "")
			if m := ghsession.MissingPermissions(inst); len(m) > 0 {
				invite = fail(checkInvite, strings.Join(m, "; "))
			}
			row.Checks = append(row.Checks, tok, invite)
			access := checkOrgAccess(ctx, o, t, tok.OK, cfg, sess)
			if inst.RepositorySelection == "selected" && access[0].OK {
				// Searches see only the repositories the installation
				// was given: pull requests elsewhere are never read.
				access[0].Detail = "selected repositories only: pull requests in the others are never read"
			}
			row.Checks = append(row.Checks, access...)
			rep.Orgs = append(rep.Orgs, row)
		}
		for _, t := range targets {
			if t.Err != nil {
				rep.Orgs = append(rep.Orgs, DoctorOrg{Account: t.Org, Type: "-", Needed: true, Permissions: []string{},
					Checks: []DoctorCheck{fail(checkToken, t.Err.Error()), skip(checkInvite), skip(checkRead), skip(checkConfig)}})
			}
		}
	} else {
		for _, t := range targets {
			rep.Orgs = append(rep.Orgs, checkTokenOrg(ctx, o, t, cfg, sess))
		}
	}

	rep.OK = len(rep.Orgs) > 0
	for _, c := range rep.Checks {
		if !c.OK && !c.Skipped {
			rep.OK = false
			rep.Errors = append(rep.Errors, c.Name+": "+c.Detail)
		}
	}
	for i := range rep.Orgs {
		r := &rep.Orgs[i]
		if !r.Needed {
			continue
		}
		r.OK = true
		for _, c := range r.Checks {
			if !c.OK {
				r.OK = false
				if !c.Skipped {
					rep.Errors = append(rep.Errors, r.Account+": "+c.Name+": "+c.Detail)
				}
			}
		}
		if !r.OK {
			rep.OK = false
		}
	}
	if o.Output == "json" {
		enc := json.NewEncoder(d.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := writeDoctorText(d.Stdout, o, rep, 100); err != nil {
		return err
	}
	if !rep.OK {
		return &SilentError{Code: ExitError}
	}
	return nil
}

// checkStateDir checks what a run does first: open (and lock) the state
// file. It creates nothing that stays: a probe file is made and removed.
func checkStateDir(path string) []DoctorCheck {
	dir := filepath.Dir(path)
	const name = "state_file"
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return []DoctorCheck{fail(name, fmt.Sprintf("the directory %s does not exist: create it, or point --state elsewhere", dir))}
	case err != nil:
		return []DoctorCheck{fail(name, fmt.Sprintf("the directory %s: %v", dir, errtext.PathCause(err)))}
	case !st.IsDir():
		return []DoctorCheck{fail(name, fmt.Sprintf("%s is not a directory", dir))}
	}
	// A run writes the state file atomically (a temporary file beside
	// it, then a rename) and keeps PATH.lock beside it: both need a
	// directory it can create files in.
	probe, err := os.CreateTemp(dir, ".snekomatic-doctor-*")
	if err != nil {
		return []DoctorCheck{fail(name, fmt.Sprintf("cannot create files in %s (%v): a run could neither lock nor save the state there; make it writable or point --state elsewhere", dir, errtext.PathCause(err)))}
	}
	probe.Close()
	os.Remove(probe.Name())
	if f, err := os.OpenFile(path+".lock", os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return []DoctorCheck{fail(name, fmt.Sprintf("the lock file %s.lock cannot be opened (%v)", path, errtext.PathCause(err)))}
	}
	store, fresh, err := state.OpenReadOnly(path)
	if err != nil {
		return []DoctorCheck{fail(name, errtext.OneLine(err.Error()))}
	}
	store.Close()
	if fresh {
		return []DoctorCheck{pass(name, path+": none yet; a run creates it")}
	}
	return []DoctorCheck{pass(name, path)}
}

// checkConfigFile loads the configuration as a run would.
func checkConfigFile(path string, given bool) (DoctorCheck, *config.File) {
	const name = "config"
	if !given {
		if _, err := os.Stat(config.DefaultPath); err != nil {
			return pass(name, "no configuration file ("+config.DefaultPath+"): the defaults apply"), &config.File{}
		}
		path = config.DefaultPath
	}
	cfg, err := config.Load(path, reconcile.SampleWelcomeData)
	if err != nil {
		return fail(name, errtext.OneLine(err.Error())), nil
	}
	return pass(name, path), cfg
}

// checkTokenOrg checks one organization with a token: the token works
// (GET /user), its owner may invite, and the organization's merged pull
// requests can be read.
func checkTokenOrg(ctx context.Context, o *DoctorOptions, t ghsession.Target, cfg *config.File, sess *ghsession.Session) DoctorOrg {
	row := DoctorOrg{Account: t.Org, Type: "Organization", Needed: true, Permissions: []string{}}
	c, err := ghapi.New(t.Client, o.APIURL, o.GraphQLURL)
	if err != nil {
		row.Checks = []DoctorCheck{fail(checkToken, err.Error()), skip(checkInvite), skip(checkRead), skip(checkConfig)}
		return row
	}
	login, scopes, err := c.TokenUser(ctx)
	if err != nil {
		row.Checks = []DoctorCheck{fail(checkToken, explain(ctx, err, t.Org, &o.AuthOptions, sess).Msg),
			skip(checkInvite), skip(checkRead), skip(checkConfig)}
		return row
	}
	row.Permissions = []string{"fine-grained or unknown"}
	if len(scopes) > 0 {
		row.Permissions = scopes
	}
	row.Checks = append(row.Checks, pass(checkToken, "from "+o.TokenVar+", user "+login),
		checkCanInvite(ctx, c, t.Org, login))
	row.Checks = append(row.Checks, checkOrgAccess(ctx, o, t, true, cfg, sess)...)
	return row
}

// checkCanInvite says whether the token's owner can invite into org: only
// organization owners can. (Checks of the token's identity and ownership
// beyond this one belong here too.)
func checkCanInvite(ctx context.Context, c *ghapi.Client, org, login string) DoctorCheck {
	oc, err := ghsession.CheckOwner(ctx, c, login, org)
	switch {
	case err != nil:
		return fail(checkInvite, cleanText(err))
	case oc.Owner:
		return pass(checkInvite, login+" is an owner of "+org)
	}
	return fail(checkInvite, oc.Why+"; only owners can invite")
}

// checkOrgAccess runs the search a reconcile run starts with, and checks
// the configuration's teams and welcome comment for the organization.
func checkOrgAccess(ctx context.Context, o *DoctorOptions, t ghsession.Target, credsOK bool, cfg *config.File, sess *ghsession.Session) []DoctorCheck {
	if !credsOK || t.Client == nil {
		return []DoctorCheck{skip(checkRead), skip(checkConfig)}
	}
	c, err := ghapi.New(t.Client, o.APIURL, o.GraphQLURL)
	if err != nil {
		return []DoctorCheck{fail(checkRead, err.Error()), skip(checkConfig)}
	}
	now := time.Now().UTC().Truncate(time.Second)
	read := pass(checkRead, "")
	if _, err := c.SearchMerged(ctx, t.Org, reconcile.SearchQuery{Window: reconcile.Window{From: now.Add(-24 * time.Hour), To: now}}, ""); err != nil {
		read = fail(checkRead, explain(ctx, err, t.Org, &o.AuthOptions, sess).Msg)
	}
	if cfg == nil {
		return []DoctorCheck{read, skip(checkConfig)}
	}
	p := withPolicy(reconcile.Options{}, cfg.For(t.Org, nil)).Policy
	var problems, fine []string
	for _, slug := range p.Teams {
		_, err := c.TeamID(ctx, t.Org, slug)
		switch {
		case errors.Is(err, reconcile.ErrNoSuchTeam):
			problems = append(problems, fmt.Sprintf("team %q does not exist in %s", slug, t.Org))
		case err != nil:
			problems = append(problems, fmt.Sprintf("team %q: %s", slug, explain(ctx, err, t.Org, &o.AuthOptions, sess).Msg))
		default:
			fine = append(fine, "team "+slug)
		}
	}
	if p.Comment != nil {
		if _, err := reconcile.RenderWelcome(p.Comment, reconcile.SampleWelcomeData, 1); err != nil {
			problems = append(problems, "the welcome comment template does not render: "+errtext.OneLine(err.Error()))
		} else {
			fine = append(fine, "comment template renders")
		}
	}
	if len(problems) > 0 {
		return []DoctorCheck{read, fail(checkConfig, strings.Join(problems, "; "))}
	}
	return []DoctorCheck{read, pass(checkConfig, strings.Join(fine, ", "))}
}

package doctor

import (
	"context"
	"net/http"
	"strings"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/reconcile"
)

// Report is what `doctor --output json` prints. Fields are only ever
// added.
type Report struct {
	Mode string `json:"mode"`
	// OK: everything a run needs is there.
	OK bool `json:"ok"`
	// Checks are those about this machine: state file and configuration.
	Checks []Check `json:"checks"`
	// Orgs has one entry per organization (and per App installation on a
	// user account, which a run ignores).
	Orgs []Org `json:"orgs"`
	// Errors lists every failed check, one line each.
	Errors []string `json:"errors"`
}

// Check is one check: its name, whether it passed, and why not.
type Check struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	// Skipped: not checked, because an earlier check failed or it does
	// not apply.
	Skipped bool   `json:"skipped,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// Welcome, on an organization's config check, is its welcome
	// comment rendered with sample data (welcomePreview); absent when
	// comments are off.
	Welcome string `json:"welcome_preview,omitempty"`
}

// Org is one organization's (or installation's) checks.
type Org struct {
	Account string `json:"account"`
	Type    string `json:"type"`
	// Needed is false for accounts a run ignores (users).
	Needed      bool     `json:"needed"`
	OK          bool     `json:"ok"`
	Permissions []string `json:"permissions"`
	Checks      []Check  `json:"checks"`
}

// Names of the per-organization checks, in table order.
const (
	CheckToken  = "credentials"
	CheckInvite = "can_invite"
	CheckRead   = "can_read"
	CheckConfig = "config"
)

// ModeToken is the mode of a run with a token (the other is "app").
const ModeToken = "token"

func pass(name, detail string) Check { return Check{Name: name, OK: true, Detail: detail} }
func fail(name, detail string) Check { return Check{Name: name, Detail: detail} }
func skip(name string) Check         { return Check{Name: name, Skipped: true} }

// Options say what to check.
type Options struct {
	// Mode is "app" or "token"; TokenVar, in token mode, the variable the
	// token came from.
	Mode, TokenVar string
	// Orgs are the organizations asked for (--org); in App mode, empty
	// means every installation.
	Orgs []string
	// APIURL and GraphQLURL are GitHub's, for ghapi.New.
	APIURL, GraphQLURL string
	// WebURL is GitHub's web host, for the links of the welcome preview
	// ("" means github.com).
	WebURL    string
	StatePath string
	// ConfigPath is the configuration file; ConfigGiven says it was
	// named (then it must exist), else config.DefaultPath is read when
	// it exists.
	ConfigPath  string
	ConfigGiven bool
}

// Target is an organization a run would act on, with the client to act
// with, as the command's session found it.
type Target struct {
	Org string
	// Client acts on the organization: the token's, or the
	// installation's; nil when there is none.
	Client *http.Client
	// Installation is set in App mode.
	Installation *ghapp.Installation
	// Err, when set, is why an organization that was asked for cannot be
	// acted on at all.
	Err error
}

// Env is what doctor needs from the command: the same answers a run gets.
type Env interface {
	// Explain is err, met acting on org, in one line for people.
	Explain(ctx context.Context, err error, org string) string
	// Owner says whether login is an owner of org, and if not, why; an
	// error's text is for people as it is.
	Owner(ctx context.Context, c *ghapi.Client, login, org string) (owner bool, why string, err error)
	// MissingPermissions are the fixes an installation needs to run.
	MissingPermissions(inst ghapp.Installation) []string
	// Policy is org's policy exactly as a run resolves it from cfg (in
	// App mode with the organization's own file), and the warnings the
	// run would give with it.
	Policy(ctx context.Context, c *ghapi.Client, org string, app bool, cfg *config.File) (reconcile.Policy, []string, error)
}

// App is a GitHub App's view of its installations (nil in token mode).
type App interface {
	Installations(ctx context.Context) ([]ghapp.Installation, error)
	Token(ctx context.Context, installationID int64) (string, error)
}

// Run checks everything and returns the report. An error means the
// checks could not be made at all (the App's installations could not be
// listed).
func Run(ctx context.Context, o Options, env Env, app App, targets []Target) (Report, error) {
	rep := Report{Mode: o.Mode, Checks: []Check{}, Orgs: []Org{}, Errors: []string{}}
	rep.Checks = append(rep.Checks, checkStateDir(o.StatePath)...)
	cfgCheck, cfg := checkConfigFile(o.ConfigPath, o.ConfigGiven)
	rep.Checks = append(rep.Checks, cfgCheck)
	ch := &checker{o: o, env: env, cfg: cfg}
	if app != nil {
		orgs, err := ch.appOrgs(ctx, app, targets)
		if err != nil {
			return rep, err
		}
		rep.Orgs = append(rep.Orgs, orgs...)
	} else {
		for _, t := range targets {
			rep.Orgs = append(rep.Orgs, ch.tokenOrg(ctx, t))
		}
	}
	verdict(&rep)
	return rep, nil
}

// verdict fills in OK and Errors from the checks.
func verdict(rep *Report) {
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
}

// appOrgs checks each installation of the App (those asked for, with
// --org), and says why each organization asked for without one fails.
func (ch *checker) appOrgs(ctx context.Context, app App, targets []Target) ([]Org, error) {
	insts, err := app.Installations(ctx)
	if err != nil {
		return nil, err // ghapp names the step
	}
	byOrg := map[string]Target{}
	for _, t := range targets {
		byOrg[strings.ToLower(t.Org)] = t
	}
	var out []Org
	for _, inst := range insts {
		t, wanted := byOrg[strings.ToLower(inst.Account)]
		if inst.AccountType == "Organization" && len(ch.o.Orgs) > 0 && !wanted {
			continue
		}
		out = append(out, ch.installation(ctx, app, inst, t))
	}
	for _, t := range targets {
		if t.Err != nil {
			out = append(out, Org{Account: t.Org, Type: "-", Needed: true, Permissions: []string{},
				Checks: []Check{fail(CheckToken, t.Err.Error()), skip(CheckInvite), skip(CheckRead), skip(CheckConfig)}})
		}
	}
	return out, nil
}

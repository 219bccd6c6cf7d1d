package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/internal/errtext"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// checker holds what every organization's checks share.
type checker struct {
	o   Options
	env Env
	// cfg is the configuration file as a run reads it; nil when it does
	// not load (then no organization's policy is checked).
	cfg *config.File
}

// installation checks one App installation: its token, its permissions,
// and what checkOrgAccess checks.
func (ch *checker) installation(ctx context.Context, app App, inst ghapp.Installation, t Target) Org {
	row := Org{Account: inst.Account, Type: inst.AccountType, Permissions: permList(inst.Permissions)}
	if inst.AccountType != "Organization" {
		row.OK = true
		row.Checks = []Check{{Name: CheckToken, OK: true, Skipped: true, Detail: "not an organization: ignored"}}
		return row
	}
	row.Needed = true
	tok := pass(CheckToken, "installation token issued")
	if inst.Suspended {
		tok = fail(CheckToken, "the App's installation is suspended; unsuspend it in the organization's settings")
	} else if _, err := app.Token(ctx, inst.ID); err != nil {
		tok = fail(CheckToken, ch.env.Explain(ctx, err, t.Org))
	}
	invite := pass(CheckInvite, "")
	if m := ch.env.MissingPermissions(inst); len(m) > 0 {
		invite = fail(CheckInvite, strings.Join(m, "; "))
	}
	row.Checks = append(row.Checks, tok, invite)
	access := ch.orgAccess(ctx, t, tok.OK)
	if inst.RepositorySelection == "selected" && access[0].OK {
		// Searches see only the repositories the installation was
		// given: pull requests elsewhere are never read.
		access[0].Detail = "selected repositories only: pull requests in the others are never read"
	}
	row.Checks = append(row.Checks, access...)
	return row
}

// tokenOrg checks one organization with a token: the token works
// (GET /user), its owner may invite, and the organization's merged pull
// requests can be read.
func (ch *checker) tokenOrg(ctx context.Context, t Target) Org {
	row := Org{Account: t.Org, Type: "Organization", Needed: true, Permissions: []string{}}
	c, err := ghapi.New(t.Client, ch.o.APIURL, ch.o.GraphQLURL)
	if err != nil {
		row.Checks = []Check{fail(CheckToken, err.Error()), skip(CheckInvite), skip(CheckRead), skip(CheckConfig)}
		return row
	}
	login, scopes, err := c.TokenUser(ctx)
	if err != nil {
		row.Checks = []Check{fail(CheckToken, ch.env.Explain(ctx, err, t.Org)), skip(CheckInvite), skip(CheckRead), skip(CheckConfig)}
		return row
	}
	row.Permissions = []string{"fine-grained or unknown"}
	if len(scopes) > 0 {
		row.Permissions = scopes
	}
	row.Checks = append(row.Checks, pass(CheckToken, "from "+ch.o.TokenVar+", user "+login), ch.canInvite(ctx, c, t.Org, login))
	row.Checks = append(row.Checks, ch.orgAccess(ctx, t, true)...)
	return row
}

// canInvite says whether the token's owner can invite into org: only
// organization owners can.
func (ch *checker) canInvite(ctx context.Context, c *ghapi.Client, org, login string) Check {
	owner, why, err := ch.env.Owner(ctx, c, login, org)
	switch {
	case err != nil:
		return fail(CheckInvite, err.Error())
	case owner:
		return pass(CheckInvite, login+" is an owner of "+org)
	}
	return fail(CheckInvite, why+"; only owners can invite")
}

// orgAccess runs the search a reconcile run starts with, and checks the
// organization's policy, resolved as a run resolves it.
func (ch *checker) orgAccess(ctx context.Context, t Target, credsOK bool) []Check {
	if !credsOK || t.Client == nil {
		return []Check{skip(CheckRead), skip(CheckConfig)}
	}
	c, err := ghapi.New(t.Client, ch.o.APIURL, ch.o.GraphQLURL)
	if err != nil {
		return []Check{fail(CheckRead, err.Error()), skip(CheckConfig)}
	}
	now := time.Now().UTC().Truncate(time.Second)
	read := pass(CheckRead, "")
	if _, err := c.SearchMerged(ctx, t.Org, reconcile.SearchQuery{Window: reconcile.Window{From: now.Add(-24 * time.Hour), To: now}}, ""); err != nil {
		read = fail(CheckRead, ch.env.Explain(ctx, err, t.Org))
	}
	if ch.cfg == nil {
		return []Check{read, skip(CheckConfig)}
	}
	return []Check{read, ch.policy(ctx, c, t)}
}

// policy checks the organization's policy: every team exists, and the
// welcome comment renders.
func (ch *checker) policy(ctx context.Context, c *ghapi.Client, t Target) Check {
	p, warnings, err := ch.env.Policy(ctx, c, t.Org, t.Installation != nil, ch.cfg)
	if err != nil {
		return fail(CheckConfig, ch.env.Explain(ctx, err, t.Org))
	}
	var problems, fine []string
	for _, slug := range p.Teams {
		_, err := c.TeamID(ctx, t.Org, slug)
		switch {
		case errors.Is(err, reconcile.ErrNoSuchTeam):
			problems = append(problems, fmt.Sprintf("team %q does not exist in %s", slug, t.Org))
		case err != nil:
			problems = append(problems, fmt.Sprintf("team %q: %s", slug, ch.env.Explain(ctx, err, t.Org)))
		default:
			fine = append(fine, "team "+slug)
		}
	}
	welcome, err := ch.welcomePreview(p, t.Org)
	switch {
	case err != nil:
		problems = append(problems, "the welcome comment template does not render: "+errtext.OneLine(err.Error()))
	case p.NoComment:
		fine = append(fine, "no welcome comment (comment.enabled: false)")
	case p.Comment != nil:
		fine = append(fine, "comment template renders")
	}
	if len(problems) > 0 {
		return fail(CheckConfig, strings.Join(problems, "; "))
	}
	ok := pass(CheckConfig, strings.Join(append(fine, warnings...), ", "))
	ok.Welcome = welcome
	return ok
}

// checkStateDir checks what a run does first: open (and lock) the state
// file. It creates nothing that stays: a probe file is made and removed.
func checkStateDir(path string) []Check {
	dir := filepath.Dir(path)
	const name = "state_file"
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return []Check{fail(name, fmt.Sprintf("the directory %s does not exist: create it, or point --state elsewhere", dir))}
	case err != nil:
		return []Check{fail(name, fmt.Sprintf("the directory %s: %v", dir, errtext.PathCause(err)))}
	case !st.IsDir():
		return []Check{fail(name, fmt.Sprintf("%s is not a directory", dir))}
	}
	// A run writes the state file atomically (a temporary file beside
	// it, then a rename) and keeps PATH.lock beside it: both need a
	// directory it can create files in.
	probe, err := os.CreateTemp(dir, ".snekomatic-doctor-*")
	if err != nil {
		return []Check{fail(name, fmt.Sprintf("cannot create files in %s (%v): a run could neither lock nor save the state there; make it writable or point --state elsewhere", dir, errtext.PathCause(err)))}
	}
	probe.Close()
	os.Remove(probe.Name())
	if f, err := os.OpenFile(path+".lock", os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return []Check{fail(name, fmt.Sprintf("the lock file %s.lock cannot be opened (%v)", path, errtext.PathCause(err)))}
	}
	store, fresh, err := state.OpenReadOnly(path)
	if err != nil {
		return []Check{fail(name, errtext.OneLine(err.Error()))}
	}
	store.Close()
	if fresh {
		return []Check{pass(name, path+": none yet; a run creates it")}
	}
	return []Check{pass(name, path)}
}

// checkConfigFile loads the configuration as a run would.
func checkConfigFile(path string, given bool) (Check, *config.File) {
	const name = "config"
	path, cfg, err := config.LoadOrDefault(path, given, reconcile.SampleWelcomeData)
	switch {
	case err != nil:
		return fail(name, errtext.OneLine(err.Error())), nil
	case path == "":
		return pass(name, "no configuration file ("+config.DefaultPath+"): the defaults apply"), cfg
	}
	return pass(name, path), cfg
}

func permList(p map[string]string) []string {
	keys := slices.Sorted(maps.Keys(p))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+":"+p[k])
	}
	return out
}

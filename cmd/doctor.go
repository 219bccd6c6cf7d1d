package cmd

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

// DoctorOptions are the inputs of `snekomatic doctor`.
type DoctorOptions struct {
	AuthOptions
	StatePath string
	Deps      *Deps
}

// NewCmdDoctor builds `snekomatic doctor`.
func NewCmdDoctor(d *Deps, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{Deps: d}
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Check that the credentials, permissions and state file are ready for a run",
		Long: `Checks what a run needs and prints a table: one row per App installation (or
per --org with a token), with the account, its type, the permissions, whether
invitations can be sent, whether merged pull requests can be read, whether
the token works, and whether the state file is readable. Exits 0 when
everything a run needs is there, 1 otherwise. It changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.StatePath == "" {
				return usagef("--state must not be empty")
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
	o.AuthOptions.addFlags(c.Flags())
	c.Flags().StringVar(&o.StatePath, "state", "snekomatic-state.json", "state file to check")
	return c
}

// doctorRow is one line of the table.
type doctorRow struct {
	Account, Type, Permissions string
	CanInvite, CanRead, Token  string
	// Needed is false for rows a run ignores (installations on users).
	Needed bool
	OK     bool
}

func doctorRun(ctx context.Context, o *DoctorOptions) error {
	d := o.Deps
	log := newLogger(d)
	stateCheck := "ok"
	if _, fresh, err := state.OpenReadOnly(o.StatePath); err != nil {
		stateCheck = "no: " + oneLine(err.Error())
	} else if fresh {
		stateCheck = "ok (none yet; a run creates it)"
	}
	sess, err := connect(ctx, &o.AuthOptions, d, log)
	if err != nil {
		return err
	}
	var rows []doctorRow
	if sess.app != nil {
		insts, err := sess.app.Installations(ctx)
		if err != nil {
			return fmt.Errorf("list the App's installations: %w", err)
		}
		targets, err := sess.targets(ctx, log)
		if err != nil {
			return err
		}
		byOrg := map[string]target{}
		for _, t := range targets {
			byOrg[strings.ToLower(t.Org)] = t
		}
		for _, inst := range insts {
			t, wanted := byOrg[strings.ToLower(inst.Account)]
			row := doctorRow{Account: inst.Account, Type: inst.AccountType, Permissions: permString(inst.Permissions)}
			if inst.AccountType != "Organization" {
				row.CanInvite, row.CanRead, row.Token = "-", "-", "-"
				row.Permissions += " (not an organization: ignored)"
				row.OK = true
				rows = append(rows, row)
				continue
			}
			if len(o.Orgs) > 0 && !wanted {
				continue
			}
			row.Needed = true
			row.CanInvite = yesNo(inst.Can("members", "write"), "grant Organization members: Read & write")
			if _, err := sess.app.Token(ctx, inst.ID); err != nil {
				row.Token = "no: " + oneLine(err.Error())
				row.CanRead = "-"
			} else {
				row.Token = "ok"
				if c, err := ghapi.New(t.Client, o.APIURL, o.GraphQLURL); err != nil {
					row.CanRead = "no: " + err.Error()
				} else {
					row.CanRead = checkSearch(ctx, c, t.Org)
				}
			}
			if inst.RepositorySelection == "selected" && row.CanRead == "yes" {
				row.CanRead = "yes (selected repositories only)"
			}
			if m := missingPermissions(inst); len(m) > 0 && row.CanInvite == "yes" {
				row.CanInvite = "yes (but " + strings.Join(m, "; ") + ")"
			}
			row.OK = len(missingPermissions(inst)) == 0 && row.Token == "ok" && strings.HasPrefix(row.CanRead, "yes") && !inst.Suspended
			rows = append(rows, row)
		}
		for _, t := range targets {
			if t.Err != nil {
				rows = append(rows, doctorRow{Account: t.Org, Type: "-", Permissions: "-", CanInvite: "-", CanRead: "-",
					Token: "no: " + t.Err.Error(), Needed: true})
			}
		}
	} else {
		targets, err := sess.targets(ctx, log)
		if err != nil {
			return err
		}
		for _, t := range targets {
			rows = append(rows, checkTokenOrg(ctx, o, t))
		}
	}

	tw := tabwriter.NewWriter(d.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tTYPE\tPERMISSIONS\tCAN INVITE\tCAN READ MERGED PRS\tTOKEN WORKS\tOK")
	allOK := len(rows) > 0
	for _, r := range rows {
		ok := "yes"
		if !r.OK {
			ok = "NO"
			if r.Needed {
				allOK = false
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Account, r.Type, r.Permissions, r.CanInvite, r.CanRead, r.Token, ok)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(d.Stdout, "\nmode: %s\nstate file %s: %s\n", o.Mode, o.StatePath, stateCheck)
	if len(rows) == 0 {
		fmt.Fprintln(d.Stdout, "nothing to reconcile: the App is installed on no organization")
	}
	if !strings.HasPrefix(stateCheck, "ok") {
		allOK = false
	}
	if !allOK {
		return &SilentError{Code: ExitError}
	}
	fmt.Fprintln(d.Stdout, "everything a run needs is there")
	return nil
}

// checkTokenOrg checks one organization with a personal access token: the
// token works (GET /user), its owner is an owner of the organization (only
// owners can invite), and search reads the organization's merged PRs.
func checkTokenOrg(ctx context.Context, o *DoctorOptions, t target) doctorRow {
	row := doctorRow{Account: t.Org, Type: "Organization", Needed: true, CanInvite: "-", CanRead: "-"}
	c, err := ghapi.New(t.Client, o.APIURL, o.GraphQLURL)
	if err != nil {
		row.Token = "no: " + err.Error()
		return row
	}
	user, resp, err := c.REST().Users.Get(ctx, "")
	if err != nil {
		row.Token = "no: " + oneLine(err.Error())
		return row
	}
	row.Token = "ok (" + user.GetLogin() + ")"
	row.Permissions = "fine-grained or unknown"
	if scopes := resp.Header.Get("X-OAuth-Scopes"); scopes != "" {
		row.Permissions = "scopes: " + scopes
	}
	switch oc, err := checkOwner(ctx, c, user.GetLogin(), t.Org); {
	case err != nil:
		row.CanInvite = "no: " + oneLine(err.Error())
	case oc.Owner:
		row.CanInvite = "yes"
	default:
		row.CanInvite = "no: " + oc.Why + "; only owners can invite"
	}
	row.CanRead = checkSearch(ctx, c, t.Org)
	row.OK = row.CanInvite == "yes" && row.CanRead == "yes"
	return row
}

// checkSearch runs the search a reconcile run starts with, over the last day.
func checkSearch(ctx context.Context, c *ghapi.Client, org string) string {
	now := time.Now().UTC().Truncate(time.Second)
	_, err := c.SearchMerged(ctx, org, reconcile.SearchQuery{Window: reconcile.Window{From: now.Add(-24 * time.Hour), To: now}}, "")
	if err != nil {
		return "no: " + oneLine(err.Error())
	}
	return "yes"
}

func permString(p map[string]string) string {
	keys := slices.Sorted(maps.Keys(p))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+":"+p[k])
	}
	return strings.Join(parts, ",")
}

func yesNo(ok bool, fix string) string {
	if ok {
		return "yes"
	}
	return "no: " + fix
}

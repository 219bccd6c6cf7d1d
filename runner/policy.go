package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/report"
)

// OrgConfigReader reads an organization's own configuration file
// (ghapi.Client.OrgConfig).
type OrgConfigReader interface {
	OrgConfig(ctx context.Context, org string) (data []byte, found bool, err error)
}

// Policies is where organizations' policies come from: the configuration
// file (nil: none), the flags given explicitly, and the logger that says
// which policy each organization got (nil: nothing is logged).
type Policies struct {
	Config *config.File
	Flags  config.Policy
	Log    *slog.Logger
}

// Org is the one resolution of an organization's policy, for a run, doctor
// and explain alike: the configuration file, in App mode the
// organization's own snekomatic.yml in its .github repository (read with
// its installation's token), and the flags given explicitly, over the
// built-in defaults (config.Resolve), as reconcile's Policy
// (reconcile.PolicyFrom). An organization whose own file cannot be read for
// lack of permission gets the other levels, and a warning.
func (s Policies) Org(ctx context.Context, c OrgConfigReader, org string, app bool) (reconcile.Policy, []string, error) {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var own *config.Policy
	var warnings []string
	if app {
		name := fmt.Sprintf("%s/%s/%s", org, ghapi.OrgConfigRepo, ghapi.OrgConfigPath)
		data, found, err := c.OrgConfig(ctx, org)
		switch {
		case errors.Is(err, ghapi.ErrNoAccess):
			w := fmt.Sprintf("the organization's own configuration (%s) could not be read: grant Contents: Read to the App to use it", name)
			log.Warn("organization configuration not readable", "org", org, "file", name, "err", report.Text(err))
			warnings = append(warnings, w)
		case err != nil:
			return reconcile.Policy{}, nil, fmt.Errorf("read %s: %w", name, err)
		case found:
			if own, err = config.ParseOrg(bytes.NewReader(data), name, reconcile.SampleWelcomeData); err != nil {
				return reconcile.Policy{}, nil, err
			}
			log.Info("using the organization's own configuration", "org", org, "file", name)
		}
	}
	p := reconcile.PolicyFrom(config.Resolve(s.Config, org, own, s.Flags))
	log.Info("policy", "org", org, "role", p.Role, "teams", p.Teams, "min_merged_prs", p.MinMergedPRs,
		"exclude", len(p.Exclude), "comment", !p.NoComment, "max_invites", p.MaxInvites)
	return p, warnings, nil
}

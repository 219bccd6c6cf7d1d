package runner

import (
	"context"
	"errors"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/doctor"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/report"
)

// Doctor gives `snekomatic doctor` (doctor.Env) the answers a run gets:
// its explanations of errors (Words, cmd's, which know the credentials),
// its owner check, its permission list and its policy.
type Doctor struct {
	Words func(ctx context.Context, err error, org string) string
}

var _ doctor.Env = Doctor{}

// Explain is err, met acting on org, in one line for people (Words).
func (d Doctor) Explain(ctx context.Context, err error, org string) string {
	return d.Words(ctx, err, org)
}

// Owner is ghsession.CheckOwner, a run's owner check, its error in words.
func (Doctor) Owner(ctx context.Context, c *ghapi.Client, login, org string) (bool, string, error) {
	oc, err := ghsession.CheckOwner(ctx, c, login, org)
	if err != nil {
		return false, "", errors.New(report.Text(err))
	}
	return oc.Owner, oc.Why, nil
}

// MissingPermissions is ghsession.MissingPermissions, a run's list.
func (Doctor) MissingPermissions(inst ghapp.Installation) []string {
	return ghsession.MissingPermissions(inst)
}

// Policy is Policies.Org, the run's own resolution (without flags: doctor
// has none), logging nothing: doctor's report says it all.
func (Doctor) Policy(ctx context.Context, c *ghapi.Client, org string, app bool, cfg *config.File) (reconcile.Policy, []string, error) {
	return Policies{Config: cfg}.Org(ctx, c, org, app)
}

// DoctorTargets are the session's targets as doctor checks them.
func DoctorTargets(ts []ghsession.Target) []doctor.Target {
	out := make([]doctor.Target, 0, len(ts))
	for _, t := range ts {
		out = append(out, doctor.Target{Org: t.Org, Client: t.Client, Installation: t.Installation, Err: t.Err})
	}
	return out
}

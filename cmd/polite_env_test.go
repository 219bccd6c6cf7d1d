package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/ghtransport"
)

// runWithEnv is world.run with extra environment variables.
func (w *world) runWithEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	all := map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}
	for k, v := range env {
		all[k] = v
	}
	d, out, errb := testDeps(all)
	d.Now = func() time.Time { return w.now }
	d.Resilience = w.clock.resilience
	code := Main(context.Background(), append([]string{"reconcile", "--state", w.statePath}, args...), d)
	return code, out.String(), errb.String()
}

// The override for binaries run against a fake lifts the client's pacing
// and content caps: more people than one polite hour allows (an invitation
// and its welcome each count) are invited in one run, against a fake whose
// own limits are off.
func TestUnpacedOverrideLiftsTheHourlyBudget(t *testing.T) {
	n := ghtransport.DefaultContentPerHour/2 + 5
	w, _ := newcomersWorld(t, n)
	w.gh.SetContentLimits(0, 0)
	w.gh.SetInvitationCap("trio", 0)
	code, out, errb := w.runWithEnv(t, map[string]string{unpacedEnv: "1"}, "--org", "trio", "--daily-invite-limit", "0", "--since", "30d")
	mustCode(t, code, ExitOK, out, errb)
	if got := len(w.gh.CreatedInvitations("trio")); got != n {
		t.Errorf("%d invitations with the caps lifted, want all %d\n%s", got, n, out)
	}
}

func TestUnpacedOverrideRefusesOtherValues(t *testing.T) {
	w, _ := newcomersWorld(t, 1)
	code, out, errb := w.runWithEnv(t, map[string]string{unpacedEnv: "yes"}, "--org", "trio")
	mustCode(t, code, ExitUsage, out, errb)
	if !strings.Contains(errb, unpacedEnv) || len(w.gh.CreatedInvitations("trio")) != 0 {
		t.Errorf("stderr %q; invitations %d", errb, len(w.gh.CreatedInvitations("trio")))
	}
}

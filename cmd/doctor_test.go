package cmd

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

func runDoctor(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	d, out, errb := testDeps(env)
	code := Main(context.Background(), append([]string{"doctor"}, args...), d)
	return code, out.String(), errb.String()
}

func TestDoctorAppGoodAndBroken(t *testing.T) {
	w := newAppWorld(t, nil)
	env := map[string]string{"GITHUB_APP_ID": strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY": string(w.key), "GITHUB_API_URL": w.gh.RESTURL()}
	code, out, errOut := runDoctor(t, env, "--state", w.statePath)
	mustCode(t, code, 0, out, errOut)
	for _, want := range []string{"alpha", "beta", "somebody", "not an organization: ignored", "mode: app", "everything a run needs is there"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}

	broken := newAppWorld(t, map[string]map[string]string{"beta": {"pull_requests": "read", "metadata": "read"}})
	env = map[string]string{"GITHUB_APP_ID": strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY": string(broken.key), "GITHUB_API_URL": broken.gh.RESTURL()}
	os.WriteFile(broken.statePath, []byte("{broken"), 0o644)
	code, out, errOut = runDoctor(t, env, "--state", broken.statePath)
	if code != ExitError {
		t.Fatalf("doctor on a broken setup exited %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"no: grant Organization members: Read & write", "not valid JSON"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
}

func TestDoctorTokenMode(t *testing.T) {
	w := newWorld(t)
	env := map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}
	// The token's owner is not an owner of the organization yet.
	w.gh.SetMember("trio", w.gh.TokenOwner().ID, "member")
	code, out, errOut := runDoctor(t, env, "--org", "trio", "--state", w.statePath)
	if code != ExitError || !strings.Contains(out, "only owners can invite") {
		t.Fatalf("exit %d; want 1 and a word about owners:\n%s\n%s", code, out, errOut)
	}
	owner := w.gh.Lookup("token-owner")
	w.gh.SetMember("trio", owner.ID, "admin")
	code, out, errOut = runDoctor(t, env, "--org", "trio", "--state", w.statePath)
	mustCode(t, code, 0, out, errOut)
	if !strings.Contains(out, "ok (token-owner)") || !strings.Contains(out, "mode: token") {
		t.Errorf("doctor output:\n%s", out)
	}
}

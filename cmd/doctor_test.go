package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/python-trio/snekomatic/internal/errtext"
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
	for _, want := range []string{"can_invite: grant Organization members: Read & write", "not valid JSON"} {
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
	if !strings.Contains(out, "from GITHUB_TOKEN, user token-owner") || !strings.Contains(out, "mode: token") {
		t.Errorf("doctor output:\n%s", out)
	}
}

// doctorWorld is a token world whose token owner is an owner of trio.
func doctorWorld(t *testing.T) (*world, map[string]string) {
	t.Helper()
	w := newWorld(t)
	w.gh.SetMember("trio", w.gh.Lookup("token-owner").ID, "admin")
	return w, map[string]string{"GITHUB_TOKEN": testToken, "GITHUB_API_URL": w.gh.RESTURL()}
}

// TestDoctorFindsWhatARunWouldTripOn: a missing or read-only state
// directory, a configuration that does not parse, and a team that does not
// exist each fail doctor, naming the problem, before a run meets them.
func TestDoctorFindsWhatARunWouldTripOn(t *testing.T) {
	w, env := doctorWorld(t)
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	goodConfig := filepath.Join(dir, "good.yml")
	os.WriteFile(goodConfig, []byte("defaults:\n  teams: [contributors]\n"), 0o644)
	badConfig := filepath.Join(dir, "bad.yml")
	os.WriteFile(badConfig, []byte("defaults:\n  rol: member\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing directory", []string{"--state", filepath.Join(dir, "nope", "state.json")}, "state_file: no (the directory " + filepath.Join(dir, "nope") + " does not exist"},
		{"read-only directory", []string{"--state", filepath.Join(readOnly, "state.json")}, "cannot create files in " + readOnly},
		{"directory that is a file", []string{"--state", filepath.Join(goodConfig, "state.json")}, goodConfig + " is not a directory"},
		{"configuration that does not parse", []string{"--state", w.statePath, "--config", badConfig}, "config: no (" + badConfig + ":2: "},
		{"team that does not exist", []string{"--state", w.statePath, "--config", goodConfig}, `config: team "contributors" does not exist in trio`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "read-only directory" && os.Geteuid() == 0 {
				t.Skip("root can write anywhere")
			}
			code, out, errOut := runDoctor(t, env, append([]string{"--org", "trio"}, tc.args...)...)
			// Long reasons wrap: compare with the line breaks folded.
			if code != ExitError || !strings.Contains(errtext.OneLine(out), tc.want) {
				t.Errorf("exit %d, want 1 and %q in:\n%s\n%s", code, tc.want, out, errOut)
			}
			if strings.Contains(out, "everything a run needs is there") {
				t.Errorf("doctor says all is well:\n%s", out)
			}
		})
	}
	// With the team there, the same configuration passes.
	w.gh.AddTeam("trio", "contributors")
	code, out, errOut := runDoctor(t, env, "--org", "trio", "--state", w.statePath, "--config", goodConfig)
	mustCode(t, code, 0, out, errOut)
}

// TestDoctorJSON: --output json has every check, the overall verdict and
// the errors in one list.
func TestDoctorJSON(t *testing.T) {
	w, env := doctorWorld(t)
	code, out, errOut := runDoctor(t, env, "--org", "trio", "--org", "nope", "--state", w.statePath, "--output", "json")
	if code != ExitError {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var rep DoctorReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.OK || rep.Mode != "token" || len(rep.Orgs) != 2 || !rep.Orgs[0].OK || rep.Orgs[1].OK {
		t.Errorf("report %+v", rep)
	}
	if len(rep.Errors) == 0 || !strings.Contains(strings.Join(rep.Errors, "\n"), "nope: can_invite") {
		t.Errorf("errors %q", rep.Errors)
	}
}

// TestDoctorTableFits100Columns: long reasons go on lines of their own
// below the row, and no line is wider than 100 columns.
func TestDoctorTableFits100Columns(t *testing.T) {
	broken := newAppWorld(t, map[string]map[string]string{"beta": {"pull_requests": "read", "metadata": "read"}})
	env := map[string]string{"GITHUB_APP_ID": strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY": string(broken.key), "GITHUB_API_URL": broken.gh.RESTURL()}
	_, out, _ := runDoctor(t, env, "--state", filepath.Join(t.TempDir(), "a-rather-long-directory-name-for-the-state", "snekomatic-state.json"))
	for _, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
	if strings.Contains(out, "[]") {
		t.Errorf("stray [] in:\n%s", out)
	}
	if !strings.Contains(out, "    can_invite: grant Organization members") {
		t.Errorf("the reason is not below the row:\n%s", out)
	}
}

// TestDoctorReadsTheOrganizationsOwnFile: in App mode doctor checks the
// policy a run resolves, the organization's own .github/snekomatic.yml
// included, and agrees with the run on every organization: alpha's team
// exists only in its own file (and in the organization), beta's own file
// names a team beta lacks, gamma's own file asks for a role a run refuses.
func TestDoctorReadsTheOrganizationsOwnFile(t *testing.T) {
	perms := map[string]string{"members": "write", "pull_requests": "write", "contents": "read"}
	w := newAppWorld(t, map[string]map[string]string{"alpha": perms, "beta": perms})
	w.gh.AddOrg("gamma")
	w.repos["gamma"] = w.gh.AddRepo("gamma", "code")
	w.inst["gamma"] = w.gh.AddInstallation(testAppID, "gamma", perms)
	w.gh.AddTeam("alpha", "own-team")
	w.gh.AddFile(w.gh.AddRepo("alpha", ".github"), "snekomatic.yml", "teams: [own-team]\n")
	w.gh.AddFile(w.gh.AddRepo("beta", ".github"), "snekomatic.yml", "teams: [ghost]\n")
	w.gh.AddFile(w.gh.AddRepo("gamma", ".github"), "snekomatic.yml", "role: admin\n")
	for _, org := range []string{"alpha", "beta", "gamma"} {
		w.gh.AddPR(w.repos[org], w.gh.AddUser("person-in-"+org).ID, "x", time.Now().Add(-time.Hour))
	}
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	os.WriteFile(cfg, []byte("{}\n"), 0o644)
	env := map[string]string{"GITHUB_APP_ID": strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY": string(w.key), "GITHUB_API_URL": w.gh.RESTURL()}

	code, out, errOut := runDoctor(t, env, "--state", w.statePath, "--config", cfg, "--output", "json")
	if code != ExitError {
		t.Fatalf("doctor exited %d, want 1\n%s\n%s", code, out, errOut)
	}
	var rep DoctorReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	doctorSays := map[string]string{}
	for _, o := range rep.Orgs {
		for _, c := range o.Checks {
			if c.Name == "config" {
				doctorSays[o.Account] = fmt.Sprintf("ok=%v %s", c.OK, c.Detail)
			}
		}
	}
	for org, want := range map[string]string{
		"alpha": "ok=true team own-team",
		"beta":  `ok=false team "ghost" does not exist in beta`,
		"gamma": "ok=false gamma/.github/snekomatic.yml:1: role: admin",
	} {
		if !strings.HasPrefix(doctorSays[org], want) {
			t.Errorf("doctor on %s: %q, want it to start %q", org, doctorSays[org], want)
		}
	}

	// The run agrees: alpha invites into its team, beta and gamma fail.
	code, out, errOut = w.run(t, "--config", cfg, "--output", "json")
	if code != ExitError {
		t.Fatalf("run exited %d, want 1\n%s\n%s", code, out, errOut)
	}
	var run RunReport
	if err := json.Unmarshal([]byte(out), &run); err != nil {
		t.Fatal(err)
	}
	for _, r := range run.Orgs {
		ranOK := len(r.Errors) == 0
		if doctorOK := strings.HasPrefix(doctorSays[r.Org], "ok=true"); ranOK != doctorOK {
			t.Errorf("%s: the run's errors %q, but doctor says %q", r.Org, r.Errors, doctorSays[r.Org])
		}
	}
	if inv := w.gh.CreatedInvitations("alpha"); len(inv) != 1 {
		t.Errorf("alpha invitations = %+v", inv)
	}
}

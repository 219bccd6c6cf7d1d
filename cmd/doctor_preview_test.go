package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Doctor shows each organization's welcome comment, rendered with sample
// data under the policy a run resolves: in App mode alpha's own
// .github/snekomatic.yml template, beta's standard text from the
// operator's file, and none for gamma, whose own file turns comments off.
func TestDoctorShowsEachOrganizationsWelcome(t *testing.T) {
	perms := map[string]string{"members": "write", "pull_requests": "write", "contents": "read"}
	w := newAppWorld(t, map[string]map[string]string{"alpha": perms, "beta": perms})
	w.gh.AddOrg("gamma")
	w.inst["gamma"] = w.gh.AddInstallation(testAppID, "gamma", perms)
	w.gh.AddFile(w.gh.AddRepo("alpha", ".github"), "snekomatic.yml",
		"comment:\n  template: |\n    Welcome aboard, @{{.Login}}! Accept here: {{.AcceptURL}} ({{.PR.URL}})\n")
	w.gh.AddFile(w.gh.AddRepo("gamma", ".github"), "snekomatic.yml", "comment:\n  enabled: false\n")
	cfg := filepath.Join(t.TempDir(), "snekomatic.yml")
	os.WriteFile(cfg, []byte("{}\n"), 0o644)
	env := map[string]string{"GITHUB_APP_ID": strconv.Itoa(testAppID), "GITHUB_APP_PRIVATE_KEY": string(w.key), "GITHUB_API_URL": w.gh.RESTURL()}
	web := strings.TrimSuffix(w.gh.URL(), "/")

	code, out, errOut := runDoctor(t, env, "--state", w.statePath, "--config", cfg, "--output", "json")
	mustCode(t, code, 0, out, errOut)
	var rep DoctorReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]string{}
	for _, o := range rep.Orgs {
		for _, c := range o.Checks {
			if c.Name == "config" {
				got[o.Account] = c.Welcome
			}
		}
	}
	wantAlpha := "Welcome aboard, @octocat! Accept here: " + web + "/orgs/alpha/invitation (" + web + "/alpha/project/pull/1)\n\n" +
		"<!-- snekomatic:welcome org=alpha user=1 -->\n"
	if got["alpha"] != wantAlpha {
		t.Errorf("alpha's welcome preview:\n%q\nwant\n%q", got["alpha"], wantAlpha)
	}
	if !strings.HasPrefix(got["beta"], "Hi @octocat, thank you") || !strings.Contains(got["beta"], "into the beta organization") {
		t.Errorf("beta's welcome preview is not the standard text for beta:\n%s", got["beta"])
	}
	if got["gamma"] != "" {
		t.Errorf("gamma turns comments off, yet its preview is:\n%s", got["gamma"])
	}

	code, out, errOut = runDoctor(t, env, "--state", w.statePath, "--config", cfg)
	mustCode(t, code, 0, out, errOut)
	alpha, rest, _ := strings.Cut(out[strings.Index(out, "\nalpha "):], "\nbeta ")
	want := "    welcome comment, with sample data (long lines wrapped here):\n" +
		"      | Welcome aboard, @octocat! Accept here: " + web + "/orgs/alpha/invitation\n"
	if !strings.Contains(alpha, want) || !strings.Contains(alpha, "      | <!-- snekomatic:welcome org=alpha user=1 -->") {
		t.Errorf("alpha's row lacks its welcome preview\n%s\nin:\n%s", want, alpha)
	}
	if n := strings.Count(out, "welcome comment, with sample data"); n != 2 {
		t.Errorf("%d welcome previews, want alpha's and beta's:\n%s", n, out)
	}
	if !strings.Contains(rest, "into the beta organization") {
		t.Errorf("beta's preview is missing:\n%s", rest)
	}
	for _, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
}

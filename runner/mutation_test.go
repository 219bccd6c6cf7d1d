package runner_test

// runner's own tests (docs/MUTATION.md): before
// them the package was reached by cmd's end-to-end tests only, which its
// mutation sweep does not run.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/config"
	why "github.com/python-trio/snekomatic/explain"
	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/ghapp"
	"github.com/python-trio/snekomatic/ghsession"
	"github.com/python-trio/snekomatic/ghtransport"
	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/report"
	"github.com/python-trio/snekomatic/runner"
	"github.com/python-trio/snekomatic/state"
)

const token = "ghp_runnerTestToken0123456789abcdefABCDE"

// logLines keeps the messages logged.
type logLines struct {
	mu   sync.Mutex
	msgs []string
}

func (h *logLines) Enabled(context.Context, slog.Level) bool { return true }
func (h *logLines) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Message)
	return nil
}
func (h *logLines) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logLines) WithGroup(string) slog.Handler      { return h }

func (h *logLines) has(prefix string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.msgs {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}

// world is a fake GitHub with the organization trio, whose owner holds
// the token, and ann's pull request merged an hour ago.
func world(t *testing.T) (*fakegithub.GitHub, *fakegithub.Account) {
	t.Helper()
	gh := fakegithub.New(t)
	gh.AddOrg("trio")
	owner := gh.AddUser("boss")
	gh.MakeOwner("trio", owner.ID)
	gh.AddTokenFor(token, owner.ID)
	ann := gh.AddUser("ann")
	gh.AddPR(gh.AddRepo("trio", "trio"), ann.ID, "fix", time.Now().Add(-time.Hour))
	return gh, ann
}

func connectTo(gh *fakegithub.GitHub, log *slog.Logger) func(*state.Store) (*ghsession.Session, error) {
	return func(store *state.Store) (*ghsession.Session, error) {
		return ghsession.New(ghsession.Config{Logger: log, Content: store,
			Options: ghtransport.Options{WriteSpacing: -1, ContentPerMinute: -1, ContentPerHour: -1},
			Credentials: ghsession.Credentials{Mode: ghsession.ModeToken, Token: token, TokenVar: "GH_TOKEN", Orgs: []string{"trio"},
				APIURL: gh.RESTURL(), GraphQLURL: gh.GraphQLURL(), MaxWait: time.Minute}})
	}
}

func plainWords(_ context.Context, err error, org string, _ report.Refusals) report.Failure {
	return report.Failure{Org: org, Msg: err.Error(), Code: report.ExitError}
}

func runOptions(t *testing.T, gh *fakegithub.GitHub, h *logLines) runner.Options {
	log := slog.New(h)
	return runner.Options{StatePath: filepath.Join(t.TempDir(), "state.json"), Now: time.Now(), WebURL: gh.URL(), Concurrency: 2,
		CheckOwner: true, Log: log, Connect: connectTo(gh, log), Explain: plainWords,
		Policies:    runner.Policies{Flags: config.Policy{}},
		Interrupted: func() bool { return false }}
}

func TestRunInvitesAndCommitsTheState(t *testing.T) {
	gh, ann := world(t)
	h := &logLines{}
	o := runOptions(t, gh, h)
	run := report.NewRun("test", false, "token", o.StatePath)
	failures, ran := runner.Run(context.Background(), o, run)
	if !ran || len(failures) != 0 {
		t.Fatalf("ran %v, failures %+v", ran, failures)
	}
	if len(run.Orgs) != 1 || len(run.Orgs[0].Invited) != 1 || run.Orgs[0].Invited[0].Login != "ann" || len(run.Orgs[0].Errors) != 0 {
		t.Fatalf("report %+v", run.Orgs)
	}
	// A token serves every organization it names: none skipped, no
	// warning, and no organization's own file read (that is App mode's).
	if len(run.Skipped) != 0 || len(run.Orgs[0].Warnings) != 0 {
		t.Errorf("skipped %+v, warnings %q", run.Skipped, run.Orgs[0].Warnings)
	}
	for _, r := range gh.Requests() {
		if strings.Contains(r.Path, "/contents/") {
			t.Errorf("token mode read %s", r.Path)
		}
	}
	if !h.has("no state file yet; starting fresh") {
		t.Errorf("a fresh state file not logged: %q", h.msgs)
	}
	st, _, err := state.Open(o.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if p := st.Org("trio").People[ann.ID]; p == nil || p.Status != state.Invited {
		t.Errorf("state: ann %+v", p)
	}
	// The second run finds the state file, and nobody new.
	h2 := &logLines{}
	st.Close()
	o.Log = slog.New(h2)
	run = report.NewRun("test", false, "token", o.StatePath)
	if failures, ran := runner.Run(context.Background(), o, run); !ran || len(failures) != 0 || len(run.Orgs[0].Invited) != 0 {
		t.Errorf("second run: %v %+v %+v", ran, failures, run.Orgs)
	}
	if h2.has("no state file yet") {
		t.Errorf("an existing state file logged as fresh")
	}
}

func TestRunFailsEarly(t *testing.T) {
	gh, _ := world(t)
	o := runOptions(t, gh, &logLines{})
	if err := os.WriteFile(o.StatePath, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := report.NewRun("test", false, "token", o.StatePath)
	if failures, ran := runner.Run(context.Background(), o, run); ran || len(failures) != 1 || failures[0].Org != "" {
		t.Errorf("state file unreadable: ran %v, failures %+v", ran, failures)
	}
	o = runOptions(t, gh, &logLines{})
	o.Connect = func(*state.Store) (*ghsession.Session, error) { return nil, errors.New("no credentials") }
	if failures, ran := runner.Run(context.Background(), o, run); ran || len(failures) != 1 || failures[0].Msg != "no credentials" {
		t.Errorf("no session: ran %v, failures %+v", ran, failures)
	}
	if len(run.Orgs) != 0 {
		t.Errorf("orgs reported: %+v", run.Orgs)
	}
}

// TestRunInterrupted: a run cut short says so once, as its organization's
// error, even where nothing failed.
func TestRunInterrupted(t *testing.T) {
	gh, _ := world(t)
	o := runOptions(t, gh, &logLines{})
	o.Interrupted = func() bool { return true }
	run := report.NewRun("test", false, "token", o.StatePath)
	failures, ran := runner.Run(context.Background(), o, run)
	if !ran || len(failures) != 1 || failures[0].Msg != context.Canceled.Error() || failures[0].Org != "trio" {
		t.Fatalf("ran %v, failures %+v", ran, failures)
	}
	if len(run.Orgs) != 1 || len(run.Orgs[0].Errors) != 1 {
		t.Errorf("report %+v", run.Orgs)
	}
}

// TestRunNotAnOwner: in token mode a token whose user may not invite fails
// the organization before anything is sent, in its report.
func TestRunNotAnOwner(t *testing.T) {
	gh, ann := world(t)
	o := runOptions(t, gh, &logLines{})
	gh.SetMember("trio", gh.Lookup("boss").ID, "member")
	run := report.NewRun("test", false, "token", o.StatePath)
	failures, ran := runner.Run(context.Background(), o, run)
	if !ran || len(failures) != 1 || failures[0].Org != "trio" || !strings.Contains(failures[0].Msg, "only organization owners can invite") ||
		len(run.Orgs) != 1 || len(run.Orgs[0].Invited) != 0 {
		t.Fatalf("ran %v, failures %+v, orgs %+v", ran, failures, run.Orgs)
	}
	if gh.Account(ann.ID) == nil || len(gh.Members("trio")) != 1 {
		t.Errorf("members %v", gh.Members("trio"))
	}
	// Without the check, the invitation is tried, and GitHub refuses it.
	o.CheckOwner = false
	run = report.NewRun("test", false, "token", o.StatePath)
	failures, ran = runner.Run(context.Background(), o, run)
	if !ran || len(run.Orgs) != 1 || len(run.Orgs[0].Invited) != 0 || len(failures) != 1 || !strings.HasPrefix(failures[0].Msg, "invite ann: ") {
		t.Errorf("without the owner check: ran %v, failures %+v", ran, failures)
	}
}

// TestRunWarnsOfConfiguredOrganizationsNotServed: an organization the
// configuration names that the run does not serve is logged, with the
// file and line.
func TestRunWarnsOfConfiguredOrganizationsNotServed(t *testing.T) {
	gh, _ := world(t)
	h := &logLines{}
	o := runOptions(t, gh, h)
	cfg, err := config.Parse(strings.NewReader("orgs:\n  trio:\n    max_invites: 5\n  tiro:\n    max_invites: 5\n"), "snekomatic.yml", reconcile.SampleWelcomeData)
	if err != nil {
		t.Fatal(err)
	}
	o.Policies.Config, o.ConfigPath = cfg, "snekomatic.yml"
	runner.Run(context.Background(), o, report.NewRun("test", false, "token", o.StatePath))
	if !h.has("snekomatic.yml:4: orgs.tiro matches no organization this run serves (a typo?)") || h.has("snekomatic.yml:2: orgs.trio") {
		t.Errorf("logged %q", h.msgs)
	}
}

// orgFile is an OrgConfigReader with one answer.
type orgFile struct {
	data  string
	found bool
	err   error
	reads int
}

func (f *orgFile) OrgConfig(context.Context, string) ([]byte, bool, error) {
	f.reads++
	return []byte(f.data), f.found, f.err
}

func TestPoliciesOrg(t *testing.T) {
	flags := config.Policy{}
	for _, tc := range []struct {
		name     string
		f        *orgFile
		app      bool
		wantMax  int
		warning  string
		err      string
		readsOwn bool
	}{
		{name: "token mode reads no file", f: &orgFile{data: "max_invites: 3\n", found: true}, app: false, wantMax: 7},
		{name: "own file", f: &orgFile{data: "max_invites: 3\n", found: true}, app: true, wantMax: 3, readsOwn: true},
		{name: "no own file", f: &orgFile{}, app: true, wantMax: 7, readsOwn: true},
		{name: "own file not readable", f: &orgFile{err: fmt.Errorf("403: %w", ghapi.ErrNoAccess)}, app: true, wantMax: 7, readsOwn: true,
			warning: "the organization's own configuration (trio/.github/snekomatic.yml) could not be read: grant Contents: Read to the App to use it"},
		{name: "reading fails", f: &orgFile{err: errors.New("502")}, app: true, readsOwn: true, err: "read trio/.github/snekomatic.yml: 502"},
		{name: "own file invalid", f: &orgFile{data: "max_invites: many\n", found: true}, app: true, readsOwn: true, err: "trio/.github/snekomatic.yml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse(strings.NewReader("defaults:\n  max_invites: 7\n"), "snekomatic.yml", reconcile.SampleWelcomeData)
			if err != nil {
				t.Fatal(err)
			}
			h := &logLines{}
			p, warnings, err := runner.Policies{Config: cfg, Flags: flags, Log: slog.New(h)}.Org(context.Background(), tc.f, "trio", tc.app)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || p.MaxInvites != tc.wantMax || (tc.f.reads > 0) != tc.readsOwn {
				t.Errorf("policy %+v err %v, %d reads", p, err, tc.f.reads)
			}
			if strings.Join(warnings, "|") != tc.warning {
				t.Errorf("warnings %q, want %q", warnings, tc.warning)
			}
			if tc.warning != "" && !h.has("organization configuration not readable") {
				t.Errorf("not logged: %q", h.msgs)
			}
		})
	}
	// No logger: nothing logged, and no panic.
	if _, _, err := (runner.Policies{}).Org(context.Background(), &orgFile{}, "trio", true); err != nil {
		t.Error(err)
	}
}

func TestAdoptRunWriteText(t *testing.T) {
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	ok := &reconcile.AdoptReport{Org: "trio", PullRequests: 4, Window: reconcile.Window{From: from, To: to}, Known: 1,
		Adopted: []reconcile.Entry{{Login: "a"}, {Login: "b"}}, Skipped: []reconcile.Entry{{Login: "bot"}}}
	failed := &reconcile.AdoptReport{Org: "oops"}
	partly := &reconcile.AdoptReport{Org: "half", PullRequests: 1, Window: reconcile.Window{From: from, To: to}}
	quiet := &reconcile.AdoptReport{Org: "quiet", Window: reconcile.Window{From: from, To: to}}
	run := &runner.AdoptRun{Orgs: []*runner.AdoptedOrg{{AdoptReport: ok}, {AdoptReport: failed, Errors: []string{"boom"}}, {AdoptReport: partly, Errors: []string{"later"}},
		{AdoptReport: quiet}}}
	var b bytes.Buffer
	if err := run.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "trio: 4 merged pull requests from " + report.FormatTime(from) + " to " + report.FormatTime(to) +
		"; adopted 2 people; 1 already remembered (left as they were); 1 authors not people (bots, mannequins, deleted)\n" +
		"oops: failed before its merged pull requests were read (error below)\n" +
		"half: 1 merged pull requests from " + report.FormatTime(from) + " to " + report.FormatTime(to) +
		"; adopted 0 people; 0 already remembered (left as they were); 0 authors not people (bots, mannequins, deleted)\n" +
		"quiet: 0 merged pull requests from " + report.FormatTime(from) + " to " + report.FormatTime(to) +
		"; adopted 0 people; 0 already remembered (left as they were); 0 authors not people (bots, mannequins, deleted)\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	ok.DryRun, run.DryRun, run.Orgs = true, true, run.Orgs[:1]
	b.Reset()
	_ = run.WriteText(&b)
	if !strings.Contains(b.String(), "; would adopt 2 people;") || !strings.HasSuffix(b.String(), "\nDry run: the state file was not changed.\n") {
		t.Errorf("dry run:\n%s", b.String())
	}
}

func TestDoctorTargets(t *testing.T) {
	err := errors.New("x")
	got := runner.DoctorTargets([]ghsession.Target{{Org: "a"}, {Org: "b", Err: err}})
	if len(got) != 2 || got[0].Org != "a" || got[1].Org != "b" || got[1].Err != err {
		t.Errorf("DoctorTargets = %+v", got)
	}
	if got := runner.DoctorTargets(nil); got == nil || len(got) != 0 {
		t.Errorf("no targets: %#v", got)
	}
}

// session is a token session on gh for orgs (trio when none), with no
// content log.
func session(t *testing.T, gh *fakegithub.GitHub, orgs ...string) *ghsession.Session {
	t.Helper()
	if len(orgs) == 0 {
		orgs = []string{"trio"}
	}
	s, err := ghsession.New(ghsession.Config{Options: ghtransport.Options{WriteSpacing: -1, ContentPerMinute: -1, ContentPerHour: -1},
		Credentials: ghsession.Credentials{Mode: ghsession.ModeToken, Token: token, TokenVar: "GH_TOKEN", Orgs: orgs,
			APIURL: gh.RESTURL(), GraphQLURL: gh.GraphQLURL(), MaxWait: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAdopt records the authors of the merged pull requests once for all
// organizations; a dry run says so and writes nothing; a failure before
// any organization was read is returned as it is.
func TestAdopt(t *testing.T) {
	gh, ann := world(t)
	path := filepath.Join(t.TempDir(), "state.json")
	o := runner.AdoptOptions{StatePath: path, Since: time.Now().Add(-24 * time.Hour), Now: time.Now(), DryRun: true,
		Connect: func() (*ghsession.Session, error) { return session(t, gh), nil }, Explain: plainWords}
	run, failures, err := runner.Adopt(context.Background(), o)
	if err != nil || len(failures) != 0 || len(run.Orgs) != 1 || len(run.Orgs[0].Adopted) != 1 || !run.DryRun || run.State != path {
		t.Fatalf("dry run: %+v %+v %v", run, failures, err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a dry run wrote the state file")
	}
	o.DryRun = false
	if run, failures, err = runner.Adopt(context.Background(), o); err != nil || len(failures) != 0 || len(run.Errors) != 0 {
		t.Fatalf("adopt: %+v %+v %v", run, failures, err)
	}
	st, _, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if p := st.Org("trio").People[ann.ID]; p == nil {
		t.Error("ann not recorded")
	}
	st.Close()

	o.Connect = func() (*ghsession.Session, error) { return nil, errors.New("no credentials") }
	if _, _, err := runner.Adopt(context.Background(), o); err == nil || err.Error() != "no credentials" {
		t.Errorf("no session: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "state.json")
	_ = os.WriteFile(bad, []byte("not json"), 0o600)
	o.StatePath = bad
	if _, _, err := runner.Adopt(context.Background(), o); err == nil {
		t.Error("a state file that cannot be read: no error")
	}
}

// TestAdoptOrganizationFails: an organization that cannot be read is in
// the adoption with its error, said once in the run's errors too.
func TestAdoptOrganizationFails(t *testing.T) {
	gh, _ := world(t)
	o := runner.AdoptOptions{StatePath: filepath.Join(t.TempDir(), "state.json"), Since: time.Now().Add(-24 * time.Hour), Now: time.Now(),
		Connect: func() (*ghsession.Session, error) { return session(t, gh, "nope"), nil }, Explain: plainWords}
	run, failures, err := runner.Adopt(context.Background(), o)
	if err != nil || len(failures) != 1 || failures[0].Org != "nope" || len(run.Errors) != 1 || !strings.HasPrefix(run.Errors[0], "nope: ") {
		t.Fatalf("%+v %+v %v", run, failures, err)
	}
	if len(run.Orgs) == 1 && (len(run.Orgs[0].Errors) != 1 || run.Orgs[0].Errors[0] != failures[0].Msg) {
		t.Errorf("the organization's own errors: %q", run.Orgs[0].Errors)
	}
}

// TestAskGitHub: explain's facts about one login come from the one target
// the session serves.
func TestAskGitHub(t *testing.T) {
	gh, _ := world(t)
	f := &why.Facts{Login: "ann", Org: "trio"}
	if err := runner.AskGitHub(context.Background(), session(t, gh), runner.Policies{}, f, nil, false); err != nil {
		t.Fatal(err)
	}
	if f.GitHub == nil || f.PolicyNote != "" {
		t.Errorf("facts %+v", f)
	}
	f = &why.Facts{Login: "ann", Org: "trio"}
	if err := runner.AskGitHub(context.Background(), session(t, gh, "trio", "other"), runner.Policies{}, f, nil, false); err == nil ||
		err.Error() != "no way to act on trio with these credentials" {
		t.Errorf("two targets: %v", err)
	}
}

// TestDoctorAnswersAsARunDoes: doctor's owner check, explanation and
// policy are a run's.
func TestDoctorAnswersAsARunDoes(t *testing.T) {
	gh, _ := world(t)
	ts, err := session(t, gh).Targets(context.Background())
	if err != nil || len(ts) != 1 {
		t.Fatalf("targets %+v %v", ts, err)
	}
	c, err := ts[0].API()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d := runner.Doctor{Words: func(_ context.Context, err error, org string) string { return org + ": " + err.Error() }}
	if owner, why, err := d.Owner(ctx, c, "boss", "trio"); err != nil || !owner || why != "" {
		t.Errorf("boss: %v %q %v", owner, why, err)
	}
	if owner, why, err := d.Owner(ctx, c, "ann", "trio"); err != nil || owner || why == "" {
		t.Errorf("ann: %v %q %v", owner, why, err)
	}
	if _, _, err := d.Owner(ctx, c, "boss", "nope"); err == nil || strings.Contains(err.Error(), "https://") {
		t.Errorf("an organization that does not exist: %v", err)
	}
	if got := d.Explain(ctx, errors.New("x"), "trio"); got != "trio: x" {
		t.Errorf("Explain = %q", got)
	}
	cfg, err := config.Parse(strings.NewReader("defaults:\n  max_invites: 7\n"), "snekomatic.yml", reconcile.SampleWelcomeData)
	if err != nil {
		t.Fatal(err)
	}
	if p, _, err := d.Policy(ctx, c, "trio", false, cfg); err != nil || p.MaxInvites != 7 {
		t.Errorf("policy %+v %v", p, err)
	}
	if got := d.MissingPermissions(ghapp.Installation{Permissions: map[string]string{}}); len(got) == 0 {
		t.Errorf("an installation with no permission misses none")
	}
}

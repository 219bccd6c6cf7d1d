package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/schematest"
	"github.com/python-trio/snekomatic/state"
)

const testToken = "ghp_e2eTESTtoken0123456789abcdef"

// world is a fake GitHub with one organization and a repository in it.
type world struct {
	gh        *fakegithub.GitHub
	repo      *fakegithub.Repo
	statePath string
	now       time.Time
	// clock is the transports' and the fake's: pacing and waits move it.
	clock *simClock
}

func newWorld(t *testing.T) *world {
	t.Helper()
	gh := fakegithub.New(t)
	schematest.Attach(t, gh) // before any fault, so that it judges their answers too
	gh.AddOrg("trio")
	gh.AddToken(testToken)
	// GitHub lets only owners invite: the token's user is one.
	gh.MakeOwner("trio", gh.TokenOwner().ID)
	clock := newSimClock()
	gh.SetClock(clock.Now) // the fake's limits count on the client's clock
	w := &world{gh: gh, clock: clock, repo: gh.AddRepo("trio", "trio"), statePath: filepath.Join(t.TempDir(), "state.json"), now: clock.Now()}
	return w
}

// run runs snekomatic in-process against the fake and returns its exit code,
// stdout and stderr.
func (w *world) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	d, out, errb := testDeps(map[string]string{
		"GITHUB_TOKEN":   testToken,
		"GITHUB_API_URL": w.gh.RESTURL(),
	})
	d.Now = func() time.Time { return w.now }
	d.Resilience = w.clock.resilience
	full := append([]string{"reconcile", "--state", w.statePath}, args...)
	code := Main(context.Background(), full, d)
	return code, out.String(), errb.String()
}

func (w *world) merged(t *testing.T, author *fakegithub.Account, ago time.Duration) *fakegithub.PR {
	t.Helper()
	var id int64
	if author != nil {
		id = author.ID
	}
	return w.gh.AddPR(w.repo, id, "a change", w.now.Add(-ago))
}

// newcomersWorld is an organization where n new people, a member and a bot
// have merged pull requests; it returns the new people.
func newcomersWorld(t *testing.T, n int) (*world, []*fakegithub.Account) {
	t.Helper()
	w := newWorld(t)
	var fresh []*fakegithub.Account
	for i := range n {
		u := w.gh.AddUser(fmt.Sprintf("new%d", i))
		fresh = append(fresh, u)
		w.merged(t, u, time.Duration(i+1)*time.Hour)
	}
	m := w.gh.AddUser("member")
	w.gh.SetMember("trio", m.ID, "member")
	w.merged(t, m, time.Hour)
	w.merged(t, w.gh.AddBot("helper[bot]"), time.Hour)
	return w, fresh
}

func mustCode(t *testing.T, code int, want int, stdout, stderr string) {
	t.Helper()
	if code != want {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
	}
}

func loadState(t *testing.T, path string) *state.File {
	t.Helper()
	f, fresh, err := state.Load(path)
	if err != nil || fresh {
		t.Fatalf("state: fresh=%v err=%v", fresh, err)
	}
	return f
}

func TestNewContributorIsInvitedAndWelcomedOnce(t *testing.T) {
	w := newWorld(t)
	alice := w.gh.AddUser("alice")
	first := w.merged(t, alice, 3*time.Hour)
	w.merged(t, alice, 2*time.Hour) // a later pull request of hers: the welcome goes on the first

	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)

	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 1 || inv[0].InviteeID != alice.ID || inv[0].Role != "direct_member" {
		t.Fatalf("invitations = %+v, want one direct_member invitation for alice", inv)
	}
	comments := w.gh.AllComments()
	if len(comments) != 1 {
		t.Fatalf("comments = %+v, want exactly one", comments)
	}
	c := comments[0]
	if c.Repo != "trio/trio" || c.Number != first.Number {
		t.Errorf("welcome posted on %s#%d, want trio/trio#%d (her earliest)", c.Repo, c.Number, first.Number)
	}
	for _, want := range []string{"@alice", w.gh.URL() + "/orgs/trio/invitation", "decline", "won't get reminders"} {
		if !strings.Contains(c.Body, want) {
			t.Errorf("welcome comment lacks %q:\n%s", want, c.Body)
		}
	}
	if !strings.Contains(out, "invited (1):") || !strings.Contains(out, "alice") {
		t.Errorf("report does not show the invitation:\n%s", out)
	}

	st := loadState(t, w.statePath)
	p := st.Org("trio").People[alice.ID]
	if p == nil || p.Status != state.Invited || p.PR == nil || p.PR.Number != first.Number || p.CommentURL == "" {
		t.Fatalf("state for alice = %+v", p)
	}
	if !st.Org("trio").Cursor.Equal(w.now.Truncate(time.Second)) {
		t.Errorf("cursor = %v, want %v", st.Org("trio").Cursor, w.now.Truncate(time.Second))
	}

	// A rerun with nothing new sends nothing, even though the overlap reads
	// the same pull requests again.
	w.gh.ResetRequests()
	w.now = w.now.Add(10 * time.Minute)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if n := w.gh.CountRequests()[fakegithub.KindRESTWrite]; n != 0 {
		t.Errorf("rerun sent %d mutating requests, want 0", n)
	}
	if len(w.gh.CreatedInvitations("trio")) != 1 || len(w.gh.AllComments()) != 1 {
		t.Errorf("rerun invited or commented again")
	}
}

func TestPeopleWhoAreNeverInvited(t *testing.T) {
	w := newWorld(t)
	member := w.gh.AddUser("member")
	w.gh.SetMember("trio", member.ID, "member")
	owner := w.gh.AddUser("owner")
	w.gh.SetMember("trio", owner.ID, "admin")
	pending := w.gh.AddUser("pending")
	w.gh.AddPendingInvitation("trio", pending.ID)
	bot := w.gh.AddBot("dependabot[bot]")
	mannequin := w.gh.AddMannequin("imported-user")
	gone := w.gh.AddUser("gone")
	closedOnly := w.gh.AddUser("closed-only")

	w.merged(t, member, time.Hour)
	w.merged(t, owner, time.Hour)
	w.merged(t, pending, time.Hour)
	w.merged(t, bot, time.Hour)
	w.merged(t, mannequin, time.Hour)
	w.merged(t, gone, time.Hour)
	w.gh.DeleteUser(gone.ID)
	w.gh.AddClosedPR(w.repo, closedOnly.ID, "not merged", w.now.Add(-time.Hour))

	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 0 {
		t.Errorf("invitations = %+v, want none", inv)
	}
	if c := w.gh.AllComments(); len(c) != 0 {
		t.Errorf("comments = %+v, want none", c)
	}
	for _, r := range w.gh.Requests() {
		if r.Method == "PUT" && strings.Contains(r.Path, "/memberships/") {
			t.Errorf("sent %s %s: that endpoint demotes owners and must never be used", r.Method, r.Path)
		}
	}
	st := loadState(t, w.statePath).Org("trio")
	for _, c := range []struct {
		who  *fakegithub.Account
		want state.Status
	}{{member, state.Member}, {owner, state.Member}, {pending, state.Pending}} {
		if p := st.People[c.who.ID]; p == nil || p.Status != c.want {
			t.Errorf("%s recorded as %+v, want %s", c.who.Login, p, c.want)
		}
	}
	for _, who := range []*fakegithub.Account{bot, mannequin, gone, closedOnly} {
		if p := st.People[who.ID]; p != nil {
			t.Errorf("%s should not be recorded, got %+v", who.Login, p)
		}
	}
	for _, want := range []string{"already members (2)", "already invited (1)", "dependabot  trio/trio", "(bot)", "(mannequin", "ghost", "(deleted account)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestDryRunSendsNothingAndLeavesStateAlone(t *testing.T) {
	w := newWorld(t)
	old := w.gh.AddUser("old-friend")
	w.merged(t, old, 30*time.Minute)
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	before, _ := os.ReadFile(w.statePath)

	alice := w.gh.AddUser("alice")
	w.merged(t, alice, 5*time.Minute)
	w.now = w.now.Add(time.Hour)
	w.gh.ResetRequests()
	code, out, errOut = w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)

	if n := w.gh.CountRequests()[fakegithub.KindRESTWrite]; n != 0 {
		t.Errorf("dry run sent %d mutating requests", n)
	}
	after, _ := os.ReadFile(w.statePath)
	if string(before) != string(after) {
		t.Errorf("dry run changed the state file")
	}
	for _, want := range []string{"would invite (1):", "alice", "Dry run:", "next cursor (not saved)"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "old-friend  ") {
		t.Errorf("dry run lists someone already invited:\n%s", out)
	}
}

func TestDryRunWithoutStateFileCreatesNone(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	code, out, errOut := w.run(t, "--org", "trio", "--dry-run", "--output", "json")
	mustCode(t, code, 0, out, errOut)
	if _, err := os.Stat(w.statePath); !os.IsNotExist(err) {
		t.Errorf("dry run created the state file: %v", err)
	}
	var rep RunReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json report: %v\n%s", err, out)
	}
	if !rep.DryRun || len(rep.Orgs) != 1 || len(rep.Orgs[0].Invited) != 1 || rep.Orgs[0].Invited[0].Login != "alice" {
		t.Errorf("json report = %+v", rep)
	}
	if !strings.Contains(rep.Orgs[0].WindowReason, "first run") {
		t.Errorf("a first run should say so: %q", rep.Orgs[0].WindowReason)
	}
}

func TestNobodyIsAskedTwice(t *testing.T) {
	for _, fate := range []string{"declined", "expired", "left"} {
		t.Run(fate, func(t *testing.T) {
			w := newWorld(t)
			bob := w.gh.AddUser("bob")
			w.merged(t, bob, time.Hour)
			code, out, errOut := w.run(t, "--org", "trio")
			mustCode(t, code, 0, out, errOut)
			if len(w.gh.CreatedInvitations("trio")) != 1 {
				t.Fatalf("bob was not invited the first time")
			}
			switch fate {
			case "declined":
				w.gh.DeclineInvitation("trio", bob.ID)
			case "expired":
				w.gh.ExpireInvitation("trio", bob.ID)
			case "left":
				w.gh.AcceptInvitation("trio", bob.ID)
				w.gh.RemoveMember("trio", bob.ID)
			}
			w.now = w.now.Add(2 * time.Hour)
			w.merged(t, bob, 10*time.Minute)
			code, out, errOut = w.run(t, "--org", "trio")
			mustCode(t, code, 0, out, errOut)
			if n := len(w.gh.CreatedInvitations("trio")); n != 1 {
				t.Errorf("bob was invited %d times, want once", n)
			}
			if n := len(w.gh.AllComments()); n != 1 {
				t.Errorf("bob was welcomed %d times, want once", n)
			}
			if !strings.Contains(out, "previously recorded: 1") {
				t.Errorf("report should count bob as previously recorded:\n%s", out)
			}
		})
	}
}

func TestBadStateFilesFailCleanly(t *testing.T) {
	for name, content := range map[string]string{
		"corrupt":         `{"version": 1, "orgs": {`,
		"unknown version": `{"version": 99, "orgs": {}}`,
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			w.merged(t, w.gh.AddUser("alice"), time.Hour)
			if err := os.WriteFile(w.statePath, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := w.run(t, "--org", "trio")
			if code != ExitError {
				t.Errorf("exit code %d, want %d", code, ExitError)
			}
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			last := lines[len(lines)-1]
			if !strings.Contains(last, w.statePath) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("want one error line naming the file, got:\n%s", errOut)
			}
			if after, _ := os.ReadFile(w.statePath); string(after) != content {
				t.Errorf("state file was modified")
			}
			if len(w.gh.Requests()) != 0 || out != "" {
				t.Errorf("nothing should happen with a bad state file: %d requests, stdout %q", len(w.gh.Requests()), out)
			}
		})
	}
}

func TestManyCandidatesListMembershipInsteadOfLookingEachUp(t *testing.T) {
	w := newWorld(t)
	for i := range 30 {
		m := w.gh.AddUser(fmt.Sprintf("member%d", i))
		w.gh.SetMember("trio", m.ID, "member")
		w.merged(t, m, time.Duration(i+1)*time.Minute)
	}
	newcomer := w.gh.AddUser("newcomer")
	w.merged(t, newcomer, time.Minute)
	code, out, errOut := w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	reads := 0
	for _, r := range w.gh.Requests() {
		// (The token's own membership is read once, to know it may invite.)
		if r.Method == "GET" && strings.Contains(r.Path, "/memberships/") && !strings.HasSuffix(r.Path, "/"+fakegithub.DefaultTokenOwner) {
			reads++
		}
	}
	if reads != 0 {
		t.Errorf("%d per-person membership look-ups; 31 candidates in a 30-member org should be checked with one listing", reads)
	}
	if got := w.gh.CountRequests(); got[fakegithub.KindGraphQL] != 2 || got[fakegithub.KindRESTWrite] != 2 {
		t.Errorf("requests = %v, want 2 GraphQL (search, roster) and 2 writes (invite, welcome)", got)
	}
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].InviteeID != newcomer.ID {
		t.Errorf("invitations = %+v, want just the newcomer", inv)
	}
}

func TestMaxInvitesQueuesTheRestForTheNextRun(t *testing.T) {
	w := newWorld(t)
	var people []*fakegithub.Account
	for i := range 3 {
		p := w.gh.AddUser(fmt.Sprintf("person%d", i))
		people = append(people, p)
		w.merged(t, p, time.Duration(3-i)*time.Hour) // person0 merged first
	}
	code, out, errOut := w.run(t, "--org", "trio", "--max-invites", "1")
	mustCode(t, code, 0, out, errOut)
	if inv := w.gh.CreatedInvitations("trio"); len(inv) != 1 || inv[0].InviteeID != people[0].ID {
		t.Fatalf("first run invitations = %+v, want person0 (earliest merge)", inv)
	}
	if !strings.Contains(out, "queued for a later run (2)") {
		t.Errorf("report should show the queue:\n%s", out)
	}
	// Far later, with a cursor well past their pull requests, the queue is
	// still served.
	w.now = w.now.Add(72 * time.Hour)
	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	inv := w.gh.CreatedInvitations("trio")
	if len(inv) != 3 || inv[1].InviteeID != people[1].ID || inv[2].InviteeID != people[2].ID {
		t.Fatalf("invitations = %+v, want the queue served in merge order", inv)
	}
	if n := len(w.gh.AllComments()); n != 3 {
		t.Errorf("%d welcomes, want 3", n)
	}
}

func TestSecondRunOnTheSameStateFailsFast(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	holder, _, err := state.Open(w.statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	code, out, errOut := w.run(t, "--org", "trio")
	if code != ExitError || !strings.Contains(errOut, "another snekomatic run is using this state file") {
		t.Fatalf("exit %d, stderr %q; want 1 and a message about the other run", code, errOut)
	}
	if len(w.gh.Requests()) != 0 || out != "" {
		t.Errorf("the second run should do nothing")
	}
}

func loadStateErr(path string) (*state.File, bool, error) { return state.Load(path) }

package reconcile

import (
	"fmt"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/state"
)

func TestRepoFilter(t *testing.T) {
	mk := func(repo string, fork, archived, private bool) PullRequest {
		return PullRequest{Repo: repo, RepoFork: fork, RepoArchived: archived, RepoPrivate: private}
	}
	tests := []struct {
		name   string
		filter RepoFilter
		pr     PullRequest
		want   string
	}{
		{"no filter keeps everything", RepoFilter{}, mk("o/r", true, true, true), ""},
		{"forks", RepoFilter{SkipForks: true}, mk("o/r", true, false, false), "fork"},
		{"archived", RepoFilter{SkipArchived: true}, mk("o/r", false, true, false), "archived"},
		{"private", RepoFilter{SkipPrivate: true}, mk("o/r", false, false, true), "private"},
		{"include matches the name", RepoFilter{Include: []string{"trio*"}}, mk("o/Trio-Websocket", false, false, false), ""},
		{"include misses", RepoFilter{Include: []string{"trio*"}}, mk("o/other", false, false, false), "not included"},
		{"exclude by name", RepoFilter{Exclude: []string{"sandbox-*"}}, mk("o/sandbox-1", false, false, false), "excluded (sandbox-*)"},
		{"exclude by full name", RepoFilter{Exclude: []string{"o/old"}}, mk("O/Old", false, false, false), "excluded (o/old)"},
		{"full-name pattern needs the owner", RepoFilter{Exclude: []string{"x/old"}}, mk("o/old", false, false, false), ""},
		{"exclude beats include", RepoFilter{Include: []string{"*"}, Exclude: []string{"old"}}, mk("o/old", false, false, false), "excluded (old)"},
	}
	for _, tt := range tests {
		if got := tt.filter.Drops(tt.pr); got != tt.want {
			t.Errorf("%s: Drops = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSortAppliesThePolicy(t *testing.T) {
	forked := prBy(3, "User", 12, "in-a-fork", t0)
	forked.RepoFork = true
	prs := []PullRequest{
		prBy(1, "User", 10, "Spammer", t0),
		prBy(2, "User", 11, "test-account-1", t0),
		forked,
		prBy(4, "User", 13, "welcome", t0),
		prBy(5, "User", 14, "excluded-queued", t0),
	}
	known := map[int64]*state.Person{
		14: {Login: "excluded-queued", Status: state.Queued},
		15: {Login: "queued-away", Status: state.Queued, PR: &state.PRRef{Repo: "o/r", Number: 9}},
	}
	pol := Policy{Exclude: []string{"spammer", "test-account-*", "*-queued"}, Repos: RepoFilter{SkipForks: true}}
	s := Classify(prs, known, pol, nil, "")
	var cands, skipped []string
	for _, c := range s.Candidates {
		cands = append(cands, c.Login)
	}
	for _, sk := range s.Skipped {
		skipped = append(skipped, sk.Login+": "+sk.Reason)
	}
	if diff := cmp.Diff([]string{"queued-away", "welcome"}, cands); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	want := []string{
		"Spammer: excluded by config (pattern spammer)",
		"test-account-1: excluded by config (pattern test-account-*)",
		"excluded-queued: excluded by config (pattern *-queued)",
	}
	if diff := cmp.Diff(want, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if s.Filtered != 1 {
		t.Errorf("filtered = %d, want 1 (the fork)", s.Filtered)
	}
}

func TestSortCountingPeopleComeBackOnANewerMerge(t *testing.T) {
	counted := &state.Person{Login: "newbie", Status: state.Counting, PR: &state.PRRef{Repo: "o/r", Number: 1, MergedAt: t0}}
	known := map[int64]*state.Person{10: counted}

	// The pull request they were counted on, read again in the overlap.
	s := Classify([]PullRequest{prBy(1, "User", 10, "newbie", t0)}, known, Policy{}, nil, "")
	if len(s.Candidates) != 0 || s.Known != 1 {
		t.Errorf("same pull request again: candidates %+v, known %d; want none and 1", s.Candidates, s.Known)
	}
	// A newer one makes them a candidate again, on it.
	s = Classify([]PullRequest{prBy(1, "User", 10, "newbie", t0), prBy(2, "User", 10, "newbie", t0.Add(time.Hour))}, known, Policy{}, nil, "")
	if len(s.Candidates) != 1 || s.Candidates[0].PR.Number != 2 || s.Candidates[0].Queued || s.Known != 0 {
		t.Errorf("newer pull request: candidates %+v, known %d", s.Candidates, s.Known)
	}
	// Without a new merge they are not queued either.
	s = Classify(nil, known, Policy{}, nil, "")
	if len(s.Candidates) != 0 {
		t.Errorf("counting people must not be served like the queue: %+v", s.Candidates)
	}
}

func TestSortReinvitesOnlyThoseNamed(t *testing.T) {
	known := map[int64]*state.Person{
		10: {Login: "expired", Status: state.Invited},
		11: {Login: "member", Status: state.Member},
	}
	prs := []PullRequest{prBy(1, "User", 10, "expired", t0), prBy(2, "User", 11, "member", t0)}
	s := Classify(prs, known, Policy{}, map[int64]string{10: "why", 11: "ignored: not invited by us"}, "")
	if len(s.Candidates) != 1 || s.Candidates[0].ID != 10 || s.Candidates[0].Note != "why" || s.Known != 1 {
		t.Errorf("candidates %+v, known %d", s.Candidates, s.Known)
	}
}

func TestPlanCountsNewcomersBelowTheThreshold(t *testing.T) {
	cands := []Candidate{
		{ID: 1, Login: "one-pr"}, {ID: 2, Login: "three-prs"}, {ID: 3, Login: "member"},
		{ID: 4, Login: "queued", Queued: true}, {ID: 5, Login: "uncounted"},
	}
	lk := Lookup{
		States: map[int64]MemberState{1: NotMember, 2: NotMember, 3: ActiveMember, 4: NotMember, 5: NotMember},
		Merged: map[int64]int{1: 1, 2: 3},
	}
	var got []string
	for _, d := range Plan(cands, lk, Limits{Budget: -1, MinMergedPRs: 3}) {
		got = append(got, fmt.Sprintf("%s %s %s", d.Login, d.Action, d.Reason))
	}
	want := []string{
		"one-pr count 1 of the 3 merged pull requests min_merged_prs asks for",
		"three-prs invite ",
		"member record-member already a member",
		"queued invite ",
		"uncounted count merged pull requests could not be counted",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestExpiredLongAgo(t *testing.T) {
	now := t0
	known := map[int64]*state.Person{
		1: {Login: "old-name", Status: state.Invited, At: now.Add(-500 * 24 * time.Hour)},
		2: {Login: "recent", Status: state.Invited, At: now.Add(-100 * 24 * time.Hour)},
		3: {Login: "member", Status: state.Member, At: now.Add(-500 * 24 * time.Hour)},
		4: {Login: "declined", Status: state.Invited, At: now.Add(-500 * 24 * time.Hour)},
		5: {Login: "reinvited", Status: state.Invited, At: now.Add(-10 * 24 * time.Hour)},
	}
	authors := map[string]int64{"new-name": 1, "recent": 2, "member": 3, "declined": 4, "reinvited": 5}
	failed := []FailedInvitation{
		{Login: "New-Name", FailedAt: now.Add(-490 * 24 * time.Hour), Reason: "Invitation expired"},
		{Login: "recent", FailedAt: now.Add(-93 * 24 * time.Hour), Reason: "Invitation expired"},
		{Login: "member", FailedAt: now.Add(-490 * 24 * time.Hour), Reason: "Invitation expired"},
		{Login: "declined", FailedAt: now.Add(-490 * 24 * time.Hour), Reason: "Invitee was removed"},
		// An expiry from before our latest invitation is not ours.
		{Login: "reinvited", FailedAt: now.Add(-490 * 24 * time.Hour), Reason: "Invitation expired"},
	}
	got := ExpiredLongAgo(known, authors, failed, now, 365*24*time.Hour)
	if len(got) != 1 || !strings.Contains(got[1], "expired on") || !strings.Contains(got[1], "365d") {
		t.Errorf("ExpiredLongAgo = %v, want only id 1", got)
	}
	if got := ExpiredLongAgo(known, authors, failed, now, 0); len(got) != 0 {
		t.Errorf("with the option off: %v", got)
	}
}

func TestRenderWelcomeAlwaysCarriesTheMarker(t *testing.T) {
	tmpl := template.Must(template.New("c").Parse("Hello {{.Login}}, see {{.AcceptURL}}\n\n\n"))
	body, err := RenderWelcome(tmpl, WelcomeData{Login: "ann", Org: "Trio", AcceptURL: "https://x/orgs/Trio/invitation"}, 42)
	if err != nil {
		t.Fatal(err)
	}
	want := "Hello ann, see https://x/orgs/Trio/invitation\n\n<!-- snekomatic:welcome org=trio user=42 -->\n"
	if body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
}

// TestPolicyFromCarriesEverySetting: each resolved setting reaches the
// Policy (a setting dropped here would silently run on its zero value).
func TestPolicyFromCarriesEverySetting(t *testing.T) {
	tmpl := template.Must(template.New("welcome").Parse("hi"))
	r := config.Resolved{Role: "admin", Teams: []string{"t"}, Exclude: []string{"x"}, MinMergedPRs: 3,
		RepoInclude: []string{"i"}, RepoExclude: []string{"e"}, SkipForks: true, SkipArchived: true, SkipPrivate: true,
		Comment: false, Template: tmpl, Lookback: 2 * time.Hour, Overlap: 3 * time.Minute, MaxInvites: 4,
		DailyInviteLimit: 500, ReinviteExpiredAfter: 5 * time.Hour}
	got := PolicyFrom(r)
	want := Policy{Role: "admin", Teams: []string{"t"}, Exclude: []string{"x"}, MinMergedPRs: 3,
		Repos:     RepoFilter{Include: []string{"i"}, Exclude: []string{"e"}, SkipForks: true, SkipArchived: true, SkipPrivate: true},
		NoComment: true, Comment: tmpl, ReinviteExpiredAfter: 5 * time.Hour,
		Overlap: 3 * time.Minute, Lookback: 2 * time.Hour, MaxInvites: 4, DailyInviteLimit: 500}
	if got.Comment != tmpl {
		t.Error("the template was not carried")
	}
	got.Comment, want.Comment = nil, nil
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	got.Teams[0] = "changed"
	if r.Teams[0] != "t" {
		t.Error("the Policy shares the resolved lists")
	}
}

package explain

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/reconcile"
	"github.com/python-trio/snekomatic/state"
)

var (
	t0  = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	pr  = &state.PRRef{Repo: "trio/trio", Number: 42, MergedAt: t0.Add(-time.Hour)}
	pol = reconcile.Policy{Exclude: []string{"*-ci"}}
)

func person(s state.Status, mod ...func(*state.Person)) *state.Person {
	p := &state.Person{Login: "alice", Status: s, At: t0, PR: pr}
	for _, m := range mod {
		m(p)
	}
	return p
}

func reason(r string) func(*state.Person) { return func(p *state.Person) { p.Reason = r } }

func online(membership string, merged int) *GitHub {
	return &GitHub{Found: true, ID: 5, Type: "User", Membership: membership, Merged: merged}
}

// TestDecide: one row for each kind of answer, offline and online.
func TestDecide(t *testing.T) {
	minTwo := reconcile.Policy{MinMergedPRs: 3}
	reinvite := reconcile.Policy{ReinviteExpiredAfter: 30 * 24 * time.Hour}
	approval := reconcile.Policy{ApprovalRepo: "trio/admin"}
	renew := reconcile.Policy{RenewExpired: true}
	invitedAt := func(p *state.Person) { p.InvitedAt = t0.Add(-8 * 24 * time.Hour) }
	for _, tc := range []struct {
		name     string
		f        Facts
		kind     string
		contains string
	}{
		{"org not in state", Facts{Login: "alice", Org: "trio", StatePath: "s.json"}, KindUnknownOrg, "trio is not in the state file s.json"},
		{"nothing known", Facts{Login: "alice", Org: "trio", OrgInState: true}, KindOnMerge, "invited after their first merged pull request in trio"},
		{"nothing known, min_merged_prs", Facts{Login: "alice", Org: "trio", OrgInState: true, Policy: minTwo}, KindOnMerge, "once they have 3"},
		{"nothing known, GitHub counts some", Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: online(NotMember, 2)}, KindOnMerge, "GitHub counts 2 merged pull requests"},
		{"bot by suffix", Facts{Login: "dependabot[bot]", Org: "trio", OrgInState: true}, KindNever, "never: a bot account"},
		{"bot by GitHub's type", Facts{Login: "helper", Org: "trio", OrgInState: true, GitHub: &GitHub{Found: true, ID: 7, Type: "Bot"}}, KindNever, "never: a bot account"},
		{"organization", Facts{Login: "trio", Org: "trio", OrgInState: true, GitHub: &GitHub{Found: true, ID: 1, Type: "Organization"}}, KindNever, "never: not a user account (Organization)"},
		{"excluded", Facts{Login: "build-ci", Org: "trio", OrgInState: true, Policy: pol}, KindNever, "never: excluded by config (pattern *-ci)"},
		{"excluded while queued", Facts{Login: "build-ci", Org: "trio", OrgInState: true, Policy: pol, ID: 5, Record: person(state.Queued, reason("cap"))}, KindNever, "lifting the exclusion serves them again"},
		{"no such account", Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: &GitHub{Merged: -1}}, KindNever, "GitHub has no account called alice"},
		{"unrecorded member", Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: online(Member, -1)}, KindNever, "already a member of trio"},
		{"unrecorded invitee", Facts{Login: "alice", Org: "trio", OrgInState: true, GitHub: online(Pending, -1)}, KindNever, "already invited to trio by someone else"},
		{"invited, offline", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Invited)}, KindNever, "never again: invited on 2026-11-02"},
		{"invited, accepted", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Invited), GitHub: online(Member, -1)}, KindNever, "and a member now"},
		{"invited, still pending", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Invited), GitHub: online(Pending, -1)}, KindNever, "still pending"},
		{"invited, gone", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Invited), GitHub: online(NotMember, -1)}, KindNever, "declined, cancelled or expired"},
		{"invited, gone, reinvite", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Invited), GitHub: online(NotMember, -1), Policy: reinvite}, KindOnMerge, "reinvite_expired_after (30d)"},
		{"declined", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Invited, reason("declined"), func(p *state.Person) { p.CommentURL = "u" })}, KindNever, "never: declined (or cancelled) the invitation sent on 2026-11-02"},
		{"no welcome possible is not declined", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Invited, reason("no welcome: archived"), func(p *state.Person) { p.NoComment = true })}, KindNever, "never again: invited on"},
		{"member", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Member)}, KindNever, "already a member when first seen on 2026-11-02"},
		{"pending", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Pending)}, KindNever, "invitation from someone else"},
		{"adopted", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Adopted, reason("adopted: merged pull requests since x"))}, KindNever, "never: adopted on 2026-11-02"},
		{"skipped", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Skipped, reason("the account no longer exists"))}, KindNever, "skipped on 2026-11-02: the account no longer exists"},
		{"queued, offline", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Queued, reason("--max-invites 0 reached"))}, KindQueued, "waits in the queue since 2026-11-02 (--max-invites 0 reached)"},
		{"queued, online", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Queued, reason("cap")), GitHub: online(NotMember, -1)}, KindInviteNextRun, "invited on the next run"},
		{"queued, joined since", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Queued, reason("cap")), GitHub: online(Member, -1)}, KindNever, "the next run records"},
		{"inviting, offline", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Inviting)}, KindUnsure, "asks GitHub whether it arrived"},
		{"inviting, arrived", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Inviting), GitHub: online(Pending, -1)}, KindUnsure, "arrived: the next run records it"},
		{"counting, offline", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Counting, reason("1 of the 3")), Policy: minTwo}, KindCounting, "needs more merged pull requests (counted on 2026-11-02: 1 of the 3)"},
		{"counting, online", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Counting), Policy: minTwo, GitHub: online(NotMember, 2)}, KindCounting, "needs 1 more merged pull request (GitHub counts 2 of the 3"},
		{"counting, enough now", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Counting), Policy: minTwo, GitHub: online(NotMember, 3)}, KindInviteNextRun, "merged after 2026-11-02"},
		{"proposed, offline", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Proposed), Policy: approval}, KindAwaitingApproval, `waits for approval on the approval issue in trio/admin (the issue snekomatic wrote there whose hidden marker is "<!-- snekomatic:dashboard org=trio … -->"), proposed on 2026-11-02`},
		{"proposed, online", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Proposed), Policy: approval, GitHub: online(NotMember, -1), Approval: &ApprovalIssue{Found: true, URL: "https://github.com/trio/admin/issues/3", Open: true}}, KindAwaitingApproval, "waits for approval on https://github.com/trio/admin/issues/3, proposed on"},
		{"proposed, online, member now", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Proposed), Policy: approval, GitHub: online(Member, -1), Approval: &ApprovalIssue{Found: true, URL: "u", Open: true}}, KindAwaitingApproval, "waits for approval on u"},
		{"proposed, issue closed", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Proposed), Policy: approval, GitHub: online(NotMember, -1), Approval: &ApprovalIssue{Found: true, URL: "u"}}, KindAwaitingApproval, "waits for approval on u (closed now: the next run reopens it)"},
		{"proposed, issue gone", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Proposed), Policy: approval, GitHub: online(NotMember, -1), Approval: &ApprovalIssue{}}, KindAwaitingApproval, "trio/admin has no approval issue of trio now"},
		{"proposed, approval off", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Proposed)}, KindInviteNextRun, "asks for approval no more"},
		{"rejected", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Rejected, reason("declined on trio/admin#3")), Policy: approval}, KindNever, "never: the maintainers said no on the approval issue on 2026-11-02 (`snekomatic state forget` undoes it)"},
		{"accepted", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Accepted, invitedAt)}, KindJoined, "joined: accepted the invitation (seen on 2026-11-02)"},
		{"expired", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Expired, invitedAt)}, KindNever, "never again: the invitation expired on 2026-11-02"},
		{"expired, renew once, not renewed", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Expired, invitedAt), Policy: renew}, KindNever, "only on the run that learns of its expiry, and that run did not"},
		{"expired, renewed", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Expired, invitedAt, func(p *state.Person) { p.Renewed = true }), Policy: renew}, KindNever, "never again: the invitation expired on 2026-11-02, after it had been sent again once (renew_expired: once)"},
		{"expired, reinvite", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Expired, invitedAt), Policy: reinvite}, KindOnMerge, "the invitation expired on 2026-11-02; under reinvite_expired_after (30d)"},
		{"failed", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Failed, invitedAt, reason("GitHub: No seats available."))}, KindNever, "never again: the invitation ended on 2026-11-02 without them joining: GitHub: No seats available."},
		{"counting, policy lowered", Facts{Org: "trio", OrgInState: true, ID: 5, Record: person(state.Counting)}, KindOnMerge, "min_merged_prs is no longer above 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Decide(tc.f)
			if v.Kind != tc.kind || !strings.Contains(v.Next, tc.contains) {
				t.Errorf("Decide = %+v; want kind %s with %q", v, tc.kind, tc.contains)
			}
		})
	}
}

// TestGitHubAboutAnotherAccountIsLeftAside: a record found by login while
// GitHub knows no such login (renamed since) is decided on the record.
func TestGitHubAboutAnotherAccountIsLeftAside(t *testing.T) {
	f := Facts{Login: "alice", Org: "trio", OrgInState: true, ID: 5, Record: person(state.Queued, reason("cap")), GitHub: &GitHub{Merged: -1}}
	if v := Decide(f); v.Kind != KindQueued {
		t.Errorf("Decide = %+v; want the record's verdict (queued)", v)
	}
}

func TestFind(t *testing.T) {
	o := &state.Org{People: map[int64]*state.Person{
		5: {Login: "alice", Status: state.Invited, At: t0},
		9: {Login: "Alice", Status: state.Member, At: t0.Add(-time.Hour)},
		7: {Login: "bob", Status: state.Queued, At: t0},
	}}
	check := func(name string, gotID, wantID int64, got, want *state.Person) {
		t.Helper()
		if gotID != wantID || got != want {
			t.Errorf("%s: %d %v; want %d %v", name, gotID, got, wantID, want)
		}
	}
	id, p, oid, other := Find(o, "ALICE", 0)
	check("by login, the latest", id, 5, p, o.People[5])
	check("by login, no other", oid, 0, other, nil)
	id, p, oid, other = Find(o, "alice", 9)
	check("by id", id, 9, p, o.People[9])
	check("by id, the login's other account", oid, 5, other, o.People[5])
	id, p, _, _ = Find(o, "bob", 8)
	check("an id with no record", id, 0, p, nil)
	id, p, _, _ = Find(nil, "bob", 0)
	check("no organization", id, 0, p, nil)
}

func TestWantsCount(t *testing.T) {
	min3 := reconcile.Policy{MinMergedPRs: 3}
	for _, tc := range []struct {
		name string
		f    Facts
		want bool
	}{
		{"offline", Facts{}, false},
		{"unrecorded user", Facts{Login: "alice", GitHub: online(NotMember, -1)}, true},
		{"unrecorded member", Facts{Login: "alice", GitHub: online(Member, -1)}, false},
		{"excluded", Facts{Login: "build-ci", Policy: pol, GitHub: online(NotMember, -1)}, false},
		{"counting under min_merged_prs", Facts{Login: "alice", Policy: min3, Record: person(state.Counting), GitHub: online(NotMember, -1)}, true},
		{"counting, min_merged_prs 1", Facts{Login: "alice", Record: person(state.Counting), GitHub: online(NotMember, -1)}, false},
		{"final", Facts{Login: "alice", Policy: min3, Record: person(state.Invited), GitHub: online(NotMember, -1)}, false},
		{"bot", Facts{Login: "x", GitHub: &GitHub{Found: true, Type: "Bot", Membership: NotMember}}, false},
	} {
		if got := WantsCount(tc.f); got != tc.want {
			t.Errorf("%s: WantsCount = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// TestJSONShape: the documented shape of `explain --output json`.
func TestJSONShape(t *testing.T) {
	p := person(state.Invited, func(p *state.Person) { p.CommentURL = "https://github.com/trio/trio/pull/42#issuecomment-1" })
	f := Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, Record: p,
		Policy: reconcile.Policy{MinMergedPRs: 2, Teams: []string{"contributors"}}, GitHub: online(Member, -1)}
	var b bytes.Buffer
	if err := WriteJSON(&b, Explain(f)); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	delete(got, "text")
	want := map[string]any{
		"login": "alice", "org": "trio", "state": "s.json", "org_in_state": true,
		"record": map[string]any{"id": 5.0, "login": "alice", "status": "invited", "at": "2026-11-02T10:00:00Z",
			"pr":          map[string]any{"repo": "trio/trio", "number": 42.0, "url": "https://github.com/trio/trio/pull/42", "merged_at": "2026-11-02T09:00:00Z"},
			"comment_url": "https://github.com/trio/trio/pull/42#issuecomment-1"},
		"policy":  map[string]any{"min_merged_prs": 2.0, "role": "direct_member", "teams": []any{"contributors"}, "comment": true, "renew_expired": "never"},
		"github":  map[string]any{"account": "user", "id": 5.0, "membership": "member"},
		"verdict": map[string]any{"kind": "never", "next": "never again: invited on 2026-11-02, and a member now"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("JSON (-want +got):\n%s\n%s", d, b.String())
	}
	off := Explain(Facts{Login: "alice", Org: "trio", StatePath: "s.json", NotAsked: "--offline"})
	b.Reset()
	WriteJSON(&b, off)
	for _, want := range []string{`"record": null`, `"github": null`, `"github_not_asked": "--offline"`, `"kind": "unknown-org"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("offline JSON lacks %s:\n%s", want, b.String())
		}
	}
}

// TestText: the paragraph says each fact, and the one-line answers stay
// one line.
func TestText(t *testing.T) {
	p := person(state.Invited, func(p *state.Person) { p.NoComment = true })
	a := Explain(Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, Record: p,
		Policy: reconcile.Policy{Role: reconcile.RoleAdmin, Teams: []string{"a", "b"}, NoComment: true}, NotAsked: "--offline"})
	for _, want := range []string{
		"The state file s.json records alice (id 5) in trio as invited by snekomatic on 2026-11-02, for https://github.com/trio/trio/pull/42 (merged 2026-11-02)",
		"never welcomed: invited while welcome comments were off",
		"trio's policy invites after 1 merged pull request, as an owner (admin), into the teams a, b, without a welcome comment.",
		"GitHub was not asked (--offline).",
		"Next: never again: invited on 2026-11-02.",
	} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, a.Text)
		}
	}
	var b bytes.Buffer
	WriteText(&b, a, 60)
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if len(line) > 60 && !strings.Contains(line, "https://") {
			t.Errorf("line longer than 60 columns: %q", line)
		}
	}
	for _, f := range []Facts{
		{Login: "alice", Org: "trio", StatePath: "s.json"},
		{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, NotAsked: "--offline"},
	} {
		b.Reset()
		WriteText(&b, Explain(f), 40)
		if n := strings.Count(b.String(), "\n"); n != 1 {
			t.Errorf("%d lines; want one:\n%s", n, b.String())
		}
	}
	other := Explain(Facts{Login: "alice", Org: "trio", OrgInState: true, OtherID: 3, Other: person(state.Member), GitHub: online(NotMember, 0)})
	if !strings.Contains(other.Text, "another account (id 3, member on 2026-11-02)") {
		t.Errorf("text does not say the login changed hands:\n%s", other.Text)
	}
}

// TestTextApprovalAndFates: the policy paragraph names approval and
// renew_expired when they are on (and not otherwise), the record sentence
// says when an invitation with a known fate was sent and whether it was
// renewed, and the JSON carries them and the approval issue.
func TestTextApprovalAndFates(t *testing.T) {
	p := person(state.Expired, func(p *state.Person) {
		p.InvitedAt, p.Renewed, p.Reason = t0.Add(-7*24*time.Hour), true, "Invitation expired. User did not accept this invite for 7 days."
	})
	pol := reconcile.Policy{ApprovalRepo: "trio/admin", RenewExpired: true}
	a := Explain(Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, Record: p, Policy: pol, NotAsked: "--offline"})
	for _, want := range []string{
		"records alice (id 5) in trio as having let snekomatic's invitation expire on 2026-11-02",
		"; invited on 2026-10-26; its expired invitation was sent again once (renew_expired: once)",
		"with a welcome comment, once a maintainer approves them on the approval issue in trio/admin, and sends an invitation that expired unanswered again, once (renew_expired: once).",
	} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, a.Text)
		}
	}
	if a.Policy.ApprovalRepo != "trio/admin" || a.Policy.RenewExpired != "once" || !a.Record.Renewed || !a.Record.InvitedAt.Equal(p.InvitedAt) {
		t.Errorf("policy %+v, record %+v", a.Policy, a.Record)
	}
	plain := Explain(Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, Record: person(state.Invited), NotAsked: "--offline"})
	if strings.Contains(plain.Text, "approval") || strings.Contains(plain.Text, "renew_expired") {
		t.Errorf("approval and renewal are off, yet:\n%s", plain.Text)
	}
	issue := &ApprovalIssue{Found: true, URL: "https://github.com/trio/admin/issues/3", Open: true}
	var b bytes.Buffer
	WriteJSON(&b, Explain(Facts{Login: "alice", Org: "trio", OrgInState: true, ID: 5, Record: person(state.Proposed), Policy: pol, Approval: issue}))
	if !strings.Contains(b.String(), `"approval_issue": {`) || !strings.Contains(b.String(), `"kind": "awaiting-approval"`) {
		t.Errorf("JSON lacks the approval issue or the kind:\n%s", b.String())
	}
}

// TestTextCoAuthor: a record made on a pull request they co-authored says
// so, the policy paragraph says co-authors are credited, and the JSON
// carries both.
func TestTextCoAuthor(t *testing.T) {
	p := person(state.Invited, func(p *state.Person) { p.CoAuthor = true })
	a := Explain(Facts{Login: "alice", Org: "trio", StatePath: "s.json", OrgInState: true, ID: 5, Record: p,
		Policy: reconcile.Policy{CoAuthors: true}, NotAsked: "--offline"})
	for _, want := range []string{
		"as invited by snekomatic on 2026-11-02, as a co-author of https://github.com/trio/trio/pull/42",
		"crediting co-authors of merged pull requests too",
		"Next: never again: invited on 2026-11-02.",
	} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, a.Text)
		}
	}
	if !a.Record.CoAuthor || !a.Policy.CoAuthors {
		t.Errorf("record %+v policy %+v", a.Record, a.Policy)
	}
}

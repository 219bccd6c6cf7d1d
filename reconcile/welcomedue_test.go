package reconcile

import "testing"

// welcomeDue decides who a dry run previews a welcome for, as a real run
// posts them.
func TestWelcomeDue(t *testing.T) {
	pr := PullRequest{Repo: "trio/trio", Number: 1}
	archived := PullRequest{Repo: "trio/old", Number: 2, RepoArchived: true}
	dec := func(a Action, pr PullRequest) Decision {
		return Decision{Candidate: Candidate{ID: 1, Login: "a", PR: pr}, Action: a}
	}
	found := dec(ActConfirm, pr)
	found.CommentURL = "https://github.test/c/1"
	renewal := dec(ActInvite, pr)
	renewal.Renewal = &Renewal{CommentURL: "https://github.test/c/0"}
	for _, tt := range []struct {
		name string
		d    Decision
		pol  Policy
		want bool
	}{
		{name: "invited", d: dec(ActInvite, pr), want: true},
		{name: "invited, comments off", d: dec(ActInvite, pr), pol: Policy{NoComment: true}},
		{name: "invited in an archived repository", d: dec(ActInvite, archived)},
		{name: "invited without a pull request on record", d: dec(ActInvite, PullRequest{})},
		{name: "invitation renewed (welcomed the first time)", d: renewal},
		{name: "confirmed, no comment found", d: dec(ActConfirm, pr), want: true},
		{name: "confirmed, comment found", d: found},
		{name: "declined earlier", d: dec(ActRecordDeclined, pr)},
		{name: "member", d: dec(ActRecordMember, pr)},
		{name: "queued", d: dec(ActQueue, pr)},
		{name: "counting", d: dec(ActCount, pr)},
	} {
		if got := welcomeDue(tt.d, tt.pol); got != tt.want {
			t.Errorf("%s: welcomeDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

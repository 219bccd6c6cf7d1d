package reconcile

import "testing"

// welcomeDue decides who a dry run previews a welcome for, as a real run
// posts them.
func TestWelcomeDue(t *testing.T) {
	pr := PullRequest{Repo: "trio/trio", Number: 1}
	archived := PullRequest{Repo: "trio/old", Number: 2, RepoArchived: true}
	for _, tt := range []struct {
		name       string
		action     Action
		commentURL string
		pr         PullRequest
		pol        Policy
		want       bool
	}{
		{name: "invited", action: ActInvite, pr: pr, want: true},
		{name: "invited, comments off", action: ActInvite, pr: pr, pol: Policy{NoComment: true}},
		{name: "invited in an archived repository", action: ActInvite, pr: archived},
		{name: "invited without a pull request on record", action: ActInvite},
		{name: "confirmed, no comment found", action: ActConfirm, pr: pr, want: true},
		{name: "confirmed, comment found", action: ActConfirm, commentURL: "https://github.test/c/1", pr: pr},
		{name: "declined earlier", action: ActRecordDeclined, pr: pr},
		{name: "member", action: ActRecordMember, pr: pr},
		{name: "queued", action: ActQueue, pr: pr},
		{name: "counting", action: ActCount, pr: pr},
	} {
		if got := welcomeDue(tt.action, tt.commentURL, tt.pr, tt.pol); got != tt.want {
			t.Errorf("%s: welcomeDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

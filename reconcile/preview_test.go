package reconcile_test

import (
	"strings"
	"testing"
	"text/template"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/internal/reconciletest"
	"github.com/python-trio/snekomatic/reconcile"
)

// welcomes maps each person of rep's invited and welcomed lists to the
// welcome previewed for them ("" for none).
func welcomes(rep *reconcile.Report) map[string]string {
	out := map[string]string{}
	for _, es := range [][]reconcile.Entry{rep.Invited, rep.Welcomed, rep.Members, rep.Skipped} {
		for _, e := range es {
			out[e.Login] = e.Welcome
		}
	}
	return out
}

// A dry run carries, for each person who would be welcomed, exactly the
// comment a real run then posts (the standard text, or the policy's
// template), and none for those who would get none: a member, someone in
// an archived repository, or anyone when comments are off.
func TestDryRunPreviewsTheWelcomeARunPosts(t *testing.T) {
	custom := template.Must(template.New("c").Option("missingkey=error").Parse("Welcome {{.Login}} to {{.Org}}, see {{.PR.URL}}!"))
	for _, tt := range []struct {
		name    string
		comment *template.Template
		off     bool
	}{
		{name: "standard"},
		{name: "template", comment: custom},
		{name: "comments off", off: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := options()
			opts.Policy.Comment, opts.Policy.NoComment = tt.comment, tt.off
			opts.DryRun = true
			c := reconciletest.New()
			archived := mergedPR(3, 12, "carol")
			archived.Repo, archived.RepoArchived = "trio/old", true
			c.PRs = []reconcile.PullRequest{mergedPR(1, 10, "alice"), mergedPR(2, 11, "bob"), archived}
			c.State[11] = reconcile.ActiveMember
			st := tempStore(t)
			invitedEarlier(st, 5, 5, "erin")
			dry, err := runOrg(t, c, st, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := welcomes(dry)

			opts.DryRun = false
			if _, err := runOrg(t, c, st, opts); err != nil && !tt.off {
				t.Fatal(err)
			}
			// Everyone the dry run reported, with what the run posted.
			want := map[string]string{"alice": "", "bob": "", "carol": ""}
			if _, ok := got["erin"]; ok || !tt.off {
				want["erin"] = ""
			}
			for login, n := range map[string]int{"alice": 1, "erin": 5} {
				if posted := c.CommentsOn("trio/trio", n); len(posted) == 1 {
					want[login] = posted[0]
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("previewed welcomes (-posted +previewed):\n%s", diff)
			}
			if !tt.off && (want["alice"] == "" || !strings.Contains(want["alice"], "alice")) {
				t.Errorf("alice was not welcomed by the real run: %q", want["alice"])
			}
		})
	}
}

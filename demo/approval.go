package demo

import (
	"fmt"
	"strings"

	"github.com/python-trio/snekomatic/config"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// The demo with approval on (approval: {issue_repo: ...} for the sample
// organization in --config): the first run proposes the newcomers on an
// issue and invites nobody; between the runs a maintainer ticks alice's and
// bob's boxes there; the second run invites them.

// approvalRepo is the approval issue's repository the configuration sets
// for the sample organization ("" when approval is off).
func approvalRepo(o Options) string {
	return config.Resolve(o.Config, o.Org, nil, config.Policy{}).ApprovalRepo
}

// addApprovalRepo creates the approval issue's repository in the sample
// organization when it is one of its own and not there yet. A repository
// elsewhere is left missing: the run then says it cannot read it.
func addApprovalRepo(gh *fakegithub.GitHub, org, repo string) {
	owner, name, _ := strings.Cut(repo, "/")
	if repo == "" || !strings.EqualFold(owner, org) || strings.EqualFold(name, "widgets") || strings.EqualFold(name, "docs") {
		return
	}
	gh.AddRepo(org, name)
}

// approve ticks, as a maintainer would on the web, the boxes of the
// people of the demo who wait on the approval issue, but chen's, and says
// what it did.
func (dm *demo) approve(repo string) []string {
	issues := dm.gh.IssuesIn(repo)
	if len(issues) == 0 {
		return []string{"no approval issue to answer in " + repo}
	}
	n := issues[len(issues)-1]
	body, _, _ := dm.gh.IssueBody(repo, n)
	var ticked []string
	for _, login := range []string{"alice", "bob"} {
		if strings.Contains(body, "- [ ] @"+login+" ") {
			dm.gh.TickBox(repo, n, login)
			ticked = append(ticked, login)
		}
	}
	if len(ticked) == 0 {
		return []string{fmt.Sprintf("nobody to approve on %s#%d", repo, n)}
	}
	boxes := strings.Join(ticked, "'s and ") + "'s box"
	if len(ticked) > 1 {
		boxes += "es"
	}
	return []string{fmt.Sprintf("a maintainer ticks %s on the approval issue %s#%d (chen's box stays unticked)", boxes, repo, n)}
}

// issueWrite names a write to an approval issue, for the narration.
func issueWrite(method string, parts []string) string {
	switch {
	case method == "POST" && len(parts) == 4 && parts[0] == "repos" && parts[3] == "issues":
		return fmt.Sprintf("open the approval issue in %s/%s", parts[1], parts[2])
	case method == "PATCH" && len(parts) == 5 && parts[0] == "repos" && parts[3] == "issues":
		return fmt.Sprintf("update the approval issue %s/%s#%s", parts[1], parts[2], parts[4])
	}
	return ""
}
